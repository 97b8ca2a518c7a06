/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-s3-private.h"
#include "af-sigv4.h"

struct _AfS3Client
{
  AfAwsClient parent_instance;

  guint64     threshold;
  gsize       part_size;
  AfCacheKey *download_key;  /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (AfS3Client, af_s3_client, AF_TYPE_AWS_CLIENT)

static void
af_s3_client_init (AfS3Client *self)
{
  self->threshold = AF_S3_DEFAULT_MULTIPART_THRESHOLD;
  self->part_size = 8 * 1024 * 1024;
}

AfS3Client *
af_s3_client_new (SoupSession   *session,
                  AfEndpoint    *endpoint,
                  AfCredentials *credentials)
{
  return af_aws_client_new (AF_TYPE_S3_CLIENT, session, endpoint, credentials);
}

void
af_s3_client_set_retry_policy (AfS3Client          *self,
                               const AfRetryPolicy *policy)
{
  af_aws_client_set_retry_policy (AF_AWS_CLIENT (self), policy);
}

void
af_s3_client_set_download_key (AfS3Client *self,
                               AfCacheKey *key)
{
  g_return_if_fail (AF_IS_S3_CLIENT (self));

  if (key != NULL)
    af_cache_key_ref (key);
  g_clear_pointer (&self->download_key, af_cache_key_unref);
  self->download_key = key;
}

AfCacheKey *
af_s3_client_get_download_key (AfS3Client *self)
{
  return self->download_key;
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
  return af_aws_client_get_request_count (AF_AWS_CLIENT (self));
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

char *
af_s3_object_label (const char *bucket,
                    const char *key)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key ? key : "", -1);

  return g_strdup_printf ("s3://%s/(key %.12s)", bucket, digest);
}

SoupMessage *
af_s3_client_build_message (AfS3Client        *self,
                            const AfS3Request *request)
{
  AfEndpoint *endpoint = af_aws_client_get_endpoint (AF_AWS_CLIENT (self));
  g_autoptr(GUri) uri = af_endpoint_build_object_uri (endpoint, request->bucket,
                                                      request->key, request->query);
  SoupMessage *message = af_aws_message_new (request->method, uri);
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
                         af_endpoint_get_region (endpoint),
                         af_aws_client_get_credentials (AF_AWS_CLIENT (self)));
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
    {
      guint64 size;

      if (g_ascii_string_to_unsigned (strchr (range, '/') + 1, 10, 0, G_MAXINT64, &size, NULL))
        info->size = size;
    }
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
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  for (guint i = 0; i < G_N_ELEMENTS (exchange->strings); i++)
    g_free (exchange->strings[i]);
  g_clear_pointer (&exchange->request.body, g_bytes_unref);
  g_free (exchange);
}

static SoupMessage *
build_message (AfAwsClient   *client,
               gconstpointer  request)
{
  return af_s3_client_build_message (AF_S3_CLIENT (client),
                                     &((const Exchange *) request)->request);
}

/* 304 answers a conditional GET: not an error, the caller looks at the status. */
static GError *
check_answer (AfAwsClient *client,
              SoupMessage *message,
              GBytes      *body)
{
  guint status = soup_message_get_status (message);
  gsize length;
  const char *text = g_bytes_get_data (body, &length);
  GError *redirect = af_aws_redirect_error (message);

  if (redirect != NULL)
    return redirect;
  if (status >= 300 && status != SOUP_STATUS_NOT_MODIFIED)
    return af_aws_error_new_from_s3 (status, text, length);
  return NULL;
}

static void
prefix_error (AfAwsClient   *client,
              gconstpointer  request,
              guint          attempts,
              GError       **error)
{
  const AfS3Request *s3_request = &((const Exchange *) request)->request;
  g_autofree char *label = af_s3_object_label (s3_request->bucket, s3_request->key);

  g_prefix_error (error, "%s %s: ", s3_request->method, label);
}

static const char *
describe (AfAwsClient   *client,
          gconstpointer  request)
{
  return ((const Exchange *) request)->request.method;
}

static void
af_s3_client_finalize (GObject *object)
{
  AfS3Client *self = AF_S3_CLIENT (object);

  g_clear_pointer (&self->download_key, af_cache_key_unref);
  G_OBJECT_CLASS (af_s3_client_parent_class)->finalize (object);
}

static void
af_s3_client_class_init (AfS3ClientClass *klass)
{
  AfAwsClientClass *client_class = AF_AWS_CLIENT_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = af_s3_client_finalize;
  client_class->build_message = build_message;
  client_class->check_answer = check_answer;
  client_class->prefix_error = prefix_error;
  client_class->describe = describe;
  /* What is read whole: key lists (1,000 keys of at most 1 KB), multipart answers and
   * errors. Objects are streamed to disk instead (af-s3-get.c). */
  client_class->max_answer_bytes = 8 * 1024 * 1024;
}

void
af_s3_client_exchange_async (AfS3Client          *self,
                             const AfS3Request   *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Exchange *exchange = g_new0 (Exchange, 1);

  exchange->request = *request;
  exchange->request.method = exchange->strings[0] = g_strdup (request->method);
  exchange->request.bucket = exchange->strings[1] = g_strdup (request->bucket);
  exchange->request.key = exchange->strings[2] = g_strdup (request->key);
  exchange->request.query = exchange->strings[3] = g_strdup (request->query);
  exchange->request.content_type = exchange->strings[4] = g_strdup (request->content_type);
  exchange->request.body = request->body ? g_bytes_ref (request->body) : NULL;
  af_aws_client_send_async (AF_AWS_CLIENT (self), exchange, (GDestroyNotify) exchange_free,
                            cancellable, callback, user_data);
}

SoupMessage *
af_s3_client_exchange_finish (AfS3Client   *self,
                              GAsyncResult *result,
                              GBytes      **out_body,
                              GError      **error)
{
  return af_aws_client_send_finish (AF_AWS_CLIENT (self), result, out_body, NULL, error);
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
