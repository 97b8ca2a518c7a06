/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-aws"

#include <string.h>

#include "af-aws-client.h"

typedef struct
{
  SoupSession   *session;       /* (owned) */
  AfEndpoint    *endpoint;      /* (owned) */
  AfCredentials *credentials;   /* (owned) */
  AfRetryPolicy  retry_policy;
  guint          request_count; /* atomic */
  guint          retry_count;   /* atomic */
  guint64        bytes_received; /* response bodies, errors included (main context only) */
} AfAwsClientPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AfAwsClient, af_aws_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_ENDPOINT,
  PROP_CREDENTIALS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
af_aws_client_finalize (GObject *object)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (AF_AWS_CLIENT (object));

  g_clear_object (&priv->session);
  g_clear_object (&priv->endpoint);
  g_clear_object (&priv->credentials);

  G_OBJECT_CLASS (af_aws_client_parent_class)->finalize (object);
}

static void
af_aws_client_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (AF_AWS_CLIENT (object));

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    case PROP_ENDPOINT:
      g_value_set_object (value, priv->endpoint);
      break;
    case PROP_CREDENTIALS:
      g_value_set_object (value, priv->credentials);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_aws_client_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (AF_AWS_CLIENT (object));

  switch (prop_id)
    {
    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      break;
    case PROP_ENDPOINT:
      priv->endpoint = g_value_dup_object (value);
      break;
    case PROP_CREDENTIALS:
      priv->credentials = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_aws_client_class_init (AfAwsClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = af_aws_client_finalize;
  object_class->get_property = af_aws_client_get_property;
  object_class->set_property = af_aws_client_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENDPOINT] =
    g_param_spec_object ("endpoint", NULL, NULL, AF_TYPE_ENDPOINT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREDENTIALS] =
    g_param_spec_object ("credentials", NULL, NULL, AF_TYPE_CREDENTIALS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_aws_client_init (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  af_retry_policy_init_default (&priv->retry_policy);
}

gpointer
af_aws_client_new (GType          type,
                   SoupSession   *session,
                   AfEndpoint    *endpoint,
                   AfCredentials *credentials)
{
  g_return_val_if_fail (g_type_is_a (type, AF_TYPE_AWS_CLIENT), NULL);
  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (AF_IS_ENDPOINT (endpoint), NULL);
  g_return_val_if_fail (AF_IS_CREDENTIALS (credentials), NULL);

  return g_object_new (type,
                       "session", session,
                       "endpoint", endpoint,
                       "credentials", credentials,
                       NULL);
}

SoupSession *
af_aws_client_get_session (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return priv->session;
}

AfEndpoint *
af_aws_client_get_endpoint (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return priv->endpoint;
}

AfCredentials *
af_aws_client_get_credentials (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return priv->credentials;
}

void
af_aws_client_set_retry_policy (AfAwsClient         *self,
                                const AfRetryPolicy *policy)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  priv->retry_policy = *policy;
}

const AfRetryPolicy *
af_aws_client_get_retry_policy (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return &priv->retry_policy;
}

guint
af_aws_client_get_request_count (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return g_atomic_int_get (&priv->request_count);
}

guint
af_aws_client_get_retry_count (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return g_atomic_int_get (&priv->retry_count);
}

guint64
af_aws_client_get_bytes_received (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return priv->bytes_received;
}

void
af_aws_client_count_request (AfAwsClient *self)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  g_atomic_int_inc (&priv->request_count);
}

/* ---- Messages ---------------------------------------------------------------- */

SoupMessage *
af_aws_message_new (const char *method,
                    GUri       *uri)
{
  SoupMessage *message = soup_message_new_from_uri (method, uri);

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  return message;
}

GError *
af_aws_redirect_error (SoupMessage *message)
{
  guint status = soup_message_get_status (message);
  const char *region;

  if (!SOUP_STATUS_IS_REDIRECTION (status) || status == SOUP_STATUS_NOT_MODIFIED)
    return NULL;
  region = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                         "x-amz-bucket-region");
  /* The region is shown to the user: only a region-shaped word. */
  if (region != NULL && *region != '\0' && strlen (region) < 32 &&
      strspn (region, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen (region))
    return g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION,
                        "The bucket is in region %s (HTTP %u, a redirect, not followed): "
                        "set the region to %s", region, status, region);
  return g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION,
                      "The endpoint answered with a redirect (HTTP %u), which is never "
                      "followed: check the endpoint URL and the region", status);
}

gboolean
af_aws_client_refresh_credentials (AfAwsClient  *self,
                                   GError      **error)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);

  return af_credentials_refresh (priv->credentials, g_get_real_time () / G_USEC_PER_SEC, error);
}

/* ---- One request, with retries ------------------------------------------------ */

typedef struct
{
  gpointer        request;      /* (owned) */
  GDestroyNotify  request_free;
  AfBackoff       backoff;
  GBytes         *body;         /* (owned) (nullable) the successful answer */
  GBytes         *error_body;   /* (owned) (nullable) the last error answer */
  SoupMessage    *message;      /* (owned) (nullable) the attempt being read */
  GInputStream   *input;        /* (owned) (nullable) its body */
  GByteArray     *received;     /* (owned) (nullable) what has come of it */
} SendData;

static void
send_data_free (SendData *data)
{
  data->request_free (data->request);
  g_clear_pointer (&data->body, g_bytes_unref);
  g_clear_pointer (&data->error_body, g_bytes_unref);
  g_clear_object (&data->message);
  g_clear_object (&data->input);
  g_clear_pointer (&data->received, g_byte_array_unref);
  g_free (data);
}

static void send_attempt (GTask *task);

/* Takes @task and @error: either schedules another attempt or returns @error on it. */
static void
retry_or_fail (GTask  *task,
               GError *error)
{
  AfAwsClient *self = g_task_get_source_object (task);
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);
  AfAwsClientClass *klass = AF_AWS_CLIENT_GET_CLASS (self);
  SendData *data = g_task_get_task_data (task);
  guint delay_ms;

  if (!af_aws_error_is_retryable (error) || !af_backoff_next (&data->backoff, &delay_ms))
    {
      klass->prefix_error (self, data->request, data->backoff.attempt + 1, &error);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_debug ("%s: %s; retrying in %u ms", klass->describe (self, data->request),
           error->message, delay_ms);
  g_atomic_int_inc (&priv->retry_count);
  g_error_free (error);
  af_aws_retry_after (task, delay_ms, send_attempt);
}

/* Takes @task. A cancelled request is not retried, nor said to have failed. */
static void
transport_failed (GTask  *task,
                  GError *error)
{
  error = af_aws_error_from_transport (error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      retry_or_fail (task, error);
      return;
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Takes @task and @body: the whole answer of the attempt. */
static void
answer_received (GTask   *task,
                 GBytes  *body)
{
  AfAwsClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = g_steal_pointer (&data->message);
  GError *error;

  ((AfAwsClientPrivate *) af_aws_client_get_instance_private (self))->bytes_received +=
    g_bytes_get_size (body);
  error = AF_AWS_CLIENT_GET_CLASS (self)->check_answer (self, message, body);
  if (error != NULL)
    {
      g_clear_pointer (&data->error_body, g_bytes_unref);
      data->error_body = body;
      retry_or_fail (task, error);
      return;
    }
  g_clear_pointer (&data->body, g_bytes_unref);
  data->body = body;
  g_task_return_pointer (task, g_object_ref (message), g_object_unref);
  g_object_unref (task);
}

/* No answer is read past what its operation can legitimately return: a server that
 * never stops sending would otherwise fill the memory. */
static gsize
max_answer (AfAwsClient *self)
{
  gsize max = AF_AWS_CLIENT_GET_CLASS (self)->max_answer_bytes;

  return max > 0 ? max : AF_AWS_CLIENT_DEFAULT_MAX_ANSWER;
}

static GError *
too_large (AfAwsClient *self)
{
  return g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                      "The answer is larger than the %zu MiB this request can return",
                      max_answer (self) / (1024 * 1024));
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AfAwsClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk != NULL && g_bytes_get_size (chunk) == 0)
    {
      g_clear_object (&data->input);
      answer_received (task, g_byte_array_free_to_bytes (g_steal_pointer (&data->received)));
      return;
    }
  if (chunk != NULL && data->received->len + g_bytes_get_size (chunk) > max_answer (self))
    error = too_large (self);
  if (error != NULL)
    {
      g_clear_object (&data->input);
      g_clear_object (&data->message);
      g_clear_pointer (&data->received, g_byte_array_unref);
      if (error->domain == AF_AWS_ERROR)
        retry_or_fail (task, error);
      else
        transport_failed (task, error);
      return;
    }
  g_byte_array_append (data->received, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  g_input_stream_read_bytes_async (data->input, 64 * 1024, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, task);
}

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  AfAwsClient *self = g_task_get_source_object (task);
  SendData *data = g_task_get_task_data (task);
  GError *error = NULL;
  goffset length;

  data->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->input == NULL)
    {
      g_clear_object (&data->message);
      transport_failed (task, error);
      return;
    }
  length = soup_message_headers_get_content_length (
    soup_message_get_response_headers (data->message));
  if (length > 0 && (guint64) length > max_answer (self))
    {
      g_clear_object (&data->input);
      g_clear_object (&data->message);
      retry_or_fail (task, too_large (self));
      return;
    }
  data->received = g_byte_array_sized_new (length > 0 ? (guint) length : 4096);
  g_input_stream_read_bytes_async (data->input, 64 * 1024, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), read_cb, task);
}

/* Takes @task. */
static void
send_attempt (GTask *task)
{
  AfAwsClient *self = g_task_get_source_object (task);
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);
  SendData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  GError *error = NULL;

  if (!af_aws_client_refresh_credentials (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  message = AF_AWS_CLIENT_GET_CLASS (self)->build_message (self, data->request);
  g_atomic_int_inc (&priv->request_count);
  g_set_object (&data->message, message);
  soup_session_send_async (priv->session, message, G_PRIORITY_DEFAULT,
                           g_task_get_cancellable (task), send_done_cb, task);
}

void
af_aws_client_send_async (AfAwsClient         *self,
                          gpointer             request,
                          GDestroyNotify       request_free,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  AfAwsClientPrivate *priv = af_aws_client_get_instance_private (self);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);

  g_task_set_source_tag (task, af_aws_client_send_async);
  data->request = request;
  data->request_free = request_free;
  af_backoff_init (&data->backoff, &priv->retry_policy);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  send_attempt (task);
}

SoupMessage *
af_aws_client_send_finish (AfAwsClient   *self,
                           GAsyncResult  *result,
                           GBytes       **out_body,
                           GBytes       **out_error_body,
                           GError       **error)
{
  SendData *data;
  SoupMessage *message;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (out_error_body != NULL)
    *out_error_body = data->error_body ? g_bytes_ref (data->error_body) : NULL;
  message = g_task_propagate_pointer (G_TASK (result), error);
  if (message != NULL && out_body != NULL)
    *out_body = g_steal_pointer (&data->body);
  return message;
}
