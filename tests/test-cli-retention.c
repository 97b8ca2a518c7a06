/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cli-retention.c — retention never removes items silently (issue 16 item 18) and
 * reads only what has expired (issue 13 item 5), through the built auditflow-cli:
 *
 * - a command that purges says "removed N expired items (…)" on stderr, once;
 * - `import` leaves out items already past their ttl / auto_delete_date and says so;
 * - the README's example (its AUDITFLOW_DESK_NOW, import, list analyses) shows the
 *   demo's analyses;
 * - the sweep's `expires_at <= ?` is answered by an index, not a scan of the table.
 *
 * The demo's analyses have an auto_delete_date in December 2024; the audits' and
 * documents' ttl lies in 2031.
 */
#define G_LOG_DOMAIN "test-cli-retention"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "af-test-util.h"

#define BEFORE_EXPIRY "2024-11-08T09:00:00Z"
#define AFTER_EXPIRY "2025-01-15T09:00:00Z"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

/* Runs `auditflow-cli --db DB ARGS…` with the clock at @now. */
static void
run_cli (Fixture            *fixture,
         const char         *now,
         const char * const *args,
         AfTestRun          *run)
{
  g_autofree char *clock = g_strconcat ("AUDITFLOW_DESK_NOW=", now, NULL);
  const char *env[] = { clock, NULL };

  af_test_run_cli (fixture->dir, fixture->db, env, args, run);
}

#define CLI(fixture, now, run, ...) \
  run_cli ((fixture), (now), (const char * const[]) { __VA_ARGS__, NULL }, (run))

static void
import_fixtures (Fixture    *fixture,
                 const char *now,
                 AfTestRun        *run)
{
  g_auto(GStrv) args = af_test_import_fixtures_args ();

  run_cli (fixture, now, (const char * const *) args, run);
  g_assert_cmpint (run->status, ==, 0);
}

/* How many items `list --json TABLE` shows at @now; @out_err gets its stderr. */
static guint
count_listed (Fixture     *fixture,
              const char  *now,
              const char  *table,
              char       **out_err)
{
  g_auto(AfTestRun) run = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  CLI (fixture, now, &run, "--json", "list", table);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  if (out_err != NULL)
    *out_err = g_steal_pointer (&run.err);
  return json_array_get_length (json_node_get_array (json_parser_get_root (parser)));
}

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-cli-retention-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "test.db", NULL);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_assert_true (af_test_remove_tree (fixture->dir));
  g_free (fixture->dir);
  g_free (fixture->db);
}

/* ---- Tests ------------------------------------------------------------------------ */

/* The analyses expire between two commands: the next command removes them and says
 * how many, once; nothing else leaves. */
static void
test_purge_says_so (Fixture       *fixture,
                    gconstpointer  data)
{
  g_auto(AfTestRun) imported = { 0 };
  g_auto(AfTestRun) status = { 0 };
  g_autofree char *err = NULL;
  g_autofree char *err_again = NULL;

  import_fixtures (fixture, BEFORE_EXPIRY, &imported);
  g_assert_cmpstr (imported.err, ==, "");
  g_assert_cmpuint (count_listed (fixture, BEFORE_EXPIRY, "analyses", &err), ==, 5);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&err, g_free);

  /* Any command purges at open; `status` lists nothing, and still tells. */
  CLI (fixture, AFTER_EXPIRY, &status, "status");
  g_assert_cmpint (status.status, ==, 0);
  g_assert_cmpstr (status.err, ==,
                   "auditflow-cli: removed 5 expired items (5 analyses past their retention "
                   "date: ttl or auto_delete_date)\n");

  g_assert_cmpuint (count_listed (fixture, AFTER_EXPIRY, "analyses", &err_again), ==, 0);
  g_assert_cmpstr (err_again, ==, "");
  g_assert_cmpuint (count_listed (fixture, AFTER_EXPIRY, "audits", NULL), ==, 4);
  g_assert_cmpuint (count_listed (fixture, AFTER_EXPIRY, "documents", NULL), ==, 12);
}

/* Items already expired are not imported, and the summary, the JSON and stderr say so. */
static void
test_import_expired (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *analyses = af_test_fixture_path ("artguard-image-analysis-dev.json");
  g_autofree char *audits = af_test_fixture_path ("AuditFlow-AuditRecords.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(AfTestRun) text = { 0 };
  g_auto(AfTestRun) json = { 0 };
  g_autofree char *err = NULL;
  JsonObject *summary;

  CLI (fixture, AFTER_EXPIRY, &text, "import", audits, analyses);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, "artguard-image-analysis-dev.json: nothing; 5 analyses "
                                      "already expired, not imported\n"));
  g_assert_nonnull (strstr (text.out, "imported 4 audits; 5 analyses already expired, "
                                      "not imported\n"));
  g_assert_nonnull (strstr (text.err, "not imported: 5 analyses already past their "
                                      "retention date"));

  CLI (fixture, AFTER_EXPIRY, &json, "--json", "import", analyses);
  g_assert_cmpint (json.status, ==, 0);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (summary, "expired"),
                                               "analyses"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (summary, "imported"),
                                               "analyses"), ==, 0);

  /* Nothing of them reached the cache: nothing to remove afterwards either. */
  g_assert_cmpuint (count_listed (fixture, AFTER_EXPIRY, "analyses", &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpuint (count_listed (fixture, AFTER_EXPIRY, "audits", NULL), ==, 4);
}

/* The README's CLI example, with the clock it sets: import, then list analyses shows
 * the demo's five analyses and nothing is removed on the way. */
static void
test_readme_example (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (g_getenv ("AF_SOURCE_DIR"), "README.md", NULL);
  g_autofree char *readme = NULL;
  g_autofree char *now = NULL;
  g_autofree char *err = NULL;
  g_auto(AfTestRun) imported = { 0 };
  g_autoptr(GError) error = NULL;
  const char *section, *assignment;

  g_file_get_contents (path, &readme, NULL, &error);
  g_assert_no_error (error);
  section = strstr (readme, "## The command-line interface");
  g_assert_nonnull (section);
  assignment = strstr (section, "export AUDITFLOW_DESK_NOW=");
  g_assert_nonnull (assignment);
  assignment += strlen ("export AUDITFLOW_DESK_NOW=");
  now = g_strndup (assignment, strcspn (assignment, " \n"));
  g_assert_nonnull (strstr (assignment, "import data/demo/dynamodb/*.json\n"));
  g_assert_nonnull (strstr (assignment, "list analyses"));

  import_fixtures (fixture, now, &imported);
  g_assert_cmpstr (imported.err, ==, "");
  g_assert_cmpuint (count_listed (fixture, now, "analyses", &err), ==, 5);
  g_assert_cmpstr (err, ==, "");
}

/* The sweep at open is `expires_at <= ?` on each table with an expiry: an index
 * answers it, so opening a cache does not read every item. */
static void
test_sweep_uses_index (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *tables[] = { "documents", "audits", "analyses" };
  g_auto(AfTestRun) imported = { 0 };
  sqlite3 *db = NULL;

  import_fixtures (fixture, BEFORE_EXPIRY, &imported);
  g_assert_cmpint (sqlite3_open_v2 (fixture->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("EXPLAIN QUERY PLAN SELECT rowid FROM %s "
                                              "WHERE expires_at <= ?1", tables[i]);
      g_autofree char *index = g_strdup_printf ("INDEX %s_expires (expires_at<?)", tables[i]);
      sqlite3_stmt *stmt = NULL;
      g_autoptr(GString) plan = g_string_new (NULL);

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      g_test_message ("%s: %s", tables[i], plan->str);
      g_assert_nonnull (strstr (plan->str, index));
      g_assert_null (strstr (plan->str, "SCAN"));
    }
  sqlite3_close (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("AF_CLI") == NULL || g_getenv ("AF_FIXTURES_DIR") == NULL
      || g_getenv ("AF_SOURCE_DIR") == NULL)
    g_error ("AF_CLI, AF_FIXTURES_DIR and AF_SOURCE_DIR must be set (meson test sets them)");

  g_test_add ("/cli/retention/purge-says-so", Fixture, NULL, set_up, test_purge_says_so, tear_down);
  g_test_add ("/cli/retention/import-expired", Fixture, NULL, set_up, test_import_expired,
              tear_down);
  g_test_add ("/cli/retention/readme-example", Fixture, NULL, set_up, test_readme_example,
              tear_down);
  g_test_add ("/cli/retention/sweep-uses-index", Fixture, NULL, set_up, test_sweep_uses_index,
              tear_down);
  return g_test_run ();
}
