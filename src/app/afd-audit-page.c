/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-audit-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-clock.h"
#include "af-store-async.h"
#include "afd-audit-page.h"
#include "afd-audit-sections.h"
#include "afd-edit-reply.h"
#include "afd-format.h"
#include "afd-identity.h"
#include "afd-note-editor.h"
#include "afd-report-export.h"

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
  AfdNoteEditor   *notes_editor;
  GtkListBox      *inconsistencies_list;
  GtkListBox      *factors_list;
  GtkListBox      *alerts_list;
  GtkListBox      *golden_list;
  GtkListBox      *documents_list;
  GtkListBox      *history_list;
  GtkToggleButton *reveal_button;

  /* owned references */
  AfdWorkspace    *workspace;     /* (nullable) */
  GCancellable    *loading_cancellable; /* (owned) (nullable) the audit being read */
  GPtrArray       *history;       /* (nullable) of AfValue */
  AfValue         *audit;         /* (nullable) */
  GPtrArray       *documents;     /* (nullable) of AfValue */
  char            *audit_id;      /* (nullable) */
  char            *title;         /* (nullable) */
  char            *level_class;   /* (nullable) the CSS class now on level_label */
  char            *reveal_row;    /* (nullable) the history row to show once loaded */
};

G_DEFINE_FINAL_TYPE (AfdAuditPage, afd_audit_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static AfStoreThread *
store_thread (AfdAuditPage *self)
{
  return afd_workspace_get_store_thread (self->workspace);
}

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

/* Who reviewed, and the button's state: "Mark Reviewed" on an audit nobody reviewed,
 * "Mark Reviewed Again…" (it asks first) on one someone else reviewed, "Reviewed" and
 * nothing to press once the reviewer using the app has marked it. */
static void
show_review_state (AfdAuditPage *self)
{
  const char *by = af_item_get_s (self->audit, "reviewed_by");
  const char *me = af_store_thread_get_identity (afd_workspace_get_store_thread (self->workspace));
  gboolean mine = by != NULL && me != NULL && g_ascii_strcasecmp (by, me) == 0;
  g_autofree char *when = afd_format_iso_time (af_item_get_s (self->audit, "review_timestamp"));
  g_autofree char *title = NULL;
  GtkWidget *button = GTK_WIDGET (self->review_button);

  if (by != NULL)
    title = g_strdup_printf (_("Reviewed by %s"), by);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->review_row),
                                 title != NULL ? title : _("Not reviewed yet"));
  adw_action_row_set_subtitle (self->review_row, by != NULL ? (when ?: AFD_ABSENT) : "");

  gtk_button_set_label (self->review_button, mine ? _("Reviewed")
                                             : by != NULL ? _("Mark Reviewed Again…")
                                             : _("Mark Reviewed"));
  if (by == NULL)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", !mine);
  gtk_widget_set_tooltip_text (button, mine ? _("You have marked this audit reviewed")
                                       : by != NULL ? _("Record your own review of this audit")
                                       : NULL);
}

static void
show_notes (AfdAuditPage *self)
{
  afd_note_editor_set_text (self->notes_editor, af_item_get_s (self->audit, "review_notes"));
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
  afd_audit_sections_fill_history (self->history_list, self->history, self->audit_id);
  afd_audit_sections_fill_corrections (self->history_list, self->documents);
}

/* What the page shows of an audit, read in one job on the store's thread. */
typedef struct
{
  AfValue   *audit;      /* (owned) */
  GPtrArray *documents;  /* (owned) (nullable) */
  GPtrArray *history;    /* (owned) (nullable) */
} Loaded;

static void
loaded_free (gpointer data)
{
  Loaded *loaded = data;

  g_clear_pointer (&loaded->audit, af_value_unref);
  g_clear_pointer (&loaded->documents, g_ptr_array_unref);
  g_clear_pointer (&loaded->history, g_ptr_array_unref);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static gpointer
load_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  g_autoptr(AfValue) audit = af_store_get_item (store, AF_TABLE_AUDITS, data, error);
  g_autoptr(GError) history_error = NULL;
  const char *loan_id;
  Loaded *loaded;

  if (audit == NULL)
    return NULL;
  loaded = g_new0 (Loaded, 1);
  loan_id = af_item_get_s (audit, "loan_application_id");
  if (loan_id != NULL)
    {
      loaded->documents = af_store_documents_for_loan (store, loan_id, NULL);
      loaded->history = af_store_audit_history (store, loan_id, &history_error);
    }
  if (history_error != NULL)
    g_warning ("Could not read the audit history: %s", history_error->message);
  loaded->audit = g_steal_pointer (&audit);
  return loaded;
}

static void
show_missing (AfdAuditPage *self,
              const GError *error)
{
  g_clear_pointer (&self->audit, af_value_unref);
  adw_status_page_set_description (self->missing_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "missing");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", FALSE);
}

static void
show_loaded (AfdAuditPage *self,
             Loaded       *loaded)
{
  g_clear_pointer (&self->audit, af_value_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->audit = g_steal_pointer (&loaded->audit);
  self->documents = g_steal_pointer (&loaded->documents);
  self->history = g_steal_pointer (&loaded->history);

  g_free (self->title);
  self->title = g_strdup (af_item_get_s (self->audit, "applicant_name"));
  gtk_toggle_button_set_active (self->reveal_button, FALSE);
  show_summary (self);
  show_review_state (self);
  show_notes (self);
  show_sections (self);
  show_history (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  if (self->reveal_row != NULL)
    afd_audit_page_reveal_history (self, NULL);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Loaded) loaded = af_store_thread_run_finish (AF_STORE_THREAD (source), result,
                                                         &error);
  AfdAuditPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_AUDIT_PAGE (user_data);
  g_clear_object (&self->loading_cancellable);
  if (loaded == NULL)
    show_missing (self, error);
  else
    show_loaded (self, loaded);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* Reads the audit again (after a review, or to show another): what is on screen stays
 * until the answer comes. */
static void
reload (AfdAuditPage *self)
{
  g_cancellable_cancel (self->loading_cancellable);
  g_clear_object (&self->loading_cancellable);
  self->loading_cancellable = g_cancellable_new ();
  af_store_thread_run_async (store_thread (self), load_job, g_strdup (self->audit_id), g_free,
                             loaded_free, self->loading_cancellable, loaded_cb, self);
}

static const char *
shown_id (gpointer page)
{
  return AFD_AUDIT_PAGE (page)->audit_id;
}

/* A failure names the audit by its id (the applicant's name is personal data). */
static char *
describe_notes_failure (const char   *audit_id,
                        const GError *error)
{
  /* Translators: the audit's id, then the reason. */
  return g_strdup_printf (_("Could not save the notes of audit %s: %s"), audit_id,
                          error->message);
}

void
afd_audit_page_flush (AfdAuditPage *self)
{
  g_return_if_fail (AFD_IS_AUDIT_PAGE (self));

  afd_note_editor_flush (self->notes_editor);
}

static void
reviewed_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(AfdEditReply) reply = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error);
  g_autoptr(AfdAuditPage) self = afd_edit_reply_get_page (reply, shown_id);
  /* Translators: the audit's id, then the reason. */
  g_autofree char *message = ok ? NULL : g_strdup_printf (_("Could not mark audit %s reviewed: "
                                                            "%s"), reply->item_id,
                                                          error->message);

  if (self == NULL)
    {
      if (!ok)
        g_warning ("%s", message);
      return;
    }
  if (ok)
    {
      afd_workspace_acted_on (self->workspace, reply->item_id);
      reload (self);
      return;
    }
  /* The review the page showed never happened. */
  g_clear_pointer (&self->audit, af_value_unref);
  self->audit = g_steal_pointer (&reply->before);
  show_review_state (self);
  toast (self, message);
}

/* The audit as it will be once reviewed, shown at once. */
static void
show_reviewed_now (AfdAuditPage *self)
{
  const char *me = af_store_thread_get_identity (store_thread (self));
  g_autofree char *now = af_clock_now_iso ();
  g_autoptr(AfValue) by = af_value_with_member (self->audit, "reviewed_by", af_value_new_s (me));

  g_clear_pointer (&self->audit, af_value_unref);
  self->audit = af_value_with_member (by, "review_timestamp", af_value_new_s (now));
  show_review_state (self);
}

static void
mark_reviewed (AfdAuditPage *self)
{
  AfdEditReply *reply;

  /* A note typed just before reaches the outbox before the review: the store's thread
   * runs them in this order. */
  afd_audit_page_flush (self);
  reply = afd_edit_reply_new (self, self->audit_id);
  reply->before = af_value_ref (self->audit);
  af_store_thread_mark_reviewed_async (store_thread (self), self->audit_id, NULL, reviewed_cb,
                                       reply);
  show_reviewed_now (self);
  toast (self, _("Marked reviewed"));
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autoptr(AfdAuditPage) self = user_data;

  /* The page may have moved to another audit while the dialog was up. */
  if (g_strcmp0 (response, "mark") == 0
      && g_strcmp0 (g_object_get_data (G_OBJECT (dialog), "audit-id"), self->audit_id) == 0)
    mark_reviewed (self);
}

/* Someone else's review is replaced only when the reviewer says so. */
static void
ask_to_mark_again (AfdAuditPage *self,
                   const char   *by)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *when = afd_format_iso_time (af_item_get_s (self->audit, "review_timestamp"));
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  /* TRANSLATORS: the previous reviewer's e-mail address, and when they reviewed */
  body = g_strdup_printf (_("Reviewed by %s on %s — mark reviewed again as you?"), by,
                          when ?: AFD_ABSENT);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                           : NULL,
                                                       _("Already Reviewed"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "mark", _("_Mark Reviewed Again"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "mark", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "audit-id", g_strdup (self->audit_id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
mark_reviewed_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (widget);
  const char *by;

  if (self->audit_id == NULL || self->audit == NULL
      || !afd_identity_ensure (widget, self->workspace))
    return;
  by = af_item_get_s (self->audit, "reviewed_by");
  if (by != NULL)
    ask_to_mark_again (self, by);
  else
    mark_reviewed (self);
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
  /* From the history (another audit, a corrected document), Back comes back here. */
  const char *action = list == self->documents_list ? "win.open-document" : "win.follow-item";

  if (id != NULL && *id != '\0')
    gtk_widget_activate_action (GTK_WIDGET (self), action, "s", id);
}

void
afd_audit_page_load (AfdAuditPage *self,
                     AfdWorkspace *workspace,
                     const char   *audit_id)
{
  g_return_if_fail (AFD_IS_AUDIT_PAGE (self));
  g_return_if_fail (AFD_IS_WORKSPACE (workspace));

  afd_audit_page_flush (self);
  g_set_object (&self->workspace, workspace);
  g_free (self->audit_id);
  self->audit_id = g_strdup (audit_id);
  afd_note_editor_set_item (self->notes_editor, workspace, audit_id);
  g_clear_pointer (&self->title, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", FALSE);
  reload (self);
}

const char *
afd_audit_page_get_audit_id (AfdAuditPage *self)
{
  g_return_val_if_fail (AFD_IS_AUDIT_PAGE (self), NULL);
  return self->audit_id;
}

/* Once the rows have their place (a frame after they were made), the row takes the
 * focus and the page scrolls to it. */
static gboolean
reveal_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (widget);
  GtkWidget *row;
  GtkAdjustment *adjustment;
  GtkWidget *group;
  graphene_point_t point;
  double top, bottom;

  if (self->reveal_row == NULL || self->history_list == NULL)
    return G_SOURCE_REMOVE;     /* asked twice (done by the first), or disposed */
  row = gtk_widget_get_first_child (GTK_WIDGET (self->history_list));
  while (row != NULL && g_strcmp0 (gtk_widget_get_name (row), self->reveal_row) != 0)
    row = gtk_widget_get_next_sibling (row);
  if (row == NULL)
    row = GTK_WIDGET (self->history_list);
  if (gtk_widget_get_height (row) == 0 ||
      !gtk_widget_compute_point (row, GTK_WIDGET (self->scroller),
                                 &GRAPHENE_POINT_INIT (0, 0), &point))
    return G_SOURCE_CONTINUE;   /* not laid out yet */
  g_clear_pointer (&self->reveal_row, g_free);
  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  top = gtk_adjustment_get_value (adjustment) + point.y;
  bottom = top + gtk_widget_get_height (row);
  /* The history from its heading on, when the row is then in view. */
  group = gtk_widget_get_ancestor (GTK_WIDGET (self->history_list), ADW_TYPE_PREFERENCES_GROUP);
  if (group != NULL &&
      gtk_widget_compute_point (group, GTK_WIDGET (self->scroller), &GRAPHENE_POINT_INIT (0, 0),
                                &point) &&
      bottom - (gtk_adjustment_get_value (adjustment) + point.y)
        <= gtk_adjustment_get_page_size (adjustment))
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y);
  else
    gtk_adjustment_clamp_page (adjustment, top, bottom);
  gtk_widget_grab_focus (row);
  return G_SOURCE_REMOVE;
}

void
afd_audit_page_reveal_history (AfdAuditPage *self,
                               const char   *row_id)
{
  g_return_if_fail (AFD_IS_AUDIT_PAGE (self));

  if (row_id != NULL)
    {
      g_free (self->reveal_row);
      self->reveal_row = g_strdup (row_id);
    }
  /* While the audit is read, show_loaded() comes back here. */
  if (self->reveal_row != NULL && self->loading_cancellable == NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (self), reveal_tick_cb, NULL, NULL);
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
  g_cancellable_cancel (self->loading_cancellable);
  g_clear_object (&self->loading_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_AUDIT_PAGE);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->audit, af_value_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->audit_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->level_class, g_free);
  g_clear_pointer (&self->reveal_row, g_free);

  G_OBJECT_CLASS (afd_audit_page_parent_class)->dispose (object);
}

static void
afd_audit_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AfdAuditPage *self = AFD_AUDIT_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, afd_audit_page_get_title (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_audit_page_class_init (AfdAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_audit_page_dispose;
  object_class->get_property = afd_audit_page_get_property;

  /* Changes when the audit's answer comes from the store's thread. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (AFD_TYPE_NOTE_EDITOR);
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
  gtk_widget_class_bind_template_child (widget_class, AfdAuditPage, notes_editor);
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

  afd_note_editor_set_saver (self->notes_editor, af_store_thread_set_review_notes_async,
                             describe_notes_failure);
  g_signal_connect (self->documents_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  g_signal_connect (self->history_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.mark-reviewed", FALSE);
}
