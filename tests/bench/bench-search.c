/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-search — search and queue pages at the size of a large cache (issue 13).
 *
 * Fills a fresh cache through the store (af_store_put_remote_items(), the search index
 * suspended during the fill and rebuilt once, as a bulk import does) with generated
 * audits and documents, then times, in the same run:
 *   - af_store_search() of 3-, 4-, 5-, 7- and 8-letter queries (and a loan id, and two
 *     words) over audits + documents (what the search box asks), beside the ranked
 *     query of session 4 it replaces (bm25 over the newest 1,000 matches, which reads
 *     every match of each phrase for its frequencies) on the same connection, for a loan
 *     id the search before ids were matched by their last part, and the LIKE query
 *     before the index (a count and a first page with LIKE '%q%' on name,
 *     loan id and id; --like-runs, one run by default: it takes seconds);
 *   - the first page of a queue (High Risk, All Loans) and its count, and a deep page
 *     by OFFSET, the thing keyset pagination is for.
 *
 *   bench-search [--audits N] [--documents N] [--runs N] [--like-runs N] [--db FILE [--reuse]]
 *
 * --reuse keeps the cache --db names when it holds audits already (no fill: a second
 * run takes a minute instead of three).
 */
#define G_LOG_DOMAIN "bench-search"

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "af-fold.h"
#include "af-store-private.h"

static int n_audits = 200000;
static int n_documents = 800000;
static int n_runs = 20;
static int n_like_runs = 1;
static char *db_path = NULL;
static gboolean reuse = FALSE;

static const GOptionEntry entries[] = {
  { "audits", 0, 0, G_OPTION_ARG_INT, &n_audits, "Audit records to generate", "N" },
  { "documents", 0, 0, G_OPTION_ARG_INT, &n_documents, "Documents to generate", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each query", "N" },
  { "like-runs", 0, 0, G_OPTION_ARG_INT, &n_like_runs, "Runs of each LIKE query (0: none)", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Cache file (default: a new temporary one)", "FILE" },
  { "reuse", 0, 0, G_OPTION_ARG_NONE, &reuse, "Keep the --db cache if it is filled already", NULL },
  { NULL }
};

static const char * const first_names[] = {
  "Emily", "José", "María", "John", "Wei", "Olga", "Ahmed", "Li", "Sven", "Anna", "Daniel",
  "Chloé", "Ngozi", "Hiroshi", "Zoë", "Mateo", "Priya", "Lars", "Fatima", "Jürgen", "Amara",
  "Noah", "Élodie", "Kofi", "Ingrid", "Rafael", "Sofía", "Tomasz", "Aiko", "Omar",
};
static const char * const last_names[] = {
  "Carter", "García", "Smith", "Nguyen", "Müller", "Kowalski", "Okafor", "Tanaka", "Martínez",
  "Johansson", "Rossi", "Dubois", "Kim", "Singh", "Novák", "O'Brien", "Hernández", "Larsen",
  "Ivanova", "Mensah", "Schmidt", "Yamamoto", "López", "Andersson", "Costa", "Fischer",
  "Papadopoulos", "Haddad", "Moreau", "Bianchi", "Wójcik", "Eriksen", "Sato", "Adeyemi",
};
static const char * const document_types[] = {
  "W2", "Statement", "Form1040", "Paystub", "DriversLicense", "Passport", "Lease", "Appraisal",
};

/* ---- Generating the cache ---------------------------------------------------------- */

static char *
uuid_for (guint kind,
          guint i)
{
  return g_strdup_printf ("%08x-%04x-4%03x-8%03x-%012x", g_int_hash (&i) ^ (kind * 0x9e3779b9u),
                          i & 0xffff, kind & 0xfff, (i >> 16) & 0xfff, i * 2654435761u);
}

static AfValue *
audit_new (guint i)
{
  AfValue *item = af_value_new_map ();
  g_autofree char *id = uuid_for (1, i);
  g_autofree char *loan = g_strdup_printf ("LOAN-2024-%06u", i);
  g_autofree char *name = g_strdup_printf ("%s %c. %s", first_names[i % G_N_ELEMENTS (first_names)],
                                           'A' + (i / 7) % 26,
                                           last_names[(i / 3) % G_N_ELEMENTS (last_names)]);
  g_autofree char *when = g_strdup_printf ("2024-%02u-%02uT%02u:%02u:%02u.000Z", 1 + i % 12,
                                          1 + i % 28, i % 24, (i / 60) % 60, i % 60);

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "applicant_name", af_value_new_s (name));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when));
  af_value_map_set (item, "status", af_value_new_s (i % 5 == 0 ? "IN_PROGRESS" : "COMPLETED"));
  af_value_map_set (item, "risk_score", af_value_new_n_int ((i * 7919) % 101));
  return item;
}

static AfValue *
document_new (guint i)
{
  AfValue *item = af_value_new_map ();
  guint loan_index = (guint) ((guint64) i * n_audits / MAX (n_documents, 1));
  g_autofree char *id = uuid_for (2, i);
  g_autofree char *loan = g_strdup_printf ("LOAN-2024-%06u", loan_index);
  g_autofree char *file = g_strdup_printf ("%s_%u_%s.pdf", document_types[i % G_N_ELEMENTS (document_types)],
                                           2019 + i % 6,
                                           last_names[(loan_index / 3) % G_N_ELEMENTS (last_names)]);
  g_autofree char *when = g_strdup_printf ("2024-%02u-%02uT%02u:%02u:%02u.000Z", 1 + i % 12,
                                          1 + i % 28, i % 24, (i / 60) % 60, i % 60);

  af_value_map_set (item, "document_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "file_name", af_value_new_s (file));
  af_value_map_set (item, "upload_timestamp", af_value_new_s (when));
  af_value_map_set (item, "processing_status", af_value_new_s (i % 9 == 0 ? "FAILED" : "COMPLETED"));
  return item;
}

static void
fill (AfStore  *store,
      AfTable   table,
      guint     count,
      AfValue *(*make) (guint))
{
  const guint batch = 20000;
  g_autoptr(GError) error = NULL;

  for (guint start = 0; start < count; start += batch)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

      for (guint i = start; i < MIN (count, start + batch); i++)
        g_ptr_array_add (items, make (i));
      if (!af_store_put_remote_items (store, table, items, &error))
        g_error ("filling the cache: %s", error->message);
    }
}

/* Every row written with the index suspended, then the index built once, as an import does. */
static void
fill_cache (AfStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!af_store_search_suspend (store, &error))
    g_error ("%s", error->message);
  fill (store, AF_TABLE_AUDITS, n_audits, audit_new);
  fill (store, AF_TABLE_DOCUMENTS, n_documents, document_new);
  g_print ("Filled %d audits + %d documents in %.1f s; ", n_audits, n_documents,
           (g_get_monotonic_time () - start) / 1e6);
  start = g_get_monotonic_time ();
  if (!af_store_search_resume (store, &error))
    g_error ("%s", error->message);
  g_print ("search index built in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
  /* The cache as it is once the checkpoint thread has caught up: the timings are not
   * those of a copy running beside them, nor of pages read out of the WAL. */
  if (!af_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &error))
    g_error ("%s", error->message);
}

/* ---- Timing --------------------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

typedef struct
{
  double median;
  double p95;
  guint  found;
} Figure;

static Figure
figure_of (GArray *ms,
           guint   found)
{
  g_array_sort (ms, compare_doubles);
  return (Figure) {
    .median = g_array_index (ms, double, ms->len / 2),
    .p95 = g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100)),
    .found = found,
  };
}

/* A search of one kind: the first 50 items of @table for @query, best first. */
typedef GPtrArray *(*SearchFunc) (AfStore    *store,
                                  AfTable     table,
                                  const char *query);

/* What the search box asks now. */
static GPtrArray *
ranked_search (AfStore    *store,
               AfTable     table,
               const char *query)
{
  return af_store_search (store, table, query, 50, NULL);
}

/* af_store_search () as it was before an id-like word was matched by its last part:
 * each word one phrase ("loan-2024-0123": the trigrams of "loan-2024-" every row holds). */
static GPtrArray *
whole_word_search (AfStore    *store,
                   AfTable     table,
                   const char *query)
{
  GPtrArray *items;

  af_store_search_set_id_keys (FALSE);
  items = af_store_search (store, table, query, 50, NULL);
  af_store_search_set_id_keys (TRUE);
  return items;
}

/* The index's match expression for @query (its words of three letters or more), and
 * the GLOB pattern of an id starting with it. Each word is the AND of its trigrams
 * (ASCII queries): the index keeps no positions for a phrase (schema 6), so these
 * queries of before match the rows holding the trigrams, a few more than the words. */
static char *
match_of (const char  *query,
          char       **out_prefix)
{
  g_autofree char *folded = af_fold_text (query);
  g_auto(GStrv) words = g_strsplit (folded, " ", -1);
  GString *match = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    for (gsize c = 0; c + 3 <= strlen (words[i]); c++)
      g_string_append_printf (match, "%s\"%.3s\"", match->len == 0 ? "" : " AND ", words[i] + c);
  *out_prefix = words[1] == NULL ? g_strconcat (folded, "*", NULL) : NULL;
  return g_string_free (match, FALSE);
}

/* Runs @sql with @first and @second (nullable) bound, and reads its items. */
static GPtrArray *
items_of_sql (AfStore    *store,
              const char *sql,
              const char *first,
              const char *second)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, sql, NULL);

  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_TRANSIENT);
  if (second != NULL)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_TRANSIENT);
  return af_store_items_from_stmt (store, stmt, NULL);
}

/* The ranked search of session 4, as SQL on the store's connection: the items whose id
 * starts with the word, then the newest 1,000 matches of the index ranked by bm25 (which
 * reads every match of each phrase of the query for its frequencies). */
static GPtrArray *
bm25_search (AfStore    *store,
             AfTable     table,
             const char *query)
{
  const char *t = af_table_nick (table);
  const char *key = af_table_key_name (table);
  g_autofree char *prefix = NULL;
  g_autofree char *match = match_of (query, &prefix);
  g_autofree char *by_id = g_strdup_printf ("SELECT item FROM %1$s WHERE %2$s GLOB ? ORDER BY %2$s"
                                           " LIMIT 50", t, key);
  g_autofree char *by_text = g_strdup_printf ("SELECT t.item FROM (SELECT %1$s_search.rowid AS r,"
                                              " bm25 (%1$s_search) AS score FROM %1$s_search"
                                              " WHERE %1$s_search MATCH ? ORDER BY %1$s_search.rowid"
                                              " DESC LIMIT 1000) AS c JOIN %1$s AS t ON t.rowid = c.r"
                                              " ORDER BY c.score, c.r DESC LIMIT 50", t);
  g_autoptr(GPtrArray) items = prefix != NULL ? items_of_sql (store, by_id, prefix, NULL)
                                              : g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) ranked = items_of_sql (store, by_text, match, NULL);

  g_ptr_array_extend_and_steal (items, g_steal_pointer (&ranked));
  return g_steal_pointer (&items);
}

/* 50 audits and 50 documents, by @search. */
static Figure
time_search (AfStore    *store,
             const char *query,
             SearchFunc  search)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint found = 0;

  for (int run = 0; run < n_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) audits = search (store, AF_TABLE_AUDITS, query);
      g_autoptr(GPtrArray) documents = search (store, AF_TABLE_DOCUMENTS, query);
      double elapsed = (g_get_monotonic_time () - start) / 1000.0;

      g_array_append_val (ms, elapsed);
      found = MIN (audits->len, 50) + MIN (documents->len, 50);
    }
  return figure_of (ms, found);
}

/* A total of the search box (audits + documents), by af_store_count () or, @filter, by
 * the queue filter's clause that counted it in session 4, which reads every matching row. */
static gint64
count_one (AfStore    *store,
           AfTable     table,
           const char *query,
           gboolean    filter)
{
  AfQuery search = { .table = table, .search = query };
  g_autofree char *prefix = NULL;
  g_autofree char *match = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(AfStmt) stmt = NULL;

  if (!filter)
    return af_store_count (store, &search, NULL);
  match = match_of (query, &prefix);
  sql = g_strdup_printf ("SELECT count(*) FROM %1$s WHERE (%2$s GLOB ?2 OR rowid IN (SELECT rowid"
                         " FROM %1$s_search WHERE %1$s_search MATCH ?1))", af_table_nick (table),
                         af_table_key_name (table));
  stmt = af_store_prepare (store, sql, NULL);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, prefix != NULL ? prefix : "", -1, SQLITE_TRANSIENT);
  sqlite3_step (stmt);
  return sqlite3_column_int64 (stmt, 0);
}

static Figure
time_count (AfStore    *store,
            const char *query,
            gboolean    filter)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint found = 0;

  for (int run = 0; run < n_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 audits = count_one (store, AF_TABLE_AUDITS, query, filter);
      gint64 documents = count_one (store, AF_TABLE_DOCUMENTS, query, filter);
      double elapsed = (g_get_monotonic_time () - start) / 1000.0;

      g_array_append_val (ms, elapsed);
      found = (guint) (audits + documents);
    }
  return figure_of (ms, found);
}

/* What the queue search did before: its count, then its first page, by LIKE. */
static Figure
time_like (sqlite3    *db,
           const char *query)
{
  static const char *sql[] = {
    "SELECT count(*) FROM audits WHERE (applicant_name LIKE ?1 ESCAPE '\\'"
    " OR loan_application_id LIKE ?1 ESCAPE '\\' OR audit_record_id LIKE ?1 ESCAPE '\\')",
    "SELECT item FROM audits WHERE (applicant_name LIKE ?1 ESCAPE '\\'"
    " OR loan_application_id LIKE ?1 ESCAPE '\\' OR audit_record_id LIKE ?1 ESCAPE '\\')"
    " ORDER BY audit_timestamp DESC, rowid DESC LIMIT 200",
  };
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", query);
  guint found = 0;

  for (int run = 0; run < n_like_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      for (guint s = 0; s < G_N_ELEMENTS (sql); s++)
        {
          sqlite3_stmt *stmt = NULL;

          sqlite3_prepare_v2 (db, sql[s], -1, &stmt, NULL);
          sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_STATIC);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            if (s == 0)
              found = sqlite3_column_int (stmt, 0);
          sqlite3_finalize (stmt);
        }
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, elapsed);
    }
  return figure_of (ms, found);
}

static Figure
time_page (AfStore       *store,
           const AfQuery *query,
           gboolean       count)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint found = 0;

  for (int run = 0; run < n_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      double elapsed;

      if (count)
        found = (guint) af_store_count (store, query, NULL);
      else
        {
          g_autoptr(GPtrArray) items = af_store_query (store, query, NULL);

          found = items->len;
        }
      elapsed = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (ms, elapsed);
    }
  return figure_of (ms, found);
}

/* The page after @cursor, by keyset, as the queue model reads the next page. */
static Figure
time_keyset_page (AfStore             *store,
                  const AfQuery       *query,
                  const AfStoreCursor *cursor)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint found = 0;

  for (int run = 0; run < n_runs; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(AfStoreCursor) next = NULL;
      g_autoptr(GPtrArray) items = af_store_query_page (store, query, cursor, &next, NULL);
      double elapsed = (g_get_monotonic_time () - start) / 1000.0;

      found = items->len;
      g_array_append_val (ms, elapsed);
    }
  return figure_of (ms, found);
}

/* The cursor at the middle of @query's rows, walked to page by page (not timed). */
static AfStoreCursor *
cursor_at_middle (AfStore       *store,
                  const AfQuery *query)
{
  AfStoreCursor *cursor = NULL;

  for (int read = 0; read < n_audits / 2; read += query->limit)
    {
      AfStoreCursor *next = NULL;
      g_autoptr(GPtrArray) items = af_store_query_page (store, query, cursor, &next, NULL);

      af_store_cursor_free (cursor);
      cursor = next;
      if (cursor == NULL)
        break;
    }
  return cursor;
}

static void
print_figure (const char *what,
              Figure      figure)
{
  g_print ("  %-44s median %8.2f ms   p95 %8.2f ms   (%u)\n", what, figure.median, figure.p95,
           figure.found);
}

static void
print_ratio (const char *what,
             Figure      baseline,
             Figure      figure)
{
  g_print ("  %-44s %.1f x faster than %s\n", "", baseline.median / MAX (figure.median, 0.001),
           what);
}

/* A search as the search box runs it: its results, then its total. */
static void
bench_search (AfStore    *store,
              sqlite3    *db,
              const char *query)
{
  Figure now = time_search (store, query, ranked_search);
  Figure bm25 = time_search (store, query, bm25_search);
  Figure whole = strchr (query, '-') != NULL ? time_search (store, query, whole_word_search)
                                             : (Figure) { 0 };
  Figure count = time_count (store, query, FALSE);
  Figure count_filter = time_count (store, query, TRUE);
  g_autofree char *label = g_strdup_printf ("\"%s\" (%u letters) af_store_search", query,
                                            (guint) g_utf8_strlen (query, -1));

  print_figure (label, now);
  print_figure ("  bm25 (session 4)", bm25);
  print_ratio ("bm25", bm25, now);
  if (whole.found > 0)
    {
      print_figure ("  each word whole (before ids by last part)", whole);
      print_ratio ("each word whole", whole, now);
    }
  print_figure ("  total: af_store_count (the index alone)", count);
  print_figure ("  total: counted by the filter (session 4)", count_filter);
  print_ratio ("the filter", count_filter, count);
  if (n_like_runs > 0)
    {
      Figure like = time_like (db, query);

      print_figure ("  LIKE (before the index)", like);
      print_ratio ("LIKE", like, now);
    }
}

static void
bench_searches (const char *path,
                AfStore    *store)
{
  static const char * const queries[] = { "car", "jose", "garci", "w2_2021", "martinez",
                                          "loan-2024-0123", "emily carter" };
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (db));
  g_print ("Search (50 audits + 50 documents, ranked) and its total (audits + documents),"
           " beside the session-4 query (bm25), the filter's count, and the LIKE before the index"
           " (count + first page of audits):\n");
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    bench_search (store, db, queries[i]);
  sqlite3_close (db);
}

static void
bench_queues (AfStore *store)
{
  AfQuery high_risk = { .table = AF_TABLE_AUDITS, .has_min_risk = TRUE, .min_risk = 70,
                        .limit = 200 };
  /* The app's High Risk queue (afd_queue_build_query ()): completed, above 70, riskiest first. */
  AfQuery app_high_risk = { .table = AF_TABLE_AUDITS, .status = "COMPLETED", .has_min_risk = TRUE,
                            .min_risk = 70, .order_by_risk = TRUE, .limit = 200 };
  AfQuery all = { .table = AF_TABLE_AUDITS, .limit = 200 };
  AfQuery deep = { .table = AF_TABLE_AUDITS, .limit = 200, .offset = n_audits / 2 };
  g_autoptr(AfStoreCursor) middle = cursor_at_middle (store, &all);

  g_print ("Queue pages (200 rows):\n");
  print_figure ("High Risk, first page", time_page (store, &high_risk, FALSE));
  print_figure ("High Risk, count", time_page (store, &high_risk, TRUE));
  print_figure ("High Risk (app: COMPLETED), first page", time_keyset_page (store, &app_high_risk, NULL));
  print_figure ("High Risk (app: COMPLETED), count", time_page (store, &app_high_risk, TRUE));
  print_figure ("All Loans, first page", time_page (store, &all, FALSE));
  print_figure ("All Loans, count", time_page (store, &all, TRUE));
  print_figure ("All Loans, page at the middle by OFFSET", time_page (store, &deep, FALSE));
  print_figure ("All Loans, page at the middle by keyset", time_keyset_page (store, &all, middle));
  print_figure ("All Loans, first page by keyset", time_keyset_page (store, &all, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— search and queue page timings");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  dir = db_path == NULL ? g_dir_make_tmp ("bench-search-XXXXXX", &error) : NULL;
  path = db_path != NULL ? g_strdup (db_path) : g_build_filename (dir, "cache.db", NULL);
  /* Unencrypted: nothing here is personal, and the figures are about the index. */
  store = af_store_open_unencrypted (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);

  if (reuse && db_path != NULL && af_store_count (store, &(AfQuery) { .table = AF_TABLE_AUDITS }, NULL) > 0)
    g_print ("Reusing %s\n", path);
  else
    fill_cache (store);
  bench_searches (path, store);
  bench_queues (store);

  g_clear_object (&store);
  if (dir != NULL)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };

      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

          g_unlink (file);
        }
      g_rmdir (dir);
    }
  return 0;
}
