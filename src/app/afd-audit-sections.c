/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-audit-sections"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-field-list.h"
#include "afd-audit-sections.h"
#include "afd-format.h"

/* Below this, a field was read with too little confidence to be trusted unchecked. */
#define LOW_CONFIDENCE 0.80

void
afd_list_box_clear (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
set_placeholder (GtkListBox *list,
                 const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "list-placeholder");
  gtk_list_box_set_placeholder (list, label);
}

static GtkWidget *
badge_new (const char *text,
           const char *css_class)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, css_class);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}

static GtkWidget *
action_row_new (const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Values come from documents: never let them be read as Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static AfValue *
list_attribute (const AfValue *item,
                const char    *name)
{
  AfValue *value = item != NULL ? af_value_map_get (item, name) : NULL;

  return value != NULL && af_value_get_kind (value) == AF_TYPE_L ? value : NULL;
}

static const AfValue *
find_document (GPtrArray  *documents,
               const char *document_id)
{
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const AfValue *document = g_ptr_array_index (documents, i);

      if (g_strcmp0 (af_item_get_s (document, "document_id"), document_id) == 0)
        return document;
    }
  return NULL;
}

/* "W-2 · w2-2023.pdf", or the id when the document is not in the cache. */
static char *
document_name (GPtrArray  *documents,
               const char *document_id)
{
  const AfValue *document = find_document (documents, document_id);

  if (document == NULL)
    return g_strdup_printf (_("Document %s"), document_id);
  return afd_document_name (document);
}

void
afd_audit_sections_fill_factors (GtkListBox    *list,
                                 const AfValue *audit)
{
  AfValue *factors = list_attribute (audit, "risk_factors");

  afd_list_box_clear (list);
  set_placeholder (list, _("No risk factors"));
  for (guint i = 0; factors != NULL && i < af_value_list_length (factors); i++)
    {
      AfValue *factor = af_value_list_nth (factors, i);
      g_autofree char *title = NULL;
      const char *weight;
      GtkWidget *row;

      if (af_value_get_kind (factor) != AF_TYPE_M)
        continue;
      title = afd_humanize (af_item_get_s (factor, "factor"));
      weight = af_item_get_n (factor, "weight");
      row = action_row_new (title, NULL);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 badge_new (weight != NULL ? weight : AFD_ABSENT, "weight"));
      gtk_list_box_append (list, row);
    }
}

void
afd_audit_sections_fill_alerts (GtkListBox    *list,
                                const AfValue *audit)
{
  AfValue *alerts = list_attribute (audit, "alerts_triggered");

  afd_list_box_clear (list);
  set_placeholder (list, _("No alerts"));
  for (guint i = 0; alerts != NULL && i < af_value_list_length (alerts); i++)
    {
      const char *alert = af_value_get_string (af_value_list_nth (alerts, i));
      g_autofree char *title = afd_humanize (alert);
      GtkWidget *row = action_row_new (title, NULL);

      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      gtk_list_box_append (list, row);
    }
}

static GtkWidget *
label_new (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

/* The document's name, as a button that opens it when the cache holds it: a reviewer
 * goes from the inconsistency to where it comes from. With @field, the document opens
 * scrolled to the field that holds @value. */
static GtkWidget *
document_link_new (GPtrArray  *documents,
                   const char *document_id,
                   const char *field,
                   const char *value)
{
  g_autofree char *name = document_name (documents, document_id);
  GtkWidget *label = label_new (name, NULL);
  GtkWidget *button;

  if (find_document (documents, document_id) == NULL)
    {
      gtk_widget_add_css_class (label, "dim-label");
      return label;
    }
  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "document-link");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Open this document"));
  /* A button with a label child has no accessible name of its own in GTK 4.8. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  if (field != NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-document-at");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sss)", document_id, field,
                                        value != NULL ? value : "");
    }
  else
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-document");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", document_id);
    }
  return button;
}

static GtkWidget *
inconsistency_values_grid (const AfValue *inconsistency,
                           GPtrArray     *documents,
                           const char    *mask_field)
{
  AfValue *values = af_value_map_get (inconsistency, "values");
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 0);
  for (guint i = 0; values != NULL && af_value_get_kind (values) == AF_TYPE_M &&
                    i < af_value_map_size (values); i++)
    {
      const char *document_id = af_value_map_name_at (values, i);
      const char *value = af_value_get_string (af_value_map_value_at (values, i));
      g_autofree char *shown = mask_field != NULL ? afd_mask_pii (mask_field, value)
                                                  : g_strdup (value ?: AFD_ABSENT);
      GtkWidget *value_label = label_new (shown, "monospace");
      GtkWidget *link = document_link_new (documents, document_id,
                                           af_item_get_s (inconsistency, "field"), value);

      gtk_widget_set_valign (value_label, GTK_ALIGN_CENTER);
      gtk_grid_attach (GTK_GRID (grid), link, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (grid), value_label, 1, i, 1, 1);
    }
  return grid;
}

/* Every document the inconsistency names, side by side, each at its field. */
static GtkWidget *
compare_button_new (const char *audit_id,
                    guint       index,
                    gboolean    reveal)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "view-dual-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Compare Documents"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Open the documents together, each at the value it gives"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.compare-inconsistency");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sub)", audit_id, index, reveal);
  gtk_widget_add_css_class (button, "compare-button");
  return button;
}

static guint
count_known_documents (const AfValue *inconsistency,
                       GPtrArray     *documents)
{
  AfValue *values = af_value_map_get (inconsistency, "values");
  guint n = 0;

  for (guint i = 0; values != NULL && af_value_get_kind (values) == AF_TYPE_M &&
                    i < af_value_map_size (values); i++)
    n += find_document (documents, af_value_map_name_at (values, i)) != NULL;
  return n;
}

static GtkWidget *
inconsistency_row_new (const AfValue *audit,
                       guint          index,
                       GPtrArray     *documents,
                       gboolean       reveal)
{
  const AfValue *inconsistency = af_value_list_nth (list_attribute (audit, "inconsistencies"), index);
  const char *field = af_item_get_s (inconsistency, "field");
  const char *severity = afd_risk_level_normalize (af_item_get_s (inconsistency, "severity"), -1);
  const char *audit_id = af_item_get_s (audit, "audit_record_id");
  g_autofree char *title = afd_field_label (field);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_box_append (GTK_BOX (heading), badge_new (afd_risk_level_label (severity),
                                                afd_level_css_class (severity)));
  gtk_box_append (GTK_BOX (heading), label_new (title, "heading"));
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box),
                  label_new (af_item_get_s (inconsistency, "description") ?: AFD_ABSENT, NULL));
  gtk_box_append (GTK_BOX (box), inconsistency_values_grid (inconsistency, documents,
                                                            !reveal && afd_field_is_pii (field)
                                                            ? field : NULL));
  /* Comparing needs two documents on this computer. */
  if (audit_id != NULL && count_known_documents (inconsistency, documents) >= 2)
    gtk_box_append (GTK_BOX (box), compare_button_new (audit_id, index, reveal));
  gtk_widget_add_css_class (box, "inconsistency");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* Sorts positions in @user_data, the inconsistencies list, by severity. */
static int
compare_severity (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  const AfValue *list = user_data;
  AfValue *x = af_value_list_nth (list, GPOINTER_TO_UINT (*(gpointer *) a));
  AfValue *y = af_value_list_nth (list, GPOINTER_TO_UINT (*(gpointer *) b));

  return afd_severity_rank (af_item_get_s (x, "severity")) -
         afd_severity_rank (af_item_get_s (y, "severity"));
}

void
afd_audit_sections_fill_inconsistencies (GtkListBox    *list,
                                         const AfValue *audit,
                                         GPtrArray     *documents,
                                         gboolean       reveal)
{
  AfValue *inconsistencies = list_attribute (audit, "inconsistencies");
  /* Positions in the pipeline's list: the compare button names its inconsistency so. */
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

  afd_list_box_clear (list);
  set_placeholder (list, _("The documents agree with each other"));
  for (guint i = 0; inconsistencies != NULL && i < af_value_list_length (inconsistencies); i++)
    if (af_value_get_kind (af_value_list_nth (inconsistencies, i)) == AF_TYPE_M)
      g_ptr_array_add (sorted, GUINT_TO_POINTER (i));
  /* Stable, so that equal severities keep the pipeline's order. */
  g_ptr_array_sort_with_data (sorted, compare_severity, inconsistencies);
  for (guint i = 0; i < sorted->len; i++)
    gtk_list_box_append (list, inconsistency_row_new (audit,
                                                      GPOINTER_TO_UINT (g_ptr_array_index (sorted, i)),
                                                      documents, reveal));
}

/* The pipeline's fields in a reading order; any others follow. */
static const char * const golden_fields[] = {
  "name", "ssn", "date_of_birth", "address", "employer", "annual_income",
  "bank_account_number",
};

static gboolean
is_golden_field (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (golden_fields); i++)
    if (g_strcmp0 (field, golden_fields[i]) == 0)
      return TRUE;
  return FALSE;
}

static GtkWidget *
golden_row_new (const char    *field,
                const AfValue *entry,
                GPtrArray     *documents,
                gboolean       reveal)
{
  const char *value = entry != NULL ? af_item_get_s (entry, "value") : NULL;
  double confidence = entry != NULL ? af_item_get_double (entry, "confidence", -1) : -1;
  const char *source = entry != NULL ? af_item_get_s (entry, "source_document_id") : NULL;
  g_autofree char *title = afd_field_label (field);
  g_autofree char *shown = !reveal && afd_field_is_pii (field) ? afd_mask_pii (field, value)
                                                               : g_strdup (value ?: AFD_ABSENT);
  g_autofree char *percent = afd_format_percent (confidence);
  GtkWidget *row = action_row_new (title, shown);

  gtk_widget_add_css_class (row, "property");
  if (source != NULL)
    {
      g_autofree char *name = document_name (documents, source);

      gtk_widget_set_tooltip_text (row, name);
    }
  if (confidence >= 0 && confidence < LOW_CONFIDENCE)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (_("Low confidence"), "level-high"));
  if (confidence >= 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (percent, "weight"));
  return row;
}

void
afd_audit_sections_fill_golden_record (GtkListBox    *list,
                                       const AfValue *audit,
                                       GPtrArray     *documents,
                                       gboolean       reveal)
{
  AfValue *record = audit != NULL ? af_value_map_get (audit, "golden_record") : NULL;

  afd_list_box_clear (list);
  set_placeholder (list, _("No golden record"));
  if (record == NULL || af_value_get_kind (record) != AF_TYPE_M)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (golden_fields); i++)
    {
      AfValue *entry = af_value_map_get (record, golden_fields[i]);

      /* A field no processed document supplied is shown as absent, not hidden:
       * its absence is a finding too. */
      gtk_list_box_append (list, golden_row_new (golden_fields[i], entry, documents, reveal));
    }
  for (guint i = 0; i < af_value_map_size (record); i++)
    {
      const char *field = af_value_map_name_at (record, i);

      if (!is_golden_field (field))
        gtk_list_box_append (list, golden_row_new (field, af_value_map_value_at (record, i),
                                                   documents, reveal));
    }
}

static guint
count_low_confidence (const AfValue *document)
{
  AfValue *listed = list_attribute (document, "low_confidence_fields");
  AfValue *fields = af_value_map_get (document, "extracted_data");
  guint n = 0;

  if (listed != NULL)
    return af_value_list_length (listed);
  for (guint i = 0; fields != NULL && af_value_get_kind (fields) == AF_TYPE_M &&
                    i < af_value_map_size (fields); i++)
    {
      AfValue *field = af_value_map_value_at (fields, i);

      if (af_value_get_kind (field) == AF_TYPE_M &&
          af_item_get_double (field, "confidence", 1) < LOW_CONFIDENCE)
        n++;
    }
  return n;
}

static char *
document_facts (const AfValue *document)
{
  GString *facts = g_string_new (afd_status_label (af_item_get_s (document, "processing_status")));
  const char *page_count = af_item_get_n (document, "page_count");
  gint64 pages = -1;
  double confidence = af_item_get_double (document, "classification_confidence", -1);
  guint low = count_low_confidence (document);

  /* A number from the server: converted only when it is a count in range. */
  if (page_count != NULL)
    af_number_to_int64 (page_count, 0, G_MAXUINT, &pages);
  if (pages >= 0)
    {
      g_string_append (facts, " · ");
      /* TRANSLATORS: a document's number of pages */
      g_string_append_printf (facts, ngettext ("%u page", "%u pages", (gulong) pages),
                              (guint) pages);
    }
  if (confidence >= 0)
    {
      g_autofree char *percent = afd_format_percent (confidence);

      g_string_append (facts, " · ");
      /* TRANSLATORS: how sure the pipeline is of the document's type */
      g_string_append_printf (facts, _("classified at %s"), percent);
    }
  g_string_append (facts, " · ");
  g_string_append_printf (facts, ngettext ("%u low-confidence field",
                                           "%u low-confidence fields", low), low);
  return g_string_free (facts, FALSE);
}

static GtkWidget *
document_row_new (const AfValue *document)
{
  const char *type = af_item_get_s (document, "document_type");
  g_autofree char *title = g_strdup_printf ("%s · %s", afd_document_type_label (type),
                                            af_item_get_s (document, "file_name") ?: AFD_ABSENT);
  g_autofree char *facts = document_facts (document);
  GtkWidget *row = action_row_new (title, facts);

  gtk_widget_set_name (row, af_item_get_s (document, "document_id"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (g_strcmp0 (af_item_get_s (document, "processing_status"), "FAILED") == 0)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (_("Failed"), "level-critical"));
  if (af_field_list_item_needs_manual_review (document))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               badge_new (_("Needs manual review"), "level-high"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  return row;
}

static GtkWidget *
missing_document_row_new (const AfValue *reference)
{
  const char *id = af_item_get_s (reference, "document_id");
  GtkWidget *row = action_row_new (afd_document_type_label (af_item_get_s (reference,
                                                                           "document_type")),
                                   _("Not in the local cache"));

  gtk_widget_set_name (row, id != NULL ? id : "");
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

void
afd_audit_sections_fill_documents (GtkListBox    *list,
                                   const AfValue *audit,
                                   GPtrArray     *documents)
{
  AfValue *references = list_attribute (audit, "documents");

  afd_list_box_clear (list);
  set_placeholder (list, _("No documents"));
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    gtk_list_box_append (list, document_row_new (g_ptr_array_index (documents, i)));

  /* Documents the audit names that the cache does not hold (yet). */
  for (guint i = 0; references != NULL && i < af_value_list_length (references); i++)
    {
      AfValue *reference = af_value_list_nth (references, i);

      if (af_value_get_kind (reference) == AF_TYPE_M &&
          find_document (documents, af_item_get_s (reference, "document_id")) == NULL)
        gtk_list_box_append (list, missing_document_row_new (reference));
    }
}

static GtkWidget *
history_row_new (const AfValue *audit,
                 gboolean       current)
{
  double score = af_item_get_double (audit, "risk_score", -1);
  const char *level = afd_risk_level_normalize (af_item_get_s (audit, "risk_level"), score);
  g_autofree char *when = afd_format_iso_time (af_item_get_s (audit, "audit_timestamp"));
  g_autofree char *badge = score >= 0 ? g_strdup_printf ("%s %.0f", afd_risk_level_label (level),
                                                         score)
                                      : g_strdup (afd_risk_level_label (level));
  GString *subtitle = g_string_new (afd_status_label (af_item_get_s (audit, "status")));
  GtkWidget *row;

  if (af_item_get_bool (audit, "archived", FALSE))
    g_string_append_printf (subtitle, " · %s", _("archived"));
  if (current)
    g_string_append_printf (subtitle, " · %s", _("this audit"));
  row = action_row_new (when ?: AFD_ABSENT, subtitle->str);
  g_string_free (subtitle, TRUE);

  gtk_widget_set_name (row, af_item_get_s (audit, "audit_record_id"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), !current);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (badge, afd_level_css_class (level)));
  return row;
}

void
afd_audit_sections_fill_history (GtkListBox *list,
                                 GPtrArray  *history,
                                 const char *current_id)
{
  afd_list_box_clear (list);
  set_placeholder (list, _("No other audits"));
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      const AfValue *audit = g_ptr_array_index (history, i);

      gtk_list_box_append (list, history_row_new (audit,
                                                  g_strcmp0 (af_item_get_s (audit, "audit_record_id"),
                                                             current_id) == 0));
    }
}

/* One entry of a document's `corrections`: who changed (or confirmed) which field when,
 * and the note typed with it. Values stay out: they may be personal data, and the
 * document page shows them masked. */
static GtkWidget *
correction_row_new (const AfValue *document,
                    const AfValue *correction)
{
  g_autofree char *field = afd_field_label (af_item_get_s (correction, "field") ?: "");
  g_autofree char *when = afd_format_iso_time (af_item_get_s (correction, "corrected_at"));
  const char *by = af_item_get_s (correction, "corrected_by") ?: AFD_ABSENT;
  const char *note = af_item_get_s (correction, "note");
  gboolean confirmed = g_strcmp0 (af_item_get_s (correction, "corrected_value"),
                                  af_item_get_s (correction, "original_value")) == 0;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row;

  /* TRANSLATORS: a field's label, then the reviewer's e-mail address */
  title = g_strdup_printf (confirmed ? _("%s confirmed by %s") : _("%s corrected by %s"),
                           field, by);
  /* TRANSLATORS: when, the document's file name, and the reviewer's note, quoted */
  subtitle = note != NULL && *note != '\0'
             ? g_strdup_printf (_("%s · %s · Note: “%s”"), when ?: AFD_ABSENT,
                                af_item_get_s (document, "file_name") ?: AFD_ABSENT, note)
             : g_strdup_printf ("%s · %s", when ?: AFD_ABSENT,
                                af_item_get_s (document, "file_name") ?: AFD_ABSENT);
  row = action_row_new (title, subtitle);
  gtk_widget_set_name (row, af_item_get_s (document, "document_id"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

void
afd_audit_sections_fill_corrections (GtkListBox *list,
                                     GPtrArray  *documents)
{
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const AfValue *document = g_ptr_array_index (documents, i);
      AfValue *corrections = list_attribute (document, "corrections");

      for (guint j = 0; corrections != NULL && j < af_value_list_length (corrections); j++)
        {
          AfValue *correction = af_value_list_nth (corrections, j);

          if (af_value_get_kind (correction) == AF_TYPE_M)
            gtk_list_box_append (list, correction_row_new (document, correction));
        }
    }
}
