/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cli.c — auditflow-cli end to end: the built program is run in a subprocess
 * against a fresh cache per test, the way a script would use it, and its output is
 * checked against the fixtures (data/demo) and their expected.json.
 *
 * AF_CLI names the program and AF_FIXTURES_DIR the fixtures; both come from
 * tests/meson.build.
 */
#define G_LOG_DOMAIN "test-cli"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "af-test-util.h"

#define FIXED_NOW "2024-11-08T09:00:00.000Z"
#define REVIEWER "tester@example.com"

#define HIGH_AUDIT "913a8c14-2450-420b-bca7-1d4a1c988462"
#define LOW_AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define MISREAD_DOCUMENT "38df24e7-2df3-49b7-9034-36c4664353bf"
#define FORGED_ANALYSIS "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd"

typedef struct
{
  char *dir;        /* this test's own directory: home, data, config, cache */
  char *db;         /* the cache of this test, in @dir */
  char *user_env;   /* AUDITFLOW_DESK_USER for the child, NULL = unset */
} Fixture;

/* ---- Helpers -------------------------------------------------------------------- */

static char *
temp_path (Fixture    *fixture,
           const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* Runs the CLI with @args (NULL-terminated) after the global --db; with_db FALSE
 * leaves --db out, to exercise the default location. */
static void
run_cli_full (Fixture            *fixture,
              gboolean            with_db,
              const char * const *args,
              AfTestRun          *run)
{
  g_autofree char *user = fixture->user_env != NULL
                          ? g_strconcat ("AUDITFLOW_DESK_USER=", fixture->user_env, NULL)
                          : NULL;
  const char *env[] = { user, NULL };

  af_test_run_cli (fixture->dir, with_db ? fixture->db : NULL, env, args, run);
}

#define CLI(fixture, run, ...) \
  run_cli_full ((fixture), TRUE, (const char * const[]) { __VA_ARGS__, NULL }, (run))

/* Runs and expects success with nothing on stderr. */
#define CLI_OK(fixture, run, ...) \
  G_STMT_START { \
    CLI ((fixture), (run), __VA_ARGS__); \
    if ((run)->status != 0) \
      g_printerr ("stderr: %s\n", (run)->err); \
    g_assert_cmpint ((run)->status, ==, 0); \
    g_assert_cmpstr ((run)->err, ==, ""); \
  } G_STMT_END

/* A failure is reported on exactly one line that starts with the program's name. */
static void
assert_one_error_line (const AfTestRun *run)
{
  const char *newline = strchr (run->err, '\n');

  g_assert_true (g_str_has_prefix (run->err, "auditflow-cli: "));
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline + 1, ==, "");
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
parse_file (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static JsonNode *
load_expected (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "expected.json", NULL);

  return parse_file (path);
}

/* The ids in a `list --json` array, in order. */
static GPtrArray *
list_ids (const char *json,
          const char *key)
{
  g_autoptr(JsonNode) root = parse_json (json);
  JsonArray *array;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (
                                      json_array_get_object_element (array, i), key)));
  return ids;
}

static gboolean
ids_contain (GPtrArray  *ids,
             const char *id)
{
  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

/* ---- Fixtures ------------------------------------------------------------------- */

static void
fixture_set_up_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-cli-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = temp_path (fixture, "test.db");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };
  g_auto(GStrv) args = af_test_import_fixtures_args ();

  fixture_set_up_empty (fixture, data);

  run_cli_full (fixture, TRUE, (const char * const *) args, &run);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_true (af_test_remove_tree (fixture->dir));
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->db, g_free);
  g_clear_pointer (&fixture->user_env, g_free);
}

/* ---- import --------------------------------------------------------------------- */

static void
assert_table_count (Fixture    *fixture,
                    const char *table,
                    gint64      expected)
{
  g_auto(AfTestRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;

  CLI_OK (fixture, &run, "--json", "list", table);
  root = parse_json (run.out);
  g_assert_cmpint (json_array_get_length (json_node_get_array (root)), ==, expected);
}

static void
test_import_counts (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *remote_names[] = {
    "AuditFlow-AuditRecords", "AuditFlow-Documents",
    "artguard-image-analysis-dev", "artguard-users-dev"
  };
  const char *tables[] = { "audits", "documents", "analyses", "users" };
  g_autoptr(JsonNode) expected = load_expected ();
  JsonObject *counts = json_object_get_object_member (
    json_object_get_object_member (json_node_get_object (expected), "counts"), "items");
  g_auto(AfTestRun) run = { 0 };
  g_autofree char *users = af_test_fixture_path ("artguard-users-dev.json");
  g_autoptr(JsonNode) summary = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    assert_table_count (fixture, tables[i],
                        json_object_get_int_member (counts, remote_names[i]));

  /* Importing again replaces (no duplicates) and --json gives the counts per table. */
  CLI_OK (fixture, &run, "--json", "import", users);
  summary = parse_json (run.out);
  g_assert_cmpint (json_object_get_int_member (
                     json_object_get_object_member (json_node_get_object (summary), "imported"),
                     "users"), ==, 2);
  assert_table_count (fixture, "users", 2);
}

static void
test_import_human_summary (Fixture       *fixture,
                           gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };
  g_autofree char *documents = af_test_fixture_path ("AuditFlow-Documents.json");

  CLI_OK (fixture, &run, "import", documents);
  g_assert_nonnull (strstr (run.out, "12 documents"));
}

/* Item 3 has a malformed number; the ids are changed so that a partial import
 * would show up as new documents. */
static char *
write_malformed_file (Fixture *fixture)
{
  g_autofree char *source = af_test_fixture_path ("AuditFlow-Documents.json");
  g_autoptr(JsonNode) root = parse_file (source);
  JsonArray *items = json_object_get_array_member (json_node_get_object (root), "Items");
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  char *path = temp_path (fixture, "broken-documents.json");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *id = json_object_get_object_member (json_array_get_object_element (items, i),
                                                      "document_id");
      g_autofree char *new_id = g_strdup_printf ("copy-%u", i);

      json_object_set_string_member (id, "S", new_id);
    }
  json_object_set_string_member (json_object_get_object_member (
                                   json_array_get_object_element (items, 3), "page_count"),
                                 "N", "12abc");
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_import_malformed (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *broken = write_malformed_file (fixture);
  g_autofree char *truncated = temp_path (fixture, "truncated.json");
  g_autoptr(GError) error = NULL;
  g_auto(AfTestRun) run = { 0 };
  g_auto(AfTestRun) run2 = { 0 };

  CLI (fixture, &run, "import", broken);
  g_assert_cmpint (run.status, !=, 0);
  assert_one_error_line (&run);
  g_assert_nonnull (strstr (run.err, "broken-documents.json"));
  g_assert_nonnull (strstr (run.err, "item 3"));
  assert_table_count (fixture, "documents", 0);

  g_file_set_contents (truncated, "{\"Items\": [{\"document_id\": {\"S\": \"x\"}}, {\"docu", -1,
                       &error);
  g_assert_no_error (error);
  CLI (fixture, &run2, "import", truncated);
  g_assert_cmpint (run2.status, !=, 0);
  assert_one_error_line (&run2);
  g_assert_nonnull (strstr (run2.err, "truncated.json"));
  assert_table_count (fixture, "documents", 0);
}

/* ---- list ----------------------------------------------------------------------- */

static gint
compare_score_descending (gconstpointer a,
                          gconstpointer b)
{
  JsonObject *audit_a = *(JsonObject * const *) a;
  JsonObject *audit_b = *(JsonObject * const *) b;
  double score_a = g_ascii_strtod (json_object_get_string_member (audit_a, "risk_score"), NULL);
  double score_b = g_ascii_strtod (json_object_get_string_member (audit_b, "risk_score"), NULL);

  return score_a < score_b ? 1 : score_a > score_b ? -1 : 0;
}

/* expected.json's completed audits with risk_score > @threshold, highest first. */
static GPtrArray *
expected_high_risk (JsonNode *expected,
                    double    threshold)
{
  JsonObject *loans = json_object_get_object_member (json_node_get_object (expected),
                                                     "loan_applications");
  g_autoptr(GList) names = json_object_get_members (loans);
  g_autoptr(GPtrArray) audits = g_ptr_array_new ();
  GPtrArray *ids = g_ptr_array_new ();

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *records = json_object_get_array_member (
        json_object_get_object_member (loans, l->data), "audit_records");

      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *audit = json_array_get_object_element (records, i);
          const char *score = json_object_get_string_member (audit, "risk_score");

          if (g_str_equal (json_object_get_string_member (audit, "status"), "COMPLETED") &&
              g_ascii_strtod (score, NULL) > threshold)
            g_ptr_array_add (audits, audit);
        }
    }
  g_ptr_array_sort (audits, compare_score_descending);
  for (guint i = 0; i < audits->len; i++)
    g_ptr_array_add (ids, (gpointer) json_object_get_string_member (audits->pdata[i],
                                                                   "audit_record_id"));
  return ids;
}

static void
test_list_high_risk (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) expected = load_expected ();
  g_autoptr(GPtrArray) want = expected_high_risk (expected, 50);
  g_autoptr(GPtrArray) got = NULL;
  g_auto(AfTestRun) run = { 0 };
  g_auto(AfTestRun) text = { 0 };
  const char *previous = NULL;

  CLI_OK (fixture, &run, "--json", "list", "audits", "--status", "COMPLETED", "--min-risk", "50");
  got = list_ids (run.out, "audit_record_id");

  /* The fixtures have one HIGH and one CRITICAL audit above 50. */
  g_assert_cmpuint (want->len, ==, 2);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    g_assert_cmpstr (got->pdata[i], ==, want->pdata[i]);

  /* The human table lists the same audits in the same order. */
  CLI_OK (fixture, &text, "list", "audits", "--status", "COMPLETED", "--min-risk", "50");
  g_assert_nonnull (strstr (text.out, "risk_score"));
  for (guint i = 0; i < want->len; i++)
    {
      const char *at = strstr (text.out, want->pdata[i]);

      g_assert_nonnull (at);
      g_assert_true (previous == NULL || at > previous);
      previous = at;
    }
  g_assert_null (strstr (text.out, LOW_AUDIT));
}

static void
assert_loan_documents (Fixture    *fixture,
                       const char *loan_id,
                       JsonObject *loan)
{
  JsonArray *documents = json_object_get_array_member (loan, "documents");
  g_autoptr(GPtrArray) got = NULL;
  g_auto(AfTestRun) run = { 0 };

  CLI_OK (fixture, &run, "--json", "list", "documents", "--loan", loan_id);
  got = list_ids (run.out, "document_id");
  g_assert_cmpuint (got->len, ==, json_array_get_length (documents));
  for (guint i = 0; i < json_array_get_length (documents); i++)
    g_assert_true (ids_contain (got, json_object_get_string_member (
                                  json_array_get_object_element (documents, i),
                                  "document_id")));
}

static void
test_list_loan_documents (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) expected = load_expected ();
  JsonObject *loans = json_object_get_object_member (json_node_get_object (expected),
                                                     "loan_applications");
  g_autoptr(GList) names = json_object_get_members (loans);

  g_assert_cmpuint (g_list_length (names), ==, 3);
  for (GList *l = names; l != NULL; l = l->next)
    assert_loan_documents (fixture, l->data, json_object_get_object_member (loans, l->data));
}

static void
test_list_filters (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(AfTestRun) forged = { 0 };
  g_auto(AfTestRun) page = { 0 };
  g_auto(AfTestRun) search = { 0 };
  g_auto(AfTestRun) user = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) page_ids = NULL;
  g_autoptr(GPtrArray) search_ids = NULL;
  g_autoptr(GPtrArray) user_ids = NULL;

  CLI_OK (fixture, &forged, "--json", "list", "analyses", "--verdict", "LIKELY_FORGED");
  ids = list_ids (forged.out, "request_id");
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (ids->pdata[0], ==, FORGED_ANALYSIS);

  CLI_OK (fixture, &user, "--json", "list", "analyses",
          "--user-id", "9c88c2a4-ceb4-4e49-bbca-bd2d523cedc6");
  user_ids = list_ids (user.out, "request_id");
  g_assert_cmpuint (user_ids->len, ==, 2);

  CLI_OK (fixture, &page, "--json", "list", "documents", "--limit", "5", "--offset", "10");
  page_ids = list_ids (page.out, "document_id");
  g_assert_cmpuint (page_ids->len, ==, 2);

  CLI_OK (fixture, &search, "--json", "list", "audits", "--search", "Okafor");
  search_ids = list_ids (search.out, "audit_record_id");
  g_assert_cmpuint (search_ids->len, ==, 1);
  g_assert_cmpstr (search_ids->pdata[0], ==, "fe11c43f-ccc8-4dca-a010-e19e7a19a348");
}

/* The last line of @out (without its newline). */
static char *
last_line (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  guint n = g_strv_length (lines);

  g_assert_cmpuint (n, >=, 2);
  return g_strdup (lines[n - 2]);
}

/* A page in text says that more follow without counting the list (a count reads every
 * matching row); --count gives "N of M"; the rows are the page's, in the queue's order. */
static void
test_list_pages_text (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(AfTestRun) all = { 0 };
  g_auto(AfTestRun) first = { 0 };
  g_auto(AfTestRun) last = { 0 };
  g_auto(AfTestRun) whole = { 0 };
  g_auto(AfTestRun) counted = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *first_end = NULL;
  g_autofree char *last_end = NULL;
  g_autofree char *whole_end = NULL;
  g_autofree char *counted_end = NULL;

  CLI_OK (fixture, &all, "--json", "list", "documents");
  ids = list_ids (all.out, "document_id");
  g_assert_cmpuint (ids->len, ==, 12);

  CLI_OK (fixture, &first, "list", "documents", "--limit", "5");
  first_end = last_line (first.out);
  g_assert_cmpstr (first_end, ==, "5 documents shown (from 0); more follow: --offset 5 for "
                                  "the next ones, --count for how many");
  for (guint i = 0; i < ids->len; i++)
    g_assert_true ((strstr (first.out, ids->pdata[i]) != NULL) == (i < 5));

  CLI_OK (fixture, &last, "list", "documents", "--limit", "5", "--offset", "10");
  last_end = last_line (last.out);
  g_assert_cmpstr (last_end, ==, "2 documents");
  for (guint i = 0; i < ids->len; i++)
    g_assert_true ((strstr (last.out, ids->pdata[i]) != NULL) == (i >= 10));

  /* Exactly the list's length: nothing follows. */
  CLI_OK (fixture, &whole, "list", "documents", "--limit", "12");
  whole_end = last_line (whole.out);
  g_assert_cmpstr (whole_end, ==, "12 documents");

  CLI_OK (fixture, &counted, "list", "documents", "--limit", "5", "--offset", "3", "--count");
  counted_end = last_line (counted.out);
  g_assert_cmpstr (counted_end, ==, "5 of 12 documents (from 3)");
  for (guint i = 0; i < ids->len; i++)
    g_assert_true ((strstr (counted.out, ids->pdata[i]) != NULL) == (i >= 3 && i < 8));
}

/* list --search goes through the search index: words in any order, case and accents
 * ignored, file names, and an id's first characters. */
static void
test_list_search (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct { const char *table, *search, *key, *first; guint count; } cases[] = {
    { "audits", "okafor DANIEL", "audit_record_id", "fe11c43f-ccc8-4dca-a010-e19e7a19a348", 1 },
    { "audits", "\u00c9mily c\u00e1rter", "audit_record_id", "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa", 1 },
    { "audits", "fe11c4", "audit_record_id", "fe11c43f-ccc8-4dca-a010-e19e7a19a348", 1 },
    { "documents", "w2_2023_CARTER", "document_id", "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb", 1 },
    { "documents", "no such words", "document_id", NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(AfTestRun) run = { 0 };
      g_autoptr(GPtrArray) ids = NULL;

      CLI_OK (fixture, &run, "--json", "list", cases[i].table, "--search", cases[i].search);
      ids = list_ids (run.out, cases[i].key);
      g_assert_cmpuint (ids->len, ==, cases[i].count);
      if (cases[i].first != NULL)
        g_assert_cmpstr (ids->pdata[0], ==, cases[i].first);
    }
}

/* ---- show ----------------------------------------------------------------------- */

static void assert_same_value (JsonNode   *typed,
                               JsonNode   *plain,
                               const char *where);

/* A DynamoDB number against the CLI's plain JSON number. json-glib reads numbers
 * into gint64 or double, so equality here is up to a double; the exact digits are
 * checked on the raw text in test_show_exact_numbers. */
static void
assert_same_number (const char *text,
                    JsonNode   *plain,
                    const char *where)
{
  if (!JSON_NODE_HOLDS_VALUE (plain))
    g_error ("%s: expected the number %s", where, text);
  if (json_node_get_value_type (plain) == G_TYPE_INT64)
    g_assert_cmpint (json_node_get_int (plain), ==, g_ascii_strtoll (text, NULL, 10));
  else
    g_assert_cmpfloat (json_node_get_double (plain), ==, g_ascii_strtod (text, NULL));
}

static void
assert_same_list (JsonArray  *typed,
                  JsonNode   *plain,
                  const char *element_tag,
                  const char *where)
{
  JsonArray *array;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (plain));
  array = json_node_get_array (plain);
  g_assert_cmpuint (json_array_get_length (array), ==, json_array_get_length (typed));
  for (guint i = 0; i < json_array_get_length (typed); i++)
    {
      g_autofree char *inner = g_strdup_printf ("%s[%u]", where, i);
      JsonNode *element = json_array_get_element (typed, i);
      g_autoptr(JsonNode) wrapped = NULL;

      /* SS, NS and BS hold bare strings: give them their type back. */
      if (element_tag != NULL)
        {
          JsonObject *object = json_object_new ();

          json_object_set_string_member (object, element_tag, json_node_get_string (element));
          wrapped = json_node_init_object (json_node_alloc (), object);
          json_object_unref (object);
          element = wrapped;
        }
      assert_same_value (element, json_array_get_element (array, i), inner);
    }
}

static void
assert_same_map (JsonObject *typed,
                 JsonNode   *plain,
                 const char *where)
{
  g_autoptr(GList) names = json_object_get_members (typed);
  JsonObject *object;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (plain));
  object = json_node_get_object (plain);
  g_assert_cmpuint (json_object_get_size (object), ==, g_list_length (names));
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *inner = g_strdup_printf ("%s.%s", where, (const char *) l->data);

      if (!json_object_has_member (object, l->data))
        g_error ("%s is missing", inner);
      assert_same_value (json_object_get_member (typed, l->data),
                         json_object_get_member (object, l->data), inner);
    }
}

/* @typed is DynamoDB JSON ({"S": ...}); @plain is what --json printed for it. */
static void
assert_same_value (JsonNode   *typed,
                   JsonNode   *plain,
                   const char *where)
{
  JsonObject *object = json_node_get_object (typed);
  g_autoptr(GList) tags = json_object_get_members (object);
  const char *tag = tags->data;
  JsonNode *inner = json_object_get_member (object, tag);

  if (g_str_equal (tag, "S") || g_str_equal (tag, "B"))
    g_assert_cmpstr (json_node_get_string (plain), ==, json_node_get_string (inner));
  else if (g_str_equal (tag, "N"))
    assert_same_number (json_node_get_string (inner), plain, where);
  else if (g_str_equal (tag, "BOOL"))
    g_assert_cmpint (json_node_get_boolean (plain), ==, json_node_get_boolean (inner));
  else if (g_str_equal (tag, "NULL"))
    g_assert_true (JSON_NODE_HOLDS_NULL (plain));
  else if (g_str_equal (tag, "M"))
    assert_same_map (json_node_get_object (inner), plain, where);
  else if (g_str_equal (tag, "L"))
    assert_same_list (json_node_get_array (inner), plain, NULL, where);
  else
    assert_same_list (json_node_get_array (inner), plain, tag[0] == 'N' ? "N" : "S", where);
}

/* Every attribute of the fixture item, and nothing else that is not app-local. */
static void
assert_item_shown (Fixture    *fixture,
                   JsonObject *item,
                   const char *key)
{
  const char *id = json_object_get_string_member (json_object_get_object_member (item, key), "S");
  g_autoptr(GList) names = json_object_get_members (item);
  g_autoptr(JsonNode) shown = NULL;
  g_autoptr(GList) shown_names = NULL;
  guint remote_members = 0;
  g_auto(AfTestRun) run = { 0 };

  /* Revealed: every value is compared with the fixture's (masking: test-cli-pii.c). */
  CLI_OK (fixture, &run, "--json", "--reveal-pii", "show", id);
  shown = parse_json (run.out);
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *where = g_strdup_printf ("%s.%s", id, (const char *) l->data);

      if (!json_object_has_member (json_node_get_object (shown), l->data))
        g_error ("%s is missing from show --json", where);
      assert_same_value (json_object_get_member (item, l->data),
                         json_object_get_member (json_node_get_object (shown), l->data), where);
    }

  shown_names = json_object_get_members (json_node_get_object (shown));
  for (GList *l = shown_names; l != NULL; l = l->next)
    remote_members += ((const char *) l->data)[0] != '_';
  g_assert_cmpuint (remote_members, ==, g_list_length (names));
  g_assert_true (json_object_has_member (json_node_get_object (shown), "_table"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (shown), "_pending_changes"),
                   ==, 0);
}

static void
test_show_every_item (Fixture       *fixture,
                      gconstpointer  data)
{
  /* In the order of the fixture files: audits, documents, analyses, users. */
  const char *keys[] = { "audit_record_id", "document_id", "request_id", "user_id" };
  g_auto(GStrv) import = af_test_import_fixtures_args ();

  g_assert_cmpuint (g_strv_length (import), ==, 1 + G_N_ELEMENTS (keys));
  for (guint f = 0; f < G_N_ELEMENTS (keys); f++)
    {
      g_autoptr(JsonNode) root = parse_file (import[f + 1]);
      JsonArray *items = json_object_get_array_member (json_node_get_object (root), "Items");

      for (guint i = 0; i < json_array_get_length (items); i++)
        assert_item_shown (fixture, json_array_get_object_element (items, i), keys[f]);
    }
}

static void
test_show_exact_numbers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = temp_path (fixture, "exotic.json");
  g_autoptr(GError) error = NULL;
  g_auto(AfTestRun) audit = { 0 };
  g_auto(AfTestRun) exotic = { 0 };
  g_auto(AfTestRun) import = { 0 };
  /* Attributes no schema lists, of every type, with numbers a double cannot hold. */
  const char *json =
    "{\"Items\": [{\"audit_record_id\": {\"S\": \"exotic-1\"},"
    " \"loan_application_id\": {\"S\": \"LOAN-X\"}, \"status\": {\"S\": \"COMPLETED\"},"
    " \"risk_score\": {\"N\": \"40\"}, \"audit_timestamp\": {\"S\": \"2024-11-01T00:00:00.000Z\"},"
    " \"x_big\": {\"N\": \"12345678901234567890123456789012345678\"},"
    " \"x_price\": {\"N\": \"1234567.89\"}, \"x_tiny\": {\"N\": \"-0.000000000000000000001\"},"
    " \"x_set\": {\"NS\": [\"1.10\", \"2\"]}, \"x_strings\": {\"SS\": [\"a\", \"b\"]},"
    " \"x_blob\": {\"B\": \"AAEC\"}, \"x_null\": {\"NULL\": true}}]}";

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
  CLI_OK (fixture, &import, "import", path);

  CLI_OK (fixture, &exotic, "--json", "show", "exotic-1");
  g_assert_nonnull (strstr (exotic.out, "\"x_big\":12345678901234567890123456789012345678"));
  g_assert_nonnull (strstr (exotic.out, "\"x_price\":1234567.89"));
  g_assert_nonnull (strstr (exotic.out, "\"x_tiny\":-0.000000000000000000001"));
  g_assert_nonnull (strstr (exotic.out, "\"x_blob\":\"AAEC\""));
  g_assert_nonnull (strstr (exotic.out, "\"x_null\":null"));
  g_assert_nonnull (strstr (exotic.out, "\"_table\":\"audits\""));

  /* The fixture's own decimals come out as written. */
  CLI_OK (fixture, &audit, "--json", "show", LOW_AUDIT);
  g_assert_nonnull (strstr (audit.out, "\"processing_duration_seconds\":38.4"));
  g_assert_nonnull (strstr (audit.out, "\"confidence\":0.993"));
  g_assert_nonnull (strstr (audit.out, "\"ttl\":1951481339"));
  g_assert_null (strstr (audit.out, "{\"N\""));
}

static void
test_show_human (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };

  CLI_OK (fixture, &run, "show", HIGH_AUDIT);
  g_assert_nonnull (strstr (run.out, "audits " HIGH_AUDIT));
  g_assert_nonnull (strstr (run.out, "risk_score: 72"));
  g_assert_nonnull (strstr (run.out, "pending changes: 0"));
}

/* ---- edits ---------------------------------------------------------------------- */

static JsonObject *
show_object (Fixture    *fixture,
             const char *id,
             JsonNode  **out_root)
{
  g_auto(AfTestRun) run = { 0 };

  CLI_OK (fixture, &run, "--json", "--reveal-pii", "show", id);
  *out_root = parse_json (run.out);
  return json_node_get_object (*out_root);
}

static void
test_note_and_review (Fixture       *fixture,
                      gconstpointer  data)
{
  g_auto(AfTestRun) note = { 0 };
  g_auto(AfTestRun) review = { 0 };
  g_auto(AfTestRun) status = { 0 };
  g_auto(AfTestRun) status_text = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) status_root = NULL;
  g_autoptr(JsonNode) printed = NULL;
  JsonObject *audit;

  CLI_OK (fixture, &note, "--user", REVIEWER, "note", HIGH_AUDIT, "Income checked – W-2 is wrong");
  CLI_OK (fixture, &review, "--user", REVIEWER, "--json", "review", HIGH_AUDIT);
  /* --json answers an edit with the edited item, as show --json prints it. */
  printed = parse_json (review.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (printed), "reviewed_by"),
                   ==, REVIEWER);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (printed),
                                               "_pending_changes"), ==, 2);

  audit = show_object (fixture, HIGH_AUDIT, &root);
  g_assert_cmpstr (json_object_get_string_member (audit, "review_notes"), ==,
                   "Income checked – W-2 is wrong");
  g_assert_cmpstr (json_object_get_string_member (audit, "reviewed_by"), ==, REVIEWER);
  g_assert_cmpstr (json_object_get_string_member (audit, "review_timestamp"), ==, FIXED_NOW);
  g_assert_cmpint (json_object_get_int_member (audit, "_pending_changes"), ==, 2);
  /* The rest of the item is untouched. */
  g_assert_cmpint (json_object_get_int_member (audit, "risk_score"), ==, 72);

  CLI_OK (fixture, &status, "--json", "status");
  status_root = parse_json (status.out);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status_root),
                                               "outbox_length"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (status_root),
                                               "conflicts"), ==, 0);
  CLI_OK (fixture, &status_text, "status");
  g_assert_nonnull (strstr (status_text.out, "outbox: 2 entries"));
  g_assert_nonnull (strstr (status_text.out, HIGH_AUDIT));
}

static void
test_identity_sources (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *config_dir = g_build_filename (fixture->dir, "config", "auditflow-desk", NULL);
  g_autofree char *config = g_build_filename (config_dir, "config.ini", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root1 = NULL;
  g_autoptr(JsonNode) root2 = NULL;
  g_autoptr(JsonNode) root3 = NULL;
  g_auto(AfTestRun) none = { 0 };
  g_auto(AfTestRun) from_file = { 0 };
  g_auto(AfTestRun) from_env = { 0 };
  g_auto(AfTestRun) from_option = { 0 };

  CLI (fixture, &none, "review", HIGH_AUDIT);
  g_assert_cmpint (none.status, ==, 1);
  assert_one_error_line (&none);
  g_assert_nonnull (strstr (none.err, "identity"));

  g_assert_cmpint (g_mkdir_with_parents (config_dir, 0700), ==, 0);
  g_file_set_contents (config, "[identity]\nemail=file@example.com\n", -1, &error);
  g_assert_no_error (error);
  CLI_OK (fixture, &from_file, "review", HIGH_AUDIT);
  g_assert_cmpstr (json_object_get_string_member (show_object (fixture, HIGH_AUDIT, &root1),
                                                  "reviewed_by"), ==, "file@example.com");

  fixture->user_env = g_strdup ("env@example.com");
  CLI_OK (fixture, &from_env, "review", HIGH_AUDIT);
  g_assert_cmpstr (json_object_get_string_member (show_object (fixture, HIGH_AUDIT, &root2),
                                                  "reviewed_by"), ==, "env@example.com");

  CLI_OK (fixture, &from_option, "--user", REVIEWER, "review", HIGH_AUDIT);
  g_assert_cmpstr (json_object_get_string_member (show_object (fixture, HIGH_AUDIT, &root3),
                                                  "reviewed_by"), ==, REVIEWER);
}

static void
test_correct (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };
  g_auto(AfTestRun) wrong_table = { 0 };
  g_auto(AfTestRun) wrong_field = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *document;
  JsonArray *corrections;
  JsonObject *correction;

  CLI_OK (fixture, &run, "--user", REVIEWER, "correct", MISREAD_DOCUMENT,
          "federal_tax_withheld", "11088.00", "--note", "the page says .00");

  document = show_object (fixture, MISREAD_DOCUMENT, &root);
  /* The original stays where it was... */
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (
                       json_object_get_object_member (document, "extracted_data"),
                       "federal_tax_withheld"), "value"), ==, "11088.80");
  /* ...and the correction is logged with who, when and why. */
  corrections = json_object_get_array_member (document, "corrections");
  correction = json_array_get_object_element (corrections, json_array_get_length (corrections) - 1);
  g_assert_cmpstr (json_object_get_string_member (correction, "field"), ==, "federal_tax_withheld");
  g_assert_cmpstr (json_object_get_string_member (correction, "original_value"), ==, "11088.80");
  g_assert_cmpstr (json_object_get_string_member (correction, "corrected_value"), ==, "11088.00");
  g_assert_cmpstr (json_object_get_string_member (correction, "corrected_by"), ==, REVIEWER);
  g_assert_cmpstr (json_object_get_string_member (correction, "corrected_at"), ==, FIXED_NOW);
  g_assert_cmpstr (json_object_get_string_member (correction, "note"), ==, "the page says .00");
  g_assert_cmpint (json_object_get_int_member (document, "_pending_changes"), ==, 1);

  CLI (fixture, &wrong_table, "--user", REVIEWER, "correct", HIGH_AUDIT, "name", "x");
  g_assert_cmpint (wrong_table.status, ==, 1);
  assert_one_error_line (&wrong_table);

  CLI (fixture, &wrong_field, "--user", REVIEWER, "correct", MISREAD_DOCUMENT, "no_such", "x");
  g_assert_cmpint (wrong_field.status, ==, 1);
  assert_one_error_line (&wrong_field);
}

static void
test_verdict_and_appraisal_note (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_auto(AfTestRun) verdict = { 0 };
  g_auto(AfTestRun) note = { 0 };
  g_auto(AfTestRun) bad = { 0 };
  g_auto(AfTestRun) wrong_table = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *analysis;

  CLI_OK (fixture, &verdict, "--user", REVIEWER, "verdict", FORGED_ANALYSIS, "SUSPICIOUS");
  CLI_OK (fixture, &note, "--user", REVIEWER, "note", FORGED_ANALYSIS, "Splice visible in ELA");

  analysis = show_object (fixture, FORGED_ANALYSIS, &root);
  g_assert_cmpstr (json_object_get_string_member (analysis, "reviewer_verdict"), ==, "SUSPICIOUS");
  g_assert_cmpstr (json_object_get_string_member (analysis, "verdict"), ==, "LIKELY_FORGED");
  g_assert_cmpstr (json_object_get_string_member (analysis, "reviewed_by"), ==, REVIEWER);
  g_assert_cmpstr (json_object_get_string_member (analysis, "review_notes"), ==,
                   "Splice visible in ELA");
  g_assert_cmpstr (json_object_get_string_member (analysis, "_table"), ==, "analyses");
  g_assert_cmpint (json_object_get_int_member (analysis, "_pending_changes"), ==, 2);

  CLI (fixture, &bad, "--user", REVIEWER, "verdict", FORGED_ANALYSIS, "MAYBE");
  g_assert_cmpint (bad.status, ==, 2);
  assert_one_error_line (&bad);

  CLI (fixture, &wrong_table, "--user", REVIEWER, "verdict", HIGH_AUDIT, "AUTHENTIC");
  g_assert_cmpint (wrong_table.status, ==, 1);
  assert_one_error_line (&wrong_table);
}

/* ---- status, defaults, bad input, help ----------------------------------------- */

static void
test_status_empty (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };
  g_auto(AfTestRun) text = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *status;

  /* A cache with nothing in it: made by an import (only import and sync create one). */
  {
    g_autofree char *empty = temp_path (fixture, "empty.json");
    g_auto(AfTestRun) import = { 0 };

    g_assert_true (g_file_set_contents (empty, "{\"Items\": []}", -1, NULL));
    CLI_OK (fixture, &import, "import", empty);
  }
  CLI_OK (fixture, &run, "--json", "status");
  root = parse_json (run.out);
  status = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (status, "outbox_length"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (status, "conflicts"), ==, 0);
  g_assert_true (json_object_get_null_member (status, "last_sync"));

  CLI_OK (fixture, &text, "status");
  g_assert_nonnull (strstr (text.out, "last sync: never"));
}

static void
test_default_db (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *users = af_test_fixture_path ("artguard-users-dev.json");
  g_autofree char *expected = g_build_filename (fixture->dir, "data", "auditflow-desk",
                                                "workspace.db", NULL);
  const char *args[] = { "import", users, NULL };
  g_auto(AfTestRun) run = { 0 };

  run_cli_full (fixture, FALSE, args, &run);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

/* Every command but import and sync, run on a cache that does not exist. */
static const char * const *const reading_commands[] = {
  (const char * const[]) { "list", "audits", NULL },
  (const char * const[]) { "show", HIGH_AUDIT, NULL },
  (const char * const[]) { "status", NULL },
  (const char * const[]) { "conflicts", NULL },
  (const char * const[]) { "--user", REVIEWER, "note", HIGH_AUDIT, "text", NULL },
  (const char * const[]) { "--user", REVIEWER, "review", HIGH_AUDIT, NULL },
  (const char * const[]) { "--user", REVIEWER, "correct", MISREAD_DOCUMENT, "ssn", "1", NULL },
  (const char * const[]) { "--user", REVIEWER, "verdict", FORGED_ANALYSIS, "AUTHENTIC", NULL },
  (const char * const[]) { "resolve", HIGH_AUDIT, "mine", NULL },
  (const char * const[]) { "offline", "LOAN-2024-259508", NULL },
  (const char * const[]) { "forget-user", "some-user", NULL },
  (const char * const[]) { "inspect", FORGED_ANALYSIS, NULL },
  (const char * const[]) { "report", HIGH_AUDIT, NULL },
};

/* A mistyped --db is reported, and leaves neither a cache nor its folder behind. */
static void
test_no_cache (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *folder = temp_path (fixture, "no-such-folder");
  g_autofree char *expected = NULL;

  g_free (fixture->db);
  fixture->db = g_build_filename (folder, "typo.db", NULL);
  expected = g_strdup_printf ("no cache at %s\n", fixture->db);
  for (guint i = 0; i < G_N_ELEMENTS (reading_commands); i++)
    {
      g_auto(AfTestRun) run = { 0 };

      run_cli_full (fixture, TRUE, reading_commands[i], &run);
      if (run.status != 1 || !g_str_has_suffix (run.err, expected))
        g_error ("command %u exited %d: %s", i, run.status, run.err);
      assert_one_error_line (&run);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
    }
}

/* Without --db, the default workspace is not created by a reading command either. */
static void
test_no_default_cache (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *folder = g_build_filename (fixture->dir, "data", "auditflow-desk", NULL);
  g_autofree char *expected = g_strdup_printf ("auditflow-cli: no cache at %s/workspace.db\n",
                                               folder);
  g_auto(AfTestRun) run = { 0 };

  run_cli_full (fixture, FALSE, (const char * const[]) { "list", "audits", NULL }, &run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, expected);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

/* import creates the cache and its missing folders, private to the user. */
static void
test_import_creates_cache (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *folder = temp_path (fixture, "new");
  g_autofree char *users = af_test_fixture_path ("artguard-users-dev.json");
  g_auto(AfTestRun) run = { 0 };
  GStatBuf info;

  g_free (fixture->db);
  fixture->db = g_build_filename (folder, "deeper", "cache.db", NULL);
  CLI_OK (fixture, &run, "import", users);
  g_assert_true (g_file_test (fixture->db, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (folder, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (fixture->db, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0077, ==, 0);
}

/* ---- show LOAN_ID, sync without a region, --help's columns (issue 16 item 19) ---- */

/* `show` of a loan application id lists exactly the loan's audits and documents, as
 * expected.json records them. */
static void
test_show_loan (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(JsonNode) expected = load_expected ();
  JsonObject *loans = json_object_get_object_member (json_node_get_object (expected),
                                                     "loan_applications");
  g_autoptr(GList) loan_ids = json_object_get_members (loans);

  for (GList *l = loan_ids; l != NULL; l = l->next)
    {
      JsonObject *loan = json_object_get_object_member (loans, l->data);
      JsonArray *documents = json_object_get_array_member (loan, "documents");
      JsonArray *audits = json_object_get_array_member (loan, "audit_records");
      g_auto(AfTestRun) json = { 0 };
      g_auto(AfTestRun) text = { 0 };
      g_autoptr(JsonNode) root = NULL;
      JsonObject *shown;

      CLI_OK (fixture, &json, "--json", "show", l->data);
      root = parse_json (json.out);
      shown = json_node_get_object (root);
      g_assert_cmpstr (json_object_get_string_member (shown, "_table"), ==, "loan");
      g_assert_cmpstr (json_object_get_string_member (shown, "loan_application_id"), ==, l->data);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shown, "documents")),
                        ==, json_array_get_length (documents));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (shown, "audits")),
                        ==, json_array_get_length (audits));
      for (guint i = 0; i < json_array_get_length (documents); i++)
        g_assert_nonnull (strstr (json.out, json_object_get_string_member (
                                    json_array_get_object_element (documents, i), "document_id")));

      CLI_OK (fixture, &text, "show", l->data);
      g_assert_true (g_str_has_prefix (text.out, "loan "));
      for (guint i = 0; i < json_array_get_length (audits); i++)
        g_assert_nonnull (strstr (text.out, json_object_get_string_member (
                                    json_array_get_object_element (audits, i), "audit_record_id")));
    }
}

/* `sync` with no region anywhere says what to set, not what D-Bus or the keyring
 * answered (@endpoint: an endpoint override, which needs no region to be reached). */
static void
assert_sync_no_region (Fixture    *fixture,
                       const char *endpoint)
{
  g_autofree char *bus = g_strdup_printf ("DBUS_SESSION_BUS_ADDRESS=unix:path=%s/no-bus",
                                          fixture->dir);
  g_autofree char *url = endpoint != NULL ? g_strconcat ("AWS_ENDPOINT_URL=", endpoint, NULL)
                                          : NULL;
  /* No AWS setting, and a bus that is not there: the keyring cannot answer (and none is
   * started). */
  const char *env[] = {
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB",
    "AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    bus, url, NULL
  };
  g_auto(AfTestRun) run = { 0 };

  af_test_run_cli (fixture->dir, fixture->db, env, (const char * const[]) { "sync", NULL }, &run);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, "auditflow-cli: no AWS region: set AWS_REGION or region in "
                            "~/.aws/config\n");
}

static void
test_sync_no_region (Fixture       *fixture,
                     gconstpointer  data)
{
  assert_sync_no_region (fixture, NULL);
  assert_sync_no_region (fixture, "http://127.0.0.1:9");
}

/* Every command's summary starts in the same column of --help, forget-user's too. */
static void
test_help_aligned (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(AfTestRun) run = { 0 };
  g_auto(GStrv) lines = NULL;
  const char *commands;
  long column = -1;
  guint n_commands = 0;

  CLI_OK (fixture, &run, "--help");
  commands = strstr (run.out, "Commands:\n");
  g_assert_nonnull (commands);
  lines = g_strsplit (commands + strlen ("Commands:\n"), "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *name_end = strchr (lines[i] + 2, ' ');
      const char *summary = name_end;
      long at;

      g_assert_true (g_str_has_prefix (lines[i], "  "));
      g_assert_nonnull (name_end);
      while (*summary == ' ')
        summary++;
      at = summary - lines[i];
      g_assert_cmpint (name_end - lines[i] + 2, <=, at);
      if (column < 0)
        column = at;
      if (at != column)
        g_error ("'%s' starts its summary at %ld, not %ld", lines[i], at, column);
      n_commands++;
    }
  g_assert_cmpuint (n_commands, >=, 17);
  g_assert_nonnull (strstr (run.out, "  forget-user  Delete"));
}

static void
test_unknown_id (Fixture       *fixture,
                 gconstpointer  data)
{
  g_auto(AfTestRun) show = { 0 };
  g_auto(AfTestRun) note = { 0 };

  CLI (fixture, &show, "show", "no-such-id");
  g_assert_cmpint (show.status, ==, 1);
  assert_one_error_line (&show);
  g_assert_nonnull (strstr (show.err, "no-such-id"));
  g_assert_cmpstr (show.out, ==, "");

  CLI (fixture, &note, "--user", REVIEWER, "note", "no-such-id", "text");
  g_assert_cmpint (note.status, ==, 1);
  assert_one_error_line (&note);
}

static void
assert_usage_error (Fixture            *fixture,
                    const char * const *args)
{
  g_auto(AfTestRun) run = { 0 };

  run_cli_full (fixture, TRUE, args, &run);
  if (run.status != 2)
    g_error ("'%s …' exited %d, not 2 (stderr: %s)", args[0], run.status, run.err);
  assert_one_error_line (&run);
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  data)
{
  assert_usage_error (fixture, (const char * const[]) { "frobnicate", NULL });
  assert_usage_error (fixture, (const char * const[]) { "--no-such-option", "list", NULL });
  assert_usage_error (fixture, (const char * const[]) { "list", NULL });
  assert_usage_error (fixture, (const char * const[]) { "list", "loans", NULL });
  assert_usage_error (fixture, (const char * const[]) { "list", "audits", "--bogus", NULL });
  assert_usage_error (fixture, (const char * const[]) { "list", "audits", "--min-risk", "high",
                                                        NULL });
  assert_usage_error (fixture, (const char * const[]) { "list", "users", "--min-risk", "5",
                                                        NULL });
  assert_usage_error (fixture, (const char * const[]) { "show", NULL });
  assert_usage_error (fixture, (const char * const[]) { "note", HIGH_AUDIT, NULL });
  assert_usage_error (fixture, (const char * const[]) { "import", NULL });
  assert_usage_error (fixture, (const char * const[]) { "status", "extra", NULL });
  assert_usage_error (fixture, (const char * const[]) { "--user", "nobody", "status", NULL });
  /* No command at all. */
  assert_usage_error (fixture, (const char * const[]) { NULL });
}

static void
assert_help (Fixture            *fixture,
             const char * const *args,
             const char         *usage)
{
  g_auto(AfTestRun) run = { 0 };

  run_cli_full (fixture, TRUE, args, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  if (strstr (run.out, usage) == NULL)
    g_error ("help does not show '%s':\n%s", usage, run.out);
}

static void
test_help (Fixture       *fixture,
           gconstpointer  data)
{
  const char *commands[] = {
    "import", "list", "show", "note", "review", "correct", "verdict", "status"
  };

  assert_help (fixture, (const char * const[]) { "--help", NULL }, "Usage:");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("auditflow-cli %s", commands[i]);

      assert_help (fixture, (const char * const[]) { "--help", NULL }, commands[i]);
      assert_help (fixture, (const char * const[]) { commands[i], "--help", NULL }, usage);
      assert_help (fixture, (const char * const[]) { "help", commands[i], NULL }, usage);
    }
}

/* ---- main ----------------------------------------------------------------------- */

static void
add_test (const char *path,
          void      (*set_up) (Fixture *, gconstpointer),
          void      (*test) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, set_up, test, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("AF_CLI") == NULL || g_getenv ("AF_FIXTURES_DIR") == NULL)
    {
      g_print ("Bail out! AF_CLI and AF_FIXTURES_DIR must be set (meson test sets them)\n");
      return 1;
    }
  /* The edits' timestamps are checked against this instant. */
  g_setenv ("AUDITFLOW_DESK_NOW", FIXED_NOW, TRUE);

  add_test ("/cli/import/counts", fixture_set_up, test_import_counts);
  add_test ("/cli/import/summary", fixture_set_up_empty, test_import_human_summary);
  add_test ("/cli/import/malformed", fixture_set_up_empty, test_import_malformed);
  add_test ("/cli/list/high-risk", fixture_set_up, test_list_high_risk);
  add_test ("/cli/list/loan-documents", fixture_set_up, test_list_loan_documents);
  add_test ("/cli/list/filters", fixture_set_up, test_list_filters);
  add_test ("/cli/list/pages-text", fixture_set_up, test_list_pages_text);
  add_test ("/cli/list/search", fixture_set_up, test_list_search);
  add_test ("/cli/show/every-item", fixture_set_up, test_show_every_item);
  add_test ("/cli/show/exact-numbers", fixture_set_up, test_show_exact_numbers);
  add_test ("/cli/show/human", fixture_set_up, test_show_human);
  add_test ("/cli/edit/note-review", fixture_set_up, test_note_and_review);
  add_test ("/cli/edit/identity", fixture_set_up, test_identity_sources);
  add_test ("/cli/edit/correct", fixture_set_up, test_correct);
  add_test ("/cli/edit/verdict", fixture_set_up, test_verdict_and_appraisal_note);
  add_test ("/cli/status/empty", fixture_set_up_empty, test_status_empty);
  add_test ("/cli/default-db", fixture_set_up_empty, test_default_db);
  add_test ("/cli/no-cache/with-db", fixture_set_up_empty, test_no_cache);
  add_test ("/cli/no-cache/default", fixture_set_up_empty, test_no_default_cache);
  add_test ("/cli/no-cache/import-creates", fixture_set_up_empty, test_import_creates_cache);
  add_test ("/cli/show/loan", fixture_set_up, test_show_loan);
  add_test ("/cli/sync/no-region", fixture_set_up_empty, test_sync_no_region);
  add_test ("/cli/help/aligned", fixture_set_up_empty, test_help_aligned);
  add_test ("/cli/bad/unknown-id", fixture_set_up, test_unknown_id);
  add_test ("/cli/bad/usage", fixture_set_up_empty, test_usage_errors);
  add_test ("/cli/help", fixture_set_up_empty, test_help);

  return g_test_run ();
}
