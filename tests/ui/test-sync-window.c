/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-sync-window.c — the window's way to the cloud against the local peers (DynamoDB
 * Local and s3rver behind their signature-verifying fronts, run-with-peers.sh), under
 * Xvfb: "Test Connection" describes the audits table; a sync on its worker fills a
 * fresh workspace and reports progress; the sidebar's sync line sends an edit made in
 * the window's store and says so in its toast text; forget-user removes a user's
 * analyses remotely and from the workspace.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "af-store-async.h"
#include "afd-cloud.h"
#include "afd-sync-panel.h"
#include "afd-test-widgets.h"
#include "aws-fixture.h"

#define AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define USER "9c88c2a4-ceb4-4e49-bbca-bd2d523cedc6"

static const char * const table_keys[AF_N_TABLES] = {
  "table-documents", "table-audits", "table-analyses", "table-users",
};

typedef struct
{
  GAsyncResult *result;
  guint         progress_calls;
  guint         progress_items;
  gboolean      finished;
  gboolean      success;
  char         *message;
} Outcome;

static GSettings *
settings_new (const char *suffix)
{
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettings *settings;

  source = g_settings_schema_source_new_from_directory (AFD_BUILD_SCHEMA_DIR, NULL, FALSE, NULL);
  schema = g_settings_schema_source_lookup (source, "io.github.auditflow.Desk", FALSE);
  g_assert_nonnull (schema);
  settings = g_settings_new_full (schema, NULL, NULL);
  g_settings_set_string (settings, "region", g_getenv ("AF_PEER_REGION") ? g_getenv ("AF_PEER_REGION")
                                                                         : "us-east-1");
  g_settings_set_string (settings, "endpoint-dynamodb", aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL"));
  g_settings_set_string (settings, "endpoint-s3", aws_fixture_peer_url ("AF_PEER_S3_URL"));
  g_settings_set_string (settings, "identity", "ann@example.com");
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autofree char *name = aws_fixture_table_name (t, suffix);

      g_settings_set_string (settings, table_keys[t], name);
    }
  return settings;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Outcome *outcome = user_data;

  outcome->result = g_object_ref (result);
}

static void
progress_cb (GObject *target,
             guint    items,
             guint64  bytes)
{
  Outcome *outcome = g_object_get_data (target, "outcome");

  outcome->progress_calls++;
  outcome->progress_items = items;
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
wait_result (Outcome *outcome)
{
  for (guint i = 0; i < 1200 && outcome->result == NULL; i++)
    afd_test_run_for (100);
  g_assert_nonnull (outcome->result);
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

static void
test_connection (AfdCloudConfig *config)
{
  Outcome outcome = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  afd_cloud_test_async (config, NULL, store_result_cb, &outcome);
  wait_result (&outcome);
  description = afd_cloud_test_finish (outcome.result, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (description, "ACTIVE"));
  g_clear_object (&outcome.result);
}

/* A fresh workspace filled by a sync on the worker, with progress on this thread. */
static void
test_first_sync (AfdCloudConfig *config)
{
  g_autoptr(GObject) target = g_object_new (G_TYPE_OBJECT, NULL);
  Outcome outcome = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(AfSyncResult) result = NULL;

  g_object_set_data (target, "outcome", &outcome);
  afd_cloud_sync_async (config, target, progress_cb, NULL, store_result_cb, &outcome);
  wait_result (&outcome);
  result = afd_cloud_sync_finish (outcome.result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result->pull);
  g_assert_cmpuint (result->pull->pulled[AF_TABLE_AUDITS], >, 0);
  afd_test_run_for (200);
  g_assert_cmpuint (outcome.progress_calls, >, 0);
  g_assert_cmpuint (outcome.progress_items, >, 0);
  g_clear_object (&outcome.result);
}

/* The window's cache as its pages read it: on the store's thread. @query NULL: the
 * outbox's length. */
static gint64
count (AfdWorkspace  *workspace,
       const AfQuery *query)
{
  AfStoreThread *thread = afd_workspace_get_store_thread (workspace);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (query != NULL)
    af_store_thread_count_async (thread, query, NULL, af_test_store_result, &result);
  else
    af_store_thread_outbox_length_async (thread, NULL, af_test_store_result, &result);
  n = af_store_thread_count_finish (thread, af_test_wait (&result), &error);
  g_assert_no_error (error);
  return n;
}

static gpointer
note_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  return af_store_set_review_notes (store, AUDIT, data, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
test_forget (AfdCloudConfig *config,
             AfdWorkspace   *workspace)
{
  Outcome outcome = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) left = NULL;
  AfForgetResult result = { 0, };
  AfQuery query = { .table = AF_TABLE_ANALYSES, .user_id = USER };

  g_assert_cmpint (count (workspace, &query), >, 0);
  afd_cloud_forget_async (config, USER, NULL, store_result_cb, &outcome);
  wait_result (&outcome);
  g_assert_true (afd_cloud_forget_finish (outcome.result, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.analyses, ==, 2);
  g_assert_true (result.user);
  g_assert_cmpint (count (workspace, &query), ==, 0);
  g_clear_object (&outcome.result);
}

static void
test_window_sync (void)
{
  g_autofree char *suffix = g_strdup_printf ("w%08x", g_random_int ());
  g_autoptr(GSettings) settings = settings_new (suffix);
  g_autofree char *dir = g_dir_make_tmp ("afd-test-sync-window-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "workspace.db", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(AfDynamodbClient) dynamodb = NULL;
  g_autoptr(AfdCloudConfig) config = NULL;
  g_autoptr(AfdWorkspace) workspace = NULL;
  AfdSyncPanel *panel = g_object_new (AFD_TYPE_SYNC_PANEL, NULL);
  GtkWidget *window = gtk_window_new ();
  Outcome outcome = { NULL, };

  if (aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL") == NULL)
    {
      g_test_fail_printf ("the local peers are not running: run this test through "
                          "tests/peers/run-with-peers.sh");
      return;
    }
  dynamodb = aws_fixture_dynamodb (session, aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL"));
  aws_fixture_create_tables (dynamodb, suffix);
  aws_fixture_load_tables (dynamodb, suffix);

  config = afd_cloud_config_new_from_settings (settings, db, NULL);
  test_connection (config);
  afd_workspace_open_async (db, settings, NULL, opened_cb, &workspace);
  while (workspace == NULL)
    g_main_context_iteration (NULL, TRUE);
  test_first_sync (config);

  /* An edit in the window's store, sent by the sidebar's sync. */
  af_store_thread_set_identity (afd_workspace_get_store_thread (workspace), "ann@example.com");
  afd_test_store_run (workspace, note_job, "Checked from the window");
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (panel));
  gtk_window_present (GTK_WINDOW (window));
  afd_sync_panel_set_workspace (panel, workspace, settings);
  g_signal_connect (panel, "finished", G_CALLBACK (finished_cb), &outcome);
  afd_sync_panel_sync (panel);
  for (guint i = 0; i < 1200 && !outcome.finished; i++)
    afd_test_run_for (100);
  g_assert_true (outcome.finished);
  g_assert_true (outcome.success);
  g_assert_true (g_str_has_prefix (outcome.message, "Synced: 1 sent"));
  g_assert_cmpint (count (workspace, NULL), ==, 0);
  afd_test_wait_sync_status (panel, "Last synced", 20);
  g_assert_true (g_str_has_prefix (afd_sync_panel_get_status_text (panel), "Last synced"));
  /* what that sync read, under the status (the fixture tables have no stream) */
  g_test_message ("%s", afd_sync_panel_get_cost_text (panel));
  g_assert_true (g_str_has_prefix (afd_sync_panel_get_cost_text (panel), "Last sync: "));
  g_assert_nonnull (strstr (afd_sync_panel_get_cost_text (panel), "0 by stream, 4 refreshed"));
  afd_test_run_for (300);
  afd_test_screenshot (GTK_WIDGET (panel), "sync-panel-cost.png");
  test_forget (config, workspace);

  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* The peers' test keys, from the environment: the first place the chain looks. */
  if (g_getenv ("AF_PEER_ACCESS_KEY_ID") != NULL)
    {
      g_setenv ("AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
      g_setenv ("AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), TRUE);
    }
  g_unsetenv ("AWS_SESSION_TOKEN");
  g_unsetenv ("AWS_REGION");
  g_unsetenv ("AWS_DEFAULT_REGION");
  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_ENDPOINT_URL_DYNAMODB");
  g_unsetenv ("AWS_ENDPOINT_URL_S3");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sync-window/connection-sync-push-forget", test_window_sync);
  return g_test_run ();
}
