/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forget.h — deletion on request (GDPR): everything of one ArtGuard user.
 *
 * Remotely: the user's analyses (found through the analyses table's user-index), every
 * object under inference/{user_id}/ in the raw bucket and every object their
 * raw_image_url / processed_image_url name, then the user's item. Locally: the same
 * items, their outbox entries, conflicts, submissions and cached object files.
 *
 * The request is recorded first (a row in sync_forget) and every step is idempotent,
 * in an order that keeps what later steps need: objects before the analyses that name
 * them, analyses before the user. An interrupted run is simply run again (the sync
 * does it by itself), until the row is gone.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-s3.h"
#include "af-store.h"
#include "af-workspace-names.h"

G_BEGIN_DECLS

typedef struct
{
  guint analyses;   /* analysis items deleted remotely */
  guint objects;    /* S3 objects deleted */
  gboolean user;    /* the user's item was there and is gone */
  guint local;      /* cache rows erased */
} AfForgetResult;

#define AF_TYPE_FORGET (af_forget_get_type ())
G_DECLARE_FINAL_TYPE (AfForget, af_forget, AF, FORGET, GObject)

AfForget  *af_forget_new             (AfStore             *store,
                                      AfDynamodbClient    *dynamodb,
                                      AfS3Client          *s3);
/* Uses @names (shared, not copied): the analyses and users tables, the buckets.
 * Default: the seeds' names for "dev". */
void       af_forget_set_names       (AfForget            *self,
                                      AfWorkspaceNames    *names);

/* Records the request (so that it resumes if interrupted), then runs it. */
void       af_forget_run_async       (AfForget            *self,
                                      const char          *user_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean   af_forget_run_finish      (AfForget            *self,
                                      GAsyncResult        *result,
                                      AfForgetResult      *out_result,
                                      GError             **error);

/* Requests recorded and not finished (owned, NULL-terminated). */
char     **af_forget_list_pending    (AfStore             *store,
                                      GError             **error);

G_END_DECLS
