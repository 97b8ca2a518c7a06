/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The C signer against the AWS SDK for JavaScript's: real requests, signed here, sent
 * through the verifying fronts (tests/peers/verify-front.js) to DynamoDB Local, dynalite
 * and s3rver. A front answers 403 SignatureDoesNotMatch unless its signature, made with
 * @smithy/signature-v4 from what arrived, is the same byte for byte.
 *
 * Run by tests/peers/run-with-peers.sh, which exports AF_PEER_*.
 */
#define G_LOG_DOMAIN "test-sigv4-peer"

#include <string.h>

#include "af-endpoint.h"
#include "af-sigv4.h"

#define BUCKET "auditflow-documents-dev"

typedef struct
{
  SoupSession   *session;
  AfCredentials *credentials;
  const char    *region;
} Peer;

static Peer peer;

typedef struct
{
  guint   status;
  GBytes *body;
  char   *text;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer->text);
  g_free (answer);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

static Answer *
send_message (SoupMessage *message)
{
  g_autoptr(GError) error = NULL;
  Answer *answer = g_new0 (Answer, 1);
  gsize length = 0;
  const char *data;

  answer->body = soup_session_send_and_read (peer.session, message, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (message);
  data = g_bytes_get_data (answer->body, &length);
  answer->text = g_strndup (data ? data : "", length);
  g_test_message ("%s %s → %u %s", soup_message_get_method (message),
                  g_uri_get_path (soup_message_get_uri (message)), answer->status, answer->text);
  return answer;
}

static AfEndpoint *
endpoint_from_env (AfService   service,
                   const char *variable)
{
  g_autoptr(GError) error = NULL;
  const char *url = g_getenv (variable);
  AfEndpoint *endpoint;

  g_assert_nonnull (url);
  endpoint = af_endpoint_new_for_url (service, peer.region, url, &error);
  g_assert_no_error (error);
  return endpoint;
}

/* A DynamoDB call: POST / with the JSON 1.0 protocol, signed with @credentials. */
static SoupMessage *
dynamodb_message (AfEndpoint    *endpoint,
                  const char    *operation,
                  const char    *json,
                  AfCredentials *credentials)
{
  SoupMessage *message = soup_message_new_from_uri ("POST", af_endpoint_get_uri (endpoint));
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autofree char *target = g_strdup_printf ("DynamoDB_20120810.%s", operation);

  soup_message_headers_replace (soup_message_get_request_headers (message), "X-Amz-Target",
                                target);
  soup_message_set_request_body_from_bytes (message, "application/x-amz-json-1.0", body);
  g_assert_true (af_sigv4_sign_message (message, body, "dynamodb", peer.region, credentials));
  return message;
}

static Answer *
dynamodb_call (AfEndpoint *endpoint,
               const char *operation,
               const char *json)
{
  g_autoptr(SoupMessage) message = dynamodb_message (endpoint, operation, json,
                                                     peer.credentials);

  return send_message (message);
}

/* CreateTable answers while the table is still CREATING (dynalite makes it ACTIVE on
 * a later tick even with --createTableMs 0: a PutItem straight after it got a 400 once
 * in CI); AWS says to wait for ACTIVE. */
static void
wait_until_active (AfEndpoint *endpoint,
                   const char *table)
{
  g_autofree char *describe = g_strdup_printf ("{\"TableName\":\"%s\"}", table);

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(Answer) described = dynamodb_call (endpoint, "DescribeTable", describe);

      g_assert_cmpuint (described->status, ==, 200);
      if (strstr (described->text, "\"TableStatus\":\"ACTIVE\"") != NULL)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("table %s never became ACTIVE", table);
}

static void
exercise_dynamodb (const char *variable)
{
  g_autoptr(AfEndpoint) endpoint = endpoint_from_env (AF_SERVICE_DYNAMODB, variable);
  g_autofree char *table = g_strdup_printf ("sigv4-%u", g_random_int ());
  g_autofree char *create = g_strdup_printf (
    "{\"TableName\":\"%s\",\"AttributeDefinitions\":[{\"AttributeName\":\"id\","
    "\"AttributeType\":\"S\"}],\"KeySchema\":[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}],"
    "\"BillingMode\":\"PAY_PER_REQUEST\"}", table);
  g_autofree char *put = g_strdup_printf (
    "{\"TableName\":\"%s\",\"Item\":{\"id\":{\"S\":\"a b/\xe1\x88\xb4~\"},"
    "\"n\":{\"N\":\"12345678901234567890123456789.123456789\"}}}", table);
  g_autofree char *get = g_strdup_printf (
    "{\"TableName\":\"%s\",\"Key\":{\"id\":{\"S\":\"a b/\xe1\x88\xb4~\"}},"
    "\"ConsistentRead\":true}", table);
  g_autoptr(Answer) created = dynamodb_call (endpoint, "CreateTable", create);
  g_autoptr(Answer) stored = NULL;
  g_autoptr(Answer) found = NULL;

  g_assert_cmpuint (created->status, ==, 200);
  wait_until_active (endpoint, table);
  stored = dynamodb_call (endpoint, "PutItem", put);
  g_assert_cmpuint (stored->status, ==, 200);
  found = dynamodb_call (endpoint, "GetItem", get);
  g_assert_cmpuint (found->status, ==, 200);
  g_assert_nonnull (strstr (found->text, "12345678901234567890123456789.123456789"));
}

static void
test_dynamodb_local (void)
{
  exercise_dynamodb ("AF_PEER_DYNAMODB_LOCAL_URL");
}

static void
test_dynalite (void)
{
  exercise_dynamodb ("AF_PEER_DYNALITE_URL");
}

static void
assert_rejected (Answer     *answer,
                 guint       status,
                 const char *code)
{
  g_assert_cmpuint (answer->status, ==, status);
  g_assert_nonnull (strstr (answer->text, code));
}

static void
test_dynamodb_wrong_signatures (void)
{
  g_autoptr(AfEndpoint) endpoint = endpoint_from_env (AF_SERVICE_DYNAMODB,
                                                      "AF_PEER_DYNALITE_URL");
  g_autoptr(AfCredentials) wrong = af_credentials_new (
    af_credentials_get_access_key_id (peer.credentials), "not-the-secret", NULL);
  g_autoptr(AfCredentials) with_token = af_credentials_new (
    af_credentials_get_access_key_id (peer.credentials),
    af_credentials_get_secret_access_key (peer.credentials), "unknown-token");
  g_autoptr(SoupMessage) bad_secret = dynamodb_message (endpoint, "ListTables", "{}", wrong);
  g_autoptr(SoupMessage) tampered = dynamodb_message (endpoint, "ListTables", "{}",
                                                      peer.credentials);
  g_autoptr(SoupMessage) token = dynamodb_message (endpoint, "ListTables", "{}", with_token);
  g_autoptr(Answer) answer = NULL;

  answer = send_message (bad_secret);
  assert_rejected (answer, 403, "SignatureDoesNotMatch");
  g_clear_pointer (&answer, answer_free);

  /* a signed header changed after signing */
  soup_message_headers_replace (soup_message_get_request_headers (tampered), "X-Amz-Target",
                                "DynamoDB_20120810.DescribeLimits");
  answer = send_message (tampered);
  assert_rejected (answer, 403, "SignatureDoesNotMatch");
  g_clear_pointer (&answer, answer_free);

  answer = send_message (token);
  assert_rejected (answer, 400, "UnrecognizedClientException");
}

static SoupMessage *
s3_message (AfEndpoint *endpoint,
            const char *method,
            const char *key,
            const char *query)
{
  g_autoptr(GUri) uri = af_endpoint_build_object_uri (endpoint, BUCKET, key, query);

  return soup_message_new_from_uri (method, uri);
}

static Answer *
s3_send (SoupMessage *message,
         GBytes      *body)
{
  g_assert_true (af_sigv4_sign_message (message, body, "s3", peer.region, peer.credentials));
  return send_message (message);
}

static void
test_s3_objects (void)
{
  g_autoptr(AfEndpoint) endpoint = endpoint_from_env (AF_SERVICE_S3, "AF_PEER_S3_URL");
  const char *key = "loans/L 1/a+b \xe1\x88\xb4~!$&'()*,;=:@.txt";
  g_autoptr(GBytes) content = g_bytes_new_static ("0123456789 signed in C", 22);
  g_autoptr(SoupMessage) put = s3_message (endpoint, "PUT", key, NULL);
  g_autoptr(SoupMessage) get = s3_message (endpoint, "GET", key, NULL);
  g_autoptr(SoupMessage) list = s3_message (endpoint, "GET", NULL,
                                            "list-type=2&prefix=loans%2FL%201%2F&max-keys=5");
  g_autoptr(SoupMessage) head = s3_message (endpoint, "HEAD", key, NULL);
  g_autoptr(SoupMessage) delete = s3_message (endpoint, "DELETE", key, NULL);
  g_autoptr(Answer) answer = NULL;

  soup_message_set_request_body_from_bytes (put, "text/plain", content);
  answer = s3_send (put, content);
  g_assert_cmpuint (answer->status, ==, 200);
  g_clear_pointer (&answer, answer_free);

  soup_message_headers_set_range (soup_message_get_request_headers (get), 0, 9);
  answer = s3_send (get, NULL);
  g_assert_cmpuint (answer->status, ==, 206);
  g_assert_cmpstr (answer->text, ==, "0123456789");
  g_clear_pointer (&answer, answer_free);

  answer = s3_send (list, NULL);
  g_assert_cmpuint (answer->status, ==, 200);
  g_assert_nonnull (strstr (answer->text, "<KeyCount>1</KeyCount>"));
  g_clear_pointer (&answer, answer_free);

  answer = s3_send (head, NULL);
  g_assert_cmpuint (answer->status, ==, 200);
  g_clear_pointer (&answer, answer_free);

  answer = s3_send (delete, NULL);
  g_assert_cmpuint (answer->status, ==, 204);
}

static void
test_s3_unsigned_payload (void)
{
  g_autoptr(AfEndpoint) endpoint = endpoint_from_env (AF_SERVICE_S3, "AF_PEER_S3_URL");
  g_autoptr(GBytes) content = g_bytes_new_static ("streamed", 8);
  g_autoptr(SoupMessage) put = s3_message (endpoint, "PUT", "unsigned/payload", NULL);
  g_autoptr(Answer) answer = NULL;

  soup_message_set_request_body_from_bytes (put, "application/octet-stream", content);
  g_assert_true (af_sigv4_sign_message_full (put, AF_SIGV4_UNSIGNED_PAYLOAD, "s3", peer.region,
                                             peer.credentials, NULL));
  answer = send_message (put);
  g_assert_cmpuint (answer->status, ==, 200);
}

static void
test_s3_wrong_signatures (void)
{
  g_autoptr(AfEndpoint) endpoint = endpoint_from_env (AF_SERVICE_S3, "AF_PEER_S3_URL");
  g_autoptr(GBytes) signed_body = g_bytes_new_static ("what was signed", 15);
  g_autoptr(GBytes) sent_body = g_bytes_new_static ("what was sent!!", 15);
  g_autoptr(AfCredentials) wrong = af_credentials_new (
    af_credentials_get_access_key_id (peer.credentials), "not-the-secret", NULL);
  g_autoptr(SoupMessage) bad_secret = s3_message (endpoint, "GET", "x", NULL);
  g_autoptr(SoupMessage) bad_body = s3_message (endpoint, "PUT", "tampered", NULL);
  g_autoptr(SoupMessage) bad_key = s3_message (endpoint, "GET", "one key", NULL);
  g_autoptr(GUri) other_key = g_uri_parse_relative (af_endpoint_get_uri (endpoint),
                                                    "/" BUCKET "/another%20key",
                                                    G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(Answer) answer = NULL;

  g_assert_true (af_sigv4_sign_message (bad_secret, NULL, "s3", peer.region, wrong));
  answer = send_message (bad_secret);
  assert_rejected (answer, 403, "<Code>SignatureDoesNotMatch</Code>");
  g_clear_pointer (&answer, answer_free);

  /* the body is not the one whose hash was signed */
  soup_message_set_request_body_from_bytes (bad_body, "text/plain", sent_body);
  answer = s3_send (bad_body, signed_body);
  assert_rejected (answer, 400, "XAmzContentSHA256Mismatch");
  g_clear_pointer (&answer, answer_free);

  /* signed for one key, sent for another */
  g_assert_true (af_sigv4_sign_message (bad_key, NULL, "s3", peer.region, peer.credentials));
  soup_message_set_uri (bad_key, other_key);
  answer = send_message (bad_key);
  assert_rejected (answer, 403, "SignatureDoesNotMatch");
}

static void
setup_peer (void)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  /* Loopback only, whatever the machine's proxy settings say. */
  peer.session = soup_session_new_with_options ("proxy-resolver", direct, "timeout", 30, NULL);
  peer.credentials = af_credentials_new (g_getenv ("AF_PEER_ACCESS_KEY_ID"),
                                         g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), NULL);
  peer.region = g_getenv ("AF_PEER_REGION");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("AF_PEER_S3_URL") == NULL || g_getenv ("AF_PEER_ACCESS_KEY_ID") == NULL)
    {
      g_print ("Bail out! the local AWS peers are not running: run this test through "
               "tests/peers/run-with-peers.sh\n");
      return 1;
    }
  setup_peer ();

  g_test_add_func ("/sigv4-peer/dynamodb-local", test_dynamodb_local);
  g_test_add_func ("/sigv4-peer/dynalite", test_dynalite);
  g_test_add_func ("/sigv4-peer/dynamodb-wrong-signatures", test_dynamodb_wrong_signatures);
  g_test_add_func ("/sigv4-peer/s3-objects", test_s3_objects);
  g_test_add_func ("/sigv4-peer/s3-unsigned-payload", test_s3_unsigned_payload);
  g_test_add_func ("/sigv4-peer/s3-wrong-signatures", test_s3_wrong_signatures);

  status = g_test_run ();
  g_clear_object (&peer.session);
  g_clear_object (&peer.credentials);
  return status;
}
