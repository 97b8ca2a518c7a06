/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * credential_process against the local DynamoDB behind the signature-verifying front:
 * the keys a script prints sign requests the front accepts (and a script printing a
 * wrong secret gets SignatureDoesNotMatch); credentials that expire after four seconds
 * are fetched again while requests keep going for ten; a failing script's stderr is the
 * error. Fails (not skips) without the peers: run it through run-with-peers.sh.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "aws-fixture.h"

static char *dir;

/* $1 counts the runs; $2: seconds until Expiration; $3: "good", "wrong" or "fail". */
static const char script[] =
  "#!/bin/sh\n"
  "n=$(cat \"$1\" 2>/dev/null || echo 0); echo $((n + 1)) > \"$1\"\n"
  "if [ \"$3\" = fail ]; then echo 'saml2aws: the IdP session has ended; log in again' >&2;"
  " exit 2; fi\n"
  "secret=$AF_PEER_SECRET_ACCESS_KEY; [ \"$3\" = wrong ] && secret=not-the-secret\n"
  "exp=$(date -u -d \"+$2 seconds\" +%Y-%m-%dT%H:%M:%SZ)\n"
  "printf '{\"Version\": 1, \"AccessKeyId\": \"%s\", \"SecretAccessKey\": \"%s\","
  " \"Expiration\": \"%s\"}\\n' \"$AF_PEER_ACCESS_KEY_ID\" \"$secret\" \"$exp\"\n";

static char *
command (const char *seconds,
         const char *mode)
{
  g_autofree char *path = g_build_filename (dir, "creds.sh", NULL);
  g_autofree char *counter = g_build_filename (dir, "runs", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  g_unlink (counter);
  return g_strdup_printf ("%s %s %s %s", path, counter, seconds, mode);
}

static guint
runs (void)
{
  g_autofree char *counter = g_build_filename (dir, "runs", NULL);
  g_autofree char *text = NULL;

  g_file_get_contents (counter, &text, NULL, NULL);
  return text ? (guint) g_ascii_strtoull (text, NULL, 10) : 0;
}

static AfDynamodbClient *
client_with (SoupSession   *session,
             AfCredentials *credentials)
{
  const char *url = aws_fixture_peer_url ("AF_PEER_DYNALITE_URL");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfEndpoint) endpoint = NULL;
  AfRetryPolicy policy = { .base_ms = 1, .cap_ms = 5, .budget_ms = 100 };
  AfDynamodbClient *client;

  g_assert_nonnull (url);   /* the peers must be running: fail, do not skip */
  endpoint = af_endpoint_new_for_url (AF_SERVICE_DYNAMODB,
                                      g_getenv ("AF_PEER_REGION") ?: "us-east-1", url, &error);
  g_assert_no_error (error);
  client = af_dynamodb_client_new (session, endpoint, credentials);
  af_dynamodb_client_set_retry_policy (client, &policy);
  return client;
}

static GBytes *
list_tables (AfDynamodbClient  *client,
             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  af_dynamodb_client_call_async (client, "ListTables", "{}", NULL, af_test_store_result,
                                 &result);
  return af_dynamodb_client_call_finish (client, af_test_wait (&result), error);
}

static void
test_signs (void)
{
  g_autofree char *good = command ("3600", "good");
  g_autofree char *wrong = command ("3600", "wrong");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(AfCredentials) forged = NULL;
  g_autoptr(AfDynamodbClient) client = NULL;
  g_autoptr(AfDynamodbClient) refused = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  credentials = af_credentials_new_from_process (good, "peer", &error);
  g_assert_no_error (error);
  client = client_with (session, credentials);
  body = list_tables (client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);

  forged = af_credentials_new_from_process (wrong, "peer", &error);
  g_assert_no_error (error);
  refused = client_with (session, forged);
  g_clear_pointer (&body, g_bytes_unref);
  body = list_tables (refused, &error);
  g_assert_null (body);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_AUTH);
}

/* Credentials living four seconds, requests for ten: each expiry runs the script again
 * and no request is refused. */
static void
test_refreshed_during_a_long_run (void)
{
  g_autofree char *line = command ("4", "good");
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(AfDynamodbClient) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  guint requests = 0;

  credentials = af_credentials_new_from_process (line, "peer", &error);
  g_assert_no_error (error);
  client = client_with (session, credentials);
  while (g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    {
      g_autoptr(GBytes) body = list_tables (client, &error);

      g_assert_no_error (error);
      requests++;
      g_usleep (G_USEC_PER_SEC / 2);
    }
  g_assert_cmpuint (requests, >=, 15);
  g_assert_cmpuint (runs (), >=, 4);
  g_assert_cmpint (af_credentials_get_expiration (credentials), >,
                   g_get_real_time () / G_USEC_PER_SEC);
}

static void
test_failure (void)
{
  g_autofree char *line = command ("3600", "fail");
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (aws_fixture_peer_url ("AF_PEER_DYNALITE_URL"));
  credentials = af_credentials_new_from_process (line, "peer", &error);
  g_assert_null (credentials);
  g_assert_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_PROCESS);
  g_assert_nonnull (strstr (error->message, "the IdP session has ended"));
  g_assert_nonnull (strstr (error->message, "peer"));
  g_assert_cmpuint (runs (), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("test-credential-process-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/aws/credential-process/signs", test_signs);
  g_test_add_func ("/aws/credential-process/refreshed", test_refreshed_during_a_long_run);
  g_test_add_func ("/aws/credential-process/failure", test_failure);
  status = g_test_run ();
  {
    g_autofree char *script_path = g_build_filename (dir, "creds.sh", NULL);
    g_autofree char *counter = g_build_filename (dir, "runs", NULL);

    g_unlink (script_path);
    g_unlink (counter);
    g_rmdir (dir);
    g_free (dir);
  }
  return status;
}
