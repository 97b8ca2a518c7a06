/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-crypto.h"
#include "af-s3-private.h"

/*
 * GetObject streamed to a file, hashed on the way. A download that breaks off leaves
 * what it received on disk, with the object's ETag beside it; the next attempt (a
 * retry now, or the next sync) asks only for the rest with Range and joins the two
 * only when the ETag is unchanged — otherwise the object changed and it starts over.
 */

#define CHUNK_SIZE (64 * 1024)

typedef struct
{
  char              *bucket;
  char              *key;
  char              *if_none_match;  /* (nullable) */
  GFile             *file;           /* (owned) */
  GFile             *etag_file;      /* (owned) "<file>.etag" */
  char              *etag;           /* (owned) (nullable) of the bytes on disk */
  AfBackoff          backoff;
  GChecksum         *checksum;       /* (owned) */
  guint64            offset;         /* bytes on disk when this attempt began */
  guint64            written;        /* bytes on disk now */
  GInputStream      *input;          /* (owned) (nullable) */
  GOutputStream     *output;         /* (owned) (nullable) */
  AfS3ObjectInfo    *info;           /* (owned) */
  gboolean           restarted;
  guint              error_status;   /* the status of an error answer whose body is read */
  AfCacheKey        *seal_key;       /* (owned) (nullable) the file is sealed records */
} GetData;

static void
get_data_free (GetData *data)
{
  g_free (data->bucket);
  g_free (data->key);
  g_free (data->if_none_match);
  g_clear_object (&data->file);
  g_clear_object (&data->etag_file);
  g_free (data->etag);
  g_clear_pointer (&data->checksum, g_checksum_free);
  g_clear_object (&data->input);
  g_clear_object (&data->output);
  af_s3_object_info_free (data->info);
  g_clear_pointer (&data->seal_key, af_cache_key_unref);
  g_free (data);
}

static void get_attempt (GTask *task);

static void
forget_partial (GetData *data)
{
  g_file_delete (data->file, NULL, NULL);
  g_file_delete (data->etag_file, NULL, NULL);
  g_clear_pointer (&data->etag, g_free);
}

static void
hash_record (const guint8 *data,
             gsize         length,
             gpointer      checksum)
{
  g_checksum_update (checksum, data, length);
}

/* Hashes @file into @checksum; the length read, or -1. A sealed file is read up to
 * its last whole record (a torn one is cut off, so the download resumes after it). */
static gssize
hash_file (GFile      *file,
           AfCacheKey *key,
           GChecksum  *checksum)
{
  g_autoptr(GFileInputStream) input = NULL;
  g_autofree guint8 *buffer = NULL;
  gssize total = 0;
  gssize n;

  if (key != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      return af_crypto_records_read (key, path, hash_record, checksum);
    }
  input = g_file_read (file, NULL, NULL);
  if (input == NULL)
    return -1;
  buffer = g_malloc (CHUNK_SIZE);
  while ((n = g_input_stream_read (G_INPUT_STREAM (input), buffer, CHUNK_SIZE, NULL, NULL)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      total += n;
    }
  return n < 0 ? -1 : total;
}

/* What a previous attempt left: its bytes go into the checksum again, since the hash
 * must cover the whole object. Any doubt (no ETag kept, unreadable) means start over. */
static void
load_partial (GetData *data)
{
  g_autofree char *etag = NULL;
  gssize length = -1;

  g_checksum_reset (data->checksum);
  data->offset = 0;
  g_clear_pointer (&data->etag, g_free);
  if (g_file_load_contents (data->etag_file, NULL, &etag, NULL, NULL, NULL))
    length = hash_file (data->file, data->seal_key, data->checksum);
  if (length <= 0)
    {
      g_checksum_reset (data->checksum);
      forget_partial (data);
      return;
    }
  data->offset = length;
  data->etag = g_steal_pointer (&etag);
}

static void
close_streams (GetData *data)
{
  if (data->output != NULL)
    g_output_stream_close (data->output, NULL, NULL);
  g_clear_object (&data->output);
  g_clear_object (&data->input);
}

/* Takes @task and @error. The partial file stays for the next attempt. */
static void
retry_or_fail (GTask  *task,
               GError *error)
{
  GetData *data = g_task_get_task_data (task);
  guint delay_ms;

  close_streams (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      !af_aws_error_is_retryable (error) || !af_backoff_next (&data->backoff, &delay_ms))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *label = af_s3_object_label (data->bucket, data->key);

          g_prefix_error (&error, "GET %s: ", label);
        }
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_debug ("GET: %s; retrying in %u ms", error->message, delay_ms);
  g_error_free (error);
  af_aws_retry_after (task, delay_ms, get_attempt);
}

static void
finish_download (GTask *task)
{
  GetData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_output_stream_close (data->output, g_task_get_cancellable (task), &error))
    {
      retry_or_fail (task, error);
      return;
    }
  g_clear_object (&data->output);
  if (data->info->size != 0 && data->written != data->info->size)
    {
      /* Short: the connection ended early without an error. Resume from here. */
      retry_or_fail (task, g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_INTEGRITY,
                                        "body ended at %" G_GUINT64_FORMAT " of %"
                                        G_GUINT64_FORMAT " bytes",
                                        data->written, data->info->size));
      return;
    }
  g_file_delete (data->etag_file, NULL, NULL);
  data->info->size = data->written;
  data->info->sha256 = g_strdup (g_checksum_get_string (data->checksum));
  g_task_return_pointer (task, g_steal_pointer (&data->info),
                         (GDestroyNotify) af_s3_object_info_free);
  g_object_unref (task);
}

static void
chunk_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GetData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;
  gsize length;
  const guint8 *bytes;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      retry_or_fail (task, af_aws_error_from_transport (error));
      return;
    }
  bytes = g_bytes_get_data (chunk, &length);
  if (length == 0)
    {
      finish_download (task);
      return;
    }
  if (data->written + length > AF_S3_MAX_DOWNLOAD)
    {
      close_streams (data);
      forget_partial (data);
      g_task_return_new_error (task, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                               "The object is larger than %" G_GUINT64_FORMAT " MiB; it is "
                               "not downloaded", AF_S3_MAX_DOWNLOAD >> 20);
      g_object_unref (task);
      return;
    }
  g_checksum_update (data->checksum, bytes, length);
  /* A local write of 64 KiB: short, and keeping it synchronous keeps the order simple. */
  if (data->seal_key != NULL
      ? !af_crypto_record_write (data->output, data->seal_key, bytes, length, &error)
      : !g_output_stream_write_all (data->output, bytes, length, NULL, NULL, &error))
    {
      close_streams (data);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->written += length;
  data->info->received += length;
  g_input_stream_read_bytes_async (data->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), chunk_read_cb, task);
}

/* 200 (whole object: start the file afresh) or 206 (the rest: append). */
static gboolean
open_output (GetData  *data,
             guint     status,
             GError  **error)
{
  GFileOutputStream *output;

  if (status == SOUP_STATUS_OK)
    {
      g_checksum_reset (data->checksum);
      data->offset = 0;
      output = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
    }
  else
    output = g_file_append_to (data->file, G_FILE_CREATE_PRIVATE, NULL, error);
  if (output == NULL)
    return FALSE;
  data->output = G_OUTPUT_STREAM (output);
  data->written = data->offset;
  data->info->resumed_from = data->offset;
  /* The ETag goes beside the bytes before any byte is written: whatever is on disk
   * can be resumed. */
  return data->info->etag == NULL ||
         g_file_replace_contents (data->etag_file, data->info->etag, strlen (data->info->etag),
                                  NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, NULL, error);
}

static void
error_body_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GetData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source),
                                                             result, NULL);
  const char *text = body ? g_bytes_get_data (body, NULL) : NULL;
  guint status = data->error_status;

  if (status == SOUP_STATUS_NOT_FOUND)
    forget_partial (data);
  retry_or_fail (task, af_aws_error_new_from_s3 (status, text,
                                                 body ? g_bytes_get_size (body) : 0));
}

/* The answer to a resumed request that cannot be joined with what is on disk. */
static gboolean
must_restart (GetData *data,
              guint    status)
{
  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    return TRUE;
  return status == SOUP_STATUS_PARTIAL_CONTENT &&
         (data->offset == 0 || g_strcmp0 (data->info->etag, data->etag) != 0);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  GetData *data = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *error = NULL;
  guint status;

  data->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->input == NULL)
    {
      retry_or_fail (task, af_aws_error_from_transport (error));
      return;
    }

  status = soup_message_get_status (message);
  af_s3_object_info_free (data->info);
  data->info = af_s3_object_info_from_headers (soup_message_get_response_headers (message));
  if (status == SOUP_STATUS_NOT_MODIFIED)
    {
      close_streams (data);
      data->info->not_modified = TRUE;
      g_task_return_pointer (task, g_steal_pointer (&data->info),
                             (GDestroyNotify) af_s3_object_info_free);
      g_object_unref (task);
      return;
    }
  if ((error = af_aws_redirect_error (message)) != NULL)
    {
      close_streams (data);
      retry_or_fail (task, error);
      return;
    }
  if (must_restart (data, status) && !data->restarted)
    {
      g_debug ("GET: the partial download cannot be resumed; starting over");
      data->restarted = TRUE;
      close_streams (data);
      forget_partial (data);
      get_attempt (task);
      return;
    }
  if (status != SOUP_STATUS_OK && status != SOUP_STATUS_PARTIAL_CONTENT)
    {
      data->error_status = status;
      g_input_stream_read_bytes_async (data->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task), error_body_cb, task);
      return;
    }
  if (!open_output (data, status, &error))
    {
      close_streams (data);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_input_stream_read_bytes_async (data->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), chunk_read_cb, task);
}

/* Takes @task. */
static void
get_attempt (GTask *task)
{
  AfS3Client *self = g_task_get_source_object (task);
  GetData *data = g_task_get_task_data (task);
  g_autofree char *range = NULL;
  g_autoptr(SoupMessage) message = NULL;
  AfS3Request request = { .method = SOUP_METHOD_GET, .bucket = data->bucket,
                          .key = data->key };
  GError *error = NULL;

  if (!af_aws_client_refresh_credentials (AF_AWS_CLIENT (self), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  load_partial (data);
  if (data->offset > 0)
    range = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT "-", data->offset);
  else
    request.if_none_match = data->if_none_match;
  request.range = range;

  message = af_s3_client_build_message (self, &request);
  af_aws_client_count_request (AF_AWS_CLIENT (self));
  soup_session_send_async (af_aws_client_get_session (AF_AWS_CLIENT (self)), message,
                           G_PRIORITY_DEFAULT, g_task_get_cancellable (task), sent_cb, task);
}

void
af_s3_client_get_object_async (AfS3Client          *self,
                               const char          *bucket,
                               const char          *key,
                               GFile               *file,
                               const char          *if_none_match,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GetData *data = g_new0 (GetData, 1);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *etag_path = g_strconcat (path, ".etag", NULL);

  g_task_set_source_tag (task, af_s3_client_object_finish);
  data->bucket = g_strdup (bucket);
  data->key = g_strdup (key);
  data->if_none_match = g_strdup (if_none_match);
  data->file = g_object_ref (file);
  data->etag_file = g_file_new_for_path (etag_path);
  data->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  data->info = g_new0 (AfS3ObjectInfo, 1);
  if (af_s3_client_get_download_key (self) != NULL)
    data->seal_key = af_cache_key_ref (af_s3_client_get_download_key (self));
  af_backoff_init (&data->backoff, af_aws_client_get_retry_policy (AF_AWS_CLIENT (self)));
  g_task_set_task_data (task, data, (GDestroyNotify) get_data_free);
  get_attempt (task);
}
