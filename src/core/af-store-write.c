/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-codec.h"
#include "af-store-private.h"

/* The statements that write a row, by what they do with a key already there. */
typedef enum
{
  WRITE_UPSERT,     /* INSERT … ON CONFLICT DO UPDATE */
  WRITE_NEW,        /* … ON CONFLICT DO NOTHING: write_new_row () */
  WRITE_INSERT,     /* a plain INSERT, where the key's index is deferred: no conflict */
  WRITE_REWRITE,    /* UPDATE of the row at a rowid, where the key's index is deferred */
  N_WRITES,
} WriteKind;

/* The columns of @table that a write sets, the key first, joined by ", ". */
static void
append_columns (GString  *sql,
                AfTable   table)
{
  guint n = 0;
  const AfStoreColumn *columns = af_store_columns (table, &n);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, "%s, ", columns[i].column);
  if (af_store_search_has_index (table))
    g_string_append (sql, "search_text, ");
  g_string_append (sql, "item, remote");
}

static void
append_values (GString  *sql,
               AfTable   table)
{
  guint n = 0;
  guint searched = af_store_search_has_index (table) ? 1 : 0;

  af_store_columns (table, &n);
  for (guint i = 0; i < n + searched + 2; i++)
    g_string_append (sql, i == 0 ? "?" : ", ?");
}

/* INSERT … ON CONFLICT DO UPDATE rather than INSERT OR REPLACE: the row keeps its
 * rowid, which the queries use to break ties, so a refresh does not reorder a list.
 * WRITE_REWRITE does the same by rowid (its last parameter), the key set again. */
static char *
build_write_sql (AfTable   table,
                 WriteKind kind)
{
  GString *sql = g_string_new (NULL);
  guint n = 0;
  const AfStoreColumn *columns = af_store_columns (table, &n);

  g_string_append_printf (sql, kind == WRITE_REWRITE ? "UPDATE %s SET (" : "INSERT INTO %s (",
                          af_table_nick (table));
  append_columns (sql, table);
  g_string_append (sql, kind == WRITE_REWRITE ? ") = (" : ") VALUES (");
  append_values (sql, table);
  g_string_append (sql, ")");
  if (kind == WRITE_REWRITE)
    g_string_append (sql, " WHERE rowid = ?");
  if (kind == WRITE_NEW)
    g_string_append_printf (sql, " ON CONFLICT (%s) DO NOTHING", columns[0].column);
  if (kind != WRITE_UPSERT)
    return g_string_free (sql, FALSE);
  g_string_append_printf (sql, " ON CONFLICT (%s) DO UPDATE SET ", columns[0].column);
  for (guint i = 1; i < n; i++)
    g_string_append_printf (sql, "%s = excluded.%s, ", columns[i].column, columns[i].column);
  if (af_store_search_has_index (table))
    g_string_append (sql, "search_text = excluded.search_text, ");
  g_string_append (sql, "item = excluded.item, remote = excluded.remote");
  return g_string_free (sql, FALSE);
}

/* The statements' texts, by kind and table. */
static const char *
write_sql (AfTable   table,
           WriteKind kind)
{
  static char *sql[N_WRITES][AF_N_TABLES];
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (WriteKind k = 0; k < N_WRITES; k++)
        for (guint t = 0; t < AF_N_TABLES; t++)
          sql[k][t] = build_write_sql (t, k);
      g_once_init_leave (&initialized, 1);
    }
  return sql[kind][table];
}

/* An integral column (an expiry, a creation time) whose number is not an integer in
 * range stays NULL: af_store_check_item () reports it, and a NULL expiry never
 * expires, where a wrapped one would have had retention delete the item. */
static void
bind_column (AfStmt              *stmt,
             int                  index,
             const AfStoreColumn *column,
             const char          *text)
{
  gint64 integer;

  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else if (column->kind == AF_STORE_COLUMN_TEXT)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else if (column->kind == AF_STORE_COLUMN_REAL)
    sqlite3_bind_double (stmt, index, g_ascii_strtod (text, NULL));
  else if (af_number_to_int64 (text, AF_NUMBER_INT_MIN, AF_NUMBER_INT_MAX, &integer))
    sqlite3_bind_int64 (stmt, index, integer);
  else
    sqlite3_bind_null (stmt, index);   /* no expiry rather than a wrong one */
}

/* The statement of @kind for @table, kept in the store (a pull or an import steps one
 * per row: hashing their text to find them showed); a rewrite, rare, in its cache. */
static AfStmt *
prepare_write (AfStore   *self,
               AfTable    table,
               WriteKind  kind,
               GError   **error)
{
  sqlite3_stmt **stmts[] = { self->upserts, self->inserts, self->plain_inserts };
  sqlite3_stmt **stmt;

  if (kind == WRITE_REWRITE)
    return af_store_prepare (self, write_sql (table, kind), error);
  stmt = &stmts[kind][table];
  if (*stmt == NULL
      && sqlite3_prepare_v3 (self->db, write_sql (table, kind), -1,
                             SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, "preparing a statement");
      return NULL;
    }
  return *stmt;
}

/* Binds @row's columns, its search text and @text (the item) to @stmt, all
 * SQLITE_STATIC: they must outlive its step. */
static guint
bind_row (AfStmt       *stmt,
          AfTable       table,
          const AfRow  *row)
{
  guint n = 0;
  const AfStoreColumn *columns = af_store_columns (table, &n);

  for (guint i = 0; i < n; i++)
    bind_column (stmt, i + 1, &columns[i], row->columns[i]);
  if (af_store_search_has_index (table))
    sqlite3_bind_text (stmt, ++n, row->search_text, -1, SQLITE_STATIC);
  sqlite3_bind_text64 (stmt, n + 1, row->text, row->length, SQLITE_STATIC, SQLITE_UTF8);
  return n + 2;
}

/* The statement of @kind for @table with @row, @remote_text (nullable) and, for a
 * rewrite, @rowid bound, all SQLITE_STATIC: they must outlive its step. */
static AfStmt *
prepare_bound (AfStore      *self,
               AfTable       table,
               WriteKind     kind,
               const AfRow  *row,
               const char   *remote_text,
               gint64        rowid,
               GError      **error)
{
  AfStmt *stmt = prepare_write (self, table, kind, error);
  guint remote_index;

  if (stmt == NULL)
    return NULL;
  remote_index = bind_row (stmt, table, row);
  if (remote_text != NULL)
    sqlite3_bind_text (stmt, remote_index, remote_text, -1, SQLITE_STATIC);
  if (kind == WRITE_REWRITE)
    sqlite3_bind_int64 (stmt, remote_index + 1, rowid);
  return stmt;
}

typedef enum
{
  NEW_ROW_FAILED,
  NEW_ROW_WRITTEN,
  NEW_ROW_EXISTS,
} NewRow;

/* The common case of an import or a first pull: a row whose key is not in the cache
 * yet is inserted (ON CONFLICT DO NOTHING) and indexed as new, without first reading
 * the row it would replace: that lookup cost the transaction's thread about a quarter
 * of its time per item. NEW_ROW_EXISTS: nothing was written, the upsert follows. */
static NewRow
write_new_row (AfStore      *self,
               AfTable       table,
               const AfRow  *row,
               const char   *remote_text,
               GError      **error)
{
  g_autoptr(AfStmt) stmt = prepare_bound (self, table, WRITE_NEW, row, remote_text, 0, error);

  if (stmt == NULL || !af_store_step_done (self, stmt, error))
    return NEW_ROW_FAILED;
  if (sqlite3_changes (self->db) == 0)
    return NEW_ROW_EXISTS;
  return af_store_search_index_new_row (self, table, sqlite3_last_insert_rowid (self->db),
                                        row->search_text, error)
         ? NEW_ROW_WRITTEN : NEW_ROW_FAILED;
}

static gboolean
step_upsert (AfStore   *self,
             gpointer   stmt,
             GError   **error)
{
  return af_store_step_done (self, stmt, error);
}

/* Steps the write of @kind of @row into @table (prepare_bound ()). */
static gboolean
step_write (AfStore      *self,
            AfTable       table,
            WriteKind     kind,
            const AfRow  *row,
            const char   *remote_text,
            gint64        rowid,
            GError      **error)
{
  g_autoptr(AfStmt) stmt = prepare_bound (self, table, kind, row, remote_text, rowid, error);

  return stmt != NULL && af_store_step_done (self, stmt, error);
}

/* The key and the search text of the row at @rowid of @table: *@out_found when it is
 * there and still holds @key. */
static gboolean
read_tracked_row (AfStore      *self,
                  AfTable       table,
                  gint64        rowid,
                  const char   *key,
                  gboolean     *out_found,
                  char        **out_text,
                  GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s, %s FROM %s WHERE rowid = ?",
                                          af_table_key_name (table),
                                          af_store_search_has_index (table) ? "search_text" : "NULL",
                                          af_table_nick (table));
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, rowid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_found = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), key) == 0;
      *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "reading the cache");
  return FALSE;
}

/* A row of a table whose key index a bulk import deferred (af-store-keys.c): the row
 * this import wrote with its key rewritten in place, or a new row inserted. */
static gboolean
write_tracked_row (AfStore      *self,
                   AfTable       table,
                   const AfRow  *row,
                   const char   *remote_text,
                   GError      **error)
{
  const char *key = row->columns[0];
  g_autofree char *old_text = NULL;
  gboolean found = FALSE;
  gint64 rowid = 0;

  if (af_store_keys_lookup (self, table, key, &rowid)
      && !read_tracked_row (self, table, rowid, key, &found, &old_text, error))
    return FALSE;
  if (found)
    return step_write (self, table, WRITE_REWRITE, row, remote_text, rowid, error)
           && af_store_search_index_rewritten (self, table, rowid, old_text, row->search_text,
                                               error);
  if (!step_write (self, table, WRITE_INSERT, row, remote_text, 0, error))
    return FALSE;
  rowid = sqlite3_last_insert_rowid (self->db);
  af_store_keys_add (self, table, key, rowid);
  return af_store_search_index_new_row (self, table, rowid, row->search_text, error);
}

/* The row inserted, or written over the one with its key (ON CONFLICT). */
static gboolean
upsert_row (AfStore      *self,
            AfTable       table,
            const AfRow  *row,
            const char   *remote_text,
            GError      **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  if (af_store_search_indexes_rows (self, table) && row->columns[0] != NULL)
    {
      NewRow written = write_new_row (self, table, row, remote_text, error);

      if (written != NEW_ROW_EXISTS)
        return written == NEW_ROW_WRITTEN;
    }
  stmt = prepare_bound (self, table, WRITE_UPSERT, row, remote_text, 0, error);
  if (stmt == NULL)
    return FALSE;
  /* The index follows in the same transaction; columns[0] is the key. */
  return af_store_search_index_row (self, table, row->columns[0], row->search_text, step_upsert,
                                    stmt, error);
}

/* @row's texts and @remote_text are borrowed: SQLite has copied them when this returns. */
static gboolean
write_row_borrowed (AfStore      *self,
                    AfTable       table,
                    const AfRow  *row,
                    const char   *remote_text,
                    GError      **error)
{
  if (row->columns[0] != NULL && af_store_keys_tracked (self, table))
    return write_tracked_row (self, table, row, remote_text, error);
  if (upsert_row (self, table, row, remote_text, error))
    return TRUE;
  af_store_keys_explain_failure (self, table, error);
  return FALSE;
}

/* @row's texts and @remote_text are (transfer full), even on error. */
static gboolean
write_row (AfStore      *self,
           AfTable       table,
           const AfRow  *row,
           char         *remote_text,
           GError      **error)
{
  g_autofree char *search_text = row->search_text;
  g_autofree char *text = row->text;
  g_autofree char *remote = remote_text;

  return write_row_borrowed (self, table, row, remote, error);
}

gboolean
af_store_write_row (AfStore        *self,
                    AfTable         table,
                    const AfValue  *item,
                    char           *item_text,
                    char           *remote_text,
                    GError        **error)
{
  AfRow row = { .text = item_text, .length = strlen (item_text) };

  af_store_row_init (&row, table, item);
  return write_row (self, table, &row, remote_text, error);
}

gboolean
af_store_check_item (AfTable         table,
                     const AfValue  *item,
                     GError        **error)
{
  const AfStoreColumn *columns;
  guint n = 0;
  gint64 integer;

  g_return_val_if_fail (table < AF_N_TABLES, FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (af_value_get_kind (item) != AF_TYPE_M)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID, "not an item (a map)");
      return FALSE;
    }
  columns = af_store_columns (table, &n);
  for (guint i = 0; i < n; i++)
    {
      const AfStoreColumn *column = &columns[i];
      AfValue *value = af_value_map_get (item, column->attribute);
      AfType wanted = column->kind == AF_STORE_COLUMN_TEXT ? AF_TYPE_S : AF_TYPE_N;

      if (value != NULL && af_value_get_kind (value) != wanted)
        {
          g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                       "attribute '%s' is %s where %s belongs", column->attribute,
                       af_type_to_tag (af_value_get_kind (value)), af_type_to_tag (wanted));
          return FALSE;
        }
      if (value != NULL && column->kind == AF_STORE_COLUMN_INT &&
          !af_number_to_int64 (af_value_get_string (value), AF_NUMBER_INT_MIN,
                               AF_NUMBER_INT_MAX, &integer))
        {
          g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                       "attribute '%s' is not an integer within range; it is ignored",
                       column->attribute);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- Remote items -------------------------------------------------------------------- */

gboolean
af_store_outbox_is_empty (AfStore  *self,
                          gboolean *out_empty,
                          GError  **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "SELECT EXISTS (SELECT 1 FROM outbox)", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "reading the outbox");
      return FALSE;
    }
  *out_empty = sqlite3_column_int (stmt, 0) == 0;
  return TRUE;
}

gboolean
af_store_put_row (AfStore        *self,
                  AfTable         table,
                  const AfValue  *item,
                  AfRow          *row,
                  gboolean        outbox_empty,
                  GError        **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(AfValue) local = NULL;

  /* An empty outbox (the common case of a pull) spares a lookup per item. */
  if (!outbox_empty)
    {
      const char *id = af_item_get_s (item, af_table_key_name (table));

      pending = af_store_pending_for_item (self, table, id, error);
      if (pending == NULL)
        {
          g_free (row->text);
          g_free (row->search_text);
          return FALSE;
        }
    }
  if (pending == NULL || pending->len == 0)
    return write_row (self, table, row, NULL, error);
  g_clear_pointer (&row->search_text, g_free);   /* the local view's is written */

  /* The row holds the local view; the item's own text is kept as the remote copy. */
  local = af_store_reapply_pending (item, pending);
  return af_store_write_row (self, table, local, af_store_seal_text (self, table, local, NULL),
                             row->text,
                             error);
}

gboolean
af_store_put_new_row (AfStore      *self,
                      AfTable       table,
                      const AfRow  *row,
                      GError      **error)
{
  return write_row_borrowed (self, table, row, NULL, error);
}

gboolean
af_store_check_key (AfTable         table,
                    const AfValue  *item,
                    guint           index,
                    GError        **error)
{
  const char *key = af_table_key_name (table);

  if (af_value_get_kind (item) == AF_TYPE_M && af_item_get_s (item, key) != NULL)
    return TRUE;
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
               "item %u: no string attribute '%s', the key of %s", index, key,
               af_table_nick (table));
  return FALSE;
}

/* How a batch is committed. */
typedef struct
{
  gboolean    durable;      /* FALSE: what the cloud said, which a pull can fetch again */
  const char *state_key;    /* (nullable) a sync state set in the same transaction */
  const char *state_value;  /* (nullable) */
  GPtrArray  *deleted;      /* (nullable) (element-type utf8) ids to delete first */
} PutOptions;

/* A copy of what the cloud holds can always be fetched again, so its commit does not
 * wait for the disk (synchronous=NORMAL): a power loss may take back the last pages of
 * a pull, together with the watermarks written with them, and the next pull reads
 * them again; the cache is consistent either way (the WAL is replayed in order, and
 * any later durable commit — an edit — syncs what came before it). So a large pull
 * no longer waits for the disk at each page. Everything else, edits first, stays
 * synchronous=FULL. */
static gboolean
set_durable (AfStore   *self,
             gboolean   durable,
             GError   **error)
{
  return af_store_exec (self, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                        error);
}

/* Stores items[i] in tables[i] (or all in @table when @tables is NULL), all or nothing. */
static gboolean
put_items (AfStore          *self,
           AfTable           table,
           GPtrArray        *items,
           AfTable          *tables,
           const PutOptions *options,
           GError          **error)
{
  g_autoptr(AfSerializer) serializer = NULL;
  gboolean outbox_empty = FALSE;
  gboolean failed = FALSE;
  gboolean ok = FALSE;

  for (guint i = 0; i < items->len; i++)
    if (!af_store_check_key (tables != NULL ? tables[i] : table, g_ptr_array_index (items, i), i, error))
      return FALSE;
  if (!options->durable && !set_durable (self, FALSE, error))
    return FALSE;
  if (!af_store_begin_bulk (self, error))
    goto out;
  if (!af_store_outbox_is_empty (self, &outbox_empty, error))
    goto out;
  for (guint i = 0; options->deleted != NULL && i < options->deleted->len; i++)
    if (!af_store_delete_item (self, table, g_ptr_array_index (options->deleted, i), error))
      goto out;

  serializer = af_serializer_new (items, table, tables, self->key);
  for (guint i = 0; i < items->len && !failed; i++)
    {
      AfRow row;

      failed = i == items->len / 2 && af_store_injected (self, "during-put", error);
      if (failed)
        break;
      af_serializer_take (serializer, i, &row);
      failed = !af_store_put_row (self, tables != NULL ? tables[i] : table, g_ptr_array_index (items, i),
                         &row, outbox_empty, error);
    }
  ok = !failed
       && (options->state_key == NULL
           || af_store_set_state (self, options->state_key, options->state_value, error))
       && af_store_commit (self, error);

out:
  if (!ok)
    af_store_rollback (self);
  /* Back to the default even after a failure: an edit must never commit NORMAL. */
  if (!options->durable && !set_durable (self, TRUE, ok ? error : NULL))
    ok = FALSE;
  return ok;
}

gboolean
af_store_put_remote_items (AfStore    *self,
                           AfTable     table,
                           GPtrArray  *items,
                           GError    **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < AF_N_TABLES, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  return put_items (self, table, items, NULL, &(PutOptions) { .durable = FALSE }, error);
}

gboolean
af_store_put_remote_page (AfStore     *self,
                          AfTable      table,
                          GPtrArray   *items,
                          const char  *state_key,
                          const char  *state_value,
                          GError     **error)
{
  PutOptions options = { .durable = FALSE, .state_key = state_key, .state_value = state_value };

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < AF_N_TABLES, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  return put_items (self, table, items, NULL, &options, error);
}

gboolean
af_store_apply_remote_changes (AfStore     *self,
                               AfTable      table,
                               GPtrArray   *items,
                               GPtrArray   *deleted_ids,
                               const char  *state_key,
                               const char  *state_value,
                               GError     **error)
{
  PutOptions options = { .durable = FALSE, .state_key = state_key, .state_value = state_value,
                         .deleted = deleted_ids };

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < AF_N_TABLES, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  return put_items (self, table, items, NULL, &options, error);
}

/* Deleting an item that is not there is not an error: a retried forget-user or a
 * second notice of a remote deletion must succeed. Pending outbox entries are left
 * for the sync engine to report; nothing is discarded silently. */
gboolean
af_store_delete_item (AfStore     *self,
                      AfTable      table,
                      const char  *id,
                      GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < AF_N_TABLES, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  sql = g_strdup_printf ("DELETE FROM %s WHERE %s = ?", af_table_nick (table),
                         af_table_key_name (table));
  stmt = af_store_prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}

/* Retention: items whose ttl / auto_delete_date lies at or before @now_unix leave
 * the cache, in one transaction. Users have no expiry. */
gboolean
af_store_purge_expired (AfStore  *self,
                        gint64    now_unix,
                        guint    *out_removed,
                        GError  **error)
{
  guint removed = 0;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!af_store_begin (self, error))
    return FALSE;
  for (AfTable t = 0; t < AF_TABLE_USERS; t++)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE expires_at <= ?",
                                              af_table_nick (t));
      g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, now_unix);
      if (!af_store_step_done (self, stmt, error))
        goto failed;
      removed += sqlite3_changes (self->db);
    }
  if (!af_store_commit (self, error))
    goto failed;
  if (out_removed != NULL)
    *out_removed = removed;
  return TRUE;

failed:
  af_store_rollback (self);
  return FALSE;
}
