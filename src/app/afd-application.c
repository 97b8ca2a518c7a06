/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-application"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-guard.h"
#include "afd-application.h"
#include "afd-preferences-window.h"
#include "afd-window.h"
#include "afd-workspace.h"

struct _AfdApplication
{
  AdwApplication  parent_instance;

  /* owned references */
  GSettings      *settings;
  AfdWorkspace   *workspace;     /* (nullable) until it is open */
  GError         *open_error;    /* (nullable) why it could not be opened */
  GCancellable   *cancellable;   /* (nullable) the open in flight */
  char           *db_path;       /* (nullable) --db */
  gboolean        want_demo;     /* Open Demo Workspace: the demo, whatever is configured */
};

G_DEFINE_FINAL_TYPE (AfdApplication, afd_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Open this cache file instead of the usual workspace"), N_("FILE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[ID…]") },
  { NULL }
};

/* Run from the build tree, `meson devenv` (or build-aux/run-demo.sh) points
 * GSETTINGS_SCHEMA_DIR at the schema compiled there; no build path is baked in. */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    g_error ("The GSettings schema %s is not installed (uninstalled, run the app "
             "through `meson devenv`)", APP_ID);

  return g_settings_new_full (schema, NULL, NULL);
}

static void
afd_application_dispose (GObject *object)
{
  AfdApplication *self = AFD_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);
  g_clear_error (&self->open_error);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->db_path, g_free);

  G_OBJECT_CLASS (afd_application_parent_class)->dispose (object);
}

static int
afd_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  AfdApplication *self = AFD_APPLICATION (application);
  const char *db = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("auditflow-desk %s\n", PACKAGE_VERSION);
      return 0;
    }
  /* Only the instance that becomes primary opens a cache; a remote one just passes
   * its IDs on. */
  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    self->db_path = g_canonicalize_filename (db, NULL);
  return -1;
}

/* Open Demo Workspace is offered everywhere but in the demo itself. */
static void
update_demo_action (AfdApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "open-demo");
  gboolean demo = self->workspace != NULL && afd_workspace_is_demo (self->workspace);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), !demo);
}

static void
workspace_opened_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(AfdApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  AfdWorkspace *workspace = afd_workspace_open_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  self->workspace = workspace;
  update_demo_action (self);
  if (workspace == NULL)
    {
      g_warning ("Could not open the workspace: %s", error->message);
      self->open_error = g_steal_pointer (&error);
    }

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (AFD_IS_WINDOW (l->data))
      afd_window_set_workspace (l->data, self->workspace, self->open_error);
}

/* Opening a big cache takes CPU the first frame needs, so it starts after that frame:
 * the window shows at once, and fills in a moment later. */
static void
first_frame_cb (AfdApplication *self)
{
  if (self->workspace != NULL || self->open_error != NULL || self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  if (self->want_demo)
    afd_workspace_open_demo_async (self->settings, self->cancellable, workspace_opened_cb,
                                   g_object_ref (self));
  else
    afd_workspace_open_async (self->db_path, self->settings, self->cancellable,
                              workspace_opened_cb, g_object_ref (self));
}

static AfdWindow *
ensure_window_new (AfdApplication *self)
{
  AfdWindow *new_window = afd_window_new (self);

  if (self->workspace != NULL || self->open_error != NULL)
    afd_window_set_workspace (new_window, self->workspace, self->open_error);
  else
    g_signal_connect_object (new_window, "first-frame", G_CALLBACK (first_frame_cb), self,
                             G_CONNECT_SWAPPED);
  return new_window;
}

static AfdWindow *
ensure_window (AfdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    return AFD_WINDOW (window);
  return ensure_window_new (self);
}

static void
afd_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (ensure_window (AFD_APPLICATION (application))));
}

static int
afd_application_command_line (GApplication            *application,
                              GApplicationCommandLine *command_line)
{
  AfdApplication *self = AFD_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **ids = NULL;
  AfdWindow *window = ensure_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &ids))
    for (guint i = 0; ids[i] != NULL; i++)
      afd_window_open_id (window, ids[i]);
  return 0;
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GApplication *application = G_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (application));

  /* Closing the windows first lets each save its state and pending note. */
  for (GList *l = windows; l != NULL; l = windows)
    {
      windows = l->next;
      gtk_window_close (GTK_WINDOW (l->data));
    }
  g_application_quit (application);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "AuditFlow Desk contributors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  adw_show_about_window (parent,
                         "application-name", _("AuditFlow Desk"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("AuditFlow Desk contributors"),
                         "developers", developers,
                         "comments", _("Review loan audits and artwork analyses, offline too"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
color_scheme_changed (GSimpleAction *action,
                      GVariant      *value,
                      gpointer       user_data)
{
  const char *scheme = g_variant_get_string (value, NULL);
  AdwStyleManager *manager = adw_style_manager_get_default ();

  if (g_strcmp0 (scheme, "light") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_strcmp0 (scheme, "dark") == 0)
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  g_simple_action_set_state (action, value);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AfdApplication *self = AFD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  gboolean demo = self->workspace != NULL && afd_workspace_is_demo (self->workspace);

  AfdPreferencesWindow *preferences = afd_preferences_window_new (parent, self->settings, demo);

  /* "Use This Workspace" is an app action: the window must belong to the application. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

/* Replaces the workspace: a new window on the one asked for, made before the old
 * windows close so that the application keeps running. @db_path NULL with @demo. */
static void
switch_workspace (AfdApplication *self,
                  const char     *db_path,
                  gboolean        demo)
{
  g_autoptr(GList) old = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);
  g_clear_error (&self->open_error);
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  self->want_demo = demo;
  gtk_window_present (GTK_WINDOW (ensure_window_new (self)));
  for (GList *l = old; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

/* Leaves the demo for the user's own workspace.db (Preferences → Use This Workspace). */
static void
open_workspace_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "auditflow-desk",
                                            "workspace.db", NULL);

  switch_workspace (AFD_APPLICATION (user_data), path, FALSE);
}

/* Back to the demo from any workspace (the main menu), so leaving it is not for good. */
static void
open_demo_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  switch_workspace (AFD_APPLICATION (user_data), NULL, TRUE);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "open-workspace", open_workspace_activated },
  { "open-demo", open_demo_activated },
  { "about", about_activated },
  { "color-scheme", NULL, "s", "'default'", color_scheme_changed },
};

static void
afd_application_startup (GApplication *application)
{
  AfdApplication *self = AFD_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *sync_accels[] = { "<Control>r", "F5", NULL };

  G_APPLICATION_CLASS (afd_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.sync", sync_accels);

  self->settings = create_settings ();
}

/* After the windows have gone (their pages queue what was still being typed): the
 * store's thread commits every queued edit before the process ends. */
static void
afd_application_shutdown (GApplication *application)
{
  AfdApplication *self = AFD_APPLICATION (application);

  G_APPLICATION_CLASS (afd_application_parent_class)->shutdown (application);
  if (self->workspace != NULL)
    af_store_thread_close (afd_workspace_get_store_thread (self->workspace));
  /* What the UI tests read (AFD_SQL_GUARD=count): the main thread ran no SQL. */
  if (af_store_guard_get_mode () != AF_STORE_GUARD_OFF)
    g_message ("SQL statements on the main thread after the first frame: %u",
               af_store_guard_get_violations ());
}

static void
afd_application_class_init (AfdApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = afd_application_dispose;
  app_class->startup = afd_application_startup;
  app_class->shutdown = afd_application_shutdown;
  app_class->activate = afd_application_activate;
  app_class->command_line = afd_application_command_line;
  app_class->handle_local_options = afd_application_handle_local_options;
}

static void
afd_application_init (AfdApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[ID…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Open the audit, document or artwork analysis "
                                              "with each ID given."));
}

AfdApplication *
afd_application_new (void)
{
  return g_object_new (AFD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

GSettings *
afd_application_get_settings (AfdApplication *self)
{
  g_return_val_if_fail (AFD_IS_APPLICATION (self), NULL);
  return self->settings;
}
