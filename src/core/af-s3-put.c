/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-s3-private.h"
#include "af-sigv4.h"
#include "af-xml.h"

/*
 * PutObject, and the multipart upload for large objects: CreateMultipartUpload, one
 * UploadPart per part read from the source stream (so a large file is never all in
 * memory), CompleteMultipartUpload; AbortMultipartUpload when a part fails for good,
 * so that S3 does not keep (and bill) the orphaned parts.
 */

typedef struct
{
  char         *bucket;
  char         *key;
  char         *content_type;
  GInputStream *source;      /* (owned) */
  char         *upload_id;   /* (owned) (nullable) */
  GString      *complete;    /* (owned) CompleteMultipartUpload body */
  guint         part_number;
  guint8       *buffer;      /* (owned) one part */
  gsize         part_size;
  GError       *failure;     /* (owned) (nullable) kept while aborting */
} PutData;

static void
put_data_free (PutData *data)
{
  g_free (data->bucket);
  g_free (data->key);
  g_free (data->content_type);
  g_clear_object (&data->source);
  g_free (data->upload_id);
  if (data->complete != NULL)
    g_string_free (data->complete, TRUE);
  g_free (data->buffer);
  g_clear_error (&data->failure);
  g_free (data);
}

/* The text at @path of an XML answer (af-xml.h), or NULL. */
static char *
xml_text (GBytes     *body,
          const char *path)
{
  g_autoptr(AfXml) xml = NULL;

  if (body == NULL)
    return NULL;
  xml = af_xml_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
  return xml != NULL ? g_strdup (af_xml_first (xml, path)) : NULL;
}

static char *
upload_query (PutData    *data,
              const char *prefix)
{
  g_autofree char *id = af_sigv4_uri_encode (data->upload_id, TRUE);

  return g_strdup_printf ("%suploadId=%s", prefix, id);
}

/* ---- A single PutObject --------------------------------------------------------- */

static void
single_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, NULL, &error);
  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task,
                           g_strdup (soup_message_headers_get_one (
                             soup_message_get_response_headers (message), "ETag")),
                           g_free);
}

static void
put_single (GTask  *task,
            GBytes *bytes)
{
  PutData *data = g_task_get_task_data (task);
  AfS3Request request = {
    .method = SOUP_METHOD_PUT, .bucket = data->bucket, .key = data->key, .body = bytes,
    .content_type = data->content_type, .checksum = TRUE,
  };

  af_s3_client_exchange_async (g_task_get_source_object (task), &request,
                               g_task_get_cancellable (task), single_done_cb, task);
}

/* ---- Multipart ------------------------------------------------------------------ */

static void read_next_part (GTask *task);

static void
abort_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PutData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, NULL, &error);
  if (message == NULL)
    g_debug ("could not abort the multipart upload: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&data->failure));
}

/* Takes @task and @error. */
static void
multipart_fail (GTask  *task,
                GError *error)
{
  PutData *data = g_task_get_task_data (task);
  g_autofree char *query = NULL;
  AfS3Request request = { .method = SOUP_METHOD_DELETE, .bucket = data->bucket,
                          .key = data->key };

  if (data->upload_id == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->failure = error;
  query = upload_query (data, "");
  request.query = query;
  af_s3_client_exchange_async (g_task_get_source_object (task), &request, NULL,
                               abort_done_cb, task);
}

static void
complete_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  g_autofree char *error_code = NULL;
  char *etag;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, &body, &error);
  if (message == NULL)
    {
      multipart_fail (task, error);
      return;
    }
  /* CompleteMultipartUpload can answer 200 and still fail, with an <Error> body. */
  error_code = xml_text (body, "Error/Code");
  if (error_code != NULL)
    {
      gsize length;
      const char *text = g_bytes_get_data (body, &length);

      multipart_fail (task, af_aws_error_new_from_s3 (500, text, length));
      return;
    }
  etag = xml_text (body, "CompleteMultipartUploadResult/ETag");
  g_task_return_pointer (task, etag, g_free);
  g_object_unref (task);
}

static void
complete_upload (GTask *task)
{
  PutData *data = g_task_get_task_data (task);
  g_autofree char *query = upload_query (data, "");
  g_autoptr(GBytes) body = NULL;
  AfS3Request request = { .method = SOUP_METHOD_POST, .bucket = data->bucket,
                          .key = data->key, .content_type = "application/xml" };

  g_string_append (data->complete, "</CompleteMultipartUpload>");
  body = g_bytes_new (data->complete->str, data->complete->len);
  request.query = query;
  request.body = body;
  af_s3_client_exchange_async (g_task_get_source_object (task), &request,
                               g_task_get_cancellable (task), complete_done_cb, task);
}

static void
part_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PutData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;
  SoupMessageHeaders *headers;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, NULL, &error);
  if (message == NULL)
    {
      multipart_fail (task, error);
      return;
    }
  headers = soup_message_get_request_headers (message);
  g_string_append_printf (data->complete,
                          "<Part><PartNumber>%u</PartNumber><ETag>%s</ETag>"
                          "<ChecksumSHA256>%s</ChecksumSHA256></Part>",
                          data->part_number,
                          soup_message_headers_get_one (
                            soup_message_get_response_headers (message), "ETag"),
                          soup_message_headers_get_one (headers, "x-amz-checksum-sha256"));
  read_next_part (task);
}

static void
part_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PutData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *upload = NULL;
  g_autofree char *query = NULL;
  GError *error = NULL;
  gsize read = 0;
  AfS3Request request = { .method = SOUP_METHOD_PUT, .bucket = data->bucket,
                          .key = data->key, .checksum = TRUE };

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &read, &error))
    {
      multipart_fail (task, error);
      return;
    }
  if (read == 0)
    {
      complete_upload (task);
      return;
    }
  data->part_number++;
  body = g_bytes_new (data->buffer, read);
  upload = upload_query (data, "");
  query = g_strdup_printf ("partNumber=%u&%s", data->part_number, upload);
  request.query = query;
  request.body = body;
  af_s3_client_exchange_async (g_task_get_source_object (task), &request,
                               g_task_get_cancellable (task), part_done_cb, task);
}

static void
read_next_part (GTask *task)
{
  PutData *data = g_task_get_task_data (task);

  g_input_stream_read_all_async (data->source, data->buffer, data->part_size,
                                 G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                 part_read_cb, task);
}

static void
create_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  PutData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, &body, &error);
  if (message != NULL)
    data->upload_id = xml_text (body, "InitiateMultipartUploadResult/UploadId");
  if (message != NULL && data->upload_id == NULL)
    error = g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                         "CreateMultipartUpload sent no UploadId");
  if (data->upload_id == NULL)
    {
      multipart_fail (task, error);
      return;
    }
  data->complete = g_string_new ("<CompleteMultipartUpload>");
  data->buffer = g_malloc (data->part_size);
  read_next_part (task);
}

static void
put_multipart (GTask *task)
{
  PutData *data = g_task_get_task_data (task);
  AfS3Request request = { .method = SOUP_METHOD_POST, .bucket = data->bucket,
                          .key = data->key, .query = "uploads",
                          .content_type = data->content_type, .declare_sha256 = TRUE };

  data->part_size = af_s3_client_get_part_size (g_task_get_source_object (task));
  af_s3_client_exchange_async (g_task_get_source_object (task), &request,
                               g_task_get_cancellable (task), create_done_cb, task);
}

/* ---- Entry points --------------------------------------------------------------- */

static GTask *
put_task_new (AfS3Client          *self,
              const char          *bucket,
              const char          *key,
              const char          *content_type,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PutData *data = g_new0 (PutData, 1);

  g_task_set_source_tag (task, af_s3_client_put_finish);
  data->bucket = g_strdup (bucket);
  data->key = g_strdup (key);
  data->content_type = g_strdup (content_type ? content_type : "application/octet-stream");
  g_task_set_task_data (task, data, (GDestroyNotify) put_data_free);
  return task;
}

void
af_s3_client_put_bytes_async (AfS3Client          *self,
                              const char          *bucket,
                              const char          *key,
                              GBytes              *bytes,
                              const char          *content_type,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = put_task_new (self, bucket, key, content_type, cancellable, callback,
                              user_data);
  PutData *data = g_task_get_task_data (task);

  if (g_bytes_get_size (bytes) < af_s3_client_get_threshold (self))
    {
      put_single (task, bytes);
      return;
    }
  data->source = g_memory_input_stream_new_from_bytes (bytes);
  put_multipart (task);
}

static void
file_info_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PutData *data = g_task_get_task_data (task);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  info = g_file_input_stream_query_info_finish (G_FILE_INPUT_STREAM (source), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if ((guint64) g_file_info_get_size (info) >=
      af_s3_client_get_threshold (g_task_get_source_object (task)))
    {
      put_multipart (task);
      return;
    }
  /* Small: read it whole, since a single PUT needs its checksum before it starts. */
  data->buffer = g_malloc (MAX (g_file_info_get_size (info), 1));
  data->part_size = g_file_info_get_size (info);
  if (!g_input_stream_read_all (data->source, data->buffer, data->part_size, NULL,
                                g_task_get_cancellable (task), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  bytes = g_bytes_new (data->buffer, data->part_size);
  put_single (task, bytes);
}

static void
file_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PutData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GFileInputStream *stream = g_file_read_finish (G_FILE (source), result, &error);

  if (stream == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  data->source = G_INPUT_STREAM (stream);
  g_file_input_stream_query_info_async (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                        file_info_cb, task);
}

void
af_s3_client_put_file_async (AfS3Client          *self,
                             const char          *bucket,
                             const char          *key,
                             GFile               *file,
                             const char          *content_type,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = put_task_new (self, bucket, key, content_type, cancellable, callback,
                              user_data);

  g_file_read_async (file, G_PRIORITY_DEFAULT, cancellable, file_read_cb, task);
}

char *
af_s3_client_put_finish (AfS3Client    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
