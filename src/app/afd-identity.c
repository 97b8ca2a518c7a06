/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-identity"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "af-config.h"
#include "afd-identity.h"

/* The dialog's widget name: while one is open, no second one is stacked on it. */
#define DIALOG_NAME "afd-identity-dialog"

static char *
configured_identity (GSettings *settings)
{
  g_autofree char *email = g_settings_get_string (settings, "identity");

  if (email[0] != '\0')
    return g_steal_pointer (&email);
  /* The CLI keeps it in its own file; both front ends sign with the same name. */
  return af_config_get_identity (NULL);
}

/* The store thread's connection, the workspace's only one, signs every edit with it. */
static void
set_identity (AfdWorkspace *workspace,
              const char   *email)
{
  af_store_thread_set_identity (afd_workspace_get_store_thread (workspace), email);
}

static void
save_identity (AfdWorkspace *workspace,
               const char   *email)
{
  g_autoptr(GError) error = NULL;

  g_settings_set_string (afd_workspace_get_settings (workspace), "identity", email);
  if (!af_config_set_identity (email, &error))
    g_warning ("Could not share the identity with the CLI: %s", error->message);
  set_identity (workspace, email);
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             AfdWorkspace     *workspace)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_strcmp0 (response, "save") == 0 && strchr (email, '@') != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Your edits are signed %s"), email);

      save_identity (workspace, email);
      if (parent != NULL)
        gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", text);
    }
}

static void
entry_changed_cb (GtkEditable      *entry,
                  AdwMessageDialog *dialog)
{
  adw_message_dialog_set_response_enabled (dialog, "save",
                                           strchr (gtk_editable_get_text (entry), '@') != NULL);
}

static void
ask (GtkWidget    *widget,
     AfdWorkspace *workspace)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Who Is Reviewing?"),
                                              _("Notes, reviews and verdicts are signed with "
                                                "your e-mail address."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (dialog, DIALOG_NAME);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("name@example.com"));
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_EMAIL);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("E-mail address"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (response_cb), workspace, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
asking (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_widget_get_name (window), DIALOG_NAME) == 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
afd_identity_ensure (GtkWidget    *widget,
                     AfdWorkspace *workspace)
{
  g_autofree char *email = NULL;

  if (af_store_thread_get_identity (afd_workspace_get_store_thread (workspace)) != NULL)
    return TRUE;

  email = configured_identity (afd_workspace_get_settings (workspace));
  if (email != NULL && *email != '\0')
    {
      set_identity (workspace, email);
      return TRUE;
    }

  if (afd_workspace_is_demo (workspace))
    {
      g_autofree char *text = g_strdup_printf (_("On the demo workspace, edits are signed %s"),
                                               AFD_DEMO_IDENTITY);

      set_identity (workspace, AFD_DEMO_IDENTITY);
      gtk_widget_activate_action (widget, "win.toast", "s", text);
      return TRUE;
    }

  /* Edits retried while the question is open must not stack up dialogs. */
  if (!asking ())
    ask (widget, workspace);
  return FALSE;
}
