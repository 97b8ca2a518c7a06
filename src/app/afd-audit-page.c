/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-audit-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "afd-audit-page.h"
#include "afd-audit-sections.h"
#include "afd-format.h"
#include "afd-identity.h"
#include "afd-report-export.h"

/* Notes are saved this long after the last keystroke: often enough that nothing is
 * lost, rarely enough that the outbox is not flooded with one entry per letter. */
#define NOTES_DEBOUNCE_MS 700

struct _AfdAuditPage
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkStack        *stack;
  AdwStatusPage   *missing_page;
  GtkScrolledWindow *scroller;
  GtkLabel        *applicant_label;
  GtkLabel        *loan_label;
  GtkLabel        *time_label;
  GtkLabel        *level_label;
  GtkLabel        *score_label;
  AdwActionRow    *review_row;
  GtkButton       *review_button;
  GtkTextView     *notes_view;
  GtkLabel        *notes_status;
  GtkListBox      *inconsistencies_list;
  GtkListBox      *factors_list;
  GtkListBox      *alerts_list;
  GtkListBox      *golden_list;
  GtkListBox      *documents_list;
  GtkListBox      *history_list;
  GtkToggleButton *reveal_button;

  /* owned references */
  AfdWorkspace    *workspace;     /* (nullable) */
  AfValue         *audit;         /* (nullable) */
  GPtrArray       *documents;     /* (nullable) of AfValue */
  char            *audit_id;      /* (nullable) */
  char            *title;         /* (nullable) */
  char            *level_class;   /* (nullable) the CSS class now on level_label */

  guint            notes_timeout;
  gboolean         loading;
};

G_DEFINE_FINAL_TYPE (AfdAuditPage, afd_audit_page, GTK_TYPE_WIDGET)

static void
toast (AfdAuditPage *self,
       const char   *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
set_label_or_absent (GtkLabel   *label,
                     const char *text)
{
  gtk_label_set_label (label, text != NULL && *text != '\0' ? text : AFD_ABSENT);
}

static void
show_summary (AfdAuditPage *self)
{
  double score = af_item_get_double (self->audit, "risk_score", -1);
  const char *level = afd_risk_level_normalize (af_item_get_s (self->audit, "risk_level"),
                                                score);
  g_autofree char *when = afd_format_iso_time (af_item_get_s (self->audit, "audit_timestamp"));
  g_autofree char *time_text = NULL;
  g_autofree char *score_text = NULL;

  set_label_or_absent (self->applicant_label, af_item_get_s (self->audit, "applicant_name"));
  set_label_or_absent (self->loan_label, af_item_get_s (self->audit, "loan_application_id"));
  time_text = g_strdup_printf (_("Audited %s · %s"), when ?: AFD_ABSENT,
                               afd_status_label (af_item_get_s (self->audit, "status")));
  gtk_label_set_label (self->time_label, time_text);

  if (self->level_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->level_label), self->level_class);
  g_free (self->level_class);
  self->level_class = g_strdup (afd_level_css_class (level));
  gtk_widget_add_css_class (GTK_WIDGET (self->level_label), self->level_class);
  gtk_label_set_label (self->level_label, afd_risk_level_label (level));

  score_text = score >= 0 ? g_strdup_printf (_("Risk score %.0f of 100"), score)
                          : g_strdup (_("No risk score"));
  gtk_label_set_label (self->score_label, score_text);
}

static void
show_review_state (AfdAuditPage *self)
{
  const char *by = af_item_get_s (self->audit, "reviewed_by");
  g_autofree char *when = afd_format_iso_time (af_item_get_s (self->audit, "review_timestamp"));
  g_autofree char *title = NULL;

  if (by != NULL)
    title = g_strdup_printf (_("Reviewed by %s"), by);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->review_row),
                                 title != NULL ? title : _("Not reviewed yet"));
  adw_action_row_set_subtitle (self->review_row, by != NULL ? (when ?: AFD_ABSENT) : "");
  /* Marking again records this reviewer and now: the row above says who was before. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->review_button),
                               by != NULL ? _("Record your own review of this audit") : NULL);
}

static void
show_notes (AfdAuditPage *self)
{
  const char *notes = af_item_get_s (self->audit, "review_notes");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);

  self->loading = TRUE;
  gtk_text_buffer_set_text (buffer, notes != NULL ? notes : "", -1);
  self->loading = FALSE;
  gtk_label_set_label (self->notes_status, _("Notes are saved on this computer as you type."));
}

static void
show_sections (AfdAuditPage *self)
{
  gboolean reveal = gtk_toggle_button_get_active (self->reveal_button);

  afd_audit_sections_fill_inconsistencies (self->inconsistencies_list, self->audit,
                                           self->documents, reveal);
  afd_audit_sections_fill_factors (self->factors_list, self->audit);
  afd_audit_sections_fill_alerts (self->alerts_list, self->audit);
  afd_audit_sections_fill_golden_record (self->golden_list, self->audit, self->documents, reveal);
  afd_audit_sections_fill_documents (self->documents_list, self->audit, self->documents);
}

static void
show_history (AfdAuditPage *self)
{
  const char *loan_id = af_item_get_s (self->audit, "loan_application_id");
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;

  if (loan_id != NULL)
    history = af_store_audit_history (afd_workspace_get_store (self->workspace), loan_id, &error);
  if (error != NULL)
    g_warning ("Could not read the audit history: %s", error->message);
  afd_audit_sections_fill_history (self->history_list, history, self->audit_id);
}

static gboolean
reread (AfdAuditPage  *self,
        GError       **error)
{
  AfStore *store = afd_workspace_get_store (self->workspace);
  AfValue *audit = af_store_get_item (store, AF_TABLE_AUDITS, self->audit_id, error);
  const char *loan_id;

  if (audit == NULL)
    return FALSE;
  g_clear_pointer (&self->audit, af_value_unref);
  self->audit = audit;

  g_clear_pointer (&self->documents, g_ptr_array_unref);
  loan_id = af_item_get_s (audit, "loan_application_id");
  if (loan_id != NULL)
    self->documents = af_store_documents_for_loan (store, loan_id, NULL);
  return TRUE;
}

static gboolean
save_notes (AfdAuditPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->notes_view);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkTextIter start, end;

  if (self->audit_id == NULL || !afd_identity_ensure (GTK_WIDGET (self), self->workspace))
    {
      gtk_label_set_label (self->notes_status, _("Not saved yet: your e-mail address is needed "
                                                 "to sign notes."));
      return FALSE;
    }

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!af_store_set_review_notes (afd_workspace_get_store (self->workspace), self->audit_id,
                                  text, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the notes: %s"),
                                                  error->message);
      gtk_label_set_label (self->notes_status, message);
      toast (self, message);
      return FALSE;
    }

  gtk_label_set_label (self->notes_status, _("Saved on this computer · waiting to sync"));
  afd_workspace_changed (self->workspace, FALSE);
  return TRUE;
}

static gboolean
notes_timeout_cb (gpointer user_data)
{
  AfdAuditPage *self = user_data;

  self->notes_timeout = 0;
  save_notes (self);
  return G_SOURCE_REMOVE;
}

static void
notes_changed_cb (AfdAuditPage *self)
{
  if (self->loading)
    return;
  gtk_label_set_label (self->notes_status, _("Editing…"));
  g_clear_handle_id (&self->notes_timeout, g_source_remove);
  self->notes_timeout = g_timeout_add (NOTES_DEBOUNCE_MS, notes_timeout_cb, self);
}

void
afd_audit_page_flush (AfdAuditPage *self)
{
  g_return_if_fail (AFD_IS_AUDIT_PAGE (self));

  if (self->notes_timeout != 0)
    {
      g_clear_handle_id (&self->notes_timeout, g_source_remove);
      save_notes (self);
    }
}

static void
mark_reviewed_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->audit_id == NULL || !afd_identity_ensure (widget, self->workspace))
    return;

  /* A note typed just before must reach the outbox before the review does. */
  afd_audit_page_flush (self);
  if (!af_store_mark_reviewed (afd_workspace_get_store (self->workspace), self->audit_id, &error) ||
      !reread (self, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not mark reviewed: %s"), error->message);

      toast (self, message);
      return;
    }
  show_review_state (self);
  toast (self, _("Marked reviewed"));
  afd_workspace_changed (self->workspace, TRUE);
}

static void
reveal_toggled_cb (AfdAuditPage *self)
{
  gboolean reveal = gtk_toggle_button_get_active (self->reveal_button);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button),
                               reveal ? _("Hide Personal Data") : _("Show Personal Data"));
  if (self->audit != NULL)
    show_sections (self);
}

static void
row_activated_cb (GtkListBox    *list,
                  GtkListBoxRow *row,
                  AfdAuditPage  *self)
{
  const char *id = gtk_widget_get_name (GTK_WIDGET (row));
  const char *action = list == self->documents_list ? "win.open-document" : "win.open-item";

  if (id != NULL && *id != '\0')
    gtk_widget_activate_action (GTK_WIDGET (self), action, "s", id);
}

void
afd_audit_page_load (AfdAuditPage *self,
                     AfdWorkspace *workspace,
                     const char   *audit_id)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AFD_IS_AUDIT_PAGE (self));
  g_return_if_fail (AFD_IS_WORKSPACE (workspace));

  afd_audit_page_flush (self);
  g_set_object (&self->workspace, workspace);
  g_free (self->audit_id);
  self->audit_id = g_strdup (audit_id);
  g_clear_pointer (&self->title, g_free);

  if (!reread (self, &error))
    {
      g_clear_pointer (&self->audit, af_value_unref);
      adw_status_page_set_description (self->missing_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "missing");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", FALSE);
      return;
    }

  self->title = g_strdup (af_item_get_s (self->audit, "applicant_name"));
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  show_summary (self);
  show_review_state (self);
  show_notes (self);
  show_sections (self);
  show_history (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", TRUE);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

const char *
afd_audit_page_get_title (AfdAuditPage *self)
{
  g_return_val_if_fail (AFD_IS_AUDIT_PAGE (self), NULL);
  return self->title != NULL ? self->title : _("Audit");
}

/* The report includes notes typed a moment ago: they are saved first. */
static void
export_report_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (widget);

  if (self->audit_id == NULL || self->audit == NULL)
    return;
  afd_audit_page_flush (self);
  afd_report_export (widget, self->workspace, AF_TABLE_AUDITS, self->audit, self->audit_id);
}

static void
print_report_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (widget);

  if (self->audit_id == NULL)
    return;
  afd_audit_page_flush (self);
  afd_report_print (widget, self->workspace, self->audit_id);
}

static void
afd_audit_page_dispose (GObject *object)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (object);

  if (self->workspace != NULL)
    afd_audit_page_flush (self);
  g_clear_handle_id (&self->notes_timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_AUDIT_PAGE);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->audit, af_value_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->audit_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->level_class, g_free);

  G_OBJECT_CLASS (afd_audit_page_parent_class)->dispose (object);
}

static void
afd_audit_page_class_init (AfdAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_audit_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, missing_page);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, applicant_label);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, loan_label);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, time_label);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, level_label);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, review_row);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, review_button);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, notes_view);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, notes_status);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, inconsistencies_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, factors_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, alerts_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, golden_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, documents_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, history_list);
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, reveal_button);
  gtk_widget_class_bind_template_callback (widget_class, reveal_toggled_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "audit.mark-reviewed", NULL, mark_reviewed_cb);
  gtk_widget_class_install_action (widget_class, "audit.export-report", NULL, export_report_cb);
  gtk_widget_class_install_action (widget_class, "audit.print-report", NULL, print_report_cb);
}

static void
afd_audit_page_init (AfdAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->notes_view), "changed",
                            G_CALLBACK (notes_changed_cb), self);
  g_signal_connect (self->documents_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  g_signal_connect (self->history_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", FALSE);
}
