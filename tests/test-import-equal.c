/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The import's fast path against the ordinary one (issue 13 item 4): items a file
 * import builds in an arena (af-arena.h) and seals and writes on its own threads must
 * be stored exactly as the same items parsed into ordinary trees and stored by
 * af_store_put_remote_items(): every column of every row byte for byte (the sealed
 * values' ciphertexts aside, which differ by their random nonces: those are compared
 * opened), the search text included. The inputs: the fixtures, and generated items
 * with what a parser gets wrong — nesting, sets, escapes, surrogate pairs, numbers,
 * binary, members out of order, whitespace. And every error the parser gives is given
 * the same way, naming the item.
 */
#include <glib/gstdio.h>
#include <string.h>

#include <sqlite3.h>

#include "af-codec.h"
#include "af-store.h"
#include "af-store-test-private.h"
#include "af-test-util.h"

/* A few chunks of the pipeline (64 items each), the last one partly filled. */
#define GENERATED 200

static const char * const fixture_files[] = {
  "AuditFlow-Documents.json", "AuditFlow-AuditRecords.json",
  "artguard-image-analysis-dev.json", "artguard-users-dev.json",
};

/* One document, its members out of order and spaced as a person would, its strings
 * escaped every way JSON allows. */
static void
append_generated_document (GString *out,
                           guint    i)
{
  g_string_append_printf (out,
    "{ \"upload_timestamp\": {\"S\": \"2024-11-%02uT10:00:00Z\"},\n"
    "  \"document_id\" : { \"S\" : \"gen-doc-%05u\" },\n"
    "  \"file_name\": {\"S\": \"Jos\\u00e9 \\ud83d\\ude00 \\\"W-2\\\" \\/ %u\\tfin.pdf\"},\n"
    "  \"loan_application_id\": {\"S\": \"LOAN-\\u0041%u\"},\n"
    "  \"processing_status\": {\"S\": \"%s\"},\n"
    "  \"ttl\": {\"N\": \"%s\"},\n"
    "  \"pii_detected\": {\"L\": [{\"S\": \"ssn\"}, {\"S\": \"dob\"}]},\n"
    "  \"extracted_data\": {\"M\": {\n"
    "     \"employee_ssn\": {\"M\": {\"value\": {\"S\": \"98%u-21-9185\"}, \"confidence\": {\"N\": \"0.97\"}}},\n"
    "     \"date_of_birth\": {\"M\": {\"value\": {\"S\": \"1980-0%u-1\\u00e9\"}, \"pii\": {\"BOOL\": true}}},\n"
    "     \"wages\": {\"M\": {\"value\": {\"N\": \"-0.5e10\"}, \"pii\": {\"BOOL\": false}}},\n"
    "     \"secret_note\": {\"M\": {\"pii\": {\"BOOL\": true}, \"value\": {\"M\": {\"z\": {\"NULL\": true},"
    " \"a\": {\"L\": [{\"N\": \"+12\"}, {\"B\": \"AAEC\"}, {\"SS\": [\"x\", \"\\u00fc\"]}]}}}}}\n"
    "  }},\n"
    "  \"corrections\": {\"L\": [{\"M\": {\"field\": {\"S\": \"employee_ssn\"},"
    " \"original_value\": {\"S\": \"000-00-000%u\"}, \"corrected_value\": {\"S\": \"980-21-9185\"}}},"
    " {\"M\": {\"field\": {\"S\": \"wages\"}, \"original_value\": {\"N\": \"1\"}}}]},\n"
    "  \"tags\": {\"SS\": [\"b\", \"a\\n\", \"\\u20ac\"]},\n"
    "  \"sizes\": {\"NS\": [\"1\", \"007\", \"1.50\", \"12345678901234567890123456789012345678\"]},\n"
    "  \"blobs\": {\"BS\": [\"AA==\", \"AAE=\", \"\"]},\n"
    "  \"deep\": {\"L\": [{\"L\": [{\"M\": {\"k\": {\"L\": [{\"L\": []}, {\"M\": {}}]}}}]}]},\n"
    "  \"flag\": {\"BOOL\": %s}, \"nothing\": {\"NULL\": true},\n"
    "  \"thumbnail\": {\"B\": \"iVBORw0KGgo=\"}\n"
    "}",
    i % 28 + 1, i, i, i, i % 3 == 0 ? "COMPLETED" : "PENDING_REVIEW",
    i % 5 == 0 ? "1.7e9" : "2100000000", i % 10, i % 9 + 1, i % 10, i % 2 ? "true" : "false");
}

/* An audit with a golden record and inconsistencies over personal fields. */
static void
append_generated_audit (GString *out,
                        guint    i)
{
  g_string_append_printf (out,
    "{\"audit_record_id\":{\"S\":\"gen-aud-%05u\"},\"applicant_name\":{\"S\":\"\\u00c9mily R. Carter %u\"},"
    "\"status\":{\"S\":\"FLAGGED\"},\"risk_score\":{\"N\":\"%u.5\"},\"loan_application_id\":{\"S\":\"LOAN-%u\"},"
    "\"audit_timestamp\":{\"S\":\"2024-11-08T09:%02u:00Z\"},"
    "\"golden_record\":{\"M\":{\"ssn\":{\"M\":{\"value\":{\"S\":\"123-45-%04u\"}}},"
    "\"bank_account_number\":{\"M\":{\"value\":{\"N\":\"%u0001\"}}},\"employer\":{\"M\":{\"value\":{\"S\":\"ACME\"}}}}},"
    "\"inconsistencies\":{\"L\":[{\"M\":{\"field\":{\"S\":\"ssn\"},\"values\":{\"M\":{\"w2\":{\"S\":\"1\"},\"paystub\":{\"S\":\"2\"}}}}},"
    "{\"M\":{\"field\":{\"S\":\"employer\"},\"values\":{\"M\":{\"w2\":{\"S\":\"A\"}}}}}]}}",
    i, i, i % 100, i, i % 60, i, i);
}

static char *
write_generated (const char *name)
{
  g_autoptr(GString) out = g_string_new ("{\"Count\": 3, \"Items\": [\n");
  g_autoptr(GError) error = NULL;
  char *path = af_test_scratch (name);

  for (guint i = 0; i < GENERATED; i++)
    {
      if (i > 0)
        g_string_append (out, " ,\n ");
      if (i % 4 == 3)
        append_generated_audit (out, i);
      else
        append_generated_document (out, i);
    }
  g_string_append (out, "\n] , \"LastEvaluatedKey\": {\"document_id\": {\"S\": \"x\"}}, \"ScannedCount\": 3 }\n");
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
  return path;
}

static AfStore *
open_store (const char *name)
{
  g_autofree char *path = af_test_scratch (name);
  g_autoptr(GError) error = NULL;
  AfStore *store;

  g_unlink (path);
  store = af_store_open (path, &error);
  g_assert_no_error (error);
  return store;
}

/* The old path: the page parsed into ordinary trees, each table's items stored by
 * af_store_put_remote_items(). */
static void
store_the_old_way (AfStore    *store,
                   const char *path)
{
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (path, &json, &length, &error);
  g_assert_no_error (error);
  items = af_codec_parse_items_page (json, length, NULL, &error);
  g_assert_no_error (error);
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autoptr(GPtrArray) of_table = g_ptr_array_new ();

      for (guint i = 0; i < items->len; i++)
        {
          AfTable guessed;

          g_assert_true (af_table_guess_for_item (g_ptr_array_index (items, i), &guessed));
          if (guessed == table)
            g_ptr_array_add (of_table, g_ptr_array_index (items, i));
        }
      if (of_table->len > 0 && !af_store_put_remote_items (store, table, of_table, &error))
        g_error ("%s", error->message);
    }
}

/* @text with every sealed value (the base64 of "AFS1…") replaced by its length: what
 * is left must match byte for byte. */
static char *
without_ciphertexts (const char *text)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = text;
  const char *sealed;

  while ((sealed = strstr (p, "\"QUZTM")) != NULL)
    {
      const char *end = strchr (sealed + 1, '"');

      g_assert_nonnull (end);
      g_string_append_len (out, p, sealed - p);
      g_string_append_printf (out, "\"<sealed %zu>\"", (size_t) (end - sealed));
      p = end + 1;
    }
  g_string_append (out, p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Every row of @table in both caches, its rowid and every column, in key order. */
static guint
compare_table (sqlite3    *a,
               sqlite3    *b,
               const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT rowid, * FROM %s ORDER BY 2", table);
  sqlite3_stmt *sa = NULL, *sb = NULL;
  guint rows = 0;

  g_assert_cmpint (sqlite3_prepare_v2 (a, sql, -1, &sa, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (b, sql, -1, &sb, NULL), ==, SQLITE_OK);
  for (;;)
    {
      int ra = sqlite3_step (sa), rb = sqlite3_step (sb);

      g_assert_cmpint (ra, ==, rb);
      if (ra != SQLITE_ROW)
        break;
      rows++;
      g_assert_cmpint (sqlite3_column_count (sa), ==, sqlite3_column_count (sb));
      for (int c = 0; c < sqlite3_column_count (sa); c++)
        {
          const char *ta = (const char *) sqlite3_column_text (sa, c);
          const char *tb = (const char *) sqlite3_column_text (sb, c);
          g_autofree char *ca = NULL, *cb = NULL;

          g_assert_cmpint (sqlite3_column_type (sa, c), ==, sqlite3_column_type (sb, c));
          if (ta == NULL || tb == NULL)
            {
              g_assert_true (ta == tb);
              continue;
            }
          ca = without_ciphertexts (ta);
          cb = without_ciphertexts (tb);
          if (strcmp (ca, cb) != 0)
            g_error ("%s.%s differs:\n%s\n%s", table, sqlite3_column_name (sa, c), ca, cb);
        }
    }
  sqlite3_finalize (sa);
  sqlite3_finalize (sb);
  return rows;
}

/* The decrypted items of both caches, as canonical text. */
static void
compare_opened (AfStore *a,
                AfStore *b)
{
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s", af_table_key_name (table),
                                              af_table_nick (table));
      g_autofree char *path = g_strdup (af_store_get_path (a));
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      sqlite3_finalize (stmt);
      sqlite3_close (db);
      for (guint i = 0; i < ids->len; i++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(AfValue) ia = af_store_get_item (a, table, g_ptr_array_index (ids, i), &error);
          g_autoptr(AfValue) ib = af_store_get_item (b, table, g_ptr_array_index (ids, i), &error);
          g_autofree char *ta = NULL, *tb = NULL;

          g_assert_no_error (error);
          g_assert_nonnull (ia);
          g_assert_nonnull (ib);
          ta = af_codec_item_to_string (ia);
          tb = af_codec_item_to_string (ib);
          g_assert_cmpstr (ta, ==, tb);
        }
    }
}

/* Two caches: one filled by the import, one the old way. */
typedef struct
{
  AfStore *fresh;
  AfStore *old;
} Pair;

static void
pair_open (Pair       *pair,
           const char *name)
{
  g_autofree char *name_new = g_strconcat (name, "-new.db", NULL);
  g_autofree char *name_old = g_strconcat (name, "-old.db", NULL);

  pair->fresh = open_store (name_new);
  pair->old = open_store (name_old);
}

static void
pair_clear (Pair *pair)
{
  g_clear_object (&pair->fresh);
  g_clear_object (&pair->old);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pair, pair_clear)

/* Imports @path both ways into @pair. */
static void
import_both_ways (Pair       *pair,
                  const char *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_import_file (pair->fresh, path, NULL, &error));
  g_assert_no_error (error);
  store_the_old_way (pair->old, path);
}

/* Compares the caches of @pair; returns the rows compared. */
static guint
compare_pair (Pair *pair)
{
  sqlite3 *a = NULL, *b = NULL;
  guint rows = 0;

  compare_opened (pair->fresh, pair->old);
  g_assert_cmpint (sqlite3_open_v2 (af_store_get_path (pair->fresh), &a, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_open_v2 (af_store_get_path (pair->old), &b, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    rows += compare_table (a, b, af_table_nick (table));
  sqlite3_close (a);
  sqlite3_close (b);
  return rows;
}

/* The items of @path written again compact and canonical, as this program and the
 * benchmark write them: the reader then copies most of their text where it stands. */
static char *
write_canonical (const char *path,
                 const char *name)
{
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) out = g_string_new ("{\"Items\":[");
  g_autoptr(GError) error = NULL;
  char *canonical = af_test_scratch (name);
  gsize length;

  g_file_get_contents (path, &json, &length, &error);
  g_assert_no_error (error);
  items = af_codec_parse_items_page (json, length, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (out, ",\n");
      af_codec_write_item (out, g_ptr_array_index (items, i));
    }
  g_string_append (out, "]}");
  g_file_set_contents (canonical, out->str, out->len, &error);
  g_assert_no_error (error);
  return canonical;
}

/* The fixtures as they are into one pair of caches, rewritten canonical into another. */
static void
test_fixtures (void)
{
  g_auto(Pair) as_is = { NULL };
  g_auto(Pair) canonical = { NULL };
  guint rows;

  pair_open (&as_is, "fixtures");
  pair_open (&canonical, "fixtures-canonical");
  for (guint f = 0; f < G_N_ELEMENTS (fixture_files); f++)
    {
      g_autofree char *path = af_test_fixture_path (fixture_files[f]);
      g_autofree char *name = g_strdup_printf ("fixture-%u-canonical.json", f);
      g_autofree char *rewritten = write_canonical (path, name);

      import_both_ways (&as_is, path);
      import_both_ways (&canonical, rewritten);
    }
  rows = compare_pair (&as_is);
  g_assert_cmpuint (rows, >=, 20);
  g_assert_cmpuint (compare_pair (&canonical), ==, rows);
}

static void
test_generated (void)
{
  g_autofree char *path = write_generated ("generated.json");
  g_autofree char *rewritten = write_canonical (path, "generated-canonical.json");
  g_auto(Pair) as_is = { NULL };
  g_auto(Pair) canonical = { NULL };

  pair_open (&as_is, "generated");
  pair_open (&canonical, "generated-canonical");
  import_both_ways (&as_is, path);
  import_both_ways (&canonical, rewritten);
  g_assert_cmpuint (compare_pair (&as_is), ==, GENERATED);
  g_assert_cmpuint (compare_pair (&canonical), ==, GENERATED);
}

/* ---- The parser with and without an arena ------------------------------------------ */

/* @item written by the import's writer, which copies canonical text where it stands. */
static char *
write_copying (const AfValue *item)
{
  GString *out = g_string_new (NULL);

  af_codec_write_item_replacing (out, item, NULL, 0);
  return g_string_free (out, FALSE);
}

/* Every item of @json read by a stream with an arena and by one without: equal items,
 * the same canonical text, the same error (or none) at the same item. */
static void
compare_streams (const char *json,
                 gsize       length)
{
  g_autoptr(AfCodecPageStream) plain = af_codec_page_stream_new (json, length);
  g_autoptr(AfCodecPageStream) fast = af_codec_page_stream_new (json, length);
  g_autoptr(AfArena) arena = af_arena_new ();
  g_autoptr(GError) plain_error = NULL;
  g_autoptr(GError) fast_error = NULL;

  af_codec_page_stream_set_arena (fast, arena);
  for (;;)
    {
      g_autoptr(AfValue) a = af_codec_page_stream_next (plain, &plain_error);
      g_autoptr(AfValue) b = af_codec_page_stream_next (fast, &fast_error);
      g_autofree char *ta = NULL, *tb = NULL;

      g_assert_true ((a == NULL) == (b == NULL));
      if (a == NULL)
        break;
      g_assert_true (af_value_equal (a, b));
      ta = af_codec_item_to_string (a);
      tb = af_codec_item_to_string (b);
      g_assert_cmpstr (ta, ==, tb);
      g_clear_pointer (&tb, g_free);
      tb = write_copying (b);
      g_assert_cmpstr (ta, ==, tb);
      /* Dropped before the reset, as the import does: after it, it is freed memory. */
      g_clear_pointer (&b, af_value_unref);
      af_arena_reset (arena);
    }
  g_assert_true ((plain_error == NULL) == (fast_error == NULL));
  if (plain_error != NULL)
    {
      g_assert_true (g_error_matches (fast_error, plain_error->domain, plain_error->code));
      g_assert_cmpstr (fast_error->message, ==, plain_error->message);
    }
  g_assert_true (af_codec_page_stream_is_done (plain) == af_codec_page_stream_is_done (fast));
}

static void
test_streams (void)
{
  g_autofree char *generated = write_generated ("streams.json");
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (generated, &json, &length, &error);
  g_assert_no_error (error);
  compare_streams (json, length);
  {
    g_autofree char *canonical = write_canonical (generated, "streams-canonical.json");
    g_autofree char *text = NULL;

    g_file_get_contents (canonical, &text, &length, &error);
    g_assert_no_error (error);
    compare_streams (text, length);
  }
  for (guint f = 0; f < G_N_ELEMENTS (fixture_files); f++)
    {
      g_autofree char *path = af_test_fixture_path (fixture_files[f]);
      g_autofree char *text = NULL;

      g_file_get_contents (path, &text, &length, &error);
      g_assert_no_error (error);
      compare_streams (text, length);
    }
}

/* Bad items, each the third of a page: what the old parser said of each. */
static const struct
{
  const char   *item;
  AfCodecError  code;
  const char   *message;
} bad_items[] = {
  { "{\"a\": {\"S\": \"\\x\"}}", AF_CODEC_ERROR_MALFORMED, "bad escape" },
  { "{\"a\": {\"S\": \"\\ud800x\"}}", AF_CODEC_ERROR_MALFORMED, "lone surrogate" },
  { "{\"a\": {\"S\": \"\\udc00\"}}", AF_CODEC_ERROR_MALFORMED, "lone surrogate" },
  { "{\"a\": {\"S\": \"\\ud800\\u0041\"}}", AF_CODEC_ERROR_MALFORMED, "bad surrogate pair" },
  { "{\"a\": {\"S\": \"\\u00zz\"}}", AF_CODEC_ERROR_MALFORMED, "bad \\u escape" },
  { "{\"a\": {\"S\": \"\\u0000\"}}", AF_CODEC_ERROR_MALFORMED, "NUL character" },
  { "{\"a\": {\"S\": \"\xc3\x28\"}}", AF_CODEC_ERROR_MALFORMED, "not valid UTF-8" },
  { "{\"a\": {\"S\": \"\xed\xa0\x80\"}}", AF_CODEC_ERROR_MALFORMED, "not valid UTF-8" },
  { "{\"a\": {\"S\": \"x\ny\"}}", AF_CODEC_ERROR_MALFORMED, "control character" },
  { "{\"a\": {\"Q\": \"x\"}}", AF_CODEC_ERROR_TYPE, "unknown type tag 'Q'" },
  { "{\"a\": {\"N\": \"12abc\"}}", AF_CODEC_ERROR_NUMBER, "not a DynamoDB number" },
  { "{\"a\": {\"NS\": [\"1\", \"1e\"]}}", AF_CODEC_ERROR_NUMBER, "[1]: '1e' is not" },
  { "{\"a\": {\"B\": \"abc\"}}", AF_CODEC_ERROR_BASE64, "not base64" },
  { "{\"a\": {\"BS\": [\"a=bc\"]}}", AF_CODEC_ERROR_BASE64, "not base64" },
  { "{\"a\": {\"S\": \"x\"}, \"a\": {\"S\": \"y\"}}", AF_CODEC_ERROR_MALFORMED, "appears twice" },
  { "{\"a\": {\"S\": \"x\", \"N\": \"1\"}}", AF_CODEC_ERROR_MALFORMED, "exactly one type tag" },
  { "{\"a\": {\"M\": []}}", AF_CODEC_ERROR_TYPE, "M needs a JSON object" },
  { "{\"a\": {\"L\": {}}}", AF_CODEC_ERROR_TYPE, "L needs a JSON array" },
  { "{\"a\": {\"BOOL\": 1}}", AF_CODEC_ERROR_TYPE, "true or false" },
  { "{\"a\": {\"S\": 1}}", AF_CODEC_ERROR_TYPE, "S needs a JSON string" },
  { "{\"a\": {\"L\": [{\"S\": \"x\"} {\"S\": \"y\"}]}}", AF_CODEC_ERROR_MALFORMED, "expected ']'" },
  { "[]", AF_CODEC_ERROR_MALFORMED, "an item must be a JSON object" },
};

static GString *
page_with (const char *third)
{
  GString *page = g_string_new ("{\"Items\": [{\"document_id\": {\"S\": \"d0\"}},"
                                " {\"document_id\": {\"S\": \"d1\"}}, ");

  g_string_append (page, third);
  g_string_append (page, ", {\"document_id\": {\"S\": \"d3\"}}]}");
  return page;
}

/* @page imported: the error names the file and item @index and says @message, as the
 * ordinary parser said it. */
static void
check_import_error (AfStore    *store,
                    GString    *page,
                    guint       index,
                    const char *message)
{
  g_autofree char *path = af_test_scratch ("bad.json");
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_codec_parse_items_page (page->str, page->len, NULL, &parse_error);
  g_autofree char *expected = NULL;
  g_autofree char *prefix = g_strdup_printf ("item %u: ", index);

  g_assert_null (items);
  g_assert_nonnull (parse_error);
  g_assert_true (g_str_has_prefix (parse_error->message, prefix));
  if (strstr (parse_error->message, message) == NULL)
    g_error ("\"%s\" does not say \"%s\"", parse_error->message, message);
  g_file_set_contents (path, page->str, page->len, &error);
  g_assert_no_error (error);
  g_assert_false (af_store_import_file (store, path, NULL, &error));
  expected = g_strdup_printf ("%s: %s", path, parse_error->message);
  g_assert_error (error, parse_error->domain, parse_error->code);
  g_assert_cmpstr (error->message, ==, expected);
  compare_streams (page->str, page->len);
}

static void
test_errors (void)
{
  g_autoptr(AfStore) store = open_store ("bad.db");

  for (guint i = 0; i < G_N_ELEMENTS (bad_items); i++)
    {
      g_autoptr(GString) page = page_with (bad_items[i].item);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = af_codec_parse_items_page (page->str, page->len, NULL, &error);

      g_assert_error (error, AF_CODEC_ERROR, (int) bad_items[i].code);
      check_import_error (store, page, 2, bad_items[i].message);
    }
}

/* Nested deeper than 32, trailing garbage, a file cut short. */
static void
test_structure_errors (void)
{
  g_autoptr(AfStore) store = open_store ("bad.db");
  g_autoptr(GString) deep = g_string_new ("{\"x\": ");
  g_autoptr(GString) page = NULL;
  g_autoptr(GString) cut = NULL;
  g_autoptr(GString) trailing = NULL;

  for (guint i = 0; i < 33; i++)
    g_string_append (deep, "{\"L\": [");
  g_string_append (deep, "{\"S\": \"x\"}");
  for (guint i = 0; i < 33; i++)
    g_string_append (deep, "]}");
  g_string_append (deep, "}");
  page = page_with (deep->str);
  check_import_error (store, page, 2, "nested deeper than 32 levels");

  /* Cut in the last item's string, then after its last value. */
  cut = page_with ("{\"document_id\": {\"S\": \"d2\"}}");
  g_string_truncate (cut, cut->len - 6);
  check_import_error (store, cut, 3, "unterminated string");
  g_string_truncate (cut, cut->len - 3);
  g_string_append (cut, "\"\"}");
  check_import_error (store, cut, 3, "expected '}'");

  /* After the items: the page's own error, named by no item. */
  trailing = page_with ("{\"document_id\": {\"S\": \"d2\"}}");
  g_string_append (trailing, " x");
  {
    g_autofree char *path = af_test_scratch ("trailing.json");
    g_autoptr(GError) error = NULL;

    g_file_set_contents (path, trailing->str, trailing->len, &error);
    g_assert_no_error (error);
    g_assert_false (af_store_import_file (store, path, NULL, &error));
    g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "trailing data after the document"));
    compare_streams (trailing->str, trailing->len);
  }
}

/* ---- A bulk import's own check of the keys ------------------------------------------ */

/* Documents @prefix-@first … @prefix-@last, their files named after @name, appended to
 * @page's items. */
static void
append_documents (GString    *page,
                  const char *prefix,
                  guint       first,
                  guint       last,
                  const char *name)
{
  for (guint i = first; i <= last; i++)
    g_string_append_printf (page, "%s{\"document_id\": {\"S\": \"%s-%03u\"},"
                            " \"loan_application_id\": {\"S\": \"LOAN-%u\"},"
                            " \"file_name\": {\"S\": \"%s %u.pdf\"}}",
                            page->str[page->len - 1] == '[' ? "" : ",\n", prefix, i, i % 7,
                            name, i);
}

static char *
write_page (const char *file,
            GString    *page)
{
  g_autoptr(GError) error = NULL;
  char *path = af_test_scratch (file);

  g_string_append (page, "]}");
  g_file_set_contents (path, page->str, page->len, &error);
  g_assert_no_error (error);
  return path;
}

/* The three files of test_bulk_duplicates (). */
static void
write_duplicates (char *paths[3])
{
  g_autoptr(GString) first = g_string_new ("{\"Items\": [");
  g_autoptr(GString) failing = g_string_new ("{\"Items\": [");
  g_autoptr(GString) third = g_string_new ("{\"Items\": [");

  /* An id twice in one file; a user (a table without a search index) twice too. */
  append_documents (first, "key", 0, 99, "first");
  append_documents (first, "key", 7, 7, "again");
  g_string_append (first, ",\n{\"user_id\": {\"S\": \"u-1\"}, \"email\": {\"S\": \"a@example.com\"}},"
                          "\n{\"user_id\": {\"S\": \"u-2\"}, \"email\": {\"S\": \"b@example.com\"}},"
                          "\n{\"user_id\": {\"S\": \"u-1\"}, \"email\": {\"S\": \"c@example.com\"}}");
  paths[0] = write_page ("bulk-first.json", first);
  /* More than a chunk (64 items) stored, then rolled back at an item of no table: new
   * ids, and one of the first file's written again. */
  append_documents (failing, "late", 0, 79, "failing");
  append_documents (failing, "key", 10, 10, "failing");
  g_string_append (failing, ",\n{\"no_key\": {\"S\": \"x\"}}");
  paths[1] = write_page ("bulk-failing.json", failing);
  /* The failed file's ids again, and ids of the first file. */
  append_documents (third, "late", 0, 79, "third");
  append_documents (third, "key", 20, 20, "third");
  append_documents (third, "key", 7, 7, "third");
  g_string_append (third, ",\n{\"user_id\": {\"S\": \"u-2\"}, \"email\": {\"S\": \"d@example.com\"}}");
  paths[2] = write_page ("bulk-third.json", third);
}

/* FTS5's own check of the documents' search index in @path against its rows. */
static void
assert_search_index_sound (const char *path)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  if (sqlite3_exec (db, "INSERT INTO documents_search (documents_search, rank) VALUES "
                        "('integrity-check', 1)", NULL, NULL, &message) != SQLITE_OK)
    g_error ("the search index: %s", message);
  sqlite3_close (db);
}

/* Imports @paths into @store, in bulk or not: the second file fails, the others not. */
static void
import_duplicates (AfStore  *store,
                   char     *paths[3],
                   gboolean  bulk)
{
  AfImportCounts counts[3];
  GError *errors[3] = { NULL };

  af_store_set_bulk_import (store, bulk);
  g_assert_false (af_store_import_files_at (store, (const char * const *) paths, 3, G_MININT64,
                                            counts, errors));
  af_store_set_bulk_import (store, FALSE);
  g_assert_no_error (errors[0]);
  g_assert_error (errors[1], AF_STORE_ERROR, AF_STORE_ERROR_INVALID);
  g_assert_no_error (errors[2]);
  g_clear_error (&errors[1]);
  g_assert_cmpuint (counts[0].imported[AF_TABLE_DOCUMENTS], ==, 101);
  g_assert_cmpuint (counts[2].imported[AF_TABLE_DOCUMENTS], ==, 82);
}

/* A bulk import into empty tables defers their keys' unique indexes and keeps the keys
 * unique itself (af-store-keys.c): an id twice in a file, an id in two files, the ids
 * of a file rolled back after more than a chunk was stored and seen again in a later
 * file leave the cache as an import that is not in bulk leaves it, every column and
 * rowid, the search index in step with the rows, and the unique indexes built. */
static void
check_bulk_duplicates (gboolean with_side_index)
{
  char *paths[3] = { NULL };
  g_auto(Pair) pair = { NULL };
  g_autoptr(AfValue) again = NULL;
  g_autoptr(GError) error = NULL;

  write_duplicates (paths);
  pair_open (&pair, "duplicates");
  if (!with_side_index)
    af_store_inject_failure (pair.fresh, "search-side-start");
  import_duplicates (pair.fresh, paths, TRUE);
  import_duplicates (pair.old, paths, FALSE);
  g_assert_cmpuint (compare_pair (&pair), ==, 100 + 80 + 2);
  again = af_store_get_item (pair.fresh, AF_TABLE_DOCUMENTS, "key-007", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (again, "file_name"), ==, "third 7.pdf");
  assert_search_index_sound (af_store_get_path (pair.fresh));
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM pragma_index_list ('%s') "
                                              "WHERE name = '%s_key' AND \"unique\"",
                                              af_table_nick (table), af_table_nick (table));
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_open_v2 (af_store_get_path (pair.fresh), &db, SQLITE_OPEN_READONLY,
                                        NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_free (paths[i]);
}

static void
test_bulk_duplicates (void)
{
  check_bulk_duplicates (TRUE);
}

/* The same when the search index cannot be built on its own thread: each file's rows,
 * rewritten ones included, indexed by the file's catch-up before its commit
 * (af_store_search_index_rewritten ()). */
static void
test_bulk_duplicates_catch_up (void)
{
  check_bulk_duplicates (FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-import-equal-XXXXXX");

  g_test_add_func ("/import-equal/fixtures", test_fixtures);
  g_test_add_func ("/import-equal/generated", test_generated);
  g_test_add_func ("/import-equal/streams", test_streams);
  g_test_add_func ("/import-equal/errors", test_errors);
  g_test_add_func ("/import-equal/structure-errors", test_structure_errors);
  g_test_add_func ("/import-equal/bulk-duplicates", test_bulk_duplicates);
  g_test_add_func ("/import-equal/bulk-duplicates-catch-up", test_bulk_duplicates_catch_up);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
