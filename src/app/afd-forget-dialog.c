/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-forget-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-cloud.h"
#include "afd-forget-dialog.h"

struct _AfdForgetDialog
{
  AdwMessageDialog  parent_instance;

  /* owned references */
  AfdWorkspace     *workspace;
  GSettings        *settings;
  char             *user_id;
};

G_DEFINE_FINAL_TYPE (AfdForgetDialog, afd_forget_dialog, ADW_TYPE_MESSAGE_DIALOG)

typedef struct
{
  GtkWidget    *parent;      /* (owned) */
  AfdWorkspace *workspace;   /* (owned) */
} Reply;

static void
forgotten_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AfForgetResult forget = { 0, };

  if (afd_cloud_forget_finish (result, &forget, &error))
    /* TRANSLATORS: what a deletion on request removed */
    text = g_strdup_printf (_("User forgotten: %u analyses and %u images deleted in the cloud, "
                              "%u records on this computer"),
                            forget.analyses, forget.objects, forget.local);
  else
    text = g_strdup_printf (_("The deletion stopped: %s. It goes on with the next sync."),
                            error->message);
  gtk_widget_activate_action (reply->parent, "win.toast", "s", text);
  afd_workspace_changed (reply->workspace, TRUE);
  g_object_unref (reply->parent);
  g_object_unref (reply->workspace);
  g_free (reply);
}

static void
afd_forget_dialog_response (AdwMessageDialog *dialog,
                            const char       *response)
{
  AfdForgetDialog *self = AFD_FORGET_DIALOG (dialog);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  AfStoreThread *store_thread = afd_workspace_get_store_thread (self->workspace);
  g_autoptr(AfdCloudConfig) config = NULL;
  Reply *reply;

  if (ADW_MESSAGE_DIALOG_CLASS (afd_forget_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (afd_forget_dialog_parent_class)->response (dialog, response);
  if (g_strcmp0 (response, "forget") != 0 || parent == NULL)
    return;
  config = afd_cloud_config_new_from_settings (self->settings,
                                               af_store_thread_get_path (store_thread),
                                               af_store_thread_get_identity (store_thread));
  reply = g_new0 (Reply, 1);
  reply->parent = g_object_ref (GTK_WIDGET (parent));
  reply->workspace = g_object_ref (self->workspace);
  /* Not cancelled with the window: the request is recorded first and must run through. */
  afd_cloud_forget_async (config, self->user_id, NULL, forgotten_cb, reply);
}

static void
afd_forget_dialog_dispose (GObject *object)
{
  AfdForgetDialog *self = AFD_FORGET_DIALOG (object);

  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->user_id, g_free);

  G_OBJECT_CLASS (afd_forget_dialog_parent_class)->dispose (object);
}

static void
afd_forget_dialog_class_init (AfdForgetDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = afd_forget_dialog_dispose;
  ADW_MESSAGE_DIALOG_CLASS (klass)->response = afd_forget_dialog_response;
}

static void
afd_forget_dialog_init (AfdForgetDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"),
                                    "forget", _("_Delete Everything"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
}

AfdForgetDialog *
afd_forget_dialog_new (GtkWindow    *parent,
                       AfdWorkspace *workspace,
                       GSettings    *settings,
                       const char   *user_id)
{
  AfdForgetDialog *self = g_object_new (AFD_TYPE_FORGET_DIALOG, "transient-for", parent,
                                        "modal", TRUE, NULL);
  g_autofree char *heading = g_strdup_printf (_("Forget the User %s?"), user_id);

  self->workspace = g_object_ref (workspace);
  self->settings = g_object_ref (settings);
  self->user_id = g_strdup (user_id);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               _("In the cloud: every artwork analysis of this user, every image "
                                 "they uploaded and the images made from them, and the user "
                                 "record itself.\n\nOn this computer: the same analyses, their "
                                 "cached images, and any edits or submissions of theirs not yet "
                                 "sent.\n\nThis cannot be undone."));
  return self;
}
