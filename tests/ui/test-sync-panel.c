/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-sync-panel.c — the sidebar's sync line in-process under Xvfb: on a real
 * workspace whose endpoint does not answer (a closed loopback port), a sync ends at
 * once with a failure for the toast and the line "Offline — N changes waiting", and
 * an edit afterwards updates the count. Nothing waits for a server. And an artwork
 * queued from the window (afd_submit_queue_async) is refused with the core's message
 * when it is bad, and shows in the line when it is good. The line's wrapping label is
 * measured without GtkBox's searches (AfdWidthBin).
 */
#include "config.h"

#include <glib/gstdio.h>

#include "af-store-guard.h"
#include "af-submit.h"
#include "af-submit-private.h"
#include "af-thread-priority.h"
#include "afd-cloud.h"
#include "afd-submit-dialog.h"
#include "afd-sync-panel.h"
#include "afd-test-widgets.h"
#include "afd-waiting-list.h"
#include "afd-width-bin.h"

typedef struct
{
  gboolean  finished;
  gboolean  success;
  char     *message;
} Outcome;

static GSettings *
settings_new (void)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (AFD_BUILD_SCHEMA_DIR, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, "io.github.auditflow.Desk", FALSE);
  g_assert_nonnull (schema);
  return g_settings_new_full (schema, NULL, NULL);
}

/* A loopback port nothing listens on: bound, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AfdWorkspace **slot = user_data;
  g_autoptr(GError) error = NULL;

  *slot = afd_workspace_open_finish (result, &error);
  g_assert_no_error (error);
}

/* Jobs for afd_test_store_run (): the test's changes go through the store's thread. */
static gpointer
import_job (AfStore   *store,
            gpointer   data,
            GError   **error)
{
  return af_store_import_file (store, data, NULL, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
note_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  return af_store_set_review_notes (store, data, "mine", error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
reviewed_job (AfStore   *store,
              gpointer   data,
              GError   **error)
{
  return af_store_mark_reviewed (store, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/* Writes the count into *(gint64 *) @data. */
static gpointer
pending_job (AfStore   *store,
             gpointer   data,
             GError   **error)
{
  gint64 *count = data;

  *count = af_submit_count_pending (store, error);
  return *count >= 0 ? GINT_TO_POINTER (TRUE) : NULL;
}

static AfdWorkspace *
open_workspace (const char *db,
                GSettings  *settings)
{
  AfdWorkspace *workspace = NULL;
  g_autofree char *audits = g_build_filename (AFD_DEMO_DIR, "dynamodb",
                                              "AuditFlow-AuditRecords.json", NULL);

  afd_workspace_open_async (db, settings, NULL, opened_cb, &workspace);
  while (workspace == NULL)
    g_main_context_iteration (NULL, TRUE);
  af_store_thread_set_identity (afd_workspace_get_store_thread (workspace), "ann@example.com");
  afd_test_store_run (workspace, import_job, audits);
  return workspace;
}

static void
finished_cb (AfdSyncPanel *panel,
             gboolean      success,
             const char   *message,
             Outcome      *outcome)
{
  outcome->finished = TRUE;
  outcome->success = success;
  g_free (outcome->message);
  outcome->message = g_strdup (message);
}

static void
test_offline (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-sync-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autofree char *endpoint = g_strdup_printf ("http://127.0.0.1:%u", closed_port ());
  g_autoptr(AfdWorkspace) workspace = NULL;
  AfdSyncPanel *panel = g_object_new (AFD_TYPE_SYNC_PANEL, NULL);
  GtkWidget *window = gtk_window_new ();
  Outcome outcome = { FALSE, };

  g_settings_set_string (settings, "region", "us-east-1");
  g_settings_set_string (settings, "endpoint-dynamodb", endpoint);
  g_settings_set_string (settings, "endpoint-s3", endpoint);
  workspace = open_workspace (db, settings);
  afd_test_store_run (workspace, note_job, "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa");
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  gtk_window_present (GTK_WINDOW (window));
  afd_sync_panel_set_workspace (panel, workspace, settings);
  g_signal_connect (panel, "finished", G_CALLBACK (finished_cb), &outcome);

  afd_sync_panel_sync (panel);
  g_assert_true (afd_sync_panel_is_running (panel));
  for (guint i = 0; i < 300 && !outcome.finished; i++)
    afd_test_run_for (100);
  g_assert_true (outcome.finished);
  g_assert_false (outcome.success);
  g_assert_false (afd_sync_panel_is_running (panel));
  /* The fixed clock (AUDITFLOW_DESK_NOW) in UTC, another day than today. */
  afd_test_wait_sync_status (panel, "Offline: sync failed at 8 Nov, 09:00 — 1 change waiting", 20);
  g_assert_cmpstr (afd_sync_panel_get_status_text (panel), ==,
                   "Offline: sync failed at 8 Nov, 09:00 — 1 change waiting");

  /* An edit while offline: the line follows. */
  afd_test_store_run (workspace, reviewed_job, "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa");
  afd_workspace_changed (workspace, TRUE);
  afd_test_wait_sync_status (panel, "Offline: sync failed at 8 Nov, 09:00 — 2 changes waiting", 20);
  g_assert_cmpstr (afd_sync_panel_get_status_text (panel), ==,
                   "Offline: sync failed at 8 Nov, 09:00 — 2 changes waiting");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workspace);
  g_free (outcome.message);
}

/* A loopback socket that takes connections (the kernel's backlog) and never answers. */
static GSocket *
silent_server (guint16 *out_port)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, address, TRUE, NULL));
  g_assert_true (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *out_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  return socket;
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AfSyncResult) sync = NULL;
  g_autoptr(GError) error = NULL;

  sync = afd_cloud_sync_finish (result, &error);
  g_assert_null (sync);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *(gboolean *) user_data = TRUE;
}

/* The window's sync writes the cache on a thread of its own at background priority
 * (issue 13), so that a pull leaves the cores to the window; the main thread and the
 * store's thread, which the window waits on for its reads, keep theirs. The server
 * never answers: the sync waits on it until it is cancelled. */
static void
test_background (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-sync-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autoptr(AfdWorkspace) workspace = NULL;
  g_autoptr(AfdCloudConfig) config = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSocket) server = NULL;
  g_autofree char *endpoint = NULL;
  gboolean done = FALSE;
  guint16 port;
  int job = 0;

  server = silent_server (&port);
  endpoint = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_settings_set_string (settings, "region", "us-east-1");
  g_settings_set_string (settings, "endpoint-dynamodb", endpoint);
  g_settings_set_string (settings, "endpoint-s3", endpoint);
  workspace = open_workspace (db, settings);
  config = afd_cloud_config_new_from_settings (settings, db, NULL);

  afd_cloud_sync_async (config, NULL, NULL, cancellable, sync_done_cb, &done);
  /* The job's thread lowers itself as it starts: wait for that, 10 s at most. */
  for (guint i = 0; i < 100 && (job == 0 || !af_thread_priority_is_background (job)); i++)
    {
      afd_test_run_for (100);
      job = af_test_find_thread ("afd-cloud-sync");
    }
  g_assert_cmpint (job, >, 0);
  g_assert_true (af_thread_priority_is_background (job));
  g_assert_false (done);
  g_assert_false (af_thread_priority_is_background (getpid ()));
  g_assert_cmpint (af_test_find_thread ("af-store"), >, 0);
  g_assert_false (af_thread_priority_is_background (af_test_find_thread ("af-store")));

  g_cancellable_cancel (cancellable);
  for (guint i = 0; i < 300 && !done; i++)
    afd_test_run_for (100);
  g_assert_true (done);
  g_clear_object (&workspace);
}

/* A sync that fails before it reaches the network (a plain-HTTP endpoint that is not
 * on this computer is refused) says it failed and when, never "Not synced yet". */
static void
test_refused (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-sync-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autoptr(AfdWorkspace) workspace = NULL;
  AfdSyncPanel *panel = g_object_new (AFD_TYPE_SYNC_PANEL, NULL);
  GtkWidget *window = gtk_window_new ();
  Outcome outcome = { FALSE, };
  const char *text;
  int natural;

  g_settings_set_string (settings, "region", "us-east-1");
  g_settings_set_string (settings, "endpoint-dynamodb", "http://192.0.2.1:8000");
  g_settings_set_string (settings, "endpoint-s3", "http://192.0.2.1:9000");
  workspace = open_workspace (db, settings);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  afd_sync_panel_set_workspace (panel, workspace, settings);
  afd_test_wait_sync_status (panel, "Not synced yet", 20);
  g_signal_connect (panel, "finished", G_CALLBACK (finished_cb), &outcome);

  afd_sync_panel_sync (panel);
  for (guint i = 0; i < 300 && !outcome.finished; i++)
    afd_test_run_for (100);
  g_assert_true (outcome.finished);
  g_assert_false (outcome.success);
  afd_test_wait_sync_status (panel, "Sync failed at 8 Nov, 09:00: ", 20);
  text = afd_sync_panel_get_status_text (panel);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Sync failed at 8 Nov, 09:00: "));
  g_assert_nonnull (strstr (text, "192.0.2.1"));
  /* A long reason wraps: the sidebar keeps its width (it grew to ~680 px). */
  gtk_widget_measure (GTK_WIDGET (panel), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural,
                      NULL, NULL);
  g_test_message ("the panel's natural width: %d px", natural);
  g_assert_cmpint (natural, <=, 300);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&workspace);
  g_free (outcome.message);
}

static void
queued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;
  g_autofree char *request_id = afd_submit_queue_finish (result, error);

  if (request_id != NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "queued");
}

/* Queues @path; the answer as an error, "queued" (G_IO_ERROR_EXISTS) on success. */
static GError *
queue (const char *db,
       const char *path)
{
  GError *error = NULL;

  afd_submit_queue_async (db, "ann@example.com", path, TRUE, NULL, queued_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  return error;
}

static void
test_submission (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-submit-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.png", NULL);
  g_autofree char *good = g_build_filename (dir, "artwork.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(AfdWorkspace) workspace = NULL;
  g_autoptr(GError) refused = NULL;
  g_autoptr(GError) accepted = NULL;
  gint64 pending = -1;
  AfdSyncPanel *panel = g_object_new (AFD_TYPE_SYNC_PANEL, NULL);
  GtkWidget *window = gtk_window_new ();

  g_settings_set_string (settings, "region", "us-east-1");
  workspace = open_workspace (db, settings);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  afd_sync_panel_set_workspace (panel, workspace, settings);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  refused = queue (db, empty);
  g_assert_error (refused, AF_SUBMIT_ERROR, AF_SUBMIT_ERROR_EMPTY);
  afd_test_store_run (workspace, pending_job, &pending);
  g_assert_cmpint (pending, ==, 0);

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, good, "png", NULL, NULL));
  accepted = queue (db, good);
  g_assert_error (accepted, G_IO_ERROR, G_IO_ERROR_EXISTS);
  afd_workspace_changed (workspace, FALSE);
  afd_test_wait_sync_status (panel, "1 artwork to submit", 20);

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
waiting_counted (gpointer data)
{
  return afd_waiting_list_get_n_waiting (data) == 1;
}

static gboolean
waiting_sent (gpointer data)
{
  GtkWidget *row = afd_test_find_row (data, "harbour at dusk.png");

  return afd_waiting_list_get_n_waiting (data) == 0 && row != NULL &&
         g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                           "Uploaded, waiting for analysis · queued ");
}

static gboolean
harbour_gone (gpointer data)
{
  return afd_test_find_row (data, "harbour at dusk.png") == NULL;
}

static gboolean
second_counted (gpointer data)
{
  return afd_waiting_list_get_n_waiting (data) == 1 &&
         afd_test_find_row (data, "quay at noon.png") != NULL;
}

/* The heading of the section @title's row is in: the label just above its list. */
static const char *
heading_of (AfdWaitingList *list,
            const char     *title)
{
  GtkWidget *row = afd_test_find_row (GTK_WIDGET (list), title);
  GtkWidget *heading;

  g_assert_nonnull (row);
  heading = gtk_widget_get_prev_sibling (gtk_widget_get_parent (row));
  g_assert_true (GTK_IS_LABEL (heading));
  g_assert_true (gtk_widget_is_visible (heading));
  return gtk_label_get_label (GTK_LABEL (heading));
}

/* Whether a label reading @text is on show under @root. */
static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_is_visible (root) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* What a sync does when the analysis it created did not reach the cache: the
 * submission is "sent" (af-submit.c), its analysis comes with a later pull. Writes the
 * request id into @data. */
static gpointer
sent_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  g_autoptr(GPtrArray) pending = af_submit_list_pending (store, error);
  AfSubmission *submission;

  if (pending == NULL)
    return NULL;
  g_assert_cmpuint (pending->len, ==, 1);
  submission = g_ptr_array_index (pending, 0);
  g_free (submission->state);
  submission->state = g_strdup ("sent");
  *(char **) data = g_strdup (submission->request_id);
  return af_submit_update (store, submission, NULL, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/* The pull that brings the PENDING analysis of request id @data. */
static gpointer
analysis_pulled_job (AfStore   *store,
                     gpointer   data,
                     GError   **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  AfValue *item = af_value_new_map ();

  af_value_map_set (item, "request_id", af_value_new_s (data));
  af_value_map_set (item, "created_at", af_value_new_n_int (1731056400000));
  af_value_map_set (item, "user_id", af_value_new_s ("9c88c2a4-ceb4-4e49-bbca-bd2d523cedc6"));
  af_value_map_set (item, "status", af_value_new_s ("PENDING"));
  af_value_map_set (item, "filename", af_value_new_s ("harbour at dusk.png"));
  g_ptr_array_add (items, item);
  return af_store_put_remote_items (store, AF_TABLE_ANALYSES, items, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static gpointer
list_waiting_job (AfStore   *store,
                  gpointer   data,
                  GError   **error)
{
  return af_submit_list_waiting (store, error);
}

/* A queued artwork does not vanish: the artworks queues list it as waiting to upload
 * until it is an analysis (issue 16 item 9). */
static void
test_waiting_list (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-waiting-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autofree char *good = g_build_filename (dir, "harbour at dusk.png", NULL);
  g_autofree char *second = g_build_filename (dir, "quay at noon.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr(AfdWorkspace) workspace = NULL;
  g_autoptr(GError) accepted = NULL;
  g_autoptr(GError) accepted_second = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autofree char *request_id = NULL;
  AfdWaitingList *list = g_object_new (AFD_TYPE_WAITING_LIST, NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *row;

  workspace = open_workspace (db, settings);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_set_default_size (GTK_WINDOW (window), 360, -1);
  gtk_window_present (GTK_WINDOW (window));
  afd_waiting_list_set_workspace (list, workspace);
  afd_waiting_list_set_artworks (list, TRUE);
  afd_test_run_for (200);
  g_assert_cmpuint (afd_waiting_list_get_n_waiting (list), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, good, "png", NULL, NULL));
  accepted = queue (db, good);
  g_assert_error (accepted, G_IO_ERROR, G_IO_ERROR_EXISTS);
  afd_workspace_changed (workspace, FALSE);
  afd_test_wait_until (waiting_counted, list, 20);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (list)));
  row = afd_test_find_row (GTK_WIDGET (list), "harbour at dusk.png");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Waiting to upload · queued "));
  g_assert_cmpstr (heading_of (list, "harbour at dusk.png"), ==, "Waiting to Upload");
  g_assert_false (shows_label (GTK_WIDGET (list), "Uploaded, Waiting for Analysis"));
  /* Beside the loan queues it stays out of the way. */
  afd_waiting_list_set_artworks (list, FALSE);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));
  afd_waiting_list_set_artworks (list, TRUE);

  /* Sent, its PENDING item not pulled yet: still listed, no longer counted as waiting
   * to sync; gone once a pull brings the analysis, which the queues then list. */
  afd_test_store_run (workspace, sent_job, &request_id);
  afd_waiting_list_reload (list);
  afd_test_wait_until (waiting_sent, list, 20);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (list)));
  /* Under a heading of its own: it is no longer waiting to upload (issue 16). */
  g_assert_cmpstr (heading_of (list, "harbour at dusk.png"), ==, "Uploaded, Waiting for Analysis");
  g_assert_false (shows_label (GTK_WIDGET (list), "Waiting to Upload"));

  /* Another queued meanwhile: each under its own heading, the one to upload first. */
  gdk_pixbuf_fill (pixbuf, 0x669933ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, second, "png", NULL, NULL));
  accepted_second = queue (db, second);
  g_assert_error (accepted_second, G_IO_ERROR, G_IO_ERROR_EXISTS);
  afd_workspace_changed (workspace, FALSE);
  afd_test_wait_until (second_counted, list, 20);
  g_assert_cmpstr (heading_of (list, "quay at noon.png"), ==, "Waiting to Upload");
  g_assert_cmpstr (heading_of (list, "harbour at dusk.png"), ==, "Uploaded, Waiting for Analysis");
  g_assert_true (gtk_widget_get_prev_sibling (gtk_widget_get_parent (
                   afd_test_find_row (GTK_WIDGET (list), "quay at noon.png"))) ==
                 gtk_widget_get_first_child (gtk_widget_get_first_child (GTK_WIDGET (list))));
  afd_test_settle (window, 3);
  afd_test_screenshot (GTK_WIDGET (list), "waiting-list-uploaded.png");

  /* The pull brings the sent one's analysis, which the queues then list: its row goes,
   * the other stays waiting. */
  afd_test_store_run (workspace, analysis_pulled_job, request_id);
  afd_workspace_changed (workspace, TRUE);
  afd_test_wait_until (harbour_gone, list, 20);
  g_assert_cmpuint (afd_waiting_list_get_n_waiting (list), ==, 1);
  g_assert_false (shows_label (GTK_WIDGET (list), "Uploaded, Waiting for Analysis"));
  left = afd_test_store_run (workspace, list_waiting_job, NULL);
  g_assert_cmpuint (left->len, ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  AfdSubmitDialog *dialog;
  gboolean         want_preview;
} DialogWait;

static gboolean
dialog_decided (gpointer data)
{
  DialogWait *wait = data;

  if (wait->want_preview)
    return gtk_picture_get_paintable (afd_submit_dialog_get_preview (wait->dialog)) != NULL;
  return afd_submit_dialog_get_problem (wait->dialog) != NULL;
}

/* The submit dialog shows the picture before Submit is offered, and refuses a file that
 * is not an image at once, Submit never offered (issue 16 item 9). */
static void
test_submit_dialog (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("afd-test-dialog-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.png", NULL);
  g_autofree char *good = g_build_filename (dir, "artwork.png", NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 96, 64);
  g_autoptr(GFile) text_file = g_file_new_for_path (text);
  g_autoptr(GFile) good_file = g_file_new_for_path (good);
  g_autoptr(AfdWorkspace) workspace = NULL;
  GtkWidget *parent = gtk_window_new ();
  DialogWait wait = { NULL, FALSE };
  GdkPaintable *preview;

  workspace = open_workspace (db, settings);
  g_assert_true (g_file_set_contents (text, "Dear appraiser, this is not a picture.\n", -1, NULL));
  wait.dialog = afd_submit_dialog_new (GTK_WINDOW (parent), workspace, text_file);
  g_assert_false (afd_submit_dialog_can_submit (wait.dialog));
  gtk_window_present (GTK_WINDOW (wait.dialog));
  afd_test_wait_until (dialog_decided, &wait, 20);
  g_test_message ("%s", afd_submit_dialog_get_problem (wait.dialog));
  g_assert_nonnull (strstr (afd_submit_dialog_get_problem (wait.dialog), "notes.png"));
  g_assert_false (afd_submit_dialog_can_submit (wait.dialog));
  g_assert_null (gtk_picture_get_paintable (afd_submit_dialog_get_preview (wait.dialog)));
  gtk_window_destroy (GTK_WINDOW (wait.dialog));

  gdk_pixbuf_fill (pixbuf, 0x993366ff);
  g_assert_true (gdk_pixbuf_save (pixbuf, good, "png", NULL, NULL));
  wait = (DialogWait) { afd_submit_dialog_new (GTK_WINDOW (parent), workspace, good_file), TRUE };
  gtk_window_present (GTK_WINDOW (wait.dialog));
  afd_test_wait_until (dialog_decided, &wait, 20);
  preview = gtk_picture_get_paintable (afd_submit_dialog_get_preview (wait.dialog));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (preview), ==, 96);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (preview), ==, 64);
  g_assert_true (afd_submit_dialog_can_submit (wait.dialog));
  g_assert_null (afd_submit_dialog_get_problem (wait.dialog));
  afd_test_settle (GTK_WIDGET (wait.dialog), 3);
  afd_test_screenshot (GTK_WIDGET (wait.dialog), "submit-dialog-preview.png");
  gtk_window_destroy (GTK_WINDOW (wait.dialog));
  gtk_window_destroy (GTK_WINDOW (parent));
}

/* The last sync's cost, as the panel says it under the status line. */
static void
test_cost (void)
{
  AfSyncResult sync = { NULL };
  AfPullResult pull = { .path = { AF_PULL_PATH_STREAM, AF_PULL_PATH_STREAM,
                                  AF_PULL_PATH_REFRESH, AF_PULL_PATH_FULL },
                        .requests = { 3, 3, 4, 9 }, .bytes = { 2000, 3000, 5000, 1200000 } };
  g_autofree char *none = NULL;
  g_autofree char *text = NULL;

  none = afd_sync_panel_describe_cost (&sync);
  g_assert_null (none);
  sync.pull = &pull;
  text = afd_sync_panel_describe_cost (&sync);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "sync: 1.2"));  /* g_format_size: 1.2 MB, a no-break space */
  g_assert_nonnull (strstr (text, ", 19 requests"));
  g_assert_nonnull (strstr (text, "2 by stream, 1 refreshed, 1 in full"));
}

/* The sync line's wrapping label in its row, as the panel has it: asked for its width at
 * a height, the bin answers the label's width (no search over heights and widths, which
 * GTK 4.8's GtkBox and GtkLabel do for a bare label), and in a row 250 px wide the label
 * still wraps to the width it is given. */
static void
test_width_bin (void)
{
  const char *reason = "Sync failed at 22:15: No AWS region is set, so the cloud cannot be "
                       "reached from here";
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *bare = gtk_label_new (reason);
  GtkWidget *label = gtk_label_new (reason);
  GtkWidget *bin = afd_width_bin_new ();
  int min, nat, for_height_min, for_height_nat, bare_min, height, one_line;

  g_object_ref_sink (row);
  g_object_ref_sink (bare);
  for (guint i = 0; i < 2; i++)
    {
      GtkLabel *each = GTK_LABEL (i == 0 ? label : bare);

      gtk_label_set_wrap (each, TRUE);
      gtk_label_set_max_width_chars (each, 28);
    }
  afd_width_bin_set_child (AFD_WIDTH_BIN (bin), label);
  gtk_widget_set_hexpand (bin, TRUE);
  gtk_box_append (GTK_BOX (row), gtk_image_new_from_icon_name ("network-idle-symbolic"));
  gtk_box_append (GTK_BOX (row), bin);
  gtk_box_append (GTK_BOX (row), gtk_button_new_from_icon_name ("view-refresh-symbolic"));
  g_assert_true (afd_width_bin_get_child (AFD_WIDTH_BIN (bin)) == label);

  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &min, &nat, NULL, NULL);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, -1, &one_line, NULL, NULL, NULL);
  gtk_widget_measure (bin, GTK_ORIENTATION_HORIZONTAL, one_line, &for_height_min,
                      &for_height_nat, NULL, NULL);
  g_assert_cmpint (for_height_min, ==, min);
  g_assert_cmpint (for_height_nat, ==, nat);
  /* What the bin spares: a bare label fits the text on one line, much wider. */
  gtk_widget_measure (bare, GTK_ORIENTATION_HORIZONTAL, one_line, &bare_min, NULL, NULL, NULL);
  g_assert_cmpint (bare_min, >, nat);

  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, 250, NULL, &height, NULL, NULL);
  gtk_widget_allocate (row, 250, height, -1, NULL);
  g_assert_cmpint (gtk_widget_get_width (label), >=, min);
  g_assert_cmpint (gtk_widget_get_width (label), <=, 250);
  g_assert_cmpint (gtk_widget_get_height (label), >, one_line);   /* wrapped */
  g_object_unref (bare);
  g_object_unref (row);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* The times the sync line shows, for the fixed clock (AUDITFLOW_DESK_NOW). */
  g_setenv ("TZ", "UTC", TRUE);
  /* Credentials from the environment, the first place looked: no keyring needed. */
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "secret-for-a-server-that-is-not-there", TRUE);
  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_ENDPOINT_URL_DYNAMODB");
  g_unsetenv ("AWS_ENDPOINT_URL_S3");
  g_unsetenv ("AWS_PROFILE");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The panel's SQL runs on the store's thread: any on this one while its main loop runs
   * aborts the test (the test's own changes to the cache run between iterations). */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  g_test_add_func ("/sync-panel/offline", test_offline);
  g_test_add_func ("/sync-panel/refused", test_refused);
  g_test_add_func ("/sync-panel/background", test_background);
  g_test_add_func ("/sync-panel/submission", test_submission);
  g_test_add_func ("/sync-panel/waiting-list", test_waiting_list);
  g_test_add_func ("/sync-panel/submit-dialog", test_submit_dialog);
  g_test_add_func ("/sync-panel/cost", test_cost);
  g_test_add_func ("/sync-panel/width-bin", test_width_bin);
  return g_test_run ();
}
