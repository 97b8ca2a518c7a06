/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

#include <glib/gstdio.h>
#include <string.h>

#include "af-object-path.h"
#include "af-crypto.h"
#include "af-objects.h"
#include "af-pull-private.h"

/*
 * Objects of what is marked available offline, cached by content. The file name is the
 * SHA-256 of the bytes: an S3 key is text from the cloud and never becomes a path, so a
 * key such as "../../.bashrc" can do no harm. A download goes to objects/partial/ under a
 * name hashed from bucket and key (so that a broken download resumes), and only verified
 * bytes are moved to their content address.
 *
 * Per object, the sync state keeps "ok SHA256 ETAG", "integrity EXPECTED ACTUAL" or
 * "error MESSAGE" under object/ITEM_ID/ROLE.
 */

#define OFFLINE_KEY "offline"

typedef struct
{
  AfTable  table;
  char    *item_id;
  char    *role;       /* "document", "raw", "processed" */
  char    *bucket;
  char    *key;
  char    *expected;   /* (nullable) lower-case hex SHA-256 the item says */
} ObjectTarget;

static void
object_target_free (ObjectTarget *target)
{
  g_free (target->item_id);
  g_free (target->role);
  g_free (target->bucket);
  g_free (target->key);
  g_free (target->expected);
  g_free (target);
}

static void fetch_next (GTask *task);

/* ---- Offline marks --------------------------------------------------------------- */

char **
af_pull_list_offline (AfStore  *store,
                      GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = af_store_get_state (store, OFFLINE_KEY, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, "\n", -1);
}

static gboolean
save_offline (AfStore     *store,
              char       **ids,
              GError     **error)
{
  g_autofree char *text = g_strjoinv ("\n", ids);

  return af_store_set_state (store, OFFLINE_KEY, *text ? text : NULL, error);
}

static gboolean
id_is_known (AfStore    *store,
             const char *id)
{
  g_autoptr(AfValue) item = af_store_find_item (store, id, NULL, NULL);
  g_autoptr(GPtrArray) documents = NULL;

  if (item != NULL)
    return TRUE;
  documents = af_store_documents_for_loan (store, id, NULL);
  return documents != NULL && documents->len > 0;
}

gboolean
af_pull_mark_offline (AfStore     *store,
                      const char  *id,
                      GError     **error)
{
  g_auto(GStrv) ids = af_pull_list_offline (store, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) updated = NULL;

  if (ids == NULL)
    return FALSE;
  if (!id_is_known (store, id))
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND,
                   "No loan, document or analysis with id %s in the cache", id);
      return FALSE;
    }
  if (g_strv_contains ((const char * const *) ids, id))
    return TRUE;
  builder = g_strv_builder_new ();
  g_strv_builder_addv (builder, (const char **) ids);
  g_strv_builder_add (builder, id);
  updated = g_strv_builder_end (builder);
  return save_offline (store, updated, error);
}

/* ---- Where objects live ----------------------------------------------------------- */

/* NULL unless @sha256 is 64 lower-case hex digits (af-object-path.h). */
static char *
content_path (const char *objects_dir,
              const char *sha256)
{
  return af_object_path (objects_dir, sha256);
}

static char *
state_key (const char *item_id,
           const char *role)
{
  return g_strdup_printf ("object/%s/%s", item_id, role);
}

AfObjectState
af_pull_get_object_state (AfStore     *store,
                          const char  *objects_dir,
                          const char  *item_id,
                          const char  *role,
                          char       **out_path,
                          char       **out_detail)
{
  g_autofree char *key = state_key (item_id, role);
  g_autofree char *text = af_store_get_state (store, key, NULL);
  g_auto(GStrv) words = text ? g_strsplit (text, " ", 3) : NULL;
  const char *rest = text ? strchr (text, ' ') : NULL;
  g_autofree char *path = NULL;

  if (out_path != NULL)
    *out_path = NULL;
  if (out_detail != NULL)
    *out_detail = rest ? g_strdup (rest + 1) : NULL;
  if (words == NULL || words[0] == NULL)
    return AF_OBJECT_MISSING;
  if (strcmp (words[0], "integrity") == 0)
    return AF_OBJECT_INTEGRITY;
  if (strcmp (words[0], "error") == 0)
    return AF_OBJECT_ERROR;
  if (words[1] == NULL || !af_sha256_hex_is_valid (words[1]) ||
      !g_file_test ((path = content_path (objects_dir, words[1])), G_FILE_TEST_IS_REGULAR))
    return AF_OBJECT_MISSING;
  if (out_path != NULL)
    *out_path = g_steal_pointer (&path);
  return AF_OBJECT_OK;
}

/* ---- What to fetch ---------------------------------------------------------------- */

static void
add_target (GPtrArray     *targets,
            AfTable        table,
            const char    *item_id,
            const char    *role,
            const char    *bucket,
            const char    *key,
            const char    *expected)
{
  ObjectTarget *target = g_new0 (ObjectTarget, 1);

  target->table = table;
  target->item_id = g_strdup (item_id);
  target->role = g_strdup (role);
  target->bucket = g_strdup (bucket);
  target->key = g_strdup (key);
  target->expected = expected ? g_ascii_strdown (expected, -1) : NULL;
  g_ptr_array_add (targets, target);
}

static void
add_document (GPtrArray     *targets,
              AfPullResult  *result,
              const AfValue *item)
{
  const char *id = af_item_get_s (item, "document_id");
  const char *bucket = af_item_get_s (item, "s3_bucket");
  const char *key = af_item_get_s (item, "s3_key");
  const char *checksum = af_item_get_s (item, "checksum");
  g_autofree char *expected = checksum ? g_ascii_strdown (checksum, -1) : NULL;

  if (bucket == NULL || key == NULL)
    {
      af_pull_add_problem (result, "documents %s: no s3_bucket / s3_key", id);
      return;
    }
  /* The checksum names the cached file and goes into the sync state: anything but a
   * SHA-256 in hex could name a path outside the cache. */
  if (expected != NULL && !af_sha256_hex_is_valid (expected))
    {
      af_pull_add_problem (result, "documents %s: the checksum is not a SHA-256 "
                           "(64 hex digits); the document is not downloaded", id);
      return;
    }
  add_target (targets, AF_TABLE_DOCUMENTS, id, "document", bucket, key, expected);
}

static void
add_analysis_url (GPtrArray     *targets,
                  AfPullResult  *result,
                  const AfValue *item,
                  const char    *attribute,
                  const char    *role)
{
  const char *id = af_item_get_s (item, "request_id");
  const char *url = af_item_get_s (item, attribute);
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  if (url == NULL)
    return;   /* a PENDING analysis has no processed image yet */
  if (!af_s3_parse_url (url, &bucket, &key))
    {
      af_pull_add_problem (result, "analyses %s: %s is not an s3:// URL", id, attribute);
      return;
    }
  add_target (targets, AF_TABLE_ANALYSES, id, role, bucket, key, NULL);
}

static void
add_targets_for (AfStore      *store,
                 GPtrArray    *targets,
                 AfPullResult *result,
                 const char   *id)
{
  AfTable table;
  g_autoptr(AfValue) item = af_store_find_item (store, id, &table, NULL);
  g_autoptr(GPtrArray) documents = NULL;
  const char *loan = id;

  if (item != NULL && table == AF_TABLE_ANALYSES)
    {
      add_analysis_url (targets, result, item, "raw_image_url", "raw");
      add_analysis_url (targets, result, item, "processed_image_url", "processed");
      return;
    }
  if (item != NULL && table == AF_TABLE_DOCUMENTS)
    {
      add_document (targets, result, item);
      return;
    }
  if (item != NULL && af_item_get_s (item, "loan_application_id") != NULL)
    loan = af_item_get_s (item, "loan_application_id");
  documents = af_store_documents_for_loan (store, loan, NULL);
  if (documents == NULL || documents->len == 0)
    {
      af_pull_add_problem (result, "%s: nothing with this id in the cache", id);
      return;
    }
  for (guint i = 0; i < documents->len; i++)
    add_document (targets, result, g_ptr_array_index (documents, i));
}

/* ---- Fetching --------------------------------------------------------------------- */

static char *
partial_path (const char   *objects_dir,
              ObjectTarget *target)
{
  g_autofree char *name = g_strconcat (target->bucket, "/", target->key, NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
  g_autofree char *file = g_strconcat (hash, ".part", NULL);

  return g_build_filename (objects_dir, "partial", file, NULL);
}

static void
set_object_state (AfStore      *store,
                  ObjectTarget *target,
                  const char   *format,
                  ...) G_GNUC_PRINTF (3, 4);

static void
set_object_state (AfStore      *store,
                  ObjectTarget *target,
                  const char   *format,
                  ...)
{
  g_autofree char *key = state_key (target->item_id, target->role);
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  if (!af_store_set_state (store, key, value, &error))
    g_warning ("could not record the state of %s: %s", key, error->message);
}

static void
append_record (const guint8 *data,
               gsize         length,
               gpointer      array)
{
  g_byte_array_append (array, data, length);
}

GBytes *
af_pull_read_partial (GFile       *partial,
                      AfCacheKey  *key,
                      GError     **error)
{
  char *contents = NULL;
  gsize length = 0;
  g_autofree char *path = NULL;
  g_autoptr(GByteArray) plain = NULL;

  if (key == NULL)
    {
      if (!g_file_load_contents (partial, NULL, &contents, &length, NULL, error))
        return NULL;
      return g_bytes_new_take (contents, length);
    }
  path = g_file_get_path (partial);
  plain = g_byte_array_new ();
  if (af_crypto_records_read (key, path, append_record, plain) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot read the download %s", path);
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&plain));
}

/* Verified bytes go to their content address, sealed with the cache's key
 * (af-objects.h); the download is deleted. Without a key (benchmarks only) the file
 * moves there as it is. */
gboolean
af_pull_store_object (const char  *objects_dir,
                      AfCacheKey  *key,
                      GFile       *partial,
                      const char  *sha256,
                      GError     **error)
{
  g_autofree char *path = af_object_path (objects_dir, sha256);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GFile) destination = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot create %s", dir);
      return FALSE;
    }
  if (key == NULL)
    return g_file_move (partial, destination, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
  bytes = af_pull_read_partial (partial, key, error);
  if (bytes == NULL || !af_objects_write (key, objects_dir, sha256, bytes, error))
    return FALSE;
  g_file_delete (partial, NULL, NULL);
  return TRUE;
}

/* Verified bytes move to their content address; anything else is deleted. */
static gboolean
accept_download (AfPull           *self,
                 PullRun          *run,
                 ObjectTarget     *target,
                 GFile            *partial,
                 AfS3ObjectInfo   *info,
                 GError          **error)
{
  const char *objects_dir = af_pull_get_objects_dir (self);
  AfCacheKey *key = af_store_get_key (af_pull_get_store (self));

  if (target->expected != NULL && strcmp (target->expected, info->sha256) != 0)
    {
      g_file_delete (partial, NULL, NULL);
      run->result->integrity_failures++;
      af_pull_add_problem (run->result, "%s %s: integrity failure: its object has SHA-256 %s, "
                           "the item's checksum is %s", af_table_nick (target->table),
                           target->item_id, info->sha256, target->expected);
      set_object_state (af_pull_get_store (self), target, "integrity %s %s", target->expected,
                        info->sha256);
      return TRUE;
    }

  if (!af_pull_store_object (objects_dir, key, partial, info->sha256, error))
    return FALSE;
  run->result->objects_fetched++;
  run->result->object_bytes += info->received;
  set_object_state (af_pull_get_store (self), target, "ok %s %s", info->sha256,
                    info->etag ? info->etag : "");
  return TRUE;
}

/* A failure that concerns this object only (it is missing, or refused as a request)
 * versus one that stops the whole run (no network, credentials refused). */
static gboolean
is_per_object (const GError *error)
{
  return g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND) ||
         g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION) ||
         g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_INTEGRITY) ||
         g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
}

static void
get_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  ObjectTarget *target = g_ptr_array_index (run->objects, run->object_index);
  g_autofree char *path = partial_path (af_pull_get_objects_dir (self), target);
  g_autoptr(GFile) partial = g_file_new_for_path (path);
  g_autoptr(AfS3ObjectInfo) info = NULL;
  GError *error = NULL;

  info = af_s3_client_object_finish (AF_S3_CLIENT (source), result, &error);
  if (info == NULL && !is_per_object (error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (info == NULL)
    {
      af_pull_add_problem (run->result, "%s %s: %s", af_table_nick (target->table),
                           target->item_id, error->message);
      set_object_state (af_pull_get_store (self), target, "error %s", error->message);
      g_clear_error (&error);
    }
  else if (info->not_modified)
    run->result->objects_cached++;
  else if (!accept_download (self, run, target, partial, info, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run->object_index++;
  fetch_next (task);
}

/* The ETag of the copy we hold, when it is still on disk: a conditional GET then
 * costs a 304 instead of the bytes. */
static char *
held_etag (AfPull       *self,
           ObjectTarget *target)
{
  g_autofree char *key = state_key (target->item_id, target->role);
  g_autofree char *text = af_store_get_state (af_pull_get_store (self), key, NULL);
  g_auto(GStrv) words = text ? g_strsplit (text, " ", 3) : NULL;
  g_autofree char *path = NULL;

  if (words == NULL || g_strv_length (words) != 3 || strcmp (words[0], "ok") != 0 ||
      !af_sha256_hex_is_valid (words[1]) || *words[2] == '\0')
    return NULL;
  path = content_path (af_pull_get_objects_dir (self), words[1]);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_strdup (words[2]) : NULL;
}

/* Takes @task. */
static void
fetch_next (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  ObjectTarget *target;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *etag = NULL;
  g_autoptr(GFile) partial = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (run->object_index >= run->objects->len)
    {
      af_pull_finish_run (task);
      return;
    }
  target = g_ptr_array_index (run->objects, run->object_index);

  /* A document whose bytes we already hold (by its checksum) needs no request. */
  if (target->expected != NULL && af_sha256_hex_is_valid (target->expected) &&
      g_file_test ((path = content_path (af_pull_get_objects_dir (self), target->expected)),
                   G_FILE_TEST_IS_REGULAR))
    {
      run->result->objects_cached++;
      set_object_state (af_pull_get_store (self), target, "ok %s ", target->expected);
      run->object_index++;
      fetch_next (task);
      return;
    }

  g_clear_pointer (&path, g_free);
  path = partial_path (af_pull_get_objects_dir (self), target);
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  partial = g_file_new_for_path (path);
  etag = target->expected == NULL ? held_etag (self, target) : NULL;
  af_s3_client_get_object_async (af_pull_get_s3 (self), target->bucket, target->key, partial,
                                 etag, g_task_get_cancellable (task), get_cb, task);
}

void
af_pull_objects_start (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_auto(GStrv) ids = NULL;
  GError *error = NULL;

  if (af_pull_get_s3 (self) == NULL)
    {
      af_pull_finish_run (task);
      return;
    }
  /* Downloads are written sealed from their first byte (af-s3.h). */
  af_s3_client_set_download_key (af_pull_get_s3 (self), af_store_get_key (af_pull_get_store (self)));
  if (af_pull_get_only_id (self) != NULL)
    ids = g_strdupv ((char *[]) { (char *) af_pull_get_only_id (self), NULL });
  else
    ids = af_pull_list_offline (af_pull_get_store (self), &error);
  if (ids == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  run->objects = g_ptr_array_new_with_free_func ((GDestroyNotify) object_target_free);
  for (guint i = 0; ids[i] != NULL; i++)
    add_targets_for (af_pull_get_store (self), run->objects, run->result, ids[i]);
  run->object_index = 0;
  fetch_next (task);
}
