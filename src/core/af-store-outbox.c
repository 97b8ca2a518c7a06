/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-clock.h"
#include "af-codec.h"
#include "af-store-private.h"

#define OUTBOX_COLUMNS \
  "seq, op_id, table_name, item_id, kind, changes, base_version, created_at, attempts, last_error"

static const char * const op_kinds[] = {
  [AF_OP_NOTE] = "note",
  [AF_OP_REVIEW] = "review",
  [AF_OP_CORRECTION] = "correction",
  [AF_OP_APPRAISAL_NOTE] = "appraisal-note",
  [AF_OP_VERDICT] = "verdict",
  [AF_OP_APPRAISAL_FINDINGS] = "appraisal-findings",
};

const char *
af_op_kind_to_string (AfOpKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (op_kinds), NULL);
  return op_kinds[kind];
}

gboolean
af_op_kind_from_string (const char *text,
                        AfOpKind   *out_kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_kinds); i++)
    {
      if (g_strcmp0 (text, op_kinds[i]) == 0)
        {
          *out_kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

void
af_outbox_entry_free (AfOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->op_id);
  g_free (entry->item_id);
  g_clear_pointer (&entry->changes, af_value_unref);
  g_free (entry->created_at);
  g_free (entry->last_error);
  g_free (entry);
}

gint
af_outbox_applied_through (GPtrArray     *entries,
                           guint          from,
                           const AfValue *item)
{
  const char *last_op_id = af_item_get_s (item, "last_op_id");

  for (guint i = from; last_op_id != NULL && i < entries->len; i++)
    if (g_strcmp0 (((AfOutboxEntry *) entries->pdata[i])->op_id, last_op_id) == 0)
      return i;
  return -1;
}

static char *
column_dup (AfStmt *stmt,
            int     column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* A row that does not parse was not written by us: it is reported, not skipped, so
 * that an edit is never dropped without anyone knowing. */
static AfOutboxEntry *
entry_from_row (AfStore  *self,
                AfStmt   *stmt,
                GError  **error)
{
  g_autoptr(AfOutboxEntry) entry = g_new0 (AfOutboxEntry, 1);
  const char *changes = (const char *) sqlite3_column_text (stmt, 5);
  g_autoptr(GError) local_error = NULL;

  entry->seq = sqlite3_column_int64 (stmt, 0);
  entry->op_id = column_dup (stmt, 1);
  entry->item_id = column_dup (stmt, 3);
  entry->base_version = sqlite3_column_int64 (stmt, 6);
  entry->created_at = column_dup (stmt, 7);
  entry->attempts = sqlite3_column_int (stmt, 8);
  entry->last_error = column_dup (stmt, 9);
  if (af_table_from_nick ((const char *) sqlite3_column_text (stmt, 2), &entry->table))
    {
      g_autofree char *ad = af_store_outbox_ad (entry->table, entry->item_id);

      entry->changes = af_store_open_text (self, changes, -1, ad, &local_error);
      entry->integrity_failed = entry->changes != NULL
                                && !af_store_check_integrity (entry->changes, NULL);
    }

  if (entry->changes == NULL
      || !af_op_kind_from_string ((const char *) sqlite3_column_text (stmt, 4), &entry->kind))
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_CORRUPT,
                   "%s: outbox entry %" G_GINT64_FORMAT " is unreadable%s%s", self->path,
                   entry->seq, local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }
  return g_steal_pointer (&entry);
}

static GPtrArray *
entries_from_stmt (AfStore  *self,
                   AfStmt   *stmt,
                   GError  **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) af_outbox_entry_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AfOutboxEntry *entry = entry_from_row (self, stmt, error);

      if (entry == NULL)
        return NULL;
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading the outbox");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
af_store_outbox_list (AfStore  *self,
                      GError  **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);

  stmt = af_store_prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  return entries_from_stmt (self, stmt, error);
}

GPtrArray *
af_store_pending_for_item (AfStore     *self,
                           AfTable      table,
                           const char  *item_id,
                           GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  stmt = af_store_prepare (self, "SELECT " OUTBOX_COLUMNS " FROM outbox "
                                 "WHERE table_name = ? AND item_id = ? ORDER BY seq", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, af_table_nick (table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_STATIC);
  return entries_from_stmt (self, stmt, error);
}

gint64
af_store_outbox_length (AfStore  *self,
                        GError  **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), -1);

  stmt = af_store_prepare (self, "SELECT count(*) FROM outbox", error);
  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "counting the outbox");
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
af_store_outbox_remove (AfStore  *self,
                        gint64    seq,
                        GError  **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  stmt = af_store_prepare (self, "DELETE FROM outbox WHERE seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, seq);
  return af_store_step_done (self, stmt, error);
}

gboolean
af_store_outbox_mark_attempt (AfStore     *self,
                              gint64       seq,
                              const char  *last_error,
                              GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  stmt = af_store_prepare (self, "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
                                 "WHERE seq = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, last_error, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  return af_store_step_done (self, stmt, error);
}

/* ---- Adding entries (inside the caller's transaction) ------------------------------ */

/* Edits that replace one attribute as a whole: an untried one is folded into. */
static gboolean
is_note (AfOpKind kind)
{
  return kind == AF_OP_NOTE || kind == AF_OP_APPRAISAL_NOTE || kind == AF_OP_APPRAISAL_FINDINGS;
}

/* The seq of the item's newest entry when it is an untried note of @kind, else 0. */
static gint64
foldable_entry (AfStore     *self,
                AfTable      table,
                const char  *item_id,
                AfOpKind     kind,
                GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  gint64 seq = 0;

  if (!is_note (kind))
    return 0;
  stmt = af_store_prepare (self, "SELECT seq, kind, attempts FROM outbox "
                                 "WHERE table_name = ? AND item_id = ? "
                                 "ORDER BY seq DESC LIMIT 1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, af_table_nick (table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, item_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW
      && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), af_op_kind_to_string (kind)) == 0
      && sqlite3_column_int (stmt, 2) == 0)
    seq = sqlite3_column_int64 (stmt, 0);
  return seq;
}

static gboolean
fold_into (AfStore  *self,
           gint64    seq,
           char     *changes_text,
           char     *now,
           GError  **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "UPDATE outbox SET changes = ?, created_at = ? "
                                                   "WHERE seq = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, changes_text, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, seq);
  return af_store_step_done (self, stmt, error);
}

static gboolean
insert_entry (AfStore     *self,
              AfTable      table,
              const char  *item_id,
              AfOpKind     kind,
              const char  *changes_text,
              gint64       base_version,
              const char  *now,
              GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  g_autofree char *op_id = g_uuid_string_random ();

  stmt = af_store_prepare (self, "INSERT INTO outbox (op_id, table_name, item_id, kind, changes, "
                                 "base_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, op_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, af_table_nick (table), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, item_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, af_op_kind_to_string (kind), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, changes_text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, base_version);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}

gboolean
af_store_outbox_add (AfStore        *self,
                     AfTable         table,
                     const char     *item_id,
                     AfOpKind        kind,
                     const AfValue  *changes,
                     gint64          base_version,
                     GError        **error)
{
  g_autofree char *ad = af_store_outbox_ad (table, item_id);
  g_autofree char *changes_text = af_store_seal_text (self, table, changes, ad);
  g_autofree char *now = af_clock_now_iso ();
  gint64 seq = foldable_entry (self, table, item_id, kind, error);

  if (seq < 0)
    return FALSE;
  if (seq > 0)
    return fold_into (self, seq, changes_text, now, error);
  return insert_entry (self, table, item_id, kind, changes_text, base_version, now, error);
}

/* ---- Re-applying entries ------------------------------------------------------------ */

static void
append_corrections (AfValue       *item,
                    const AfValue *added)
{
  AfValue *list = af_value_map_get (item, "corrections");

  if (list == NULL || af_value_get_kind (list) != AF_TYPE_L)
    {
      list = af_value_new_list (AF_TYPE_L);
      af_value_map_set (item, "corrections", list);
    }
  for (guint i = 0; i < af_value_list_length (added); i++)
    af_value_list_append (list, af_value_copy (af_value_list_nth (added, i)));
}

void
af_store_apply_changes (AfValue        *item,
                        AfOpKind        kind,
                        const AfValue  *changes)
{
  for (guint i = 0; i < af_value_map_size (changes); i++)
    {
      const char *name = af_value_map_name_at (changes, i);
      AfValue *value = af_value_map_value_at (changes, i);

      if (kind == AF_OP_CORRECTION && g_str_equal (name, "corrections")
          && af_value_get_kind (value) == AF_TYPE_L)
        append_corrections (item, value);
      else
        af_value_map_set (item, name, af_value_copy (value));
    }
}

AfValue *
af_store_reapply_pending (const AfValue *remote,
                          GPtrArray     *pending)
{
  AfValue *local = af_value_copy (remote);

  for (guint i = af_outbox_applied_through (pending, 0, remote) + 1; i < pending->len; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (pending, i);

      af_store_apply_changes (local, entry->kind, entry->changes);
    }
  return local;
}
