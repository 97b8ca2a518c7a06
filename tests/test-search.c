/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The search index: what af_store_search() and AfQuery.search find is exactly what a
 * scan of every cached item finds (accents, case, ids, file names, words in any
 * order, short words), and the index follows every write: a pull that renames, a
 * deletion, retention, an edit, a schema migration. Queue pages read by keyset (no
 * OFFSET) are the pages OFFSET gave, in the same order, rows without a sort key too.
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "af-codec.h"
#include "af-fold.h"
#include "af-search-rank.h"
#include "af-store.h"
#include "af-store-test-private.h"
#include "af-test-util.h"

static const char * const fixture_files[] = {
  "AuditFlow-Documents.json",
  "AuditFlow-AuditRecords.json",
  "artguard-image-analysis-dev.json",
  "artguard-users-dev.json",
};

static const AfTable searched[] = { AF_TABLE_AUDITS, AF_TABLE_DOCUMENTS, AF_TABLE_ANALYSES };

/* Added to the fixtures: accents, capitals, names in another order, short words. */
static const char extra_audits[] =
  "{\"Items\": ["
  "{\"audit_record_id\": {\"S\": \"aa000001-0000-4000-8000-000000000001\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000101\"},"
  " \"audit_timestamp\": {\"S\": \"2025-01-02T10:00:00.000Z\"},"
  " \"status\": {\"S\": \"COMPLETED\"}, \"risk_score\": {\"N\": \"81\"},"
  " \"applicant_name\": {\"S\": \"Jos\\u00e9 \\u00c1lvarez-N\\u00fa\\u00f1ez\"}},"
  "{\"audit_record_id\": {\"S\": \"aa000002-0000-4000-8000-000000000002\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000102\"},"
  " \"audit_timestamp\": {\"S\": \"2025-01-03T10:00:00.000Z\"},"
  " \"status\": {\"S\": \"COMPLETED\"}, \"risk_score\": {\"N\": \"45\"},"
  " \"applicant_name\": {\"S\": \"MAR\\u00cdA JOSEFA GARC\\u00cdA\"}},"
  "{\"audit_record_id\": {\"S\": \"aa000003-0000-4000-8000-000000000003\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000103\"},"
  " \"audit_timestamp\": {\"S\": \"2025-01-04T10:00:00.000Z\"},"
  " \"status\": {\"S\": \"PENDING\"}, \"risk_score\": {\"N\": \"12\"},"
  " \"applicant_name\": {\"S\": \"Li Wu\"}},"
  "{\"audit_record_id\": {\"S\": \"aa000004-0000-4000-8000-000000000004\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000104\"},"
  " \"audit_timestamp\": {\"S\": \"2025-01-05T10:00:00.000Z\"},"
  " \"status\": {\"S\": \"PENDING\"}, \"risk_score\": {\"N\": \"64\"},"
  " \"applicant_name\": {\"S\": \"Carter, Emily\"}}"
  "]}";

static const char extra_documents[] =
  "{\"Items\": ["
  "{\"document_id\": {\"S\": \"dd000001-0000-4000-8000-000000000001\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000101\"},"
  " \"upload_timestamp\": {\"S\": \"2025-01-02T09:00:00.000Z\"},"
  " \"processing_status\": {\"S\": \"COMPLETED\"},"
  " \"file_name\": {\"S\": \"Relev\\u00e9_Bancaire_Jos\\u00e9.PDF\"}},"
  "{\"document_id\": {\"S\": \"dd000002-0000-4000-8000-000000000002\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000102\"},"
  " \"upload_timestamp\": {\"S\": \"2025-01-03T09:00:00.000Z\"},"
  " \"processing_status\": {\"S\": \"FAILED\"},"
  " \"file_name\": {\"S\": \"w2 100%_scan.tif\"}},"
  /* A loan id inside another loan's file name, and an id's last part alone. */
  "{\"document_id\": {\"S\": \"dd000003-0000-4000-8000-000000000003\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000104\"},"
  " \"upload_timestamp\": {\"S\": \"2025-01-04T09:00:00.000Z\"},"
  " \"processing_status\": {\"S\": \"COMPLETED\"},"
  " \"file_name\": {\"S\": \"Loan-2025-000101 Paystub.pdf\"}},"
  "{\"document_id\": {\"S\": \"dd000004-0000-4000-8000-000000000004\"},"
  " \"loan_application_id\": {\"S\": \"LOAN-2025-000103\"},"
  " \"upload_timestamp\": {\"S\": \"2025-01-05T09:00:00.000Z\"},"
  " \"processing_status\": {\"S\": \"COMPLETED\"},"
  " \"file_name\": {\"S\": \"receipt-000101.pdf\"}}"
  "]}";

/* Each is looked for in every kind. */
static const char * const queries[] = {
  "jose", "JOSÉ", "josé álvarez", "alvarez jose", "Álvarez-Núñez", "nunez",
  "maria garcia", "garcía maría", "emily carter", "carter emily", "Emily R. Carter",
  "r.", "li", "wu li", "a", "Li W", "loan-2025", "000102", "LOAN-2024-072470", "72470",
  "6e30", "dbbc2c4b-db60", "aa000003", "dd000002-0000-4000-8000-000000000002",
  "w2_2023", "W2", "pdf", ".pdf jos", "100%", "%", "_", "\"", "zzz", "carterx", "  ",
  "okafor", "statement", "a b c d e f g h i j", "loan-2025-000101", "LOAN-2025-000101 paystub",
  "receipt-000101", "an-2025-000101", "2025-000101 li", "x-000101", "loan-2025-00010",
};

static void
import_text (AfStore    *store,
             const char *json)
{
  g_autofree char *path = af_test_scratch ("extra.json");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, json, -1, &error));
  g_assert_true (af_store_import_file (store, path, NULL, &error));
  g_assert_no_error (error);
}

static AfStore *
open_filled_store (void)
{
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (fixture_files); i++)
    {
      g_autofree char *file = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb",
                                                fixture_files[i], NULL);

      g_assert_true (af_store_import_file (store, file, NULL, &error));
      g_assert_no_error (error);
    }
  import_text (store, extra_audits);
  import_text (store, extra_documents);
  return g_steal_pointer (&store);
}

/* ---- The brute-force scan ------------------------------------------------------- */

static const char *
attribute (const AfValue *item,
           const char    *name)
{
  const char *value = af_item_get_s (item, name);

  return value != NULL ? value : "";
}

/* What a reviewer means by the query, written out plainly over the item itself. */
static gboolean
scan_matches (AfTable        table,
              const AfValue *item,
              const char    *query)
{
  g_autofree char *folded_query = af_fold_text (query);
  g_auto(GStrv) words = g_strsplit_set (folded_query, " \t", -1);
  g_autofree char *name = af_fold_text (attribute (item, table == AF_TABLE_AUDITS ? "applicant_name"
                                                         : table == AF_TABLE_DOCUMENTS ? "file_name"
                                                         : "filename"));
  g_autofree char *loan = af_fold_text (attribute (item, "loan_application_id"));
  const char *id = attribute (item, af_table_key_name (table));
  guint n_words = 0;
  gboolean all = TRUE;

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      n_words++;
      if (strstr (name, words[i]) == NULL && strstr (loan, words[i]) == NULL)
        all = FALSE;
    }
  if (n_words == 0)
    return FALSE;
  if (all)
    return TRUE;
  for (guint i = 0; n_words == 1 && words[i] != NULL; i++)
    if (*words[i] != '\0')
      return g_str_has_prefix (id, words[i]);
  return FALSE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
ids_of (AfTable    table,
        GPtrArray *items)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (ids, g_strdup (af_item_get_s (items->pdata[i], af_table_key_name (table))));
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

static GPtrArray *
scan (AfStore    *store,
      AfTable     table,
      const char *query)
{
  AfQuery all = { .table = table };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_store_query (store, &all, &error);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    if (scan_matches (table, items->pdata[i], query))
      g_ptr_array_add (found, items->pdata[i]);
  return ids_of (table, found);
}

static void
assert_same_ids (GPtrArray  *got,
                 GPtrArray  *wanted,
                 const char *what,
                 const char *query)
{
  if (got->len != wanted->len)
    g_error ("%s \"%s\": %u found, the scan finds %u", what, query, got->len, wanted->len);
  for (guint i = 0; i < got->len; i++)
    if (g_strcmp0 (got->pdata[i], wanted->pdata[i]) != 0)
      g_error ("%s \"%s\": found %s where the scan finds %s", what, query,
               (char *) got->pdata[i], (char *) wanted->pdata[i]);
}

/* With a limit, as many as asked for (or all there are), every one of them a match. */
static void
assert_limited_search (AfStore    *store,
                       AfTable     table,
                       const char *query,
                       GPtrArray  *wanted)
{
  static const guint limits[] = { 1, 3 };

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) some = af_store_search (store, table, query, limits[l], &error);
      g_autoptr(GPtrArray) ids = NULL;

      g_assert_no_error (error);
      ids = ids_of (table, some);
      g_assert_cmpuint (ids->len, ==, MIN (limits[l], wanted->len));
      for (guint i = 0; i < ids->len; i++)
        if (!g_ptr_array_find_with_equal_func (wanted, ids->pdata[i], g_str_equal, NULL))
          g_error ("af_store_search \"%s\" (limit %u): %s is no match", query, limits[l],
                   (char *) ids->pdata[i]);
    }
}

static void
assert_search_equals_scan (AfStore    *store,
                           AfTable     table,
                           const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) wanted = scan (store, table, query);
  g_autoptr(GPtrArray) ranked = af_store_search (store, table, query, 0, &error);
  AfQuery filtered = { .table = table, .search = query };
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) ranked_ids = NULL;
  g_autoptr(GPtrArray) listed_ids = NULL;

  g_assert_no_error (error);
  ranked_ids = ids_of (table, ranked);
  assert_same_ids (ranked_ids, wanted, "af_store_search", query);
  assert_limited_search (store, table, query, wanted);
  listed = af_store_query (store, &filtered, &error);
  g_assert_no_error (error);
  listed_ids = ids_of (table, listed);
  /* An empty query is no filter for a list (the whole queue), but finds nothing. */
  if (wanted->len > 0 || listed->len == 0)
    assert_same_ids (listed_ids, wanted, "AfQuery.search", query);
  if (wanted->len > 0)
    g_assert_cmpint (af_store_count (store, &filtered, &error), ==, wanted->len);
}

/* ---- Tests ----------------------------------------------------------------------- */

static void
test_fold (void)
{
  static const char * const cases[][2] = {
    { "José", "jose" }, { "JOSÉ", "jose" }, { "Álvarez-Núñez", "alvarez-nunez" },
    { "Zoë Brontë", "zoe bronte" }, { "Straße", "strasse" }, { "ÇAĞLAR", "caglar" }, { "Søren Łukasz", "soren lukasz" },
    { "LOAN-2024-072470", "loan-2024-072470" }, { "", "" },
  };
  g_autofree char *joined = af_fold_join ((const char *[]) { "Émile", NULL, "", "ZOLA" }, 4);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = af_fold_text (cases[i][0]);

      g_assert_cmpstr (folded, ==, cases[i][1]);
    }
  g_assert_cmpstr (joined, ==, "emile zola");
  g_assert_null (af_fold_text ("\xff\xfe"));
  g_assert_null (af_fold_join ((const char *[]) { NULL, "" }, 2));
}

static void
test_equals_scan (void)
{
  g_autoptr(AfStore) store = open_filled_store ();
  guint found = 0;

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
      {
        g_autoptr(GPtrArray) wanted = scan (store, searched[t], queries[i]);

        assert_search_equals_scan (store, searched[t], queries[i]);
        found += wanted->len;
      }
  /* The queries are not all empty-handed: the comparison compared something. */
  g_assert_cmpuint (found, >, 40);
}

static gboolean
search_finds (AfStore    *store,
              AfTable     table,
              const char *query,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_store_search (store, table, query, 10, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (af_item_get_s (items->pdata[i], af_table_key_name (table)), id) == 0)
      return TRUE;
  return FALSE;
}

/* What the examples of the issue promise, and the best match first. */
static void
test_examples (void)
{
  g_autoptr(AfStore) store = open_filled_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) by_id = NULL;

  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "Emily Carter",
                               "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "jose", "aa000001-0000-4000-8000-000000000001"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "JOSÉ", "aa000002-0000-4000-8000-000000000002"));
  g_assert_true (search_finds (store, AF_TABLE_DOCUMENTS, "releve jose",
                               "dd000001-0000-4000-8000-000000000001"));
  g_assert_true (search_finds (store, AF_TABLE_DOCUMENTS, "W2_2023_Carter.pdf",
                               "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"));
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "jose carter",
                                "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"));
  /* An id's first characters: that item first, whatever else matches the text. */
  by_id = af_store_search (store, AF_TABLE_DOCUMENTS, "dd000002", 5, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (by_id->len, ==, 1);
  g_assert_cmpstr (af_item_get_s (by_id->pdata[0], "document_id"), ==,
                   "dd000002-0000-4000-8000-000000000002");
}

static void
test_limit (void)
{
  g_autoptr(AfStore) store = open_filled_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = af_store_search (store, AF_TABLE_DOCUMENTS, "loan", 0, &error);
  g_autoptr(GPtrArray) some = af_store_search (store, AF_TABLE_DOCUMENTS, "loan", 3, &error);
  g_autoptr(GPtrArray) short_some = af_store_search (store, AF_TABLE_DOCUMENTS, "a", 2, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 3);
  g_assert_cmpuint (some->len, ==, 3);
  g_assert_cmpuint (short_some->len, ==, 2);
}

/* FTS5's own check: every row indexed as its text says, nothing else. */
static void
assert_index_consistent (const char *path)
{
  static const char * const checks[] = {
    "INSERT INTO audits_search (audits_search, rank) VALUES ('integrity-check', 1)",
    "INSERT INTO documents_search (documents_search, rank) VALUES ('integrity-check', 1)",
    "INSERT INTO analyses_search (analyses_search, rank) VALUES ('integrity-check', 1)",
  };
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      char *message = NULL;

      if (sqlite3_exec (db, checks[i], NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", checks[i], message);
    }
  sqlite3_close (db);
}

static AfValue *
audit_named (const char *id,
             const char *name,
             const char *ttl)
{
  g_autofree char *json = g_strdup_printf ("{\"audit_record_id\": {\"S\": \"%s\"},"
                                           " \"loan_application_id\": {\"S\": \"LOAN-9\"},"
                                           " \"applicant_name\": {\"S\": \"%s\"},"
                                           " \"ttl\": {\"N\": \"%s\"}}", id, name, ttl);
  g_autoptr(GError) error = NULL;
  AfValue *item = af_codec_parse_item (json, -1, &error);

  g_assert_no_error (error);
  return item;
}

static void
put_audit (AfStore    *store,
           const char *id,
           const char *name,
           const char *ttl)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (items, audit_named (id, name, ttl));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);
}

/* Where a word sits in a text: whole word, a word's start, inside a word. */
static void
test_rank_word (void)
{
  static const struct { const char *text; const char *word; AfSearchClass class; gsize offset; } cases[] = {
    { "emily a. carter loan-9", "carter", AF_SEARCH_WHOLE_WORD, 9 },
    { "ann carterson loan-9", "carter", AF_SEARCH_WORD_START, 4 },
    { "bo mccarter loan-9", "carter", AF_SEARCH_IN_WORD, 5 },
    { "w2_2023_carter.pdf loan-1", "carter", AF_SEARCH_WHOLE_WORD, 8 },
    { "mccarter carterson carter", "carter", AF_SEARCH_WHOLE_WORD, 19 },
    { "mccarter carterson", "carter", AF_SEARCH_WORD_START, 9 },
    { "releve_bancaire_jose.pdf", ".pdf", AF_SEARCH_WHOLE_WORD, 20 },
    { "loan-2024-012345", "loan-2024-0123", AF_SEARCH_WORD_START, 0 },
    { "jose alvarez-nunez", "nunez", AF_SEARCH_WHOLE_WORD, 13 },
    { "zoe", "zoe", AF_SEARCH_WHOLE_WORD, 0 },
    { "zoe", "zzz", AF_SEARCH_ABSENT, 0 },
  };
  const char *words[] = { "carter", "emily" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize offset = 0;

      g_assert_cmpint (af_search_rank_word (cases[i].text, cases[i].word, &offset), ==, cases[i].class);
      g_assert_cmpuint (offset, ==, cases[i].offset);
    }
  /* Whole words, the first one starting the text, rank best. */
  g_assert_cmpuint (af_search_rank_text ("carter emily", words, 2), ==, 0);
  g_assert_cmpuint (af_search_rank_text ("emily carter", words, 2), ==, 1);
  g_assert_cmpuint (af_search_rank_text ("emilyn carterson", words, 2), ==, 5);
  g_assert_cmpuint (af_search_rank_text (NULL, words, 2), ==, G_MAXUINT);
  g_assert_cmpuint (af_search_rank_text ("emily carter", words, 2), <,
                    af_search_rank_text ("emily mccarter", words, 2));
}

static void
assert_order (AfStore            *store,
              const char         *query,
              guint               limit,
              const char * const *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_store_search (store, AF_TABLE_AUDITS, query, limit, &error);
  guint n = g_strv_length ((char **) expected);

  g_assert_no_error (error);
  for (guint i = 0; i < MIN (n, items->len); i++)
    if (g_strcmp0 (af_item_get_s (items->pdata[i], "audit_record_id"), expected[i]) != 0)
      g_error ("\"%s\": %s at %u, where %s was expected", query,
               af_item_get_s (items->pdata[i], "audit_record_id"), i, expected[i]);
  g_assert_cmpuint (items->len, ==, n);
}

/* The order af_store_search () promises: an id that starts with the word first, then
 * whole words (the text starting with the word first), then a word's start, then
 * inside a word; the newest first among equals. Written oldest first. */
static void
test_rank_order (void)
{
  static const char * const names[][2] = {
    { "r1", "Ann Carterson" }, { "r2", "Bo McCarter" }, { "r3", "Carter Bo" },
    { "r4", "Cy Carter" }, { "r5", "Di Carter" }, { "r6", "Eve McCarter" },
    { "carter-7", "Zed Zedson" }, { "r8", "Carterville Ed" },
  };
  static const char * const carter[] = { "carter-7", "r3", "r5", "r4", "r8", "r1", "r6", "r2", NULL };
  static const char * const carter_limited[] = { "carter-7", "r3", "r5", NULL };
  static const char * const carter_bo[] = { "r3", "r2", NULL };
  static const char * const art[] = { "r8", "r6", "r5", "r4", "r3", "r2", "r1", NULL };
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    put_audit (store, names[i][0], names[i][1], "4102444800");
  assert_order (store, "carter", 0, carter);
  assert_order (store, "CARTER", 3, carter_limited);
  /* Both words whole ("carter bo"), before one whole and one inside a word. */
  assert_order (store, "bo carter", 0, carter_bo);
  /* Inside a word everywhere: the newest first. */
  assert_order (store, "art", 10, art);
  /* The search box's total (counted off the index): an item found both by its id and
   * by its name is counted once. */
  put_audit (store, "carter-10", "Carter Ten", "4102444800");
  g_assert_cmpint (af_store_count (store, &(AfQuery) { .table = AF_TABLE_AUDITS, .search = "Carter" },
                                   &error), ==, 9);
  g_assert_no_error (error);
}

/* A count with count_at_most stops there (the search box's "1000+"), by the index and by
 * an item's id alike, and so does a count without a search; below it, it is exact. */
static void
test_count_at_most (void)
{
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);
  AfQuery query = { .table = AF_TABLE_AUDITS, .search = "carter" };

  g_assert_no_error (error);
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("r%u", i);
      g_autofree char *name = g_strdup_printf ("Emily Carter %u", i);

      put_audit (store, id, name, "4102444800");
    }
  put_audit (store, "carter-9", "Zed Zedson", "4102444800");
  put_audit (store, "cartoon", "Cartoon Porter", "4102444800");
  g_assert_cmpint (af_store_count (store, &query, &error), ==, 7);
  for (gint64 at_most = 1; at_most <= 9; at_most++)
    {
      query.count_at_most = at_most;
      g_assert_cmpint (af_store_count (store, &query, &error), ==, MIN (at_most, 7));
      g_assert_no_error (error);
    }
  query = (AfQuery) { .table = AF_TABLE_AUDITS, .count_at_most = 5 };
  g_assert_cmpint (af_store_count (store, &query, &error), ==, 5);
  query.count_at_most = 50;
  g_assert_cmpint (af_store_count (store, &query, &error), ==, 8);
  g_assert_no_error (error);
}

static void
test_follows_writes (void)
{
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);

  g_assert_no_error (error);
  af_store_set_identity (store, "reviewer@example.com");
  put_audit (store, "a1", "Søren Kierkegaard", "4102444800");
  put_audit (store, "a2", "Hannah Arendt", "1000");
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "soren", "a1"));
  /* A pull that renames: the old name is gone from the index, the new one is there. */
  put_audit (store, "a1", "Simone Weil", "4102444800");
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "soren", "a1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "weil", "a1"));
  /* An edit rewrites the row (the local view): it stays findable. */
  g_assert_true (af_store_mark_reviewed (store, "a1", &error));
  g_assert_no_error (error);
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "simone", "a1"));
  /* Retention and deletion take items out of it. */
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "arendt", "a2"));
  g_assert_true (af_store_purge_expired (store, 2000, NULL, &error));
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "arendt", "a2"));
  g_assert_true (af_store_delete_item (store, AF_TABLE_AUDITS, "a1", &error));
  g_assert_no_error (error);
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "weil", "a1"));
  g_clear_object (&store);
  assert_index_consistent (path);
}

/* A file of audits @ids[i] named @names[i] (DynamoDB JSON, as `aws dynamodb scan`). */
static char *
write_audits_file (const char         *name,
                   const char * const *ids,
                   const char * const *names,
                   guint               n)
{
  g_autoptr(GString) out = g_string_new ("{\"Items\": [");
  g_autoptr(GError) error = NULL;
  char *path = af_test_scratch (name);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AfValue) item = audit_named (ids[i], names[i], "4102444800");

      if (i > 0)
        g_string_append (out, ",\n");
      af_codec_write_item (out, item);
    }
  g_string_append (out, "]}");
  g_assert_true (g_file_set_contents (path, out->str, out->len, &error));
  g_assert_no_error (error);
  return path;
}

/* An import inserts new rows without reading the row they would replace (af-store-write.c):
 * a new id is indexed at once, and an id imported again is re-indexed, its old name gone,
 * in the same file as new ones. */
static void
test_follows_imports (void)
{
  static const char * const first_ids[] = { "b1", "b2" };
  static const char * const first_names[] = { "Søren Kierkegaard", "Hannah Arendt" };
  static const char * const second_ids[] = { "b3", "b1", "b4" };
  static const char * const second_names[] = { "Rosa Luxemburg", "Simone Weil", "Søren Lund" };
  g_autofree char *path = af_test_scratch ("imports.db");
  g_autofree char *first = write_audits_file ("first.json", first_ids, first_names, 2);
  g_autofree char *second = write_audits_file ("second.json", second_ids, second_names, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);
  AfQuery audits = { .table = AF_TABLE_AUDITS };

  g_assert_no_error (error);
  g_assert_true (af_store_import_file (store, first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "soren", "b1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "arendt", "b2"));

  g_assert_true (af_store_import_file (store, second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_store_count (store, &audits, &error), ==, 4);
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "kierkegaard", "b1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "weil", "b1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "soren", "b4"));
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "soren", "b1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "luxemburg", "b3"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "arendt", "b2"));
  g_clear_object (&store);
  assert_index_consistent (path);
}

/* ---- A bulk import into empty tables: the index built beside it ----------------- */

/* @paths imported in bulk, in one call, into the new cache @name (af-store-search-side.c
 * builds the index of its empty tables on a thread of its own and copies it in at the
 * end); TRUE when every file went in. The store searched its empty index first, so that
 * its connection knew the index of before the copy. */
/* The value of @key in the raw file's sync_state (NULL: none). */
static char *
raw_state (const char *path,
           const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT value FROM sync_state WHERE key = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/* @inject (nullable): the failure armed before the import (af-store-test-private.h).
 * With @reopened, the cache is opened again before the import: not new then, it keeps
 * its WAL (af-store-creating.c), and the connection that searched the empty index is
 * the one that copies the new index in. */
static AfStore *
bulk_import_new (const char          *name,
                 const char * const  *paths,
                 guint                n_paths,
                 const char          *inject,
                 gboolean             reopened,
                 gboolean            *out_all_ok)
{
  g_autofree char *path = af_test_scratch (name);
  g_autofree AfImportCounts *counts = g_new0 (AfImportCounts, n_paths);
  g_autofree GError **errors = g_new0 (GError *, n_paths);
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (path, &error);

  g_assert_no_error (error);
  if (reopened)
    {
      g_object_unref (store);
      store = af_store_open (path, &error);
      g_assert_no_error (error);
    }
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "carter", "any"));
  if (inject != NULL)
    af_store_inject_failure (store, inject);
  af_store_set_bulk_import (store, TRUE);
  *out_all_ok = af_store_import_files_at (store, paths, n_paths, G_MININT64, counts, errors);
  af_store_set_bulk_import (store, FALSE);
  for (guint i = 0; i < n_paths; i++)
    g_clear_error (&errors[i]);
  return store;
}

/* Several files imported in bulk into a new cache: the search finds what the scan finds,
 * right after the import on the same connection and after opening again, and the copied
 * index is sound (FTS5's integrity-check against the content tables). */
static void
test_bulk_side_equals_scan (void)
{
  g_autofree char *extra_audits_path = af_test_scratch ("side-audits.json");
  g_autofree char *extra_documents_path = af_test_scratch ("side-documents.json");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AfStore) store = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_ok = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fixture_files); i++)
    g_ptr_array_add (paths, g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb",
                                              fixture_files[i], NULL));
  g_assert_true (g_file_set_contents (extra_audits_path, extra_audits, -1, NULL));
  g_assert_true (g_file_set_contents (extra_documents_path, extra_documents, -1, NULL));
  g_ptr_array_add (paths, g_strdup (extra_audits_path));
  g_ptr_array_add (paths, g_strdup (extra_documents_path));

  store = bulk_import_new ("side.db", (const char * const *) paths->pdata, paths->len, NULL,
                           TRUE, &all_ok);
  g_assert_true (all_ok);
  db = g_strdup (af_store_get_path (store));
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
      assert_search_equals_scan (store, searched[t], queries[i]);
  g_assert_true (search_finds (store, AF_TABLE_DOCUMENTS, "releve jose",
                               "dd000001-0000-4000-8000-000000000001"));
  g_clear_object (&store);
  assert_index_consistent (db);
  g_assert_null (raw_state (db, "search-import"));
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    assert_search_equals_scan (store, AF_TABLE_AUDITS, queries[i]);
}

/* The same ids in two files of one bulk import, and twice in the first, with other
 * names each time: only the last name is found; the index stays sound. */
static void
test_bulk_side_last_text (void)
{
  static const char * const first_ids[] = { "c1", "c2", "c3", "c1" };
  static const char * const first_names[] = { "Søren Kierkegaard", "Hannah Arendt",
                                              "Rosa Luxemburg", "Simone Weil" };
  static const char * const second_ids[] = { "c4", "c2", "c3" };
  static const char * const second_names[] = { "Emma Goldman", "Iris Murdoch", "Rosa Luxemburg" };
  g_autofree char *first = write_audits_file ("side-first.json", first_ids, first_names, 4);
  g_autofree char *second = write_audits_file ("side-second.json", second_ids, second_names, 3);
  const char *paths[] = { first, second };
  g_autoptr(AfStore) store = NULL;
  g_autofree char *db = NULL;
  AfQuery audits = { .table = AF_TABLE_AUDITS };
  g_autoptr(GError) error = NULL;
  gboolean all_ok = FALSE;

  store = bulk_import_new ("side-last.db", paths, G_N_ELEMENTS (paths), NULL, FALSE, &all_ok);
  g_assert_true (all_ok);
  db = g_strdup (af_store_get_path (store));
  g_assert_cmpint (af_store_count (store, &audits, &error), ==, 4);
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "kierkegaard", "c1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "weil", "c1"));
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "arendt", "c2"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "murdoch", "c2"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "luxemburg", "c3"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "goldman", "c4"));
  for (guint i = 0; i < G_N_ELEMENTS (first_names); i++)
    assert_search_equals_scan (store, AF_TABLE_AUDITS, first_names[i]);
  for (guint i = 0; i < G_N_ELEMENTS (second_names); i++)
    assert_search_equals_scan (store, AF_TABLE_AUDITS, second_names[i]);
  g_clear_object (&store);
  assert_index_consistent (db);
}

/* A file of one bulk import that fails after 256 of its items were stored (its
 * transaction rolled back): none of its names is found, the rows of the file after it
 * (which take the same rowids) are found by theirs, and the index is sound. */
static void
test_bulk_side_failed_file (void)
{
  static const char * const before_ids[] = { "d1", "d2" };
  static const char * const before_names[] = { "Hannah Arendt", "Emma Goldman" };
  static const char * const after_ids[] = { "d3", "d4", "d5" };
  static const char * const after_names[] = { "Iris Murdoch", "Rosa Luxemburg", "Simone Weil" };
  g_autoptr(GPtrArray) failed_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) failed_names = g_ptr_array_new ();
  g_autofree char *before = write_audits_file ("side-before.json", before_ids, before_names, 2);
  g_autofree char *after = write_audits_file ("side-after.json", after_ids, after_names, 3);
  g_autofree char *failed = NULL;
  g_autofree char *db = NULL;
  g_autoptr(AfStore) store = NULL;
  AfQuery audits = { .table = AF_TABLE_AUDITS };
  g_autoptr(GError) error = NULL;
  gboolean all_ok = TRUE;

  for (guint i = 0; i < 400; i++)
    {
      g_ptr_array_add (failed_ids, g_strdup_printf ("f%03u", i));
      g_ptr_array_add (failed_names, (gpointer) "Virginia Woolf");
    }
  failed = write_audits_file ("side-failed.json", (const char * const *) failed_ids->pdata,
                              (const char * const *) failed_names->pdata, failed_ids->len);
  store = bulk_import_new ("side-failed.db", (const char *[]) { before, failed, after }, 3,
                           "during-import", FALSE, &all_ok);
  g_assert_false (all_ok);
  db = g_strdup (af_store_get_path (store));
  g_assert_cmpint (af_store_count (store, &audits, &error), ==, 5);
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "woolf", "f000"));
  assert_search_equals_scan (store, AF_TABLE_AUDITS, "woolf");
  for (guint i = 0; i < G_N_ELEMENTS (after_names); i++)
    {
      g_assert_true (search_finds (store, AF_TABLE_AUDITS, after_names[i], after_ids[i]));
      assert_search_equals_scan (store, AF_TABLE_AUDITS, after_names[i]);
    }
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "arendt", "d1"));
  g_clear_object (&store);
  assert_index_consistent (db);
}

/* A cache of schema 1 (items in clear, no index) is encrypted, compacted and indexed
 * on opening: its items are found at once. */
static void
test_migration (void)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "cache-schema1.db", NULL);
  g_autofree char *path = af_test_scratch ("cache.db");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GPtrArray) all = NULL;
  AfQuery audits = { .table = AF_TABLE_AUDITS };
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_true (g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  store = af_store_open (path, &error);
  g_assert_no_error (error);
  all = af_store_query (store, &audits, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, >, 0);
  for (guint i = 0; i < all->len; i++)
    {
      const char *name = af_item_get_s (all->pdata[i], "applicant_name");
      const char *id = af_item_get_s (all->pdata[i], "audit_record_id");

      if (name != NULL)
        g_assert_true (search_finds (store, AF_TABLE_AUDITS, name, id));
    }
  g_clear_object (&store);
  assert_index_consistent (path);
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* Schema 5 lays the index out again for bulk writes (no column sizes, a 16 MiB hash):
 * a cache of schema 4 is migrated, and what it held is found as before. */
static void
test_migration_layout (void)
{
  g_autofree char *path = af_test_scratch ("layout.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *docsize = NULL;
  g_autofree char *version = NULL;
  sqlite3 *db = NULL;

  af_store_test_set_schema (4);
  store = af_store_open (path, &error);
  g_assert_no_error (error);
  put_audit (store, "c1", "Søren Kierkegaard", "4102444800");
  put_audit (store, "c2", "Hannah Arendt", "4102444800");
  g_clear_object (&store);
  af_store_test_set_schema (AF_STORE_SCHEMA_VERSION);

  store = af_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "soren", "c1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "arendt", "c2"));
  put_audit (store, "c1", "Simone Weil", "4102444800");
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "soren", "c1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "weil", "c1"));
  g_clear_object (&store);
  assert_index_consistent (path);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sql = query_text (db, "SELECT sql FROM sqlite_master WHERE name = 'documents_search'");
  hash = query_text (db, "SELECT v FROM audits_search_config WHERE k = 'hashsize'");
  docsize = query_text (db, "SELECT name FROM sqlite_master WHERE name = 'audits_search_docsize'");
  g_assert_nonnull (strstr (sql, "columnsize = 0"));
  g_assert_cmpstr (hash, ==, "16777216");
  g_assert_null (docsize);
  version = query_text (db, "PRAGMA user_version");
  g_assert_cmpstr (version, ==, G_STRINGIFY (AF_STORE_SCHEMA_VERSION));
  sqlite3_close (db);
}

/* The words of schema 5's tests that the migration test looks for, one at a time. */
static const char * const migrated_words[] = {
  "jose", "carter", "garcia", "alvarez-nunez", "loan-2025", "000102", "72470", "w2_2023",
  "pdf", ".pdf", "statement", "okafor", "receipt-000101", "loan-2025-000101", "zzz", "6e30",
};

/* The ids that schema 5's index found for one folded @word of three letters or more:
 * the word as a phrase of its trigrams (positions: detail = full), or an id starting
 * with it. */
static GPtrArray *
ids_by_phrase (sqlite3    *db,
               AfTable     table,
               const char *word)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %2$s FROM %1$s WHERE rowid IN (SELECT rowid FROM"
                                          " %1$s_search WHERE %1$s_search MATCH ?1) OR %2$s GLOB ?2",
                                          af_table_nick (table), af_table_key_name (table));
  g_autofree char *phrase = g_strdup_printf ("\"%s\"", word);
  g_autofree char *prefix = g_strconcat (word, "*", NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, phrase, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, prefix, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  g_assert_cmpint (sqlite3_finalize (stmt), ==, SQLITE_OK);
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

/* Schema 6 keeps no positions in the index (detail = none): a cache of schema 5 is
 * migrated on opening, and every word finds what schema 5's phrases found, and what
 * the scan finds. */
static void
test_migration_detail (void)
{
  g_autoptr(AfStore) store = (af_store_test_set_schema (5), open_filled_store ());
  g_autofree char *path = g_strdup (af_store_get_path (store));
  /* Of ids, by word then kind. */
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *version = NULL;
  sqlite3 *db = NULL;
  guint found = 0;

  g_clear_object (&store);
  af_store_test_set_schema (AF_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint w = 0; w < G_N_ELEMENTS (migrated_words); w++)
    for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
      g_ptr_array_add (before, ids_by_phrase (db, searched[t], migrated_words[w]));
  sqlite3_close (db);

  store = af_store_open (path, &error);
  g_assert_no_error (error);
  for (guint w = 0; w < G_N_ELEMENTS (migrated_words); w++)
    for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
      {
        g_autoptr(GPtrArray) after = af_store_search (store, searched[t], migrated_words[w], 0, &error);
        g_autoptr(GPtrArray) after_ids = NULL;

        g_assert_no_error (error);
        after_ids = ids_of (searched[t], after);
        assert_same_ids (after_ids, before->pdata[w * G_N_ELEMENTS (searched) + t],
                         "after the migration", migrated_words[w]);
        found += after_ids->len;
      }
  g_assert_cmpuint (found, >, 20);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    for (guint t = 0; t < G_N_ELEMENTS (searched); t++)
      assert_search_equals_scan (store, searched[t], queries[i]);
  g_clear_object (&store);
  assert_index_consistent (path);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sql = query_text (db, "SELECT sql FROM sqlite_master WHERE name = 'audits_search'");
  version = query_text (db, "PRAGMA user_version");
  g_assert_nonnull (strstr (sql, "detail = none"));
  g_assert_cmpstr (version, ==, G_STRINGIFY (AF_STORE_SCHEMA_VERSION));
  sqlite3_close (db);
}

/* The index finds the trigrams of a word, not where they are: a row holding every
 * trigram of "carter" apart ("cartoon porter": car, art, rte, ter) is no match, by
 * search, by a queue's filter or in a total; a quote inside a trigram is the
 * index's text, not its syntax. */
static void
test_trigrams_apart (void)
{
  g_autofree char *path = af_test_scratch ("apart.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);
  AfQuery carter = { .table = AF_TABLE_AUDITS, .search = "carter" };
  g_autoptr(GPtrArray) listed = NULL;
  g_autofree char *in_index = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  put_audit (store, "p1", "Cartoon Porter", "4102444800");
  put_audit (store, "p2", "Emily Carter", "4102444800");
  put_audit (store, "p3", "Say \\\"Hello\\\" Now", "4102444800");
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "carter", "p1"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "carter", "p2"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "porter cartoon", "p1"));
  g_assert_cmpint (af_store_count (store, &carter, &error), ==, 1);
  listed = af_store_query (store, &carter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (af_item_get_s (listed->pdata[0], "audit_record_id"), ==, "p2");
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "\"hello\"", "p3"));
  g_assert_true (search_finds (store, AF_TABLE_AUDITS, "y \"hel", "p3"));
  g_assert_false (search_finds (store, AF_TABLE_AUDITS, "\"hello\"\"", "p3"));
  g_clear_object (&store);

  /* The index alone does match it: the test above is the text's. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  in_index = query_text (db, "SELECT group_concat (rowid) FROM audits_search WHERE audits_search"
                             " MATCH '\"car\" AND \"art\" AND \"rte\" AND \"ter\"'");
  g_assert_cmpstr (in_index, ==, "1,2");
  sqlite3_close (db);
}

/* Rows without the attribute a queue sorts on: they come last (or first) in a queue. */
static const char keyless_audits[] =
  "{\"Items\": ["
  "{\"audit_record_id\": {\"S\": \"ab000001-0000-4000-8000-000000000001\"},"
  " \"status\": {\"S\": \"COMPLETED\"}, \"applicant_name\": {\"S\": \"No Time\"}},"
  "{\"audit_record_id\": {\"S\": \"ab000002-0000-4000-8000-000000000002\"},"
  " \"status\": {\"S\": \"COMPLETED\"}, \"applicant_name\": {\"S\": \"No Score\"},"
  " \"audit_timestamp\": {\"S\": \"2025-01-04T10:00:00.000Z\"}},"
  "{\"audit_record_id\": {\"S\": \"ab000003-0000-4000-8000-000000000003\"},"
  " \"status\": {\"S\": \"COMPLETED\"}, \"applicant_name\": {\"S\": \"Nothing\"}}"
  "]}";

static GPtrArray *
ids_in_order (AfTable    table,
              GPtrArray *items)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (ids, g_strdup (af_item_get_s (items->pdata[i], af_table_key_name (table))));
  return ids;
}

static GPtrArray *
read_by_keyset (AfStore       *store,
                const AfQuery *query)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(AfStoreCursor) cursor = NULL;
  g_autoptr(GError) error = NULL;

  do
    {
      AfStoreCursor *next = NULL;
      g_autoptr(GPtrArray) page = af_store_query_page (store, query, cursor, &next, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, query->limit);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, af_value_ref (page->pdata[i]));
      g_clear_pointer (&cursor, af_store_cursor_free);
      cursor = next;
    }
  while (cursor != NULL);
  return ids_in_order (query->table, all);
}

static GPtrArray *
read_by_offset (AfStore       *store,
                const AfQuery *query)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  AfQuery paged = *query;
  g_autoptr(GError) error = NULL;

  for (paged.offset = 0;; paged.offset += paged.limit)
    {
      g_autoptr(GPtrArray) page = af_store_query (store, &paged, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (all, af_value_ref (page->pdata[i]));
      if (page->len < paged.limit)
        break;
    }
  return ids_in_order (query->table, all);
}

/* Every order a queue has, filtered or not (keyset pages and positions). */
static const AfQuery queues[] = {
  { .table = AF_TABLE_AUDITS },
  { .table = AF_TABLE_AUDITS, .order_by_risk = TRUE },
  { .table = AF_TABLE_AUDITS, .has_min_risk = TRUE, .min_risk = 40 },
  { .table = AF_TABLE_AUDITS, .status = "COMPLETED" },
  { .table = AF_TABLE_AUDITS, .reviewed = AF_REVIEWED_YES },
  { .table = AF_TABLE_AUDITS, .search = "o" },
  { .table = AF_TABLE_DOCUMENTS },
  { .table = AF_TABLE_DOCUMENTS, .status = "COMPLETED" },
  { .table = AF_TABLE_ANALYSES },
  { .table = AF_TABLE_USERS },
};

static void
test_keyset_pages (void)
{
  g_autoptr(AfStore) store = open_filled_store ();
  static const guint page_sizes[] = { 1, 3, 7, 1000 };
  guint compared = 0;

  import_text (store, keyless_audits);
  for (guint q = 0; q < G_N_ELEMENTS (queues); q++)
    for (guint p = 0; p < G_N_ELEMENTS (page_sizes); p++)
      {
        AfQuery query = queues[q];
        g_autoptr(GPtrArray) by_keyset = NULL;
        g_autoptr(GPtrArray) by_offset = NULL;

        query.limit = page_sizes[p];
        by_keyset = read_by_keyset (store, &query);
        by_offset = read_by_offset (store, &query);
        g_assert_cmpuint (by_keyset->len, ==, by_offset->len);
        for (guint i = 0; i < by_keyset->len; i++)
          g_assert_cmpstr (by_keyset->pdata[i], ==, by_offset->pdata[i]);
        compared += by_keyset->len;
      }
  g_assert_cmpuint (compared, >, 200);
}

/* An item's place in a queue, counted by its sort key, is where the pages put it, in
 * every order (descending and ascending, rows without the key last or first); an item
 * the queue does not hold has none. */
static void
test_queue_position (void)
{
  g_autoptr(AfStore) store = open_filled_store ();
  AfQuery completed = { .table = AF_TABLE_AUDITS, .status = "COMPLETED", .limit = 1000 };
  AfQuery all = { .table = AF_TABLE_AUDITS, .limit = 1000 };
  g_autoptr(GPtrArray) in_completed = NULL;
  g_autoptr(GPtrArray) every = NULL;
  g_autoptr(GError) error = NULL;
  guint outside = 0;

  import_text (store, keyless_audits);
  for (guint q = 0; q < G_N_ELEMENTS (queues); q++)
    {
      AfQuery query = queues[q];
      g_autoptr(GPtrArray) ids = NULL;

      query.limit = 7;
      ids = read_by_keyset (store, &query);
      g_assert_cmpuint (ids->len, >=, 2);
      for (guint i = 0; i < ids->len; i++)
        {
          g_assert_cmpint (af_store_query_position (store, &query, ids->pdata[i], &error), ==, i);
          g_assert_no_error (error);
        }
    }
  in_completed = read_by_keyset (store, &completed);
  every = read_by_keyset (store, &all);
  for (guint i = 0; i < every->len; i++)
    if (!g_ptr_array_find_with_equal_func (in_completed, every->pdata[i], g_str_equal, NULL))
      {
        g_assert_cmpint (af_store_query_position (store, &completed, every->pdata[i], &error), ==, -1);
        g_assert_no_error (error);
        outside++;
      }
  g_assert_cmpuint (outside, >, 0);
  g_assert_cmpint (af_store_query_position (store, &all, "no-such-audit", &error), ==, -1);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-search-XXXXXX");

  g_test_add_func ("/search/fold", test_fold);
  g_test_add_func ("/search/equals-scan", test_equals_scan);
  g_test_add_func ("/search/examples", test_examples);
  g_test_add_func ("/search/limit", test_limit);
  g_test_add_func ("/search/rank-word", test_rank_word);
  g_test_add_func ("/search/rank-order", test_rank_order);
  g_test_add_func ("/search/count-at-most", test_count_at_most);
  g_test_add_func ("/search/follows-writes", test_follows_writes);
  g_test_add_func ("/search/follows-imports", test_follows_imports);
  g_test_add_func ("/search/migration", test_migration);
  g_test_add_func ("/search/migration-layout", test_migration_layout);
  g_test_add_func ("/search/migration-detail", test_migration_detail);
  g_test_add_func ("/search/trigrams-apart", test_trigrams_apart);
  g_test_add_func ("/search/bulk-side-equals-scan", test_bulk_side_equals_scan);
  g_test_add_func ("/search/bulk-side-last-text", test_bulk_side_last_text);
  g_test_add_func ("/search/bulk-side-failed-file", test_bulk_side_failed_file);
  g_test_add_func ("/queue/keyset-pages", test_keyset_pages);
  g_test_add_func ("/queue/position", test_queue_position);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
