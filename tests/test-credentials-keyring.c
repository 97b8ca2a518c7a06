/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Credentials in the keyring through libsecret. Needs a running, unlocked secret service:
 * tests/run-with-keyring.sh starts one (gnome-keyring in a private D-Bus session) and
 * skips the whole test where there is none.
 */
#define G_LOG_DOMAIN "test-credentials-keyring"

#include "af-credentials.h"

static void
clear_aws_environment (void)
{
  const char * const variables[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
  };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    if (g_getenv (variables[i]) != NULL)
      g_unsetenv (variables[i]);
}

static void
test_store_lookup_clear (void)
{
  g_autoptr(AfCredentials) stored = af_credentials_new ("AKIDKEYRING", "secret/keyring+1",
                                                        "token-keyring");
  g_autoptr(AfCredentials) other = af_credentials_new ("AKIDOTHER", "secret-other", NULL);
  g_autoptr(AfCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_credentials_store_sync (stored, "kr-sync", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (af_credentials_store_sync (other, "kr-other", NULL, &error));
  g_assert_no_error (error);

  found = af_credentials_lookup_sync ("kr-sync", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (af_credentials_get_access_key_id (found), ==, "AKIDKEYRING");
  g_assert_cmpstr (af_credentials_get_secret_access_key (found), ==, "secret/keyring+1");
  g_assert_cmpstr (af_credentials_get_session_token (found), ==, "token-keyring");
  g_assert_cmpint (af_credentials_get_source (found), ==, AF_CREDENTIALS_SOURCE_KEYRING);
  g_assert_cmpstr (af_credentials_get_profile (found), ==, "kr-sync");
  g_clear_object (&found);

  g_assert_true (af_credentials_clear_sync ("kr-sync", NULL, &error));
  g_assert_no_error (error);
  found = af_credentials_lookup_sync ("kr-sync", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  /* the other profile's item is untouched, and clearing twice is fine */
  found = af_credentials_lookup_sync ("kr-other", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_credentials_get_access_key_id (found), ==, "AKIDOTHER");
  g_assert_null (af_credentials_get_session_token (found));
  g_assert_true (af_credentials_clear_sync ("kr-sync", NULL, &error));
}

/* Replacing the stored credentials of a profile keeps one item, the new one. */
static void
test_store_replaces (void)
{
  g_autoptr(AfCredentials) first = af_credentials_new ("AKIDFIRST", "s1", "t1");
  g_autoptr(AfCredentials) second = af_credentials_new ("AKIDSECOND", "s2", NULL);
  g_autoptr(AfCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_credentials_store_sync (first, "kr-replace", NULL, &error));
  g_assert_true (af_credentials_store_sync (second, "kr-replace", NULL, &error));
  g_assert_no_error (error);
  found = af_credentials_lookup_sync ("kr-replace", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_credentials_get_access_key_id (found), ==, "AKIDSECOND");
  g_assert_null (af_credentials_get_session_token (found));
}

typedef struct
{
  GMainLoop     *loop;
  gboolean       ok;
  AfCredentials *credentials;
} AsyncState;

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  state->ok = af_credentials_store_finish (result, &error);
  g_assert_no_error (error);
  g_main_loop_quit (state->loop);
}

static void
on_looked_up (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  state->credentials = af_credentials_lookup_finish (result, &error);
  g_assert_no_error (error);
  g_main_loop_quit (state->loop);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;

  state->ok = af_credentials_clear_finish (result, &error);
  g_assert_no_error (error);
  g_main_loop_quit (state->loop);
}

static void
test_async (void)
{
  g_autoptr(AfCredentials) stored = af_credentials_new ("AKIDASYNC", "secret-async", NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState state = { loop, FALSE, NULL };

  af_credentials_store_async (stored, "kr-async", NULL, on_stored, &state);
  g_main_loop_run (loop);
  g_assert_true (state.ok);

  af_credentials_lookup_async ("kr-async", NULL, on_looked_up, &state);
  g_main_loop_run (loop);
  g_assert_nonnull (state.credentials);
  g_assert_cmpstr (af_credentials_get_secret_access_key (state.credentials), ==, "secret-async");
  g_clear_object (&state.credentials);

  state.ok = FALSE;
  af_credentials_clear_async ("kr-async", NULL, on_cleared, &state);
  g_main_loop_run (loop);
  g_assert_true (state.ok);

  af_credentials_lookup_async ("kr-async", NULL, on_looked_up, &state);
  g_main_loop_run (loop);
  g_assert_null (state.credentials);
}

/* Last in the chain: used when neither the environment nor the files have credentials,
 * and only then. */
static void
test_resolve_chain (void)
{
  g_autoptr(AfCredentials) stored = af_credentials_new ("AKIDCHAIN", "secret-chain", NULL);
  g_autoptr(AfCredentials) found = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  g_setenv ("AWS_PROFILE", "kr-chain", TRUE);
  g_assert_true (af_credentials_store_sync (stored, NULL, NULL, &error));
  g_assert_no_error (error);

  found = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_credentials_get_source (found), ==, AF_CREDENTIALS_SOURCE_KEYRING);
  g_assert_cmpstr (af_credentials_get_access_key_id (found), ==, "AKIDCHAIN");
  g_clear_object (&found);

  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "secret-env", TRUE);
  found = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_credentials_get_source (found), ==, AF_CREDENTIALS_SOURCE_ENVIRONMENT);
  clear_aws_environment ();
  g_assert_true (af_credentials_clear_sync ("kr-chain", NULL, &error));
}

/* The secret service answers? Otherwise skip everything: no keyring is no failure of ours. */
static gboolean
secret_service_available (void)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (af_credentials_get_schema (), NULL, &error,
                                              "profile", "probe", NULL);

  secret_password_free (secret);
  if (error != NULL)
    g_printerr ("no secret service: %s\n", error->message);
  return error == NULL;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* AF_TEST_KEYRING comes from the wrapper: never write into a user's real keyring. */
  if (g_getenv ("AF_TEST_KEYRING") == NULL || !secret_service_available ())
    {
      g_print ("Bail out! no private, unlocked secret service: run this test through "
               "tests/run-with-keyring.sh\n");
      return 1;
    }

  g_test_add_func ("/credentials-keyring/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/credentials-keyring/store-replaces", test_store_replaces);
  g_test_add_func ("/credentials-keyring/async", test_async);
  g_test_add_func ("/credentials-keyring/resolve-chain", test_resolve_chain);

  status = g_test_run ();
  /* libsecret keeps its service proxy for the life of the process, and D-Bus signals wait
   * in the main context for someone to dispatch them: let both go. */
  secret_service_disconnect ();
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return status;
}
