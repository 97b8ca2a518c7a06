/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-submit-private.h — one queued submission as its row says it, shared by queueing
 * (af-submit-queue.c) and sending (af-submit.c).
 */
#pragma once

#include "af-submit.h"

G_BEGIN_DECLS

typedef struct
{
  char    *request_id;
  char    *file_name;
  char    *spool_path;
  char    *sha256;
  gint64   size_bytes;
  char    *content_type;
  gboolean save;
  char    *email;
  gint64   created_at;     /* ms: the analysis' sort key, fixed at queueing */
  char    *state;          /* "queued", "uploading", "uploaded"; then "done", or "sent"
                              when the analysis did not reach the cache (a pull brings it) */
  char    *user_id;        /* nullable until looked up */
  char    *object_key;     /* nullable until the user is known */
  guint    attempts;
} AfSubmission;

void       af_submission_free        (AfSubmission  *submission);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSubmission, af_submission_free)

/* Not yet done, oldest first (GPtrArray of AfSubmission). */
GPtrArray *af_submit_list_pending    (AfStore       *store,
                                      GError       **error);
gboolean   af_submit_update          (AfStore       *store,
                                      const AfSubmission *submission,
                                      const char    *last_error,
                                      GError       **error);

G_END_DECLS
