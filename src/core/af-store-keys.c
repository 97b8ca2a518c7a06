/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-keys.c — the items' keys: a unique index of their own (schema 7), and a bulk
 * import's own check of them while it defers that index.
 *
 * Up to schema 6 the four item tables were rowid tables with `key TEXT PRIMARY KEY`:
 * SQLite keeps such a key in an automatic index (sqlite_autoindex_<table>_1) that no
 * statement can drop, and every insert of a bulk import updated it at a random place
 * (the ids are UUIDs), about a third of the inserts' time. As a named unique index
 * (`<table>_key`) it is an index like the others, which a bulk import into an empty
 * table builds once, sorted, after the last file (af-store-indexes.c). ON CONFLICT
 * (key) works on a unique index as on a primary key: pulls and edits are unchanged.
 *
 * Migration 7 rebuilds each table the way SQLite documents for a change ALTER TABLE
 * cannot make (https://sqlite.org/lang_altertable.html#otheralter), in the migration's
 * transaction: the table made again from its own CREATE statement without the primary
 * key, the rows moved with their rowids (the search index, an external-content FTS5
 * table, addresses rows by rowid, and the queries break ties on it; move_rows ()), the
 * old table dropped, the new one renamed, then every index and trigger the old one had, from
 * their own CREATE statements, and the unique index. No table has a foreign key. A new
 * cache goes through it too (migration 1 is never edited), at no cost: its tables are
 * empty.
 * Measured on a cache of 500,000 items made by schema 6's CLI (1.6 GB): with the rows
 * copied in one statement, the migration 12.3 s, the whole open 17.4 s with its commit
 * and the checkpoint at the close (5.1 s of user CPU, 9.6 s of system) at load 1.2-1.4,
 * 22.7 s and 32.0 s at load 7.6-8.8; moved (move_rows ()), 13.1 s and 19.1 s (7.1 + 8.2
 * s of CPU) at load 4.4-5.3, the file 1.61 GB as before; 128 MB at the peak either way
 * (see migrate () in af-store.c).
 */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-store-private.h"
#include "af-store-test-private.h"

#define REBUILT_SUFFIX "_rekeyed"

char *
af_store_key_index_name (AfTable table)
{
  return g_strconcat (af_table_nick (table), "_key", NULL);
}

/* One text column of the rows @sql reads, with @name bound to its first parameter. */
static gboolean
read_texts (AfStore     *self,
            const char  *sql,
            const char  *name,
            GPtrArray   *out_texts,
            GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out_texts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "reading the cache's schema");
  return FALSE;
}

/* Replaces the one @from in @sql by @to; FALSE when it is not there exactly once. */
static gboolean
replace_once (GString    *sql,
              const char *from,
              const char *to)
{
  const char *found = strstr (sql->str, from);

  if (found == NULL || strstr (found + 1, from) != NULL)
    return FALSE;
  g_string_replace (sql, from, to, 1);
  return TRUE;
}

/* @table's CREATE TABLE as the cache holds it (every column ever added), made the
 * rebuilt table's: its key without PRIMARY KEY. */
static char *
rebuilt_table_sql (AfStore     *self,
                   AfTable      table,
                   GError     **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *head = g_strdup_printf ("CREATE TABLE %s (", af_table_nick (table));
  g_autofree char *new_head = g_strdup_printf ("CREATE TABLE %s" REBUILT_SUFFIX " (",
                                               af_table_nick (table));
  g_autofree char *key = g_strdup_printf (" %s TEXT PRIMARY KEY NOT NULL,",
                                          af_table_key_name (table));
  g_autofree char *new_key = g_strdup_printf (" %s TEXT NOT NULL,", af_table_key_name (table));
  g_autoptr(GString) sql = NULL;

  if (!read_texts (self, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?",
                   af_table_nick (table), texts, error))
    return NULL;
  sql = g_string_new (texts->len == 1 ? texts->pdata[0] : "");
  if (replace_once (sql, head, new_head) && replace_once (sql, key, new_key))
    return g_string_free (g_steal_pointer (&sql), FALSE);
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_CORRUPT,
               "%s: migrating the cache: the table %s is not as schema 6 made it",
               self->path, af_table_nick (table));
  return NULL;
}

/* The names of @table's columns, joined by commas. */
static char *
column_list (AfStore     *self,
             AfTable      table,
             GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!read_texts (self, "SELECT name FROM pragma_table_info (?) ORDER BY cid",
                   af_table_nick (table), names, error))
    return NULL;
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

/* Rows moved per step of a table's rebuild (move_rows ()). */
#define MOVE_STEP_ROWS 5000

static guint move_step_rows = MOVE_STEP_ROWS;

void
af_store_test_set_rekey_step (guint rows)
{
  g_return_if_fail (rows > 0);
  move_step_rows = rows;
}

/* The rowid up to which the next step moves, in @out_bound; FALSE on error, and
 * *out_done when @table is empty. */
static gboolean
next_bound (AfStore     *self,
            const char  *table,
            gint64      *out_bound,
            gboolean    *out_done,
            GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce ((SELECT rowid FROM %1$s ORDER BY rowid "
                                          "LIMIT 1 OFFSET ?), (SELECT max (rowid) FROM %1$s))",
                                          table);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, move_step_rows - 1);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "migrating the cache");
      return FALSE;
    }
  *out_done = sqlite3_column_type (stmt, 0) == SQLITE_NULL;
  *out_bound = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Runs @sql with @bound as its one parameter. */
static gboolean
exec_bounded (AfStore     *self,
              const char  *sql,
              gint64       bound,
              GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, bound);
  return af_store_step_done (self, stmt, error);
}

/* Moves the rows of @table into its rebuilt table, with their rowids, a step at a time:
 * each step's rows are deleted once copied, so that the pages they free take the next
 * steps' copies and the file grows by about one step. Copied in one statement and the
 * old table dropped, the rows' pages were all written anew and the old ones left free
 * in the file, which nothing gives back (VACUUM would renumber the rowids): a cache of
 * 256 MB (75,000 items) was 393 MB after the migration, 35 % of it free pages; one of
 * 1.61 GB (500,000 items) 2.70 GB, and stays 1.61 GB now (136 pages free), the
 * migration 23.4 s against 21.6 (load 7, once each). The old
 * table's indexes and triggers are dropped first: the deletes would otherwise update
 * its indexes for nothing, and its search triggers take the rows out of the search
 * index. */
static gboolean
move_rows (AfStore     *self,
           const char  *table,
           const char  *columns,
           GError     **error)
{
  g_autofree char *copy = g_strdup_printf ("INSERT INTO %1$s" REBUILT_SUFFIX " (rowid, %2$s) "
                                           "SELECT rowid, %2$s FROM %1$s WHERE rowid <= ?",
                                           table, columns);
  g_autofree char *delete = g_strdup_printf ("DELETE FROM %s WHERE rowid <= ?", table);

  for (;;)
    {
      gint64 bound;
      gboolean done;

      if (!next_bound (self, table, &bound, &done, error))
        return FALSE;
      if (done)
        return TRUE;
      if (!exec_bounded (self, copy, bound, error) || !exec_bounded (self, delete, bound, error))
        return FALSE;
    }
}

static gboolean
rebuild_table (AfStore  *self,
               AfTable   table,
               GError  **error)
{
  const char *name = af_table_nick (table);
  g_autoptr(GPtrArray) dependents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) drops = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *create = rebuilt_table_sql (self, table, error);
  g_autofree char *columns = create != NULL ? column_list (self, table, error) : NULL;
  g_autofree char *index = af_store_key_index_name (table);
  g_autofree char *swap = NULL;

  /* Its indexes (not the primary key's, which has no SQL) and its triggers. */
  if (columns == NULL
      || !read_texts (self, "SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN "
                            "('index', 'trigger') AND sql IS NOT NULL", name, dependents, error)
      || !read_texts (self, "SELECT printf ('DROP %s \"%w\"', type, name) FROM sqlite_schema "
                            "WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
                      name, drops, error))
    return FALSE;
  if (!af_store_exec_script (self, create, "migrating the cache", error))
    return FALSE;
  for (guint i = 0; i < drops->len; i++)
    if (!af_store_exec_script (self, drops->pdata[i], "migrating the cache", error))
      return FALSE;
  if (!move_rows (self, name, columns, error))
    return FALSE;
  swap = g_strdup_printf ("DROP TABLE %1$s;"
                          "ALTER TABLE %1$s" REBUILT_SUFFIX " RENAME TO %1$s;"
                          "CREATE UNIQUE INDEX %2$s ON %1$s (%3$s);",
                          name, index, af_table_key_name (table));
  if (!af_store_exec_script (self, swap, "migrating the cache", error))
    return FALSE;
  for (guint i = 0; i < dependents->len; i++)
    if (!af_store_exec_script (self, dependents->pdata[i], "migrating the cache", error))
      return FALSE;
  return TRUE;
}

gboolean
af_store_keys_migrate (AfStore  *self,
                       GError  **error)
{
  gint64 start = g_get_monotonic_time ();

  for (AfTable table = 0; table < AF_N_TABLES; table++)
    if (!rebuild_table (self, table, error))
      return FALSE;
  g_debug ("migration 7, the keys' unique indexes: %.3f s", (g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}

/* ---- A bulk import's keys -------------------------------------------------------------
 *
 * A bulk import into an empty table drops its key's unique index with the others
 * (af-store-indexes.c) and keeps the keys unique itself: a hash of the keys it wrote,
 * to the rowid of their row. A key seen before is an update of that row (its rowid
 * kept, as ON CONFLICT DO UPDATE keeps it), a new one a plain insert. The keys a
 * transaction added go out of the hash again when it rolls back, so that every
 * committed transaction holds each key once and the index can always be built again,
 * at the end or at the next open after a kill. Another process cannot add a row
 * meanwhile: its writes are upserts, which SQLite refuses (no unique index for their
 * ON CONFLICT; AF_STORE_ERROR_BUSY then, af_store_keys_explain_failure ()), and the row
 * a hit names is read back and its key compared before it is updated, so that a row
 * another process deleted is inserted again, not lost. */

/* The hashes keep rowids as their values. */
G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (gint64));

typedef struct
{
  AfTable     table;
  const char *key;   /* the hash's own */
} AddedKey;

struct _AfBulkKeys
{
  GHashTable   *rowids[AF_N_TABLES];  /* (owned) (nullable) key -> rowid; NULL: not kept */
  GStringChunk *keys;                 /* (owned) the hashes' keys */
  GArray       *added;                /* (element-type AddedKey) by the open transaction */
};

void
af_store_keys_track (AfStore *self,
                     AfTable  table)
{
  if (self->bulk_keys == NULL)
    {
      self->bulk_keys = g_new0 (AfBulkKeys, 1);
      self->bulk_keys->keys = g_string_chunk_new (1024 * 1024);
      self->bulk_keys->added = g_array_new (FALSE, FALSE, sizeof (AddedKey));
    }
  if (self->bulk_keys->rowids[table] == NULL)
    self->bulk_keys->rowids[table] = g_hash_table_new (g_str_hash, g_str_equal);
}

gboolean
af_store_keys_tracked (AfStore *self,
                       AfTable  table)
{
  return self->bulk_keys != NULL && self->bulk_keys->rowids[table] != NULL;
}

gboolean
af_store_keys_lookup (AfStore    *self,
                      AfTable     table,
                      const char *key,
                      gint64     *out_rowid)
{
  gpointer rowid = NULL;

  if (!g_hash_table_lookup_extended (self->bulk_keys->rowids[table], key, NULL, &rowid))
    return FALSE;
  *out_rowid = (gint64) GPOINTER_TO_SIZE (rowid);
  return TRUE;
}

void
af_store_keys_add (AfStore    *self,
                   AfTable     table,
                   const char *key,
                   gint64      rowid)
{
  AfBulkKeys *keys = self->bulk_keys;
  GHashTable *rowids = keys->rowids[table];
  gpointer kept = NULL;
  AddedKey added = { table, NULL };

  /* A key already there (its row deleted by another process) keeps its text. */
  if (!g_hash_table_lookup_extended (rowids, key, &kept, NULL))
    kept = g_string_chunk_insert (keys->keys, key);
  g_hash_table_insert (rowids, kept, GSIZE_TO_POINTER ((gsize) rowid));
  added.key = kept;
  g_array_append_val (keys->added, added);
}

void
af_store_keys_end_transaction (AfStore  *self,
                               gboolean  committed)
{
  AfBulkKeys *keys = self->bulk_keys;

  if (keys == NULL)
    return;
  for (guint i = 0; !committed && i < keys->added->len; i++)
    {
      AddedKey *added = &g_array_index (keys->added, AddedKey, i);

      g_hash_table_remove (keys->rowids[added->table], added->key);
    }
  g_array_set_size (keys->added, 0);
}

/* The key's index absent, an upsert has nothing to find a conflict with, and SQLite
 * refuses it ("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint"):
 * said in the words of what happens. */
void
af_store_keys_explain_failure (AfStore  *self,
                               AfTable   table,
                               GError  **error)
{
  g_autofree char *index = af_store_key_index_name (table);

  if (error == NULL || !g_error_matches (*error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE)
      || !af_store_indexes_deferred (self, index))
    return;
  g_clear_error (error);
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_BUSY,
               "%s: an import into its empty %s table is under way, which takes no other "
               "write until it ends; nothing was written", self->path, af_table_nick (table));
}

void
af_store_keys_stop (AfStore *self)
{
  AfBulkKeys *keys = g_steal_pointer (&self->bulk_keys);

  if (keys == NULL)
    return;
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    g_clear_pointer (&keys->rowids[table], g_hash_table_unref);
  g_string_chunk_free (keys->keys);
  g_array_unref (keys->added);
  g_free (keys);
}
