/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-credentials.h"
#include "af-endpoint.h"
#include "afd-cloud.h"
#include "afd-preferences-window.h"

struct _AfdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* template widgets */
  GtkWidget            *workspace_group;
  AdwEntryRow          *region_row;
  AdwEntryRow          *dynamodb_row;
  AdwEntryRow          *s3_row;
  AdwActionRow         *test_row;
  GtkWidget            *test_spinner;
  GtkWidget            *test_button;
  AdwPreferencesGroup  *credentials_group;
  AdwEntryRow          *key_id_row;
  AdwEntryRow          *secret_row;
  AdwEntryRow          *token_row;
  AdwActionRow         *keyring_row;
  GtkWidget            *save_credentials_button;
  GtkWidget            *remove_credentials_button;
  AdwEntryRow          *table_documents_row;
  AdwEntryRow          *table_audits_row;
  AdwEntryRow          *table_analyses_row;
  AdwEntryRow          *table_users_row;
  AdwEntryRow          *env_row;
  AdwEntryRow          *identity_row;
  GtkWidget            *forget_group;
  AdwComboRow          *paper_row;
  AdwEntryRow          *forget_row;

  /* owned references */
  GSettings            *settings;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (AfdPreferencesWindow, afd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef struct
{
  gsize       offset;   /* of the row in the struct */
  const char *key;
} RowSetting;

#define ROW(name) G_STRUCT_OFFSET (AfdPreferencesWindow, name)

static const RowSetting row_settings[] = {
  { ROW (region_row), "region" },
  { ROW (dynamodb_row), "endpoint-dynamodb" },
  { ROW (s3_row), "endpoint-s3" },
  { ROW (table_documents_row), "table-documents" },
  { ROW (table_audits_row), "table-audits" },
  { ROW (table_analyses_row), "table-analyses" },
  { ROW (table_users_row), "table-users" },
  { ROW (env_row), "env-suffix" },
  { ROW (identity_row), "identity" },
};

#undef ROW

static AdwEntryRow *
row_at (AfdPreferencesWindow *self,
        gsize                 offset)
{
  return *(AdwEntryRow **) G_STRUCT_MEMBER_P (self, offset);
}

static void
show_toast (AfdPreferencesWindow *self,
            const char           *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
set_row_error (AdwEntryRow *row,
               gboolean     error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* The endpoint module decides what is acceptable (https, or http to loopback), so
 * that the window refuses exactly what a sync would. */
static gboolean
check_value (AfdPreferencesWindow  *self,
             AdwEntryRow           *row,
             const char            *text,
             GError               **error)
{
  g_autoptr(AfEndpoint) endpoint = NULL;
  AfService service = row == self->s3_row ? AF_SERVICE_S3 : AF_SERVICE_DYNAMODB;

  if (*text == '\0')
    return TRUE;
  if (row == self->identity_row && strchr (text, '@') == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("An e-mail address has an “@” in it"));
      return FALSE;
    }
  if (row != self->dynamodb_row && row != self->s3_row)
    return TRUE;
  endpoint = af_endpoint_new_for_url (service, "us-east-1", text, error);
  return endpoint != NULL;
}

static void
entry_applied_cb (AfdPreferencesWindow *self,
                  AdwEntryRow          *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GError) error = NULL;

  set_row_error (row, FALSE);
  if (!check_value (self, row, text, &error))
    {
      set_row_error (row, TRUE);
      show_toast (self, error->message);
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (row_settings); i++)
    if (row_at (self, row_settings[i].offset) == row)
      g_settings_set_string (self->settings, row_settings[i].key, text);
}

static void
load_settings (AfdPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (row_settings); i++)
    {
      g_autofree char *value = g_settings_get_string (self->settings, row_settings[i].key);

      gtk_editable_set_text (GTK_EDITABLE (row_at (self, row_settings[i].offset)), value);
    }
}

/* ---- Credentials ------------------------------------------------------------------ */

static void
credentials_looked_up_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(AfdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfCredentials) credentials = af_credentials_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (credentials == NULL)
    {
      adw_action_row_set_subtitle (self->keyring_row, error != NULL ? error->message
                                                                    : _("Nothing stored"));
      return;
    }
  gtk_widget_set_sensitive (self->remove_credentials_button, TRUE);
  /* Only the key id comes back into view; the secret stays in the keyring. */
  gtk_editable_set_text (GTK_EDITABLE (self->key_id_row),
                         af_credentials_get_access_key_id (credentials));
  adw_action_row_set_subtitle (self->keyring_row, _("Credentials are stored"));
}

static void
credentials_stored_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AfdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!af_credentials_store_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_action_row_set_subtitle (self->keyring_row, error->message);
      gtk_widget_set_sensitive (self->save_credentials_button, TRUE);
      return;
    }
  gtk_widget_set_sensitive (self->save_credentials_button, TRUE);
  gtk_widget_set_sensitive (self->remove_credentials_button, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  adw_action_row_set_subtitle (self->keyring_row, _("Credentials are stored"));
  show_toast (self, _("Credentials saved in the keyring"));
}

static void
save_credentials_clicked_cb (AfdPreferencesWindow *self)
{
  const char *key_id = gtk_editable_get_text (GTK_EDITABLE (self->key_id_row));
  const char *secret = gtk_editable_get_text (GTK_EDITABLE (self->secret_row));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  g_autoptr(AfCredentials) credentials = NULL;

  if (*key_id == '\0' || *secret == '\0')
    {
      show_toast (self, _("Both the access key ID and the secret access key are needed"));
      return;
    }
  credentials = af_credentials_new (key_id, secret, token);
  gtk_widget_set_sensitive (self->save_credentials_button, FALSE);
  af_credentials_store_async (credentials, NULL, self->cancellable, credentials_stored_cb,
                              g_object_ref (self));
}

static void
credentials_removed_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(AfdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!af_credentials_clear_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_action_row_set_subtitle (self->keyring_row, error->message);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->key_id_row), "");
  adw_action_row_set_subtitle (self->keyring_row, _("Nothing stored"));
  gtk_widget_set_sensitive (self->remove_credentials_button, FALSE);
}

static void
remove_credentials_clicked_cb (AfdPreferencesWindow *self)
{
  af_credentials_clear_async (NULL, self->cancellable, credentials_removed_cb,
                              g_object_ref (self));
}

/* ---- Test connection -------------------------------------------------------------- */

static void
set_testing (AfdPreferencesWindow *self,
             gboolean              testing)
{
  gtk_widget_set_visible (self->test_spinner, testing);
  gtk_spinner_set_spinning (GTK_SPINNER (self->test_spinner), testing);
  gtk_widget_set_sensitive (self->test_button, !testing);
}

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AfdPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 items = 0;
  g_autofree char *status = afd_cloud_test_finish (result, &items, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_testing (self, FALSE);
  if (status != NULL)
    /* TRANSLATORS: %s is DynamoDB's table status (ACTIVE, UPDATING…), left in English */
    text = g_strdup_printf (ngettext ("Connected: the audit records table is %s, about %d item",
                                      "Connected: the audit records table is %s, about %d items",
                                      (gulong) items), status, (int) items);
  else
    text = g_strdup_printf (_("Failed: %s"), error->message);
  adw_action_row_set_subtitle (self->test_row, text);
}

static void
test_clicked_cb (AfdPreferencesWindow *self)
{
  g_autoptr(AfdCloudConfig) config = afd_cloud_config_new_from_settings (self->settings, NULL,
                                                                         NULL);

  set_testing (self, TRUE);
  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  afd_cloud_test_async (config, self->cancellable, tested_cb, g_object_ref (self));
}

/* ---- Forget ------------------------------------------------------------------------ */

static void
forget_clicked_cb (AfdPreferencesWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->forget_row));
  g_autofree char *user_id = g_strstrip (g_strdup (text));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (*user_id == '\0' || parent == NULL)
    return;
  /* The confirmation belongs to the main window, which runs the deletion. */
  gtk_window_close (GTK_WINDOW (self));
  gtk_widget_activate_action (GTK_WIDGET (parent), "win.forget-user", "s", user_id);
}

/* ---- Life cycle ------------------------------------------------------------------- */

static void
afd_preferences_window_dispose (GObject *object)
{
  AfdPreferencesWindow *self = AFD_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (afd_preferences_window_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AfdPreferencesWindow, name)

static void
afd_preferences_window_class_init (AfdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-preferences-window.ui");
  BIND (workspace_group);
  BIND (region_row);
  BIND (dynamodb_row);
  BIND (s3_row);
  BIND (test_row);
  BIND (test_spinner);
  BIND (test_button);
  BIND (credentials_group);
  BIND (key_id_row);
  BIND (secret_row);
  BIND (token_row);
  BIND (keyring_row);
  BIND (save_credentials_button);
  BIND (remove_credentials_button);
  BIND (table_documents_row);
  BIND (table_audits_row);
  BIND (table_analyses_row);
  BIND (table_users_row);
  BIND (env_row);
  BIND (identity_row);
  BIND (forget_group);
  BIND (paper_row);
  BIND (forget_row);
  gtk_widget_class_bind_template_callback (widget_class, entry_applied_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_credentials_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, remove_credentials_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_clicked_cb);
}

#undef BIND

static void
afd_preferences_window_init (AfdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* The paper row lists auto, a4, letter in the order of the setting's choices. */
static const char * const papers[] = { "auto", "a4", "letter" };

static gboolean
paper_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  const char *paper = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    if (g_strcmp0 (paper, papers[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
paper_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  guint index = g_value_get_uint (value);

  return g_variant_new_string (papers[index < G_N_ELEMENTS (papers) ? index : 0]);
}

AfdPreferencesWindow *
afd_preferences_window_new (GtkWindow *parent,
                            GSettings *settings,
                            gboolean   demo)
{
  AfdPreferencesWindow *self = g_object_new (AFD_TYPE_PREFERENCES_WINDOW,
                                             "transient-for", parent, NULL);

  self->settings = g_object_ref (settings);
  gtk_widget_set_visible (self->workspace_group, demo);
  /* The demo's users are not in any cloud: nothing to delete on request. */
  gtk_widget_set_visible (self->forget_group, !demo);
  gtk_widget_set_sensitive (self->remove_credentials_button, FALSE);
  load_settings (self);
  g_settings_bind_with_mapping (settings, "report-paper", self->paper_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, paper_get_mapping, paper_set_mapping,
                                NULL, NULL);
  af_credentials_lookup_async (NULL, self->cancellable, credentials_looked_up_cb,
                               g_object_ref (self));
  return self;
}
