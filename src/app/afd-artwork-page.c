/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-artwork-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-clock.h"
#include "af-store-async.h"
#include "afd-artwork-page.h"
#include "afd-edit-reply.h"
#include "afd-format.h"
#include "afd-identity.h"
#include "afd-findings-list.h"
#include "afd-image-workbench.h"
#include "afd-mark-saver.h"
#include "afd-metadata-view.h"
#include "afd-note-editor.h"
#include "afd-report-export.h"

/* The dropdown's order: "Not set" first, then the verdicts. */
static const char * const verdicts[] = { NULL, "AUTHENTIC", "SUSPICIOUS", "LIKELY_FORGED" };

struct _AfdArtworkPage
{
  GtkWidget      parent_instance;

  /* template widgets */
  AfdImageWorkbench *workbench;
  GtkStack      *side_stack;
  AfdFindingsList *findings_list;
  GtkLabel      *marks_status;
  AfdMetadataView *metadata_view;
  GtkScrolledWindow *scroller;
  GtkLabel      *name_label;
  GtkLabel      *status_label;
  GtkLabel      *verdict_label;
  GtkLabel      *score_label;
  GtkLabel      *error_label;
  GtkLabel      *analysis_label;
  AdwActionRow  *verdict_row;
  GtkDropDown   *verdict_dropdown;
  AfdNoteEditor *note_editor;
  AdwActionRow  *model_row;
  AdwActionRow  *type_row;
  AdwActionRow  *size_row;
  AdwActionRow  *created_row;
  AdwActionRow  *analysed_row;
  AdwActionRow  *delete_row;
  AdwActionRow  *request_row;
  AdwActionRow  *user_row;
  GtkWidget     *forget_button;

  /* owned references */
  AfdWorkspace  *workspace;      /* (nullable) */
  AfValue       *analysis;       /* (nullable) */
  char          *request_id;     /* (nullable) */
  char          *verdict_class;  /* (nullable) */
  AfdMarkSaver  *saver;          /* (nullable) for the workspace's file */
  GCancellable  *cancellable;    /* (nullable) the analysis being read */
  GCancellable  *user_cancellable; /* (nullable) the user's name being read */

  gboolean       loading;
};

G_DEFINE_FINAL_TYPE (AfdArtworkPage, afd_artwork_page, GTK_TYPE_WIDGET)

static void
toast (AfdArtworkPage *self,
       const char     *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
set_row (AdwActionRow *row,
         char         *text)   /* (transfer full) (nullable) */
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : AFD_ABSENT);
  g_free (text);
}

static void
show_verdict (AfdArtworkPage *self)
{
  const char *verdict = af_item_get_s (self->analysis, "verdict");
  double score = af_item_get_double (self->analysis, "forgery_score", -1);
  g_autofree char *score_text = NULL;

  if (self->verdict_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->verdict_label), self->verdict_class);
  g_free (self->verdict_class);
  self->verdict_class = g_strdup (afd_verdict_css_class (verdict));
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_label), self->verdict_class);
  gtk_label_set_label (self->verdict_label, verdict != NULL ? afd_verdict_label (verdict)
                                                            : _("No verdict"));

  score_text = score >= 0 ? g_strdup_printf (_("Forgery score %s of 100"),
                                             af_item_get_n (self->analysis, "forgery_score"))
                          : g_strdup (_("No forgery score"));
  gtk_label_set_label (self->score_label, score_text);
}

static void
show_status (AfdArtworkPage *self)
{
  const char *status = af_item_get_s (self->analysis, "status");
  const char *message = af_item_get_s (self->analysis, "error_message");
  g_autofree char *text = NULL;

  if (g_strcmp0 (status, "PENDING") == 0)
    text = g_strdup (_("Pending: the analysis has not finished yet"));
  else
    text = g_strdup_printf (_("Status: %s"), afd_status_label (status));
  gtk_label_set_label (self->status_label, text);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label),
                          g_strcmp0 (status, "FAILED") == 0 || message != NULL);
  if (message != NULL || g_strcmp0 (status, "FAILED") == 0)
    {
      g_autofree char *error_text = g_strdup_printf (_("The analysis failed: %s"),
                                                     message ?: _("no reason given"));
      gtk_label_set_label (self->error_label, error_text);
    }
}

/* "First Last <e-mail>" (or whichever of them the user's item has), NULL when none. */
static char *
describe_user (const AfValue *user)
{
  const char *email = af_item_get_s (user, "email");
  g_autofree char *name = g_strstrip (g_strjoin (" ", af_item_get_s (user, "first_name") ?: "",
                                                 af_item_get_s (user, "last_name") ?: "", NULL));

  if (*name != '\0' && email != NULL)
    return g_strdup_printf ("%s <%s>", name, email);
  if (*name != '\0')
    return g_steal_pointer (&name);
  return g_strdup (email);
}

static void
user_loaded_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) user = af_store_thread_get_item_finish (AF_STORE_THREAD (source), result,
                                                             &error);
  g_autofree char *who = NULL;
  AfdArtworkPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the page went away, or on to another artwork */
  self = AFD_ARTWORK_PAGE (user_data);
  who = user != NULL ? describe_user (user) : NULL;
  /* A user not in the cache keeps the id the row already shows. */
  if (who != NULL)
    set_row (self->user_row, g_steal_pointer (&who));
}

/* People are named as the users table names them (read on the store's thread); the id
 * shows until then, and stays at hand as the tooltip. */
static void
show_user (AfdArtworkPage *self,
           const char     *user_id)
{
  g_cancellable_cancel (self->user_cancellable);
  g_clear_object (&self->user_cancellable);
  set_row (self->user_row, g_strdup (user_id));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->user_row), user_id);
  if (user_id == NULL)
    return;
  self->user_cancellable = g_cancellable_new ();
  af_store_thread_get_item_async (afd_workspace_get_store_thread (self->workspace),
                                  AF_TABLE_USERS, user_id, self->user_cancellable,
                                  user_loaded_cb, self);
}

static void
show_details (AfdArtworkPage *self)
{
  const AfValue *a = self->analysis;
  const char *analysis = af_item_get_s (a, "ai_analysis");

  gtk_label_set_label (self->name_label, af_item_get_s (a, "filename") ?: AFD_ABSENT);
  gtk_label_set_label (self->analysis_label,
                       analysis != NULL ? analysis : _("No analysis text yet."));
  set_row (self->model_row, g_strdup (af_item_get_s (a, "model")));
  set_row (self->type_row, g_strdup (af_item_get_s (a, "content_type")));
  set_row (self->size_row, afd_format_size (af_item_get_n (a, "size_bytes")));
  set_row (self->created_row, afd_format_unix_time (af_item_get_n (a, "created_at"), TRUE));
  set_row (self->analysed_row, afd_format_iso_time (af_item_get_s (a, "timestamp_iso")));
  set_row (self->delete_row, afd_format_unix_time (af_item_get_n (a, "auto_delete_date"), FALSE));
  set_row (self->request_row, g_strdup (self->request_id));
  show_user (self, af_item_get_s (a, "user_id"));
  /* win.forget-user takes the user's id; the button goes with the id it would delete. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->forget_button), "s",
                                    af_item_get_s (a, "user_id") ?: "");
  gtk_widget_set_visible (self->forget_button, af_item_get_s (a, "user_id") != NULL);
}

static void
show_verdict_choice (AfdArtworkPage *self)
{
  const char *mine = af_item_get_s (self->analysis, "reviewer_verdict");
  const char *by = af_item_get_s (self->analysis, "reviewed_by");
  guint selected = 0;
  g_autofree char *subtitle = NULL;

  for (guint i = 1; i < G_N_ELEMENTS (verdicts); i++)
    if (g_strcmp0 (mine, verdicts[i]) == 0)
      selected = i;

  self->loading = TRUE;
  gtk_drop_down_set_selected (self->verdict_dropdown, selected);
  self->loading = FALSE;

  if (mine != NULL && by != NULL)
    {
      g_autofree char *when = afd_format_iso_time (af_item_get_s (self->analysis,
                                                                  "review_timestamp"));
      subtitle = g_strdup_printf (_("Set by %s on %s"), by, when ?: AFD_ABSENT);
    }
  adw_action_row_set_subtitle (self->verdict_row, subtitle ?: _("Not appraised yet"));
}

static void
show_note (AfdArtworkPage *self)
{
  afd_note_editor_set_text (self->note_editor, af_item_get_s (self->analysis, "review_notes"));
}

/* The upload itself is what the appraiser inspects: full resolution, its own metadata
 * and compression (the processed copy is resized and re-encoded by the pipeline). The
 * processed copy is the fall-back when the upload is not here. */
static char *
resolve_image (AfdArtworkPage  *self,
               GError         **error)
{
  g_autoptr(GError) raw_error = NULL;
  char *path;

  if (af_item_get_s (self->analysis, "raw_image_url") != NULL)
    {
      path = afd_workspace_resolve_object (self->workspace, self->analysis,
                                           "raw_image_url", &raw_error);
      if (path != NULL)
        return path;
    }
  if (af_item_get_s (self->analysis, "processed_image_url") != NULL)
    return afd_workspace_resolve_object (self->workspace, self->analysis,
                                         "processed_image_url", error);

  if (raw_error != NULL)
    g_propagate_error (error, g_steal_pointer (&raw_error));
  else
    g_set_error_literal (error, AFD_WORKSPACE_ERROR, AFD_WORKSPACE_ERROR_NOT_OFFLINE,
                         _("The analysis names no image."));
  return NULL;
}

/* ---- the local inspection: findings and metadata ---- */

static void
inspected_cb (AfdArtworkPage    *self,
              AfForensicsReport *report,
              const char        *message)
{
  const AfValue *marks = self->analysis != NULL ? af_value_map_get (self->analysis,
                                                                    "appraisal_findings") : NULL;

  afd_metadata_view_set_report (self->metadata_view, report, message);
  if (report == NULL)
    {
      afd_findings_list_set_findings (self->findings_list, NULL, NULL);
      afd_findings_list_set_message (self->findings_list, message);
      return;
    }
  afd_findings_list_set_findings (self->findings_list, af_forensics_report_get_findings (report),
                                  marks);
}

static void
finding_activated_cb (AfdArtworkPage *self,
                      AfFinding      *finding)
{
  afd_image_workbench_show_finding (self->workbench, finding);
}

static void
mark_changed_cb (AfdArtworkPage *self,
                 AfFinding      *finding,
                 const char     *status,
                 const char     *comment)
{
  const AfImageRect *rect = af_finding_get_region (finding);
  int region[4];

  if (self->request_id == NULL || self->saver == NULL
      || !afd_identity_ensure (GTK_WIDGET (self), self->workspace))
    {
      gtk_label_set_label (self->marks_status, _("Not saved: your e-mail address is needed "
                                                 "to sign your marks."));
      return;
    }
  if (rect != NULL)
    {
      region[0] = rect->x;
      region[1] = rect->y;
      region[2] = rect->width;
      region[3] = rect->height;
    }
  gtk_label_set_label (self->marks_status, _("Saving…"));
  afd_mark_saver_save (self->saver, self->request_id,
                       af_finding_kind_to_string (af_finding_get_kind (finding)),
                       rect != NULL ? region : NULL, status, comment);
}

static void
mark_saved_cb (AfdArtworkPage *self,
               const char     *request_id)
{
  if (afd_mark_saver_get_pending (self->saver) > 0)
    return;
  gtk_label_set_label (self->marks_status, _("Your marks are saved on this computer · waiting to sync"));
  afd_workspace_changed (self->workspace, FALSE);
}

static void
mark_failed_cb (AfdArtworkPage *self,
                const char     *request_id,
                const char     *message)
{
  g_autofree char *text = g_strdup_printf (_("Could not save your mark: %s"), message);

  gtk_label_set_label (self->marks_status, text);
  toast (self, text);
}

static void
set_workspace (AfdArtworkPage *self,
               AfdWorkspace   *workspace)
{
  if (!g_set_object (&self->workspace, workspace))
    return;
  if (self->saver != NULL)
    g_signal_handlers_disconnect_by_data (self->saver, self);
  g_clear_object (&self->saver);
  if (workspace == NULL)
    return;
  self->saver = afd_mark_saver_new (afd_workspace_get_store_thread (workspace));
  g_signal_connect_swapped (self->saver, "saved", G_CALLBACK (mark_saved_cb), self);
  g_signal_connect_swapped (self->saver, "failed", G_CALLBACK (mark_failed_cb), self);
}

AfdImageWorkbench *
afd_artwork_page_get_workbench (AfdArtworkPage *self)
{
  g_return_val_if_fail (AFD_IS_ARTWORK_PAGE (self), NULL);
  return self->workbench;
}

AfdFindingsList *
afd_artwork_page_get_findings_list (AfdArtworkPage *self)
{
  g_return_val_if_fail (AFD_IS_ARTWORK_PAGE (self), NULL);
  return self->findings_list;
}

AfdMetadataView *
afd_artwork_page_get_metadata_view (AfdArtworkPage *self)
{
  g_return_val_if_fail (AFD_IS_ARTWORK_PAGE (self), NULL);
  return self->metadata_view;
}

static void
load_image (AfdArtworkPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = resolve_image (self, &error);

  afd_findings_list_set_findings (self->findings_list, NULL, NULL);
  afd_findings_list_set_message (self->findings_list, _("Inspecting the picture…"));
  afd_metadata_view_set_report (self->metadata_view, NULL, _("Inspecting the picture…"));
  gtk_label_set_label (self->marks_status, "");
  if (path == NULL)
    {
      afd_image_workbench_show_error (self->workbench, error->message);
      inspected_cb (self, NULL, error->message);
    }
  else
    afd_image_workbench_load (self->workbench, path);
}

static AfStoreThread *
store_thread (AfdArtworkPage *self)
{
  return afd_workspace_get_store_thread (self->workspace);
}

static const char *
shown_id (gpointer page)
{
  return AFD_ARTWORK_PAGE (page)->request_id;
}

static char *
describe_note_failure (const char   *request_id,
                       const GError *error)
{
  /* Translators: the analysis's request id, then the reason. */
  return g_strdup_printf (_("Could not save the note of artwork %s: %s"), request_id,
                          error->message);
}

void
afd_artwork_page_flush (AfdArtworkPage *self)
{
  g_return_if_fail (AFD_IS_ARTWORK_PAGE (self));

  afd_note_editor_flush (self->note_editor);
}

static void
analysis_reread_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) analysis = af_store_thread_get_item_finish (AF_STORE_THREAD (source), result,
                                                                 &error);
  AfdArtworkPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || analysis == NULL)
    return;
  self = AFD_ARTWORK_PAGE (user_data);
  g_clear_pointer (&self->analysis, af_value_unref);
  self->analysis = g_steal_pointer (&analysis);
  show_verdict_choice (self);
}

static void
verdict_saved_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AfdEditReply) reply = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error);
  g_autoptr(AfdArtworkPage) self = afd_edit_reply_get_page (reply, shown_id);
  /* Translators: the analysis's request id, then the reason. */
  g_autofree char *message = ok ? NULL : g_strdup_printf (_("Could not save the verdict on "
                                                            "artwork %s: %s"),
                                                          reply->item_id, error->message);

  if (self == NULL)
    {
      if (!ok)
        g_warning ("%s", message);
      return;
    }
  if (ok)
    {
      afd_workspace_acted_on (self->workspace, reply->item_id);
      af_store_thread_get_item_async (store_thread (self), AF_TABLE_ANALYSES, self->request_id,
                                      self->cancellable, analysis_reread_cb, self);
      return;
    }
  /* The verdict the page showed was never recorded. */
  g_clear_pointer (&self->analysis, af_value_unref);
  self->analysis = g_steal_pointer (&reply->before);
  show_verdict_choice (self);
  toast (self, message);
}

/* The analysis as it will be with @verdict, shown at once. */
static void
show_verdict_now (AfdArtworkPage *self,
                  const char     *verdict)
{
  const char *me = af_store_thread_get_identity (store_thread (self));
  g_autofree char *now = af_clock_now_iso ();
  g_autoptr(AfValue) with_verdict = af_value_with_member (self->analysis, "reviewer_verdict",
                                                          af_value_new_s (verdict));
  g_autoptr(AfValue) with_by = af_value_with_member (with_verdict, "reviewed_by",
                                                     af_value_new_s (me));

  g_clear_pointer (&self->analysis, af_value_unref);
  self->analysis = af_value_with_member (with_by, "review_timestamp", af_value_new_s (now));
  show_verdict_choice (self);
}

static void
verdict_selected_cb (AfdArtworkPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->verdict_dropdown);
  AfdEditReply *reply;

  if (self->loading || self->analysis == NULL || selected >= G_N_ELEMENTS (verdicts))
    return;
  /* A verdict, once given, is changed, not withdrawn: show the recorded one again. */
  if (selected == 0)
    {
      show_verdict_choice (self);
      return;
    }
  if (!afd_identity_ensure (GTK_WIDGET (self), self->workspace))
    {
      show_verdict_choice (self);
      return;
    }
  /* The note first: the store's thread runs them in this order. */
  afd_artwork_page_flush (self);
  reply = afd_edit_reply_new (self, self->request_id);
  reply->before = af_value_ref (self->analysis);
  af_store_thread_set_verdict_async (store_thread (self), self->request_id, verdicts[selected],
                                     NULL, verdict_saved_cb, reply);
  show_verdict_now (self, verdicts[selected]);
  toast (self, _("Verdict saved"));
}

static void
show_missing (AfdArtworkPage *self,
              const GError   *error)
{
  g_clear_pointer (&self->analysis, af_value_unref);
  gtk_label_set_label (self->name_label, _("Analysis Not Found"));
  gtk_label_set_label (self->status_label, error->message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scroller), FALSE);
}

static void
show_analysis (AfdArtworkPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->scroller), TRUE);
  show_verdict (self);
  show_status (self);
  show_details (self);
  show_verdict_choice (self);
  show_note (self);
  load_image (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static void
analysis_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AfValue *analysis = af_store_thread_get_item_finish (AF_STORE_THREAD (source), result, &error);
  AfdArtworkPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_ARTWORK_PAGE (user_data);
  g_clear_pointer (&self->analysis, af_value_unref);
  self->analysis = analysis;
  if (analysis == NULL)
    show_missing (self, error);
  else
    show_analysis (self);
}

void
afd_artwork_page_load (AfdArtworkPage *self,
                       AfdWorkspace   *workspace,
                       const char     *request_id)
{
  g_return_if_fail (AFD_IS_ARTWORK_PAGE (self));

  afd_artwork_page_flush (self);
  set_workspace (self, workspace);
  g_free (self->request_id);
  self->request_id = g_strdup (request_id);
  afd_note_editor_set_item (self->note_editor, workspace, request_id);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  af_store_thread_get_item_async (store_thread (self), AF_TABLE_ANALYSES, request_id,
                                  self->cancellable, analysis_read_cb, self);
}

const char *
afd_artwork_page_get_title (AfdArtworkPage *self)
{
  g_return_val_if_fail (AFD_IS_ARTWORK_PAGE (self), NULL);
  return _("Artwork");
}

static void
afd_artwork_page_dispose (GObject *object)
{
  AfdArtworkPage *self = AFD_ARTWORK_PAGE (object);

  if (self->workspace != NULL)
    afd_artwork_page_flush (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->user_cancellable);
  g_clear_object (&self->user_cancellable);
  set_workspace (self, NULL);
  /* Its inspection keeps the workbench alive past this page: stopped here, it can no
   * longer report to a page that is gone. */
  if (self->workbench != NULL)
    afd_image_workbench_stop (self->workbench);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_ARTWORK_PAGE);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->analysis, af_value_unref);
  g_clear_pointer (&self->request_id, g_free);
  g_clear_pointer (&self->verdict_class, g_free);

  G_OBJECT_CLASS (afd_artwork_page_parent_class)->dispose (object);
}

/* The report includes a note typed a moment ago: it is saved first. */
static void
export_report_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AfdArtworkPage *self = AFD_ARTWORK_PAGE (widget);

  if (self->request_id == NULL || self->analysis == NULL)
    return;
  afd_artwork_page_flush (self);
  afd_report_export (widget, self->workspace, AF_TABLE_ANALYSES, self->analysis, self->request_id);
}

static void
print_report_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AfdArtworkPage *self = AFD_ARTWORK_PAGE (widget);

  if (self->request_id == NULL)
    return;
  afd_artwork_page_flush (self);
  afd_report_print (widget, self->workspace, self->request_id);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AfdArtworkPage, name)

static void
afd_artwork_page_class_init (AfdArtworkPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_artwork_page_dispose;

  g_type_ensure (AFD_TYPE_IMAGE_WORKBENCH);
  g_type_ensure (AFD_TYPE_FINDINGS_LIST);
  g_type_ensure (AFD_TYPE_METADATA_VIEW);
  g_type_ensure (AFD_TYPE_NOTE_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-artwork-page.ui");
  BIND (workbench);
  BIND (side_stack);
  BIND (findings_list);
  BIND (marks_status);
  BIND (metadata_view);
  BIND (scroller);
  BIND (name_label);
  BIND (status_label);
  BIND (verdict_label);
  BIND (score_label);
  BIND (error_label);
  BIND (analysis_label);
  BIND (verdict_row);
  BIND (verdict_dropdown);
  BIND (note_editor);
  BIND (model_row);
  BIND (type_row);
  BIND (size_row);
  BIND (created_row);
  BIND (analysed_row);
  BIND (delete_row);
  BIND (request_row);
  BIND (user_row);
  BIND (forget_button);
  gtk_widget_class_install_action (widget_class, "artwork.export-report", NULL, export_report_cb);
  gtk_widget_class_install_action (widget_class, "artwork.print-report", NULL, print_report_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

#undef BIND

static void
afd_artwork_page_init (AfdArtworkPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  afd_note_editor_set_saver (self->note_editor, af_store_thread_set_appraisal_note_async,
                             describe_note_failure);
  g_signal_connect_swapped (self->verdict_dropdown, "notify::selected",
                            G_CALLBACK (verdict_selected_cb), self);
  /* Children may outlive the page (work in flight holds them): a disposed page is
   * never called. */
  g_signal_connect_object (self->workbench, "inspected", G_CALLBACK (inspected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->findings_list, "finding-activated",
                           G_CALLBACK (finding_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->findings_list, "mark-changed", G_CALLBACK (mark_changed_cb),
                           self, G_CONNECT_SWAPPED);
}
