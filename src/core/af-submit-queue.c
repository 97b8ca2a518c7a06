/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-submit"

#include <glib/gstdio.h>
#include <string.h>

#include "af-clock.h"
#include "af-file-check.h"
#include "af-store-private.h"
#include "af-store-sync.h"
#include "af-submit-private.h"

G_DEFINE_QUARK (af-submit-error-quark, af_submit_error)

#define SUBMISSION_COLUMNS \
  "request_id, file_name, spool_path, sha256, size_bytes, content_type, save, email, " \
  "created_at, state, user_id, object_key, attempts"

void
af_submission_free (AfSubmission *submission)
{
  if (submission == NULL)
    return;
  g_free (submission->request_id);
  g_free (submission->file_name);
  g_free (submission->spool_path);
  g_free (submission->sha256);
  g_free (submission->content_type);
  g_free (submission->email);
  g_free (submission->state);
  g_free (submission->user_id);
  g_free (submission->object_key);
  g_free (submission);
}

/* ---- Checking the file ---------------------------------------------------------------- */

static AfFileType
type_for_name (const char *name)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *extension = dot != NULL ? g_ascii_strdown (dot + 1, -1) : NULL;

  if (extension == NULL)
    return AF_FILE_TYPE_UNKNOWN;
  if (g_str_equal (extension, "jpg") || g_str_equal (extension, "jpeg"))
    return AF_FILE_TYPE_JPEG;
  if (g_str_equal (extension, "png"))
    return AF_FILE_TYPE_PNG;
  if (g_str_equal (extension, "tif") || g_str_equal (extension, "tiff"))
    return AF_FILE_TYPE_TIFF;
  return AF_FILE_TYPE_PDF;  /* any other extension: not an image name */
}

static const char *
content_type_for (AfFileType type)
{
  switch (type)
    {
    case AF_FILE_TYPE_JPEG: return "image/jpeg";
    case AF_FILE_TYPE_PNG: return "image/png";
    case AF_FILE_TYPE_TIFF: return "image/tiff";
    case AF_FILE_TYPE_PDF:
    case AF_FILE_TYPE_UNKNOWN:
    default: return NULL;
    }
}

static gboolean
check_type (const char  *name,
            AfFileType   type,
            GError     **error)
{
  AfFileType named = type_for_name (name);

  if (content_type_for (type) == NULL)
    {
      g_set_error (error, AF_SUBMIT_ERROR, AF_SUBMIT_ERROR_TYPE,
                   "%s is not an image ArtGuard can analyse (its bytes are %s; "
                   "JPEG, PNG or TIFF are)", name,
                   type == AF_FILE_TYPE_PDF ? "a PDF" : "of no known image type");
      return FALSE;
    }
  if (named != AF_FILE_TYPE_UNKNOWN && named != type)
    {
      g_set_error (error, AF_SUBMIT_ERROR, AF_SUBMIT_ERROR_TYPE,
                   "%s is a %s image, which its name does not say: rename it or pick "
                   "the right file", name, af_file_type_to_string (type));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_image (const char    *name,
             const guint8  *data,
             gsize          length,
             AfFileType    *out_type,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (length == 0)
    {
      g_set_error (error, AF_SUBMIT_ERROR, AF_SUBMIT_ERROR_EMPTY, "%s is empty", name);
      return FALSE;
    }
  if (length > AF_SUBMIT_MAX_BYTES)
    {
      g_set_error (error, AF_SUBMIT_ERROR, AF_SUBMIT_ERROR_TOO_BIG,
                   "%s is %" G_GSIZE_FORMAT " bytes; ArtGuard takes at most %d MB", name,
                   length, AF_SUBMIT_MAX_BYTES / (1024 * 1024));
      return FALSE;
    }
  *out_type = af_file_sniff (data, length);
  if (!check_type (name, *out_type, error))
    return FALSE;
  /* The pixel limits, and that the data is whole (a PNG reaches IEND, a JPEG its EOI). */
  if (!af_image_check_limits (data, length, AF_IMAGE_MAX_PIXELS, NULL, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
      return FALSE;
    }
  return TRUE;
}

/* ---- Queueing ------------------------------------------------------------------------- */

static char *
spool_path (AfStore    *store,
            const char *request_id)
{
  g_autofree char *dir = g_path_get_dirname (af_store_get_path (store));

  return g_build_filename (dir, "submissions", request_id, NULL);
}

static gboolean
insert_row (AfStore             *store,
            const AfSubmission  *submission,
            GError             **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, "INSERT INTO sync_submissions ("
                                             SUBMISSION_COLUMNS ") VALUES "
                                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', NULL, NULL, 0)",
                                             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, submission->request_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, submission->file_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, submission->spool_path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, submission->sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, submission->size_bytes);
  sqlite3_bind_text (stmt, 6, submission->content_type, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 7, submission->save);
  sqlite3_bind_text (stmt, 8, submission->email, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, submission->created_at);
  return af_store_step_done (store, stmt, error);
}

static gboolean
require_identity (AfStore  *store,
                  GError  **error)
{
  if (af_store_get_identity (store) != NULL)
    return TRUE;
  g_set_error_literal (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY,
                       "no identity: a submission is counted on the ArtGuard user with your "
                       "e-mail; set it in Preferences or pass --user");
  return FALSE;
}

/* The spool copy is written first and the row second: a crash in between leaves an
 * orphan file, never a row without its bytes. */
char *
af_submit_queue (AfStore     *store,
                 const char  *path,
                 gboolean     save,
                 GError     **error)
{
  g_autoptr(AfSubmission) submission = g_new0 (AfSubmission, 1);
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  g_autofree char *dir = NULL;
  AfFileType type = AF_FILE_TYPE_UNKNOWN;
  gsize length = 0;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  base = g_path_get_basename (path);
  submission->file_name = g_utf8_make_valid (base, -1);
  if (!require_identity (store, error) || !af_store_sync_prepare (store, error)
      || !g_file_get_contents (path, &contents, &length, error)
      || !check_image (submission->file_name, (const guint8 *) contents, length, &type, error))
    return NULL;

  submission->request_id = g_uuid_string_random ();
  submission->spool_path = spool_path (store, submission->request_id);
  submission->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents,
                                                    length);
  submission->size_bytes = length;
  submission->content_type = g_strdup (content_type_for (type));
  submission->save = save;
  submission->email = g_strdup (af_store_get_identity (store));
  submission->created_at = af_clock_now_unix_ms ();

  dir = g_path_get_dirname (submission->spool_path);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents (submission->spool_path, contents, length, error)
      || !insert_row (store, submission, error))
    {
      g_unlink (submission->spool_path);
      if (error != NULL && *error == NULL)
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot create %s", dir);
      return NULL;
    }
  g_debug ("queued an image as %s", submission->request_id);
  return g_strdup (submission->request_id);
}

/* ---- Reading and updating rows ------------------------------------------------------------ */

static AfSubmission *
submission_from_row (AfStmt *stmt)
{
  AfSubmission *submission = g_new0 (AfSubmission, 1);

  submission->request_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  submission->file_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  submission->spool_path = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  submission->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  submission->size_bytes = sqlite3_column_int64 (stmt, 4);
  submission->content_type = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  submission->save = sqlite3_column_int (stmt, 6);
  submission->email = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  submission->created_at = sqlite3_column_int64 (stmt, 8);
  submission->state = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  submission->user_id = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
  submission->object_key = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
  submission->attempts = sqlite3_column_int (stmt, 12);
  return submission;
}

GPtrArray *
af_submit_list_pending (AfStore  *store,
                        GError  **error)
{
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) af_submission_free);
  g_autoptr(AfStmt) stmt = NULL;
  int rc;

  if (!af_store_sync_prepare (store, error))
    return NULL;
  stmt = af_store_prepare (store, "SELECT " SUBMISSION_COLUMNS " FROM sync_submissions "
                                  "WHERE state NOT IN ('done', 'sent') ORDER BY created_at",
                                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (pending, submission_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (store, error, "reading submissions");
      return NULL;
    }
  return g_steal_pointer (&pending);
}

static AfValue *
waiting_value (const AfSubmission *submission)
{
  AfValue *value = af_value_new_map ();

  af_value_map_set (value, "request_id", af_value_new_s (submission->request_id));
  af_value_map_set (value, "filename", af_value_new_s (submission->file_name));
  af_value_map_set (value, "created_at", af_value_new_n_int (submission->created_at));
  af_value_map_set (value, "uploaded", af_value_new_bool (g_strcmp0 (submission->state,
                                                                     "sent") == 0));
  return value;
}

/* Sent, but their analysis did not reach the cache (state "sent", af-submit.c): a pull
 * brings it; until then they are listed, so that they never vanish. Those whose
 * analysis has arrived are done: leaving the cache later (retention) must not bring
 * them back. */
static gboolean
add_sent_without_analysis (AfStore    *store,
                           GPtrArray  *waiting,
                           GError    **error)
{
  g_autoptr(AfStmt) retire = af_store_prepare (store, "UPDATE sync_submissions SET state = "
                                               "'done' WHERE state = 'sent' AND EXISTS (SELECT "
                                               "1 FROM analyses a WHERE a.request_id = "
                                               "sync_submissions.request_id)", error);
  g_autoptr(AfStmt) stmt = NULL;
  int rc;

  if (retire == NULL || !af_store_step_done (store, retire, error))
    return FALSE;
  stmt = af_store_prepare (store, "SELECT " SUBMISSION_COLUMNS " FROM sync_submissions "
                                  "WHERE state = 'sent' ORDER BY created_at", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(AfSubmission) submission = submission_from_row (stmt);

      g_ptr_array_add (waiting, waiting_value (submission));
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (store, error, "reading submissions");
  return FALSE;
}

GPtrArray *
af_submit_list_waiting (AfStore  *store,
                        GError  **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) waiting = NULL;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);

  pending = af_submit_list_pending (store, error);
  if (pending == NULL)
    return NULL;
  waiting = g_ptr_array_new_full (pending->len, (GDestroyNotify) af_value_unref);
  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add (waiting, waiting_value (g_ptr_array_index (pending, i)));
  if (!add_sent_without_analysis (store, waiting, error))
    return NULL;
  return g_steal_pointer (&waiting);
}

gboolean
af_submit_check_image (const char  *name,
                       GBytes      *bytes,
                       GError     **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  AfFileType type;

  g_return_val_if_fail (name != NULL && bytes != NULL, FALSE);
  return check_image (name, data, length, &type, error);
}

gint64
af_submit_count_pending (AfStore  *store,
                         GError  **error)
{
  g_autoptr(GPtrArray) pending = af_submit_list_pending (store, error);

  return pending != NULL ? (gint64) pending->len : -1;
}

gboolean
af_submit_update (AfStore             *store,
                  const AfSubmission  *submission,
                  const char          *last_error,
                  GError             **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, "UPDATE sync_submissions SET state = ?, "
                                             "user_id = ?, object_key = ?, attempts = ?, "
                                             "last_error = ? WHERE request_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, submission->state, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, submission->user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, submission->object_key, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, submission->attempts);
  sqlite3_bind_text (stmt, 5, last_error, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, submission->request_id, -1, SQLITE_STATIC);
  return af_store_step_done (store, stmt, error);
}
