/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-retention"

#include <glib/gstdio.h>
#include <string.h>

#include "af-object-path.h"
#include "af-retention.h"
#include "af-store-private.h"
#include "af-store-sync.h"

char *
af_retention_default_objects_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "auditflow-desk", "objects", NULL);
}

/* Expired, and holding nothing the cloud has not got. */
static GPtrArray *
expired_ids (AfStore  *store,
             AfTable   table,
             gint64    now_unix,
             GError  **error)
{
  const char *nick = af_table_nick (table);
  const char *key = af_table_key_name (table);
  g_autofree char *sql = g_strdup_printf (
    "SELECT t.%s FROM %s t WHERE t.expires_at <= ?1 "
    "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.table_name = ?2 AND o.item_id = t.%s) "
    "AND NOT EXISTS (SELECT 1 FROM sync_conflicts c WHERE c.table_name = ?2 AND c.item_id = t.%s)",
    key, nick, key, key);
  g_autoptr(AfStmt) stmt = af_store_prepare (store, sql, error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, now_unix);
  sqlite3_bind_text (stmt, 2, nick, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (store, error, "finding expired items");
      return NULL;
    }
  g_ptr_array_add (ids, NULL);
  return g_steal_pointer (&ids);
}

/* AfPull's object state rows: "object/ID/ROLE" = "ok SHA256 ETAG" names a cached file;
 * "integrity EXPECTED ACTUAL" and "error MESSAGE" name none (the bytes were thrown
 * away), and their words are not to be trusted as hashes. */
static gboolean
collect_objects (AfStore     *store,
                 const char  *id,
                 GPtrArray   *sha256s,
                 GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, "SELECT value FROM sync_state "
                                                    "WHERE key >= ?1 AND key < ?1 || x'ff'", error);
  g_autofree char *prefix = g_strdup_printf ("object/%s/", id);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, 0);
      g_auto(GStrv) words = value != NULL ? g_strsplit (value, " ", 3) : NULL;

      if (words != NULL && g_strv_length (words) >= 2 && strcmp (words[0], "ok") == 0 &&
          af_sha256_hex_is_valid (words[1]))
        g_ptr_array_add (sha256s, g_strdup (words[1]));
    }
  return rc == SQLITE_DONE;
}

static gboolean
exec_with_id (AfStore     *store,
              const char  *sql,
              const char  *nick,
              const char  *id,
              GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (nick != NULL)
    sqlite3_bind_text (stmt, 2, nick, -1, SQLITE_STATIC);
  return af_store_step_done (store, stmt, error);
}

static gboolean
erase_one (AfStore     *store,
           AfTable      table,
           const char  *id,
           GPtrArray   *sha256s,
           GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE %s = ?1", af_table_nick (table),
                                          af_table_key_name (table));
  g_autofree char *prefix = g_strdup_printf ("object/%s/", id);
  const char *nick = af_table_nick (table);

  return collect_objects (store, id, sha256s, error)
         && exec_with_id (store, sql, NULL, id, error)
         && exec_with_id (store, "DELETE FROM outbox WHERE item_id = ?1 AND table_name = ?2",
                          nick, id, error)
         && exec_with_id (store, "DELETE FROM sync_conflicts WHERE item_id = ?1 AND table_name = ?2",
                          nick, id, error)
         && exec_with_id (store, "DELETE FROM sync_state WHERE key >= ?1 AND key < ?1 || x'ff'",
                          NULL, prefix, error);
}

static gboolean
still_named (AfStore    *store,
             const char *sha256)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, "SELECT 1 FROM sync_state WHERE key LIKE "
                                                    "'object/%' AND instr (value, ?) > 0", NULL);

  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* After the commit: a crash before leaves files no row names, never a row without its
 * file. */
static void
remove_files (AfStore    *store,
              const char *objects_dir,
              GPtrArray  *sha256s)
{
  g_autofree char *fallback = objects_dir == NULL ? af_retention_default_objects_dir () : NULL;

  for (guint i = 0; i < sha256s->len; i++)
    {
      const char *sha256 = g_ptr_array_index (sha256s, i);
      g_autofree char *path = NULL;

      if (still_named (store, sha256))
        continue;
      path = af_object_path (objects_dir != NULL ? objects_dir : fallback, sha256);
      if (path != NULL && g_unlink (path) == 0)
        g_debug ("removed the cached object %s", sha256);
    }
}

gboolean
af_retention_erase_items (AfStore             *store,
                          const char          *objects_dir,
                          AfTable              table,
                          const char * const  *ids,
                          GError             **error)
{
  g_autoptr(GPtrArray) sha256s = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (AF_IS_STORE (store), FALSE);

  if (!af_store_sync_prepare (store, error) || !af_store_begin (store, error))
    return FALSE;
  for (guint i = 0; ids[i] != NULL; i++)
    if (!erase_one (store, table, ids[i], sha256s, error))
      {
        af_store_rollback (store);
        return FALSE;
      }
  if (!af_store_commit (store, error))
    {
      af_store_rollback (store);
      return FALSE;
    }
  remove_files (store, objects_dir, sha256s);
  return TRUE;
}

gboolean
af_retention_run_by_table (AfStore     *store,
                           const char  *objects_dir,
                           gint64       now_unix,
                           guint        out_removed[AF_N_TABLES],
                           GError     **error)
{
  guint removed[AF_N_TABLES] = { 0 };

  g_return_val_if_fail (AF_IS_STORE (store), FALSE);

  if (!af_store_sync_prepare (store, error))
    return FALSE;
  for (AfTable t = 0; t < AF_TABLE_USERS; t++)
    {
      g_autoptr(GPtrArray) ids = expired_ids (store, t, now_unix, error);

      if (ids == NULL)
        return FALSE;
      if (ids->len > 1 && !af_retention_erase_items (store, objects_dir, t,
                                                     (const char * const *) ids->pdata, error))
        return FALSE;
      removed[t] = ids->len - 1;
    }
  if (out_removed != NULL)
    memcpy (out_removed, removed, sizeof removed);
  return TRUE;
}

gboolean
af_retention_run (AfStore     *store,
                  const char  *objects_dir,
                  gint64       now_unix,
                  guint       *out_removed,
                  GError     **error)
{
  guint removed[AF_N_TABLES] = { 0 };
  guint total = 0;

  if (!af_retention_run_by_table (store, objects_dir, now_unix, removed, error))
    return FALSE;
  for (guint t = 0; t < AF_N_TABLES; t++)
    total += removed[t];
  if (out_removed != NULL)
    *out_removed = total;
  return TRUE;
}
