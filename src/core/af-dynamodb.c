/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-dynamodb"

#include <string.h>

#include "af-codec.h"
#include "af-dynamodb-private.h"
#include "af-sigv4.h"

#define TARGET_PREFIX "DynamoDB_20120810."

struct _AfDynamodbClient
{
  AfAwsClient parent_instance;
};

G_DEFINE_FINAL_TYPE (AfDynamodbClient, af_dynamodb_client, AF_TYPE_AWS_CLIENT)

static void
af_dynamodb_client_init (AfDynamodbClient *self)
{
}

AfDynamodbClient *
af_dynamodb_client_new (SoupSession   *session,
                        AfEndpoint    *endpoint,
                        AfCredentials *credentials)
{
  return af_aws_client_new (AF_TYPE_DYNAMODB_CLIENT, session, endpoint, credentials);
}

void
af_dynamodb_client_set_retry_policy (AfDynamodbClient    *self,
                                     const AfRetryPolicy *policy)
{
  g_return_if_fail (AF_IS_DYNAMODB_CLIENT (self));
  af_aws_client_set_retry_policy (AF_AWS_CLIENT (self), policy);
}

guint
af_dynamodb_client_get_request_count (AfDynamodbClient *self)
{
  return af_aws_client_get_request_count (AF_AWS_CLIENT (self));
}

guint
af_dynamodb_client_get_retry_count (AfDynamodbClient *self)
{
  return af_aws_client_get_retry_count (AF_AWS_CLIENT (self));
}

guint64
af_dynamodb_client_get_bytes_received (AfDynamodbClient *self)
{
  return af_aws_client_get_bytes_received (AF_AWS_CLIENT (self));
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

/* ---- One call ---------------------------------------------------------------- */

typedef struct
{
  const char *target_prefix;  /* DynamoDB's, or DynamoDB Streams' */
  char       *operation;
  GBytes     *body;           /* (owned) */
} Call;

static void
call_free (Call *call)
{
  g_free (call->operation);
  g_bytes_unref (call->body);
  g_free (call);
}

static SoupMessage *
build_message (AfAwsClient   *client,
               gconstpointer  request)
{
  const Call *call = request;
  AfEndpoint *endpoint = af_aws_client_get_endpoint (client);
  g_autofree char *target = g_strconcat (call->target_prefix, call->operation, NULL);
  SoupMessage *message;
  SoupMessageHeaders *headers;

  message = af_aws_message_new (SOUP_METHOD_POST, af_endpoint_get_uri (endpoint));
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "X-Amz-Target", target);
  soup_message_set_request_body_from_bytes (message, "application/x-amz-json-1.0", call->body);
  /* x-amz-crc32 covers the bytes as sent; with gzip we would never see those bytes. */
  soup_message_disable_feature (message, SOUP_TYPE_CONTENT_DECODER);
  /* libsoup sends a POST on a kept-alive connection only when told it may send it
   * again; every write here already is (conditions on last_op_id, client request
   * tokens) and our own retries resend anyway. Without it each request opened a new
   * connection: bench-push made 16 instead of 5,100 and ran 1.5–1.9× faster. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
  af_sigv4_sign_message (message, call->body,
                         af_service_signing_name (AF_SERVICE_DYNAMODB),
                         af_endpoint_get_region (endpoint),
                         af_aws_client_get_credentials (client));
  return message;
}

/* Anything but 200 is an error, and so is a body damaged on the way (retried). */
static GError *
check_answer (AfAwsClient *client,
              SoupMessage *message,
              GBytes      *body)
{
  guint status = soup_message_get_status (message);
  GError *error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if ((error = af_aws_redirect_error (message)) != NULL)
    return error;
  if (status != SOUP_STATUS_OK)
    return af_aws_error_new_from_dynamodb (status, data, length);
  check_crc32 (message, body, &error);
  return error;
}

static void
prefix_error (AfAwsClient   *client,
              gconstpointer  request,
              guint          attempts,
              GError       **error)
{
  const Call *call = request;

  if (attempts > 1)
    g_prefix_error (error, "%s failed after %u attempts: ", call->operation, attempts);
  else
    g_prefix_error (error, "%s failed: ", call->operation);
}

static const char *
describe (AfAwsClient   *client,
          gconstpointer  request)
{
  return ((const Call *) request)->operation;
}

static void
af_dynamodb_client_class_init (AfDynamodbClientClass *klass)
{
  AfAwsClientClass *client_class = AF_AWS_CLIENT_CLASS (klass);

  client_class->build_message = build_message;
  client_class->check_answer = check_answer;
  client_class->prefix_error = prefix_error;
  client_class->describe = describe;
  /* BatchGetItem returns up to 16 MB of items; their JSON can be about twice that. */
  client_class->max_answer_bytes = 48 * 1024 * 1024;
}

void
af_dynamodb_client_call_async (AfDynamodbClient    *self,
                               const char          *operation,
                               const char          *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  af_dynamodb_client_call_target_async (self, TARGET_PREFIX, operation, body, cancellable,
                                        callback, user_data);
}

/* Streams share DynamoDB's endpoint, signing name and JSON protocol; only the target
 * prefix differs. */
void
af_dynamodb_client_call_target_async (AfDynamodbClient    *self,
                                      const char          *target_prefix,
                                      const char          *operation,
                                      const char          *body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Call *call;

  g_return_if_fail (AF_IS_DYNAMODB_CLIENT (self));
  g_return_if_fail (operation != NULL && body != NULL);

  call = g_new0 (Call, 1);
  call->target_prefix = target_prefix;
  call->operation = g_strdup (operation);
  call->body = g_bytes_new (body, strlen (body));
  af_aws_client_send_async (AF_AWS_CLIENT (self), call, (GDestroyNotify) call_free,
                            cancellable, callback, user_data);
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
  g_autoptr(SoupMessage) message = NULL;
  GBytes *body = NULL;

  message = af_aws_client_send_finish (AF_AWS_CLIENT (self), result, &body, out_error_body,
                                       error);
  return body;
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
  if (params->total_segments > 0)
    g_string_append_printf (body, ",\"Segment\":%u,\"TotalSegments\":%u", params->segment,
                            params->total_segments);
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

  if (!af_codec_check_json_depth (data, length, &local_error) ||
      !json_parser_load_from_data (parser, data, length, &local_error))
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
