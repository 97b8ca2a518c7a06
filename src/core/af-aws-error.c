/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-aws-error"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "af-aws-error.h"
#include "af-codec.h"
#include "af-xml.h"

G_DEFINE_QUARK (af-aws-error-quark, af_aws_error)

/* Service error names (DynamoDB and S3 share this table) and what they mean to us. The
 * names come from the DynamoDB and S3 API references; anything unknown falls back on the
 * HTTP status. */
static const struct
{
  const char *name;
  AfAwsError  code;
} service_codes[] = {
  { "ConditionalCheckFailedException", AF_AWS_ERROR_CONFLICT },
  { "TransactionCanceledException", AF_AWS_ERROR_CONFLICT },
  { "TransactionConflictException", AF_AWS_ERROR_CONFLICT },
  { "IdempotentParameterMismatchException", AF_AWS_ERROR_CONFLICT },
  { "PreconditionFailed", AF_AWS_ERROR_CONFLICT },
  { "ProvisionedThroughputExceededException", AF_AWS_ERROR_THROTTLED },
  { "ThrottlingException", AF_AWS_ERROR_THROTTLED },
  { "Throttling", AF_AWS_ERROR_THROTTLED },
  { "RequestLimitExceeded", AF_AWS_ERROR_THROTTLED },
  { "LimitExceededException", AF_AWS_ERROR_THROTTLED },
  { "TransactionInProgressException", AF_AWS_ERROR_THROTTLED },
  { "SlowDown", AF_AWS_ERROR_THROTTLED },
  { "RequestThrottled", AF_AWS_ERROR_THROTTLED },
  { "TooManyRequestsException", AF_AWS_ERROR_THROTTLED },
  { "ValidationException", AF_AWS_ERROR_VALIDATION },
  { "SerializationException", AF_AWS_ERROR_VALIDATION },
  { "ItemCollectionSizeLimitExceededException", AF_AWS_ERROR_VALIDATION },
  { "InvalidArgument", AF_AWS_ERROR_VALIDATION },
  { "InvalidRequest", AF_AWS_ERROR_VALIDATION },
  { "MalformedXML", AF_AWS_ERROR_VALIDATION },
  { "ResourceNotFoundException", AF_AWS_ERROR_NOT_FOUND },
  { "TrimmedDataAccessException", AF_AWS_ERROR_EXPIRED },
  { "ExpiredIteratorException", AF_AWS_ERROR_EXPIRED },
  { "NoSuchKey", AF_AWS_ERROR_NOT_FOUND },
  { "NoSuchBucket", AF_AWS_ERROR_NOT_FOUND },
  { "NoSuchUpload", AF_AWS_ERROR_NOT_FOUND },
  { "AccessDeniedException", AF_AWS_ERROR_AUTH },
  { "AccessDenied", AF_AWS_ERROR_AUTH },
  { "UnrecognizedClientException", AF_AWS_ERROR_AUTH },
  { "IncompleteSignature", AF_AWS_ERROR_AUTH },
  { "IncompleteSignatureException", AF_AWS_ERROR_AUTH },
  { "MissingAuthenticationToken", AF_AWS_ERROR_AUTH },
  { "MissingAuthenticationTokenException", AF_AWS_ERROR_AUTH },
  { "InvalidSignatureException", AF_AWS_ERROR_AUTH },
  { "SignatureDoesNotMatch", AF_AWS_ERROR_AUTH },
  { "InvalidAccessKeyId", AF_AWS_ERROR_AUTH },
  { "ExpiredToken", AF_AWS_ERROR_AUTH },
  { "ExpiredTokenException", AF_AWS_ERROR_AUTH },
  { "RequestExpired", AF_AWS_ERROR_AUTH },
  { "RequestTimeTooSkewed", AF_AWS_ERROR_AUTH },
  { "InternalServerError", AF_AWS_ERROR_SERVER },
  { "InternalFailure", AF_AWS_ERROR_SERVER },
  { "InternalError", AF_AWS_ERROR_SERVER },
  { "ServiceUnavailable", AF_AWS_ERROR_SERVER },
  { "ServiceUnavailableException", AF_AWS_ERROR_SERVER },
};

static AfAwsError
code_for_status (guint status)
{
  if (status == 429)
    return AF_AWS_ERROR_THROTTLED;
  if (status >= 500)
    return AF_AWS_ERROR_SERVER;
  if (status == 404)
    return AF_AWS_ERROR_NOT_FOUND;
  if (status == 401 || status == 403)
    return AF_AWS_ERROR_AUTH;
  if (status == 409 || status == 412)
    return AF_AWS_ERROR_CONFLICT;
  return AF_AWS_ERROR_VALIDATION;
}

AfAwsError
af_aws_error_code_for (guint       status,
                       const char *code)
{
  if (code != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (service_codes); i++)
        if (strcmp (service_codes[i].name, code) == 0)
          return service_codes[i].code;
    }
  return code_for_status (status);
}

const char *
af_aws_error_strip_type_prefix (const char *type)
{
  const char *hash;

  if (type == NULL)
    return NULL;
  hash = strrchr (type, '#');
  return hash != NULL ? hash + 1 : type;
}

GError *
af_aws_error_new_from_service (guint       status,
                               const char *code,
                               const char *message)
{
  AfAwsError domain_code = af_aws_error_code_for (status, code);

  return g_error_new (AF_AWS_ERROR, domain_code, "%s (HTTP %u)%s%s",
                      code != NULL ? code : "HTTP error", status,
                      message != NULL && *message != '\0' ? ": " : "",
                      message != NULL ? message : "");
}

/* DynamoDB spells the message "message" and, for a few errors, "Message". */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

GError *
af_aws_error_new_from_dynamodb (guint       status,
                                const char *body,
                                gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  const char *message;

  if (body == NULL || length == 0 || !af_codec_check_json_depth (body, length, NULL) ||
      !json_parser_load_from_data (parser, body, length, NULL))
    return af_aws_error_new_from_service (status, NULL, NULL);

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return af_aws_error_new_from_service (status, NULL, NULL);

  object = json_node_get_object (root);
  message = member_string (object, "message");
  if (message == NULL)
    message = member_string (object, "Message");
  return af_aws_error_new_from_service (status,
                                        af_aws_error_strip_type_prefix (
                                          member_string (object, "__type")),
                                        message);
}

GError *
af_aws_error_new_from_s3 (guint       status,
                          const char *body,
                          gsize       length)
{
  g_autoptr(AfXml) xml = body != NULL && length > 0 ? af_xml_parse (body, length, NULL) : NULL;

  if (xml == NULL)
    return af_aws_error_new_from_service (status, NULL, NULL);
  return af_aws_error_new_from_service (status, af_xml_first (xml, "Error/Code"),
                                        af_xml_first (xml, "Error/Message"));
}

GError *
af_aws_error_from_transport (GError *error)
{
  GError *mapped;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      error->domain == AF_AWS_ERROR)
    return error;

  if (error->domain == G_TLS_ERROR)
    mapped = g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_INSECURE,
                          "TLS failure: %s", error->message);
  else
    mapped = g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_NETWORK,
                          "Network failure: %s", error->message);
  g_error_free (error);
  return mapped;
}

gboolean
af_aws_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != AF_AWS_ERROR)
    return FALSE;

  switch ((AfAwsError) error->code)
    {
    case AF_AWS_ERROR_THROTTLED:
    case AF_AWS_ERROR_SERVER:
    case AF_AWS_ERROR_NETWORK:
    case AF_AWS_ERROR_INTEGRITY:
      return TRUE;
    case AF_AWS_ERROR_CONFLICT:
    case AF_AWS_ERROR_VALIDATION:
    case AF_AWS_ERROR_NOT_FOUND:
    case AF_AWS_ERROR_AUTH:
    case AF_AWS_ERROR_MALFORMED:
    case AF_AWS_ERROR_INSECURE:
    case AF_AWS_ERROR_EXPIRED:
    default:
      return FALSE;
    }
}

/* ---- Backoff ---------------------------------------------------------------- */

static guint
env_ms (const char *name,
        guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &value, NULL))
    return fallback;
  return (guint) value;
}

void
af_retry_policy_init_default (AfRetryPolicy *policy)
{
  policy->base_ms = env_ms ("AF_AWS_RETRY_BASE_MS", 50);
  policy->cap_ms = env_ms ("AF_AWS_RETRY_CAP_MS", 20000);
  policy->budget_ms = env_ms ("AF_AWS_RETRY_BUDGET_MS", 60000);
  policy->max_attempts = 0;
}

void
af_backoff_init (AfBackoff           *backoff,
                 const AfRetryPolicy *policy)
{
  if (policy != NULL)
    backoff->policy = *policy;
  else
    af_retry_policy_init_default (&backoff->policy);
  backoff->attempt = 0;
  backoff->slept_ms = 0;
}

gboolean
af_backoff_next (AfBackoff *backoff,
                 guint     *out_delay_ms)
{
  const AfRetryPolicy *policy = &backoff->policy;
  guint64 ceiling = policy->base_ms;
  guint delay;

  if (policy->max_attempts > 0 && backoff->attempt >= policy->max_attempts)
    return FALSE;
  if (backoff->slept_ms >= policy->budget_ms)
    return FALSE;

  /* base * 2^attempt, without overflowing for a long run of attempts */
  for (guint i = 0; i < backoff->attempt && ceiling < policy->cap_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, policy->cap_ms);

  /* Full jitter: anywhere in [0, ceiling], so that many clients throttled at once
   * spread out instead of retrying in lockstep. */
  delay = ceiling > 0 ? (guint) g_random_int_range (0, (gint32) ceiling + 1) : 0;
  delay = (guint) MIN ((guint64) delay, policy->budget_ms - backoff->slept_ms);

  backoff->attempt++;
  backoff->slept_ms += delay;
  *out_delay_ms = delay;
  return TRUE;
}

/* ---- Sleeping --------------------------------------------------------------- */

typedef struct
{
  GSource      *timeout;        /* (owned) */
  GCancellable *cancellable;    /* (owned) (nullable) */
  gulong        cancelled_id;
} SleepData;

static void
sleep_data_free (SleepData *data)
{
  if (data->timeout != NULL)
    {
      g_source_destroy (data->timeout);
      g_source_unref (data->timeout);
    }
  g_clear_object (&data->cancellable);
  g_free (data);
}

static gboolean
sleep_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  SleepData *data = g_task_get_task_data (task);

  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  data->cancelled_id = 0;
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
  return G_SOURCE_REMOVE;
}

/* Runs in whichever thread cancels: hop back to the task's context by firing the timeout
 * source now instead of returning from here. */
static void
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  SleepData *data = user_data;

  g_source_set_ready_time (data->timeout, 0);
}

void
af_aws_sleep_async (guint                delay_ms,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SleepData *data = g_new0 (SleepData, 1);

  g_task_set_source_tag (task, af_aws_sleep_async);
  g_task_set_task_data (task, data, (GDestroyNotify) sleep_data_free);

  data->timeout = g_timeout_source_new (delay_ms);
  g_source_set_callback (data->timeout, sleep_done_cb, g_object_ref (task), g_object_unref);
  g_source_attach (data->timeout, g_task_get_context (task));

  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable,
                                                  G_CALLBACK (sleep_cancelled_cb),
                                                  data, NULL);
    }
}

gboolean
af_aws_sleep_finish (GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Retrying ------------------------------------------------------------------ */

typedef struct
{
  GTask            *task;     /* (owned) */
  AfAwsAttemptFunc  attempt;
} RetryData;

static void
retry_sleep_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  RetryData *retry = user_data;
  g_autoptr(GTask) task = retry->task;
  AfAwsAttemptFunc attempt = retry->attempt;
  GError *error = NULL;

  g_free (retry);
  if (!af_aws_sleep_finish (result, &error))
    g_task_return_error (task, error);
  else
    attempt (g_steal_pointer (&task));
}

void
af_aws_retry_after (GTask            *task,
                    guint             delay_ms,
                    AfAwsAttemptFunc  attempt)
{
  RetryData *retry = g_new (RetryData, 1);

  retry->task = task;
  retry->attempt = attempt;
  af_aws_sleep_async (delay_ms, g_task_get_cancellable (task), retry_sleep_done_cb, retry);
}
