/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-fold.h"
#include "af-search-rank.h"
#include "af-store-private.h"

/* The search index (schema 4, laid out again in schema 5: af_store_search_migrate_layout (),
 * without positions in schema 6: af_store_search_migrate_detail ()).
 *
 * audits, documents and analyses each keep `search_text`: the item's searchable
 * attributes folded (af-fold.h) and joined by spaces, written by the row writer with
 * the other columns. An external-content FTS5 table per kind (`<table>_search`, the
 * trigram tokenizer) indexes that column, kept in step by triggers, so that every path
 * that writes a row (pull, import, edit, delete, retention) updates the index in its
 * own transaction. Matching on the folded text is exact (case_sensitive 1: the folding
 * is ours, the tokenizer must not fold a second way).
 *
 * Item ids (UUIDs) are not in the trigram index: 34 random trigrams each made the index
 * three times as slow to build and twice as big. A query of one word finds an item
 * whose id starts with it through its key's unique index instead. Personal values that are
 * encrypted at rest are never indexed: names, loan ids and file names are columns in
 * clear already. */

#define MAX_WORDS 8

/* With a limit, the newest RANKED matches are ranked (af-search-rank.h), the best
 * ones kept. Reading the text of a match to rank it reads its row, scattered over the
 * cache: one to ten microseconds each, a thousand of them made a query of eight
 * letters take 10 ms. A three-letter query matches tens of thousands of rows of a
 * million; beyond a page or two a reviewer types more letters rather than scroll. */
#define RANKED 200

typedef struct
{
  const char *fts;          /* the FTS5 table */
  const char *parts[2];     /* the attributes searched, which are columns of the table */
} SearchTable;

static const SearchTable search_tables[AF_N_TABLES] = {
  [AF_TABLE_DOCUMENTS] = { "documents_search", { "file_name", "loan_application_id" } },
  [AF_TABLE_AUDITS] = { "audits_search", { "applicant_name", "loan_application_id" } },
  [AF_TABLE_ANALYSES] = { "analyses_search", { "filename", NULL } },
  [AF_TABLE_USERS] = { NULL, { NULL, NULL } },
};

gboolean
af_store_search_has_index (AfTable table)
{
  return table < AF_N_TABLES && search_tables[table].fts != NULL;
}

const char *
af_store_search_table (AfTable table)
{
  return af_store_search_has_index (table) ? search_tables[table].fts : NULL;
}

char *
af_store_search_text (AfTable        table,
                      const AfValue *item)
{
  const char *values[G_N_ELEMENTS (search_tables[0].parts)] = { NULL };

  if (!af_store_search_has_index (table))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    if (search_tables[table].parts[i] != NULL)
      values[i] = af_item_get_s (item, search_tables[table].parts[i]);
  return af_fold_join (values, G_N_ELEMENTS (values));
}

/* ---- Schema: triggers, rebuild, migration ----------------------------------------- */

/* A deletion, whichever path makes it (a remote deletion, retention, forget-user), takes
 * the row out of the index through this trigger, which hands FTS5 the old text that it
 * needs to remove an external-content row: the column holds exactly what was indexed.
 * Rows written are indexed by the row writer itself (af_store_search_index_row()): in a
 * trigger, FTS5 writes its pending terms out at each row (a savepoint per statement),
 * which made a pull of 100,000 audits five times as slow. */
static const char triggers_sql[] =
  "CREATE TRIGGER IF NOT EXISTS @T@_search_ad AFTER DELETE ON @T@"
  " WHEN old.search_text IS NOT NULL BEGIN"
  "  INSERT INTO @F@ (@F@, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);"
  " END;";

/* Runs @pattern for each indexed table, with @T@ standing for the table and @F@ for
 * its FTS5 table. */
static gboolean
for_each_index (AfStore     *self,
                const char  *pattern,
                const char  *doing,
                GError     **error)
{
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autoptr(GString) sql = NULL;

      if (!af_store_search_has_index (table))
        continue;
      sql = g_string_new (pattern);
      g_string_replace (sql, "@T@", af_table_nick (table), 0);
      g_string_replace (sql, "@F@", search_tables[table].fts, 0);
      if (!af_store_exec_script (self, sql->str, doing, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
af_store_search_suspend (AfStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!for_each_index (self, "DROP TRIGGER IF EXISTS @T@_search_ad;",
                       "suspending the search index", error))
    return FALSE;
  self->search_suspended = TRUE;
  return TRUE;
}

gboolean
af_store_search_rebuild (AfStore  *self,
                         GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  return for_each_index (self, "INSERT INTO @F@ (@F@) VALUES ('rebuild')",
                         "rebuilding the search index", error);
}

static gboolean
create_triggers (AfStore  *self,
                 GError  **error)
{
  return for_each_index (self, triggers_sql, "creating the search index", error);
}

gboolean
af_store_search_resume (AfStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!af_store_search_rebuild (self, error) || !create_triggers (self, error))
    return FALSE;
  self->search_suspended = FALSE;
  return TRUE;
}

/* ---- The row writer's part -------------------------------------------------------- */

/* The row writer's statements, by table: built once, not printed for every row (a
 * pull or an import writes hundreds of thousands; the printing and the hashing of
 * three statements' text per row showed in its profile). */
typedef struct
{
  char *lookup;
  char *insert;
  char *delete;
} RowSql;

static const RowSql *
row_sql (AfTable table)
{
  static RowSql sql[AF_N_TABLES];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (AfTable t = 0; t < AF_N_TABLES; t++)
        {
          const char *f = search_tables[t].fts;

          if (f == NULL)
            continue;
          sql[t].lookup = g_strdup_printf ("SELECT rowid, search_text FROM %s WHERE %s = ?",
                                           af_table_nick (t), af_table_key_name (t));
          sql[t].insert = g_strdup_printf ("INSERT INTO %s (rowid, search_text) VALUES (?, ?)", f);
          sql[t].delete = g_strdup_printf ("INSERT INTO %1$s (%1$s, rowid, search_text)"
                                           " VALUES ('delete', ?, ?)", f);
        }
      g_once_init_leave (&initialized, 1);
    }
  return &sql[table];
}

/* *@out_found FALSE when there is no row @key yet. */
static gboolean
lookup_row (AfStore      *self,
            AfTable       table,
            const char   *key,
            gboolean     *out_found,
            gint64       *out_rowid,
            char        **out_text,
            GError      **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, row_sql (table)->lookup, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_found = TRUE;
      *out_rowid = sqlite3_column_int64 (stmt, 0);
      *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "reading the search index");
  return FALSE;
}

/* 'delete' with the text as indexed, or a plain insert of @text. */
static gboolean
index_text (AfStore     *self,
            AfTable      table,
            gboolean     delete,
            gint64       rowid,
            const char  *text,
            GError     **error)
{
  const RowSql *sql = row_sql (table);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, delete ? sql->delete : sql->insert, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}

gboolean
af_store_search_index_row (AfStore      *self,
                           AfTable       table,
                           const char   *key,
                           const char   *text,
                           AfSearchWrite write,
                           gpointer      data,
                           GError      **error)
{
  g_autofree char *old_text = NULL;
  gboolean found = FALSE;
  gint64 rowid = 0;

  if (!af_store_search_has_index (table) || self->search_suspended || key == NULL)
    return write (self, data, error);
  if (!lookup_row (self, table, key, &found, &rowid, &old_text, error)
      || !write (self, data, error))
    return FALSE;
  if (found)
    return af_store_search_index_rewritten (self, table, rowid, old_text, text, error);
  return af_store_search_index_new_row (self, table, sqlite3_last_insert_rowid (self->db), text,
                                        error);
}

gboolean
af_store_search_index_rewritten (AfStore     *self,
                                 AfTable      table,
                                 gint64       rowid,
                                 const char  *old_text,
                                 const char  *text,
                                 GError     **error)
{
  if (!af_store_search_indexes_rows (self, table))
    return TRUE;
  if (af_search_side_covers (self->search_side, table))
    {
      af_search_side_replace (self->search_side, table, rowid, old_text, text);
      return TRUE;
    }
  /* Inserted since the deferral (the same id twice in a file): not in the index yet,
   * the catch-up indexes its last text. */
  if (self->search_deferred && rowid > self->search_deferred_after[table])
    return TRUE;
  if (g_strcmp0 (old_text, text) == 0)
    return TRUE;   /* a refresh that leaves the text alone costs the index nothing */
  if (old_text != NULL && !index_text (self, table, TRUE, rowid, old_text, error))
    return FALSE;
  return text == NULL || index_text (self, table, FALSE, rowid, text, error);
}

gboolean
af_store_search_indexes_rows (AfStore *self,
                              AfTable  table)
{
  return af_store_search_has_index (table) && !self->search_suspended;
}

gboolean
af_store_search_index_new_row (AfStore     *self,
                               AfTable      table,
                               gint64       rowid,
                               const char  *text,
                               GError     **error)
{
  if (text == NULL || !af_store_search_indexes_rows (self, table))
    return TRUE;
  if (af_search_side_covers (self->search_side, table))
    {
      af_search_side_add (self->search_side, table, rowid, text);
      return TRUE;
    }
  if (self->search_deferred)
    return TRUE;
  return index_text (self, table, FALSE, rowid, text, error);
}

/* An import's new rows, indexed one by one, cost its transaction's thread about a
 * quarter of its time (a statement stepped per row, then FTS5's pending terms written
 * out at the commit): one INSERT … SELECT per table and file reads the texts back from
 * the rows just written (still in the page cache) and indexes them in one statement.
 * New rows take rowids above the largest one (no AUTOINCREMENT, nothing deleted in
 * between), so the rows inserted since the deferral are those above it. */
gboolean
af_store_search_defer (AfStore  *self,
                       GError  **error)
{
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(AfStmt) stmt = NULL;

      if (!af_store_search_has_index (table))
        continue;
      sql = g_strdup_printf ("SELECT coalesce (max (rowid), 0) FROM %s", af_table_nick (table));
      stmt = af_store_prepare (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          af_store_set_sqlite_error (self, error, "reading the search index");
          return FALSE;
        }
      self->search_deferred_after[table] = sqlite3_column_int64 (stmt, 0);
    }
  self->search_deferred = !self->search_suspended;
  return TRUE;
}

gboolean
af_store_search_catch_up (AfStore  *self,
                          GError  **error)
{
  gboolean deferred = self->search_deferred;

  self->search_deferred = FALSE;
  for (AfTable table = 0; deferred && table < AF_N_TABLES; table++)
    {
      g_autofree char *sql = NULL;
      g_autoptr(AfStmt) stmt = NULL;

      if (!af_store_search_has_index (table) || af_search_side_covers (self->search_side, table))
        continue;
      sql = g_strdup_printf ("INSERT INTO %s (rowid, search_text) SELECT rowid, search_text"
                             " FROM %s WHERE rowid > ? AND search_text IS NOT NULL",
                             search_tables[table].fts, af_table_nick (table));
      stmt = af_store_prepare (self, sql, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, self->search_deferred_after[table]);
      if (!af_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

void
af_store_search_cancel_defer (AfStore *self)
{
  self->search_deferred = FALSE;
}

/* af_search_text(a, b, …): the SQL face of af_fold_join(), for the migration's fill. */
static void
search_text_function (sqlite3_context  *context,
                      int               argc,
                      sqlite3_value   **argv)
{
  const char *parts[4] = { NULL };
  char *text;

  for (int i = 0; i < argc && i < (int) G_N_ELEMENTS (parts); i++)
    parts[i] = (const char *) sqlite3_value_text (argv[i]);
  text = af_fold_join (parts, MIN (argc, (int) G_N_ELEMENTS (parts)));
  if (text == NULL)
    sqlite3_result_null (context);
  else
    sqlite3_result_text (context, text, -1, g_free);
}

gboolean
af_store_search_register (AfStore  *self,
                          GError  **error)
{
  if (sqlite3_create_function_v2 (self->db, "af_search_text", -1,
                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                  search_text_function, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  af_store_set_sqlite_error (self, error, "configuring the cache");
  return FALSE;
}

static gboolean
fill_texts (AfStore  *self,
            GError  **error)
{
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      const SearchTable *search = &search_tables[table];
      g_autofree char *sql = NULL;

      if (!af_store_search_has_index (table))
        continue;
      sql = g_strdup_printf ("UPDATE %s SET search_text = af_search_text (%s%s%s)",
                             af_table_nick (table), search->parts[0],
                             search->parts[1] != NULL ? ", " : "",
                             search->parts[1] != NULL ? search->parts[1] : "");
      if (!af_store_exec_script (self, sql, "indexing the cache for search", error))
        return FALSE;
    }
  return TRUE;
}

/* Schema 4, in the migration's transaction: the column and the index of each kind,
 * every cached row's text, one rebuild, then the triggers. */
gboolean
af_store_search_migrate (AfStore  *self,
                         GError  **error)
{
  return for_each_index (self, "ALTER TABLE @T@ ADD COLUMN search_text TEXT;"
                               "CREATE VIRTUAL TABLE @F@ USING fts5 (search_text,"
                               " content = '@T@', content_rowid = 'rowid',"
                               " tokenize = 'trigram case_sensitive 1');",
                         "migrating the cache", error)
         && fill_texts (self, error)
         && af_store_search_resume (self, error);
}

/* Schema 5: the index laid out for imports and pulls of many rows (issue 13 item 4).
 *
 * columnsize = 0: FTS5 no longer keeps a row of column sizes per indexed row (its
 * _docsize table), which only bm25 () reads; the ranking is ours (af-search-rank.h).
 * That was a B-tree insert per item, about a fifth of what indexing one cost.
 * hashsize: FTS5 gathers a transaction's new terms in memory and writes them out as a
 * segment each time they reach this size (1 MiB by default: twenty segments for a file
 * of 25,000 documents, merged again and again as they pile up); at 16 MiB a file is
 * one segment. It is memory only while a large transaction is open.
 * Measured on 200,000 document texts in files of 25,000 (sqlite3 shell, user CPU):
 * 1.17 s as schema 4 had it, 0.93 s with the hash size alone, 0.71 s with both. */
#define PENDING_BYTES "16777216"

gboolean
af_store_search_migrate_layout (AfStore  *self,
                                GError  **error)
{
  return for_each_index (self, "DROP TABLE @F@;"
                               "CREATE VIRTUAL TABLE @F@ USING fts5 (search_text,"
                               " content = '@T@', content_rowid = 'rowid', columnsize = 0,"
                               " tokenize = 'trigram case_sensitive 1');"
                               "INSERT INTO @F@ (@F@, rank) VALUES ('hashsize', " PENDING_BYTES ");"
                               "INSERT INTO @F@ (@F@) VALUES ('rebuild');",
                         "migrating the cache", error);
}

/* Schema 6: the index keeps which rows hold a trigram, not where (detail = none).
 *
 * With detail = full FTS5 stores each trigram's positions in each row, which only a
 * phrase query reads: a word of n letters was the phrase of its n - 2 trigrams. Here a
 * word is the AND of its trigrams (match_expression ()), which finds every row holding
 * the word and a few holding its trigrams apart ("carter" in "cartoon porter"); the
 * substring test on the folded text (append_verified ()) keeps the rows holding the
 * word, which is what the phrase found. A word of three letters is one trigram: the
 * index alone matches it exactly.
 * Measured (sqlite3 shell, the trigram index of 400,000 document texts rebuilt): 2.8-2.9 s
 * of CPU instead of 4.6-5.3 s, 14 MB instead of 53 MB. The CLI importing 100,000 audits
 * + 400,000 documents (bench-import-cli, 3 rounds of 5 runs alternating with schema 5,
 * load 3.6-7.0): 30,550 items/s median (22,159-36,861) against 22,745 (20,905-31,225),
 * 28.4 us of CPU per item (24.4-35.0) against 34.2 (28.8-38.7); the cache 1534 MiB
 * instead of 1566. The migration of a cache of 500,000 items: 1.1-1.7 s of CPU,
 * 2.0-4.6 s at load 3.2-3.4.
 * Searches (bench-search, 200,000 audits + 800,000 documents) take the same time, 0.6-1.5
 * ms (the substring test reads the text of the ~200 newest matches, which ranking read
 * already). What it costs: a total of matches of a word of more than three letters
 * reads each matching row's text (count_sql ()). */
gboolean
af_store_search_migrate_detail (AfStore  *self,
                                GError  **error)
{
  return for_each_index (self, "DROP TABLE @F@;"
                               "CREATE VIRTUAL TABLE @F@ USING fts5 (search_text,"
                               " content = '@T@', content_rowid = 'rowid', columnsize = 0,"
                               " detail = none, tokenize = 'trigram case_sensitive 1');"
                               "INSERT INTO @F@ (@F@, rank) VALUES ('hashsize', " PENDING_BYTES ");"
                               "INSERT INTO @F@ (@F@) VALUES ('rebuild');",
                         "migrating the cache", error);
}

/* ---- Queries ------------------------------------------------------------------------- */

/* A query as the index sees it: its folded words, those of three letters or more
 * matched through the trigram index, the shorter ones by a scan of the candidates. */
typedef struct
{
  GPtrArray *long_words;    /* (owned) of char */
  GPtrArray *short_words;   /* (owned) of char */
  char      *id_prefix;     /* (owned) (nullable) a GLOB pattern: the one word, then '*' */
} Terms;

static void
terms_clear (Terms *terms)
{
  g_clear_pointer (&terms->long_words, g_ptr_array_unref);
  g_clear_pointer (&terms->short_words, g_ptr_array_unref);
  g_clear_pointer (&terms->id_prefix, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Terms, terms_clear)

static guint
terms_count (const Terms *terms)
{
  return terms->long_words->len + terms->short_words->len;
}

/* Ids are UUIDs in lower case: a word with a GLOB metacharacter is no id. */
static char *
id_pattern (const char *word)
{
  if (strpbrk (word, "*?[]") != NULL)
    return NULL;
  return g_strconcat (word, "*", NULL);
}

/* FALSE when @text has no word to look for. Words past MAX_WORDS are ignored. */
static gboolean
terms_parse (const char *text,
             Terms      *terms)
{
  g_autofree char *folded = af_fold_text (text);
  g_auto(GStrv) words = NULL;

  terms->long_words = g_ptr_array_new_with_free_func (g_free);
  terms->short_words = g_ptr_array_new_with_free_func (g_free);
  if (folded == NULL)
    return FALSE;
  words = g_strsplit_set (g_strstrip (folded), " \t\r\n\f\v", -1);
  for (guint i = 0; words[i] != NULL && terms_count (terms) < MAX_WORDS; i++)
    {
      if (*words[i] == '\0')
        continue;
      g_ptr_array_add (g_utf8_strlen (words[i], -1) >= 3 ? terms->long_words
                                                          : terms->short_words,
                       g_strdup (words[i]));
    }
  if (terms_count (terms) == 1)
    terms->id_prefix = id_pattern (terms->long_words->len > 0 ? terms->long_words->pdata[0]
                                                               : terms->short_words->pdata[0]);
  return terms_count (terms) > 0;
}

/* The part of a long @word that the index looks for: the word itself, or for an id
 * ("loan-2024-0123", "dbbc2c4b-db60") its last part after a '-', if that holds a digit
 * and three characters or more. Every row holds the trigrams of "loan-2024-": FTS5 read
 * the positions of nearly every row to match such a word (37 ms at 1,000,000 rows);
 * the rows holding "0123" are a few hundred. A row holding the word holds its last
 * part, so the index still finds every match, and instr() on the folded text (the
 * same substring test as the trigram phrase) keeps the matches alone (append_verified()). */
static gint id_keys = TRUE;

void
af_store_search_set_id_keys (gboolean enabled)
{
  g_atomic_int_set (&id_keys, enabled);
}

static const char *
index_key (const Terms *terms,
           const char  *word)
{
  const char *dash = strrchr (word, '-');

  if (!g_atomic_int_get (&id_keys) || dash == NULL || strlen (dash + 1) < 3 || strpbrk (dash + 1, "0123456789") == NULL)
    return word;
  return dash + 1;
}

/* TRUE when the index alone may match rows without @word (a long word): it matched a
 * part of it (index_key ()), or the word has more than one trigram, which the index
 * finds in a row but not where (detail = none, af_store_search_migrate_detail ()). */
static gboolean
word_needs_check (const Terms *terms,
                  const char  *word)
{
  return index_key (terms, word) != word || g_utf8_strlen (word, -1) > 3;
}

static gboolean
terms_need_check (const Terms *terms)
{
  for (guint i = 0; i < terms->long_words->len; i++)
    if (word_needs_check (terms, terms->long_words->pdata[i]))
      return TRUE;
  return FALSE;
}

/* " AND " (unless @out is empty) and the string of the three characters at @trigram,
 * quoted, its own quotes doubled. */
static void
append_trigram (GString    *out,
                const char *trigram)
{
  const char *end = g_utf8_offset_to_pointer (trigram, 3);

  g_string_append (out, out->len == 0 ? "\"" : " AND \"");
  for (const char *p = trigram; p < end; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Every trigram of each word's index key, all of them required: without positions in
 * the index (detail = none) a phrase cannot be asked for ("fts5: phrase queries are not
 * supported"). Keys are three characters or more (terms_parse (), index_key ()). */
static char *
match_expression (const Terms *terms)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < terms->long_words->len; i++)
    {
      const char *key = index_key (terms, terms->long_words->pdata[i]);
      glong n_trigrams = g_utf8_strlen (key, -1) - 2;
      const char *p = key;

      for (glong t = 0; t < n_trigrams; t++, p = g_utf8_next_char (p))
        append_trigram (out, p);
    }
  return g_string_free (out, FALSE);
}

/* A LIKE pattern finding @word anywhere, its own % and _ taken literally. */
char *
af_store_like_pattern (const char *word)
{
  GString *pattern = g_string_new ("%");

  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (pattern, FALSE);
}

/* " AND <column> LIKE ? …" for each short word, the patterns added to @binds. */
static void
append_short_words (GString     *sql,
                    const char  *column,
                    const Terms *terms,
                    GPtrArray   *binds)
{
  for (guint i = 0; i < terms->short_words->len; i++)
    {
      g_string_append_printf (sql, " AND %s LIKE ? ESCAPE '\\'", column);
      g_ptr_array_add (binds, af_store_like_pattern (terms->short_words->pdata[i]));
    }
}

/* " AND instr(<column>, ?) > 0" for each long word the index may match in rows
 * without it (word_needs_check ()), the words added to @binds. */
static void
append_verified (GString     *sql,
                 const char  *column,
                 const Terms *terms,
                 GPtrArray   *binds)
{
  for (guint i = 0; i < terms->long_words->len; i++)
    {
      const char *word = terms->long_words->pdata[i];

      if (!word_needs_check (terms, word))
        continue;
      g_string_append_printf (sql, " AND instr(%s, ?) > 0", column);
      g_ptr_array_add (binds, g_strdup (word));
    }
}

gboolean
af_store_search_clause (AfTable      table,
                        const char  *text,
                        GString     *clause,
                        GPtrArray   *binds)
{
  g_auto(Terms) terms = { NULL };
  const char *fts = search_tables[table].fts;

  g_return_val_if_fail (af_store_search_has_index (table), FALSE);

  if (!terms_parse (text, &terms))
    return FALSE;
  g_string_append (clause, "(");
  if (terms.id_prefix != NULL)
    {
      g_string_append_printf (clause, "%s GLOB ? OR ", af_table_key_name (table));
      g_ptr_array_add (binds, g_strdup (terms.id_prefix));
    }
  if (terms.long_words->len > 0)
    {
      g_string_append_printf (clause, "(rowid IN (SELECT rowid FROM %1$s WHERE %1$s MATCH ?)", fts);
      g_ptr_array_add (binds, match_expression (&terms));
    }
  else
    g_string_append (clause, "(1");
  append_verified (clause, "search_text", &terms, binds);
  append_short_words (clause, "search_text", &terms, binds);
  g_string_append (clause, "))");
  return TRUE;
}

static void
bind_texts (AfStmt    *stmt,
            GPtrArray *binds)
{
  for (guint i = 0; i < binds->len; i++)
    sqlite3_bind_text (stmt, i + 1, binds->pdata[i], -1, SQLITE_STATIC);
}

static GPtrArray *
run_search_sql (AfStore     *self,
                const char  *sql,
                GPtrArray   *binds,
                gint64       limit,
                GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  bind_texts (stmt, binds);
  sqlite3_bind_int64 (stmt, binds->len + 1, limit);
  return af_store_items_from_stmt (self, stmt, error);
}

/* Items whose id starts with the query's one word, in id order. */
static GPtrArray *
search_ids (AfStore      *self,
            AfTable       table,
            const Terms  *terms,
            gint64        limit,
            GError      **error)
{
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = g_strdup_printf ("SELECT item FROM %1$s WHERE %2$s GLOB ?"
                                          " ORDER BY %2$s LIMIT ?", af_table_nick (table),
                                          af_table_key_name (table));

  g_ptr_array_add (binds, g_strdup (terms->id_prefix));
  return run_search_sql (self, sql, binds, limit, error);
}

/* A match waiting for its rank: the row and its folded text. */
typedef struct
{
  gint64  rowid;
  char   *text;     /* (owned) (nullable) */
  guint   rank;     /* af_search_rank_text () */
} Candidate;

static void
candidate_clear (Candidate *candidate)
{
  g_clear_pointer (&candidate->text, g_free);
}

static GArray *
candidates_new (void)
{
  GArray *candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  g_array_set_clear_func (candidates, (GDestroyNotify) candidate_clear);
  return candidates;
}

/* Appends the rows (rowid, search_text) of @stmt to @candidates. */
static gboolean
read_candidates (AfStore   *self,
                 AfStmt    *stmt,
                 GArray    *candidates,
                 GError   **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Candidate candidate = { sqlite3_column_int64 (stmt, 0),
                              g_strdup ((const char *) sqlite3_column_text (stmt, 1)), 0 };

      g_array_append_val (candidates, candidate);
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "searching");
  return FALSE;
}

/* " ORDER BY <rowid> DESC", and " LIMIT <count>" unless @count is -1. The count is a
 * literal: one statement per count is all the statement cache holds. */
static void
append_newest (GString     *sql,
               const char  *rowid,
               gint64       count)
{
  g_string_append_printf (sql, " ORDER BY %s DESC", rowid);
  if (count >= 0)
    g_string_append_printf (sql, " LIMIT %" G_GINT64_FORMAT, count);
}

/* The index's newest @count (-1: all) matches with their text, newest first; the
 * short words filter them first. FTS5 walks its rowids in either order without
 * sorting: this costs the rows read and no more. */
static GArray *
candidates_by_index (AfStore      *self,
                     AfTable       table,
                     const Terms  *terms,
                     gint64        count,
                     GError      **error)
{
  const char *f = search_tables[table].fts;
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *rowid = g_strdup_printf ("%s.rowid", f);
  g_autoptr(GArray) candidates = candidates_new ();
  g_autoptr(AfStmt) stmt = NULL;

  g_string_append_printf (sql, "SELECT %1$s.rowid, t.search_text FROM %1$s"
                               " JOIN %2$s AS t ON t.rowid = %1$s.rowid WHERE %1$s MATCH ?",
                          f, af_table_nick (table));
  g_ptr_array_add (binds, match_expression (terms));
  append_verified (sql, "t.search_text", terms, binds);
  append_short_words (sql, "t.search_text", terms, binds);
  append_newest (sql, rowid, count);
  stmt = af_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_texts (stmt, binds);
  if (!read_candidates (self, stmt, candidates, error))
    return NULL;
  return g_steal_pointer (&candidates);
}

/* No word long enough for the index: the newest @count rows holding every short word. */
static GArray *
candidates_by_scan (AfStore      *self,
                    AfTable       table,
                    const Terms  *terms,
                    gint64        count,
                    GError      **error)
{
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autoptr(GArray) candidates = candidates_new ();
  g_autoptr(AfStmt) stmt = NULL;

  g_string_append_printf (sql, "SELECT rowid, search_text FROM %s WHERE search_text IS NOT NULL",
                          af_table_nick (table));
  append_short_words (sql, "search_text", terms, binds);
  append_newest (sql, "rowid", count);
  stmt = af_store_prepare (self, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_texts (stmt, binds);
  if (!read_candidates (self, stmt, candidates, error))
    return NULL;
  return g_steal_pointer (&candidates);
}

/* Best rank first, then the newest (the highest rowid). */
static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *x = a;
  const Candidate *y = b;

  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  return (x->rowid < y->rowid) - (x->rowid > y->rowid);
}

/* Every word of the query, long and short, the long ones first (the first one counts
 * for the rank's start-of-text part). */
static GPtrArray *
terms_words (const Terms *terms)
{
  GPtrArray *words = g_ptr_array_new ();

  for (guint i = 0; i < terms->long_words->len; i++)
    g_ptr_array_add (words, terms->long_words->pdata[i]);
  for (guint i = 0; i < terms->short_words->len; i++)
    g_ptr_array_add (words, terms->short_words->pdata[i]);
  return words;
}

/* Sorts @candidates best first. */
static void
rank_candidates (GArray      *candidates,
                 const Terms *terms)
{
  g_autoptr(GPtrArray) words = terms_words (terms);

  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *candidate = &g_array_index (candidates, Candidate, i);

      candidate->rank = af_search_rank_text (candidate->text, (const char * const *) words->pdata,
                                             words->len);
    }
  g_array_sort (candidates, compare_candidates);
}

/* The items of the first @limit (-1: all) @candidates, in their order. */
static GPtrArray *
items_of_candidates (AfStore      *self,
                     AfTable       table,
                     GArray       *candidates,
                     gint64        limit,
                     GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT item FROM %s WHERE rowid = ?",
                                          af_table_nick (table));
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  guint n = limit < 0 ? candidates->len : (guint) MIN ((gint64) candidates->len, limit);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
      g_autoptr(GPtrArray) one = NULL;

      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, g_array_index (candidates, Candidate, i).rowid);
      one = af_store_items_from_stmt (self, stmt, error);
      if (one == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (items, g_steal_pointer (&one));
    }
  return g_steal_pointer (&items);
}

/* The best @limit (-1: all) text matches, best first (af-search-rank.h), among the
 * newest RANKED of them (all of them when there is no limit). */
static GPtrArray *
search_by_text (AfStore      *self,
                AfTable       table,
                const Terms  *terms,
                gint64        limit,
                GError      **error)
{
  gint64 count = limit < 0 ? -1 : MAX (RANKED, limit);
  g_autoptr(GArray) candidates = terms->long_words->len > 0
                                 ? candidates_by_index (self, table, terms, count, error)
                                 : candidates_by_scan (self, table, terms, count, error);

  if (candidates == NULL)
    return NULL;
  rank_candidates (candidates, terms);
  return items_of_candidates (self, table, candidates, limit, error);
}

/* "SELECT count (*)" of the index's matches, joined to each row's text when a word
 * needs the substring test (word_needs_check ()), plus the items whose id starts with
 * the query's one word and whose text does not hold it; the parameters appended to
 * @binds. The test reads the text of every row that the index matches, in rowid order
 * (~0.5 us a row): "w2_2021", 33,333 of 800,000 documents, 0.105-0.120 s against 0.05 s
 * for the phrase counted off the index alone with positions (detail = full); 0.2-0.3 s
 * at load 5, on the store's thread that the next keystroke's search waits for. Hence
 * @at_most (> 0): each part stops at that many rows, so that the search box's total
 * costs a few milliseconds however common the word. */
static char *
count_sql (AfTable      table,
           const Terms *terms,
           gint64       at_most,
           GPtrArray   *binds)
{
  const char *f = search_tables[table].fts;
  const char *t = af_table_nick (table);
  g_autofree char *limit = at_most > 0 ? g_strdup_printf (" LIMIT %" G_GINT64_FORMAT, at_most)
                                       : g_strdup ("");
  GString *sql = g_string_new ("SELECT (SELECT count(*) FROM (SELECT 1 FROM ");

  if (terms_need_check (terms))
    g_string_append_printf (sql, "%1$s JOIN %2$s AS t ON t.rowid = %1$s.rowid", f, t);
  else
    g_string_append (sql, f);
  g_string_append_printf (sql, " WHERE %1$s MATCH ?", f);
  g_ptr_array_add (binds, match_expression (terms));
  append_verified (sql, "t.search_text", terms, binds);
  g_string_append_printf (sql, "%s))", limit);
  if (terms->id_prefix != NULL)
    {
      g_string_append_printf (sql, " + (SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s GLOB ?"
                                   " AND coalesce (instr (search_text, ?), 0) = 0%s))",
                              t, af_table_key_name (table), limit);
      g_ptr_array_add (binds, g_strdup (terms->id_prefix));
      g_ptr_array_add (binds, g_strdup (terms->long_words->pdata[0]));
    }
  return g_string_free (sql, FALSE);
}

gboolean
af_store_search_count (AfStore      *self,
                       AfTable       table,
                       const char   *text,
                       gint64        at_most,
                       gint64       *out_count,
                       GError      **error)
{
  g_auto(Terms) terms = { NULL };
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *sql = NULL;
  g_autoptr(AfStmt) stmt = NULL;

  *out_count = -1;
  if (!af_store_search_has_index (table) || !terms_parse (text, &terms)
      || terms.long_words->len == 0 || terms.short_words->len > 0)
    return TRUE;
  sql = count_sql (table, &terms, at_most, binds);
  stmt = af_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_texts (stmt, binds);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "counting");
      return FALSE;
    }
  *out_count = sqlite3_column_int64 (stmt, 0);
  if (at_most > 0)
    *out_count = MIN (*out_count, at_most);
  return TRUE;
}

/* Appends @more to @items, but the items already there (by id), up to @limit (-1: all). */
static void
merge_items (GPtrArray  *items,
             GPtrArray  *more,
             AfTable     table,
             GHashTable *seen,
             gint64      limit)
{
  const char *key = af_table_key_name (table);

  for (guint i = 0; i < more->len && (limit < 0 || items->len < (guint64) limit); i++)
    {
      AfValue *item = more->pdata[i];
      const char *id = af_item_get_s (item, key);

      if (id != NULL && !g_hash_table_add (seen, (gpointer) id))
        continue;
      g_ptr_array_add (items, af_value_ref (item));
    }
}

GPtrArray *
af_store_search (AfStore     *self,
                 AfTable      table,
                 const char  *text,
                 guint        limit,
                 GError     **error)
{
  g_auto(Terms) terms = { NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) by_id = NULL;
  g_autoptr(GPtrArray) by_text = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 max = limit > 0 ? (gint64) limit : -1;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (af_store_search_has_index (table), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (!terms_parse (text, &terms))
    return g_steal_pointer (&items);
  /* An id typed (or its first characters) is what the reviewer wants: it comes first. */
  by_id = terms.id_prefix != NULL ? search_ids (self, table, &terms, max, error)
                                  : g_ptr_array_new ();
  if (by_id == NULL)
    return NULL;
  /* As many as asked for beside the items found by id, which they may repeat. */
  by_text = search_by_text (self, table, &terms, max < 0 ? -1 : max + by_id->len, error);
  if (by_text == NULL)
    return NULL;
  merge_items (items, by_id, table, seen, max);
  merge_items (items, by_text, table, seen, max);
  return g_steal_pointer (&items);
}
