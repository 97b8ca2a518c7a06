/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-codec.h"
#include "af-store-private.h"

/* ---- Rows to items ----------------------------------------------------------------- */

static AfValue *
item_from_column (AfStore  *self,
                  AfStmt   *stmt,
                  GError  **error)
{
  const char *text = (const char *) sqlite3_column_text (stmt, 0);
  int length = sqlite3_column_bytes (stmt, 0);

  return af_store_open_text (self, text, length, NULL, error);
}

/* A cached item that does not read back (written by an older version that let a
 * server's invalid UTF-8 through) is skipped and reported, not allowed to make the whole
 * table unreadable. The report names no value: items hold borrowers' data. */
GPtrArray *
af_store_items_from_stmt (AfStore  *self,
                          AfStmt   *stmt,
                          GError  **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  guint skipped = 0;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfValue *item = item_from_column (self, stmt, NULL);

      if (item == NULL)
        skipped++;
      else
        g_ptr_array_add (items, item);
    }
  if (skipped > 0)
    g_warning ("%s: skipped %u cached item(s) that cannot be read back", self->path, skipped);
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "querying");
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* ---- One item ---------------------------------------------------------------------- */

static AfValue *
get_column (AfStore     *self,
            AfTable      table,
            const char  *column_sql,
            const char  *id,
            GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s = ?", column_sql,
                                          af_table_nick (table), af_table_key_name (table));
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return item_from_column (self, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND, "no %s item with id %s",
                 af_table_nick (table), id);
  else
    af_store_set_sqlite_error (self, error, "reading an item");
  return NULL;
}

AfValue *
af_store_get_item (AfStore     *self,
                   AfTable      table,
                   const char  *id,
                   GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (table < AF_N_TABLES, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return get_column (self, table, "item", id, error);
}

AfValue *
af_store_get_remote_item (AfStore     *self,
                          AfTable      table,
                          const char  *id,
                          GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (table < AF_N_TABLES, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return get_column (self, table, "coalesce (remote, item)", id, error);
}

AfValue *
af_store_find_item (AfStore     *self,
                    const char  *id,
                    AfTable     *out_table,
                    GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      g_autoptr(GError) local_error = NULL;
      AfValue *item = af_store_get_item (self, table, id, &local_error);

      if (item != NULL)
        {
          if (out_table != NULL)
            *out_table = table;
          return item;
        }
      if (!g_error_matches (local_error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND,
               "no audit, document, analysis or user with id %s", id);
  return NULL;
}

/* ---- AfQuery to SQL ------------------------------------------------------------------ */

typedef struct
{
  GString   *where;     /* " WHERE a = ? AND …" or "" */
  GPtrArray *texts;     /* (owned) what each ? is bound to, in order; NULL for a number */
  GArray    *numbers;   /* double per ?, used where texts[i] is NULL */
} Filter;

static void
filter_clear (Filter *filter)
{
  if (filter->where != NULL)
    g_string_free (filter->where, TRUE);
  g_clear_pointer (&filter->texts, g_ptr_array_unref);
  g_clear_pointer (&filter->numbers, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Filter, filter_clear)

static void
filter_init (Filter *filter)
{
  filter->where = g_string_new (NULL);
  filter->texts = g_ptr_array_new_with_free_func (g_free);
  filter->numbers = g_array_new (FALSE, TRUE, sizeof (double));
}

static void
filter_add (Filter     *filter,
            const char *clause,
            char       *text,
            double      number)
{
  g_string_append (filter->where, filter->where->len == 0 ? " WHERE " : " AND ");
  g_string_append (filter->where, clause);
  for (const char *p = strchr (clause, '?'); p != NULL; p = strchr (p + 1, '?'))
    {
      g_ptr_array_add (filter->texts, g_strdup (text));
      g_array_append_val (filter->numbers, number);
    }
  g_free (text);
}

/* Users have no search index (a handful of rows): their e-mail or id contains it. */
static void
add_search (Filter     *filter,
            AfTable     table,
            const char *text)
{
  g_autoptr(GString) clause = g_string_new (NULL);
  g_autoptr(GPtrArray) binds = g_ptr_array_new_with_free_func (g_free);

  if (!af_store_search_has_index (table))
    {
      filter_add (filter, "(email LIKE ? ESCAPE '\\' OR user_id LIKE ? ESCAPE '\\')",
                  af_store_like_pattern (text), 0);
      return;
    }
  if (!af_store_search_clause (table, text, clause, binds))
    return;
  g_string_append (filter->where, filter->where->len == 0 ? " WHERE " : " AND ");
  g_string_append (filter->where, clause->str);
  for (guint i = 0; i < binds->len; i++)
    {
      double unused = 0;

      g_ptr_array_add (filter->texts, g_strdup (binds->pdata[i]));
      g_array_append_val (filter->numbers, unused);
    }
}

static gboolean
refuse_filter (const AfQuery  *query,
               const char     *what,
               GError        **error)
{
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
               "the filter %s does not apply to %s", what, af_table_nick (query->table));
  return FALSE;
}

static gboolean
build_filter (const AfQuery  *query,
              Filter         *filter,
              GError        **error)
{
  AfTable table = query->table;
  gboolean loans = table == AF_TABLE_DOCUMENTS || table == AF_TABLE_AUDITS;

  if (query->status != NULL && table == AF_TABLE_USERS)
    return refuse_filter (query, "status", error);
  if (query->status != NULL)
    filter_add (filter, table == AF_TABLE_DOCUMENTS ? "processing_status = ?" : "status = ?",
                g_strdup (query->status), 0);
  if (query->loan_id != NULL && !loans)
    return refuse_filter (query, "loan", error);
  if (query->loan_id != NULL)
    filter_add (filter, "loan_application_id = ?", g_strdup (query->loan_id), 0);
  if ((query->user_id != NULL || query->verdict != NULL) && table != AF_TABLE_ANALYSES)
    return refuse_filter (query, "user/verdict", error);
  if (query->user_id != NULL)
    filter_add (filter, "user_id = ?", g_strdup (query->user_id), 0);
  if (query->verdict != NULL)
    filter_add (filter, "verdict = ?", g_strdup (query->verdict), 0);
  if ((query->has_min_risk || query->reviewed != AF_REVIEWED_ANY) && table != AF_TABLE_AUDITS)
    return refuse_filter (query, "risk/reviewed", error);
  if (query->has_min_risk)
    filter_add (filter, "risk_score > ?", NULL, query->min_risk);
  if (query->reviewed != AF_REVIEWED_ANY)
    filter_add (filter, query->reviewed == AF_REVIEWED_YES ? "reviewed_by IS NOT NULL"
                                                           : "reviewed_by IS NULL", NULL, 0);
  if (query->search != NULL && *query->search != '\0')
    add_search (filter, table, query->search);
  return TRUE;
}

/* rowid breaks ties: it is in every index, so the order comes straight from the index,
 * and it is stable across refreshes (rows are updated in place), so paging is stable. */
static const char *
order_clause (const AfQuery *query)
{
  switch (query->table)
    {
    case AF_TABLE_DOCUMENTS:
      return " ORDER BY upload_timestamp, rowid";
    case AF_TABLE_AUDITS:
      if (query->has_min_risk || query->order_by_risk)
        return " ORDER BY risk_score DESC, rowid DESC";
      return " ORDER BY audit_timestamp DESC, rowid DESC";
    case AF_TABLE_ANALYSES:
      return " ORDER BY created_at DESC, rowid DESC";
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return " ORDER BY email, rowid";
    }
}

static void
bind_filter (AfStmt       *stmt,
             const Filter *filter)
{
  for (guint i = 0; i < filter->texts->len; i++)
    {
      const char *text = g_ptr_array_index (filter->texts, i);

      if (text != NULL)
        sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_double (stmt, i + 1, g_array_index (filter->numbers, double, i));
    }
}

GPtrArray *
af_store_query (AfStore        *self,
                const AfQuery  *query,
                GError        **error)
{
  g_auto(Filter) filter = { NULL };
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  guint n;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL && query->table < AF_N_TABLES, NULL);

  filter_init (&filter);
  if (!build_filter (query, &filter, error))
    return NULL;
  sql = g_strdup_printf ("SELECT item FROM %s%s%s LIMIT ? OFFSET ?", af_table_nick (query->table),
                         filter.where->str, order_clause (query));
  stmt = af_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_filter (stmt, &filter);
  n = filter.texts->len;
  sqlite3_bind_int64 (stmt, n + 1, query->limit > 0 ? (gint64) query->limit : -1);
  sqlite3_bind_int64 (stmt, n + 2, query->offset);
  return af_store_items_from_stmt (self, stmt, error);
}

/* ---- Keyset pages -------------------------------------------------------------------- */

/* The sort key of a query's order (order_clause()), and its direction. Rows with no key
 * come after the others in a descending order and before them in an ascending one, as
 * SQLite sorts NULL: a page walks the rows with a key, then those without (by rowid),
 * or the other way round, each segment by an index range. */
typedef struct
{
  const char *column;
  gboolean    descending;
} SortKey;

static SortKey
sort_key (const AfQuery *query)
{
  switch (query->table)
    {
    case AF_TABLE_DOCUMENTS:
      return (SortKey) { "upload_timestamp", FALSE };
    case AF_TABLE_AUDITS:
      if (query->has_min_risk || query->order_by_risk)
        return (SortKey) { "risk_score", TRUE };
      return (SortKey) { "audit_timestamp", TRUE };
    case AF_TABLE_ANALYSES:
      return (SortKey) { "created_at", TRUE };
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return (SortKey) { "email", FALSE };
    }
}

struct _AfStoreCursor
{
  gboolean       keyless;  /* in the segment of the rows without a key */
  sqlite3_value *key;      /* (owned) (nullable) the last row's key */
  gint64         rowid;    /* the last row's rowid */
};

void
af_store_cursor_free (AfStoreCursor *cursor)
{
  if (cursor == NULL)
    return;
  sqlite3_value_free (cursor->key);
  g_free (cursor);
}

AfStoreCursor *
af_store_cursor_copy (const AfStoreCursor *cursor)
{
  AfStoreCursor *copy;

  if (cursor == NULL)
    return NULL;
  copy = g_memdup2 (cursor, sizeof *cursor);
  /* A protected copy of the value: it needs no connection, so any thread may free it. */
  copy->key = cursor->key != NULL ? sqlite3_value_dup (cursor->key) : NULL;
  return copy;
}

/* The segment of the rows without a key comes first in an ascending order. */
static gboolean
segment_keyless (const SortKey *key,
                 guint          segment)
{
  return key->descending ? segment == 1 : segment == 0;
}

static char *
page_sql (const AfQuery  *query,
          const Filter   *filter,
          gboolean        keyless,
          gboolean        after)
{
  SortKey key = sort_key (query);
  const char *dir = key.descending ? "DESC" : "ASC";
  const char *cmp = key.descending ? "<" : ">";
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "SELECT item, %s, rowid FROM %s%s%s %s IS %sNULL", key.column,
                          af_table_nick (query->table), filter->where->str,
                          filter->where->len == 0 ? " WHERE" : " AND", key.column,
                          keyless ? "" : "NOT ");
  if (after && keyless)
    g_string_append_printf (sql, " AND rowid %s ?", cmp);
  else if (after)
    g_string_append_printf (sql, " AND (%s, rowid) %s (?, ?)", key.column, cmp);
  if (keyless)
    g_string_append_printf (sql, " ORDER BY rowid %s LIMIT ?", dir);
  else
    g_string_append_printf (sql, " ORDER BY %s %s, rowid %s LIMIT ?", key.column, dir, dir);
  return g_string_free (sql, FALSE);
}

/* Reads up to @limit rows of one segment into @items; @cursor follows the last row. */
static gboolean
read_segment (AfStore        *self,
              const AfQuery  *query,
              const Filter   *filter,
              gboolean        keyless,
              AfStoreCursor  *cursor,
              gboolean        after,
              gint64          limit,
              GPtrArray      *items,
              GError        **error)
{
  g_autofree char *sql = page_sql (query, filter, keyless, after);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int n = filter->texts->len;
  int rc;

  if (stmt == NULL)
    return FALSE;
  bind_filter (stmt, filter);
  if (after && !keyless)
    sqlite3_bind_value (stmt, ++n, cursor->key);
  if (after)
    sqlite3_bind_int64 (stmt, ++n, cursor->rowid);
  sqlite3_bind_int64 (stmt, ++n, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfValue *item = item_from_column (self, stmt, NULL);

      sqlite3_value_free (cursor->key);
      cursor->key = sqlite3_value_dup (sqlite3_column_value (stmt, 1));
      cursor->rowid = sqlite3_column_int64 (stmt, 2);
      cursor->keyless = keyless;
      if (item != NULL)
        g_ptr_array_add (items, item);
      else
        g_warning ("%s: skipped a cached item that cannot be read back", self->path);
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "querying");
  return FALSE;
}

GPtrArray *
af_store_query_page (AfStore              *self,
                     const AfQuery        *query,
                     const AfStoreCursor  *after,
                     AfStoreCursor       **out_next,
                     GError              **error)
{
  g_auto(Filter) filter = { NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  AfStoreCursor *cursor = g_new0 (AfStoreCursor, 1);
  SortKey key = sort_key (query);
  gint64 limit = query->limit > 0 ? (gint64) query->limit : -1;
  guint first = 0;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL && query->table < AF_N_TABLES && query->offset == 0, NULL);

  filter_init (&filter);
  if (!build_filter (query, &filter, error))
    goto failed;
  if (after != NULL)
    {
      cursor->keyless = after->keyless;
      cursor->key = after->key != NULL ? sqlite3_value_dup (after->key) : NULL;
      cursor->rowid = after->rowid;
      first = segment_keyless (&key, 0) == after->keyless ? 0 : 1;
    }
  for (guint segment = first; segment < 2; segment++)
    {
      gint64 wanted = limit < 0 ? -1 : limit - (gint64) items->len;

      if (wanted == 0)
        break;
      if (!read_segment (self, query, &filter, segment_keyless (&key, segment), cursor,
                         after != NULL && segment == first, wanted, items, error))
        goto failed;
    }
  if (out_next != NULL)
    *out_next = limit > 0 && items->len == (guint64) limit ? cursor : NULL;
  if (out_next == NULL || *out_next == NULL)
    af_store_cursor_free (cursor);
  return g_steal_pointer (&items);

failed:
  af_store_cursor_free (cursor);
  return NULL;
}

/* A query that only searches (the search box's total): the index counts it (alone for
 * words of three letters; for longer ones reading the text of the rows it matches,
 * af_store_search_count ()), where the filter's OR with the id may read every row
 * (70 ms for the 23,000 documents of "car"). */
static gboolean
is_search_only (const AfQuery *query)
{
  return query->search != NULL && query->status == NULL && query->loan_id == NULL
         && query->user_id == NULL && query->verdict == NULL && !query->has_min_risk
         && query->reviewed == AF_REVIEWED_ANY;
}

gint64
af_store_count (AfStore        *self,
                const AfQuery  *query,
                GError        **error)
{
  g_auto(Filter) filter = { NULL };
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  gint64 count = -1;

  g_return_val_if_fail (AF_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL && query->table < AF_N_TABLES, -1);

  if (is_search_only (query)
      && !af_store_search_count (self, query->table, query->search, query->count_at_most,
                                 &count, error))
    return -1;
  if (count >= 0)
    return count;
  filter_init (&filter);
  if (!build_filter (query, &filter, error))
    return -1;
  if (query->count_at_most > 0)
    sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s%s LIMIT %" G_GINT64_FORMAT ")",
                           af_table_nick (query->table), filter.where->str, query->count_at_most);
  else
    sql = g_strdup_printf ("SELECT count(*) FROM %s%s", af_table_nick (query->table),
                           filter.where->str);
  stmt = af_store_prepare (self, sql, error);
  if (stmt == NULL)
    return -1;
  bind_filter (stmt, &filter);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "counting");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* The rows of @query's order before a row whose sort key is bound (unless @keyless)
 * and then its rowid, as a condition: the pages' order (page_sql()), segment by
 * segment. */
static char *
before_clause (const SortKey *key,
               gboolean       keyless)
{
  const char *c = key->column;

  if (keyless && key->descending)
    return g_strdup_printf ("(%s IS NOT NULL OR rowid > ?)", c);
  if (keyless)
    return g_strdup_printf ("(%s IS NULL AND rowid < ?)", c);
  if (key->descending)
    return g_strdup_printf ("(%s IS NOT NULL AND (%s, rowid) > (?, ?))", c, c);
  return g_strdup_printf ("(%s IS NULL OR (%s, rowid) < (?, ?))", c, c);
}

/* Where @id is: its sort key (*@out_key, owned, NULL when keyless) and rowid. FALSE
 * without an error when @query does not hold it. */
static gboolean
find_key (AfStore         *self,
          const AfQuery   *query,
          const Filter    *filter,
          const char      *id,
          sqlite3_value  **out_key,
          gint64          *out_rowid,
          GError         **error)
{
  SortKey key = sort_key (query);
  g_autofree char *sql = g_strdup_printf ("SELECT %s, rowid FROM %s%s%s %s = ?", key.column,
                                          af_table_nick (query->table), filter->where->str,
                                          filter->where->len == 0 ? " WHERE" : " AND",
                                          af_table_key_name (query->table));
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int rc;

  *out_key = NULL;
  if (stmt == NULL)
    return FALSE;
  bind_filter (stmt, filter);
  sqlite3_bind_text (stmt, filter->texts->len + 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        *out_key = sqlite3_value_dup (sqlite3_column_value (stmt, 0));
      *out_rowid = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    af_store_set_sqlite_error (self, error, "finding an item's place");
  return FALSE;
}

gint64
af_store_query_position (AfStore        *self,
                         const AfQuery  *query,
                         const char     *id,
                         GError        **error)
{
  g_auto(Filter) filter = { NULL };
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *before = NULL;
  SortKey key = sort_key (query);
  sqlite3_value *found = NULL;
  gint64 rowid = 0;
  int n;

  g_return_val_if_fail (AF_IS_STORE (self), -1);
  g_return_val_if_fail (query != NULL && query->table < AF_N_TABLES, -1);
  g_return_val_if_fail (id != NULL, -1);

  filter_init (&filter);
  if (!build_filter (query, &filter, error) ||
      !find_key (self, query, &filter, id, &found, &rowid, error))
    return -1;
  before = before_clause (&key, found == NULL);
  sql = g_strdup_printf ("SELECT count(*) FROM %s%s%s %s", af_table_nick (query->table),
                         filter.where->str, filter.where->len == 0 ? " WHERE" : " AND",
                         before);
  stmt = af_store_prepare (self, sql, error);
  if (stmt == NULL)
    {
      sqlite3_value_free (found);
      return -1;
    }
  bind_filter (stmt, &filter);
  n = filter.texts->len;
  if (found != NULL)
    sqlite3_bind_value (stmt, ++n, found);
  sqlite3_bind_int64 (stmt, ++n, rowid);
  sqlite3_value_free (found);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "counting the rows before an item");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

/* ---- The seeds' query patterns ---------------------------------------------------- */

GPtrArray *
af_store_documents_for_loan (AfStore     *self,
                             const char  *loan_id,
                             GError     **error)
{
  AfQuery query = { .table = AF_TABLE_DOCUMENTS, .loan_id = loan_id };

  g_return_val_if_fail (loan_id != NULL, NULL);
  return af_store_query (self, &query, error);
}

GPtrArray *
af_store_documents_by_status (AfStore     *self,
                              const char  *status,
                              GError     **error)
{
  AfQuery query = { .table = AF_TABLE_DOCUMENTS, .status = status };

  g_return_val_if_fail (status != NULL, NULL);
  return af_store_query (self, &query, error);
}

GPtrArray *
af_store_audits_above_risk (AfStore     *self,
                            const char  *status,
                            double       threshold,
                            GError     **error)
{
  AfQuery query = {
    .table = AF_TABLE_AUDITS,
    .status = status,
    .has_min_risk = TRUE,
    .min_risk = threshold,
  };

  return af_store_query (self, &query, error);
}

GPtrArray *
af_store_audit_history (AfStore     *self,
                        const char  *loan_id,
                        GError     **error)
{
  AfQuery query = { .table = AF_TABLE_AUDITS, .loan_id = loan_id };

  g_return_val_if_fail (loan_id != NULL, NULL);
  return af_store_query (self, &query, error);
}

GPtrArray *
af_store_analyses_by_status (AfStore     *self,
                             const char  *status,
                             GError     **error)
{
  AfQuery query = { .table = AF_TABLE_ANALYSES, .status = status };

  g_return_val_if_fail (status != NULL, NULL);
  return af_store_query (self, &query, error);
}

static gboolean
parse_cursor (const char  *text,
              gint64      *out_value,
              GError     **error)
{
  char *end = NULL;

  *out_value = g_ascii_strtoll (text, &end, 10);
  if (end != text && *end == '\0')
    return TRUE;
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
               "the page cursor '%s' is not a created_at (unix milliseconds)", text);
  return FALSE;
}

/* The cursor is created_at alone, like the user-index's sort key; two analyses of one
 * user created in the same millisecond on a page boundary would be split unevenly. */
GPtrArray *
af_store_analyses_for_user (AfStore     *self,
                            const char  *user_id,
                            const char  *before_created_at,
                            guint        limit,
                            GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  gint64 cursor = G_MAXINT64;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  if (before_created_at != NULL && !parse_cursor (before_created_at, &cursor, error))
    return NULL;
  stmt = af_store_prepare (self, "SELECT item FROM analyses WHERE user_id = ? AND created_at < ? "
                                 "ORDER BY created_at DESC, rowid DESC LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, cursor);
  sqlite3_bind_int64 (stmt, 3, limit > 0 ? (gint64) limit : -1);
  return af_store_items_from_stmt (self, stmt, error);
}

AfValue *
af_store_user_by_email (AfStore     *self,
                        const char  *email,
                        GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (email != NULL, NULL);

  stmt = af_store_prepare (self, "SELECT item FROM users WHERE email = ?"
                                 " ORDER BY rowid LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, email, -1, SQLITE_STATIC);
  items = af_store_items_from_stmt (self, stmt, error);
  if (items == NULL)
    return NULL;
  if (items->len == 0)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND, "no user with e-mail %s",
                   email);
      return NULL;
    }
  return af_value_ref (g_ptr_array_index (items, 0));
}
