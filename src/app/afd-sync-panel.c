/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-sync-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-thread.h"
#include "afd-cloud.h"
#include "afd-sync-panel.h"
#include "afd-width-bin.h"

/* After the network comes back, the first try waits a little (links flap), and each
 * failed try doubles the wait up to the period. */
#define BACKOFF_FIRST_SECONDS 5

struct _AfdSyncPanel
{
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *box;
  GtkImage       *status_icon;
  GtkLabel       *status_label;
  GtkLabel       *cost_label;
  GtkWidget      *sync_button;
  GtkProgressBar *progress_bar;

  /* owned references */
  AfdWorkspace   *workspace;      /* (nullable) */
  GSettings      *settings;       /* (nullable) */
  GCancellable   *cancellable;    /* (nullable) the sync in flight */
  GCancellable   *status_cancellable; /* (nullable) the status being read */

  guint           period_id;
  guint           retry_id;
  guint           pulse_id;
  guint           backoff;        /* seconds before the next automatic try */
  gboolean        automatic;      /* the sync in flight was not asked for */
  gulong          network_id;
};

G_DEFINE_FINAL_TYPE (AfdSyncPanel, afd_sync_panel, GTK_TYPE_WIDGET)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_demo (AfdSyncPanel *self)
{
  return self->workspace == NULL || afd_workspace_is_demo (self->workspace);
}

/* "14:05" today, "4 Nov, 14:05" another day; NULL when @iso is not a time. */
static char *
format_when (const char *iso)
{
  g_autoptr(GDateTime) utc = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = NULL;

  if (local == NULL)
    return NULL;
  if (g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now) &&
      g_date_time_get_year (local) == g_date_time_get_year (now))
    when = g_date_time_format (local, "%H:%M");
  else
    when = g_date_time_format (local, "%-e %b, %H:%M");
  return g_strdup (g_strstrip (when));
}

static char *
last_sync_text (const char *iso)
{
  g_autofree char *when = format_when (iso);

  if (when == NULL)
    return g_strdup (_("Synced"));
  /* TRANSLATORS: %s is a time ("14:05") or a date and time ("4 Nov, 14:05") */
  return g_strdup_printf (_("Last synced %s"), when);
}

/* A failure says so, and when: the line never reads "Not synced yet" after one. */
static char *
failed_text (const AfSyncStatus *status)
{
  g_autofree char *when = format_when (status->last_failure);
  gint64 waiting = status->outbox + status->submissions;

  if (status->offline)
    /* TRANSLATORS: the cloud did not answer at %s (a time, or a date and time); local
     * edits wait to be sent */
    return g_strdup_printf (ngettext ("Offline: sync failed at %s — %d change waiting",
                                      "Offline: sync failed at %s — %d changes waiting",
                                      (gulong) waiting), when ?: "?", (int) waiting);
  /* TRANSLATORS: when the last sync failed (a time, or a date and time), and why */
  return g_strdup_printf (_("Sync failed at %s: %s"), when ?: "?", status->last_error);
}

static char *
waiting_text (const AfSyncStatus *status)
{
  if (status->offline || status->last_error != NULL)
    return failed_text (status);
  /* Online, the outbox line above already counts what waits: say when it last went. */
  if (status->last_sync != NULL)
    return last_sync_text (status->last_sync);
  return g_strdup (_("Not synced yet"));
}

/* The outbox line above counts edits only; artworks queued for analysis are said here. */
static char *
status_text (const AfSyncStatus *status)
{
  g_autofree char *waiting = waiting_text (status);
  g_autoptr(GString) text = g_string_new (waiting);

  if (status->submissions > 0 && !status->offline)
    /* TRANSLATORS: appended to the sync line: artworks queued, not yet sent */
    g_string_append_printf (text, ngettext (" · %d artwork to submit", " · %d artworks to submit",
                                            (gulong) status->submissions),
                            (int) status->submissions);
  if (status->conflicts > 0)
    g_string_append_printf (text, ngettext (" · %d conflict", " · %d conflicts",
                                            (gulong) status->conflicts),
                            (int) status->conflicts);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
status_icon_name (const AfSyncStatus *status)
{
  if (status->offline)
    return "network-offline-symbolic";
  if (status->last_error != NULL || status->conflicts > 0)
    return "dialog-warning-symbolic";
  return "network-idle-symbolic";
}

static void
status_free (gpointer data)
{
  af_sync_status_clear (data);
  g_free (data);
}

static gpointer
load_status_job (AfStore   *store,
                 gpointer   data,
                 GError   **error)
{
  AfSyncStatus *status = g_new0 (AfSyncStatus, 1);

  if (af_sync_load_status (store, status, error))
    return status;
  status_free (status);
  return NULL;
}

static void
status_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AfSyncStatus *status = af_store_thread_run_finish (AF_STORE_THREAD (source), result, &error);
  AfSyncStatus none = { 0, };
  g_autofree char *text = NULL;
  AfdSyncPanel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_SYNC_PANEL (user_data);
  if (status == NULL)
    text = g_strdup_printf (_("Cannot read the sync state: %s"), error->message);
  else
    text = status_text (status);
  gtk_label_set_label (self->status_label, text);
  gtk_image_set_from_icon_name (self->status_icon, status_icon_name (status ?: &none));
  if (status != NULL)
    status_free (status);
}

void
afd_sync_panel_refresh_status (AfdSyncPanel *self)
{
  g_return_if_fail (AFD_IS_SYNC_PANEL (self));

  if (self->workspace == NULL || self->cancellable != NULL)
    return;
  if (is_demo (self))
    {
      gtk_label_set_label (self->status_label, _("The demo is never synced"));
      return;
    }
  /* Only the latest answer counts. */
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  self->status_cancellable = g_cancellable_new ();
  af_store_thread_run_async (afd_workspace_get_store_thread (self->workspace), load_status_job,
                             NULL, NULL, status_free, self->status_cancellable, status_read_cb,
                             self);
}

/* ---- Progress ------------------------------------------------------------------- */

static gboolean
pulse_cb (gpointer user_data)
{
  AfdSyncPanel *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
progress_cb (GObject *target,
             guint    items,
             guint64  bytes)
{
  AfdSyncPanel *self = AFD_SYNC_PANEL (target);
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *text = NULL;

  if (self->cancellable == NULL)
    return;
  /* TRANSLATORS: items received from the cloud so far, and their size ("1.2 MB") */
  text = g_strdup_printf (ngettext ("Received %u item (%s)", "Received %u items (%s)", items),
                          items, size);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
set_running (AfdSyncPanel *self,
             gboolean      running)
{
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), running);
  gtk_widget_set_sensitive (self->sync_button, !running);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (!running)
    return;
  gtk_progress_bar_set_text (self->progress_bar, _("Sending changes…"));
  gtk_label_set_label (self->status_label, _("Syncing…"));
  gtk_image_set_from_icon_name (self->status_icon, "emblem-synchronizing-symbolic");
  self->pulse_id = g_timeout_add (150, pulse_cb, self);
}

/* ---- Running -------------------------------------------------------------------- */

char *
afd_sync_panel_describe_result (const AfSyncResult *result)
{
  guint sent = (result->push ? result->push->pushed : 0) +
               (result->submit ? result->submit->submitted : 0);
  guint received = 0;
  guint conflicts = result->push ? result->push->conflicts : 0;

  for (AfTable t = 0; result->pull != NULL && t < AF_N_TABLES; t++)
    received += result->pull->pulled[t];
  /* TRANSLATORS: counts of one sync: edits sent, items received, new conflicts */
  return g_strdup_printf (_("Synced: %u sent, %u received, %u new conflicts"),
                          sent, received, conflicts);
}

char *
afd_sync_panel_describe_cost (const AfSyncResult *result)
{
  guint requests = 0;
  guint64 bytes = 0;
  guint paths[AF_PULL_PATH_STREAM + 1] = { 0 };
  g_autofree char *size = NULL;

  if (result->pull == NULL)
    return NULL;
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      requests += result->pull->requests[t];
      bytes += result->pull->bytes[t];
      paths[result->pull->path[t]]++;
    }
  size = g_format_size (bytes);
  /* TRANSLATORS: what the last sync read: bytes, requests, and how many tables were
   * followed through their stream, refreshed, or read in full */
  return g_strdup_printf (_("Last sync: %s, %u requests · tables: %u by stream, "
                            "%u refreshed, %u in full"), size, requests,
                          paths[AF_PULL_PATH_STREAM], paths[AF_PULL_PATH_REFRESH],
                          paths[AF_PULL_PATH_FULL]);
}

/* The cost of the last sync stays under the status until the next one. */
static void
show_cost (AfdSyncPanel       *self,
           const AfSyncResult *result)
{
  g_autofree char *cost = result ? afd_sync_panel_describe_cost (result) : NULL;

  gtk_label_set_label (self->cost_label, cost ? cost : "");
  gtk_widget_set_visible (GTK_WIDGET (self->cost_label), cost != NULL);
}

static void schedule_retry (AfdSyncPanel *self);

static gboolean
anything_happened (const AfSyncResult *result)
{
  guint received = 0;

  for (AfTable t = 0; result->pull != NULL && t < AF_N_TABLES; t++)
    received += result->pull->pulled[t];
  return received > 0 || (result->push != NULL && (result->push->pushed > 0 ||
                                                   result->push->conflicts > 0)) ||
         (result->submit != NULL && result->submit->submitted > 0);
}

static void
synced_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AfdSyncPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfSyncResult) sync = afd_cloud_sync_finish (result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  show_cost (self, sync);
  if (sync != NULL)
    {
      self->backoff = 0;
      text = afd_sync_panel_describe_result (sync);
    }
  else
    {
      text = g_strdup_printf (af_sync_error_is_offline (error) ? _("Offline: %s")
                                                               : _("Sync failed: %s"),
                              error->message);
      if (af_sync_error_is_offline (error))
        schedule_retry (self);
    }
  /* The window reloads its lists; the status line follows through ::changed. */
  afd_workspace_changed (self->workspace, TRUE);
  afd_sync_panel_refresh_status (self);
  /* A sync nobody asked for speaks only when it brought something: its failures are in
   * the status line already, and a toast every few minutes would be noise. */
  if (!self->automatic || (sync != NULL && anything_happened (sync)))
    g_signal_emit (self, signals[FINISHED], 0, sync != NULL, text);
}

static void
start_sync (AfdSyncPanel *self,
            gboolean      automatic)
{
  AfStoreThread *store_thread;
  g_autoptr(AfdCloudConfig) config = NULL;

  if (is_demo (self) || self->cancellable != NULL || self->settings == NULL)
    return;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->automatic = automatic;
  store_thread = afd_workspace_get_store_thread (self->workspace);
  config = afd_cloud_config_new_from_settings (self->settings,
                                               af_store_thread_get_path (store_thread),
                                               af_store_thread_get_identity (store_thread));
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  afd_cloud_sync_async (config, G_OBJECT (self), progress_cb, self->cancellable, synced_cb,
                        g_object_ref (self));
}

void
afd_sync_panel_sync (AfdSyncPanel *self)
{
  g_return_if_fail (AFD_IS_SYNC_PANEL (self));
  start_sync (self, FALSE);
}

gboolean
afd_sync_panel_is_running (AfdSyncPanel *self)
{
  g_return_val_if_fail (AFD_IS_SYNC_PANEL (self), FALSE);
  return self->cancellable != NULL;
}

const char *
afd_sync_panel_get_status_text (AfdSyncPanel *self)
{
  g_return_val_if_fail (AFD_IS_SYNC_PANEL (self), NULL);
  return gtk_label_get_label (self->status_label);
}

/* The last sync's cost line; "" before any sync. */
const char *
afd_sync_panel_get_cost_text (AfdSyncPanel *self)
{
  g_return_val_if_fail (AFD_IS_SYNC_PANEL (self), NULL);
  return gtk_label_get_label (self->cost_label);
}

/* ---- By itself -------------------------------------------------------------------- */

static gboolean
retry_cb (gpointer user_data)
{
  AfdSyncPanel *self = user_data;

  self->retry_id = 0;
  start_sync (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (AfdSyncPanel *self)
{
  if (self->retry_id != 0)
    return;
  self->backoff = self->backoff == 0 ? BACKOFF_FIRST_SECONDS
                                     : MIN (self->backoff * 2, AFD_SYNC_PERIOD_SECONDS);
  self->retry_id = g_timeout_add_seconds (self->backoff, retry_cb, self);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    AfdSyncPanel    *self)
{
  if (!available)
    {
      g_clear_handle_id (&self->retry_id, g_source_remove);
      return;
    }
  self->backoff = 0;
  schedule_retry (self);
}

static gboolean
period_cb (gpointer user_data)
{
  AfdSyncPanel *self = user_data;

  if (g_network_monitor_get_network_available (g_network_monitor_get_default ()))
    start_sync (self, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
start_watching (AfdSyncPanel *self)
{
  GNetworkMonitor *monitor = g_network_monitor_get_default ();

  self->network_id = g_signal_connect (monitor, "network-changed",
                                       G_CALLBACK (network_changed_cb), self);
  self->period_id = g_timeout_add_seconds (AFD_SYNC_PERIOD_SECONDS, period_cb, self);
  /* A first sync shortly after opening, not during the first frames. */
  if (g_network_monitor_get_network_available (monitor))
    schedule_retry (self);
}

/* ---- Life cycle ------------------------------------------------------------------- */

static void
afd_sync_panel_dispose (GObject *object)
{
  AfdSyncPanel *self = AFD_SYNC_PANEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->status_cancellable);
  g_clear_object (&self->status_cancellable);
  g_clear_signal_handler (&self->network_id, g_network_monitor_get_default ());
  g_clear_handle_id (&self->period_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_SYNC_PANEL);

  G_OBJECT_CLASS (afd_sync_panel_parent_class)->dispose (object);
}

static void
afd_sync_panel_class_init (AfdSyncPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = afd_sync_panel_dispose;

  /* (gboolean success, const char *message): for the window's toast */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                    G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-sync-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, box);
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, status_icon);
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, cost_label);
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, sync_button);
  gtk_widget_class_bind_template_child (widget_class, AfdSyncPanel, progress_bar);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  g_type_ensure (AFD_TYPE_WIDTH_BIN);
}

static void
afd_sync_panel_init (AfdSyncPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
afd_sync_panel_set_workspace (AfdSyncPanel *self,
                              AfdWorkspace *workspace,
                              GSettings    *settings)
{
  g_return_if_fail (AFD_IS_SYNC_PANEL (self));
  g_return_if_fail (self->workspace == NULL);

  self->workspace = g_object_ref (workspace);
  self->settings = g_object_ref (settings);
  g_signal_connect_swapped (workspace, "changed", G_CALLBACK (afd_sync_panel_refresh_status), self);
  gtk_widget_set_tooltip_text (self->sync_button,
                               is_demo (self) ? _("The demo workspace stays on this computer. "
                                                  "Choose your own workspace in Preferences "
                                                  "to sync.")
                                              : _("Sync Now"));
  afd_sync_panel_refresh_status (self);
  if (!is_demo (self))
    start_watching (self);
}
