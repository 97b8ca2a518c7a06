/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-keys.c — the items' keys: a unique index of their own (schema 7).
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
 * key, the rows copied with their rowids (the search index, an external-content FTS5
 * table, addresses rows by rowid, and the queries break ties on it), the old table
 * dropped, the new one renamed, then every index and trigger the old one had, from
 * their own CREATE statements, and the unique index. No table has a foreign key. A new
 * cache goes through it too (migration 1 is never edited), at no cost: its tables are
 * empty.
 */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-store-private.h"

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

static gboolean
rebuild_table (AfStore  *self,
               AfTable   table,
               GError  **error)
{
  const char *name = af_table_nick (table);
  g_autoptr(GPtrArray) dependents = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *create = rebuilt_table_sql (self, table, error);
  g_autofree char *columns = create != NULL ? column_list (self, table, error) : NULL;
  g_autofree char *index = af_store_key_index_name (table);
  g_autofree char *copy = NULL;

  /* Its indexes (not the primary key's, which has no SQL) and its triggers. */
  if (columns == NULL
      || !read_texts (self, "SELECT sql FROM sqlite_schema WHERE tbl_name = ? AND type IN "
                            "('index', 'trigger') AND sql IS NOT NULL", name, dependents, error))
    return FALSE;
  copy = g_strdup_printf ("%1$s;"
                          "INSERT INTO %2$s" REBUILT_SUFFIX " (rowid, %3$s) SELECT rowid, %3$s FROM %2$s;"
                          "DROP TABLE %2$s;"
                          "ALTER TABLE %2$s" REBUILT_SUFFIX " RENAME TO %2$s;"
                          "CREATE UNIQUE INDEX %4$s ON %2$s (%5$s);",
                          create, name, columns, index, af_table_key_name (table));
  if (!af_store_exec_script (self, copy, "migrating the cache", error))
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
