/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pull against the local peers (DynamoDB Local and s3rver, each behind the SigV4
 * verifying front): the cache must end up equal to the fixtures, item by item; a second
 * pull must read nothing new; remote changes and deletions must reach the cache; objects
 * must be fetched, verified, content-addressed, resumed; faults must not change the
 * outcome; a non-retryable error must stop the pull with a clear message.
 *
 * Run through run-with-peers.sh, which starts the peers and exports their URLs.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "aws-fixture.h"

#include "af-codec.h"
#include "af-crypto.h"
#include "af-objects.h"
#include "af-test-util.h"

typedef struct
{
  SoupSession      *session;
  AfDynamodbClient *dynamodb;
  AfS3Client       *s3;
  AfStore          *store;
  AfPull           *pull;
  char             *dir;
  char             *suffix;
} Fixture;

static guint fixture_counter;

/* AF_TEST_DYNAMODB=dynalite: the same tests on dynalite, which has no streams. */
static const char *
dynamodb_variable (void)
{
  if (g_strcmp0 (g_getenv ("AF_TEST_DYNAMODB"), "dynalite") == 0)
    return "AF_PEER_DYNALITE_URL";
  return "AF_PEER_DYNAMODB_LOCAL_URL";
}
static gboolean objects_uploaded;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *dynamodb_url = aws_fixture_peer_url (dynamodb_variable ());
  const char *s3_url = aws_fixture_peer_url ("AF_PEER_S3_URL");
  g_autofree char *db = NULL;
  g_autofree char *objects = NULL;
  g_autoptr(GError) error = NULL;

  if (dynamodb_url == NULL || s3_url == NULL)
    {
      g_test_fail_printf ("the local peers are not running: run this test through "
                          "tests/peers/run-with-peers.sh");
      return;
    }
  fixture->session = soup_session_new ();
  fixture->dynamodb = aws_fixture_dynamodb (fixture->session, dynamodb_url);
  fixture->s3 = aws_fixture_s3 (fixture->session, s3_url);
  fixture->dir = g_dir_make_tmp ("af-test-pull-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_set_identity (fixture->store, "tester@example.com");

  fixture->suffix = g_strdup_printf ("t%u-%d", ++fixture_counter, (int) getpid ());
  aws_fixture_create_tables (fixture->dynamodb, fixture->suffix);
  aws_fixture_load_tables (fixture->dynamodb, fixture->suffix);
  if (!objects_uploaded)
    {
      aws_fixture_upload_objects (fixture->s3);
      objects_uploaded = TRUE;
    }

  fixture->pull = af_pull_new (fixture->store, fixture->dynamodb, fixture->s3);
  aws_fixture_name_tables (fixture->pull, fixture->suffix);
  objects = g_build_filename (fixture->dir, "objects", NULL);
  af_pull_set_objects_dir (fixture->pull, objects);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->pull);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->s3);
  g_clear_object (&fixture->dynamodb);
  g_clear_object (&fixture->session);
  if (fixture->dir != NULL)
    af_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->suffix);
}

/* ---- Helpers ------------------------------------------------------------------------ */

static char *
table_name (Fixture *fixture,
            AfTable  table)
{
  return aws_fixture_table_name (table, fixture->suffix);
}

/* Each cached item must be the fixture item, in canonical text: every attribute,
 * unknown ones included, and every number with its exact digits. */
static void
assert_cache_has (AfStore   *store,
                  AfTable    table,
                  GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *expected = g_ptr_array_index (items, i);
      const char *id = af_item_get_s (expected, af_table_key_name (table));
      g_autoptr(GError) error = NULL;
      g_autoptr(AfValue) cached = af_store_get_item (store, table, id, &error);
      g_autofree char *want = af_codec_item_to_string (expected);
      g_autofree char *got = NULL;

      g_assert_no_error (error);
      got = af_codec_item_to_string (cached);
      g_assert_cmpstr (got, ==, want);
    }
}

static void
assert_cache_matches_fixtures (AfStore *store)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autoptr(GPtrArray) items = aws_fixture_items (t);

      assert_cache_has (store, t, items);
    }
}

static AfValue *
parse_item (const char *json)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_codec_parse_item (json, -1, &error);

  g_assert_no_error (error);
  return item;
}

static void
remote_write (Fixture    *fixture,
              const char *operation,
              AfTable     table,
              const char *key_json,
              const char *update)
{
  g_autoptr(AfValue) key = parse_item (key_json);
  g_autofree char *name = table_name (fixture, table);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) values = NULL;
  AfDynamodbParams params = { .update_expression = update };

  if (strcmp (operation, "put") == 0)
    af_dynamodb_client_put_item_async (fixture->dynamodb, name, key, NULL, NULL,
                                       af_test_store_result, &result);
  else if (strcmp (operation, "delete") == 0)
    af_dynamodb_client_delete_item_async (fixture->dynamodb, name, key, NULL, NULL,
                                          af_test_store_result, &result);
  else
    {
      /* "update": @update is "SET a = :v" with :v given as the text after '|' */
      g_auto(GStrv) parts = g_strsplit (update, "|", 2);

      values = parse_item (parts[1]);
      params.update_expression = parts[0];
      params.values = values;
      af_dynamodb_client_update_item_async (fixture->dynamodb, name, key, &params, NULL,
                                            af_test_store_result, &result);
    }
  af_dynamodb_client_write_finish (fixture->dynamodb, af_test_wait (&result), NULL, &error);
  g_assert_no_error (error);
}

/* ---- The tests ------------------------------------------------------------------------ */

#define EXTRA_AUDIT \
  "{\"audit_record_id\":{\"S\":\"extra-audit-1\"},\"loan_application_id\":{\"S\":\"LOAN-X\"}," \
  "\"audit_timestamp\":{\"S\":\"2024-11-07T20:00:00.000Z\"},\"status\":{\"S\":\"COMPLETED\"}," \
  "\"risk_score\":{\"N\":\"12345678901234567890.123456789012345678\"}," \
  "\"future_field\":{\"M\":{\"nested\":{\"L\":[{\"N\":\"0.000000000000000000000000000000000001\"}," \
  "{\"SS\":[\"a\",\"b\"]},{\"NULL\":true},{\"B\":\"AAEC\"}]}}}}"
#define WRONG_TYPE_DOCUMENT \
  "{\"document_id\":{\"S\":\"doc-wrong-type\"},\"loan_application_id\":{\"S\":\"LOAN-X\"}," \
  "\"upload_timestamp\":{\"S\":\"2024-11-07T21:00:00.000Z\"}," \
  "\"processing_status\":{\"S\":\"COMPLETED\"},\"ttl\":{\"S\":\"never\"}}"

static void
test_pull_fixtures (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(GPtrArray) extra_audits = g_ptr_array_new_with_free_func (
    (GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) extra_documents = g_ptr_array_new_with_free_func (
    (GDestroyNotify) af_value_unref);
  g_autofree char *audits = NULL;
  g_autofree char *documents = NULL;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  g_ptr_array_add (extra_audits, parse_item (EXTRA_AUDIT));
  g_ptr_array_add (extra_documents, parse_item (WRONG_TYPE_DOCUMENT));
  audits = table_name (fixture, AF_TABLE_AUDITS);
  documents = table_name (fixture, AF_TABLE_DOCUMENTS);
  aws_fixture_write_items (fixture->dynamodb, audits, extra_audits);
  aws_fixture_write_items (fixture->dynamodb, documents, extra_documents);

  result = af_test_pull_ok (fixture->pull);
  g_assert_cmpuint (result->pulled[AF_TABLE_DOCUMENTS], ==, 13);
  g_assert_cmpuint (result->pulled[AF_TABLE_AUDITS], ==, 5);
  g_assert_cmpuint (result->pulled[AF_TABLE_ANALYSES], ==, 5);
  g_assert_cmpuint (result->pulled[AF_TABLE_USERS], ==, 2);
  /* the wrong type is reported for its item, the rest went on */
  g_assert_cmpuint (result->rejected[AF_TABLE_DOCUMENTS], ==, 1);
  g_assert_cmpuint (result->errors, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (result->problems, 0), "doc-wrong-type"));

  assert_cache_matches_fixtures (fixture->store);
  /* every x-amz-crc32 matched: no request had to be sent again */
  g_assert_cmpuint (af_dynamodb_client_get_retry_count (fixture->dynamodb), ==, 0);
  assert_cache_has (fixture->store, AF_TABLE_AUDITS, extra_audits);
  assert_cache_has (fixture->store, AF_TABLE_DOCUMENTS, extra_documents);
}

static void
test_pull_incremental (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfPullResult) third = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;
  guint requests;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  first = af_test_pull_ok (fixture->pull);
  g_assert_cmpuint (first->read[AF_TABLE_AUDITS], ==, 4);

  /* Nothing changed: the index queries read nothing, nothing is written. */
  requests = af_dynamodb_client_get_request_count (fixture->dynamodb);
  second = af_test_pull_ok (fixture->pull);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_assert_cmpuint (second->read[t], ==, 0);
      g_assert_cmpuint (second->pulled[t], ==, 0);
      g_assert_cmpuint (second->deleted[t], ==, 0);
    }
  g_assert_cmpuint (second->refreshed[AF_TABLE_DOCUMENTS], ==, 12);
  g_test_message ("second pull: %u requests",
                  af_dynamodb_client_get_request_count (fixture->dynamodb) - requests);

  /* A local edit on an item that then disappears remotely: it must stay. */
  g_assert_true (af_store_set_review_notes (fixture->store, "05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4",
                                            "local note", &error));
  g_assert_no_error (error);

  remote_write (fixture, "update", AF_TABLE_AUDITS,
                "{\"audit_record_id\":{\"S\":\"6e3077fc-9570-48ca-a0b3-dd673fa2a8aa\"}}",
                "SET review_notes = :v|{\":v\":{\"S\":\"remote note\"}}");
  /* a status change keeps the old timestamp: only the refresh can see it */
  remote_write (fixture, "update", AF_TABLE_DOCUMENTS,
                "{\"document_id\":{\"S\":\"d75b3a67-1fd3-40d8-b770-df99633123fb\"}}",
                "SET processing_status = :v|{\":v\":{\"S\":\"COMPLETED\"}}");
  remote_write (fixture, "delete", AF_TABLE_ANALYSES,
                "{\"request_id\":{\"S\":\"c914c0ad-e727-4115-b1c8-100f0ec0b604\"},"
                "\"created_at\":{\"N\":\"1730995648949\"}}", NULL);
  remote_write (fixture, "delete", AF_TABLE_AUDITS,
                "{\"audit_record_id\":{\"S\":\"05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4\"}}", NULL);
  remote_write (fixture, "put", AF_TABLE_AUDITS,
                "{\"audit_record_id\":{\"S\":\"new-audit\"},\"loan_application_id\":{\"S\":\"L\"},"
                "\"audit_timestamp\":{\"S\":\"2024-11-08T08:00:00.000Z\"},"
                "\"status\":{\"S\":\"COMPLETED\"},\"risk_score\":{\"N\":\"50\"}}", NULL);
  remote_write (fixture, "put", AF_TABLE_USERS,
                "{\"user_id\":{\"S\":\"new-user\"},\"email\":{\"S\":\"new@example.net\"}}", NULL);

  third = af_test_pull_ok (fixture->pull);
  g_assert_cmpuint (third->read[AF_TABLE_AUDITS], ==, 2);   /* the new one + the noted one */
  g_assert_cmpuint (third->read[AF_TABLE_USERS], ==, 1);
  g_assert_cmpuint (third->pulled[AF_TABLE_DOCUMENTS], ==, 1);

  item = af_store_get_item (fixture->store, AF_TABLE_AUDITS,
                            "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "remote note");
  g_clear_pointer (&item, af_value_unref);
  item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS,
                            "d75b3a67-1fd3-40d8-b770-df99633123fb", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "processing_status"), ==, "COMPLETED");
  g_clear_pointer (&item, af_value_unref);
  item = af_store_get_item (fixture->store, AF_TABLE_ANALYSES,
                            "c914c0ad-e727-4115-b1c8-100f0ec0b604", &error);
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (third->deleted[AF_TABLE_ANALYSES], ==, 1);
  /* deleted remotely, but it holds an unsent edit: kept, and said so */
  item = af_store_get_item (fixture->store, AF_TABLE_AUDITS,
                            "05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "local note");
  g_clear_pointer (&item, af_value_unref);
  item = af_store_get_item (fixture->store, AF_TABLE_AUDITS, "new-audit", &error);
  g_assert_no_error (error);
  g_clear_pointer (&item, af_value_unref);
  item = af_store_get_item (fixture->store, AF_TABLE_USERS, "new-user", &error);
  g_assert_no_error (error);
}

static guint64
pull_bytes (const AfPullResult *result)
{
  guint64 bytes = 0;

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    bytes += result->bytes[t];
  return bytes;
}

/* Without a stream: the refresh reads a signature of each cached item, so a sync with
 * nothing changed costs a fraction of the first pull; and it runs no more often than
 * its period. */
static void
test_pull_refresh_period (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfPullResult) third = NULL;
  g_autoptr(AfPullResult) fourth = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  first = af_test_pull_ok (fixture->pull);
  g_assert_cmpstr (af_pull_path_to_string (first->path[AF_TABLE_DOCUMENTS]), ==, "full");
  second = af_test_pull_ok (fixture->pull);
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_DOCUMENTS]), ==, "refresh");
  g_assert_cmpuint (second->refreshed[AF_TABLE_DOCUMENTS], ==, 12);
  g_assert_cmpuint (second->read[AF_TABLE_DOCUMENTS], ==, 0);
  g_test_message ("bytes: first pull %" G_GUINT64_FORMAT ", refresh %" G_GUINT64_FORMAT,
                  pull_bytes (first), pull_bytes (second));
  g_assert_cmpuint (pull_bytes (second) * 2, <, pull_bytes (first));

  /* a status change under an old timestamp: only the refresh sees it, once it is due */
  af_pull_set_refresh_interval (fixture->pull, 3600);
  remote_write (fixture, "update", AF_TABLE_DOCUMENTS,
                "{\"document_id\":{\"S\":\"d75b3a67-1fd3-40d8-b770-df99633123fb\"}}",
                "SET processing_status = :v|{\":v\":{\"S\":\"COMPLETED\"}}");
  third = af_test_pull_ok (fixture->pull);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_assert_cmpuint (third->refreshed[t], ==, 0);
  item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS,
                            "d75b3a67-1fd3-40d8-b770-df99633123fb", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "processing_status"), !=, "COMPLETED");
  g_clear_pointer (&item, af_value_unref);

  af_pull_set_refresh_interval (fixture->pull, 0);
  fourth = af_test_pull_ok (fixture->pull);
  g_assert_cmpuint (fourth->refreshed[AF_TABLE_DOCUMENTS], ==, 12);
  g_assert_cmpuint (fourth->pulled[AF_TABLE_DOCUMENTS], ==, 1);
  item = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS,
                            "d75b3a67-1fd3-40d8-b770-df99633123fb", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "processing_status"), ==, "COMPLETED");
}

/* ---- Objects -------------------------------------------------------------------------- */

#define CARTER_W2 "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"
#define MEADOW "8b865684-cf1a-463d-88a8-aa489fdc7dcb"
#define HOSTILE_KEY "loans/LOAN-2024-072470/..%2F..%2Fhostile/..\\..\\evil name?.pdf"
#define TRAVERSAL_KEY "loans/LOAN-2024-072470/../../../../af-escape-test/evil.pdf"

static GBytes *
fixture_file (const char *relative)
{
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), relative, NULL);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
put_object (Fixture    *fixture,
            const char *bucket,
            const char *key,
            GBytes     *bytes)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *etag = NULL;

  af_s3_client_put_bytes_async (fixture->s3, bucket, key, bytes, "application/pdf", NULL,
                                af_test_store_result, &result);
  etag = af_s3_client_put_finish (fixture->s3, af_test_wait (&result), &error);
  g_assert_no_error (error);
}

static void
add_document (Fixture    *fixture,
              const char *id,
              const char *key,
              const char *checksum)
{
  g_autoptr(GString) json = g_string_new ("{\"document_id\":{\"S\":");
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *name = table_name (fixture, AF_TABLE_DOCUMENTS);

  af_codec_write_json_string (json, id);
  g_string_append (json, "},\"loan_application_id\":{\"S\":\"LOAN-2024-072470\"},"
                         "\"upload_timestamp\":{\"S\":\"2024-11-04T13:10:00.000Z\"},"
                         "\"processing_status\":{\"S\":\"COMPLETED\"},"
                         "\"s3_bucket\":{\"S\":\"auditflow-documents-dev\"},\"s3_key\":{\"S\":");
  af_codec_write_json_string (json, key);
  g_string_append_printf (json, "},\"checksum\":{\"S\":\"%s\"}}", checksum);
  g_ptr_array_add (items, parse_item (json->str));
  aws_fixture_write_items (fixture->dynamodb, name, items);
}

/* Every file under objects/xx/ is sealed (nothing readable in clear) and named by the
 * SHA-256 of its decrypted bytes. */
static guint
assert_content_addressed (const char *objects_dir,
                          AfCacheKey *key)
{
  g_autoptr(GDir) dir = g_dir_open (objects_dir, 0, NULL);
  const char *prefix;
  guint count = 0;

  g_assert_nonnull (dir);
  while ((prefix = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (objects_dir, prefix, NULL);
      g_autoptr(GDir) inner = NULL;
      const char *name;

      if (strcmp (prefix, "partial") == 0)
        continue;
      g_assert_cmpuint (strlen (prefix), ==, 2);
      inner = g_dir_open (sub, 0, NULL);
      while ((name = g_dir_read_name (inner)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub, name, NULL);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *sha = NULL;

          g_assert_true (af_crypto_file_is_sealed (path));
          bytes = af_objects_read_path (key, path, &error);
          g_assert_no_error (error);
          sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
          g_assert_cmpstr (name, ==, sha);
          g_assert_true (g_str_has_prefix (name, prefix));
          count++;
        }
    }
  return count;
}

static void
assert_object (Fixture       *fixture,
               const char    *id,
               const char    *role,
               AfObjectState  want,
               const char    *sha)
{
  g_autofree char *path = NULL;
  g_autofree char *detail = NULL;
  AfObjectState state = af_pull_get_object_state (fixture->store,
                                                  af_pull_get_objects_dir (fixture->pull),
                                                  id, role, &path, &detail);

  g_test_message ("%s/%s: %d %s", id, role, state, detail ? detail : "");
  g_assert_cmpint (state, ==, want);
  if (sha != NULL)
    g_assert_true (g_str_has_suffix (path, sha));
}

static void
test_pull_objects (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfPullResult) resumed = NULL;
  g_autoptr(GBytes) w2 = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GBytes) hostile = NULL;
  g_autofree char *hostile_sha = NULL;
  g_autofree char *escape = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *bytes;
  gsize length;

  if (g_test_failed () || fixture->pull == NULL)
    return;

  /* The tampered object: the W-2's bytes with one flipped, where its item points. */
  w2 = fixture_file ("s3/auditflow-documents-dev/loans/LOAN-2024-072470/" CARTER_W2
                     "/W2_2023_Carter.pdf");
  length = g_bytes_get_size (w2);
  bytes = g_memdup2 (g_bytes_get_data (w2, NULL), length);
  bytes[length / 2] ^= 0x20;
  tampered = g_bytes_new_take (bytes, length);
  put_object (fixture, "auditflow-documents-dev", "tampered/" CARTER_W2 ".pdf", tampered);
  remote_write (fixture, "update", AF_TABLE_DOCUMENTS,
                "{\"document_id\":{\"S\":\"" CARTER_W2 "\"}}",
                "SET s3_key = :v|{\":v\":{\"S\":\"tampered/" CARTER_W2 ".pdf\"}}");
  /* A key that is hostile as a path but a plain key to S3, and a real traversal key
   * (not uploaded: s3rver would write it outside its directory). */
  hostile = g_bytes_new_static ("hostile but harmless", 20);
  hostile_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, hostile);
  put_object (fixture, "auditflow-documents-dev", HOSTILE_KEY, hostile);
  add_document (fixture, "doc-hostile", HOSTILE_KEY, hostile_sha);
  add_document (fixture, "doc-traversal", TRAVERSAL_KEY,
                "00000000000000000000000000000000000000000000000000000000000000aa");

  first = af_test_pull_ok (fixture->pull);
  g_assert_true (af_pull_mark_offline (fixture->store, "LOAN-2024-072470", &error));
  g_assert_true (af_pull_mark_offline (fixture->store, "LOAN-2024-259508", &error));
  g_assert_true (af_pull_mark_offline (fixture->store, MEADOW, &error));
  g_assert_no_error (error);
  g_clear_pointer (&first, af_pull_result_free);
  first = af_test_pull_ok (fixture->pull);

  /* 3 + hostile of the first loan, 4 of the second, 2 images of the artwork */
  g_assert_cmpuint (first->objects_fetched, ==, 10);
  g_assert_cmpuint (first->integrity_failures, ==, 1);
  g_assert_cmpuint (first->errors, ==, 2);
  assert_object (fixture, CARTER_W2, "document", AF_OBJECT_INTEGRITY, NULL);
  assert_object (fixture, "doc-traversal", "document", AF_OBJECT_ERROR, NULL);
  assert_object (fixture, "doc-hostile", "document", AF_OBJECT_OK, hostile_sha);
  assert_object (fixture, "786db1c5-050f-4f10-a406-23471ded7155", "document", AF_OBJECT_OK,
                 aws_fixture_object_sha256 ("auditflow-documents-dev",
                                            "loans/LOAN-2024-072470/786db1c5-050f-4f10-a406-"
                                            "23471ded7155/Statement_Sep2024.pdf"));
  assert_object (fixture, "094b4686-f66b-4f95-94fb-d3836b75ea53", "document", AF_OBJECT_OK,
                 aws_fixture_object_sha256 ("auditflow-documents-dev",
                                            "loans/LOAN-2024-259508/094b4686-f66b-4f95-94fb-"
                                            "d3836b75ea53/W-2 Cobalt Ridge.pdf"));
  assert_object (fixture, MEADOW, "raw", AF_OBJECT_OK,
                 aws_fixture_object_sha256 ("artguard-images-raw-dev",
                                            "audit/20241107_100409_8b8656.jpg"));
  assert_object (fixture, MEADOW, "processed", AF_OBJECT_OK,
                 aws_fixture_object_sha256 ("artguard-images-processed-dev",
                                            "inference/20241107_100409_8b8656.jpg"));
  g_assert_cmpuint (assert_content_addressed (af_pull_get_objects_dir (fixture->pull),
                                             af_store_get_key (fixture->store)), ==, 10);
  escape = g_build_filename (fixture->dir, "..", "af-escape-test", NULL);
  g_assert_false (g_file_test (escape, G_FILE_TEST_EXISTS));

  /* Again: documents known by checksum need no request, images get 304. */
  second = af_test_pull_ok (fixture->pull);
  g_assert_cmpuint (second->objects_fetched, ==, 0);
  g_assert_cmpuint (second->objects_cached, ==, 10);
  g_assert_cmpuint (second->integrity_failures, ==, 1);

  /* An interrupted download: half the raw image on disk, with its ETag. */
  {
    const char *bucket = "artguard-images-raw-dev";
    const char *key = "audit/20241107_100409_8b8656.jpg";
    g_autofree char *name = g_strconcat (bucket, "/", key, NULL);
    g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, name, -1);
    g_autofree char *part_name = g_strconcat (hash, ".part", NULL);
    g_autofree char *part = g_build_filename (af_pull_get_objects_dir (fixture->pull), "partial",
                                              part_name, NULL);
    g_autofree char *etag_path = g_strconcat (part, ".etag", NULL);
    g_autofree char *done = NULL;
    g_autoptr(GBytes) image = fixture_file ("s3/artguard-images-raw-dev/audit/"
                                            "20241107_100409_8b8656.jpg");
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(AfS3ObjectInfo) info = NULL;
    const char *sha = aws_fixture_object_sha256 (bucket, key);

    af_s3_client_head_object_async (fixture->s3, bucket, key, NULL, af_test_store_result,
                                    &result);
    info = af_s3_client_object_finish (fixture->s3, af_test_wait (&result), &error);
    g_assert_no_error (error);
    done = g_build_filename (af_pull_get_objects_dir (fixture->pull), "1e", sha, NULL);
    g_unlink (done);
    /* As the pull writes it: sealed records (af-s3.h), here two, then a torn third one
     * (the power went mid-write) that the resume cuts off. */
    {
      g_autoptr(GFile) file = g_file_new_for_path (part);
      g_autoptr(GFileOutputStream) output = g_file_replace (file, NULL, FALSE,
                                                            G_FILE_CREATE_PRIVATE, NULL, &error);
      AfCacheKey *cache_key = af_store_get_key (fixture->store);
      const guint8 *head = g_bytes_get_data (image, NULL);

      g_assert_no_error (error);
      g_assert_true (af_crypto_record_write (G_OUTPUT_STREAM (output), cache_key, head, 60000,
                                             &error));
      g_assert_true (af_crypto_record_write (G_OUTPUT_STREAM (output), cache_key, head + 60000,
                                             40000, &error));
      g_assert_true (g_output_stream_write_all (G_OUTPUT_STREAM (output), "\x20\x00\x00\x00AFS1",
                                                8, NULL, NULL, &error));
      g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (output), NULL, &error));
      g_assert_no_error (error);
    }
    g_assert_true (g_file_set_contents (etag_path, info->etag, -1, NULL));
    g_assert_true (af_store_set_state (fixture->store, "object/" MEADOW "/raw", NULL, NULL));

    af_pull_set_objects_only (fixture->pull, MEADOW);
    resumed = af_test_pull_ok (fixture->pull);
    g_assert_cmpuint (resumed->objects_fetched, ==, 1);
    g_assert_cmpuint (resumed->object_bytes, ==, g_bytes_get_size (image) - 100000);
    assert_object (fixture, MEADOW, "raw", AF_OBJECT_OK, sha);
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }
}

/* ---- Faults ----------------------------------------------------------------------------- */

static void
test_pull_faults (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *faults = "{\"throttle\":0.15,\"500\":0.1,\"drop\":0.08,\"drop-after\":0.05,"
                       "\"truncate\":0.08,\"500-after\":0.04}";

  if (g_test_failed () || fixture->pull == NULL)
    return;

  af_pull_set_page_limit (fixture->pull, 3);
  aws_fixture_set_faults (fixture->session, g_getenv (dynamodb_variable ()), faults);
  aws_fixture_set_faults (fixture->session, g_getenv ("AF_PEER_S3_URL"), faults);
  result = af_test_run_pull (fixture->pull, NULL, &error);
  if (result != NULL && error == NULL)
    {
      /* now the loan is cached: mark it and pull its objects through the faults */
      g_assert_true (af_pull_mark_offline (fixture->store, "LOAN-2024-163671", &error));
      g_clear_pointer (&result, af_pull_result_free);
      result = af_test_run_pull (fixture->pull, NULL, &error);
    }
  aws_fixture_set_faults (fixture->session, g_getenv (dynamodb_variable ()), "{"
                          "\"throttle\":0,\"500\":0,\"drop\":0,\"drop-after\":0,\"truncate\":0,"
                          "\"500-after\":0}");
  aws_fixture_set_faults (fixture->session, g_getenv ("AF_PEER_S3_URL"), "{"
                          "\"throttle\":0,\"500\":0,\"drop\":0,\"drop-after\":0,\"truncate\":0,"
                          "\"500-after\":0}");
  g_assert_no_error (error);
  g_test_message ("retries: %u of %u requests",
                  af_dynamodb_client_get_retry_count (fixture->dynamodb),
                  af_dynamodb_client_get_request_count (fixture->dynamodb));
  g_assert_cmpuint (af_dynamodb_client_get_retry_count (fixture->dynamodb), >, 0);
  g_assert_cmpuint (result->objects_fetched, ==, 4);
  g_assert_cmpuint (result->integrity_failures, ==, 0);
  assert_cache_matches_fixtures (fixture->store);
}

/* ---- Errors that must stop the pull ------------------------------------------------------ */

static void
test_pull_not_found (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfPullResult) result = NULL;
  guint before;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  af_pull_set_table_name (fixture->pull, AF_TABLE_DOCUMENTS, "no-such-table");
  before = af_dynamodb_client_get_request_count (fixture->dynamodb);
  result = af_test_run_pull (fixture->pull, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no-such-table"));
  g_assert_nonnull (strstr (error->message, "ResourceNotFoundException"));
  /* not retried */
  g_assert_cmpuint (af_dynamodb_client_get_request_count (fixture->dynamodb) - before, ==, 1);
}

static void
test_pull_bad_credentials (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfPullResult) result = NULL;
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(AfEndpoint) endpoint = NULL;
  g_autoptr(AfDynamodbClient) client = NULL;
  g_autoptr(AfPull) pull = NULL;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  credentials = af_credentials_new (g_getenv ("AF_PEER_ACCESS_KEY_ID"), "not-the-secret", NULL);
  endpoint = af_endpoint_new_for_url (AF_SERVICE_DYNAMODB, g_getenv ("AF_PEER_REGION"),
                                      g_getenv (dynamodb_variable ()), &error);
  g_assert_no_error (error);
  client = af_dynamodb_client_new (fixture->session, endpoint, credentials);
  pull = af_pull_new (fixture->store, client, NULL);
  aws_fixture_name_tables (pull, fixture->suffix);
  result = af_test_run_pull (pull, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_AUTH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "SignatureDoesNotMatch"));
  g_assert_cmpuint (af_dynamodb_client_get_request_count (client), ==, 1);
}

/* ---- Killed in the middle ------------------------------------------------------------------ */

static void
cancel_after_first_page (AfPull       *pull,
                         guint         items,
                         guint64       bytes,
                         GCancellable *cancellable)
{
  if (items >= 4)
    g_cancellable_cancel (cancellable);
}

static void
test_pull_resume (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  gulong handler;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  af_pull_set_page_limit (fixture->pull, 2);
  handler = g_signal_connect (fixture->pull, "progress", G_CALLBACK (cancel_after_first_page),
                              cancellable);
  af_pull_run_async (fixture->pull, cancellable, af_test_store_result, &result);
  first = af_pull_run_finish (fixture->pull, af_test_wait (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (first);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_signal_handler_disconnect (fixture->pull, handler);

  second = af_test_pull_ok (fixture->pull);
  /* resumed where the first stopped: the two pages written before are not read again */
  g_assert_cmpuint (second->read[AF_TABLE_DOCUMENTS], <=, 12 - 4);
  assert_cache_matches_fixtures (fixture->store);
}

/* ---- S3 on its own: multipart upload, and a conditional GET -------------------------------- */

static void
test_s3_multipart (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *bucket = "auditflow-documents-dev";
  const char *key = "multipart/large object+(1).bin";
  gsize size = 11 * 1024 * 1024 + 123;
  g_autofree guint8 *bytes = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) again = NULL;
  g_autoptr(AfS3ObjectInfo) info = NULL;
  g_autoptr(AfS3ObjectInfo) unchanged = NULL;
  g_autoptr(GError) error = NULL;
  guint before;

  if (g_test_failed () || fixture->pull == NULL)
    return;
  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) g_random_int ();
  body = g_bytes_new (bytes, size);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);

  af_s3_client_set_multipart (fixture->s3, AF_S3_MIN_PART_SIZE, AF_S3_MIN_PART_SIZE);
  before = af_s3_client_get_request_count (fixture->s3);
  af_s3_client_put_bytes_async (fixture->s3, bucket, key, body, "application/octet-stream",
                                NULL, af_test_store_result, &result);
  etag = af_s3_client_put_finish (fixture->s3, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (etag);
  /* create, 3 parts, complete */
  g_assert_cmpuint (af_s3_client_get_request_count (fixture->s3) - before, ==, 5);

  g_clear_object (&result);
  path = g_build_filename (fixture->dir, "download", NULL);
  file = g_file_new_for_path (path);
  af_s3_client_get_object_async (fixture->s3, bucket, key, file, NULL, NULL,
                                 af_test_store_result, &result);
  info = af_s3_client_object_finish (fixture->s3, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->sha256, ==, sha);
  g_assert_cmpuint (info->size, ==, size);

  /* the same ETag again: 304, nothing written */
  af_s3_client_get_object_async (fixture->s3, bucket, key, file, info->etag, NULL,
                                 af_test_store_result, &again);
  unchanged = af_s3_client_object_finish (fixture->s3, af_test_wait (&again), &error);
  g_assert_no_error (error);
  g_assert_true (unchanged->not_modified);
  g_assert_cmpuint (unchanged->received, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* quick retries, so that the fault test takes seconds */
  g_setenv ("AF_AWS_RETRY_BASE_MS", "5", TRUE);
  g_setenv ("AF_AWS_RETRY_CAP_MS", "200", TRUE);
  g_setenv ("AF_AWS_RETRY_BUDGET_MS", "20000", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/aws/pull/fixtures", Fixture, NULL, fixture_setup, test_pull_fixtures,
              fixture_teardown);
  g_test_add ("/aws/pull/incremental", Fixture, NULL, fixture_setup, test_pull_incremental,
              fixture_teardown);
  g_test_add ("/aws/pull/refresh-period", Fixture, NULL, fixture_setup, test_pull_refresh_period,
              fixture_teardown);
  g_test_add ("/aws/pull/objects", Fixture, NULL, fixture_setup, test_pull_objects,
              fixture_teardown);
  g_test_add ("/aws/pull/faults", Fixture, NULL, fixture_setup, test_pull_faults,
              fixture_teardown);
  g_test_add ("/aws/pull/not-found", Fixture, NULL, fixture_setup, test_pull_not_found,
              fixture_teardown);
  g_test_add ("/aws/pull/bad-credentials", Fixture, NULL, fixture_setup,
              test_pull_bad_credentials, fixture_teardown);
  g_test_add ("/aws/pull/resume", Fixture, NULL, fixture_setup, test_pull_resume,
              fixture_teardown);
  g_test_add ("/aws/s3/multipart", Fixture, NULL, fixture_setup, test_s3_multipart,
              fixture_teardown);
  return g_test_run ();
}
