/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-submit.h — a new artwork analysis, from a local image to ArtGuard.
 *
 * Queueing checks the file by its bytes (an image type that matches its name, whole,
 * within the size and pixel limits: no decompression bomb), computes its SHA-256,
 * copies it into the cache's spool and records the submission in SQLite, with its
 * request id and created_at fixed once: everything later is derived from them, so a
 * retry after a restart sends the very same requests.
 *
 * Sending (when online): the user's id by e-mail (users' email-index), the image to the
 * raw bucket under inference/{user_id}/{request_id}/{file name} (or audit/… when the
 * user opts in to saving it), then ONE TransactWriteItems that puts the analysis
 * (PENDING, attribute_not_exists(request_id)) and counts it on the user (ADD
 * total_uploads, quota_used; SET last_login) with ClientRequestToken = the request id.
 * A transaction cancelled because the analysis is already there means an earlier try
 * got through: done, so the counters move exactly once.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-s3.h"
#include "af-store.h"
#include "af-workspace-names.h"

G_BEGIN_DECLS

#define AF_SUBMIT_ERROR (af_submit_error_quark ())
GQuark af_submit_error_quark (void);

typedef enum
{
  AF_SUBMIT_ERROR_EMPTY,       /* a file of 0 bytes */
  AF_SUBMIT_ERROR_TOO_BIG,     /* over AF_SUBMIT_MAX_BYTES */
  AF_SUBMIT_ERROR_TYPE,        /* not a JPEG, PNG or TIFF, or not the type its name says */
  AF_SUBMIT_ERROR_NO_USER,     /* no ArtGuard user with the reviewer's e-mail */
} AfSubmitError;

/* ArtGuard's upload limit. */
#define AF_SUBMIT_MAX_BYTES (50 * 1024 * 1024)
#define AF_SUBMIT_SAVE_DAYS 30

/* Checks @path and queues it; returns the new request id. Nothing is queued on error. */
char     *af_submit_queue          (AfStore      *store,
                                    const char   *path,
                                    gboolean      save,
                                    GError      **error);
/* Submissions not yet in the cloud. */
gint64    af_submit_count_pending  (AfStore      *store,
                                    GError      **error);
/* The submissions the queues list above the analyses: a GPtrArray of AfValue maps
 * {request_id, filename, created_at (N, ms), uploaded (BOOL)}; first those not yet in
 * the cloud (uploaded false), oldest first, then those sent whose analysis is not in
 * the cache yet (uploaded true: until a pull brings it), so that a queued artwork never
 * vanishes before it is an analysis here. */
GPtrArray *af_submit_list_waiting  (AfStore      *store,
                                    GError      **error);
/* The checks queueing makes (not empty, within ArtGuard's size, a JPEG, PNG or TIFF by
 * its bytes and as its @name says, whole, within the pixel limits), on @bytes already
 * read: the submit dialog refuses a bad file before it offers to submit it. */
gboolean  af_submit_check_image    (const char   *name,
                                    GBytes       *bytes,
                                    GError      **error);

typedef struct
{
  guint      submitted;   /* analyses the cloud now holds */
  guint      already;     /* found already there (an earlier try got through) */
  guint      uploads;     /* objects uploaded */
  guint      errors;
  GPtrArray *problems;    /* (element-type utf8) */
} AfSubmitResult;

void af_submit_result_free (AfSubmitResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSubmitResult, af_submit_result_free)

#define AF_TYPE_SUBMIT (af_submit_get_type ())
G_DECLARE_FINAL_TYPE (AfSubmit, af_submit, AF, SUBMIT, GObject)

AfSubmit       *af_submit_new            (AfStore            *store,
                                          AfDynamodbClient   *dynamodb,
                                          AfS3Client         *s3);
/* Uses @names (shared, not copied): the analyses and users tables, the raw bucket.
 * Default: the seeds' names for "dev". */
void            af_submit_set_names      (AfSubmit           *self,
                                          AfWorkspaceNames   *names);

void            af_submit_run_async      (AfSubmit           *self,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
/* NULL with an error when it had to stop (network, credentials); per-submission
 * problems (no such user) are in the result and stay queued. */
AfSubmitResult *af_submit_run_finish     (AfSubmit           *self,
                                          GAsyncResult       *result,
                                          GError            **error);

G_END_DECLS
