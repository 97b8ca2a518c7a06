/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-clock.h"
#include "af-codec.h"
#include "af-store-private.h"

/* Builds an edit's changes (an M of the attributes it sets) from the current item. */
typedef AfValue *(*ChangesFunc) (AfStore        *self,
                                 const AfValue  *item,
                                 gconstpointer   data,
                                 GError        **error);

typedef struct
{
  char    *item_text;    /* (owned) */
  char    *remote_text;  /* (owned) (nullable): NULL when equal to item_text */
  AfValue *item;         /* (owned) */
} Row;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->item_text, g_free);
  g_clear_pointer (&row->remote_text, g_free);
  g_clear_pointer (&row->item, af_value_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static gboolean
load_row (AfStore     *self,
          AfTable      table,
          const char  *id,
          Row         *row,
          GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT item, remote FROM %s WHERE %s = ?",
                                          af_table_nick (table), af_table_key_name (table));
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND, "no %s item with id %s",
                   af_table_nick (table), id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "reading an item");
      return FALSE;
    }
  row->item_text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->remote_text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->item = af_store_open_text (self, row->item_text, -1, NULL, error);
  /* An item whose sealed values failed is never edited: the edit would build on "***". */
  return row->item != NULL && af_store_check_integrity (row->item, error);
}

/* The remote `version` the edit was made against (absent means 0), the base of the
 * push's condition. The local item's is the remote's: edits never set `version`. */
static gint64
base_version (const AfValue *item)
{
  const char *version = af_item_get_n (item, "version");
  gint64 number = 0;

  /* Out of range or not an integer: 0, whose condition then fails as a conflict. */
  if (version != NULL)
    af_number_to_int64 (version, 0, AF_NUMBER_INT_MAX, &number);
  return number;
}

static gboolean
edit_in_transaction (AfStore      *self,
                     AfTable       table,
                     const char   *id,
                     AfOpKind      kind,
                     ChangesFunc   build,
                     gconstpointer data,
                     GError      **error)
{
  g_auto(Row) row = { NULL };
  g_autoptr(AfValue) changes = NULL;
  g_autoptr(AfValue) edited = NULL;
  char *remote_text;

  if (!load_row (self, table, id, &row, error))
    return FALSE;
  changes = build (self, row.item, data, error);
  if (changes == NULL)
    return FALSE;

  edited = af_value_copy (row.item);
  af_store_apply_changes (edited, kind, changes);
  /* The first pending edit turns the row's single copy into the remote base. */
  remote_text = row.remote_text != NULL ? g_steal_pointer (&row.remote_text)
                                        : g_steal_pointer (&row.item_text);
  if (!af_store_write_row (self, table, edited, af_store_seal_text (self, table, edited, NULL),
                           remote_text,
                           error))
    return FALSE;
  if (af_store_injected (self, "after-item-update", error))
    return FALSE;
  return af_store_outbox_add (self, table, id, kind, changes, base_version (row.item), error);
}

static gboolean
edit (AfStore      *self,
      AfTable       table,
      const char   *id,
      AfOpKind      kind,
      ChangesFunc   build,
      gconstpointer data,
      GError      **error)
{
  if (!af_store_begin (self, error))
    return FALSE;
  if (edit_in_transaction (self, table, id, kind, build, data, error)
      && af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

static gboolean
require_identity (AfStore  *self,
                  GError  **error)
{
  if (self->identity != NULL)
    return TRUE;
  g_set_error_literal (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY,
                       "no reviewer identity: set your e-mail in Preferences or pass --user");
  return FALSE;
}

/* ---- The changes of each kind ------------------------------------------------------ */

static AfValue *
note_changes (AfStore        *self,
              const AfValue  *item,
              gconstpointer   data,
              GError        **error)
{
  AfValue *changes = af_value_new_map ();

  af_value_map_set (changes, "review_notes", af_value_new_s (data));
  return changes;
}

/* reviewed_by and review_timestamp, plus whatever @data (an M) adds. */
static AfValue *
review_changes (AfStore        *self,
                const AfValue  *item,
                gconstpointer   data,
                GError        **error)
{
  AfValue *changes = data != NULL ? af_value_copy (data) : af_value_new_map ();
  g_autofree char *now = af_clock_now_iso ();

  af_value_map_set (changes, "reviewed_by", af_value_new_s (self->identity));
  af_value_map_set (changes, "review_timestamp", af_value_new_s (now));
  return changes;
}

typedef struct
{
  const char *field;
  const char *value;
  const char *note;
} Correction;

static const char *
extracted_value (const AfValue *item,
                 const char    *field)
{
  AfValue *extracted = af_value_map_get (item, "extracted_data");
  AfValue *entry;

  if (extracted == NULL || af_value_get_kind (extracted) != AF_TYPE_M)
    return NULL;
  entry = af_value_map_get (extracted, field);
  if (entry == NULL || af_value_get_kind (entry) != AF_TYPE_M)
    return NULL;
  return af_item_get_s (entry, "value");
}

static AfValue *
correction_changes (AfStore        *self,
                    const AfValue  *item,
                    gconstpointer   data,
                    GError        **error)
{
  const Correction *correction = data;
  const char *original = extracted_value (item, correction->field);
  g_autofree char *now = af_clock_now_iso ();
  AfValue *entry, *list, *changes;

  if (original == NULL)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                   "document %s has no extracted field '%s'",
                   af_item_get_s (item, "document_id"), correction->field);
      return NULL;
    }
  entry = af_value_new_map ();
  af_value_map_set (entry, "field", af_value_new_s (correction->field));
  af_value_map_set (entry, "original_value", af_value_new_s (original));
  /* A confirmation (no value) gives the extracted value back: same shape, same push. */
  af_value_map_set (entry, "corrected_value",
                    af_value_new_s (correction->value != NULL ? correction->value : original));
  af_value_map_set (entry, "corrected_by", af_value_new_s (self->identity));
  af_value_map_set (entry, "corrected_at", af_value_new_s (now));
  if (correction->note != NULL)
    af_value_map_set (entry, "note", af_value_new_s (correction->note));

  list = af_value_new_list (AF_TYPE_L);
  af_value_list_append (list, entry);
  changes = af_value_new_map ();
  af_value_map_set (changes, "corrections", list);
  return changes;
}

/* ---- The edits ------------------------------------------------------------------- */

gboolean
af_store_set_review_notes (AfStore     *self,
                           const char  *audit_record_id,
                           const char  *text,
                           GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (audit_record_id != NULL && text != NULL, FALSE);

  return edit (self, AF_TABLE_AUDITS, audit_record_id, AF_OP_NOTE, note_changes, text, error);
}

gboolean
af_store_mark_reviewed (AfStore     *self,
                        const char  *audit_record_id,
                        GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (audit_record_id != NULL, FALSE);

  if (!require_identity (self, error))
    return FALSE;
  return edit (self, AF_TABLE_AUDITS, audit_record_id, AF_OP_REVIEW, review_changes, NULL, error);
}

gboolean
af_store_add_correction (AfStore     *self,
                         const char  *document_id,
                         const char  *field,
                         const char  *value,
                         const char  *note,
                         GError     **error)
{
  Correction correction = { field, value, note };

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (document_id != NULL && field != NULL && value != NULL, FALSE);

  if (!require_identity (self, error))
    return FALSE;
  return edit (self, AF_TABLE_DOCUMENTS, document_id, AF_OP_CORRECTION, correction_changes,
               &correction, error);
}

gboolean
af_store_confirm_field (AfStore     *self,
                        const char  *document_id,
                        const char  *field,
                        GError     **error)
{
  Correction confirmation = { field, NULL, NULL };

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (document_id != NULL && field != NULL, FALSE);

  if (!require_identity (self, error))
    return FALSE;
  return edit (self, AF_TABLE_DOCUMENTS, document_id, AF_OP_CORRECTION, correction_changes,
               &confirmation, error);
}

gboolean
af_store_set_appraisal_note (AfStore     *self,
                             const char  *request_id,
                             const char  *text,
                             GError     **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (request_id != NULL && text != NULL, FALSE);

  return edit (self, AF_TABLE_ANALYSES, request_id, AF_OP_APPRAISAL_NOTE, note_changes, text,
               error);
}

static gboolean
verdict_is_valid (const char *verdict)
{
  return g_strcmp0 (verdict, "AUTHENTIC") == 0
         || g_strcmp0 (verdict, "SUSPICIOUS") == 0
         || g_strcmp0 (verdict, "LIKELY_FORGED") == 0;
}

gboolean
af_store_set_verdict (AfStore     *self,
                      const char  *request_id,
                      const char  *verdict,
                      GError     **error)
{
  g_autoptr(AfValue) extra = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (request_id != NULL, FALSE);

  if (!verdict_is_valid (verdict))
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                   "'%s' is not a verdict: use AUTHENTIC, SUSPICIOUS or LIKELY_FORGED",
                   verdict != NULL ? verdict : "");
      return FALSE;
    }
  if (!require_identity (self, error))
    return FALSE;
  extra = af_value_new_map ();
  af_value_map_set (extra, "reviewer_verdict", af_value_new_s (verdict));
  return edit (self, AF_TABLE_ANALYSES, request_id, AF_OP_VERDICT, review_changes, extra, error);
}

/* ---- The appraiser's marks on the local forensic findings ---------------------- */

typedef struct
{
  const char *kind;
  const int  *region;   /* (nullable) x, y, width, height */
  const char *status;
  const char *comment;
} FindingMark;

static gboolean
status_is_valid (const char *status)
{
  return g_strcmp0 (status, "OK") == 0 || g_strcmp0 (status, "CHECK") == 0
         || g_strcmp0 (status, "WARNING") == 0;
}

static AfValue *
region_value (const int *region)
{
  AfValue *list = af_value_new_list (AF_TYPE_L);

  for (int i = 0; i < 4; i++)
    af_value_list_append (list, af_value_new_n_int (region[i]));
  return list;
}

static gboolean
same_region (const AfValue *region,
             const int     *mark)
{
  g_autoptr(AfValue) wanted = NULL;

  if (region == NULL || mark == NULL)
    return region == NULL && mark == NULL;
  wanted = region_value (mark);
  return af_value_equal (region, wanted);
}

/* The item's marks with @mark's finding signed again (replaced, or added at the end).
 * Two findings of one kind are told apart by their region (two copy-move pairs). */
static AfValue *
findings_changes (AfStore        *self,
                  const AfValue  *item,
                  gconstpointer   data)
{
  const FindingMark *mark = data;
  AfValue *current = af_value_map_get (item, "appraisal_findings");
  AfValue *list = af_value_new_list (AF_TYPE_L);
  g_autofree char *now = af_clock_now_iso ();
  AfValue *entry = af_value_new_map ();
  AfValue *changes = af_value_new_map ();

  af_value_map_set (entry, "kind", af_value_new_s (mark->kind));
  af_value_map_set (entry, "status", af_value_new_s (mark->status));
  af_value_map_set (entry, "comment", af_value_new_s (mark->comment));
  af_value_map_set (entry, "marked_by", af_value_new_s (self->identity));
  af_value_map_set (entry, "marked_at", af_value_new_s (now));
  if (mark->region != NULL)
    af_value_map_set (entry, "region", region_value (mark->region));

  for (guint i = 0; current != NULL && af_value_get_kind (current) == AF_TYPE_L
                    && i < af_value_list_length (current); i++)
    {
      const AfValue *old = af_value_list_nth (current, i);

      if (af_value_get_kind (old) == AF_TYPE_M
          && g_strcmp0 (af_item_get_s (old, "kind"), mark->kind) == 0
          && same_region (af_value_map_get (old, "region"), mark->region))
        continue;
      af_value_list_append (list, af_value_copy (old));
    }
  af_value_list_append (list, entry);
  af_value_map_set (changes, "appraisal_findings", list);
  return changes;
}

static AfValue *
findings_changes_cb (AfStore        *self,
                     const AfValue  *item,
                     gconstpointer   data,
                     GError        **error)
{
  return findings_changes (self, item, data);
}

gboolean
af_store_mark_finding (AfStore     *self,
                       const char  *request_id,
                       const char  *kind,
                       const int   *region,
                       const char  *status,
                       const char  *comment,
                       GError     **error)
{
  FindingMark mark = { kind, region, status, comment != NULL ? comment : "" };

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (request_id != NULL && kind != NULL, FALSE);

  if (!status_is_valid (status))
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                   "'%s' is not a finding's mark: use OK, CHECK or WARNING",
                   status != NULL ? status : "");
      return FALSE;
    }
  if (!require_identity (self, error))
    return FALSE;
  return edit (self, AF_TABLE_ANALYSES, request_id, AF_OP_APPRAISAL_FINDINGS,
               findings_changes_cb, &mark, error);
}
