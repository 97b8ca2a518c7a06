/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * AfDynamodbClient against a scripted in-process server (SoupServer on loopback): the
 * answers no local DynamoDB gives on demand — UnprocessedKeys, UnprocessedItems, a
 * damaged body (x-amz-crc32), a 500 then success, a conditional failure carrying the
 * item — and what the client must do with each.
 */
#include <string.h>

#include "af-dynamodb.h"
#include "af-test-util.h"

typedef struct
{
  SoupServer       *server;
  SoupSession      *session;
  AfDynamodbClient *client;
  GPtrArray        *targets;   /* X-Amz-Target of each request, in order */
  GPtrArray        *bodies;    /* request bodies */
  GQueue            answers;   /* Answer, one per request; empty: 500 */
} Fixture;

typedef struct
{
  guint     status;
  char     *body;
  gboolean  bad_crc;
} Answer;

static void
answer_free (Answer *answer)
{
  g_free (answer->body);
  g_free (answer);
}

static void
script (Fixture    *fixture,
        guint       status,
        gboolean    bad_crc,
        const char *body)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->status = status;
  answer->bad_crc = bad_crc;
  answer->body = g_strdup (body);
  g_queue_push_tail (&fixture->answers, answer);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  Answer *answer = g_queue_pop_head (&fixture->answers);
  g_autofree char *crc = NULL;

  g_ptr_array_add (fixture->targets, g_strdup (soup_message_headers_get_one (headers,
                                                                             "X-Amz-Target")));
  g_ptr_array_add (fixture->bodies, g_strndup (request->data, request->length));
  g_assert_nonnull (soup_message_headers_get_one (headers, "Authorization"));
  if (answer == NULL)
    {
      soup_server_message_set_status (message, 500, NULL);
      return;
    }
  crc = g_strdup_printf ("%u", af_crc32 ((const guint8 *) answer->body, strlen (answer->body)) +
                               (answer->bad_crc ? 1 : 0));
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "x-amz-crc32", crc);
  soup_server_message_set_status (message, answer->status, NULL);
  soup_server_message_set_response (message, "application/x-amz-json-1.0", SOUP_MEMORY_COPY,
                                    answer->body, strlen (answer->body));
  answer_free (answer);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *url = NULL;
  AfRetryPolicy policy = { .base_ms = 1, .cap_ms = 5, .budget_ms = 1000 };

  fixture->server = soup_server_new (NULL, NULL);
  url = af_test_server_listen (fixture->server, handler, fixture);
  fixture->session = soup_session_new ();
  fixture->client = af_test_dynamodb_client (fixture->session, url, &policy);
  fixture->targets = g_ptr_array_new_with_free_func (g_free);
  fixture->bodies = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&fixture->answers);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_ptr_array_unref (fixture->targets);
  g_ptr_array_unref (fixture->bodies);
  g_queue_clear_full (&fixture->answers, (GDestroyNotify) answer_free);
}

static AfValue *
key (const char *id)
{
  AfValue *value = af_value_new_map ();

  af_value_map_set (value, "id", af_value_new_s (id));
  return value;
}

static void
test_batch_get_unprocessed (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *id = g_strdup_printf ("k%03u", i);

      g_ptr_array_add (keys, key (id));
    }
  /* 100 asked: 2 found, k002 unprocessed (the other 97 do not exist) */
  script (fixture, 200, FALSE, "{\"Responses\":{\"T\":[{\"id\":{\"S\":\"k000\"}},"
                               "{\"id\":{\"S\":\"k001\"}}]},\"UnprocessedKeys\":{\"T\":{\"Keys\":"
                               "[{\"id\":{\"S\":\"k002\"}}]}}}");
  script (fixture, 200, FALSE, "{\"Responses\":{\"T\":[{\"id\":{\"S\":\"k002\"}}]},"
                               "\"UnprocessedKeys\":{}}");
  af_dynamodb_client_batch_get_async (fixture->client, "T", keys, NULL, NULL, af_test_store_result,
                                      &result);
  items = af_dynamodb_client_batch_get_finish (fixture->client, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 3);
  /* 150 keys: 100, then the leftover k002 first with the other 50 */
  g_assert_cmpuint (fixture->targets->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->targets, 0), ==, "DynamoDB_20120810.BatchGetItem");
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 1),
                            "\"Keys\":[{\"id\":{\"S\":\"k002\"}}"));
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 1), "k149"));
}

static void
test_batch_write_unprocessed (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) puts = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("w%02u", i);

      g_ptr_array_add (puts, key (id));
    }
  script (fixture, 200, FALSE, "{\"UnprocessedItems\":{\"T\":[{\"PutRequest\":{\"Item\":"
                               "{\"id\":{\"S\":\"w07\"}}}}]}}");
  script (fixture, 200, FALSE, "{\"UnprocessedItems\":{}}");
  af_dynamodb_client_batch_write_async (fixture->client, "T", puts, NULL, NULL,
                                        af_test_store_result, &result);
  af_dynamodb_client_batch_write_finish (fixture->client, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->targets->len, ==, 2);
  for (guint i = 0; i < fixture->bodies->len; i++)
    for (const char *p = g_ptr_array_index (fixture->bodies, i);
         (p = strstr (p, "PutRequest")) != NULL; p++)
      count++;
  /* 25 + (1 leftover + 5) */
  g_assert_cmpuint (count, ==, 31);
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 1), "w07"));
}

static void
test_crc_mismatch_retried (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfDynamodbPage) page = NULL;
  AfDynamodbParams params = { .key_condition_expression = "id = :v" };

  script (fixture, 200, TRUE, "{\"Items\":[{\"id\":{\"S\":\"damaged\"}}]}");
  script (fixture, 500, FALSE, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\"}");
  script (fixture, 200, FALSE, "{\"Items\":[{\"id\":{\"S\":\"a\"}}],\"LastEvaluatedKey\":"
                               "{\"id\":{\"S\":\"a\"}}}");
  script (fixture, 200, FALSE, "{\"Items\":[],\"LastEvaluatedKey\":{\"id\":{\"S\":\"a2\"}}}");
  script (fixture, 200, FALSE, "{\"Items\":[{\"id\":{\"S\":\"b\"}},{\"id\":{\"N\":\"1e3\"}}]}");
  af_dynamodb_client_query_all_async (fixture->client, "T", &params, NULL, af_test_store_result,
                                      &result);
  page = af_dynamodb_client_page_finish (fixture->client, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->items->len, ==, 3);
  g_assert_null (page->last_key);
  g_assert_cmpuint (af_dynamodb_client_get_retry_count (fixture->client), ==, 2);
  g_assert_cmpuint (af_dynamodb_client_get_request_count (fixture->client), ==, 5);
  /* the page after an empty one still follows its LastEvaluatedKey */
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 4), "\"ExclusiveStartKey\":"
                                                                     "{\"id\":{\"S\":\"a2\"}}"));
}

static void
test_validation_not_retried (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfDynamodbPage) page = NULL;

  script (fixture, 400, FALSE, "{\"__type\":\"com.amazon.coral.validate#ValidationException\","
                               "\"message\":\"Invalid KeyConditionExpression\"}");
  af_dynamodb_client_query_page_async (fixture->client, "T", NULL, NULL,
                                       af_test_store_result, &result);
  page = af_dynamodb_client_page_finish (fixture->client, af_test_wait (&result), &error);
  g_assert_null (page);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "Invalid KeyConditionExpression"));
  g_assert_cmpuint (fixture->targets->len, ==, 1);
}

static void
test_conflict_brings_item (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) id = key ("x");
  g_autoptr(AfValue) current = NULL;
  AfDynamodbParams params = { .update_expression = "SET a = :a",
                              .condition_expression = "version = :v",
                              .return_old_on_condition_failure = TRUE };

  script (fixture, 400, FALSE, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
                               "ConditionalCheckFailedException\",\"message\":\"The conditional "
                               "request failed\",\"Item\":{\"id\":{\"S\":\"x\"},\"version\":"
                               "{\"N\":\"7\"}}}");
  af_dynamodb_client_update_item_async (fixture->client, "T", id, &params, NULL,
                                        af_test_store_result, &result);
  g_assert_false (af_dynamodb_client_write_finish (fixture->client, af_test_wait (&result),
                                                   &current, &error));
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT);
  g_assert_nonnull (current);
  g_assert_cmpstr (af_item_get_n (current, "version"), ==, "7");
  g_assert_cmpuint (fixture->targets->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (fixture->bodies, 0),
                            "\"ReturnValuesOnConditionCheckFailure\":\"ALL_OLD\""));
}

static void
test_gives_up (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  AfRetryPolicy policy = { .base_ms = 1, .cap_ms = 2, .budget_ms = 1000, .max_attempts = 3 };

  /* nothing scripted: every answer is a 500 */
  af_dynamodb_client_set_retry_policy (fixture->client, &policy);
  af_dynamodb_client_call_async (fixture->client, "DescribeTable", "{\"TableName\":\"T\"}", NULL,
                                 af_test_store_result, &result);
  body = af_dynamodb_client_call_finish (fixture->client, af_test_wait (&result), &error);
  g_assert_null (body);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "after 4 attempts"));
  g_assert_cmpuint (fixture->targets->len, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/dynamodb-client/batch-get-unprocessed", Fixture, NULL, fixture_setup,
              test_batch_get_unprocessed, fixture_teardown);
  g_test_add ("/dynamodb-client/batch-write-unprocessed", Fixture, NULL, fixture_setup,
              test_batch_write_unprocessed, fixture_teardown);
  g_test_add ("/dynamodb-client/crc-and-500-retried", Fixture, NULL, fixture_setup,
              test_crc_mismatch_retried, fixture_teardown);
  g_test_add ("/dynamodb-client/validation-not-retried", Fixture, NULL, fixture_setup,
              test_validation_not_retried, fixture_teardown);
  g_test_add ("/dynamodb-client/conflict-brings-item", Fixture, NULL, fixture_setup,
              test_conflict_brings_item, fixture_teardown);
  g_test_add ("/dynamodb-client/gives-up", Fixture, NULL, fixture_setup, test_gives_up,
              fixture_teardown);
  return g_test_run ();
}
