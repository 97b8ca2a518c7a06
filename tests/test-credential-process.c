/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * credential_process (af-credential-process.h) without a server: the Version 1 JSON read
 * and refused, a command run without a shell, its stderr in the error when it fails, the
 * secret in no error, a profile that names one, and the refresh before Expiration. The
 * signature-verifying peers see the credentials in use: tests/aws/test-credential-process.c.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "af-credential-process.h"
#include "af-credentials.h"

#define SECRET "s3cr3t-from-the-process"

static char *dir;

/* A script printing credentials (or failing), run as credential_process. $1 counts the
 * runs; $2: seconds until Expiration ("-" for none), or "fail". */
static char *
write_script (void)
{
  g_autofree char *path = g_build_filename (dir, "print creds.sh", NULL);
  const char *script =
    "#!/bin/sh\n"
    "n=$(cat \"$1\" 2>/dev/null || echo 0); echo $((n + 1)) > \"$1\"\n"
    "if [ \"$2\" = fail ]; then echo 'token expired: run aws sso login' >&2;"
    " echo '{\"Version\": 1, \"SecretAccessKey\": \"" SECRET "\"}'; exit 3; fi\n"
    "if [ \"$2\" = bad ]; then echo '{\"Version\": 2, \"AccessKeyId\": \"A\","
    " \"SecretAccessKey\": \"" SECRET "\"}'; exit 0; fi\n"
    "exp=''; [ \"$2\" != - ] && exp=$(date -u -d \"+$2 seconds\" +%Y-%m-%dT%H:%M:%SZ)\n"
    "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"%s\","
    " \"SessionToken\": \"tok\"%s}\\n' " SECRET " \"${exp:+, \\\"Expiration\\\": \\\"$exp\\\"}\"\n";
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  /* Quoted as a profile would quote it: the path has a space. */
  return g_shell_quote (path);
}

static char *
command (const char *mode)
{
  g_autofree char *script = write_script ();
  g_autofree char *counter = g_build_filename (dir, "runs", NULL);
  g_autofree char *quoted_counter = g_shell_quote (counter);

  g_unlink (counter);
  return g_strdup_printf ("%s %s %s", script, quoted_counter, mode);
}

static guint
runs (void)
{
  g_autofree char *counter = g_build_filename (dir, "runs", NULL);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (counter, &text, NULL, NULL))
    return 0;
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

static void
test_parse (void)
{
  static const char *refused[] = {
    "",
    "[]",
    "{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET "\"}",
    "{\"Version\": \"1\", \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET "\"}",
    "{\"Version\": 1, \"SecretAccessKey\": \"" SECRET "\"}",
    "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": 7}",
    "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET "\", "
    "\"Expiration\": \"tomorrow\"}",
    "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET "\", "
    "\"SessionToken\": [1]}",
    "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"" SECRET "\"",
  };
  const char *good = "{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \""
                     SECRET "\", \"SessionToken\": \"T\", \"Expiration\": "
                     "\"2026-12-01T23:00:00Z\"}";
  AfProcessKeys keys;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_credential_process_parse (good, strlen (good), &keys, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (keys.access_key_id, ==, "AKID");
  g_assert_cmpstr (keys.secret_access_key, ==, SECRET);
  g_assert_cmpstr (keys.session_token, ==, "T");
  g_assert_cmpint (keys.expiration, ==, 1796166000);
  af_process_keys_clear (&keys);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) refusal = NULL;

      g_assert_false (af_credential_process_parse (refused[i], strlen (refused[i]), &keys,
                                                   &refusal));
      g_assert_error (refusal, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_PROCESS);
      g_assert_null (strstr (refusal->message, SECRET));
      g_assert_null (keys.secret_access_key);
    }
}

static void
test_run_without_shell (void)
{
  g_autofree char *base = command ("-");
  g_autofree char *pwned = g_build_filename (dir, "pwned", NULL);
  g_autofree char *line = g_strdup_printf ("%s '$(touch %s)' ; touch %s", base, pwned, pwned);
  AfProcessKeys keys;
  g_autoptr(GError) error = NULL;

  /* Extra words are arguments the script ignores: no substitution, no ";" runs. */
  g_assert_true (af_credential_process_run (line, &keys, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (keys.access_key_id, ==, "AKIDPROCESS");
  g_assert_cmpint (keys.expiration, ==, 0);
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
  af_process_keys_clear (&keys);
}

static void
test_failure_shows_stderr (void)
{
  g_autofree char *failing = command ("fail");
  g_autofree char *bad = command ("bad");
  AfProcessKeys keys;
  g_autoptr(GError) error = NULL;

  g_assert_false (af_credential_process_run (failing, &keys, &error));
  g_assert_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_PROCESS);
  g_assert_nonnull (strstr (error->message, "token expired: run aws sso login"));
  g_assert_nonnull (strstr (error->message, "exit status 3"));
  g_assert_null (strstr (error->message, SECRET));
  g_clear_error (&error);

  g_assert_false (af_credential_process_run (bad, &keys, &error));
  g_assert_nonnull (strstr (error->message, "Version"));
  g_assert_null (strstr (error->message, SECRET));
  g_clear_error (&error);

  g_assert_false (af_credential_process_run ("/nonexistent/credential-helper", &keys, &error));
  g_assert_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_PROCESS);
}

/* A profile in the config file names the command; its credentials are refreshed only
 * when they are about to expire. */
static void
test_profile_and_refresh (void)
{
  g_autofree char *line = command ("600");
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_autofree char *text = g_strdup_printf ("[profile vault]\nregion = eu-west-1\n"
                                           "credential_process = %s\n", line);
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(AfCredentials) current = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expiration;

  g_file_set_contents (config, text, -1, &error);
  g_assert_no_error (error);
  g_setenv ("AWS_CONFIG_FILE", config, TRUE);
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", TRUE);
  credentials = af_credentials_from_profile ("vault", &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_credentials_get_source (credentials), ==, AF_CREDENTIALS_SOURCE_PROCESS);
  g_assert_cmpstr (af_credentials_get_secret_access_key (credentials), ==, SECRET);
  g_assert_cmpstr (af_credentials_get_session_token (credentials), ==, "tok");
  expiration = af_credentials_get_expiration (credentials);
  g_assert_cmpint (expiration, >=, now + 590);
  g_assert_cmpuint (runs (), ==, 1);

  /* Far from its expiry: nothing runs. Four minutes before: it runs again. */
  g_assert_true (af_credentials_refresh (credentials, now, &error));
  g_assert_cmpuint (runs (), ==, 1);
  g_assert_true (af_credentials_refresh (credentials, expiration - 240, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (runs (), ==, 2);
  current = af_credentials_dup_current (credentials);
  g_assert_cmpstr (af_credentials_get_access_key_id (current), ==, "AKIDPROCESS");
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("test-credential-process-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/credential-process/parse", test_parse);
  g_test_add_func ("/credential-process/run-without-shell", test_run_without_shell);
  g_test_add_func ("/credential-process/failure-shows-stderr", test_failure_shows_stderr);
  g_test_add_func ("/credential-process/profile-and-refresh", test_profile_and_refresh);
  status = g_test_run ();
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
    g_free (dir);
  }
  return status;
}
