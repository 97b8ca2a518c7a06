/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-objects.h"
#include "af-store-private.h"

/*
 * Encrypting a cache that an older version wrote in clear (schema 1). The schema
 * migration records the work as due (crypto/migration) in its own transaction; this
 * does it, then removes the mark:
 *
 * 1. every row's personal values sealed, a batch of rows per transaction (sealing is
 *    idempotent: a sealed value stays as it is, so a run cut anywhere — kill -9 —
 *    simply starts again and finds less to do; nothing is ever half-written);
 * 2. the cached objects sealed in place (af_objects_seal_all(), also resumable);
 * 3. VACUUM, so that no free page keeps an old plaintext, and the WAL truncated to
 *    nothing, since its frames may hold pages from before;
 * 4. the mark removed.
 */

#define BATCH_ROWS 256

typedef struct
{
  const char *table;        /* SQL table */
  const char *key_column;   /* the row's key */
  const char *columns[3];   /* the texts to seal */
} Target;

static const Target targets[] = {
  { "documents", "rowid", { "item", "remote", NULL } },
  { "audits", "rowid", { "item", "remote", NULL } },
  { "analyses", "rowid", { "item", "remote", NULL } },
  { "users", "rowid", { "item", "remote", NULL } },
  { "outbox", "rowid", { "changes", NULL } },
  { "sync_conflicts", "rowid", { "mine", "theirs", "base" } },
};

static gboolean
table_exists (AfStore    *self,
              const char *table)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "SELECT 1 FROM sqlite_master "
                                                   "WHERE type = 'table' AND name = ?", NULL);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* Where a text of @target's row is bound: items by their key, outbox entries and a
 * conflict's own changes as the outbox binds them. */
static char *
text_ad (const Target  *target,
         const char    *column,
         AfStmt        *stmt)
{
  const char *nick = (const char *) sqlite3_column_text (stmt, 1);
  const char *item_id = (const char *) sqlite3_column_text (stmt, 2);
  AfTable table;

  if (g_strcmp0 (column, "changes") == 0 || g_strcmp0 (column, "mine") == 0)
    {
      if (nick == NULL || item_id == NULL || !af_table_from_nick (nick, &table))
        return NULL;
      return af_store_outbox_ad (table, item_id);
    }
  return NULL;   /* an item: af_store_item_ad() of its own keys */
}

/* The table of a row's texts, for the rule of what is personal. */
static AfTable
text_table (const Target *target,
            AfStmt       *stmt,
            const AfValue *value)
{
  const char *nick = (const char *) sqlite3_column_text (stmt, 1);
  AfTable table = AF_TABLE_DOCUMENTS;

  if (nick != NULL && af_table_from_nick (nick, &table))
    return table;
  if (af_table_from_nick (target->table, &table) || af_table_guess_for_item (value, &table))
    return table;
  return AF_TABLE_USERS;   /* nothing personal in it: left as it is */
}

static gboolean
update_text (AfStore      *self,
             const Target *target,
             const char   *column,
             gint64        rowid,
             char         *text,
             GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET %s = ? WHERE rowid = ?", target->table,
                                          column);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    {
      g_free (text);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, text, -1, g_free);
  sqlite3_bind_int64 (stmt, 2, rowid);
  return af_store_step_done (self, stmt, error);
}

/* Seals the texts of one row; @stmt is on it (rowid, table nick, item id, texts…). */
static gboolean
seal_row (AfStore      *self,
          const Target *target,
          AfStmt       *stmt,
          GError      **error)
{
  gint64 rowid = sqlite3_column_int64 (stmt, 0);

  for (guint c = 0; c < G_N_ELEMENTS (target->columns) && target->columns[c] != NULL; c++)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 3 + c);
      g_autofree char *ad = NULL;
      g_autoptr(AfValue) value = NULL;
      char *sealed;

      if (text == NULL)
        continue;
      ad = text_ad (target, target->columns[c], stmt);
      value = af_store_open_text (self, text, -1, ad, error);
      if (value == NULL)
        return FALSE;
      sealed = af_store_seal_text (self, text_table (target, stmt, value), value, ad);
      if (g_strcmp0 (sealed, text) == 0)
        {
          g_free (sealed);
          continue;
        }
      if (!update_text (self, target, target->columns[c], rowid, sealed, error))
        return FALSE;
    }
  return TRUE;
}

static char *
select_sql (const Target *target)
{
  gboolean by_entry = g_str_equal (target->table, "outbox")
                      || g_str_equal (target->table, "sync_conflicts");
  GString *sql = g_string_new ("SELECT rowid, ");

  g_string_append (sql, by_entry ? "table_name, item_id" : "NULL, NULL");
  for (guint c = 0; c < G_N_ELEMENTS (target->columns) && target->columns[c] != NULL; c++)
    g_string_append_printf (sql, ", %s", target->columns[c]);
  g_string_append_printf (sql, " FROM %s WHERE rowid > ? ORDER BY rowid LIMIT %d", target->table,
                          BATCH_ROWS);
  return g_string_free (sql, FALSE);
}

/* One batch in one transaction; *@last is the rowid reached, -1 once the table is done. */
static gboolean
seal_batch (AfStore      *self,
            const Target *target,
            gint64       *last,
            GError      **error)
{
  g_autofree char *sql = select_sql (target);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  sqlite3_stmt *stmt = NULL;
  guint n = 0;
  int rc;

  /* Not the statement cache: the updates below use it while this one is stepped. */
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, "encrypting the cache");
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, *last);
  if (!af_store_begin (self, error))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *last = sqlite3_column_int64 (stmt, 0);
      n++;
      if (!seal_row (self, target, stmt, error))
        break;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE || !af_store_commit (self, error))
    {
      if (rc != SQLITE_DONE && rc != SQLITE_ROW && error != NULL && *error == NULL)
        af_store_set_sqlite_error (self, error, "encrypting the cache");
      af_store_rollback (self);
      return FALSE;
    }
  /* Progress without content (a table's name, a row number): tests kill the process
   * at these points. */
  g_debug ("migration: rows of %s sealed up to %" G_GINT64_FORMAT, target->table, *last);
  if (n < BATCH_ROWS)
    *last = -1;
  return TRUE;
}

static gboolean
seal_rows (AfStore  *self,
           GError  **error)
{
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    {
      gint64 last = 0;

      if (!table_exists (self, targets[t].table))
        continue;
      while (last >= 0)
        if (!seal_batch (self, &targets[t], &last, error))
          return FALSE;
    }
  return TRUE;
}

static gboolean
migration_due (AfStore  *self,
               gboolean *out_due,
               GError  **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "SELECT 1 FROM crypto WHERE name = 'migration'",
                                             error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading the encryption state");
      return FALSE;
    }
  *out_due = rc == SQLITE_ROW;
  return TRUE;
}

/* VACUUM rewrites the file from the live rows only; the WAL, which may still hold
 * pages of before, is then emptied and cut to nothing. */
static gboolean
compact (AfStore  *self,
         GError  **error)
{
  g_debug ("migration: compacting");
  if (sqlite3_exec (self->db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (self->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, "compacting the encrypted cache");
      return FALSE;
    }
  g_debug ("migration: compacted");
  /* VACUUM may renumber the rows of a table without an INTEGER PRIMARY KEY, which
   * the search index addresses its rows by. */
  if (!af_store_begin (self, error))
    return FALSE;
  if (af_store_search_rebuild (self, error) && af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

gboolean
af_store_finish_migration (AfStore  *self,
                           GError  **error)
{
  g_autofree char *objects_dir = NULL;
  gboolean due = FALSE;
  guint sealed = 0;

  if (!migration_due (self, &due, error))
    return FALSE;
  if (!due || self->key == NULL)
    return TRUE;

  g_debug ("%s: encrypting the personal data of a cache from schema 1", self->path);
  /* The objects an older version downloaded are in its one default place. */
  objects_dir = af_objects_default_dir ();
  if (!seal_rows (self, error)
      || !af_objects_seal_all (self->key, objects_dir, &sealed, error)
      || !compact (self, error))
    return FALSE;
  g_debug ("%s: %u cached objects encrypted", self->path, sealed);
  if (!af_store_exec (self, "DELETE FROM crypto WHERE name = 'migration'", error))
    return FALSE;
  g_debug ("migration: done");
  return TRUE;
}
