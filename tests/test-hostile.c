/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sync engine against hostile servers (issue 11): a scripted DynamoDB and S3 on
 * loopback (SoupServer) that answers what a compromised or broken endpoint could —
 * redirects to another host, 100,000-deep JSON, lone surrogates, a cursor that never
 * ends, ttl 1e300, a checksum shaped like a path — and what the client must do with each.
 * Every test here failed on the code before the fix it guards. The scripted server also
 * plays what DynamoDB Local cannot be made to do on demand: a stream shard that splits
 * (issue 17).
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "af-codec.h"
#include "af-dynamodb.h"
#include "af-pull.h"
#include "af-retention.h"
#include "af-s3.h"
#include "af-s3-list.h"
#include "af-store.h"
#include "af-test-util.h"

#define DOCUMENTS "AuditFlow-Documents"
#define DOC_ID "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"

typedef struct _Fixture Fixture;

/* Answers one DynamoDB call: sets *status and returns the body (owned). NULL: the
 * default answer (an empty page, no item). */
typedef char *(*DynamodbScript) (Fixture    *fixture,
                                 const char *operation,
                                 JsonObject *request,
                                 guint      *status);

struct _Fixture
{
  char             *dir;          /* the test's own folder */
  SoupServer       *server;       /* the scripted endpoint */
  SoupServer       *elsewhere;    /* a second host a redirect points to */
  char             *url;
  char             *elsewhere_url;
  guint             elsewhere_hits;
  GHashTable       *calls;        /* operation -> GUINT count */
  DynamodbScript    script;
  gpointer          script_data;
  guint             redirect;     /* non-zero: every answer is this redirect … */
  const char       *bucket_region; /* (nullable) … with x-amz-bucket-region */
  GHashTable       *objects;      /* "/bucket/key" -> GBytes */
  const char       *list_body;    /* (nullable) the answer to ListObjectsV2 */
  guint             object_gets;
  SoupSession      *session;
  AfDynamodbClient *dynamodb;
  AfS3Client       *s3;
  AfStore          *store;
  char             *objects_dir;
};

/* ---- The scripted servers ----------------------------------------------------------- */

static void
count_call (Fixture    *fixture,
            const char *operation)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (fixture->calls, operation));

  g_hash_table_insert (fixture->calls, g_strdup (operation), GUINT_TO_POINTER (n + 1));
}

static guint
calls (Fixture    *fixture,
       const char *operation)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->calls, operation));
}

static char *
default_answer (const char *operation)
{
  if (g_str_equal (operation, "Query") || g_str_equal (operation, "Scan"))
    return g_strdup ("{\"Items\":[],\"Count\":0}");
  if (g_str_equal (operation, "BatchGetItem"))
    return g_strdup ("{\"Responses\":{},\"UnprocessedKeys\":{}}");
  /* The pull asks first whether a table has a stream: these have none. */
  if (g_str_equal (operation, "DescribeTable"))
    return g_strdup ("{\"Table\":{\"TableStatus\":\"ACTIVE\"}}");
  return g_strdup ("{}");
}

static void
answer_dynamodb (Fixture           *fixture,
                 SoupServerMessage *message,
                 const char        *target)
{
  SoupMessageBody *request = soup_server_message_get_request_body (message);
  const char *operation = strchr (target, '.') ? strchr (target, '.') + 1 : target;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *body = NULL;
  guint status = 200;

  count_call (fixture, operation);
  g_assert_true (json_parser_load_from_data (parser, request->data, request->length, NULL));
  if (fixture->script != NULL)
    body = fixture->script (fixture, operation,
                            json_node_get_object (json_parser_get_root (parser)), &status);
  if (body == NULL)
    body = default_answer (operation);
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/x-amz-json-1.0", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
answer_s3 (Fixture           *fixture,
           SoupServerMessage *message,
           const char        *path)
{
  GBytes *bytes = g_hash_table_lookup (fixture->objects, path);
  static const char not_found[] = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code>"
                                  "<Message>The specified key does not exist.</Message></Error>";

  fixture->object_gets++;
  if (bytes == NULL)
    {
      soup_server_message_set_status (message, 404, NULL);
      soup_server_message_set_response (message, "application/xml", SOUP_MEMORY_STATIC,
                                        not_found, strlen (not_found));
      return;
    }
  soup_server_message_set_status (message, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message), "ETag",
                                "\"0123\"");
  soup_server_message_set_response (message, "application/octet-stream", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* To the same path on the other listener, as a hijacked endpoint would. */
static void
answer_redirect (Fixture           *fixture,
                 SoupServerMessage *message,
                 const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  g_autofree char *location = g_strconcat (fixture->elsewhere_url, path, NULL);

  count_call (fixture, "redirected");
  soup_message_headers_replace (headers, "Location", location);
  if (fixture->bucket_region != NULL)
    soup_message_headers_replace (headers, "x-amz-bucket-region", fixture->bucket_region);
  soup_server_message_set_status (message, fixture->redirect, NULL);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *message,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (message);
  const char *target = soup_message_headers_get_one (headers, "X-Amz-Target");

  g_assert_nonnull (soup_message_headers_get_one (headers, "Authorization"));
  if (fixture->redirect != 0)
    answer_redirect (fixture, message, path);
  else if (target != NULL)
    answer_dynamodb (fixture, message, target);
  else if (query != NULL && g_hash_table_contains (query, "list-type") &&
           fixture->list_body != NULL)
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/xml", SOUP_MEMORY_COPY,
                                        fixture->list_body, strlen (fixture->list_body));
    }
  else
    answer_s3 (fixture, message, path);
}

/* The host a redirect sends the client to: it must never hear from it. */
static void
elsewhere_handler (SoupServer        *server,
                   SoupServerMessage *message,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  Fixture *fixture = user_data;

  fixture->elsewhere_hits++;
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/x-amz-json-1.0", SOUP_MEMORY_STATIC,
                                    "{}", 2);
}

/* ---- Fixture ------------------------------------------------------------------------ */

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  AfRetryPolicy policy = { .base_ms = 1, .cap_ms = 5, .budget_ms = 200 };

  fixture->dir = g_dir_make_tmp ("test-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->server = soup_server_new (NULL, NULL);
  fixture->elsewhere = soup_server_new (NULL, NULL);
  fixture->url = af_test_server_listen (fixture->server, handler, fixture);
  fixture->elsewhere_url = af_test_server_listen (fixture->elsewhere, elsewhere_handler,
                                                  fixture);
  fixture->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_bytes_unref);

  fixture->session = soup_session_new ();
  fixture->dynamodb = af_test_dynamodb_client (fixture->session, fixture->url, &policy);
  fixture->s3 = af_test_s3_client (fixture->session, fixture->url, &policy);

  db = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  fixture->objects_dir = g_build_filename (fixture->dir, "cache", "objects", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->dynamodb);
  g_clear_object (&fixture->s3);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->store);
  soup_server_disconnect (fixture->server);
  soup_server_disconnect (fixture->elsewhere);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->elsewhere);
  g_hash_table_unref (fixture->calls);
  g_hash_table_unref (fixture->objects);
  af_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
  g_free (fixture->elsewhere_url);
  g_free (fixture->objects_dir);
}

static AfPull *
new_pull (Fixture *fixture)
{
  AfPull *pull = af_pull_new (fixture->store, fixture->dynamodb, fixture->s3);

  af_pull_set_table_name (pull, AF_TABLE_DOCUMENTS, DOCUMENTS);
  af_pull_set_objects_dir (pull, fixture->objects_dir);
  return pull;
}

static gboolean
problems_mention (AfPullResult *result,
                  const char   *a,
                  const char   *b)
{
  for (guint i = 0; i < result->problems->len; i++)
    {
      const char *line = g_ptr_array_index (result->problems, i);

      if (strstr (line, a) != NULL && (b == NULL || strstr (line, b) != NULL))
        return TRUE;
    }
  return FALSE;
}

/* A document item as the Query of its partition returns it; @extra is more attributes
 * in DynamoDB JSON (",\"ttl\":{…}"). */
static char *
document_json (const char *extra)
{
  return g_strdup_printf ("{\"document_id\":{\"S\":\"" DOC_ID "\"},"
                          "\"loan_application_id\":{\"S\":\"LOAN-1\"},"
                          "\"upload_timestamp\":{\"S\":\"2024-11-04T13:08:59.945Z\"},"
                          "\"processing_status\":{\"S\":\"COMPLETED\"},"
                          "\"s3_bucket\":{\"S\":\"raw\"},"
                          "\"s3_key\":{\"S\":\"loans/LOAN-1/Carter_W2.pdf\"}%s}",
                          extra ? extra : "");
}

/* The COMPLETED documents' partition answers the fixture's page; others are empty. */
static char *
script_documents (Fixture    *fixture,
                  const char *operation,
                  JsonObject *request,
                  guint      *status)
{
  JsonObject *values;

  if (!g_str_equal (json_object_get_string_member (request, "TableName"), DOCUMENTS))
    return NULL;
  /* A first pull reads the table by a parallel Scan: the item is in its first segment. */
  if (g_str_equal (operation, "Scan") &&
      json_object_get_int_member_with_default (request, "Segment", 0) != 0)
    return NULL;
  if (!g_str_equal (operation, "Scan") && !g_str_equal (operation, "Query"))
    return NULL;
  values = json_object_get_object_member (request, "ExpressionAttributeValues");
  if (g_str_equal (operation, "Query") &&
      !g_str_equal (json_object_get_string_member (json_object_get_object_member (values, ":p"),
                                                   "S"), "COMPLETED"))
    return NULL;
  return g_strdup_printf ("{\"Items\":[%s],\"Count\":1}", (const char *) fixture->script_data);
}

/* ---- Finding 1: a checksum never becomes a path --------------------------------------- */

/* "../" then "./" up to 64 characters, ending in the victim's name: the old retention
 * took the 64 characters after "integrity " as a hash and unlinked objects/<2>/<64>. */
static char *
traversal_checksum (void)
{
  GString *text = g_string_new ("../");

  while (text->len + strlen ("victim") < 64)
    g_string_append (text, text->len + strlen ("victim") == 63 ? "/" : "./");
  g_string_append (text, "victim");
  g_assert_cmpuint (text->len, ==, 64);
  return g_string_free (text, FALSE);
}

static char *
write_victim (Fixture *fixture)
{
  char *victim = g_build_filename (fixture->dir, "victim", NULL);
  g_autoptr(GError) error = NULL;

  /* OBJECTS/<first two>/<64> is cache/objects/../../././…/victim: the test's folder. */
  g_assert_cmpint (g_mkdir_with_parents (fixture->objects_dir, 0700), ==, 0);
  g_file_set_contents (victim, "precious", -1, &error);
  g_assert_no_error (error);
  return victim;
}

/* A sync state left by a version that recorded the checksum as it came: retention must
 * not take it for a hash. */
static void
test_retention_ignores_traversal (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *victim = write_victim (fixture);
  g_autofree char *checksum = traversal_checksum ();
  g_autofree char *json = document_json (",\"ttl\":{\"N\":\"1000\"}");
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *state = NULL;
  g_autoptr(GError) error = NULL;
  guint removed = 0;

  item = af_codec_parse_item (json, -1, &error);
  g_assert_no_error (error);
  g_ptr_array_add (items, g_steal_pointer (&item));
  g_assert_true (af_store_put_remote_items (fixture->store, AF_TABLE_DOCUMENTS, items, &error));
  g_assert_no_error (error);
  state = g_strdup_printf ("integrity %s %s", checksum,
                           "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b");
  g_assert_true (af_store_set_state (fixture->store, "object/" DOC_ID "/document", state, &error));

  g_assert_true (af_retention_run (fixture->store, fixture->objects_dir, 2000, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_true (g_file_test (victim, G_FILE_TEST_EXISTS));
}

/* The pull refuses the checksum for its item: nothing downloaded, nothing recorded. */
static void
test_pull_refuses_traversal_checksum (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *victim = write_victim (fixture);
  g_autofree char *checksum = traversal_checksum ();
  g_autofree char *extra = g_strdup_printf (",\"checksum\":{\"S\":\"%s\"},\"ttl\":{\"N\":\"1000\"}",
                                            checksum);
  g_autofree char *json = document_json (extra);
  g_autoptr(AfPull) pull = new_pull (fixture);
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  guint removed = 0;

  fixture->script = script_documents;
  fixture->script_data = json;
  g_hash_table_insert (fixture->objects, g_strdup ("/raw/loans/LOAN-1/Carter_W2.pdf"),
                       g_bytes_new_static ("%PDF-1.4\n", 9));
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->pulled[AF_TABLE_DOCUMENTS], ==, 1);
  g_assert_cmpuint (calls (fixture, "Scan"), >, 1);
  g_assert_true (af_pull_mark_offline (fixture->store, DOC_ID, &error));
  g_clear_pointer (&result, af_pull_result_free);

  af_pull_set_objects_only (pull, DOC_ID);
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (problems_mention (result, DOC_ID, "checksum"));
  g_assert_cmpuint (fixture->object_gets, ==, 0);
  g_assert_cmpint (af_pull_get_object_state (fixture->store, fixture->objects_dir, DOC_ID,
                                             "document", NULL, &detail), ==, AF_OBJECT_MISSING);

  g_assert_true (af_retention_run (fixture->store, fixture->objects_dir, 2000, &removed, &error));
  g_assert_cmpuint (removed, ==, 1);
  g_assert_true (g_file_test (victim, G_FILE_TEST_EXISTS));
}

/* ---- Finding 2: redirects are never followed -------------------------------------- */

static AfValue *
document_key (void)
{
  AfValue *key = af_value_new_map ();

  af_value_map_set (key, "document_id", af_value_new_s (DOC_ID));
  return key;
}

static void
test_redirect_dynamodb (Fixture       *fixture,
                        gconstpointer  data)
{
  static const guint statuses[] = { 301, 302, 303, 307, 308 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(AfValue) key = document_key ();
      g_autoptr(AfValue) item = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      fixture->redirect = statuses[i];
      af_dynamodb_client_get_item_async (fixture->dynamodb, DOCUMENTS, key, NULL, NULL,
                                         af_test_store_result, &result);
      g_assert_false (af_dynamodb_client_get_item_finish (fixture->dynamodb, af_test_wait (&result),
                                                          &item, &error));
      g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
      g_assert_nonnull (strstr (error->message, "redirect"));
      g_assert_cmpuint (calls (fixture, "redirected"), ==, i + 1);   /* not retried */
    }
  g_assert_cmpuint (fixture->elsewhere_hits, ==, 0);
}

/* S3's wrong-region answer names the region to use; the object is never fetched from
 * the other host, streamed (GET) or read whole (HEAD). */
static void
test_redirect_s3 (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "download", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) get = NULL;
  g_autoptr(GAsyncResult) head = NULL;
  g_autoptr(AfS3ObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  fixture->redirect = 301;
  fixture->bucket_region = "eu-west-1";
  af_s3_client_get_object_async (fixture->s3, "raw", "a/b.pdf", file, NULL, NULL,
                                 af_test_store_result, &get);
  info = af_s3_client_object_finish (fixture->s3, af_test_wait (&get), &error);
  g_assert_null (info);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
  g_assert_nonnull (strstr (error->message, "region eu-west-1"));
  g_clear_error (&error);

  fixture->redirect = 307;
  fixture->bucket_region = NULL;
  af_s3_client_head_object_async (fixture->s3, "raw", "a/b.pdf", NULL, af_test_store_result, &head);
  info = af_s3_client_object_finish (fixture->s3, af_test_wait (&head), &error);
  g_assert_null (info);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
  g_assert_cmpuint (fixture->elsewhere_hits, ==, 0);
  g_assert_cmpuint (calls (fixture, "redirected"), ==, 2);
}

/* ---- Finding 3: deep JSON is refused before json-glib recurses --------------------- */

static char *
deep_json (guint depth)
{
  GString *text = g_string_sized_new (depth * 2 + 32);

  g_string_append (text, "{\"__type\":\"x#ValidationException\",\"message\":");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static char *
script_deep (Fixture    *fixture,
             const char *operation,
             JsonObject *request,
             guint      *status)
{
  *status = GPOINTER_TO_UINT (fixture->script_data);
  return deep_json (100000);
}

/* As an error body (400) and as a GetItem answer (200): a clear error, no crash. */
static void
test_deep_json (Fixture       *fixture,
                gconstpointer  data)
{
  static const guint statuses[] = { 400, 200 };

  fixture->script = script_deep;
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(AfValue) key = document_key ();
      g_autoptr(AfValue) item = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      fixture->script_data = GUINT_TO_POINTER (statuses[i]);
      af_dynamodb_client_get_item_async (fixture->dynamodb, DOCUMENTS, key, NULL, NULL,
                                         af_test_store_result, &result);
      g_assert_false (af_dynamodb_client_get_item_finish (fixture->dynamodb, af_test_wait (&result),
                                                          &item, &error));
      g_assert_nonnull (error);
      g_assert_null (item);
    }
}

/* ---- Finding 4: a lone surrogate never reaches the cache ------------------------------ */

#define SURROGATE_ITEM "{\"document_id\":{\"S\":\"" DOC_ID "\"},\"file_name\":{\"S\":\"a\\ud800b\"}}"

static char *
script_surrogate (Fixture    *fixture,
                  const char *operation,
                  JsonObject *request,
                  guint      *status)
{
  if (g_str_equal (operation, "GetItem"))
    return g_strdup ("{\"Item\":" SURROGATE_ITEM "}");
  if (g_str_equal (operation, "BatchGetItem"))
    return g_strdup ("{\"Responses\":{\"" DOCUMENTS "\":[" SURROGATE_ITEM "]}}");
  return g_strdup ("{\"Items\":[" SURROGATE_ITEM "],\"Count\":1}");
}

static void
test_lone_surrogate (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AfValue) key = document_key ();
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(AfDynamodbPage) page = NULL;
  g_autoptr(GAsyncResult) get = NULL;
  g_autoptr(GAsyncResult) batch = NULL;
  g_autoptr(GAsyncResult) query = NULL;
  g_autoptr(GError) error = NULL;

  fixture->script = script_surrogate;
  af_dynamodb_client_get_item_async (fixture->dynamodb, DOCUMENTS, key, NULL, NULL,
                                     af_test_store_result, &get);
  g_assert_false (af_dynamodb_client_get_item_finish (fixture->dynamodb, af_test_wait (&get),
                                                      &item, &error));
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
  g_assert_null (item);
  g_clear_error (&error);

  g_ptr_array_add (keys, document_key ());
  af_dynamodb_client_batch_get_async (fixture->dynamodb, DOCUMENTS, keys, NULL, NULL,
                                      af_test_store_result, &batch);
  items = af_dynamodb_client_batch_get_finish (fixture->dynamodb, af_test_wait (&batch), &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
  g_assert_null (items);
  g_clear_error (&error);

  af_dynamodb_client_query_page_async (fixture->dynamodb, DOCUMENTS, NULL, NULL,
                                       af_test_store_result, &query);
  page = af_dynamodb_client_page_finish (fixture->dynamodb, af_test_wait (&query), &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
  g_assert_null (page);
}

/* A cache written before the fix holds such an item: the others still read. */
static void
test_unreadable_cached_item (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *good = document_json (NULL);
  g_autoptr(AfValue) item = af_codec_parse_item (good, -1, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *db = g_build_filename (fixture->dir, "cache.db", NULL);
  AfQuery all = { .table = AF_TABLE_DOCUMENTS };
  g_autoptr(GError) error = NULL;
  sqlite3 *raw = NULL;
  static const char bad[] = "{\"document_id\":{\"S\":\"bad\"},\"file_name\":{\"S\":\"a\xed\xa0\x80\"}}";
  sqlite3_stmt *stmt = NULL;

  g_ptr_array_add (items, g_steal_pointer (&item));
  g_assert_true (af_store_put_remote_items (fixture->store, AF_TABLE_DOCUMENTS, items, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "INSERT INTO documents (document_id, item) "
                                            "VALUES ('bad', ?)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, bad, sizeof bad - 1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (raw);

  g_test_expect_message ("af-store", G_LOG_LEVEL_WARNING, "*skipped 1 cached item*");
  found = af_store_query (fixture->store, &all, &error);
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
}

/* ---- Finding 6: a cursor that does not move ends the partition ---------------------- */

#define REPEATED_CURSOR "{\"document_id\":{\"S\":\"" DOC_ID "\"}}"

/* The COMPLETED partition hands back the same cursor 50 times (the old pull sent the
 * same Query each time), then stops, so that the old code ends too. */
static char *
script_repeating_cursor (Fixture    *fixture,
                         const char *operation,
                         JsonObject *request,
                         guint      *status)
{
  g_autofree char *page = script_documents (fixture, operation, request, status);
  guint *served = &fixture->object_gets;   /* unused by this test otherwise */

  if (page == NULL || ++*served > 50)
    return g_steal_pointer (&page);
  page[strlen (page) - 1] = '\0';
  return g_strconcat (page, ",\"LastEvaluatedKey\":" REPEATED_CURSOR "}", NULL);
}

static void
test_repeating_cursor (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *json = document_json (NULL);
  g_autoptr(AfPull) pull = new_pull (fixture);
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(AfValue) a = af_codec_parse_item (REPEATED_CURSOR, -1, NULL);
  g_autoptr(AfValue) b = af_codec_parse_item ("{\"document_id\":{\"S\":\"b\"}}", -1, NULL);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;

  fixture->script = script_repeating_cursor;
  fixture->script_data = json;
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  /* The first page's cursor is followed once; its repetition stops the partition. */
  g_assert_cmpuint (fixture->object_gets, ==, 2);
  g_assert_true (problems_mention (result, DOCUMENTS, "LastEvaluatedKey"));
  item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS, DOC_ID, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);

  /* A cursor that moves forever stops at the page limit. */
  g_assert_true (af_dynamodb_cursor_advances (a, b, AF_DYNAMODB_MAX_PAGES - 1, NULL));
  g_assert_false (af_dynamodb_cursor_advances (a, b, AF_DYNAMODB_MAX_PAGES, &error));
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
}

/* ---- Finding 7: a ttl out of range is reported, never a deletion ----------------------- */

static void
test_huge_ttl (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *json = document_json (",\"ttl\":{\"N\":\"1e300\"}");
  g_autoptr(AfPull) pull = new_pull (fixture);
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;
  guint removed = G_MAXUINT;
  gint64 out = 7;

  fixture->script = script_documents;
  fixture->script_data = json;
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (problems_mention (result, DOC_ID, "'ttl'"));

  g_assert_true (af_retention_run (fixture->store, fixture->objects_dir, 1733000000, &removed,
                                   &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 0);
  item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS, DOC_ID, &error);
  g_assert_no_error (error);

  /* The parser behind it. */
  g_assert_false (af_number_to_int64 ("1e300", AF_NUMBER_INT_MIN, AF_NUMBER_INT_MAX, &out));
  g_assert_false (af_number_to_int64 ("-1e300", AF_NUMBER_INT_MIN, AF_NUMBER_INT_MAX, &out));
  g_assert_false (af_number_to_int64 ("99999999999999999999", 0, G_MAXINT64, &out));
  g_assert_false (af_number_to_int64 ("2.5", 0, 10, &out));
  g_assert_false (af_number_to_int64 ("11", 0, 10, &out));
  g_assert_cmpint (out, ==, 7);
  g_assert_true (af_number_to_int64 ("1.7e9", 0, G_MAXINT64, &out));
  g_assert_cmpint (out, ==, 1700000000);
  g_assert_true (af_number_to_int64 ("-12", -20, 0, &out));
  g_assert_cmpint (out, ==, -12);
}

/* ---- Finding 10: &#0; in a key list ----------------------------------------------------- */

/* forget-user deletes what the list names: a key cut at a NUL would be another key. */
static void
test_list_nul_key (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;

  fixture->list_body = "<?xml version=\"1.0\"?><ListBucketResult><IsTruncated>false</IsTruncated>"
                       "<Contents><Key>users/u1/keep</Key></Contents>"
                       "<Contents><Key>users/u1/keep&#0;/gone.jpg</Key></Contents>"
                       "</ListBucketResult>";
  af_s3_client_list_keys_async (fixture->s3, "raw", "users/u1/", NULL,
                                af_test_store_result, &result);
  keys = af_s3_client_list_keys_finish (fixture->s3, af_test_wait (&result), &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
  g_assert_null (keys);
}

/* ---- Finding 9: an object is named by its item, never by its key ----------------------- */

static void
log_catcher (const char     *domain,
             GLogLevelFlags  level,
             const char     *message,
             gpointer        user_data)
{
  if (strstr (message, "Carter") != NULL)
    (*(guint *) user_data)++;
}

static void
test_no_names_in_messages (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *json = document_json (",\"checksum\":{\"S\":\""
                                         "02a44f7894db787144810c2f48614f73bd15f8b6fe2176bd1d7f0b856bf2660b\"}");
  g_autoptr(AfPull) pull = new_pull (fixture);
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint named = 0;
  GLogFunc previous = g_log_set_default_handler (log_catcher, &named);

  fixture->script = script_documents;
  fixture->script_data = json;
  g_hash_table_insert (fixture->objects, g_strdup ("/raw/loans/LOAN-1/Carter_W2.pdf"),
                       g_bytes_new_static ("%PDF-1.4\n", 9));
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (af_pull_mark_offline (fixture->store, DOC_ID, &error));

  /* Bytes that do not match the checksum, then no object at all (404). */
  for (guint round = 0; round < 2; round++)
    {
      g_clear_pointer (&result, af_pull_result_free);
      af_pull_set_objects_only (pull, DOC_ID);
      result = af_test_run_pull (pull, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (problems_mention (result, DOC_ID, round == 0 ? "integrity" : "NoSuchKey"));
      g_assert_false (problems_mention (result, "Carter", NULL));
      g_hash_table_remove_all (fixture->objects);
    }
  g_log_set_default_handler (previous, NULL);
  g_assert_cmpuint (named, ==, 0);
}

/* ---- Finding 10: answers are read only as far as their operation allows ------------- */

static char *
script_endless (Fixture    *fixture,
                const char *operation,
                JsonObject *request,
                guint      *status)
{
  gsize size = 50 * 1024 * 1024;
  char *body = g_malloc (size + 3);

  /* Valid JSON all the same: 50 MiB of blanks, then an empty object. */
  memset (body, ' ', size);
  memcpy (body + size, "{}", 3);
  return body;
}

static void
test_answer_size_cap (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AfValue) key = document_key ();
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fixture->script = script_endless;
  af_dynamodb_client_get_item_async (fixture->dynamodb, DOCUMENTS, key, NULL, NULL,
                                     af_test_store_result, &result);
  g_assert_false (af_dynamodb_client_get_item_finish (fixture->dynamodb, af_test_wait (&result),
                                                      &item, &error));
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "larger than"));
  g_assert_cmpuint (calls (fixture, "GetItem"), ==, 1);
}

/* ---- Streams: a split shard is read parent first ------------------------------------- */

#define STREAM_ARN "arn:aws:dynamodb:us-east-1:000000000000:table/" DOCUMENTS \
                   "/stream/2024-11-08T09:00:00.000"
#define SHARD_A "shardId-00000001730000000000-aaaaaaaa"
#define SHARD_B "shardId-00000001730000100000-bbbbbbbb"
#define SHARD_C "shardId-00000001730000100000-cccccccc"
#define SEQ(n) "4000000000000000000" #n

typedef struct
{
  gboolean  split;   /* A has closed, B and C are its children */
  GString  *order;   /* the shards whose records were handed out, in order */
} SplitStream;

static char *
shard_json (const char *id,
            const char *parent,
            const char *ending)
{
  return g_strdup_printf ("{\"ShardId\":\"%s\"%s%s%s,\"SequenceNumberRange\":{"
                          "\"StartingSequenceNumber\":\"" SEQ (10) "\"%s%s%s}}", id,
                          parent ? ",\"ParentShardId\":\"" : "", parent ? parent : "",
                          parent ? "\"" : "", ending ? ",\"EndingSequenceNumber\":\"" : "",
                          ending ? ending : "", ending ? "\"" : "");
}

/* Before the split, A alone; after it, the children on a first page (nothing promises
 * the parent comes first) and A, closed, on a second (LastEvaluatedShardId). */
static char *
describe_stream (SplitStream *stream,
                 JsonObject  *request)
{
  g_autofree char *a = shard_json (SHARD_A, NULL, stream->split ? SEQ (99) : NULL);
  g_autofree char *b = shard_json (SHARD_B, SHARD_A, NULL);
  g_autofree char *c = shard_json (SHARD_C, SHARD_A, NULL);
  const char *head = "{\"StreamDescription\":{\"StreamArn\":\"" STREAM_ARN "\","
                     "\"StreamStatus\":\"ENABLED\",\"StreamViewType\":\"NEW_AND_OLD_IMAGES\",";

  if (!stream->split)
    return g_strdup_printf ("%s\"Shards\":[%s]}}", head, a);
  if (!json_object_has_member (request, "ExclusiveStartShardId"))
    return g_strdup_printf ("%s\"Shards\":[%s,%s],\"LastEvaluatedShardId\":\"" SHARD_B "\"}}",
                            head, c, b);
  return g_strdup_printf ("%s\"Shards\":[%s]}}", head, a);
}

static char *
record_json (const char *event,
             const char *id,
             const char *marker,
             const char *sequence)
{
  g_autofree char *extra = g_strdup_printf (",\"marker\":{\"S\":\"%s\"}", marker);
  g_autofree char *image = document_json (extra);

  if (g_strcmp0 (id, DOC_ID) != 0)
    {
      char *at = strstr (image, DOC_ID);

      memcpy (at, id, strlen (DOC_ID));
    }
  return g_strdup_printf ("{\"eventID\":\"%s\",\"eventName\":\"%s\",\"dynamodb\":{"
                          "\"Keys\":{\"document_id\":{\"S\":\"%.36s\"}},\"NewImage\":%s,"
                          "\"SequenceNumber\":\"%s\",\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}",
                          sequence, event, id, image, sequence);
}

/* Iterators are "SHARD/TYPE"; A gives v1 of the document, then ends; B gives v2 (the
 * later change of the same item); C a new document. */
static char *
get_records (SplitStream *stream,
             const char  *iterator)
{
  g_autofree char *tail = g_strdup (iterator);
  char *slash = strchr (tail, '/');
  g_autofree char *record = NULL;

  g_assert_nonnull (slash);
  *slash = '\0';
  if (g_str_equal (iterator, SHARD_A "/LATEST") && stream->split)
    record = record_json ("MODIFY", DOC_ID, "v1", SEQ (20));
  else if (g_str_equal (iterator, SHARD_A "/end"))
    return g_strdup ("{\"Records\":[]}");
  else if (g_str_equal (iterator, SHARD_B "/TRIM_HORIZON"))
    record = record_json ("MODIFY", DOC_ID, "v2", SEQ (40));
  else if (g_str_equal (iterator, SHARD_C "/TRIM_HORIZON"))
    record = record_json ("INSERT", "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d6", "c", SEQ (50));
  if (record == NULL)
    return g_strdup_printf ("{\"Records\":[],\"NextShardIterator\":\"%s\"}", iterator);
  g_string_append_c (stream->order, tail[strlen (tail) - 1]);
  return g_strdup_printf ("{\"Records\":[%s],\"NextShardIterator\":\"%s/%s\"}", record, tail,
                          g_str_equal (tail, SHARD_A) ? "end" : "tail");
}

static char *
script_split (Fixture    *fixture,
              const char *operation,
              JsonObject *request,
              guint      *status)
{
  SplitStream *stream = fixture->script_data;

  if (g_str_equal (operation, "DescribeTable") &&
      g_str_equal (json_object_get_string_member (request, "TableName"), DOCUMENTS))
    return g_strdup ("{\"Table\":{\"TableStatus\":\"ACTIVE\",\"LatestStreamArn\":\"" STREAM_ARN
                     "\",\"StreamSpecification\":{\"StreamEnabled\":true,"
                     "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}}");
  if (g_str_equal (operation, "DescribeStream"))
    return describe_stream (stream, request);
  if (g_str_equal (operation, "GetShardIterator"))
    return g_strdup_printf ("{\"ShardIterator\":\"%s/%s\"}",
                            json_object_get_string_member (request, "ShardId"),
                            json_object_get_string_member (request, "ShardIteratorType"));
  if (g_str_equal (operation, "GetRecords"))
    return get_records (stream, json_object_get_string_member (request, "ShardIterator"));
  /* the documents' Scan (the full read before the stream): the item without a marker */
  {
    g_autofree char *item = document_json (NULL);
    char *page;

    fixture->script_data = item;
    page = script_documents (fixture, operation, request, status);
    fixture->script_data = stream;
    return page;
  }
}

static const char *
cached_marker (Fixture    *fixture,
               const char *id,
               AfValue   **out_item)
{
  *out_item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS, id, NULL);
  return *out_item ? af_item_get_s (*out_item, "marker") : NULL;
}

/* The split is met in one sync: the closed parent A is read to its end before either
 * child, though DescribeStream lists the children first, on another page; so the item's
 * later change (v2, in B) is the one that stays. */
static void
test_stream_split (Fixture       *fixture,
                   gconstpointer  data)
{
  SplitStream stream = { FALSE, g_string_new (NULL) };
  g_autoptr(AfPull) pull = new_pull (fixture);
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) other = NULL;
  g_autoptr(GError) error = NULL;

  fixture->script = script_split;
  fixture->script_data = &stream;
  first = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_pull_path_to_string (first->path[AF_TABLE_DOCUMENTS]), ==, "full");
  g_assert_cmpstr (stream.order->str, ==, "");

  stream.split = TRUE;
  second = af_test_run_pull (pull, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_DOCUMENTS]), ==, "stream");
  /* the parent before both children (siblings hold other keys: either may go first) */
  g_assert_cmpuint (stream.order->len, ==, 3);
  g_assert_cmpint (stream.order->str[0], ==, 'a');
  g_assert_cmpuint (second->read[AF_TABLE_DOCUMENTS], ==, 3);
  g_assert_cmpstr (cached_marker (fixture, DOC_ID, &item), ==, "v2");
  g_assert_cmpstr (cached_marker (fixture, "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d6", &other), ==,
                   "c");
  g_string_free (stream.order, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/hostile/checksum/retention", Fixture, NULL, fixture_setup,
              test_retention_ignores_traversal, fixture_teardown);
  g_test_add ("/hostile/checksum/pull", Fixture, NULL, fixture_setup,
              test_pull_refuses_traversal_checksum, fixture_teardown);
  g_test_add ("/hostile/redirect/dynamodb", Fixture, NULL, fixture_setup,
              test_redirect_dynamodb, fixture_teardown);
  g_test_add ("/hostile/redirect/s3", Fixture, NULL, fixture_setup,
              test_redirect_s3, fixture_teardown);
  g_test_add ("/hostile/json/deep", Fixture, NULL, fixture_setup, test_deep_json,
              fixture_teardown);
  g_test_add ("/hostile/json/lone-surrogate", Fixture, NULL, fixture_setup,
              test_lone_surrogate, fixture_teardown);
  g_test_add ("/hostile/store/unreadable-item", Fixture, NULL, fixture_setup,
              test_unreadable_cached_item, fixture_teardown);
  g_test_add ("/hostile/pull/repeating-cursor", Fixture, NULL, fixture_setup,
              test_repeating_cursor, fixture_teardown);
  g_test_add ("/hostile/pull/huge-ttl", Fixture, NULL, fixture_setup, test_huge_ttl,
              fixture_teardown);
  g_test_add ("/hostile/s3/list-nul-key", Fixture, NULL, fixture_setup, test_list_nul_key,
              fixture_teardown);
  g_test_add ("/hostile/messages/no-key", Fixture, NULL, fixture_setup,
              test_no_names_in_messages, fixture_teardown);
  g_test_add ("/hostile/stream/split", Fixture, NULL, fixture_setup, test_stream_split,
              fixture_teardown);
  g_test_add ("/hostile/size/answer-cap", Fixture, NULL, fixture_setup, test_answer_size_cap,
              fixture_teardown);
  return g_test_run ();
}
