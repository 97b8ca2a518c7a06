/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The AWS error domain (mapping, what is retried), the full-jitter backoff, the
 * cancellable sleep, and the CRC32 that x-amz-crc32 carries. No network.
 */
#include <string.h>

#include "af-aws-error.h"
#include "af-dynamodb.h"
#include "af-s3.h"

static void
test_dynamodb_mapping (void)
{
  static const struct
  {
    guint       status;
    const char *body;
    AfAwsError  code;
    gboolean    retryable;
  } cases[] = {
    { 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
           "\"message\":\"The conditional request failed\"}", AF_AWS_ERROR_CONFLICT, FALSE },
    { 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\"}",
      AF_AWS_ERROR_THROTTLED, TRUE },
    { 400, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\"}",
      AF_AWS_ERROR_THROTTLED, TRUE },
    { 400, "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"Message\":\"bad\"}",
      AF_AWS_ERROR_VALIDATION, FALSE },
    { 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\"}",
      AF_AWS_ERROR_NOT_FOUND, FALSE },
    { 400, "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\"}",
      AF_AWS_ERROR_AUTH, FALSE },
    { 403, "{\"__type\":\"com.amazon.coral.service#MissingAuthenticationTokenException\"}",
      AF_AWS_ERROR_AUTH, FALSE },
    { 400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#TransactionInProgressException\"}",
      AF_AWS_ERROR_THROTTLED, TRUE },
    { 500, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}",
      AF_AWS_ERROR_SERVER, TRUE },
    { 503, "not json at all", AF_AWS_ERROR_SERVER, TRUE },
    { 502, "", AF_AWS_ERROR_SERVER, TRUE },
    { 429, "[]", AF_AWS_ERROR_THROTTLED, TRUE },
    { 400, "{\"__type\": 7}", AF_AWS_ERROR_VALIDATION, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = af_aws_error_new_from_dynamodb (cases[i].status, cases[i].body,
                                                                strlen (cases[i].body));

      g_assert_error (error, AF_AWS_ERROR, (gint) cases[i].code);
      g_assert_cmpint (af_aws_error_is_retryable (error), ==, cases[i].retryable);
    }
}

static void
test_message_names_the_error (void)
{
  const char *body = "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ValidationException\","
                     "\"message\":\"One or more parameter values were invalid\"}";
  g_autoptr(GError) error = af_aws_error_new_from_dynamodb (400, body, strlen (body));

  g_assert_cmpstr (error->message, ==, "ValidationException (HTTP 400): One or more parameter "
                                       "values were invalid");
  g_assert_cmpstr (af_aws_error_strip_type_prefix ("a.b#C"), ==, "C");
  g_assert_cmpstr (af_aws_error_strip_type_prefix ("C"), ==, "C");
}

static void
test_s3_mapping (void)
{
  const char *no_key = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
                       "<Message>The specified key does not exist.</Message></Error>";
  const char *slow = "<Error><Code>SlowDown</Code></Error>";
  const char *sig = "<Error><Code>SignatureDoesNotMatch</Code></Error>";
  g_autoptr(GError) a = af_aws_error_new_from_s3 (404, no_key, strlen (no_key));
  g_autoptr(GError) b = af_aws_error_new_from_s3 (503, slow, strlen (slow));
  g_autoptr(GError) c = af_aws_error_new_from_s3 (403, sig, strlen (sig));
  g_autoptr(GError) d = af_aws_error_new_from_s3 (404, NULL, 0);   /* HEAD: no body */
  g_autoptr(GError) e = af_aws_error_new_from_s3 (412, NULL, 0);

  g_assert_error (a, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (a->message, "The specified key does not exist."));
  g_assert_error (b, AF_AWS_ERROR, AF_AWS_ERROR_THROTTLED);
  g_assert_true (af_aws_error_is_retryable (b));
  g_assert_error (c, AF_AWS_ERROR, AF_AWS_ERROR_AUTH);
  g_assert_false (af_aws_error_is_retryable (c));
  g_assert_error (d, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND);
  g_assert_error (e, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT);
}

static void
test_transport (void)
{
  GError *refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "refused");
  GError *cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  GError *tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "bad cert");

  refused = af_aws_error_from_transport (refused);
  cancelled = af_aws_error_from_transport (cancelled);
  tls = af_aws_error_from_transport (tls);
  g_assert_error (refused, AF_AWS_ERROR, AF_AWS_ERROR_NETWORK);
  g_assert_true (af_aws_error_is_retryable (refused));
  g_assert_error (cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (af_aws_error_is_retryable (cancelled));
  g_assert_error (tls, AF_AWS_ERROR, AF_AWS_ERROR_INSECURE);
  g_assert_false (af_aws_error_is_retryable (tls));
  g_error_free (refused);
  g_error_free (cancelled);
  g_error_free (tls);
}

/* Each sleep lies in [0, min (cap, base * 2^attempt)], and the total stops at the budget. */
static void
test_backoff (void)
{
  AfRetryPolicy policy = { .base_ms = 10, .cap_ms = 300, .budget_ms = 2000 };
  AfBackoff backoff;
  guint delay;
  guint64 total = 0;
  guint attempts = 0;

  af_backoff_init (&backoff, &policy);
  while (af_backoff_next (&backoff, &delay))
    {
      guint64 ceiling = MIN ((guint64) policy.cap_ms, (guint64) policy.base_ms << MIN (attempts, 40));

      g_assert_cmpuint (delay, <=, ceiling);
      total += delay;
      attempts++;
      g_assert_cmpuint (attempts, <, 10000);
    }
  g_assert_cmpuint (total, ==, policy.budget_ms);

  policy.max_attempts = 3;
  af_backoff_init (&backoff, &policy);
  for (guint i = 0; i < 3; i++)
    g_assert_true (af_backoff_next (&backoff, &delay));
  g_assert_false (af_backoff_next (&backoff, &delay));
}

/* The jitter spreads: not every sleep is the ceiling. */
static void
test_backoff_jitter (void)
{
  AfRetryPolicy policy = { .base_ms = 1000, .cap_ms = 1000, .budget_ms = G_MAXUINT };
  AfBackoff backoff;
  guint delay;
  guint below_half = 0;

  af_backoff_init (&backoff, &policy);
  for (guint i = 0; i < 200; i++)
    {
      g_assert_true (af_backoff_next (&backoff, &delay));
      below_half += delay < 500;
    }
  g_assert_cmpuint (below_half, >, 40);
  g_assert_cmpuint (below_half, <, 160);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_sleep_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  af_aws_sleep_async (60000, cancellable, store_result, &result);
  g_timeout_add (20, cancel_cb, cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (af_aws_sleep_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_sleep (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  af_aws_sleep_async (5, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (af_aws_sleep_finish (result, &error));
  g_assert_no_error (error);
}

static void
test_crc32 (void)
{
  guint8 data[1031];

  g_assert_cmpuint (af_crc32 ((const guint8 *) "123456789", 9), ==, 0xCBF43926u);
  g_assert_cmpuint (af_crc32 ((const guint8 *) "", 0), ==, 0);
  /* every length around the 8-byte steps agrees with the one-byte definition */
  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) (i * 131 + 7);
  for (guint n = 0; n < 40; n++)
    {
      guint32 crc = 0xFFFFFFFFu;

      for (guint i = 0; i < n; i++)
        {
          crc ^= data[i];
          for (int k = 0; k < 8; k++)
            crc = (crc & 1) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
      g_assert_cmpuint (af_crc32 (data, n), ==, crc ^ 0xFFFFFFFFu);
    }
}

static void
test_s3_url (void)
{
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  g_assert_true (af_s3_parse_url ("s3://artguard-images-raw-dev/audit/a b/../c.jpg",
                                  &bucket, &key));
  g_assert_cmpstr (bucket, ==, "artguard-images-raw-dev");
  g_assert_cmpstr (key, ==, "audit/a b/../c.jpg");
  g_assert_false (af_s3_parse_url ("https://bucket/key", &bucket, &key));
  g_assert_false (af_s3_parse_url ("s3://bucket", &bucket, &key));
  g_assert_false (af_s3_parse_url ("s3:///key", &bucket, &key));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws-error/dynamodb", test_dynamodb_mapping);
  g_test_add_func ("/aws-error/message", test_message_names_the_error);
  g_test_add_func ("/aws-error/s3", test_s3_mapping);
  g_test_add_func ("/aws-error/transport", test_transport);
  g_test_add_func ("/aws-error/backoff", test_backoff);
  g_test_add_func ("/aws-error/backoff-jitter", test_backoff_jitter);
  g_test_add_func ("/aws-error/sleep", test_sleep);
  g_test_add_func ("/aws-error/sleep-cancelled", test_sleep_cancelled);
  g_test_add_func ("/aws-error/crc32", test_crc32);
  g_test_add_func ("/aws-error/s3-url", test_s3_url);
  return g_test_run ();
}
