/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-dynamodb"

#include <string.h>

#include "af-codec.h"
#include "af-dynamodb-private.h"
#include "af-sigv4.h"

#define TARGET_PREFIX "DynamoDB_20120810."

struct _AfDynamodbClient
{
  GObject        parent_instance;

  SoupSession   *session;       /* (owned) */
  AfEndpoint    *endpoint;      /* (owned) */
  AfCredentials *credentials;   /* (owned) */
  AfRetryPolicy  retry_policy;
  guint          request_count; /* atomic */
  guint          retry_count;   /* atomic */
};

G_DEFINE_FINAL_TYPE (AfDynamodbClient, af_dynamodb_client, G_TYPE_OBJECT)

static void
af_dynamodb_client_finalize (GObject *object)
{
  AfDynamodbClient *self = AF_DYNAMODB_CLIENT (object);

  g_clear_object (&self->session);
  g_clear_object (&self->endpoint);
  g_clear_object (&self->credentials);

  G_OBJECT_CLASS (af_dynamodb_client_parent_class)->finalize (object);
}

static void
af_dynamodb_client_class_init (AfDynamodbClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_dynamodb_client_finalize;
}

static void
af_dynamodb_client_init (AfDynamodbClient *self)
{
  af_retry_policy_init_default (&self->retry_policy);
}

AfDynamodbClient *
af_dynamodb_client_new (SoupSession   *session,
                        AfEndpoint    *endpoint,
                        AfCredentials *credentials)
{
  AfDynamodbClient *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AF_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (AF_IS_CREDENTIALS (credentials), NULL);

  self = g_object_new (AF_TYPE_DYNAMODB_CLIENT, NULL);
  self->session = g_object_ref (session);
  self->endpoint = g_object_ref (endpoint);
  self->credentials = g_object_ref (credentials);
  return self;
}

void
af_dynamodb_client_set_retry_policy (AfDynamodbClient    *self,
                                     const AfRetryPolicy *policy)
{
  g_return_if_fail (AF_IS_DYNAMODB_CLIENT (self));
  self->retry_policy = *policy;
}

const AfRetryPolicy *
af_dynamodb_client_get_retry_policy (AfDynamodbClient *self)
{
  return &self->retry_policy;
}

guint
af_dynamodb_client_get_request_count (AfDynamodbClient *self)
{
  return g_atomic_int_get (&self->request_count);
}

guint
af_dynamodb_client_get_retry_count (AfDynamodbClient *self)
{
  return g_atomic_int_get (&self->retry_count);
}

/* ---- CRC32 ------------------------------------------------------------------ */

/* Slice-by-8: eight tables, eight bytes a step. A pull checks every byte it reads (a
 * 10,000-item pull is ~35 MB), so the byte-at-a-time loop would show in its CPU. */
static guint32 crc_tables[8][256];

static void
crc_tables_init (void)
{
  for (guint32 n = 0; n < 256; n++)
    {
      guint32 c = n;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_tables[0][n] = c;
    }
  for (guint32 n = 0; n < 256; n++)
    for (guint t = 1; t < 8; t++)
      crc_tables[t][n] = (crc_tables[t - 1][n] >> 8) ^ crc_tables[0][crc_tables[t - 1][n] & 0xFF];
}

guint32
af_crc32 (const guint8 *data,
          gsize         length)
{
  static gsize initialized = 0;
  guint32 crc = 0xFFFFFFFFu;

  if (g_once_init_enter (&initialized))
    {
      crc_tables_init ();
      g_once_init_leave (&initialized, 1);
    }
  for (; length >= 8; data += 8, length -= 8)
    {
      guint32 low = crc ^ ((guint32) data[0] | (guint32) data[1] << 8 |
                           (guint32) data[2] << 16 | (guint32) data[3] << 24);
      guint32 high = (guint32) data[4] | (guint32) data[5] << 8 |
                     (guint32) data[6] << 16 | (guint32) data[7] << 24;

      crc = crc_tables[7][low & 0xFF] ^ crc_tables[6][(low >> 8) & 0xFF] ^
            crc_tables[5][(low >> 16) & 0xFF] ^ crc_tables[4][low >> 24] ^
            crc_tables[3][high & 0xFF] ^ crc_tables[2][(high >> 8) & 0xFF] ^
            crc_tables[1][(high >> 16) & 0xFF] ^ crc_tables[0][high >> 24];
    }
  for (; length > 0; data++, length--)
    crc = crc_tables[0][(crc ^ *data) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

/* A body that does not match its x-amz-crc32 was damaged on the way: the request
 * is retried (botocore does the same). No header, no check: dynalite sends none. */
static gboolean
check_crc32 (SoupMessage  *message,
             GBytes       *body,
             GError      **error)
{
  const char *header;
  guint64 expected;
  gsize length;
  const guint8 *data;

  header = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                         "x-amz-crc32");
  if (header == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (header, 10, 0, G_MAXUINT32, &expected, NULL))
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_INTEGRITY,
                   "Unreadable x-amz-crc32 header");
      return FALSE;
    }
  data = g_bytes_get_data (body, &length);
  if (af_crc32 (data, length) != (guint32) expected)
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_INTEGRITY,
                   "Response body does not match its x-amz-crc32 (%zu bytes)", length);
      return FALSE;
    }
  return TRUE;
}

/* ---- One call, with retries ------------------------------------------------- */

typedef struct
{
  char      *operation;
  GBytes    *body;        /* (owned) */
  GBytes    *error_body;  /* (owned) (nullable) the last error answer */
  AfBackoff  backoff;
} CallData;

static void
call_data_free (CallData *data)
{
  g_free (data->operation);
  g_bytes_unref (data->body);
  g_clear_pointer (&data->error_body, g_bytes_unref);
  g_free (data);
}

static void send_attempt (GTask *task);

static SoupMessage *
build_message (AfDynamodbClient *self,
               CallData         *data)
{
  g_autofree char *target = g_strconcat (TARGET_PREFIX, data->operation, NULL);
  SoupMessage *message;
  SoupMessageHeaders *headers;

  message = soup_message_new_from_uri (SOUP_METHOD_POST, af_endpoint_get_uri (self->endpoint));
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "X-Amz-Target", target);
  soup_message_set_request_body_from_bytes (message, "application/x-amz-json-1.0", data->body);
  /* x-amz-crc32 covers the bytes as sent; with gzip we would never see those bytes. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  af_sigv4_sign_message (message, data->body,
                         af_service_signing_name (AF_SERVICE_DYNAMODB),
                         af_endpoint_get_region (self->endpoint), self->credentials);
  return message;
}

static void
sleep_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!af_aws_sleep_finish (result, &error))
    g_task_return_error (task, error);
  else
    send_attempt (g_steal_pointer (&task));
}

/* Either schedules another attempt (and takes @task) or returns @error on it. */
static void
retry_or_fail (GTask  *task,
               GError *error)
{
  AfDynamodbClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  guint delay_ms;

  if (!af_aws_error_is_retryable (error) || !af_backoff_next (&data->backoff, &delay_ms))
    {
      if (data->backoff.attempt > 0)
        g_prefix_error (&error, "%s failed after %u attempts: ", data->operation,
                        data->backoff.attempt + 1);
      else
        g_prefix_error (&error, "%s failed: ", data->operation);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_debug ("%s: %s; retrying in %u ms", data->operation, error->message, delay_ms);
  g_atomic_int_inc (&self->retry_count);
  g_error_free (error);
  af_aws_sleep_async (delay_ms, g_task_get_cancellable (task), sleep_done_cb, task);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;
  guint status;
  gsize length;
  const char *data;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      error = af_aws_error_from_transport (error);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, error);
          g_object_unref (task);
          return;
        }
      retry_or_fail (task, error);
      return;
    }

  status = soup_message_get_status (message);
  data = g_bytes_get_data (body, &length);
  if (status != SOUP_STATUS_OK)
    {
      CallData *call = g_task_get_task_data (task);

      g_clear_pointer (&call->error_body, g_bytes_unref);
      call->error_body = g_bytes_ref (body);
      retry_or_fail (task, af_aws_error_new_from_dynamodb (status, data, length));
    }
  else if (!check_crc32 (message, body, &error))
    retry_or_fail (task, error);
  else
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      g_object_unref (task);
    }
}

/* Takes @task. Each attempt is a new message signed now: a signature is only good for
 * a few minutes, and the backoff may have lasted a while. */
static void
send_attempt (GTask *task)
{
  AfDynamodbClient *self = g_task_get_source_object (task);
  g_autoptr(SoupMessage) message = build_message (self, g_task_get_task_data (task));

  g_atomic_int_inc (&self->request_count);
  soup_session_send_and_read_async (self->session, message, g_task_get_priority (task),
                                    g_task_get_cancellable (task), send_done_cb, task);
}

void
af_dynamodb_client_call_async (AfDynamodbClient    *self,
                               const char          *operation,
                               const char          *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  CallData *data;

  g_return_if_fail (AF_IS_DYNAMODB_CLIENT (self));
  g_return_if_fail (operation != NULL && body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_dynamodb_client_call_async);
  data = g_new0 (CallData, 1);
  data->operation = g_strdup (operation);
  data->body = g_bytes_new (body, strlen (body));
  af_backoff_init (&data->backoff, &self->retry_policy);
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  send_attempt (task);
}

GBytes *
af_dynamodb_client_call_finish (AfDynamodbClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  return af_dynamodb_client_call_finish_full (self, result, NULL, error);
}

GBytes *
af_dynamodb_client_call_finish_full (AfDynamodbClient  *self,
                                     GAsyncResult      *result,
                                     GBytes           **out_error_body,
                                     GError           **error)
{
  CallData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (out_error_body != NULL)
    *out_error_body = data->error_body ? g_bytes_ref (data->error_body) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Request and response helpers --------------------------------------------- */

GString *
af_dynamodb_body_begin (const char *table)
{
  GString *body = g_string_sized_new (256);

  g_string_append (body, "{\"TableName\":");
  af_codec_write_json_string (body, table);
  return body;
}

void
af_dynamodb_body_add_item (GString       *body,
                           const char    *member,
                           const AfValue *item)
{
  g_string_append_printf (body, ",\"%s\":", member);
  af_codec_write_item (body, item);
}

static void
add_string (GString    *body,
            const char *member,
            const char *value)
{
  if (value == NULL)
    return;
  g_string_append_printf (body, ",\"%s\":", member);
  af_codec_write_json_string (body, value);
}

/* ExpressionAttributeNames is a plain object of strings, not typed values. */
static void
add_names (GString       *body,
           const AfValue *names)
{
  guint n = af_value_map_size (names);

  g_string_append (body, ",\"ExpressionAttributeNames\":{");
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      af_codec_write_json_string (body, af_value_map_name_at (names, i));
      g_string_append_c (body, ':');
      af_codec_write_json_string (body, af_value_get_string (af_value_map_value_at (names, i)));
    }
  g_string_append_c (body, '}');
}

void
af_dynamodb_body_add_params (GString                *body,
                             const AfDynamodbParams *params,
                             gboolean                is_read)
{
  if (params == NULL)
    return;

  add_string (body, "IndexName", params->index_name);
  add_string (body, "KeyConditionExpression", params->key_condition_expression);
  add_string (body, "FilterExpression", params->filter_expression);
  add_string (body, "ProjectionExpression", params->projection_expression);
  add_string (body, "ConditionExpression", params->condition_expression);
  add_string (body, "UpdateExpression", params->update_expression);
  add_string (body, "ReturnValues", params->return_values);
  if (params->names != NULL)
    add_names (body, params->names);
  if (params->values != NULL)
    af_dynamodb_body_add_item (body, "ExpressionAttributeValues", params->values);
  if (params->exclusive_start_key != NULL)
    af_dynamodb_body_add_item (body, "ExclusiveStartKey", params->exclusive_start_key);
  if (params->return_old_on_condition_failure)
    g_string_append (body, ",\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\"");
  if (is_read && params->consistent_read)
    g_string_append (body, ",\"ConsistentRead\":true");
  if (params->scan_backward)
    g_string_append (body, ",\"ScanIndexForward\":false");
  if (params->limit > 0)
    g_string_append_printf (body, ",\"Limit\":%u", params->limit);
}

JsonNode *
af_dynamodb_parse_response (GBytes  *body,
                            GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB sent a response that is not JSON: %s", local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB sent a response that is not a JSON object");
      return NULL;
    }
  return json_node_ref (root);
}
