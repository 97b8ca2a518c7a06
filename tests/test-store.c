/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local cache: the fixtures import, every seed query pattern answers what
 * expected.json says, unknown attributes survive, each edit changes its item and
 * adds its outbox entry atomically, and a cache from a newer schema, a corrupt cache
 * or a malformed import file is refused without anything changing.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "af-codec.h"
#include "af-field-list.h"
#include "af-store.h"
#include "af-store-test-private.h"
#include "af-test-util.h"

static const char * const fixture_files[] = {
  "AuditFlow-Documents.json",
  "AuditFlow-AuditRecords.json",
  "artguard-image-analysis-dev.json",
  "artguard-users-dev.json",
};

#define LOW_RISK_AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define W2_DOCUMENT "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"
#define PENDING_ANALYSIS "3b3a277b-9bb8-4898-a80a-bdfe2a06318d"
#define REVIEWER "reviewer@example.com"

/* ---- Helpers --------------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", name, NULL);
}


static JsonObject *
expected (void)
{
  static JsonParser *parser = NULL;

  if (parser == NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "expected.json", NULL);
      g_autoptr(GError) error = NULL;

      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }
  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
expected_member (const char *name)
{
  return json_object_get_object_member (expected (), name);
}

static AfStore *
open_store (const char *name)
{
  g_autofree char *path = af_test_scratch (name);
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static AfStore *
open_with_fixtures (void)
{
  AfStore *store = open_store ("cache.db");

  for (guint i = 0; i < G_N_ELEMENTS (fixture_files); i++)
    {
      g_autofree char *path = fixture_path (fixture_files[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (af_store_import_file (store, path, NULL, &error));
      g_assert_no_error (error);
    }
  return store;
}

static GPtrArray *
fixture_items (const char *file)
{
  g_autofree char *path = fixture_path (file);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  GPtrArray *items;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  items = af_codec_parse_items_page (contents, length, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static AfValue *
get_item (AfStore    *store,
          AfTable     table,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_store_get_item (store, table, id, &error);

  g_assert_no_error (error);
  return item;
}

static char *
item_string (AfStore    *store,
             AfTable     table,
             const char *id)
{
  g_autoptr(AfValue) item = get_item (store, table, id);

  return af_codec_item_to_string (item);
}

/* The @key attribute of each item, in order, joined with spaces: easy to compare and
 * to read in a failure message. */
static char *
ids_of (GPtrArray  *items,
        const char *key)
{
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "",
                            af_item_get_s (g_ptr_array_index (items, i), key));
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static char *
join_ids (GPtrArray *ids)
{
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

/* Every expected document (or audit) of every loan, as JSON objects. */
static GPtrArray *
expected_records (const char *member)
{
  JsonObject *loans = expected_member ("loan_applications");
  g_autoptr(GList) loan_ids = json_object_get_members (loans);
  GPtrArray *records = g_ptr_array_new ();

  for (GList *l = loan_ids; l != NULL; l = l->next)
    {
      JsonObject *loan = json_object_get_object_member (loans, l->data);
      JsonArray *array = json_object_get_array_member (loan, member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (records, json_array_get_object_element (array, i));
    }
  return records;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* The ids of @records that have @field = @value (all when @field is NULL), sorted:
 * what a query must return, compared as a set. */
static char *
expected_ids (GPtrArray  *records,
              const char *id_member,
              const char *field,
              const char *value)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);

      if (field == NULL || g_strcmp0 (json_object_get_string_member (record, field), value) == 0)
        g_ptr_array_add (ids, (char *) json_object_get_string_member (record, id_member));
    }
  g_ptr_array_sort (ids, compare_strings);
  return join_ids (ids);
}

static char *
sorted_ids_of (GPtrArray  *items,
               const char *key)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (ids, (char *) af_item_get_s (g_ptr_array_index (items, i), key));
  g_ptr_array_sort (ids, compare_strings);
  return join_ids (ids);
}

/* The artworks of expected.json as records that carry their request_id. */
static GPtrArray *
expected_artworks (void)
{
  JsonObject *artworks = expected_member ("artworks");
  g_autoptr(GList) ids = json_object_get_members (artworks);
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *record = json_object_new ();
      JsonObject *artwork = json_object_get_object_member (artworks, l->data);

      json_object_set_string_member (record, "request_id", l->data);
      json_object_set_string_member (record, "user_id",
                                     json_object_get_string_member (artwork, "user_id"));
      json_object_set_string_member (record, "status",
                                     json_object_get_string_member (artwork, "status"));
      g_ptr_array_add (records, record);
    }
  return records;
}

/* ---- Import ---------------------------------------------------------------------- */

static AfTable
table_of_file (const char *file)
{
  static const AfTable tables[] = {
    AF_TABLE_DOCUMENTS, AF_TABLE_AUDITS, AF_TABLE_ANALYSES, AF_TABLE_USERS,
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixture_files); i++)
    if (g_str_equal (fixture_files[i], file))
      return tables[i];
  g_assert_not_reached ();
}

static void
test_import_fixtures (void)
{
  g_autoptr(AfStore) store = open_store ("cache.db");
  JsonObject *counts = json_object_get_object_member (expected_member ("counts"), "items");

  for (guint i = 0; i < G_N_ELEMENTS (fixture_files); i++)
    {
      g_autofree char *path = fixture_path (fixture_files[i]);
      g_autofree char *name = g_strndup (fixture_files[i], strlen (fixture_files[i]) - 5);
      guint expected_count = json_object_get_int_member (counts, name);
      AfTable table = table_of_file (fixture_files[i]);
      AfQuery all = { .table = table };
      guint got[AF_N_TABLES];
      g_autoptr(GError) error = NULL;

      g_assert_true (af_store_import_file (store, path, got, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (got[table], ==, expected_count);
      g_assert_cmpint (af_store_count (store, &all, &error), ==, expected_count);
    }
}

/* Every fixture item comes back exactly as it went in, unknown attributes included. */
static void
test_items_survive (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();

  for (guint f = 0; f < G_N_ELEMENTS (fixture_files); f++)
    {
      g_autoptr(GPtrArray) items = fixture_items (fixture_files[f]);
      AfTable table = table_of_file (fixture_files[f]);

      for (guint i = 0; i < items->len; i++)
        {
          AfValue *item = g_ptr_array_index (items, i);
          const char *id = af_item_get_s (item, af_table_key_name (table));
          g_autofree char *want = af_codec_item_to_string (item);
          g_autofree char *got = item_string (store, table, id);

          g_assert_cmpstr (got, ==, want);
        }
    }
}

static void
test_unknown_attributes (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) items = fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(AfValue) nested = af_value_new_map ();
  AfValue *item = g_ptr_array_index (items, 0);
  const char *id = af_item_get_s (item, "audit_record_id");
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;

  af_value_map_set (nested, "deep", af_value_new_n ("12345678901234567890.123456789"));
  af_value_map_set (item, "pipeline_future_field", af_value_ref (nested));
  af_value_map_set (item, "zz_flag", af_value_new_bool (TRUE));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);

  want = af_codec_item_to_string (item);
  got = item_string (store, AF_TABLE_AUDITS, id);
  g_assert_cmpstr (got, ==, want);

  /* …and an edit keeps them too. */
  g_assert_true (af_store_set_review_notes (store, id, "checked", &error));
  g_clear_pointer (&got, g_free);
  got = item_string (store, AF_TABLE_AUDITS, id);
  g_assert_nonnull (strstr (got, "\"pipeline_future_field\":{\"M\":{\"deep\":{\"N\":\"12345678901234567890.123456789\"}}}"));
}

/* Tolerant reading: a risk_score of the wrong type is stored (whole) with its
 * column empty, reported by af_store_check_item(), and the rest goes on. */
static void
test_wrong_type_tolerated (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) items = fixture_items ("AuditFlow-AuditRecords.json");
  AfValue *item = g_ptr_array_index (items, 0);
  const char *id = af_item_get_s (item, "audit_record_id");
  g_autoptr(GPtrArray) above = NULL;
  g_autoptr(AfValue) stored = NULL;
  g_autofree char *above_ids = NULL;
  g_autoptr(GError) error = NULL;

  af_value_map_set (item, "risk_score", af_value_new_s ("ninety"));
  g_assert_false (af_store_check_item (AF_TABLE_AUDITS, item, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "risk_score"));
  g_clear_error (&error);

  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);
  stored = get_item (store, AF_TABLE_AUDITS, id);
  g_assert_cmpstr (af_item_get_s (stored, "risk_score"), ==, "ninety");

  above = af_store_audits_above_risk (store, "COMPLETED", -1, &error);
  g_assert_no_error (error);
  above_ids = ids_of (above, "audit_record_id");
  g_assert_null (strstr (above_ids, id));
}

/* A batch large enough to be written on worker threads: every item lands whole, in
 * its place, and an edit pending on one of them is kept on top of its new copy. */
static void
test_large_batch (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) fixtures = fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(AfValue) edited = NULL;
  g_autoptr(GError) error = NULL;
  AfQuery all = { .table = AF_TABLE_AUDITS };
  guint n = 1000;

  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "kept", &error));
  for (guint i = 0; i < n; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (fixtures, i % fixtures->len));
      g_autofree char *id = g_strdup_printf ("bulk-%04u", i);

      if (i != 500)
        af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      else
        af_value_map_set (item, "audit_record_id", af_value_new_s (LOW_RISK_AUDIT));
      af_value_map_set (item, "risk_score", af_value_new_n_int (i % 101));
      g_ptr_array_add (batch, item);
    }
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, batch, &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_store_count (store, &all, NULL), ==, n + fixtures->len - 1);

  for (guint i = 0; i < n; i += 37)
    {
      AfValue *item = g_ptr_array_index (batch, i);
      g_autofree char *want = af_codec_item_to_string (item);
      g_autofree char *got = item_string (store, AF_TABLE_AUDITS, af_item_get_s (item, "audit_record_id"));

      if (i != 500)
        g_assert_cmpstr (got, ==, want);
    }
  edited = get_item (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (edited, "review_notes"), ==, "kept");
  g_assert_cmpstr (af_item_get_n (edited, "risk_score"), ==, "96");   /* 500 % 101 */

  /* A failure half-way (the workers are ahead) leaves the cache as it was. */
  for (guint i = 0; i < n; i++)
    af_value_map_set (g_ptr_array_index (batch, i), "status", af_value_new_s ("FAILED"));
  af_store_inject_failure (store, "during-put");
  g_assert_false (af_store_put_remote_items (store, AF_TABLE_AUDITS, batch, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);
  g_clear_error (&error);
  all.status = "FAILED";
  g_assert_cmpint (af_store_count (store, &all, NULL), ==, 0);

  /* A bad item anywhere refuses the whole batch. */
  af_value_map_remove (g_ptr_array_index (batch, 700), "audit_record_id");
  g_assert_false (af_store_put_remote_items (store, AF_TABLE_AUDITS, batch, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "item 700"));
}

/* @n copies of the fixtures' audits, named page-0000…, all of @status. */
static GPtrArray *
audit_page (guint       n,
            const char *status)
{
  g_autoptr(GPtrArray) fixtures = fixture_items ("AuditFlow-AuditRecords.json");
  GPtrArray *page = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (guint i = 0; i < n; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (fixtures, i % fixtures->len));
      g_autofree char *id = g_strdup_printf ("page-%04u", i);

      af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      af_value_map_set (item, "status", af_value_new_s (status));
      g_ptr_array_add (page, item);
    }
  return page;
}

/* A pull's page and its watermark are one transaction: both or neither. */
static void
test_page_with_state (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) page = audit_page (300, "FAILED");
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  AfQuery failed = { .table = AF_TABLE_AUDITS, .status = "FAILED" };

  g_assert_true (af_store_put_remote_page (store, AF_TABLE_AUDITS, page, "pull/test", "w1", &error));
  g_assert_no_error (error);
  state = af_store_get_state (store, "pull/test", NULL);
  g_assert_cmpstr (state, ==, "w1");
  g_assert_cmpint (af_store_count (store, &failed, NULL), ==, 300);

  for (guint i = 0; i < page->len; i++)
    af_value_map_set (g_ptr_array_index (page, i), "status", af_value_new_s ("COMPLETED"));
  af_store_inject_failure (store, "during-put");
  g_assert_false (af_store_put_remote_page (store, AF_TABLE_AUDITS, page, "pull/test", "w2", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);
  g_clear_error (&error);
  g_clear_pointer (&state, g_free);
  state = af_store_get_state (store, "pull/test", NULL);
  g_assert_cmpstr (state, ==, "w1");
  g_assert_cmpint (af_store_count (store, &failed, NULL), ==, 300);

  /* The store goes on as usual afterwards: an edit, then a page that clears the state. */
  g_assert_true (af_store_set_review_notes (store, "page-0007", "after", &error));
  g_assert_no_error (error);
  g_assert_true (af_store_put_remote_page (store, AF_TABLE_AUDITS, page, "pull/test", NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&state, g_free);
  state = af_store_get_state (store, "pull/test", NULL);
  g_assert_null (state);
  g_assert_cmpint (af_store_count (store, &failed, NULL), ==, 0);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
}

/* ---- The seeds' query patterns against expected.json ------------------------------ */

static void
assert_ordered (GPtrArray  *items,
                const char *attribute,
                gboolean    descending)
{
  for (guint i = 1; i < items->len; i++)
    {
      AfValue *before = g_ptr_array_index (items, i - 1);
      AfValue *after = g_ptr_array_index (items, i);
      const char *a = af_item_get_s (before, attribute);
      const char *b = af_item_get_s (after, attribute);
      int order;

      if (a != NULL)
        order = g_strcmp0 (a, b);
      else
        order = (af_item_get_double (before, attribute, 0) > af_item_get_double (after, attribute, 0))
                - (af_item_get_double (before, attribute, 0) < af_item_get_double (after, attribute, 0));
      if (descending)
        g_assert_cmpint (order, >=, 0);
      else
        g_assert_cmpint (order, <=, 0);
    }
}

/* Pattern 1: the documents of a loan, by upload time. */
static void
test_documents_for_loan (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) records = expected_records ("documents");
  JsonObject *loans = expected_member ("loan_applications");
  g_autoptr(GList) loan_ids = json_object_get_members (loans);

  for (GList *l = loan_ids; l != NULL; l = l->next)
    {
      JsonObject *loan = json_object_get_object_member (loans, l->data);
      JsonArray *documents = json_object_get_array_member (loan, "documents");
      g_autoptr(GPtrArray) of_loan = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = af_store_documents_for_loan (store, l->data, &error);
      g_autofree char *got_ids = NULL;
      g_autofree char *want_ids = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < json_array_get_length (documents); i++)
        g_ptr_array_add (of_loan, json_array_get_object_element (documents, i));
      got_ids = sorted_ids_of (got, "document_id");
      want_ids = expected_ids (of_loan, "document_id", NULL, NULL);
      g_assert_cmpstr (got_ids, ==, want_ids);
      g_assert_cmpuint (got->len, ==, json_object_get_int_member (loan, "document_count"));
      assert_ordered (got, "upload_timestamp", FALSE);
    }
}

/* Pattern 2: documents by processing status (the audit queue). */
static void
test_documents_by_status (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) records = expected_records ("documents");
  const char *statuses[] = { "COMPLETED", "FAILED", "PENDING", "PROCESSING" };

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = af_store_documents_by_status (store, statuses[s], &error);
      g_autofree char *want = expected_ids (records, "document_id", "processing_status", statuses[s]);
      g_autofree char *got_ids = NULL;

      g_assert_no_error (error);
      got_ids = sorted_ids_of (got, "document_id");
      g_assert_cmpstr (got_ids, ==, want);
      assert_ordered (got, "upload_timestamp", FALSE);
    }
}

/* Pattern 3: completed audits with risk_score > 50, highest first. */
static void
test_audits_above_risk (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) records = expected_records ("audit_records");
  g_autoptr(GPtrArray) above = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) got = af_store_audits_above_risk (store, "COMPLETED", 50, &error);
  g_autofree char *got_ids = NULL;
  g_autofree char *want = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);

      if (g_ascii_strtod (json_object_get_string_member (record, "risk_score"), NULL) > 50)
        g_ptr_array_add (above, record);
    }
  want = expected_ids (above, "audit_record_id", "status", "COMPLETED");
  got_ids = sorted_ids_of (got, "audit_record_id");
  g_assert_cmpstr (got_ids, ==, want);
  g_assert_cmpuint (got->len, >, 0);
  assert_ordered (got, "risk_score", TRUE);
}

/* Pattern 4: the audit history of a loan, newest first. */
static void
test_audit_history (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  JsonObject *loans = expected_member ("loan_applications");
  g_autoptr(GList) loan_ids = json_object_get_members (loans);

  for (GList *l = loan_ids; l != NULL; l = l->next)
    {
      JsonObject *loan = json_object_get_object_member (loans, l->data);
      JsonArray *audits = json_object_get_array_member (loan, "audit_records");
      g_autoptr(GPtrArray) of_loan = g_ptr_array_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = af_store_audit_history (store, l->data, &error);
      g_autofree char *got_ids = NULL;
      g_autofree char *want = NULL;

      g_assert_no_error (error);
      for (guint i = 0; i < json_array_get_length (audits); i++)
        g_ptr_array_add (of_loan, json_array_get_object_element (audits, i));
      want = expected_ids (of_loan, "audit_record_id", NULL, NULL);
      got_ids = sorted_ids_of (got, "audit_record_id");
      g_assert_cmpstr (got_ids, ==, want);
      assert_ordered (got, "audit_timestamp", TRUE);
      /* The newest is the one expected.json calls the latest. */
      g_assert_cmpstr (af_item_get_s (g_ptr_array_index (got, 0), "audit_record_id"), ==,
                       json_object_get_string_member (loan, "latest_audit_record_id"));
    }
}

/* ArtGuard 2: a user's analyses, newest first, a page at a time with a cursor. */
static void
test_analyses_for_user (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) artworks = expected_artworks ();
  JsonObject *users = expected_member ("users");
  g_autoptr(GList) user_ids = json_object_get_members (users);

  for (GList *l = user_ids; l != NULL; l = l->next)
    {
      JsonObject *user = json_object_get_object_member (users, l->data);
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      g_autofree char *cursor = NULL;
      g_autofree char *got_ids = NULL;
      g_autofree char *want = expected_ids (artworks, "request_id", "user_id", l->data);

      for (;;)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GPtrArray) page = af_store_analyses_for_user (store, l->data, cursor, 2, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (page->len, <=, 2);
          if (page->len == 0)
            break;
          g_free (cursor);
          cursor = g_strdup (af_item_get_n (g_ptr_array_index (page, page->len - 1), "created_at"));
          for (guint i = 0; i < page->len; i++)
            g_ptr_array_add (all, af_value_ref (g_ptr_array_index (page, i)));
        }
      g_assert_cmpuint (all->len, ==, json_object_get_int_member (user, "analyses"));
      got_ids = sorted_ids_of (all, "request_id");
      g_assert_cmpstr (got_ids, ==, want);
      assert_ordered (all, "created_at", TRUE);
    }
}

/* ArtGuard 5 and 7: analyses by status. */
static void
test_analyses_by_status (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) artworks = expected_artworks ();
  const char *statuses[] = { "PENDING", "PROCESSING", "COMPLETED", "FAILED" };

  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) got = af_store_analyses_by_status (store, statuses[s], &error);
      g_autofree char *want = expected_ids (artworks, "request_id", "status", statuses[s]);
      g_autofree char *got_ids = NULL;
      AfQuery count = { .table = AF_TABLE_ANALYSES, .status = statuses[s] };

      g_assert_no_error (error);
      got_ids = sorted_ids_of (got, "request_id");
      g_assert_cmpstr (got_ids, ==, want);
      g_assert_cmpint (af_store_count (store, &count, NULL), ==, got->len);
    }
}

/* ArtGuard 3: a user by e-mail. */
static void
test_user_by_email (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  JsonObject *users = expected_member ("users");
  g_autoptr(GList) user_ids = json_object_get_members (users);
  g_autoptr(AfValue) nobody = NULL;
  g_autoptr(GError) error = NULL;

  for (GList *l = user_ids; l != NULL; l = l->next)
    {
      JsonObject *user = json_object_get_object_member (users, l->data);
      g_autoptr(AfValue) got = af_store_user_by_email (store,
                                                       json_object_get_string_member (user, "email"),
                                                       &error);

      g_assert_no_error (error);
      g_assert_cmpstr (af_item_get_s (got, "user_id"), ==, l->data);
      g_assert_cmpstr (af_item_get_s (got, "account_tier"), ==,
                       json_object_get_string_member (user, "account_tier"));
    }
  nobody = af_store_user_by_email (store, "nobody@example.com", &error);
  g_assert_null (nobody);
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
}

static void
test_get_and_find (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) missing = NULL;
  g_autoptr(GError) error = NULL;
  const struct { const char *id; AfTable table; } cases[] = {
    { LOW_RISK_AUDIT, AF_TABLE_AUDITS },
    { W2_DOCUMENT, AF_TABLE_DOCUMENTS },
    { PENDING_ANALYSIS, AF_TABLE_ANALYSES },
    { "9c88c2a4-ceb4-4e49-bbca-bd2d523cedc6", AF_TABLE_USERS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AfTable table = AF_N_TABLES;
      g_autoptr(AfValue) item = af_store_find_item (store, cases[i].id, &table, &error);

      g_assert_no_error (error);
      g_assert_cmpint (table, ==, cases[i].table);
      g_assert_cmpstr (af_item_get_s (item, af_table_key_name (table)), ==, cases[i].id);
    }
  missing = af_store_find_item (store, "no-such-id", NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
}

/* AfQuery: search with literal wildcards, paging, counting, the reviewed filter. */
static void
test_query_filters (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) records = expected_records ("documents");
  g_autoptr(GError) error = NULL;
  AfQuery by_name = { .table = AF_TABLE_AUDITS, .search = "okafor" };
  AfQuery by_file = { .table = AF_TABLE_DOCUMENTS, .search = "W2_2023" };
  AfQuery wildcard = { .table = AF_TABLE_DOCUMENTS, .search = "W2%2023" };
  AfQuery underscore = { .table = AF_TABLE_DOCUMENTS, .search = "_" };
  AfQuery page = { .table = AF_TABLE_DOCUMENTS, .offset = 4, .limit = 5 };
  AfQuery all = { .table = AF_TABLE_DOCUMENTS };
  AfQuery risky = { .table = AF_TABLE_AUDITS, .order_by_risk = TRUE };
  AfQuery bad = { .table = AF_TABLE_USERS, .loan_id = "LOAN" };
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GPtrArray) whole = NULL;
  guint with_underscore = 0;

  got = af_store_query (store, &by_name, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (af_item_get_s (g_ptr_array_index (got, 0), "loan_application_id"), ==,
                   "LOAN-2024-259508");
  g_clear_pointer (&got, g_ptr_array_unref);

  got = af_store_query (store, &by_file, &error);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (af_item_get_s (g_ptr_array_index (got, 0), "document_id"), ==, W2_DOCUMENT);
  g_assert_cmpint (af_store_count (store, &wildcard, &error), ==, 0);

  for (guint i = 0; i < records->len; i++)
    if (strchr (json_object_get_string_member (g_ptr_array_index (records, i), "file_name"), '_'))
      with_underscore++;
  g_assert_cmpint (af_store_count (store, &underscore, &error), ==, with_underscore);

  whole = af_store_query (store, &all, &error);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = af_store_query (store, &page, &error);
  g_assert_cmpuint (got->len, ==, 5);
  for (guint i = 0; i < got->len; i++)
    g_assert_true (af_value_equal (g_ptr_array_index (got, i), g_ptr_array_index (whole, i + 4)));
  g_assert_cmpint (af_store_count (store, &page, &error), ==, records->len);

  g_clear_pointer (&got, g_ptr_array_unref);
  got = af_store_query (store, &risky, &error);
  assert_ordered (got, "risk_score", TRUE);

  g_assert_null (af_store_query (store, &bad, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
}

static void
test_reviewed_filter (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  AfQuery reviewed = { .table = AF_TABLE_AUDITS, .reviewed = AF_REVIEWED_YES };
  AfQuery unreviewed = { .table = AF_TABLE_AUDITS, .reviewed = AF_REVIEWED_NO };
  AfQuery all = { .table = AF_TABLE_AUDITS };
  g_autoptr(GPtrArray) items = af_store_query (store, &all, NULL);
  gint64 with_reviewer = 0;
  gint64 before;

  for (guint i = 0; i < items->len; i++)
    if (af_item_get_s (g_ptr_array_index (items, i), "reviewed_by") != NULL)
      with_reviewer++;
  g_assert_cmpint (af_store_count (store, &reviewed, NULL), ==, with_reviewer);
  g_assert_cmpint (af_store_count (store, &unreviewed, NULL), ==, items->len - with_reviewer);

  /* Marking one reviewed moves it across. */
  before = af_store_count (store, &unreviewed, NULL);
  if (before > 0)
    {
      g_autoptr(GPtrArray) open_ones = af_store_query (store, &unreviewed, NULL);
      const char *id = af_item_get_s (g_ptr_array_index (open_ones, 0), "audit_record_id");

      af_store_set_identity (store, REVIEWER);
      g_assert_true (af_store_mark_reviewed (store, id, NULL));
      g_assert_cmpint (af_store_count (store, &unreviewed, NULL), ==, before - 1);
    }
}

/* ---- Edits and the outbox ------------------------------------------------------------ */

static AfOutboxEntry *
last_entry (AfStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = af_store_outbox_list (store, &error);
  AfOutboxEntry *entry;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  entry = g_ptr_array_steal_index (entries, entries->len - 1);
  return entry;
}

static void
test_edit_atomic (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autofree char *before = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  af_store_set_identity (store, REVIEWER);

  af_store_inject_failure (store, "after-item-update");
  g_assert_false (af_store_set_review_notes (store, LOW_RISK_AUDIT, "lost", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);
  g_clear_error (&error);
  after = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 0);

  /* The same with a correction, whose change is an append. */
  g_clear_pointer (&before, g_free);
  g_clear_pointer (&after, g_free);
  before = item_string (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  af_store_inject_failure (store, "after-item-update");
  g_assert_false (af_store_add_correction (store, W2_DOCUMENT, "employer_ein", "46-5624256",
                                           NULL, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);
  g_clear_error (&error);
  after = item_string (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 0);

  /* The failure fires once; the next edit goes through whole. */
  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "kept", &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
}

static void
test_edit_note (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autofree char *remote_before = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) remote = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *remote_text = NULL;

  /* A note needs no identity: it records no one. */
  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "first draft", &error));
  g_assert_no_error (error);
  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "final text", &error));
  item = get_item (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "final text");

  /* Saved as one types: one entry with the latest text. */
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_NOTE);
  g_assert_cmpint (entry->table, ==, AF_TABLE_AUDITS);
  g_assert_cmpstr (entry->item_id, ==, LOW_RISK_AUDIT);
  g_assert_cmpuint (af_value_map_size (entry->changes), ==, 1);
  g_assert_cmpstr (af_item_get_s (entry->changes, "review_notes"), ==, "final text");
  g_assert_true (g_uuid_string_is_valid (entry->op_id));
  g_assert_cmpint (entry->base_version, ==, 0);
  g_assert_cmpuint (entry->attempts, ==, 0);

  /* Once the push has tried it, a new note is a new entry. */
  g_assert_true (af_store_outbox_mark_attempt (store, entry->seq, "timeout", &error));
  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "after the attempt", &error));
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);

  /* The remote copy is what the cloud said. */
  remote = af_store_get_remote_item (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT, &error);
  g_assert_no_error (error);
  remote_text = af_codec_item_to_string (remote);
  g_assert_cmpstr (remote_text, ==, remote_before);
}

static void
test_edit_review (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (af_store_mark_reviewed (store, LOW_RISK_AUDIT, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY);
  g_clear_error (&error);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 0);

  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "looks fine", &error));
  g_assert_true (af_store_mark_reviewed (store, LOW_RISK_AUDIT, &error));
  g_assert_no_error (error);
  item = get_item (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "reviewed_by"), ==, REVIEWER);
  g_assert_cmpstr (af_item_get_s (item, "review_timestamp"), ==, g_getenv ("AUDITFLOW_DESK_NOW"));
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "looks fine");

  /* A note and a review are two entries. */
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_REVIEW);
  g_assert_cmpuint (af_value_map_size (entry->changes), ==, 2);
  g_assert_cmpstr (af_item_get_s (entry->changes, "reviewed_by"), ==, REVIEWER);
  g_assert_cmpstr (af_item_get_s (entry->changes, "review_timestamp"), ==,
                   g_getenv ("AUDITFLOW_DESK_NOW"));

  g_assert_false (af_store_mark_reviewed (store, "no-such-audit", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
}

/* Confirming a low-confidence value is an edit like a correction: its own outbox
 * entry, a `corrections` entry that gives the extracted value back (the product's
 * shape, no note); the field then reads as confirmed, and once every low-confidence
 * field is settled the document no longer needs its manual review. A correction's
 * note reaches the field. */
static void
test_edit_confirmation (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) before = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(AfFieldList) fields = NULL;
  g_autoptr(GError) error = NULL;
  AfValue *corrections, *confirmation;
  AfField *field;

  g_assert_true (af_field_list_item_needs_manual_review (before));
  g_assert_false (af_store_confirm_field (store, W2_DOCUMENT, "employer_ein", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY);
  g_clear_error (&error);

  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_confirm_field (store, W2_DOCUMENT, "employer_ein", &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_CORRECTION);
  corrections = af_value_map_get (entry->changes, "corrections");
  g_assert_cmpuint (af_value_list_length (corrections), ==, 1);
  confirmation = af_value_list_nth (corrections, 0);
  g_assert_cmpstr (af_item_get_s (confirmation, "field"), ==, "employer_ein");
  g_assert_cmpstr (af_item_get_s (confirmation, "original_value"), ==, "46-5624255");
  g_assert_cmpstr (af_item_get_s (confirmation, "corrected_value"), ==, "46-5624255");
  g_assert_cmpstr (af_item_get_s (confirmation, "corrected_by"), ==, REVIEWER);
  g_assert_null (af_value_map_get (confirmation, "note"));

  item = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  fields = af_field_list_new_from_item (item);
  field = af_field_list_lookup (fields, "employer_ein", NULL);
  g_assert_true (af_field_get_confirmed (field));
  g_assert_null (af_field_get_corrected_value (field));
  g_assert_false (af_field_list_needs_manual_review (fields));
  g_assert_false (af_field_list_item_needs_manual_review (item));

  /* A correction afterwards wins, with its note. */
  g_assert_true (af_store_add_correction (store, W2_DOCUMENT, "employer_ein", "46-5624256",
                                          "the page says 6", &error));
  g_clear_pointer (&item, af_value_unref);
  g_clear_object (&fields);
  item = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  fields = af_field_list_new_from_item (item);
  field = af_field_list_lookup (fields, "employer_ein", NULL);
  g_assert_cmpstr (af_field_get_corrected_value (field), ==, "46-5624256");
  g_assert_cmpstr (af_field_get_corrected_note (field), ==, "the page says 6");
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);
}

static void
test_edit_correction (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) before = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  AfValue *corrections, *correction;

  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_add_correction (store, W2_DOCUMENT, "employer_ein", "46-5624256",
                                          "checked against the page", &error));
  g_assert_no_error (error);
  g_assert_true (af_store_add_correction (store, W2_DOCUMENT, "wages", "64800.01", NULL, &error));
  g_assert_no_error (error);

  item = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  corrections = af_value_map_get (item, "corrections");
  g_assert_nonnull (corrections);
  g_assert_cmpint (af_value_get_kind (corrections), ==, AF_TYPE_L);
  g_assert_cmpuint (af_value_list_length (corrections), ==, 2);
  correction = af_value_list_nth (corrections, 0);
  g_assert_cmpstr (af_item_get_s (correction, "field"), ==, "employer_ein");
  g_assert_cmpstr (af_item_get_s (correction, "original_value"), ==, "46-5624255");
  g_assert_cmpstr (af_item_get_s (correction, "corrected_value"), ==, "46-5624256");
  g_assert_cmpstr (af_item_get_s (correction, "corrected_by"), ==, REVIEWER);
  g_assert_cmpstr (af_item_get_s (correction, "corrected_at"), ==, g_getenv ("AUDITFLOW_DESK_NOW"));
  g_assert_cmpstr (af_item_get_s (correction, "note"), ==, "checked against the page");
  g_assert_cmpstr (af_item_get_s (af_value_list_nth (corrections, 1), "original_value"), ==,
                   "64800.00");

  /* extracted_data is never rewritten. */
  g_assert_true (af_value_equal (af_value_map_get (item, "extracted_data"),
                                 af_value_map_get (before, "extracted_data")));

  /* Each correction is its own entry carrying just the one new correction. */
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_CORRECTION);
  corrections = af_value_map_get (entry->changes, "corrections");
  g_assert_cmpuint (af_value_list_length (corrections), ==, 1);
  g_assert_cmpstr (af_item_get_s (af_value_list_nth (corrections, 0), "field"), ==, "wages");

  g_assert_false (af_store_add_correction (store, W2_DOCUMENT, "no_such_field", "x", NULL, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no_such_field"));
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);
}

static void
test_edit_appraisal (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_set_appraisal_note (store, PENDING_ANALYSIS, "craquelure?", &error));
  g_assert_no_error (error);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_APPRAISAL_NOTE);
  g_assert_cmpint (entry->table, ==, AF_TABLE_ANALYSES);
  g_assert_cmpstr (af_item_get_s (entry->changes, "review_notes"), ==, "craquelure?");
  g_clear_pointer (&entry, af_outbox_entry_free);

  g_assert_false (af_store_set_verdict (store, PENDING_ANALYSIS, "FAKE", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (af_store_set_verdict (store, PENDING_ANALYSIS, "SUSPICIOUS", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY);
  g_clear_error (&error);

  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_set_verdict (store, PENDING_ANALYSIS, "SUSPICIOUS", &error));
  g_assert_no_error (error);
  item = get_item (store, AF_TABLE_ANALYSES, PENDING_ANALYSIS);
  g_assert_cmpstr (af_item_get_s (item, "reviewer_verdict"), ==, "SUSPICIOUS");
  g_assert_cmpstr (af_item_get_s (item, "reviewed_by"), ==, REVIEWER);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "craquelure?");
  g_assert_null (af_item_get_s (item, "verdict"));   /* the pipeline's stays its own */

  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_VERDICT);
  g_assert_cmpuint (af_value_map_size (entry->changes), ==, 3);
  g_assert_cmpstr (af_item_get_s (entry->changes, "review_timestamp"), ==,
                   g_getenv ("AUDITFLOW_DESK_NOW"));
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 2);

  g_assert_true (af_store_outbox_remove (store, entry->seq, &error));
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
}

/* The appraiser's marks on findings: one list, each mark signed, a finding's mark
 * replaced (two of one kind told apart by their region), untried edits folded. */
static void
test_edit_finding_marks (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  static const int first[4] = { 10, 20, 30, 40 };
  static const int second[4] = { 300, 20, 30, 40 };
  AfValue *marks, *mark;

  g_assert_false (af_store_mark_finding (store, PENDING_ANALYSIS, "copy_move", first, "OK", "",
                                         &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY);
  g_clear_error (&error);
  af_store_set_identity (store, REVIEWER);
  g_assert_false (af_store_mark_finding (store, PENDING_ANALYSIS, "copy_move", first, "FINE", "",
                                         &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (af_store_mark_finding (store, PENDING_ANALYSIS, "copy_move", first, "WARNING",
                                        "the boat is cloned", &error));
  g_assert_true (af_store_mark_finding (store, PENDING_ANALYSIS, "copy_move", second, "OK",
                                        "a second mast, painted so", &error));
  g_assert_true (af_store_mark_finding (store, PENDING_ANALYSIS, "no_metadata", NULL, "CHECK",
                                        "", &error));
  g_assert_true (af_store_mark_finding (store, PENDING_ANALYSIS, "copy_move", first, "CHECK",
                                        "ask for provenance", &error));
  g_assert_no_error (error);

  item = get_item (store, AF_TABLE_ANALYSES, PENDING_ANALYSIS);
  marks = af_value_map_get (item, "appraisal_findings");
  g_assert_nonnull (marks);
  g_assert_cmpuint (af_value_list_length (marks), ==, 3);
  mark = af_value_list_nth (marks, 2);   /* the re-marked one goes last */
  g_assert_cmpstr (af_item_get_s (mark, "kind"), ==, "copy_move");
  g_assert_cmpstr (af_item_get_s (mark, "status"), ==, "CHECK");
  g_assert_cmpstr (af_item_get_s (mark, "comment"), ==, "ask for provenance");
  g_assert_cmpstr (af_item_get_s (mark, "marked_by"), ==, REVIEWER);
  g_assert_cmpstr (af_item_get_s (mark, "marked_at"), ==, g_getenv ("AUDITFLOW_DESK_NOW"));
  g_assert_cmpstr (af_item_get_s (af_value_list_nth (marks, 0), "comment"), ==,
                   "a second mast, painted so");
  g_assert_cmpstr (af_item_get_s (af_value_list_nth (marks, 1), "kind"), ==, "no_metadata");
  g_assert_null (af_value_map_get (af_value_list_nth (marks, 1), "region"));

  /* Four marks, never sent: one outbox entry holding the whole list. */
  g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
  entry = last_entry (store);
  g_assert_cmpint (entry->kind, ==, AF_OP_APPRAISAL_FINDINGS);
  g_assert_cmpstr (af_op_kind_to_string (entry->kind), ==, "appraisal-findings");
  g_assert_cmpuint (af_value_map_size (entry->changes), ==, 1);
  g_assert_true (af_value_equal (af_value_map_get (entry->changes, "appraisal_findings"), marks));
}

/* A pull replaces the remote copy; pending edits stay visible on top of it, except
 * those the remote already carries (its last_op_id). */
static void
test_pull_keeps_edits (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GPtrArray) items = fixture_items ("AuditFlow-Documents.json");
  g_autoptr(AfOutboxEntry) entry = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) remote = NULL;
  g_autoptr(GError) error = NULL;
  AfValue *fresh = NULL;

  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_add_correction (store, W2_DOCUMENT, "wages", "1.00", NULL, &error));
  entry = last_entry (store);

  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (af_item_get_s (g_ptr_array_index (items, i), "document_id"), W2_DOCUMENT) == 0)
      fresh = g_ptr_array_index (items, i);
  af_value_map_set (fresh, "processing_status", af_value_new_s ("PROCESSING"));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, items, &error));
  g_assert_no_error (error);

  item = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_assert_cmpstr (af_item_get_s (item, "processing_status"), ==, "PROCESSING");
  g_assert_cmpuint (af_value_list_length (af_value_map_get (item, "corrections")), ==, 1);
  remote = af_store_get_remote_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT, &error);
  g_assert_true (af_value_equal (remote, fresh));
  g_clear_pointer (&item, af_value_unref);

  /* The push went through (the remote has the correction and our op id) but the
   * entry is still there: the correction must not show twice. */
  af_value_map_set (fresh, "corrections", af_value_copy (af_value_map_get (entry->changes, "corrections")));
  af_value_map_set (fresh, "last_op_id", af_value_new_s (entry->op_id));
  af_value_map_set (fresh, "version", af_value_new_n ("1"));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, items, &error));
  item = get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_assert_cmpuint (af_value_list_length (af_value_map_get (item, "corrections")), ==, 1);
}

/* ---- Refusing bad files ------------------------------------------------------------- */

static GBytes *
file_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static void
assert_refused_untouched (const char *path,
                          int         code)
{
  g_autoptr(GBytes) before = file_bytes (path);
  g_autoptr(GBytes) after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  GStatBuf stat_before, stat_after;

  g_assert_cmpint (g_stat (path, &stat_before), ==, 0);
  g_usleep (10000);
  store = af_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, AF_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_test_message ("refused: %s", error->message);

  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (g_stat (path, &stat_after), ==, 0);
  g_assert_cmpint (stat_after.st_mtime, ==, stat_before.st_mtime);
  g_assert_cmpint (stat_after.st_mtim.tv_nsec, ==, stat_before.st_mtim.tv_nsec);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *path = af_test_scratch ("newer.db");
  sqlite3 *db = NULL;
  g_autofree char *sql = g_strdup_printf ("PRAGMA application_id = %d;"
                                          "CREATE TABLE future (x);"
                                          "PRAGMA user_version = %d;",
                                          0x41464443, AF_STORE_SCHEMA_VERSION + 1);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (path, AF_STORE_ERROR_NEWER_SCHEMA);
}

static void
test_corrupt_refused (void)
{
  g_autofree char *garbage = af_test_scratch ("garbage.db");
  g_autofree char *damaged = af_test_scratch ("damaged.db");
  g_autofree char *foreign = af_test_scratch ("foreign.db");
  g_autofree char *text = g_strnfill (8192, 'x');
  g_autoptr(GBytes) good = NULL;
  g_autofree guint8 *broken = NULL;
  sqlite3 *db = NULL;
  gsize length;

  g_assert_true (g_file_set_contents (garbage, text, -1, NULL));
  assert_refused_untouched (garbage, AF_STORE_ERROR_CORRUPT);

  /* A real cache with its pages after the first overwritten. */
  {
    g_autoptr(AfStore) store = open_with_fixtures ();
    g_autofree char *path = g_strdup (af_store_get_path (store));

    g_clear_object (&store);
    good = file_bytes (path);
  }
  length = g_bytes_get_size (good);
  broken = g_memdup2 (g_bytes_get_data (good, NULL), length);
  for (gsize i = 4096; i < length; i++)
    broken[i] = (guint8) (i * 7);
  g_assert_true (g_file_set_contents (damaged, (const char *) broken, length, NULL));
  assert_refused_untouched (damaged, AF_STORE_ERROR_CORRUPT);

  /* Someone else's SQLite database. */
  g_assert_cmpint (sqlite3_open (foreign, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (t TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_refused_untouched (foreign, AF_STORE_ERROR_CORRUPT);
}

static void
write_import_file (const char *path,
                   const char *bad_item)
{
  g_autoptr(GPtrArray) items = fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(GString) json = g_string_new ("{\"Items\": [");

  for (guint i = 0; i < 2; i++)
    {
      af_codec_write_item (json, g_ptr_array_index (items, i));
      g_string_append (json, ", ");
    }
  g_string_append (json, bad_item);
  g_string_append (json, "], \"Count\": 3}");
  g_assert_true (g_file_set_contents (path, json->str, json->len, NULL));
}

static void
test_malformed_import (void)
{
  const char *bad_items[] = {
    "{\"audit_record_id\": {\"S\": \"x\"}, \"risk_score\": {\"N\": \"not a number\"}}",
    "{\"audit_record_id\": {\"Q\": \"x\"}}",
    "{\"no_key_here\": {\"S\": \"x\"}}",
    "{\"audit_record_id\": {\"S\": \"x\"",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_items); i++)
    {
      g_autofree char *name = g_strdup_printf ("bad-%u.json", i);
      g_autofree char *path = af_test_scratch (name);
      g_autoptr(AfStore) store = open_store ("cache.db");
      g_autoptr(GError) error = NULL;
      AfQuery all = { .table = AF_TABLE_AUDITS };

      write_import_file (path, bad_items[i]);
      g_assert_false (af_store_import_file (store, path, NULL, &error));
      g_assert_nonnull (error);
      g_test_message ("import refused: %s", error->message);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "item 2"));
      g_assert_cmpint (af_store_count (store, &all, NULL), ==, 0);
    }
}

/* ---- Lifetime --------------------------------------------------------------------- */

static void
test_reopen_keeps_data (void)
{
  g_autofree char *path = NULL;
  g_autofree char *note_before = NULL;
  g_autofree char *note_after = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GError) error = NULL;
  AfQuery all = { .table = AF_TABLE_DOCUMENTS };
  gint64 documents;

  {
    g_autoptr(AfStore) store = open_with_fixtures ();

    path = g_strdup (af_store_get_path (store));
    documents = af_store_count (store, &all, NULL);
    g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "persisted", &error));
    g_assert_true (af_store_set_state (store, "watermark:documents", "2024-11-07", &error));
    g_assert_no_error (error);
    note_before = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  }
  {
    g_autoptr(AfStore) store = open_store ("cache.db");

    g_assert_cmpint (af_store_count (store, &all, NULL), ==, documents);
    g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
    note_after = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
    g_assert_cmpstr (note_after, ==, note_before);
    state = af_store_get_state (store, "watermark:documents", &error);
    g_assert_cmpstr (state, ==, "2024-11-07");
    g_assert_true (af_store_set_state (store, "watermark:documents", NULL, &error));
    g_clear_pointer (&state, g_free);
    state = af_store_get_state (store, "watermark:documents", &error);
    g_assert_no_error (error);
    g_assert_null (state);
  }
}

static void
test_retention (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  gint64 as_of = json_object_get_int_member (expected (), "as_of_unix");
  AfQuery analyses = { .table = AF_TABLE_ANALYSES };
  guint removed = G_MAXUINT;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_purge_expired (store, as_of, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (removed, ==, 0);

  /* Every artwork's auto_delete_date has passed 31 days later; loans stay 7 years. */
  g_assert_true (af_store_purge_expired (store, as_of + 31 * 24 * 3600, &removed, &error));
  g_assert_cmpuint (removed, ==, json_object_get_size (expected_member ("artworks")));
  g_assert_cmpint (af_store_count (store, &analyses, NULL), ==, 0);
}

/* One key rule for push, pull, forget and the store: the partition key, plus created_at
 * for analyses; half a key is no key. */
static void
test_item_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) audit = af_codec_parse_item (
    "{\"audit_record_id\":{\"S\":\"a1\"},\"risk_score\":{\"N\":\"72\"}}", -1, &error);
  g_autoptr(AfValue) analysis = af_codec_parse_item (
    "{\"request_id\":{\"S\":\"r1\"},\"created_at\":{\"N\":\"1730000000\"},"
    "\"status\":{\"S\":\"COMPLETED\"}}", -1, &error);
  g_autoptr(AfValue) undated = af_codec_parse_item ("{\"request_id\":{\"S\":\"r2\"}}", -1,
                                                    &error);
  g_autoptr(AfValue) audit_key = af_table_item_key (AF_TABLE_AUDITS, audit);
  g_autoptr(AfValue) analysis_key = af_table_item_key (AF_TABLE_ANALYSES, analysis);
  g_autofree char *audit_json = NULL;
  g_autofree char *analysis_json = NULL;

  g_assert_no_error (error);
  audit_json = af_codec_item_to_string (audit_key);
  analysis_json = af_codec_item_to_string (analysis_key);
  g_assert_cmpstr (audit_json, ==, "{\"audit_record_id\":{\"S\":\"a1\"}}");
  g_assert_cmpstr (analysis_json, ==,
                   "{\"created_at\":{\"N\":\"1730000000\"},\"request_id\":{\"S\":\"r1\"}}");
  g_assert_null (af_table_item_key (AF_TABLE_ANALYSES, undated));
  g_assert_null (af_table_item_key (AF_TABLE_DOCUMENTS, audit));
}

/* The POSIX locks this process holds on @path (/proc/locks lines with our pid and the
 * file's inode). */
static guint
count_own_locks (const char *path)
{
  g_autofree char *locks = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *pid = g_strdup_printf (" %d ", (int) getpid ());
  g_autofree char *inode = NULL;
  GStatBuf info;
  guint n = 0;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  inode = g_strdup_printf (":%" G_GUINT64_FORMAT " ", (guint64) info.st_ino);
  g_assert_true (g_file_get_contents ("/proc/locks", &locks, NULL, NULL));
  lines = g_strsplit (locks, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "POSIX") != NULL && strstr (lines[i], pid) != NULL
        && strstr (lines[i], inode) != NULL)
      n++;
  return n;
}

/* af_store_sync () writes the cache and its WAL to the disk through SQLite's own
 * handles: a descriptor of our own, closed, would drop every lock the process holds on
 * the cache, and another process could then take the WAL for unused and remove it. */
static void
test_sync_keeps_locks (void)
{
  g_autoptr(AfStore) store = open_with_fixtures ();
  g_autoptr(GError) error = NULL;
  const char *path = af_store_get_path (store);
  guint before = count_own_locks (path);

  g_assert_cmpuint (before, >, 0);
  g_assert_true (af_store_sync (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_own_locks (path), ==, before);
}

/* ---- Migration 7: the keys' unique indexes ----------------------------------------- */

/* Every row of every item table, in rowid order, each value with its rowid: what the
 * raw file holds, to compare a cache before and after a migration. */
static char *
dump_item_tables (const char *path)
{
  g_autoptr(GString) dump = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT rowid, * FROM %s ORDER BY rowid",
                                              af_table_nick (table));
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_string_append_printf (dump, "%s:\n", af_table_nick (table));
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (dump, "%s=%s ", sqlite3_column_name (stmt, c),
                                    sqlite3_column_type (stmt, c) == SQLITE_NULL
                                    ? "NULL" : (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (dump, '\n');
        }
      g_assert_cmpint (sqlite3_finalize (stmt), ==, SQLITE_OK);
    }
  sqlite3_close (db);
  return g_string_free (g_steal_pointer (&dump), FALSE);
}

/* One number @sql reads from the raw file. */
static gint64
raw_number (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The rowid of item @id of @table in the raw file. */
static gint64
raw_rowid (const char *path,
           AfTable     table,
           const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rowid FROM %s WHERE %s = '%s'",
                                          af_table_nick (table), af_table_key_name (table), id);

  return raw_number (path, sql);
}

/* The ids af_store_search () finds for @word in each searched table, joined. */
static char *
search_ids (AfStore    *store,
            const char *word)
{
  static const AfTable searched[] = { AF_TABLE_DOCUMENTS, AF_TABLE_AUDITS, AF_TABLE_ANALYSES };
  g_autoptr(GString) ids = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) found = af_store_search (store, searched[t], word, 0, &error);
      g_autofree char *found_ids = NULL;

      g_assert_no_error (error);
      found_ids = ids_of (found, af_table_key_name (searched[t]));
      g_string_append_printf (ids, "%s;", found_ids);
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* How many of the item tables' keys are primary keys (SQLite's automatic indexes). */
#define ITEM_AUTOINDEXES "SELECT count (*) FROM sqlite_schema WHERE name IN " \
  "('sqlite_autoindex_documents_1', 'sqlite_autoindex_audits_1', " \
  "'sqlite_autoindex_analyses_1', 'sqlite_autoindex_users_1')"

/* @n copies of the fixtures' first document under new ids, so that the tables span
 * pages enough for the migration's growth to tell. */
static void
put_document_copies (AfStore *store,
                     guint    n)
{
  g_autoptr(GPtrArray) documents = fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      AfValue *copy;

      af_codec_write_item (text, documents->pdata[0]);
      copy = af_codec_parse_item (text->str, text->len, &error);
      g_assert_no_error (error);
      af_test_set_s (copy, "document_id", g_strdup_printf ("copy-%04u", i));
      g_ptr_array_add (copies, copy);
    }
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, copies, &error));
  g_assert_no_error (error);
}

static const char * const migrated_words[] = { "pdf", "loan-2024", "carter", "w2_2023", "jpg" };

/* Each item table's key, a primary key up to schema 6, is a unique index from schema 7
 * (af-store-keys.c): a cache of schema 6 with rows, a pending edit and its search
 * index is migrated on opening with every row, value and rowid as it was, the search
 * finds what it found, and an upsert of a key already there updates its row in place. */
static void
test_migration_keys (void)
{
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autofree char *before = NULL, *after = NULL, *edited = NULL, *renamed_found = NULL;
  g_autoptr(GPtrArray) found_before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) documents = fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) renamed = NULL;
  gint64 rowid, n_documents, pages_before;

  af_store_test_set_schema (6);
  {
    g_autoptr(AfStore) store = open_with_fixtures ();

    put_document_copies (store, 300);
    af_store_set_identity (store, REVIEWER);
    g_assert_true (af_store_set_review_notes (store, LOW_RISK_AUDIT, "before the keys", &error));
    g_assert_no_error (error);
    for (guint w = 0; w < G_N_ELEMENTS (migrated_words); w++)
      g_ptr_array_add (found_before, search_ids (store, migrated_words[w]));
  }
  af_store_test_set_schema (AF_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_number (path, "PRAGMA user_version"), ==, 6);
  g_assert_cmpint (raw_number (path, ITEM_AUTOINDEXES), ==, 4);
  before = dump_item_tables (path);
  rowid = raw_rowid (path, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  pages_before = raw_number (path, "PRAGMA page_count");
  /* A few rows a step, so that the fixtures' rows take several. */
  af_store_test_set_rekey_step (3);
  {
    g_autoptr(AfStore) store = open_store ("cache.db");
    AfQuery all = { .table = AF_TABLE_DOCUMENTS };

    after = dump_item_tables (path);
    g_assert_cmpstr (after, ==, before);
    /* The rows moved a step at a time: the file does not grow by their size (copied
     * at once, 104 pages grew to 167 here, 63 of them free). */
    g_test_message ("pages before %" G_GINT64_FORMAT ", after %" G_GINT64_FORMAT ", free %" G_GINT64_FORMAT,
                    pages_before, raw_number (path, "PRAGMA page_count"),
                    raw_number (path, "PRAGMA freelist_count"));
    g_assert_cmpint (raw_number (path, "PRAGMA page_count"), <, pages_before + pages_before / 10);
    g_assert_cmpint (af_store_outbox_length (store, NULL), ==, 1);
    edited = item_string (store, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
    g_assert_nonnull (strstr (edited, "before the keys"));
    for (guint w = 0; w < G_N_ELEMENTS (migrated_words); w++)
      {
        g_autofree char *found = search_ids (store, migrated_words[w]);

        g_assert_cmpstr (found, ==, found_before->pdata[w]);
      }
    g_assert_cmpuint (strlen (found_before->pdata[0]), >, 3);

    /* A pull's upsert of a key already there: the same row, its rowid kept. */
    n_documents = af_store_count (store, &all, NULL);
    for (guint i = 0; i < documents->len && renamed == NULL; i++)
      if (g_strcmp0 (af_item_get_s (documents->pdata[i], "document_id"), W2_DOCUMENT) == 0)
        renamed = af_value_ref (documents->pdata[i]);
    g_assert_nonnull (renamed);
    af_test_set_s (renamed, "file_name", g_strdup ("Renamed_Kierkegaard.pdf"));
    g_ptr_array_set_size (documents, 0);
    g_ptr_array_add (documents, af_value_ref (renamed));
    g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, documents, &error));
    g_assert_no_error (error);
    g_assert_cmpint (af_store_count (store, &all, NULL), ==, n_documents);
    renamed_found = search_ids (store, "kierkegaard");
    g_assert_cmpstr (renamed_found, ==, W2_DOCUMENT ";;;");
  }
  g_assert_cmpint (raw_rowid (path, AF_TABLE_DOCUMENTS, W2_DOCUMENT), ==, rowid);
  g_assert_cmpint (raw_number (path, "PRAGMA user_version"), ==, AF_STORE_SCHEMA_VERSION);
  g_assert_cmpint (raw_number (path, ITEM_AUTOINDEXES), ==, 0);
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT \"unique\" FROM pragma_index_list ('%s')"
                                              " WHERE name = '%s_key'", af_table_nick (table),
                                              af_table_nick (table));

      g_assert_cmpint (raw_number (path, sql), ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-store-XXXXXX");

  g_test_add_func ("/store/import/fixtures", test_import_fixtures);
  g_test_add_func ("/store/import/items-survive", test_items_survive);
  g_test_add_func ("/store/import/unknown-attributes", test_unknown_attributes);
  g_test_add_func ("/store/import/wrong-type", test_wrong_type_tolerated);
  g_test_add_func ("/store/import/malformed", test_malformed_import);
  g_test_add_func ("/store/import/large-batch", test_large_batch);
  g_test_add_func ("/store/import/page-with-state", test_page_with_state);
  g_test_add_func ("/store/query/documents-for-loan", test_documents_for_loan);
  g_test_add_func ("/store/query/documents-by-status", test_documents_by_status);
  g_test_add_func ("/store/query/audits-above-risk", test_audits_above_risk);
  g_test_add_func ("/store/query/audit-history", test_audit_history);
  g_test_add_func ("/store/query/analyses-for-user", test_analyses_for_user);
  g_test_add_func ("/store/query/analyses-by-status", test_analyses_by_status);
  g_test_add_func ("/store/query/user-by-email", test_user_by_email);
  g_test_add_func ("/store/query/get-and-find", test_get_and_find);
  g_test_add_func ("/store/query/filters", test_query_filters);
  g_test_add_func ("/store/query/reviewed", test_reviewed_filter);
  g_test_add_func ("/store/edit/atomic", test_edit_atomic);
  g_test_add_func ("/store/edit/note", test_edit_note);
  g_test_add_func ("/store/edit/review", test_edit_review);
  g_test_add_func ("/store/edit/correction", test_edit_correction);
  g_test_add_func ("/store/edit/confirmation", test_edit_confirmation);
  g_test_add_func ("/store/edit/finding-marks", test_edit_finding_marks);
  g_test_add_func ("/store/edit/appraisal", test_edit_appraisal);
  g_test_add_func ("/store/edit/pull-keeps-edits", test_pull_keeps_edits);
  g_test_add_func ("/store/open/newer-schema", test_newer_schema_refused);
  g_test_add_func ("/store/open/corrupt", test_corrupt_refused);
  g_test_add_func ("/store/open/reopen", test_reopen_keeps_data);
  g_test_add_func ("/store/retention", test_retention);
  g_test_add_func ("/store/item-key", test_item_key);
  g_test_add_func ("/store/sync-keeps-locks", test_sync_keeps_locks);
  g_test_add_func ("/store/migration/keys", test_migration_keys);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
