/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-preferences.c — the Preferences window in-process under Xvfb, against a private
 * unlocked keyring (run-with-keyring.sh): what is applied lands in the settings, an
 * insecure endpoint is refused with the endpoint module's message, the credentials go
 * to the keyring and nowhere else (no setting, no file under $HOME holds the secret)
 * and leave it with Remove, and "Test Connection" shows its failure in the row.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "af-credentials.h"
#include "afd-preferences-window.h"
#include "afd-test-widgets.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
#define KEY_ID "AKIDEXAMPLE123"

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

static AfdPreferencesWindow *
open_window (GSettings *settings)
{
  AfdPreferencesWindow *window = afd_preferences_window_new (NULL, settings, FALSE);

  gtk_window_present (GTK_WINDOW (window));
  afd_test_run_for (300);
  return window;
}

static void
apply (AfdPreferencesWindow *window,
       const char           *title,
       const char           *text)
{
  GtkWidget *row = afd_test_find_row (GTK_WIDGET (window), title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

static void
test_settings_saved (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  AfdPreferencesWindow *window = open_window (settings);
  g_autofree char *region = NULL, *endpoint = NULL, *table = NULL, *env = NULL, *identity = NULL;

  apply (window, "Region", "eu-west-1");
  apply (window, "DynamoDB Endpoint", "http://127.0.0.1:8000");
  apply (window, "Audit Records Table", "Audits-Test");
  apply (window, "Environment Suffix", "prod");
  apply (window, "Your E-Mail Address", "ann@example.com");
  region = g_settings_get_string (settings, "region");
  endpoint = g_settings_get_string (settings, "endpoint-dynamodb");
  table = g_settings_get_string (settings, "table-audits");
  env = g_settings_get_string (settings, "env-suffix");
  identity = g_settings_get_string (settings, "identity");
  g_assert_cmpstr (region, ==, "eu-west-1");
  g_assert_cmpstr (endpoint, ==, "http://127.0.0.1:8000");
  g_assert_cmpstr (table, ==, "Audits-Test");
  g_assert_cmpstr (env, ==, "prod");
  g_assert_cmpstr (identity, ==, "ann@example.com");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The paper of the reports: the row and the setting follow each other. */
static void
test_report_paper (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  AfdPreferencesWindow *window = open_window (settings);
  GtkWidget *row = afd_test_find_row (GTK_WIDGET (window), "Paper Size");
  g_autofree char *paper = NULL;

  g_assert_true (ADW_IS_COMBO_ROW (row));
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 0);   /* auto */
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 2);
  paper = g_settings_get_string (settings, "report-paper");
  g_assert_cmpstr (paper, ==, "letter");
  g_settings_set_string (settings, "report-paper", "a4");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Plain http to a host that is not loopback: refused, the setting unchanged. */
static void
test_insecure_refused (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  AfdPreferencesWindow *window = open_window (settings);
  g_autofree char *endpoint = NULL;
  GtkWidget *row;

  g_settings_set_string (settings, "endpoint-s3", "https://s3.example.com");
  apply (window, "S3 Endpoint", "http://s3.example.com");
  endpoint = g_settings_get_string (settings, "endpoint-s3");
  g_assert_cmpstr (endpoint, ==, "https://s3.example.com");
  row = afd_test_find_row (GTK_WIDGET (window), "S3 Endpoint");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
file_holds (const char *path,
            const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return g_strstr_len (contents, length, needle) != NULL;
}

static void
assert_no_file_holds (const char *dir,
                      const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_no_file_holds (path, needle);
      else if (file_holds (path, needle))
        g_error ("%s holds the secret", path);
    }
}

static void
assert_no_setting_holds (GSettings  *settings,
                         const char *needle)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, needle));
    }
}

static void
test_credentials_in_keyring (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  AfdPreferencesWindow *window = open_window (settings);
  GtkWidget *secret_row = afd_test_find_row (GTK_WIDGET (window), "Secret Access Key");
  g_autoptr(AfCredentials) stored = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cleared = FALSE;

  gtk_editable_set_text (GTK_EDITABLE (afd_test_find_row (GTK_WIDGET (window), "Access Key ID")),
                         KEY_ID);
  gtk_editable_set_text (GTK_EDITABLE (secret_row), SECRET);
  g_signal_emit_by_name (afd_test_find_button (GTK_WIDGET (window), "_Save to Keyring"), "clicked");
  /* The secret field empties itself once the keyring has it. */
  for (guint i = 0; i < 100 && !cleared; i++)
    {
      afd_test_run_for (100);
      cleared = *gtk_editable_get_text (GTK_EDITABLE (secret_row)) == '\0';
    }
  g_assert_true (cleared);

  stored = af_credentials_lookup_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  g_assert_cmpstr (af_credentials_get_access_key_id (stored), ==, KEY_ID);
  g_assert_cmpstr (af_credentials_get_secret_access_key (stored), ==, SECRET);
  g_assert_null (af_credentials_get_session_token (stored));
  assert_no_setting_holds (settings, SECRET);
  assert_no_file_holds (g_get_home_dir (), SECRET);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Opened again, the key id comes back from the keyring; the secret does not. */
  window = open_window (settings);
  afd_test_run_for (500);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (afd_test_find_row (GTK_WIDGET (window),
                                                                          "Access Key ID"))),
                   ==, KEY_ID);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (afd_test_find_row (GTK_WIDGET (window),
                                                                          "Secret Access Key"))),
                   ==, "");

  /* Removed from the keyring with the Remove button. */
  g_signal_emit_by_name (afd_test_find_button (GTK_WIDGET (window), "_Remove"), "clicked");
  for (guint i = 0; i < 100 && stored != NULL; i++)
    {
      afd_test_run_for (100);
      g_clear_object (&stored);
      stored = af_credentials_lookup_sync (NULL, NULL, NULL);
    }
  g_assert_null (stored);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The endpoint module's refusal is what the row says. */
static void
test_connection_failure_shown (void)
{
  g_autoptr(GSettings) settings = settings_new ();
  AfdPreferencesWindow *window = NULL;
  GtkWidget *row;
  gboolean done = FALSE;

  g_settings_set_string (settings, "region", "us-east-1");
  g_settings_set_string (settings, "endpoint-dynamodb", "http://dynamodb.example.com");
  window = open_window (settings);
  row = afd_test_find_row (GTK_WIDGET (window), "Test Connection");
  g_signal_emit_by_name (afd_test_find_button (GTK_WIDGET (window), "_Test"), "clicked");
  for (guint i = 0; i < 100 && !done; i++)
    {
      afd_test_run_for (100);
      done = g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Failed:");
    }
  g_assert_true (done);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "http"));
  afd_test_screenshot (row, "preferences-test-failed.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
keyring_available (void)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (af_credentials_get_schema (), NULL, &error,
                                              "profile", "probe", NULL);

  secret_password_free (secret);
  return error == NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Only the keyring and the settings count here: no variable may supply credentials. */
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unsetenv ("AWS_PROFILE");
  g_unsetenv ("AWS_ENDPOINT_URL");
  g_unsetenv ("AWS_ENDPOINT_URL_DYNAMODB");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_getenv ("AF_TEST_KEYRING") == NULL || !keyring_available ())
    {
      g_print ("Bail out! no private, unlocked secret service: run this test through "
               "tests/run-with-keyring.sh\n");
      return 1;
    }
  g_test_add_func ("/preferences/settings-saved", test_settings_saved);
  g_test_add_func ("/preferences/insecure-refused", test_insecure_refused);
  g_test_add_func ("/preferences/report-paper", test_report_paper);
  g_test_add_func ("/preferences/credentials-in-keyring", test_credentials_in_keyring);
  g_test_add_func ("/preferences/connection-failure-shown", test_connection_failure_shown);
  return g_test_run ();
}
