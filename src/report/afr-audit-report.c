/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-audit-report"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-format.h"
#include "afr-audit-report-private.h"
#include "afr-build-private.h"

typedef struct
{
  AfStore    *store;      /* (unowned) */
  AfrReport  *report;     /* (unowned) */
  AfValue    *audit;      /* (owned) */
  const char *audit_id;
  GPtrArray  *documents;  /* (owned) of AfValue: the loan's documents in the cache */
  GHashTable *by_id;      /* (owned) document_id → AfValue (borrowed from documents) */
  GHashTable *personal;   /* (owned) the audit's personal paths (afr_build_personal_paths) */
} Build;

static void
build_clear (Build *build)
{
  g_clear_pointer (&build->audit, af_value_unref);
  g_clear_pointer (&build->documents, g_ptr_array_unref);
  g_clear_pointer (&build->by_id, g_hash_table_unref);
  g_clear_pointer (&build->personal, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Build, build_clear)

static gboolean
load_documents (Build   *build,
                GError **error)
{
  const char *loan_id = af_item_get_s (build->audit, "loan_application_id");

  build->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  if (loan_id == NULL)
    {
      build->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      return TRUE;
    }
  build->documents = af_store_documents_for_loan (build->store, loan_id, error);
  if (build->documents == NULL)
    return FALSE;
  for (guint i = 0; i < build->documents->len; i++)
    {
      AfValue *document = g_ptr_array_index (build->documents, i);
      const char *id = af_item_get_s (document, "document_id");

      if (id != NULL)
        g_hash_table_insert (build->by_id, (gpointer) id, document);
    }
  return TRUE;
}

/* "W-2 · w2.pdf", or the id and why there is no name. */
static char *
document_label (Build      *build,
                const char *document_id)
{
  AfValue *document = g_hash_table_lookup (build->by_id, document_id ?: "");

  if (document != NULL)
    return afd_document_name (document);
  /* Translators: a document the audit names that the local cache does not hold. */
  return g_strdup_printf (_("%s (not in the local cache)"), afr_build_or_absent (document_id));
}

static void
add_title (Build *build)
{
  const char *applicant = af_item_get_s (build->audit, "applicant_name");
  const char *loan = af_item_get_s (build->audit, "loan_application_id");
  g_autofree char *subtitle = g_strdup_printf ("%s — %s", afr_build_or_absent (applicant),
                                               afr_build_or_absent (loan));

  afr_report_add_title (build->report, _("Loan review report"), subtitle);
}

static void
add_flags (Build *build)
{
  guint pending = afr_build_pending_kinds (build->store, build->audit_id);

  if (pending & (1u << AF_OP_NOTE))
    afr_report_add_notice (build->report, _("Pending: the review notes below have not been "
                                            "sent to the cloud yet."));
  if (pending & (1u << AF_OP_REVIEW))
    afr_report_add_notice (build->report, _("Pending: marking this audit reviewed has not "
                                            "been sent to the cloud yet."));
  afr_build_conflict_notice (build->report, build->store, AF_TABLE_AUDITS, build->audit_id,
                             _("this audit"));
  for (guint i = 0; i < build->documents->len; i++)
    {
      AfValue *document = g_ptr_array_index (build->documents, i);
      g_autofree char *name = afd_document_name (document);

      afr_build_conflict_notice (build->report, build->store, AF_TABLE_DOCUMENTS,
                                 af_item_get_s (document, "document_id"), name);
    }
}

static char *
risk_text (const AfValue *audit)
{
  const char *score = af_item_get_n (audit, "risk_score");
  const char *level = afd_risk_level_normalize (af_item_get_s (audit, "risk_level"),
                                                af_item_get_double (audit, "risk_score", -1));

  if (score == NULL)
    return g_strdup (afd_risk_level_label (level));
  /* Translators: a risk level and score, "HIGH — 72 of 100". */
  return g_strdup_printf (_("%s — %s of 100"), afd_risk_level_label (level), score);
}

static void
add_summary (Build *build)
{
  const AfValue *a = build->audit;
  g_autoptr(AfrTable) facts = afr_table_new (2);
  g_autofree char *time = afd_format_iso_time (af_item_get_s (a, "audit_timestamp"));
  g_autofree char *risk = risk_text (a);

  afr_table_set_column (facts, 1, NULL, 2.6);
  afr_table_add_row (facts, FALSE, _("Applicant"),
                     afr_build_or_absent (af_item_get_s (a, "applicant_name")), NULL);
  afr_table_add_row (facts, FALSE, _("Loan application"),
                     afr_build_or_absent (af_item_get_s (a, "loan_application_id")), NULL);
  afr_table_add_row (facts, FALSE, _("Audit record"), build->audit_id, NULL);
  afr_table_add_row (facts, FALSE, _("Audit time"), afr_build_or_absent (time), NULL);
  afr_table_add_row (facts, FALSE, _("Status"),
                     afd_status_label (af_item_get_s (a, "status")), NULL);
  afr_table_add_row (facts, FALSE, _("Risk"), risk, NULL);
  afr_report_add_table (build->report, g_steal_pointer (&facts));
}

static void
add_risk (Build *build)
{
  AfValue *factors = af_value_map_get (build->audit, "risk_factors");
  AfValue *alerts = af_value_map_get (build->audit, "alerts_triggered");
  g_autoptr(AfrTable) table = afr_table_new (2);
  g_autoptr(GString) alert_text = g_string_new (NULL);

  afr_report_add_heading (build->report, _("Risk factors and alerts"));
  afr_table_set_column (table, 0, _("Risk factor"), 3);
  afr_table_set_column (table, 1, _("Weight"), 1);
  for (guint i = 0; factors != NULL && i < af_value_list_length (factors); i++)
    {
      AfValue *factor = af_value_list_nth (factors, i);
      g_autofree char *name = afd_humanize (af_item_get_s (factor, "factor"));

      afr_table_add_row (table, FALSE, name, afr_build_or_absent (af_item_get_n (factor, "weight")),
                         NULL);
    }
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (build->report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (build->report, _("No risk factors recorded."));

  for (guint i = 0; alerts != NULL && i < af_value_list_length (alerts); i++)
    {
      g_autofree char *alert = afd_humanize (af_value_get_string (af_value_list_nth (alerts, i)));

      g_string_append_printf (alert_text, "%s%s", i > 0 ? " · " : "", alert);
    }
  if (alert_text->len > 0)
    {
      g_autofree char *line = g_strdup_printf (_("Alerts: %s"), alert_text->str);

      afr_report_add_paragraph (build->report, line);
    }
  else
    afr_report_add_paragraph (build->report, _("Alerts: none."));
}

static void
add_golden_record (Build *build)
{
  AfValue *record = af_value_map_get (build->audit, "golden_record");
  g_autoptr(AfrTable) table = afr_table_new (4);

  afr_report_add_heading (build->report, _("Golden record"));
  afr_table_set_column (table, 0, _("Field"), 1.4);
  afr_table_set_column (table, 1, _("Value"), 2.4);
  afr_table_set_column (table, 2, _("Source document"), 2.4);
  afr_table_set_column (table, 3, _("Confidence"), 1.3);
  for (guint i = 0; record != NULL && i < af_value_map_size (record); i++)
    {
      const char *field = af_value_map_name_at (record, i);
      AfValue *entry = af_value_map_value_at (record, i);
      g_autofree char *title = afd_humanize (field);
      g_autofree char *path = g_strdup_printf ("golden_record.%s.value", field);
      g_autofree char *value = afr_build_field_value (field, af_item_get_s (entry, "value"),
                                                      g_hash_table_contains (build->personal, path));
      g_autofree char *source = document_label (build, af_item_get_s (entry, "source_document_id"));
      g_autofree char *confidence = afr_build_confidence (af_item_get_n (entry, "confidence"));

      afr_table_add_row (table, FALSE, title, value, source, confidence, NULL);
    }
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (build->report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (build->report, _("The audit has no golden record."));
}

/* Where @inconsistency is in the audit's list (the report sorts them), for its path. */
static guint
inconsistency_index (Build         *build,
                     const AfValue *inconsistency)
{
  AfValue *list = af_value_map_get (build->audit, "inconsistencies");
  guint i;

  for (i = 0; i < af_value_list_length (list); i++)
    if (af_value_list_nth (list, i) == inconsistency)
      break;
  return i;
}

/* One line per document: "W-2 · w2.pdf: ***-**-3776". */
static char *
inconsistency_values (Build         *build,
                      const AfValue *inconsistency)
{
  const char *field = af_item_get_s (inconsistency, "field");
  AfValue *values = af_value_map_get (inconsistency, "values");
  guint index = inconsistency_index (build, inconsistency);
  GString *text = g_string_new (NULL);

  for (guint i = 0; values != NULL && i < af_value_map_size (values); i++)
    {
      const char *document_id = af_value_map_name_at (values, i);
      g_autofree char *name = document_label (build, document_id);
      g_autofree char *path = g_strdup_printf ("inconsistencies[%u].values.%s", index, document_id);
      g_autofree char *value = afr_build_field_value (field,
                                                      af_value_get_string (af_value_map_value_at (values, i)),
                                                      g_hash_table_contains (build->personal, path));

      g_string_append_printf (text, "%s%s: %s", i > 0 ? "\n" : "", name, value);
    }
  return g_string_free (text, FALSE);
}

static gint
compare_severity (gconstpointer a,
                  gconstpointer b)
{
  const char *sa = af_item_get_s (*(AfValue **) a, "severity");
  const char *sb = af_item_get_s (*(AfValue **) b, "severity");

  return afd_severity_rank (sa) - afd_severity_rank (sb);
}

static void
add_inconsistencies (Build *build)
{
  AfValue *list = af_value_map_get (build->audit, "inconsistencies");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(AfrTable) table = afr_table_new (4);

  afr_report_add_heading (build->report, _("Inconsistencies"));
  for (guint i = 0; list != NULL && i < af_value_list_length (list); i++)
    g_ptr_array_add (sorted, af_value_list_nth (list, i));
  /* Most severe first, as the audit page lists them; a stable sort keeps the rest. */
  g_ptr_array_sort (sorted, compare_severity);

  afr_table_set_column (table, 0, _("Severity"), 1.35);
  afr_table_set_column (table, 1, _("Field"), 1.2);
  afr_table_set_column (table, 2, _("Description"), 3);
  afr_table_set_column (table, 3, _("Values by document"), 3);
  for (guint i = 0; i < sorted->len; i++)
    {
      AfValue *item = g_ptr_array_index (sorted, i);
      const char *field = af_item_get_s (item, "field");
      g_autofree char *title = afd_humanize (field);
      g_autofree char *values = inconsistency_values (build, item);

      afr_table_add_row (table, FALSE,
                         afd_risk_level_label (afd_risk_level_normalize (af_item_get_s (item, "severity"), -1)),
                         afr_build_or_absent (title),
                         afr_build_or_absent (af_item_get_s (item, "description")), values, NULL);
    }
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (build->report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (build->report, _("No inconsistencies were found."));
}

static void
add_review (Build *build)
{
  const char *notes = af_item_get_s (build->audit, "review_notes");
  const char *by = af_item_get_s (build->audit, "reviewed_by");
  g_autofree char *when = afd_format_iso_time (af_item_get_s (build->audit, "review_timestamp"));
  g_autofree char *line = NULL;

  afr_report_add_heading (build->report, _("Review"));
  afr_report_add_paragraph (build->report, notes != NULL && *notes != '\0'
                                           ? notes : _("No review notes."));
  if (by != NULL)
    /* Translators: who marked the audit reviewed, and when. */
    line = g_strdup_printf (_("Marked reviewed by %s on %s."), by, afr_build_or_absent (when));
  else
    line = g_strdup (_("Not marked reviewed yet."));
  afr_report_add_paragraph (build->report, line);
}

AfrReport *
afr_audit_report_build (AfStore     *store,
                        const char  *audit_record_id,
                        GError     **error)
{
  g_auto(Build) build = { store, NULL, NULL, audit_record_id, NULL, NULL, NULL };
  g_autoptr(AfrReport) report = NULL;

  build.audit = af_store_get_item (store, AF_TABLE_AUDITS, audit_record_id, error);
  if (build.audit == NULL || !load_documents (&build, error))
    return NULL;
  /* The rule that says what the cache encrypts says what the report masks. */
  build.personal = afr_build_personal_paths (AF_TABLE_AUDITS, build.audit);

  report = afr_report_new ();
  build.report = report;
  afr_build_footer (report, store);
  add_title (&build);
  add_flags (&build);
  add_summary (&build);
  add_risk (&build);
  add_golden_record (&build);
  add_inconsistencies (&build);
  afr_audit_report_add_documents (report, build.audit, build.documents);
  afr_audit_report_add_corrections (report, store, build.documents);
  add_review (&build);
  return g_steal_pointer (&report);
}
