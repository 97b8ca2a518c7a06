/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store-sync"

#include "af-clock.h"
#include "af-codec.h"
#include "af-store-private.h"
#include "af-store-sync.h"

/* Kept out of AfStore's versioned migrations: these tables belong to the sync engine
 * and appear in any cache the first time it runs. */
static const char sync_schema[] =
  "CREATE TABLE IF NOT EXISTS sync_conflicts ("
  "  table_name TEXT NOT NULL,"
  "  item_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  op_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  attributes TEXT NOT NULL,"
  "  mine TEXT NOT NULL,"
  "  theirs TEXT NOT NULL,"
  "  base TEXT,"
  "  created_at TEXT NOT NULL,"
  "  PRIMARY KEY (table_name, item_id));"
  "CREATE TABLE IF NOT EXISTS sync_submissions ("
  "  request_id TEXT PRIMARY KEY NOT NULL,"
  "  file_name TEXT NOT NULL,"
  "  spool_path TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  size_bytes INTEGER NOT NULL,"
  "  content_type TEXT NOT NULL,"
  "  save INTEGER NOT NULL,"
  "  email TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  state TEXT NOT NULL,"
  "  user_id TEXT,"
  "  object_key TEXT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT);"
  "CREATE TABLE IF NOT EXISTS sync_forget ("
  "  user_id TEXT PRIMARY KEY NOT NULL,"
  "  state TEXT NOT NULL,"
  "  started_at TEXT NOT NULL);";

gboolean
af_store_sync_prepare (AfStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (self->sync_prepared)
    return TRUE;
  if (sqlite3_exec (self->db, sync_schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, "creating the sync tables");
      return FALSE;
    }
  self->sync_prepared = TRUE;
  return TRUE;
}

AfValue *
af_store_sync_item_key (AfStore     *self,
                        AfTable      table,
                        const char  *id,
                        GError     **error)
{
  g_autoptr(AfValue) item = af_store_get_item (self, table, id, error);
  AfValue *key;

  if (item == NULL)
    return NULL;
  key = af_table_item_key (table, item);
  if (key == NULL)
    g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                 "%s %s lacks part of its key (an analysis needs created_at, the sort key)",
                 af_table_nick (table), id);
  return key;
}

/* ---- Signatures for the refresh ----------------------------------------------------- */

/* One row per item: its members among @attributes, gathered by json_each (one parse of
 * the item's text), then opened like any cached text (personal values are sealed). */
static char *
signatures_sql (AfTable             table,
                const char * const *attributes)
{
  GString *sql = g_string_new (NULL);

  g_string_printf (sql, "SELECT json_group_object (j.key, json (j.value)) FROM %s AS t, "
                   "json_each (t.item) AS j WHERE j.key IN (", af_table_nick (table));
  for (guint i = 0; attributes[i] != NULL; i++)
    g_string_append (sql, i ? ", ?" : "?");
  g_string_append (sql, ") GROUP BY t.rowid");
  return g_string_free (sql, FALSE);
}

GPtrArray *
af_store_sync_signatures (AfStore             *self,
                          AfTable              table,
                          const char * const  *attributes,
                          GError             **error)
{
  g_autofree char *sql = signatures_sql (table, attributes);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; attributes[i] != NULL; i++)
    sqlite3_bind_text (stmt, i + 1, attributes[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfValue *item = af_store_open_text (self, (const char *) sqlite3_column_text (stmt, 0),
                                          sqlite3_column_bytes (stmt, 0), NULL, NULL);

      /* An unreadable item is left out, as af_store_query () leaves it out. */
      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading signatures");
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* ---- Rebasing an item on what the cloud holds ------------------------------------ */

static gboolean
rebase_in_transaction (AfStore        *self,
                       AfTable         table,
                       const char     *id,
                       const AfValue  *remote,
                       GError        **error)
{
  g_autoptr(GPtrArray) pending = af_store_pending_for_item (self, table, id, error);
  g_autoptr(AfValue) local = NULL;

  if (pending == NULL)
    return FALSE;
  local = af_store_reapply_pending (remote, pending);
  return af_store_write_row (self, table, local, af_store_seal_text (self, table, local, NULL),
                             pending->len > 0 ? af_store_seal_text (self, table, remote, NULL)
                                              : NULL,
                             error);
}

static gboolean
delete_by_seq (AfStore     *self,
               const char  *sql,
               gint64       seq,
               GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  return af_store_step_done (self, stmt, error);
}

gboolean
af_store_sync_rebase (AfStore        *self,
                      AfTable         table,
                      const char     *id,
                      const AfValue  *remote,
                      gint64          done_seq,
                      GError        **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote != NULL, FALSE);

  if (!af_store_begin (self, error))
    return FALSE;
  if ((done_seq <= 0 || delete_by_seq (self, "DELETE FROM outbox WHERE seq = ?", done_seq, error))
      && rebase_in_transaction (self, table, id, remote, error)
      && af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

void
af_push_done_free (AfPushDone *done)
{
  if (done == NULL)
    return;
  g_free (done->item_id);
  g_clear_pointer (&done->remote, af_value_unref);
  g_free (done);
}

/* Runs @step on each of @items in one transaction: all of them or none. */
static gboolean
each_in_transaction (AfStore    *self,
                     GPtrArray  *items,
                     gboolean  (*step) (AfStore *, gpointer, GError **),
                     GError    **error)
{
  if (items->len == 0)
    return TRUE;
  if (!af_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (!step (self, g_ptr_array_index (items, i), error))
      {
        af_store_rollback (self);
        return FALSE;
      }
  if (af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

/* One result of a batch, and whether it is its item's last there. */
typedef struct
{
  const AfPushDone *done;
  gboolean          newest;
} RebaseStep;

/* An item's results come in the order its entries went (one lane at a time), each on the
 * item the previous one left, so the last one holds them all. Its row is written once,
 * not once per entry: with five edits of an item in a batch, four rewrites (sealing, the
 * search index) were wasted. */
static GPtrArray *
rebase_steps (GPtrArray *done)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *steps = g_ptr_array_new_full (done->len, g_free);

  g_ptr_array_set_size (steps, done->len);
  for (guint i = done->len; i-- > 0;)
    {
      RebaseStep *step = g_new0 (RebaseStep, 1);
      g_autofree char *key = NULL;

      step->done = g_ptr_array_index (done, i);
      key = g_strdup_printf ("%d/%s", step->done->table, step->done->item_id);
      step->newest = !g_hash_table_contains (seen, key);
      if (step->newest)
        g_hash_table_add (seen, g_steal_pointer (&key));
      g_ptr_array_index (steps, i) = step;
    }
  return steps;
}

static gboolean
rebase_one (AfStore   *self,
            gpointer   item,
            GError   **error)
{
  const RebaseStep *step = item;
  const AfPushDone *one = step->done;

  return (one->done_seq <= 0
          || delete_by_seq (self, "DELETE FROM outbox WHERE seq = ?", one->done_seq, error))
         && (!step->newest
             || rebase_in_transaction (self, one->table, one->item_id, one->remote, error));
}

gboolean
af_store_sync_rebase_batch (AfStore    *self,
                            GPtrArray  *done,
                            GError    **error)
{
  g_autoptr(GPtrArray) steps = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  steps = rebase_steps (done);
  return each_in_transaction (self, steps, rebase_one, error);
}

static gboolean
mark_attempt (AfStore   *self,
              gpointer   item,
              GError   **error)
{
  AfOutboxEntry *entry = item;

  return af_store_outbox_mark_attempt (self, entry->seq, NULL, error);
}

gboolean
af_store_sync_mark_attempts (AfStore    *self,
                             GPtrArray  *entries,
                             GError    **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  return each_in_transaction (self, entries, mark_attempt, error);
}

gboolean
af_store_sync_set_entry_error (AfStore     *self,
                               gint64       seq,
                               const char  *message,
                               GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "UPDATE outbox SET last_error = ? WHERE seq = ?",
                                             error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, message, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  return af_store_step_done (self, stmt, error);
}

/* ---- Conflicts ---------------------------------------------------------------------- */

#define CONFLICT_COLUMNS \
  "table_name, item_id, seq, op_id, kind, attributes, mine, theirs, base, created_at"

void
af_conflict_free (AfConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->item_id);
  g_free (conflict->op_id);
  g_strfreev (conflict->attributes);
  g_clear_pointer (&conflict->mine, af_value_unref);
  g_clear_pointer (&conflict->theirs, af_value_unref);
  g_clear_pointer (&conflict->base, af_value_unref);
  g_free (conflict->created_at);
  g_free (conflict);
}

static const char *
column_text (AfStmt *stmt,
             int     column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static AfConflict *
conflict_from_row (AfStore  *self,
                   AfStmt   *stmt,
                   GError  **error)
{
  g_autoptr(AfConflict) conflict = g_new0 (AfConflict, 1);
  g_autofree char *ad = NULL;
  gboolean known_table = af_table_from_nick (column_text (stmt, 0), &conflict->table);

  conflict->item_id = g_strdup (column_text (stmt, 1));
  conflict->seq = sqlite3_column_int64 (stmt, 2);
  conflict->op_id = g_strdup (column_text (stmt, 3));
  conflict->attributes = g_strsplit (column_text (stmt, 5), " ", -1);
  ad = af_store_outbox_ad (conflict->table, conflict->item_id);
  conflict->mine = af_store_open_text (self, column_text (stmt, 6), -1, ad, NULL);
  conflict->theirs = af_store_open_text (self, column_text (stmt, 7), -1, NULL, NULL);
  if (column_text (stmt, 8) != NULL)
    conflict->base = af_store_open_text (self, column_text (stmt, 8), -1, NULL, NULL);
  conflict->created_at = g_strdup (column_text (stmt, 9));
  if (!known_table
      || !af_op_kind_from_string (column_text (stmt, 4), &conflict->kind)
      || conflict->mine == NULL || conflict->theirs == NULL)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_CORRUPT,
                   "%s: the conflict of %s is unreadable", self->path, conflict->item_id);
      return NULL;
    }
  return g_steal_pointer (&conflict);
}

static gboolean
insert_conflict (AfStore              *self,
                 const AfOutboxEntry  *entry,
                 const char * const   *attributes,
                 const AfValue        *base,
                 const AfValue        *theirs,
                 GError              **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "INSERT OR REPLACE INTO sync_conflicts ("
                                             CONFLICT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                             error);
  g_autofree char *names = g_strjoinv (" ", (char **) attributes);
  g_autofree char *now = af_clock_now_iso ();
  g_autofree char *ad = af_store_outbox_ad (entry->table, entry->item_id);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, af_table_nick (entry->table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, entry->item_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, entry->seq);
  sqlite3_bind_text (stmt, 4, entry->op_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, af_op_kind_to_string (entry->kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, names, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, af_store_seal_text (self, entry->table, entry->changes, ad), -1,
                     g_free);
  sqlite3_bind_text (stmt, 8, af_store_seal_text (self, entry->table, theirs, NULL), -1, g_free);
  if (base != NULL)
    sqlite3_bind_text (stmt, 9, af_store_seal_text (self, entry->table, base, NULL), -1, g_free);
  sqlite3_bind_text (stmt, 10, now, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}

gboolean
af_store_conflict_add (AfStore              *self,
                       const AfOutboxEntry  *entry,
                       const char * const   *attributes,
                       const AfValue        *base,
                       const AfValue        *theirs,
                       GError              **error)
{
  if (!af_store_sync_prepare (self, error) || !af_store_begin (self, error))
    return FALSE;
  if (insert_conflict (self, entry, attributes, base, theirs, error)
      && af_store_sync_set_entry_error (self, entry->seq, "conflict: waiting for the user", error)
      && rebase_in_transaction (self, entry->table, entry->item_id, theirs, error)
      && af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

gint64
af_store_conflict_count (AfStore  *self,
                         GError  **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  if (!af_store_sync_prepare (self, error))
    return -1;
  stmt = af_store_prepare (self, "SELECT count(*) FROM sync_conflicts", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "counting conflicts");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static GPtrArray *
conflicts_from_stmt (AfStore  *self,
                     AfStmt   *stmt,
                     GError  **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) af_conflict_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfConflict *conflict = conflict_from_row (self, stmt, error);

      if (conflict == NULL)
        return NULL;
      g_ptr_array_add (conflicts, conflict);
    }
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading conflicts");
      return NULL;
    }
  return g_steal_pointer (&conflicts);
}

GPtrArray *
af_store_conflict_list (AfStore  *self,
                        GError  **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  if (!af_store_sync_prepare (self, error))
    return NULL;
  stmt = af_store_prepare (self, "SELECT " CONFLICT_COLUMNS " FROM sync_conflicts "
                                 "ORDER BY created_at, seq", error);
  if (stmt == NULL)
    return NULL;
  return conflicts_from_stmt (self, stmt, error);
}

AfConflict *
af_store_conflict_get (AfStore     *self,
                       const char  *item_id,
                       GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  g_autoptr(GPtrArray) found = NULL;

  if (!af_store_sync_prepare (self, error))
    return NULL;
  stmt = af_store_prepare (self, "SELECT " CONFLICT_COLUMNS " FROM sync_conflicts "
                                 "WHERE item_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, item_id, -1, SQLITE_STATIC);
  found = conflicts_from_stmt (self, stmt, error);
  if (found == NULL || found->len == 0)
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

gboolean
af_store_conflict_is_open (AfStore     *self,
                           AfTable      table,
                           const char  *item_id,
                           GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  if (!af_store_sync_prepare (self, error))
    return FALSE;
  stmt = af_store_prepare (self, "SELECT 1 FROM sync_conflicts WHERE table_name = ? AND item_id = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, af_table_nick (table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* ---- Resolving ---------------------------------------------------------------------- */

static gboolean
delete_conflict (AfStore           *self,
                 const AfConflict  *conflict,
                 GError           **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "DELETE FROM sync_conflicts "
                                                   "WHERE table_name = ? AND item_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, af_table_nick (conflict->table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, conflict->item_id, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}

/* The merged text replaces ours in the entry; only text attributes can be edited. */
static gboolean
replace_changes (AfStore           *self,
                 const AfConflict  *conflict,
                 const char        *text,
                 GError           **error)
{
  g_autoptr(AfValue) changes = af_value_copy (conflict->mine);
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *ad = af_store_outbox_ad (conflict->table, conflict->item_id);

  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (changes, conflict->attributes[i]);

      if (value == NULL || af_value_get_kind (value) != AF_TYPE_S || text == NULL)
        {
          g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                       "'%s' is not a text: only mine or theirs can resolve it",
                       conflict->attributes[i]);
          return FALSE;
        }
      af_value_map_set (changes, conflict->attributes[i], af_value_new_s (text));
    }
  stmt = af_store_prepare (self, "UPDATE outbox SET changes = ?, last_error = NULL WHERE seq = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, af_store_seal_text (self, conflict->table, changes, ad), -1, g_free);
  sqlite3_bind_int64 (stmt, 2, conflict->seq);
  return af_store_step_done (self, stmt, error);
}

static gboolean
apply_resolution (AfStore           *self,
                  const AfConflict  *conflict,
                  AfResolution       resolution,
                  const char        *text,
                  GError           **error)
{
  g_autoptr(AfValue) remote = NULL;

  if (!delete_conflict (self, conflict, error))
    return FALSE;
  if (resolution == AF_RESOLVE_MINE)
    return af_store_sync_set_entry_error (self, conflict->seq, NULL, error);
  if (resolution == AF_RESOLVE_THEIRS
      && !delete_by_seq (self, "DELETE FROM outbox WHERE seq = ?", conflict->seq, error))
    return FALSE;
  if (resolution == AF_RESOLVE_EDIT && !replace_changes (self, conflict, text, error))
    return FALSE;
  remote = af_store_get_remote_item (self, conflict->table, conflict->item_id, NULL);
  if (remote == NULL)
    remote = af_value_ref (conflict->theirs);
  return rebase_in_transaction (self, conflict->table, conflict->item_id, remote, error);
}

gboolean
af_store_conflict_resolve (AfStore       *self,
                           const char    *item_id,
                           AfResolution   resolution,
                           const char    *text,
                           GError       **error)
{
  g_autoptr(AfConflict) conflict = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (item_id != NULL, FALSE);

  conflict = af_store_conflict_get (self, item_id, &local_error);
  if (conflict == NULL)
    {
      if (local_error == NULL)
        g_set_error (&local_error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND,
                     "%s has no conflict to resolve", item_id);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!af_store_begin (self, error))
    return FALSE;
  if (apply_resolution (self, conflict, resolution, text, error) && af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}
