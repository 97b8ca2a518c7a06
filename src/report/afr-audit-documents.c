/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-audit-report"

#include "config.h"

#include <glib/gi18n.h>

#include "af-field-list.h"
#include "afd-format.h"
#include "afr-audit-report-private.h"
#include "afr-build-private.h"

/* By the rule that says what the cache encrypts (the field's pii flag, or a category
 * the document's pii_detected names); afr_build_field_value adds the field-name rule. */
static gboolean
field_is_pii (const AfValue *document,
              const char    *field)
{
  g_autoptr(GHashTable) personal = NULL;
  g_autofree char *path = NULL;

  if (field == NULL)
    return FALSE;
  personal = afr_build_personal_paths (AF_TABLE_DOCUMENTS, document);
  path = g_strdup_printf ("extracted_data.%s.value", field);
  return g_hash_table_contains (personal, path);
}

/* "employer_ein — 72 % — 98-*****21", one line per low-confidence field. */
static char *
low_confidence_text (const AfValue *document)
{
  AfValue *names = af_value_map_get (document, "low_confidence_fields");
  AfValue *data = af_value_map_get (document, "extracted_data");
  GString *text = g_string_new (NULL);

  for (guint i = 0; names != NULL && i < af_value_list_length (names); i++)
    {
      const char *field = af_value_get_string (af_value_list_nth (names, i));
      AfValue *entry = data != NULL && field != NULL ? af_value_map_get (data, field) : NULL;
      g_autofree char *title = afd_humanize (field);
      g_autofree char *value = afr_build_field_value (field, af_item_get_s (entry, "value"),
                                                      field_is_pii (document, field));
      g_autofree char *confidence = afr_build_confidence (af_item_get_n (entry, "confidence"));

      g_string_append_printf (text, "%s%s — %s — %s", text->len > 0 ? "\n" : "",
                              afr_build_or_absent (title), confidence, value);
    }
  if (text->len == 0)
    g_string_append (text, _("none"));
  return g_string_free (text, FALSE);
}

static char *
status_text (const AfValue *document)
{
  const char *status = afd_status_label (af_item_get_s (document, "processing_status"));

  if (af_field_list_item_needs_manual_review (document))
    /* Translators: a document's processing status, then a flag. */
    return g_strdup_printf (_("%s, needs manual review"), status);
  return g_strdup (status);
}

static gboolean
has_document (GPtrArray  *documents,
              const char *id)
{
  for (guint i = 0; i < documents->len; i++)
    if (g_strcmp0 (af_item_get_s (g_ptr_array_index (documents, i), "document_id"), id) == 0)
      return TRUE;
  return FALSE;
}

/* The documents the audit names that the cache does not hold: said, not skipped. */
static void
add_missing_rows (AfrTable      *table,
                  const AfValue *audit,
                  GPtrArray     *documents)
{
  AfValue *listed = af_value_map_get (audit, "documents");

  for (guint i = 0; listed != NULL && i < af_value_list_length (listed); i++)
    {
      AfValue *entry = af_value_list_nth (listed, i);
      const char *id = af_item_get_s (entry, "document_id");
      g_autofree char *name = NULL;

      if (id == NULL || has_document (documents, id))
        continue;
      name = g_strdup_printf ("%s · %s", afd_document_type_label (af_item_get_s (entry, "document_type")),
                              id);
      afr_table_add_row (table, TRUE, name,
                         _("Missing: this document is not in the local cache"), "", NULL);
    }
}

void
afr_audit_report_add_documents (AfrReport     *report,
                                const AfValue *audit,
                                GPtrArray     *documents)
{
  g_autoptr(AfrTable) table = afr_table_new (3);

  afr_report_add_heading (report, _("Documents"));
  afr_table_set_column (table, 0, _("Document"), 2.2);
  afr_table_set_column (table, 1, _("Status"), 1.4);
  afr_table_set_column (table, 2, _("Low-confidence fields"), 3.4);
  for (guint i = 0; i < documents->len; i++)
    {
      AfValue *document = g_ptr_array_index (documents, i);
      g_autofree char *name = afd_document_name (document);
      g_autofree char *status = status_text (document);
      g_autofree char *fields = low_confidence_text (document);

      afr_table_add_row (table, FALSE, name, status, fields, NULL);
    }
  add_missing_rows (table, audit, documents);
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (report, _("No documents are recorded for this loan."));
}

/* TRUE when @remote_document's corrections already hold @correction (it was sent). */
static gboolean
was_sent (const AfValue *remote_document,
          const AfValue *correction)
{
  AfValue *sent = remote_document != NULL ? af_value_map_get (remote_document, "corrections")
                                          : NULL;

  for (guint i = 0; sent != NULL && i < af_value_list_length (sent); i++)
    if (af_value_equal (af_value_list_nth (sent, i), correction))
      return TRUE;
  return FALSE;
}

static void
add_correction_row (AfrTable      *table,
                    const AfValue *document,
                    const AfValue *correction,
                    gboolean       pending)
{
  const char *field = af_item_get_s (correction, "field");
  gboolean pii = field_is_pii (document, field);
  g_autofree char *name = afd_document_name (document);
  g_autofree char *title = afd_humanize (field);
  g_autofree char *where = g_strdup_printf ("%s\n%s", afr_build_or_absent (title), name);
  g_autofree char *original = afr_build_field_value (field, af_item_get_s (correction, "original_value"), pii);
  g_autofree char *corrected = afr_build_field_value (field, af_item_get_s (correction, "corrected_value"), pii);
  g_autofree char *when = afd_format_iso_time (af_item_get_s (correction, "corrected_at"));
  g_autofree char *who = g_strdup_printf ("%s\n%s",
                                          afr_build_or_absent (af_item_get_s (correction, "corrected_by")),
                                          afr_build_or_absent (when));
  const char *note = af_item_get_s (correction, "note");
  g_autofree char *note_text = NULL;

  /* The flag is said in words too: the row's colour is lost on a black-and-white print. */
  note_text = pending ? g_strdup_printf ("%s%s%s", _("PENDING, not yet sent."),
                                         note != NULL ? "\n" : "", note != NULL ? note : "")
                      : g_strdup (note != NULL ? note : "");
  afr_table_add_row (table, pending, where, original, corrected, who, note_text, NULL);
}

static guint
add_document_corrections (AfrTable      *table,
                          AfStore       *store,
                          const AfValue *document)
{
  AfValue *corrections = af_value_map_get (document, "corrections");
  const char *id = af_item_get_s (document, "document_id");
  gboolean outbox = (afr_build_pending_kinds (store, id) & (1u << AF_OP_CORRECTION)) != 0;
  g_autoptr(AfValue) remote = NULL;
  guint pending = 0;

  if (corrections == NULL || af_value_list_length (corrections) == 0)
    return 0;
  if (outbox)
    remote = af_store_get_remote_item (store, AF_TABLE_DOCUMENTS, id, NULL);
  for (guint i = 0; i < af_value_list_length (corrections); i++)
    {
      AfValue *correction = af_value_list_nth (corrections, i);
      gboolean is_pending = outbox && !was_sent (remote, correction);

      pending += is_pending ? 1 : 0;
      add_correction_row (table, document, correction, is_pending);
    }
  return pending;
}

void
afr_audit_report_add_corrections (AfrReport *report,
                                  AfStore   *store,
                                  GPtrArray *documents)
{
  g_autoptr(AfrTable) table = afr_table_new (5);
  guint pending = 0;

  afr_report_add_heading (report, _("Corrections"));
  afr_table_set_column (table, 0, _("Field and document"), 1.6);
  afr_table_set_column (table, 1, _("Original value"), 1.4);
  afr_table_set_column (table, 2, _("Corrected value"), 1.4);
  afr_table_set_column (table, 3, _("By, when"), 1.7);
  afr_table_set_column (table, 4, _("Note"), 1.7);
  for (guint i = 0; i < documents->len; i++)
    pending += add_document_corrections (table, store, g_ptr_array_index (documents, i));

  if (pending > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Pending: %u correction has not been sent to the cloud yet.",
                                                            "Pending: %u corrections have not been sent to the cloud yet.",
                                                            pending), pending);

      afr_report_add_notice (report, text);
    }
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (report, _("No corrections were made."));
}
