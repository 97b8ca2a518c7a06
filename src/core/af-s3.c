/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-s3-private.h"
#include "af-sigv4.h"

struct _AfS3Client
{
  GObject        parent_instance;

  SoupSession   *session;       /* (owned) */
  AfEndpoint    *endpoint;      /* (owned) */
  AfCredentials *credentials;   /* (owned) */
  AfRetryPolicy  retry_policy;
  guint64        threshold;
  gsize          part_size;
  guint          request_count; /* atomic */
};

G_DEFINE_FINAL_TYPE (AfS3Client, af_s3_client, G_TYPE_OBJECT)

static void
af_s3_client_finalize (GObject *object)
{
  AfS3Client *self = AF_S3_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (af_s3_client_parent_class)->finalize (object);
}

static void
af_s3_client_class_init (AfS3ClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_s3_client_finalize;
}

static void
af_s3_client_init (AfS3Client *self)
{
  af_retry_policy_init_default (&self->retry_policy);
  self->threshold = AF_S3_DEFAULT_MULTIPART_THRESHOLD;
  self->part_size = 8 * 1024 * 1024;
}

AfS3Client *
af_s3_client_new (SoupSession   *session,
                  AfEndpoint    *endpoint,
                  AfCredentials *credentials)
{
  AfS3Client *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AF_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (AF_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (AF_TYPE_S3_CLIENT, NULL);
  self->session = g_object_ref (session);
  self->endpoint = g_object_ref (endpoint);
  self->credentials = g_object_ref (credentials);
  return self;
}

void
af_s3_client_set_retry_policy (AfS3Client          *self,
                               const AfRetryPolicy *policy)
{
  self->retry_policy = *policy;
}

void
af_s3_client_set_multipart (AfS3Client *self,
                            guint64     threshold,
                            gsize       part_size)
{
  g_return_if_fail (part_size >= AF_S3_MIN_PART_SIZE);
  self->threshold = threshold;
  self->part_size = part_size;
}

guint
af_s3_client_get_request_count (AfS3Client *self)
{
  return g_atomic_int_get (&self->request_count);
}

const AfRetryPolicy *
af_s3_client_get_retry_policy (AfS3Client *self)
{
  return &self->retry_policy;
}

void
af_s3_client_count_request (AfS3Client *self)
{
  g_atomic_int_inc (&self->request_count);
}

SoupSession *
af_s3_client_get_session (AfS3Client *self)
{
  return self->session;
}

guint64
af_s3_client_get_threshold (AfS3Client *self)
{
  return self->threshold;
}

gsize
af_s3_client_get_part_size (AfS3Client *self)
{
  return self->part_size;
}

void
af_s3_object_info_free (AfS3ObjectInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->etag);
  g_free (info->content_type);
  g_free (info->sha256);
  g_free (info);
}

char *
af_s3_sha256_base64 (GBytes *data)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);

  g_checksum_update (checksum, bytes, length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  return g_base64_encode (digest, digest_length);
}

SoupMessage *
af_s3_client_build_message (AfS3Client        *self,
                            const AfS3Request *request)
{
  g_autoptr(GUri) uri = af_endpoint_build_object_uri (self->endpoint, request->bucket,
                                                      request->key, request->query);
  SoupMessage *message = soup_message_new_from_uri (request->method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body);
  if (request->checksum && request->body != NULL)
    {
      g_autofree char *digest = af_s3_sha256_base64 (request->body);

      soup_message_headers_replace (headers, "x-amz-checksum-sha256", digest);
    }
  if (request->range != NULL)
    soup_message_headers_replace (headers, "Range", request->range);
  if (request->if_none_match != NULL)
    soup_message_headers_replace (headers, "If-None-Match", request->if_none_match);
  if (request->declare_sha256)
    soup_message_headers_replace (headers, "x-amz-checksum-algorithm", "SHA256");
  /* We hash what we store: a transparently decoded body would not be the object. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  af_sigv4_sign_message (message, request->body, af_service_signing_name (AF_SERVICE_S3),
                         af_endpoint_get_region (self->endpoint), self->credentials);
  return message;
}

AfS3ObjectInfo *
af_s3_object_info_from_headers (SoupMessageHeaders *headers)
{
  AfS3ObjectInfo *info = g_new0 (AfS3ObjectInfo, 1);
  const char *range = soup_message_headers_get_one (headers, "Content-Range");

  info->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  info->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  info->size = (guint64) soup_message_headers_get_content_length (headers);
  /* "bytes 100-199/1000": the object is 1000 bytes, whatever this response holds */
  if (range != NULL && strchr (range, '/') != NULL)
    info->size = g_ascii_strtoull (strchr (range, '/') + 1, NULL, 10);
  return info;
}

gboolean
af_s3_parse_url (const char  *url,
                 char       **out_bucket,
                 char       **out_key)
{
  const char *slash;

  if (url == NULL || !g_str_has_prefix (url, "s3://"))
    return FALSE;
  url += strlen ("s3://");
  slash = strchr (url, '/');
  if (slash == NULL || slash == url || slash[1] == '\0')
    return FALSE;
  *out_bucket = g_strndup (url, slash - url);
  *out_key = g_strdup (slash + 1);
  return TRUE;
}

/* ---- One request with retries ------------------------------------------------- */

typedef struct
{
  AfS3Request  request;       /* strings below are owned copies */
  char        *strings[5];
  AfBackoff    backoff;
  GBytes      *body;          /* (owned) (nullable) the answer */
} ExchangeData;

static void
exchange_data_free (ExchangeData *data)
{
  for (guint i = 0; i < G_N_ELEMENTS (data->strings); i++)
    g_free (data->strings[i]);
  g_clear_pointer (&data->request.body, g_bytes_unref);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_free (data);
}

static void exchange_attempt (GTask *task);

static void
exchange_sleep_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!af_aws_sleep_finish (result, &error))
    g_task_return_error (task, error);
  else
    exchange_attempt (g_steal_pointer (&task));
}

/* Takes @task and @error. */
static void
exchange_retry_or_fail (GTask  *task,
                        GError *error)
{
  ExchangeData *data = g_task_get_task_data (task);
  guint delay_ms;

  if (!af_aws_error_is_retryable (error) || !af_backoff_next (&data->backoff, &delay_ms))
    {
      g_prefix_error (&error, "%s s3://%s/%s: ", data->request.method, data->request.bucket,
                      data->request.key ? data->request.key : "");
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_debug ("%s: %s; retrying in %u ms", data->request.method, error->message, delay_ms);
  g_error_free (error);
  af_aws_sleep_async (delay_ms, g_task_get_cancellable (task), exchange_sleep_cb, task);
}

static void
exchange_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ExchangeData *data = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  GError *error = NULL;
  GBytes *body;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      error = af_aws_error_from_transport (error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
        }
      else
        exchange_retry_or_fail (task, error);
      return;
    }

  status = soup_message_get_status (message);
  if (status >= 300 && status != SOUP_STATUS_NOT_MODIFIED)
    {
      gsize length;
      const char *text = g_bytes_get_data (body, &length);

      error = af_aws_error_new_from_s3 (status, text, length);
      g_bytes_unref (body);
      exchange_retry_or_fail (task, error);
      return;
    }
  g_clear_pointer (&data->body, g_bytes_unref);
  data->body = body;
  g_task_return_pointer (task, g_object_ref (message), g_object_unref);
  g_object_unref (task);
}

static void
exchange_attempt (GTask *task)
{
  AfS3Client *self = g_task_get_source_object (task);
  ExchangeData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = af_s3_client_build_message (self, &data->request);

  af_s3_client_count_request (self);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), exchange_done_cb, task);
}

void
af_s3_client_exchange_async (AfS3Client          *self,
                             const AfS3Request   *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ExchangeData *data = g_new0 (ExchangeData, 1);

  g_task_set_source_tag (task, af_s3_client_exchange_async);
  data->request = *request;
  data->request.method = data->strings[0] = g_strdup (request->method);
  data->request.bucket = data->strings[1] = g_strdup (request->bucket);
  data->request.key = data->strings[2] = g_strdup (request->key);
  data->request.query = data->strings[3] = g_strdup (request->query);
  data->request.content_type = data->strings[4] = g_strdup (request->content_type);
  data->request.body = request->body ? g_bytes_ref (request->body) : NULL;
  af_backoff_init (&data->backoff, &self->retry_policy);
  g_task_set_task_data (task, data, (GDestroyNotify) exchange_data_free);
  exchange_attempt (task);
}

SoupMessage *
af_s3_client_exchange_finish (AfS3Client  *self,
                              GAsyncResult *result,
                              GBytes     **out_body,
                              GError     **error)
{
  ExchangeData *data;
  SoupMessage *message;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  message = g_task_propagate_pointer (G_TASK (result), error);
  if (message != NULL && out_body != NULL)
    *out_body = g_steal_pointer (&data->body);
  return message;
}

/* ---- HeadObject and DeleteObject ---------------------------------------------- */

static void
head_done_cb (GObject      *source,
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
                           af_s3_object_info_from_headers (
                             soup_message_get_response_headers (message)),
                           (GDestroyNotify) af_s3_object_info_free);
}

void
af_s3_client_head_object_async (AfS3Client          *self,
                                const char          *bucket,
                                const char          *key,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AfS3Request request = { .method = SOUP_METHOD_HEAD, .bucket = bucket, .key = key };

  g_task_set_source_tag (task, af_s3_client_object_finish);
  af_s3_client_exchange_async (self, &request, cancellable, head_done_cb, task);
}

AfS3ObjectInfo *
af_s3_client_object_finish (AfS3Client    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
delete_done_cb (GObject      *source,
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
    g_task_return_boolean (task, TRUE);
}

void
af_s3_client_delete_object_async (AfS3Client          *self,
                                  const char          *bucket,
                                  const char          *key,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AfS3Request request = { .method = SOUP_METHOD_DELETE, .bucket = bucket, .key = key };

  g_task_set_source_tag (task, af_s3_client_delete_object_async);
  af_s3_client_exchange_async (self, &request, cancellable, delete_done_cb, task);
}

gboolean
af_s3_client_delete_finish (AfS3Client    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
