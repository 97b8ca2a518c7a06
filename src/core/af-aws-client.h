/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-aws-client.h — what the DynamoDB and S3 clients share: the injected session, the
 * endpoint and credentials, the retry policy, the request counters, and one request sent
 * with retries.
 *
 * A subclass says how to turn its request into a signed message, which answers are
 * errors, and how to name a request in an error; the sending, the transport error
 * mapping and the backoff (af-aws-error.h) are the same for both services.
 */
#pragma once

#include <libsoup/soup.h>

#include "af-aws-error.h"
#include "af-credentials.h"
#include "af-endpoint.h"

G_BEGIN_DECLS

#define AF_TYPE_AWS_CLIENT (af_aws_client_get_type ())
G_DECLARE_DERIVABLE_TYPE (AfAwsClient, af_aws_client, AF, AWS_CLIENT, GObject)

struct _AfAwsClientClass
{
  GObjectClass parent_class;

  /* A message for @request, signed now: each attempt is signed afresh, since a signature
   * is only good for a few minutes and a backoff may last a while. */
  SoupMessage *(*build_message) (AfAwsClient   *self,
                                 gconstpointer  request);
  /* NULL when @message's answer is a success, else the service's error for it. */
  GError      *(*check_answer)  (AfAwsClient   *self,
                                 SoupMessage   *message,
                                 GBytes        *body);
  /* Says which request failed for good, after @attempts attempts. */
  void         (*prefix_error)  (AfAwsClient   *self,
                                 gconstpointer  request,
                                 guint          attempts,
                                 GError       **error);
  /* A short name for the debug log ("GetItem", "PUT"). */
  const char  *(*describe)      (AfAwsClient   *self,
                                 gconstpointer  request);
  /* The largest answer read whole (0: AF_AWS_CLIENT_DEFAULT_MAX_ANSWER); a longer one is
   * an AF_AWS_ERROR_MALFORMED error, its rest never read. */
  gsize          max_answer_bytes;
};

#define AF_AWS_CLIENT_DEFAULT_MAX_ANSWER (32 * 1024 * 1024)

/* A request to an AWS service: never redirected. libsoup follows 301/302/303/307 by
 * itself, to any host and over plain HTTP, forwarding the signed headers (and the
 * session token), and turns a POST into a GET; neither DynamoDB nor S3 needs it. */
SoupMessage         *af_aws_message_new              (const char          *method,
                                                      GUri                *uri);
/* NULL unless @message was answered with a redirect; else an AF_AWS_ERROR_VALIDATION
 * error saying so — with the region to use when S3 names it (x-amz-bucket-region). */
GError              *af_aws_redirect_error           (SoupMessage         *message);

/* Before a request is signed: credentials from a credential_process that are about to
 * expire are fetched again (af_credentials_refresh ()). */
gboolean             af_aws_client_refresh_credentials (AfAwsClient       *self,
                                                        GError           **error);

/* For a subclass's constructor: a @type client on @session, talking to @endpoint. */
gpointer             af_aws_client_new               (GType                type,
                                                      SoupSession         *session,
                                                      AfEndpoint          *endpoint,
                                                      AfCredentials       *credentials);

SoupSession         *af_aws_client_get_session       (AfAwsClient         *self);
AfEndpoint          *af_aws_client_get_endpoint      (AfAwsClient         *self);
AfCredentials       *af_aws_client_get_credentials   (AfAwsClient         *self);

void                 af_aws_client_set_retry_policy  (AfAwsClient         *self,
                                                      const AfRetryPolicy *policy);
const AfRetryPolicy *af_aws_client_get_retry_policy  (AfAwsClient         *self);

/* HTTP requests sent (retries included) and retries, since creation. */
guint                af_aws_client_get_request_count (AfAwsClient         *self);
guint                af_aws_client_get_retry_count   (AfAwsClient         *self);
/* Bytes of the response bodies read whole (what a sync's cost is measured in). */
guint64              af_aws_client_get_bytes_received (AfAwsClient        *self);
/* For a subclass that sends a message itself (a streamed download). */
void                 af_aws_client_count_request     (AfAwsClient         *self);

/* Sends @request (taken, freed with @request_free) read whole, retried while the error
 * is retryable and the backoff allows. */
void                 af_aws_client_send_async        (AfAwsClient         *self,
                                                      gpointer             request,
                                                      GDestroyNotify       request_free,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
/* The message of the successful attempt (status, headers) and, in @out_body, its body.
 * @out_error_body (nullable) receives the body of the last error answer, if any, on
 * success and failure alike. */
SoupMessage         *af_aws_client_send_finish       (AfAwsClient         *self,
                                                      GAsyncResult        *result,
                                                      GBytes             **out_body,
                                                      GBytes             **out_error_body,
                                                      GError             **error);

G_END_DECLS
