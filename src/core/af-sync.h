/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-sync.h — one sync: retention, queued submissions, the outbox (AfPush), then the
 * tables and objects (AfPull), then any forget-user request left unfinished.
 *
 * Before writing anything, one quick request tells whether the endpoint answers at
 * all: offline, the sync stops at once (AF_AWS_ERROR_NETWORK) instead of backing off
 * for a minute per request, and the cache remembers it ("offline" and "last_error" in
 * the sync state) for `status` and the window. Nothing queued is lost either way.
 */
#pragma once

#include "af-forget.h"
#include "af-pull.h"
#include "af-push.h"
#include "af-submit.h"

G_BEGIN_DECLS

typedef enum
{
  AF_SYNC_PUSH = 1 << 0,
  AF_SYNC_PULL = 1 << 1,
  AF_SYNC_BOTH = AF_SYNC_PUSH | AF_SYNC_PULL,
} AfSyncMode;

typedef struct
{
  AfPushResult   *push;        /* (nullable) not pushed */
  AfSubmitResult *submit;      /* (nullable) not pushed */
  AfPullResult   *pull;        /* (nullable) not pulled */
  guint           forgotten;   /* forget-user requests finished */
  guint           expired;     /* items that left the cache (retention) */
  guint           expired_by_table[AF_N_TABLES];  /* the same, per table */
} AfSyncResult;

void af_sync_result_free (AfSyncResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSyncResult, af_sync_result_free)

/* What `status` shows. */
typedef struct
{
  gint64   outbox;        /* entries waiting */
  gint64   conflicts;     /* open conflicts */
  gint64   submissions;   /* artwork submissions not yet sent */
  char    *last_sync;     /* (nullable) ISO 8601 */
  char    *last_error;    /* (nullable) the last sync's failure */
  char    *last_failure;  /* (nullable) ISO 8601: when it failed (NULL once one succeeds) */
  gboolean offline;       /* the last sync found the endpoints unreachable */
} AfSyncStatus;

void     af_sync_status_clear (AfSyncStatus *status);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AfSyncStatus, af_sync_status_clear)
gboolean af_sync_load_status  (AfStore      *store,
                               AfSyncStatus *status,
                               GError      **error);

/* Records that a sync failed now with @error, for `status` and the window: also for
 * a failure before any AfSync ran (no credentials, a refused endpoint). */
gboolean af_sync_record_failure (AfStore      *store,
                                 const GError *error,
                                 GError      **out_error);

/* No answer at all (refused, dropped, timed out): the network, not the service. */
gboolean af_sync_error_is_offline (const GError *error);

#define AF_TYPE_SYNC (af_sync_get_type ())
G_DECLARE_FINAL_TYPE (AfSync, af_sync, AF, SYNC, GObject)

AfSync       *af_sync_new             (AfStore            *store,
                                       AfDynamodbClient   *dynamodb,
                                       AfS3Client         *s3);
void          af_sync_set_mode        (AfSync             *self,
                                       AfSyncMode          mode);
void          af_sync_set_table_name  (AfSync             *self,
                                       AfTable             table,
                                       const char         *name);
/* Defaults: artguard-images-raw-{env}, artguard-images-processed-{env}, env "dev". */
void          af_sync_set_buckets     (AfSync             *self,
                                       const char         *raw,
                                       const char         *processed);
/* The pull it runs, to tune (af_pull_set_full…). */
AfPull       *af_sync_get_pull        (AfSync             *self);

void          af_sync_run_async       (AfSync             *self,
                                       GCancellable       *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer            user_data);
AfSyncResult *af_sync_run_finish      (AfSync             *self,
                                       GAsyncResult       *result,
                                       GError            **error);

G_END_DECLS
