/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-submit-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "af-forensics.h"
#include "af-submit.h"
#include "afd-findings-list.h"
#include "afd-submit-dialog.h"
#include "afd-texture-loader.h"

struct _AfdSubmitDialog
{
  AdwMessageDialog  parent_instance;

  /* template widgets */
  GtkPicture       *preview;
  GtkLabel         *problem_label;
  GtkSwitch        *save_switch;
  AfdFindingsList  *findings_list;

  /* owned references */
  AfdWorkspace     *workspace;
  GFile            *file;
  GCancellable     *inspection;   /* reading and inspecting the file */
  AfForensicsReport *report;      /* (nullable) */
};

G_DEFINE_FINAL_TYPE (AfdSubmitDialog, afd_submit_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* ---- Queueing off the main thread -------------------------------------------------- */

typedef struct
{
  char     *db_path;
  char     *identity;   /* (nullable) */
  char     *path;
  gboolean  save;
} QueueData;

static void
queue_data_free (gpointer data)
{
  QueueData *queue = data;

  g_free (queue->db_path);
  g_free (queue->identity);
  g_free (queue->path);
  g_free (queue);
}

/* The window's connection belongs to the store's thread, which a submission (a file
 * read and hashed) would hold up: the worker opens its own on the same file for the
 * one transaction it needs. */
static void
queue_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueueData *queue = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (queue->db_path, &error);
  char *request_id = NULL;

  if (store != NULL && queue->identity != NULL)
    af_store_set_identity (store, queue->identity);
  if (store != NULL)
    request_id = af_submit_queue (store, queue->path, queue->save, &error);
  if (request_id == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, request_id, g_free);
}

void
afd_submit_queue_async (const char          *db_path,
                        const char          *identity,
                        const char          *path,
                        gboolean             save,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  QueueData *queue = g_new0 (QueueData, 1);

  queue->db_path = g_strdup (db_path);
  queue->identity = g_strdup (identity);
  queue->path = g_strdup (path);
  queue->save = save;
  g_task_set_source_tag (task, afd_submit_queue_async);
  g_task_set_task_data (task, queue, queue_data_free);
  g_task_run_in_thread (task, queue_thread);
}

char *
afd_submit_queue_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- The dialog ------------------------------------------------------------------- */

typedef struct
{
  GtkWindow    *parent;      /* (owned) */
  AfdWorkspace *workspace;   /* (owned) */
} Reply;

static void
reply_free (Reply *reply)
{
  g_object_unref (reply->parent);
  g_object_unref (reply->workspace);
  g_free (reply);
}

static void
show_refusal (GtkWindow    *parent,
              const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, _("Cannot Submit This Image"),
                                              error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = afd_submit_queue_finish (result, &error);

  if (request_id == NULL)
    show_refusal (reply->parent, error);
  else
    {
      gtk_widget_activate_action (GTK_WIDGET (reply->parent), "win.toast", "s",
                                  _("Artwork queued for analysis; it is sent with the next sync"));
      afd_workspace_changed (reply->workspace, FALSE);
    }
  reply_free (reply);
}

static void
afd_submit_dialog_response (AdwMessageDialog *dialog,
                            const char       *response)
{
  AfdSubmitDialog *self = AFD_SUBMIT_DIALOG (dialog);
  g_autofree char *path = g_file_get_path (self->file);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  AfStoreThread *store_thread;
  Reply *reply;

  if (ADW_MESSAGE_DIALOG_CLASS (afd_submit_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (afd_submit_dialog_parent_class)->response (dialog, response);
  if (g_strcmp0 (response, "submit") != 0 || path == NULL || parent == NULL)
    return;
  reply = g_new0 (Reply, 1);
  reply->parent = g_object_ref (parent);
  reply->workspace = g_object_ref (self->workspace);
  store_thread = afd_workspace_get_store_thread (self->workspace);
  afd_submit_queue_async (af_store_thread_get_path (store_thread),
                          af_store_thread_get_identity (store_thread), path,
                          gtk_switch_get_active (self->save_switch), NULL, queued_cb, reply);
}

/* ---- The local inspection, while the appraiser decides ---------------------------- */

static void
inspected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfForensicsReport) report = af_forensics_inspect_finish (result, &error);
  AfdSubmitDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_SUBMIT_DIALOG (user_data);
  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The picture could not be inspected: %s"),
                                                  error->message);

      afd_findings_list_set_message (self->findings_list, message);
      return;
    }
  g_set_object (&self->report, report);
  afd_findings_list_set_findings (self->findings_list, af_forensics_report_get_findings (report),
                                  NULL);
}

/* The longest side of the preview's decoded picture. */
#define PREVIEW_SIZE 480

static void
preview_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = afd_texture_loader_load_finish (result, &error);
  AfdSubmitDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_SUBMIT_DIALOG (user_data);
  if (texture == NULL)
    {
      g_debug ("No preview: %s", error->message);
      return;
    }
  gtk_picture_set_paintable (self->preview, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->preview), TRUE);
}

static void
show_preview (AfdSubmitDialog *self,
              const char      *name,
              const char      *path)
{
  /* TRANSLATORS: what a screen reader says for the picture; %s is the file name */
  g_autofree char *alternative = g_strdup_printf (_("Preview of %s"), name);

  gtk_picture_set_alternative_text (self->preview, alternative);
  afd_texture_loader_load_async (path, PREVIEW_SIZE, self->inspection, preview_loaded_cb, self);
}

/* A file that queueing would refuse is refused here, before Submit is offered. */
static void
refuse (AfdSubmitDialog *self,
        const char      *message)
{
  g_autofree char *text = g_strdup_printf (_("This file cannot be submitted: %s"), message);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Cannot Submit This File"));
  gtk_label_set_label (self->problem_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "submit", FALSE);
  afd_findings_list_set_message (self->findings_list, text);
}

static void
file_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *path = g_file_get_path (G_FILE (source));
  AfdSubmitDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_SUBMIT_DIALOG (user_data);
  if (bytes == NULL || !af_submit_check_image (name, bytes, &error))
    {
      refuse (self, error->message);
      return;
    }
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "submit", TRUE);
  show_preview (self, name, path);
  /* Cached by the bytes' SHA-256: the artwork page reopens this report at once. */
  af_forensics_inspect_async (bytes, 0, self->inspection, NULL, NULL, NULL, inspected_cb, self);
}

gboolean
afd_submit_dialog_can_submit (AfdSubmitDialog *self)
{
  g_return_val_if_fail (AFD_IS_SUBMIT_DIALOG (self), FALSE);
  return adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "submit");
}

GtkPicture *
afd_submit_dialog_get_preview (AfdSubmitDialog *self)
{
  g_return_val_if_fail (AFD_IS_SUBMIT_DIALOG (self), NULL);
  return self->preview;
}

const char *
afd_submit_dialog_get_problem (AfdSubmitDialog *self)
{
  g_return_val_if_fail (AFD_IS_SUBMIT_DIALOG (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->problem_label))
         ? gtk_label_get_label (self->problem_label) : NULL;
}

AfForensicsReport *
afd_submit_dialog_get_report (AfdSubmitDialog *self)
{
  g_return_val_if_fail (AFD_IS_SUBMIT_DIALOG (self), NULL);
  return self->report;
}

AfdFindingsList *
afd_submit_dialog_get_findings_list (AfdSubmitDialog *self)
{
  g_return_val_if_fail (AFD_IS_SUBMIT_DIALOG (self), NULL);
  return self->findings_list;
}

static void
afd_submit_dialog_dispose (GObject *object)
{
  AfdSubmitDialog *self = AFD_SUBMIT_DIALOG (object);

  g_cancellable_cancel (self->inspection);
  g_clear_object (&self->inspection);
  g_clear_object (&self->report);
  g_clear_object (&self->workspace);
  g_clear_object (&self->file);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_SUBMIT_DIALOG);

  G_OBJECT_CLASS (afd_submit_dialog_parent_class)->dispose (object);
}

static void
afd_submit_dialog_class_init (AfdSubmitDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = afd_submit_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = afd_submit_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-submit-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdSubmitDialog, preview);
  gtk_widget_class_bind_template_child (widget_class, AfdSubmitDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, AfdSubmitDialog, save_switch);
  gtk_widget_class_bind_template_child (widget_class, AfdSubmitDialog, findings_list);
}

static void
afd_submit_dialog_init (AfdSubmitDialog *self)
{
  g_type_ensure (AFD_TYPE_FINDINGS_LIST);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->inspection = g_cancellable_new ();
}

AfdSubmitDialog *
afd_submit_dialog_new (GtkWindow    *parent,
                       AfdWorkspace *workspace,
                       GFile        *file)
{
  AfdSubmitDialog *self = g_object_new (AFD_TYPE_SUBMIT_DIALOG, "transient-for", parent,
                                        "modal", TRUE, NULL);
  g_autofree char *name = g_file_get_basename (file);

  self->workspace = g_object_ref (workspace);
  self->file = g_object_ref (file);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), name);
  g_file_load_bytes_async (file, self->inspection, file_read_cb, self);
  return self;
}

/* ---- Choosing the file ------------------------------------------------------------ */

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     Reply           *reply)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (response == GTK_RESPONSE_ACCEPT && file != NULL)
    gtk_window_present (GTK_WINDOW (afd_submit_dialog_new (reply->parent, reply->workspace,
                                                           file)));
  reply_free (reply);
  g_object_unref (chooser);
}

void
afd_submit_dialog_choose (GtkWindow    *parent,
                          AfdWorkspace *workspace)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  Reply *reply = g_new0 (Reply, 1);

  reply->parent = g_object_ref (parent);
  reply->workspace = g_object_ref (workspace);
  chooser = gtk_file_chooser_native_new (_("Choose an Artwork Image"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  /* What ArtGuard analyses; the bytes are checked again when queueing. */
  gtk_file_filter_set_name (filter, _("Images (JPEG, PNG, TIFF)"));
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), reply);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
