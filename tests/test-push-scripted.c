/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The push's state machine (af-push.c) against an in-process DynamoDB on loopback that
 * applies the UpdateItems the push sends (SET, list_append, the version condition,
 * ALL_OLD on a conditional failure) and fails on demand — no Node, no Java:
 *
 * - success: every entry in the cloud in order, once, and gone from the outbox;
 * - throttling: retried, then in; the retry counted in the result's requests;
 * - a conditional failure: another writer on the same attribute is a conflict that
 *   holds the item's later entries; on other attributes, a merge on the new version;
 * - a failure mid-batch: the push stops, what went before is committed, the rest stays
 *   queued with its error, and the next push sends it;
 * - crash safety: an answer lost after the write, and a run killed after the write,
 *   find the entry applied (last_op_id) and never apply it twice;
 * - UPDATED_NEW: the answer's attributes laid over the cached item; an answer without
 *   version or last_op_id is an error naming the item, and the entry stays queued.
 */
#define G_LOG_DOMAIN "test-push-scripted"

#include <string.h>

#include "af-codec.h"
#include "af-push.h"
#include "af-store-sync.h"
#include "af-test-util.h"

#define A1 "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define A2 "05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4"
#define A3 "9b0c7d21-51f4-4a55-8c55-2f7f1a0f8e43"

typedef struct
{
  SoupServer       *server;
  SoupSession      *session;
  AfDynamodbClient *dynamodb;
  AfStore          *store;
  GHashTable       *items;         /* audit_record_id -> JsonObject: the cloud's copy */
  /* The fault: requests for @fault_item answer @fault_status (@fault_type) this many
   * times; with @fault_after_write the update is applied first (the answer is lost). */
  const char       *fault_item;
  guint             fault_times;
  guint             fault_status;
  const char       *fault_type;
  gboolean          fault_after_write;
  /* An attribute left out of UpdateItem's answer (a server's bug, or a forged answer). */
  const char       *reply_drop;
  guint             updates;       /* UpdateItem requests received */
  char             *return_values; /* what the last UpdateItem asked for */
  guint             reply_members; /* how many attributes its answer carried */
} Fixture;

/* ---- The cloud --------------------------------------------------------------------- */

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static const char *
cloud_string (Fixture    *fixture,
              const char *id,
              const char *attribute,
              const char *type)
{
  JsonObject *item = g_hash_table_lookup (fixture->items, id);
  JsonObject *value;

  g_assert_nonnull (item);
  if (!json_object_has_member (item, attribute))
    return NULL;
  value = json_object_get_object_member (item, attribute);
  return json_object_get_string_member (value, type);
}

static gint64
cloud_version (Fixture    *fixture,
               const char *id)
{
  const char *version = cloud_string (fixture, id, "version", "N");

  return version != NULL ? g_ascii_strtoll (version, NULL, 10) : 0;
}

static void
set_cloud_member (JsonObject *item,
                  const char *attribute,
                  const char *type,
                  const char *text)
{
  JsonObject *value = json_object_new ();

  json_object_set_string_member (value, type, text);
  json_object_set_object_member (item, attribute, value);
}

static void
answer (SoupServerMessage *message,
        guint              status,
        const char        *body)
{
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/x-amz-json-1.0", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
answer_error (SoupServerMessage *message,
              guint              status,
              const char        *type,
              JsonObject        *item)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *full_type = g_strconcat ("com.amazonaws.dynamodb.v20120810#", type, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "__type");
  json_builder_add_string_value (builder, full_type);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "scripted failure");
  if (item != NULL)
    {
      json_builder_set_member_name (builder, "Item");
      json_builder_add_value (builder, json_node_init_object (json_node_alloc (), item));
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  answer (message, status, body);
}

static void
answer_item (SoupServerMessage *message,
             const char        *member,
             JsonObject        *item)
{
  g_autoptr(JsonObject) wrapper = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *body = NULL;

  if (item != NULL)
    json_object_set_object_member (wrapper, member, json_object_ref (item));
  json_node_set_object (root, wrapper);
  body = json_to_string (root, FALSE);
  answer (message, 200, body);
}

/* What ReturnValues asks for: UPDATED_NEW, the attributes the update set (the #aN names,
 * version, last_op_id); ALL_NEW, the whole item; else none. */
static void
answer_attributes (Fixture           *fixture,
                   SoupServerMessage *message,
                   JsonObject        *request,
                   JsonObject        *item)
{
  const char *wanted = json_object_has_member (request, "ReturnValues")
                       ? json_object_get_string_member (request, "ReturnValues") : "NONE";
  JsonObject *names = json_object_get_object_member (request, "ExpressionAttributeNames");
  g_autoptr(GList) placeholders = json_object_get_members (names);
  g_autoptr(JsonObject) updated = json_object_new ();

  g_free (fixture->return_values);
  fixture->return_values = g_strdup (wanted);
  if (g_str_equal (wanted, "ALL_NEW"))
    updated = json_object_ref (item);
  else if (g_str_equal (wanted, "UPDATED_NEW"))
    for (GList *l = placeholders; l != NULL; l = l->next)
      {
        const char *name = json_object_get_string_member (names, l->data);

        if ((g_str_has_prefix (l->data, "#a") || g_str_equal (name, "version")
             || g_str_equal (name, "last_op_id")) && g_strcmp0 (name, fixture->reply_drop) != 0)
          json_object_set_member (updated, name,
                                  json_node_copy (json_object_get_member (item, name)));
      }
  fixture->reply_members = json_object_get_size (updated);
  answer_item (message, "Attributes", json_object_get_size (updated) > 0 ? updated : NULL);
}

static const char *
key_id (JsonObject *request)
{
  JsonObject *key = json_object_get_object_member (request, "Key");

  return json_object_get_string_member (json_object_get_object_member (key, "audit_record_id"),
                                        "S");
}

/* The version condition as af-push.c writes it: the stored version (absent: 0) must
 * be :version, and the item must exist. */
static gboolean
condition_holds (JsonObject *item,
                 JsonObject *values)
{
  const char *expected = json_object_get_string_member (
    json_object_get_object_member (values, ":version"), "N");
  gint64 version = 0;

  if (item == NULL)
    return FALSE;
  if (json_object_has_member (item, "version"))
    version = g_ascii_strtoll (json_object_get_string_member (
      json_object_get_object_member (item, "version"), "N"), NULL, 10);
  return version == g_ascii_strtoll (expected, NULL, 10);
}

/* SET #aN = :aN, or list_append for a correction; version + 1; last_op_id = :op. */
static void
apply_update (JsonObject *item,
              JsonObject *request)
{
  const char *update = json_object_get_string_member (request, "UpdateExpression");
  JsonObject *names = json_object_get_object_member (request, "ExpressionAttributeNames");
  JsonObject *values = json_object_get_object_member (request, "ExpressionAttributeValues");
  g_autoptr(GList) placeholders = json_object_get_members (names);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT,
                                              g_ascii_strtoll (json_object_get_string_member (
                                                json_object_get_object_member (values, ":version"),
                                                "N"), NULL, 10) + 1);

  for (GList *l = placeholders; l != NULL; l = l->next)
    {
      const char *placeholder = l->data;
      const char *name = json_object_get_string_member (names, placeholder);
      g_autofree char *value_name = g_strconcat (":", placeholder + 1, NULL);
      g_autofree char *appended = g_strconcat (placeholder, " = list_append", NULL);

      if (!g_str_has_prefix (placeholder, "#a"))
        continue;
      g_assert_null (strstr (update, appended));   /* audits take no correction */
      json_object_set_member (item, name,
                              json_node_copy (json_object_get_member (values, value_name)));
    }
  set_cloud_member (item, "version", "N", version);
  json_object_set_member (item, "last_op_id",
                          json_node_copy (json_object_get_member (values, ":op")));
}

static gboolean
take_fault (Fixture    *fixture,
            const char *id)
{
  if (fixture->fault_times == 0 || g_strcmp0 (fixture->fault_item, id) != 0)
    return FALSE;
  fixture->fault_times--;
  return TRUE;
}

static void
update_item (Fixture           *fixture,
             SoupServerMessage *message,
             JsonObject        *request)
{
  const char *id = key_id (request);
  JsonObject *item = g_hash_table_lookup (fixture->items, id);
  gboolean fault = take_fault (fixture, id);

  fixture->updates++;
  if (fault && !fixture->fault_after_write)
    {
      answer_error (message, fixture->fault_status, fixture->fault_type, NULL);
      return;
    }
  if (!condition_holds (item, json_object_get_object_member (request,
                                                             "ExpressionAttributeValues")))
    {
      g_assert_cmpstr (json_object_get_string_member (
        request, "ReturnValuesOnConditionCheckFailure"), ==, "ALL_OLD");
      answer_error (message, 400, "ConditionalCheckFailedException", item);
      return;
    }
  apply_update (item, request);
  if (fault)
    answer_error (message, fixture->fault_status, fixture->fault_type, NULL);
  else
    answer_attributes (fixture, message, request, item);
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
  SoupMessageBody *body = soup_server_message_get_request_body (message);
  g_autofree char *text = g_strndup (body->data, body->length);
  g_autoptr(JsonObject) request = parse_object (text);

  g_assert_nonnull (soup_message_headers_get_one (headers, "Authorization"));
  if (g_strcmp0 (target, "DynamoDB_20120810.UpdateItem") == 0)
    update_item (fixture, message, request);
  else if (g_strcmp0 (target, "DynamoDB_20120810.GetItem") == 0)
    answer_item (message, "Item", g_hash_table_lookup (fixture->items, key_id (request)));
  else
    answer_error (message, 400, "ValidationException", NULL);
}

/* ---- Fixture ------------------------------------------------------------------------ */

static char *
audit_json (const char *id)
{
  return g_strdup_printf ("{\"audit_record_id\":{\"S\":\"%s\"},"
                          "\"loan_application_id\":{\"S\":\"L-1\"},"
                          "\"status\":{\"S\":\"FAILED\"},\"review_notes\":{\"S\":\"old\"},"
                          "\"version\":{\"N\":\"1\"}}", id);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  static const char * const ids[] = { A1, A2, A3 };
  AfRetryPolicy policy = { .base_ms = 1, .cap_ms = 5, .budget_ms = 200 };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  fixture->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) json_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json = audit_json (ids[i]);

      g_hash_table_insert (fixture->items, (gpointer) ids[i], parse_object (json));
      g_ptr_array_add (items, af_codec_parse_item (json, -1, NULL));
    }
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_set_identity (fixture->store, "tester@example.com");
  g_assert_true (af_store_put_remote_items (fixture->store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);

  fixture->server = soup_server_new (NULL, NULL);
  url = af_test_server_listen (fixture->server, handler, fixture);
  fixture->session = soup_session_new ();
  fixture->dynamodb = af_test_dynamodb_client (fixture->session, url, &policy);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->dynamodb);
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->store);
  g_hash_table_unref (fixture->items);
  g_free (fixture->return_values);
}

static AfPushResult *
run_push (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(AfPush) push = af_push_new (fixture->store, fixture->dynamodb);
  g_autoptr(GAsyncResult) result = NULL;

  /* One lane: the order between items is the outbox's, so "mid-batch" means something. */
  af_push_set_lanes (push, 1);
  af_push_run_async (push, NULL, af_test_store_result, &result);
  return af_push_run_finish (push, af_test_wait (&result), error);
}

static AfPushResult *
push_ok (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  AfPushResult *result = run_push (fixture, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  for (guint i = 0; i < result->problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (result->problems, i));
  return result;
}

static void
set_note (Fixture    *fixture,
          const char *id,
          const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_set_review_notes (fixture->store, id, text, &error));
  g_assert_no_error (error);
}

static gint64
outbox_length (Fixture *fixture)
{
  return af_store_outbox_length (fixture->store, NULL);
}

static gint64
cached_remote_version (Fixture    *fixture,
                       const char *id)
{
  g_autoptr(AfValue) remote = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS, id,
                                                        NULL);
  const char *version = remote != NULL ? af_item_get_n (remote, "version") : NULL;

  return version != NULL ? g_ascii_strtoll (version, NULL, 10) : -1;
}

/* ---- Tests -------------------------------------------------------------------------- */

static void
test_success (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(AfPushResult) result = NULL;
  g_autoptr(GError) error = NULL;

  set_note (fixture, A1, "first look");
  g_assert_true (af_store_mark_reviewed (fixture->store, A1, &error));
  g_assert_no_error (error);
  set_note (fixture, A2, "second item");
  g_assert_cmpint (outbox_length (fixture), ==, 3);

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 3);
  g_assert_cmpuint (result->already, ==, 0);
  g_assert_cmpuint (result->conflicts + result->merged + result->errors, ==, 0);
  g_assert_cmpuint (result->requests, ==, 3);
  /* A1's two entries in order, each on the version the previous one left. */
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "first look");
  g_assert_cmpstr (cloud_string (fixture, A1, "reviewed_by", "S"), ==, "tester@example.com");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 3);
  g_assert_cmpstr (cloud_string (fixture, A2, "review_notes", "S"), ==, "second item");
  g_assert_cmpint (cloud_version (fixture, A2), ==, 2);
  g_assert_cmpint (cloud_version (fixture, A3), ==, 1);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 3);
  g_assert_cmpint (cached_remote_version (fixture, A2), ==, 2);
}

static void
test_throttled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(AfPushResult) result = NULL;

  fixture->fault_item = A1;
  fixture->fault_times = 2;
  fixture->fault_status = 400;
  fixture->fault_type = "ThrottlingException";
  set_note (fixture, A1, "after a wait");

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->errors, ==, 0);
  g_assert_cmpuint (fixture->updates, ==, 3);
  g_assert_cmpuint (result->requests, ==, 3);
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "after a wait");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
}

/* Another writer changed review_notes too: a conflict, and the item's next entry waits. */
static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  JsonObject *cloud = g_hash_table_lookup (fixture->items, A1);
  g_autoptr(AfPushResult) result = NULL;
  g_autoptr(GError) error = NULL;

  set_note (fixture, A1, "mine");
  g_assert_true (af_store_mark_reviewed (fixture->store, A1, &error));
  g_assert_no_error (error);
  set_cloud_member (cloud, "review_notes", "S", "theirs");
  set_cloud_member (cloud, "version", "N", "2");

  result = push_ok (fixture);
  g_assert_cmpuint (result->conflicts, ==, 1);
  g_assert_cmpuint (result->pushed, ==, 0);
  g_assert_true (af_store_conflict_is_open (fixture->store, AF_TABLE_AUDITS, A1, NULL));
  g_assert_cmpint (outbox_length (fixture), ==, 2);
  /* Nothing of ours reached the cloud: not the note, not the review behind it. */
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "theirs");
  g_assert_null (cloud_string (fixture, A1, "reviewed_by", "S"));
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpuint (fixture->updates, ==, 1);
}

/* Another writer changed the status only: our note goes on top of their version. */
static void
test_merge (Fixture       *fixture,
            gconstpointer  data)
{
  JsonObject *cloud = g_hash_table_lookup (fixture->items, A1);
  g_autoptr(AfPushResult) result = NULL;

  set_note (fixture, A1, "mine");
  set_cloud_member (cloud, "status", "S", "PASSED");
  set_cloud_member (cloud, "version", "N", "2");

  result = push_ok (fixture);
  g_assert_cmpuint (result->merged, ==, 1);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->conflicts, ==, 0);
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "mine");
  g_assert_cmpstr (cloud_string (fixture, A1, "status", "S"), ==, "PASSED");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 3);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 3);
}

/* A2 fails on every attempt: the push stops there; A1 is committed, A2 and A3 wait
 * with A2's error, and the next push sends them. */
static void
test_failure_mid_batch (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(AfPushResult) failed = NULL;
  g_autoptr(AfPushResult) second = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  AfOutboxEntry *waiting;

  set_note (fixture, A1, "one");
  set_note (fixture, A2, "two");
  set_note (fixture, A3, "three");
  fixture->fault_item = A2;
  fixture->fault_times = G_MAXUINT;
  fixture->fault_status = 500;
  fixture->fault_type = "InternalServerError";

  failed = run_push (fixture, &error);
  g_assert_null (failed);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_SERVER);
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "one");
  g_assert_cmpstr (cloud_string (fixture, A2, "review_notes", "S"), ==, "old");
  g_assert_cmpstr (cloud_string (fixture, A3, "review_notes", "S"), ==, "old");
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 2);
  outbox = af_store_outbox_list (fixture->store, NULL);
  g_assert_cmpuint (outbox->len, ==, 2);
  waiting = g_ptr_array_index (outbox, 0);
  g_assert_cmpstr (waiting->item_id, ==, A2);
  g_assert_nonnull (waiting->last_error);
  g_assert_cmpstr (((AfOutboxEntry *) g_ptr_array_index (outbox, 1))->item_id, ==, A3);

  fixture->fault_times = 0;
  second = push_ok (fixture);
  g_assert_cmpuint (second->pushed, ==, 2);
  g_assert_cmpstr (cloud_string (fixture, A2, "review_notes", "S"), ==, "two");
  g_assert_cmpstr (cloud_string (fixture, A3, "review_notes", "S"), ==, "three");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
}

/* The write went through but its answer was lost (a 500 after the write): the retry's
 * conditional failure carries our last_op_id, so the entry is done, applied once. */
static void
test_answer_lost (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AfPushResult) result = NULL;

  set_note (fixture, A1, "once");
  fixture->fault_item = A1;
  fixture->fault_times = 1;
  fixture->fault_status = 500;
  fixture->fault_type = "InternalServerError";
  fixture->fault_after_write = TRUE;

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->already, ==, 1);
  g_assert_cmpuint (result->conflicts + result->merged, ==, 0);
  g_assert_cmpuint (fixture->updates, ==, 2);
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 2);
}

/* A run killed after its write and before its commit: the outbox still holds the entry
 * the cloud already carries; the next push finds it there and does not apply it again. */
static void
test_killed_after_write (Fixture       *fixture,
                         gconstpointer  data)
{
  JsonObject *cloud = g_hash_table_lookup (fixture->items, A1);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AfPushResult) result = NULL;
  AfOutboxEntry *entry;

  set_note (fixture, A1, "before the crash");
  outbox = af_store_outbox_list (fixture->store, NULL);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  set_cloud_member (cloud, "review_notes", "S", "before the crash");
  set_cloud_member (cloud, "version", "N", "2");
  set_cloud_member (cloud, "last_op_id", "S", entry->op_id);

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->already, ==, 1);
  g_assert_cmpuint (result->conflicts + result->merged, ==, 0);
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 2);
}

/* The same, and another writer (not the app: no last_op_id of its own) changed the note
 * after our write: only last_op_id says the entry is in; it is done, not a conflict. */
static void
test_applied_then_changed (Fixture       *fixture,
                           gconstpointer  data)
{
  JsonObject *cloud = g_hash_table_lookup (fixture->items, A1);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AfPushResult) result = NULL;
  AfOutboxEntry *entry;

  set_note (fixture, A1, "ours");
  outbox = af_store_outbox_list (fixture->store, NULL);
  entry = g_ptr_array_index (outbox, 0);
  set_cloud_member (cloud, "review_notes", "S", "edited elsewhere afterwards");
  set_cloud_member (cloud, "version", "N", "3");
  set_cloud_member (cloud, "last_op_id", "S", entry->op_id);

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->already, ==, 1);
  g_assert_cmpuint (result->conflicts + result->merged, ==, 0);
  g_assert_false (af_store_conflict_is_open (fixture->store, AF_TABLE_AUDITS, A1, NULL));
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==,
                   "edited elsewhere afterwards");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 3);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
}

/* The push asks for UPDATED_NEW (not the whole item back) and lays the answer over the
 * item it had: the cache's remote copy gets the new version, last_op_id and note, and
 * keeps every attribute the update did not touch. */
static void
test_updated_new (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(AfPushResult) result = NULL;
  g_autoptr(AfValue) remote = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autofree char *op_id = NULL;

  set_note (fixture, A1, "short answer");
  outbox = af_store_outbox_list (fixture->store, NULL);
  op_id = g_strdup (((AfOutboxEntry *) g_ptr_array_index (outbox, 0))->op_id);

  result = push_ok (fixture);
  g_assert_cmpuint (result->pushed, ==, 1);
  g_assert_cmpuint (result->requests, ==, 1);
  g_assert_cmpstr (fixture->return_values, ==, "UPDATED_NEW");
  g_assert_cmpuint (fixture->reply_members, ==, 3);   /* review_notes, version, last_op_id */
  remote = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS, A1, NULL);
  g_assert_nonnull (remote);
  g_assert_cmpstr (af_item_get_n (remote, "version"), ==, "2");
  g_assert_cmpstr (af_item_get_s (remote, "last_op_id"), ==, op_id);
  g_assert_cmpstr (af_item_get_s (remote, "review_notes"), ==, "short answer");
  g_assert_cmpstr (af_item_get_s (remote, "loan_application_id"), ==, "L-1");
  g_assert_cmpstr (af_item_get_s (remote, "status"), ==, "FAILED");
  g_assert_cmpstr (af_item_get_s (remote, "audit_record_id"), ==, A1);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
}

/* An answer without version or last_op_id does not show the update applied: an error
 * naming the item, the entry (and the item's next one) kept queued, nothing cached as
 * pushed; the next push finds the entry in the cloud by last_op_id, applied once. */
static void
test_updated_new_incomplete (Fixture       *fixture,
                             gconstpointer  data)
{
  const char *dropped = data;
  g_autoptr(AfPushResult) first = NULL;
  g_autoptr(AfPushResult) second = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem;

  fixture->reply_drop = dropped;
  set_note (fixture, A1, "answer lost in part");
  g_assert_true (af_store_mark_reviewed (fixture->store, A1, &error));
  g_assert_no_error (error);

  first = push_ok (fixture);
  g_assert_cmpuint (first->pushed, ==, 0);
  g_assert_cmpuint (first->errors, ==, 1);
  g_assert_cmpuint (first->waiting, ==, 2);   /* the refused entry and the next */
  g_assert_cmpuint (first->problems->len, ==, 1);
  problem = g_ptr_array_index (first->problems, 0);
  g_assert_nonnull (strstr (problem, A1));
  g_assert_nonnull (strstr (problem, dropped));
  g_assert_cmpuint (fixture->updates, ==, 1);
  g_assert_cmpint (cloud_version (fixture, A1), ==, 2);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 1);
  outbox = af_store_outbox_list (fixture->store, NULL);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_assert_nonnull (strstr (((AfOutboxEntry *) g_ptr_array_index (outbox, 0))->last_error,
                            dropped));

  fixture->reply_drop = NULL;
  second = push_ok (fixture);
  g_assert_cmpuint (second->pushed, ==, 2);
  g_assert_cmpuint (second->already, ==, 1);
  g_assert_cmpuint (second->conflicts + second->errors, ==, 0);
  g_assert_cmpstr (cloud_string (fixture, A1, "review_notes", "S"), ==, "answer lost in part");
  g_assert_cmpstr (cloud_string (fixture, A1, "reviewed_by", "S"), ==, "tester@example.com");
  g_assert_cmpint (cloud_version (fixture, A1), ==, 3);
  g_assert_cmpint (cached_remote_version (fixture, A1), ==, 3);
  g_assert_cmpint (outbox_length (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-push-scripted-XXXXXX");

#define ADD(path, func) \
  g_test_add ("/push/scripted/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("success", test_success);
  ADD ("throttled", test_throttled);
  ADD ("conflict", test_conflict);
  ADD ("merge", test_merge);
  ADD ("failure-mid-batch", test_failure_mid_batch);
  ADD ("answer-lost", test_answer_lost);
  ADD ("killed-after-write", test_killed_after_write);
  ADD ("applied-then-changed-elsewhere", test_applied_then_changed);
  ADD ("updated-new", test_updated_new);
#undef ADD
  g_test_add ("/push/scripted/updated-new-without-version", Fixture, "version", fixture_setup,
              test_updated_new_incomplete, fixture_teardown);
  g_test_add ("/push/scripted/updated-new-without-last-op-id", Fixture, "last_op_id",
              fixture_setup, test_updated_new_incomplete, fixture_teardown);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
