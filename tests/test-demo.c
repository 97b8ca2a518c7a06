/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-demo.c — the demo workspace: dates moved to now, numbers exact, attributes
 * kept, one import only, and objects found through the manifest and nowhere else.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "af-clock.h"
#include "af-codec.h"
#include "af-demo.h"
#include "af-store.h"
#include "af-test-util.h"

/* The fixture's as_of, and a later "now" with a fraction of a second. */
#define AS_OF       "2024-11-08T09:00:00.000Z"
#define AS_OF_UNIX  G_GINT64_CONSTANT (1731056400)
#define LATER       "2026-03-15T12:34:56.789Z"
#define LATER_SHIFT G_GINT64_CONSTANT (42521696)

static const char *
demo_dir (void)
{
  const char *dir = g_getenv ("AF_FIXTURES_DIR");

  g_assert_nonnull (dir);
  return dir;
}

/* Each test's own scratch directory. (G_TEST_OPTION_ISOLATE_DIRS would do, but GLib
 * 2.74 leaks its paths, which LeakSanitizer reports.) */
typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-demo-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  af_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_setenv ("AUDITFLOW_DESK_NOW", AS_OF, TRUE);
}

static char *
temp_cache_path (Fixture *fixture)
{
  return g_build_filename (fixture->dir, "demo", "cache.sqlite", NULL);
}

static AfValue *
parse_item (const char *json)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_codec_parse_item (json, -1, &error);

  g_assert_no_error (error);
  return item;
}

static AfValue *
get_item (AfStore    *store,
          AfTable     table,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_store_get_item (store, table, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  return item;
}

static GPtrArray *
all_items (AfStore *store,
           AfTable  table)
{
  g_autoptr(GError) error = NULL;
  AfQuery query = { .table = table };
  GPtrArray *items = af_store_query (store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static char *
get_state (AfStore    *store,
           const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = af_store_get_state (store, key, &error);

  g_assert_no_error (error);
  return value;
}

/* The fixture's own items of one file, unshifted. */
static GPtrArray *
fixture_items (const char *file)
{
  g_autofree char *path = g_build_filename (demo_dir (), "dynamodb", file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  items = af_codec_parse_items_page (contents, length, NULL, &error);
  g_assert_no_error (error);
  return items;
}

/* ---- Moving dates, item by item ---------------------------------------------- */

static void
test_shift_item (void)
{
  g_autoptr(AfValue) item = parse_item (
    "{\"request_id\": {\"S\": \"r1\"},"
    " \"audit_timestamp\": {\"S\": \"2024-11-07T18:37:28.810Z\"},"
    " \"review_timestamp\": {\"S\": \"2024-11-05T18:47:12Z\"},"
    " \"timestamp_iso\": {\"S\": \"2024-11-07T18:37:28.810Z\"},"
    " \"ttl\": {\"N\": \"1951478019\"},"
    " \"auto_delete_date\": {\"N\": \"1733565849\"},"
    " \"created_at\": {\"N\": \"1730984809890\"},"
    " \"last_login\": {\"N\": \"1731052503902\"},"
    " \"risk_score\": {\"N\": \"72\"},"
    " \"forgery_score\": {\"N\": \"91.40\"},"
    " \"big\": {\"N\": \"12345678901234567890123456789012345678\"},"
    " \"s3_key\": {\"S\": \"audit/20241107_100409_8b8656.jpg\"},"
    " \"weird_timestamp\": {\"S\": \"not a date\"},"
    " \"fraction_at\": {\"N\": \"1731056400.5\"},"
    " \"count_date\": {\"N\": \"20241107\"},"
    " \"unknown_future_attribute\": {\"NS\": [\"1\", \"2.5\"]},"
    " \"extracted_data\": {\"M\": {\"date_of_birth\": {\"M\": {"
    "     \"value\": {\"S\": \"1985-03-02\"}, \"confidence\": {\"N\": \"0.945\"}}}}},"
    " \"corrections\": {\"L\": [{\"M\": {"
    "     \"field\": {\"S\": \"employer_ein\"},"
    "     \"corrected_at\": {\"S\": \"2024-11-06T10:00:00.000Z\"}}}]}}");
  g_autoptr(AfValue) moved = af_demo_shift_item (item, LATER_SHIFT);
  g_autoptr(AfValue) same = af_demo_shift_item (item, 0);
  g_autoptr(AfValue) unchanged = NULL;
  g_autoptr(AfValue) expected_unchanged = NULL;
  AfValue *correction;

  /* ISO, keeping the writer's precision */
  g_assert_cmpstr (af_item_get_s (moved, "audit_timestamp"), ==, "2026-03-14T22:12:24.810Z");
  g_assert_cmpstr (af_item_get_s (moved, "timestamp_iso"), ==, "2026-03-14T22:12:24.810Z");
  g_assert_cmpstr (af_item_get_s (moved, "review_timestamp"), ==, "2026-03-12T22:22:08Z");
  /* seconds and milliseconds, moved by the same time, written as integers */
  g_assert_cmpstr (af_item_get_n (moved, "ttl"), ==, "1993999715");
  g_assert_cmpstr (af_item_get_n (moved, "auto_delete_date"), ==, "1776087545");
  g_assert_cmpstr (af_item_get_n (moved, "created_at"), ==, "1773506505890");
  g_assert_cmpstr (af_item_get_n (moved, "last_login"), ==, "1773574199902");
  /* numbers that are not dates keep every digit */
  g_assert_cmpstr (af_item_get_n (moved, "risk_score"), ==, "72");
  g_assert_cmpstr (af_item_get_n (moved, "forgery_score"), ==, "91.40");
  g_assert_cmpstr (af_item_get_n (moved, "big"), ==, "12345678901234567890123456789012345678");
  /* names that look like dates but values that do not, and keys, stay as they are */
  g_assert_cmpstr (af_item_get_s (moved, "s3_key"), ==, "audit/20241107_100409_8b8656.jpg");
  g_assert_cmpstr (af_item_get_s (moved, "weird_timestamp"), ==, "not a date");
  g_assert_cmpstr (af_item_get_n (moved, "fraction_at"), ==, "1731056400.5");
  g_assert_cmpstr (af_item_get_n (moved, "count_date"), ==, "20241107");
  /* unknown attributes and document facts are kept exactly */
  g_assert_true (af_value_equal (af_value_map_get (moved, "unknown_future_attribute"),
                                 af_value_map_get (item, "unknown_future_attribute")));
  g_assert_true (af_value_equal (af_value_map_get (moved, "extracted_data"),
                                 af_value_map_get (item, "extracted_data")));
  g_assert_cmpuint (af_value_map_size (moved), ==, af_value_map_size (item));
  /* nested maps are looked into */
  correction = af_value_list_nth (af_value_map_get (moved, "corrections"), 0);
  g_assert_cmpstr (af_item_get_s (correction, "corrected_at"), ==, "2026-03-13T13:34:56.000Z");
  g_assert_cmpstr (af_item_get_s (correction, "field"), ==, "employer_ein");

  /* no shift, no change; and the original is left untouched */
  g_assert_true (af_value_equal (same, item));
  unchanged = parse_item ("{\"ttl\": {\"N\": \"1951478019\"}}");
  expected_unchanged = af_demo_shift_item (unchanged, 0);
  g_assert_cmpstr (af_item_get_n (unchanged, "ttl"), ==, "1951478019");
  g_assert_cmpstr (af_item_get_n (expected_unchanged, "ttl"), ==, "1951478019");
}

static void
test_as_of (void)
{
  g_autoptr(GError) error = NULL;
  gint64 as_of = 0;

  g_assert_true (af_demo_read_as_of (demo_dir (), &as_of, &error));
  g_assert_no_error (error);
  g_assert_cmpint (as_of, ==, AS_OF_UNIX);
}

/* ---- Opening the demo --------------------------------------------------------- */

/* Every stored item is the fixture's item moved by @shift: nothing lost, nothing
 * added, every other attribute (known or not) exactly as it was. */
static void
assert_table_is_fixture (AfStore    *store,
                         AfTable     table,
                         const char *file,
                         gint64      shift)
{
  g_autoptr(GPtrArray) fixture = fixture_items (file);
  g_autoptr(GPtrArray) stored = all_items (store, table);

  g_assert_cmpuint (stored->len, ==, fixture->len);
  for (guint i = 0; i < fixture->len; i++)
    {
      const AfValue *original = g_ptr_array_index (fixture, i);
      const char *id = af_item_get_s (original, af_table_key_name (table));
      g_autoptr(AfValue) item = get_item (store, table, id);
      g_autoptr(AfValue) expected = af_demo_shift_item (original, shift);

      g_assert_true (af_value_equal (item, expected));
      g_assert_cmpuint (af_value_map_size (item), ==, af_value_map_size (original));
    }
}

/* Retention dates lie after now; event dates (milliseconds) do not pass it, unless
 * the clock is set before the fixture's as_of (@clock_before_as_of). */
static void
assert_nothing_expired (AfStore  *store,
                        gboolean  clock_before_as_of)
{
  gint64 now = af_clock_now_unix ();
  gint64 now_ms = af_clock_now_unix_ms ();
  struct { AfTable table; const char *name; gboolean is_expiry; } checks[] = {
    { AF_TABLE_DOCUMENTS, "ttl", TRUE },
    { AF_TABLE_AUDITS, "ttl", TRUE },
    { AF_TABLE_ANALYSES, "auto_delete_date", TRUE },
    { AF_TABLE_ANALYSES, "created_at", FALSE },
    { AF_TABLE_USERS, "last_login", FALSE },
  };

  for (guint c = 0; c < G_N_ELEMENTS (checks); c++)
    {
      g_autoptr(GPtrArray) items = all_items (store, checks[c].table);
      guint seen = 0;

      for (guint i = 0; i < items->len; i++)
        {
          const char *text = af_item_get_n (g_ptr_array_index (items, i), checks[c].name);
          gint64 value;

          if (text == NULL)
            continue;
          seen++;
          value = g_ascii_strtoll (text, NULL, 10);
          if (checks[c].is_expiry)
            g_assert_cmpint (value, >, now);
          else if (!clock_before_as_of)
            g_assert_cmpint (value, <=, now_ms);
        }
      g_assert_cmpuint (seen, >, 0);
    }
}

static void
open_and_check (Fixture    *fixture,
                const char *now,
                gint64      shift)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) audit = NULL;
  g_autoptr(AfValue) user = NULL;
  g_autofree char *stored_shift = NULL;
  g_autofree char *expected_shift = g_strdup_printf ("%" G_GINT64_FORMAT, shift);

  g_setenv ("AUDITFLOW_DESK_NOW", now, TRUE);
  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (af_demo_store_is_demo (store));
  stored_shift = get_state (store, AF_DEMO_STATE_SHIFT);
  g_assert_cmpstr (stored_shift, ==, expected_shift);

  assert_table_is_fixture (store, AF_TABLE_DOCUMENTS, "AuditFlow-Documents.json", shift);
  assert_table_is_fixture (store, AF_TABLE_AUDITS, "AuditFlow-AuditRecords.json", shift);
  assert_table_is_fixture (store, AF_TABLE_ANALYSES, "artguard-image-analysis-dev.json", shift);
  assert_table_is_fixture (store, AF_TABLE_USERS, "artguard-users-dev.json", shift);
  assert_nothing_expired (store, af_clock_now_unix () < AS_OF_UNIX);

  /* numbers exact through the store too */
  audit = get_item (store, AF_TABLE_AUDITS, "913a8c14-2450-420b-bca7-1d4a1c988462");
  g_assert_cmpstr (af_item_get_n (audit, "risk_score"), ==, "72");
  user = get_item (store, AF_TABLE_USERS, "b954ed57-756b-4913-b520-0e02397bfa11");
  g_assert_cmpstr (af_item_get_s (user, "api_key_hash"), ==,
                   "5c409e78efc6a6c2c947980cd23481958bd29c230d61691933febc910afa8285");
  g_assert_cmpstr (af_item_get_n (user, "monthly_quota"), ==, "500");
}

static void
test_open_at_as_of (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) audit = NULL;

  open_and_check (fixture, AS_OF, 0);

  store = af_store_open (cache, &error);
  g_assert_no_error (error);
  audit = get_item (store, AF_TABLE_AUDITS, "913a8c14-2450-420b-bca7-1d4a1c988462");
  g_assert_cmpstr (af_item_get_s (audit, "audit_timestamp"), ==, "2024-11-07T18:37:28.810Z");
}

static void
test_open_later (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) audit = NULL;
  g_autoptr(AfValue) analysis = NULL;

  open_and_check (fixture, LATER, LATER_SHIFT);

  store = af_store_open (cache, &error);
  g_assert_no_error (error);
  audit = get_item (store, AF_TABLE_AUDITS, "913a8c14-2450-420b-bca7-1d4a1c988462");
  g_assert_cmpstr (af_item_get_s (audit, "audit_timestamp"), ==, "2026-03-14T22:12:24.810Z");
  analysis = get_item (store, AF_TABLE_ANALYSES, "8b865684-cf1a-463d-88a8-aa489fdc7dcb");
  g_assert_cmpstr (af_item_get_n (analysis, "created_at"), ==, "1773495545885");
  g_assert_cmpstr (af_item_get_n (analysis, "auto_delete_date"), ==, "1776087545");
  g_assert_cmpstr (af_item_get_s (analysis, "raw_image_url"), ==,
                   "s3://artguard-images-raw-dev/audit/20241107_100409_8b8656.jpg");
}

/* A clock before as_of never moves the demo back in time. */
static void
test_open_before_as_of (Fixture       *fixture,
                       gconstpointer  data)
{
  open_and_check (fixture, "2024-01-01T00:00:00.000Z", 0);
}

static void
test_reopen_keeps_cache (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) audit = NULL;
  g_autofree char *imported_at = NULL;
  g_autofree char *imported_again = NULL;
  g_autofree char *imported_third = NULL;
  g_autofree char *shift = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *where = NULL;

  g_setenv ("AUDITFLOW_DESK_NOW", LATER, TRUE);
  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  imported_at = get_state (store, AF_DEMO_STATE_IMPORTED_AT);
  af_store_set_identity (store, "demo.reviewer@example.com");
  g_assert_true (af_store_set_review_notes (store, "913a8c14-2450-420b-bca7-1d4a1c988462",
                                            "Checked in the demo", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* a day later: the same cache, the edit still there, the dates not moved again */
  g_setenv ("AUDITFLOW_DESK_NOW", "2026-03-16T12:34:56.789Z", TRUE);
  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  imported_again = get_state (store, AF_DEMO_STATE_IMPORTED_AT);
  g_assert_cmpstr (imported_again, ==, imported_at);
  shift = get_state (store, AF_DEMO_STATE_SHIFT);
  g_assert_cmpstr (shift, ==, "42521696");
  audit = get_item (store, AF_TABLE_AUDITS, "913a8c14-2450-420b-bca7-1d4a1c988462");
  g_assert_cmpstr (af_item_get_s (audit, "review_notes"), ==, "Checked in the demo");
  g_assert_cmpstr (af_item_get_s (audit, "audit_timestamp"), ==, "2026-03-14T22:12:24.810Z");
  g_assert_cmpint (af_store_outbox_length (store, &error), ==, 1);
  g_assert_true (af_demo_store_is_demo (store));
  g_clear_object (&store);

  /* the same demo found elsewhere (installed after a run from the build tree) */
  moved = g_build_filename (fixture->dir, "moved-demo", NULL);
  g_assert_cmpint (symlink (demo_dir (), moved), ==, 0);
  store = af_demo_open (moved, cache, &error);
  g_assert_no_error (error);
  where = get_state (store, AF_DEMO_STATE_DIR);
  g_assert_cmpstr (where, ==, moved);
  imported_third = get_state (store, AF_DEMO_STATE_IMPORTED_AT);
  g_assert_cmpstr (imported_third, ==, imported_at);
}

/* Weeks later the demo is moved to the new now, so that retention never empties it;
 * the user's edits are kept. */
static void
test_reopen_refreshes_stale_demo (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) audit = NULL;
  g_autoptr(GPtrArray) analyses = NULL;
  g_autofree char *shift = NULL;

  g_setenv ("AUDITFLOW_DESK_NOW", LATER, TRUE);
  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  af_store_set_identity (store, "demo.reviewer@example.com");
  g_assert_true (af_store_set_review_notes (store, "913a8c14-2450-420b-bca7-1d4a1c988462",
                                            "Checked in the demo", &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* 40 days later: every artwork would be past its auto_delete_date otherwise */
  g_setenv ("AUDITFLOW_DESK_NOW", "2026-04-24T12:34:56.789Z", TRUE);
  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  shift = get_state (store, AF_DEMO_STATE_SHIFT);
  g_assert_cmpstr (shift, ==, "45977696");
  audit = get_item (store, AF_TABLE_AUDITS, "913a8c14-2450-420b-bca7-1d4a1c988462");
  g_assert_cmpstr (af_item_get_s (audit, "review_notes"), ==, "Checked in the demo");
  g_assert_cmpstr (af_item_get_s (audit, "audit_timestamp"), ==, "2026-04-23T22:12:24.810Z");
  analyses = all_items (store, AF_TABLE_ANALYSES);
  g_assert_cmpuint (analyses->len, ==, 5);
  assert_nothing_expired (store, FALSE);
}

/* An import that died half-way (no "done" mark) is completed on the next open. */
static void
test_reopen_after_interrupted_import (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) audits = NULL;
  g_autofree char *parent = g_path_get_dirname (cache);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  store = af_store_open (cache, &error);
  g_assert_no_error (error);
  g_assert_true (af_store_set_state (store, AF_DEMO_STATE_WORKSPACE, AF_DEMO_WORKSPACE_DEMO,
                                     &error));
  users = fixture_items ("artguard-users-dev.json");
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_USERS, users, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = af_demo_open (demo_dir (), cache, &error);
  g_assert_no_error (error);
  audits = all_items (store, AF_TABLE_AUDITS);
  g_assert_cmpuint (audits->len, ==, 4);
}

static void
test_real_workspace_refused (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autofree char *parent = g_path_get_dirname (cache);
  g_autofree char *users = g_build_filename (demo_dir (), "dynamodb", "artguard-users-dev.json",
                                             NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfStore) demo = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  store = af_store_open (cache, &error);
  g_assert_no_error (error);
  g_assert_true (af_store_import_file (store, users, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (af_demo_store_is_demo (store));
  g_clear_object (&store);

  demo = af_demo_open (demo_dir (), cache, &error);
  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_DEMO);
  g_assert_null (demo);
}

/* A demo directory of our own with one table file of @contents. */
static char *
make_small_demo (Fixture    *fixture,
                 const char *expected,
                 const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_build_filename (fixture->dir, "small-demo", NULL);
  g_autofree char *tables = g_build_filename (dir, "dynamodb", NULL);
  g_autofree char *expected_path = g_build_filename (dir, "expected.json", NULL);
  g_autofree char *table_path = g_build_filename (tables, "table.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (tables, 0700), ==, 0);
  g_file_set_contents (expected_path, expected, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (table_path, contents, -1, &error);
  g_assert_no_error (error);
  return dir;
}

static void
test_malformed_demo (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *good_as_of = "{\"as_of\": \"" AS_OF "\"}";
  const char *good_items = "{\"Items\": [{\"user_id\": {\"S\": \"u1\"},"
                           " \"created_at\": {\"N\": \"1730984809890\"}}]}";
  const struct { const char *expected; const char *items; int code; } cases[] = {
    { "{\"as_of\": \"yesterday\"}", good_items, AF_DEMO_ERROR_MALFORMED },
    { "{\"as_of\": 1731056400}", good_items, AF_DEMO_ERROR_MALFORMED },
    { "[1, 2]", good_items, AF_DEMO_ERROR_MALFORMED },
    { "{\"as_of\": ", good_items, AF_DEMO_ERROR_MALFORMED },
    { good_as_of, "{\"Items\": [{\"user_id\": {\"N\": \"1e\"}}]}", AF_DEMO_ERROR_MALFORMED },
    { good_as_of, "{\"Items\": [{\"nobody\": {\"S\": \"x\"}}]}", AF_DEMO_ERROR_MALFORMED },
    { good_as_of, "not json", AF_DEMO_ERROR_MALFORMED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = make_small_demo (fixture, cases[i].expected, cases[i].items);
      g_autofree char *cache = g_strdup_printf ("%s/bad-%u.sqlite", fixture->dir, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(AfStore) store = af_demo_open (dir, cache, &error);

      g_assert_error (error, AF_DEMO_ERROR, cases[i].code);
      g_assert_null (store);
    }
}

/* A table file fixed after a failed import is taken on the next open. */
static void
test_failed_import_retried (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autofree char *dir = make_small_demo (fixture, "{\"as_of\": \"" AS_OF "\"}", "[");
  g_autofree char *table = g_build_filename (dir, "dynamodb", "table.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_demo_open (dir, cache, &error);
  g_autoptr(AfValue) user = NULL;

  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED);
  g_assert_null (store);
  g_clear_error (&error);

  g_file_set_contents (table, "{\"Items\": [{\"user_id\": {\"S\": \"u1\"},"
                              " \"last_login\": {\"N\": \"1731052503902\"}}]}", -1, &error);
  g_assert_no_error (error);
  store = af_demo_open (dir, cache, &error);
  g_assert_no_error (error);
  user = get_item (store, AF_TABLE_USERS, "u1");
  g_assert_cmpstr (af_item_get_n (user, "last_login"), ==, "1731052503902");
  g_assert_true (af_demo_store_is_demo (store));
}

static void
test_missing_demo_dir (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *cache = temp_cache_path (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_demo_open ("/nonexistent/demo", cache, &error);

  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND);
  g_assert_null (store);
}

static void
test_find_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *expected = g_canonicalize_filename (demo_dir (), NULL);
  g_autofree char *missing = NULL;

  g_setenv ("AFD_DEMO_DIR", demo_dir (), TRUE);
  found = af_demo_find_dir (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, expected);

  g_setenv ("AFD_DEMO_DIR", "/nonexistent/demo", TRUE);
  missing = af_demo_find_dir (&error);
  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_unsetenv ("AFD_DEMO_DIR");
}

/* ---- Objects ------------------------------------------------------------------ */

static void
assert_resolves_inside (const char *path,
                        const char *expected_suffix)
{
  g_autofree char *real_dir = realpath (demo_dir (), NULL);

  g_assert_nonnull (path);
  g_assert_true (g_str_has_prefix (path, real_dir));
  g_assert_true (g_str_has_suffix (path, expected_suffix));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_resolve_objects (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *w2 = NULL;
  g_autofree char *mapped = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *processed = NULL;
  g_autoptr(AfValue) document = parse_item (
    "{\"document_id\": {\"S\": \"094b4686-f66b-4f95-94fb-d3836b75ea53\"},"
    " \"s3_bucket\": {\"S\": \"auditflow-documents-dev\"},"
    " \"s3_key\": {\"S\": \"loans/LOAN-2024-259508/094b4686-f66b-4f95-94fb-d3836b75ea53/"
    "W-2 Cobalt Ridge.pdf\"}}");
  g_autoptr(AfValue) analysis = parse_item (
    "{\"request_id\": {\"S\": \"8b865684-cf1a-463d-88a8-aa489fdc7dcb\"},"
    " \"raw_image_url\": {\"S\": \"s3://artguard-images-raw-dev/audit/"
    "20241107_100409_8b8656.jpg\"},"
    " \"processed_image_url\": {\"S\": \"s3://artguard-images-processed-dev/inference/"
    "20241107_100409_8b8656.jpg\"}}");

  w2 = af_demo_resolve_object (demo_dir (), "auditflow-documents-dev",
                               "loans/LOAN-2024-072470/dbbc2c4b-db60-4d6c-9f55-779ebbf500eb/"
                               "W2_2023_Carter.pdf", &content_type, &error);
  g_assert_no_error (error);
  assert_resolves_inside (w2, "/W2_2023_Carter.pdf");
  g_assert_cmpstr (content_type, ==, "application/pdf");

  /* a key with spaces lives under s3/_mapped: only the manifest knows where */
  mapped = af_demo_resolve_item_object (demo_dir (), document, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_resolves_inside (mapped, "__W-2_Cobalt_Ridge.pdf");

  raw = af_demo_resolve_item_object (demo_dir (), analysis, "raw_image_url", NULL, &error);
  g_assert_no_error (error);
  assert_resolves_inside (raw, "/artguard-images-raw-dev/audit/20241107_100409_8b8656.jpg");
  processed = af_demo_resolve_item_object (demo_dir (), analysis, "processed_image_url", NULL,
                                           &error);
  g_assert_no_error (error);
  assert_resolves_inside (processed, "/artguard-images-processed-dev/inference/"
                                     "20241107_100409_8b8656.jpg");
}

static void
assert_refused (const char *bucket,
                const char *key,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *path = af_demo_resolve_object (demo_dir (), bucket, key, &content_type,
                                                  &error);

  g_assert_error (error, AF_DEMO_ERROR, code);
  g_assert_null (path);
  g_assert_null (content_type);
}

static void
test_resolve_hostile_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) no_object = parse_item ("{\"document_id\": {\"S\": \"x\"}}");
  g_autoptr(AfValue) bad_url = parse_item ("{\"raw_image_url\": {\"S\": \"https://x/y\"}}");
  g_autofree char *path = NULL;

  /* each of these would name a real file if it were joined onto the demo dir */
  assert_refused ("auditflow-documents-dev", "../expected.json", AF_DEMO_ERROR_UNKNOWN_OBJECT);
  assert_refused ("auditflow-documents-dev", "../../s3-manifest.json",
                  AF_DEMO_ERROR_UNKNOWN_OBJECT);
  assert_refused ("auditflow-documents-dev",
                  "loans/../../../../../../../../etc/passwd", AF_DEMO_ERROR_UNKNOWN_OBJECT);
  assert_refused ("auditflow-documents-dev",
                  "loans/LOAN-2024-072470/../LOAN-2024-072470/dbbc2c4b-db60-4d6c-9f55-"
                  "779ebbf500eb/W2_2023_Carter.pdf", AF_DEMO_ERROR_UNKNOWN_OBJECT);
  assert_refused ("..", "s3-manifest.json", AF_DEMO_ERROR_UNKNOWN_OBJECT);
  assert_refused ("auditflow-documents-dev", "/etc/passwd", AF_DEMO_ERROR_UNKNOWN_OBJECT);
  /* the right key in the wrong bucket */
  assert_refused ("artguard-images-raw-dev",
                  "loans/LOAN-2024-072470/dbbc2c4b-db60-4d6c-9f55-779ebbf500eb/W2_2023_Carter.pdf",
                  AF_DEMO_ERROR_UNKNOWN_OBJECT);

  path = af_demo_resolve_item_object (demo_dir (), no_object, NULL, NULL, &error);
  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNKNOWN_OBJECT);
  g_assert_null (path);
  g_clear_error (&error);
  path = af_demo_resolve_item_object (demo_dir (), bad_url, "raw_image_url", NULL, &error);
  g_assert_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNKNOWN_OBJECT);
  g_assert_null (path);
}

/* A demo directory of our own whose manifest is hostile. */
static char *
make_hostile_demo (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_build_filename (fixture->dir, "hostile-demo", NULL);
  g_autofree char *objects = g_build_filename (dir, "s3", NULL);
  g_autofree char *secret = g_build_filename (fixture->dir, "secret.txt", NULL);
  g_autofree char *inside = g_build_filename (objects, "inside.txt", NULL);
  g_autofree char *link = g_build_filename (objects, "link.txt", NULL);
  g_autofree char *expected = g_build_filename (dir, "expected.json", NULL);
  g_autofree char *manifest = g_build_filename (dir, "s3-manifest.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (objects, 0700), ==, 0);
  g_file_set_contents (secret, "secret", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (inside, "fine", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink (secret, link), ==, 0);
  g_file_set_contents (expected, "{\"as_of\": \"" AS_OF "\"}", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (manifest,
    "{\"objects\": ["
    " {\"bucket\": \"b\", \"key\": \"../../secret.txt\", \"file\": \"s3/inside.txt\"},"
    " {\"bucket\": \"b\", \"key\": \"up\", \"file\": \"../secret.txt\"},"
    " {\"bucket\": \"b\", \"key\": \"dots\", \"file\": \"s3/../../secret.txt\"},"
    " {\"bucket\": \"b\", \"key\": \"absolute\", \"file\": \"/etc/passwd\"},"
    " {\"bucket\": \"b\", \"key\": \"link\", \"file\": \"s3/link.txt\"},"
    " {\"bucket\": \"b\", \"key\": \"nofile\"},"
    " {\"bucket\": \"b\", \"key\": \"missing\", \"file\": \"s3/missing.txt\"}"
    "]}", -1, &error);
  g_assert_no_error (error);
  return dir;
}

static void
assert_hostile_refused (const char *dir,
                        const char *key,
                        int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = af_demo_resolve_object (dir, "b", key, NULL, &error);

  g_assert_error (error, AF_DEMO_ERROR, code);
  g_assert_null (path);
}

static void
test_resolve_hostile_manifest (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *dir = make_hostile_demo (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  /* a traversal key that the manifest lists is served from its own file, which
   * proves that the key itself is never used as a path */
  path = af_demo_resolve_object (dir, "b", "../../secret.txt", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "/hostile-demo/s3/inside.txt"));

  assert_hostile_refused (dir, "up", AF_DEMO_ERROR_UNSAFE_PATH);
  assert_hostile_refused (dir, "dots", AF_DEMO_ERROR_UNSAFE_PATH);
  assert_hostile_refused (dir, "absolute", AF_DEMO_ERROR_UNSAFE_PATH);
  assert_hostile_refused (dir, "link", AF_DEMO_ERROR_UNSAFE_PATH);
  assert_hostile_refused (dir, "nofile", AF_DEMO_ERROR_UNSAFE_PATH);
  assert_hostile_refused (dir, "missing", AF_DEMO_ERROR_NOT_FOUND);
  assert_hostile_refused (dir, "not-listed", AF_DEMO_ERROR_UNKNOWN_OBJECT);
}

static void
test_parse_s3_url (void)
{
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  g_assert_true (af_demo_parse_s3_url ("s3://bucket/a/b c.jpg", &bucket, &key));
  g_assert_cmpstr (bucket, ==, "bucket");
  g_assert_cmpstr (key, ==, "a/b c.jpg");
  g_assert_false (af_demo_parse_s3_url ("s3://bucket", &bucket, &key));
  g_assert_false (af_demo_parse_s3_url ("s3://bucket/", &bucket, &key));
  g_assert_false (af_demo_parse_s3_url ("s3:///key", &bucket, &key));
  g_assert_false (af_demo_parse_s3_url ("https://bucket/key", &bucket, &key));
  g_assert_false (af_demo_parse_s3_url (NULL, &bucket, &key));
}

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/shift-item", test_shift_item);
  g_test_add_func ("/demo/as-of", test_as_of);
  add_test ("/demo/open/at-as-of", test_open_at_as_of);
  add_test ("/demo/open/later", test_open_later);
  add_test ("/demo/open/before-as-of", test_open_before_as_of);
  add_test ("/demo/open/reopen-keeps-cache", test_reopen_keeps_cache);
  add_test ("/demo/open/refresh-stale", test_reopen_refreshes_stale_demo);
  add_test ("/demo/open/interrupted-import", test_reopen_after_interrupted_import);
  add_test ("/demo/open/real-workspace-refused", test_real_workspace_refused);
  add_test ("/demo/open/missing-dir", test_missing_demo_dir);
  add_test ("/demo/open/malformed", test_malformed_demo);
  add_test ("/demo/open/failed-import-retried", test_failed_import_retried);
  g_test_add_func ("/demo/find-dir", test_find_dir);
  g_test_add_func ("/demo/objects/resolve", test_resolve_objects);
  g_test_add_func ("/demo/objects/hostile-keys", test_resolve_hostile_keys);
  add_test ("/demo/objects/hostile-manifest", test_resolve_hostile_manifest);
  g_test_add_func ("/demo/objects/s3-url", test_parse_s3_url);

  return g_test_run ();
}
