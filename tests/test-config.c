/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-config.c — the reviewer's identity from config.ini and AUDITFLOW_DESK_USER.
 */
#define G_LOG_DOMAIN "test-config"

#include <glib/gstdio.h>
#include <string.h>

#include "af-config.h"

typedef struct
{
  char *dir;    /* stands in for $XDG_CONFIG_HOME/auditflow-desk */
  char *path;   /* config.ini in it */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *expected_path = NULL;

  g_unsetenv (AF_CONFIG_ENV_USER);
  fixture->dir = g_build_filename (g_get_user_config_dir (), "auditflow-desk", NULL);
  fixture->path = af_config_get_path ();
  expected_path = g_build_filename (fixture->dir, "config.ini", NULL);
  g_assert_cmpstr (fixture->path, ==, expected_path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_unsetenv (AF_CONFIG_ENV_USER);
  g_remove (fixture->path);
  g_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->path, g_free);
}

static void
write_config (Fixture    *fixture,
              const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);
  g_file_set_contents (fixture->path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_no_identity (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = af_config_get_identity (&error);

  g_assert_no_error (error);
  g_assert_null (email);

  /* A blank value is no identity either. */
  write_config (fixture, "[identity]\nemail=   \n");
  g_assert_null (af_config_get_identity (&error));
  g_assert_no_error (error);
}

static void
test_from_file (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;

  write_config (fixture, "# who reviews\n[identity]\nemail = ann@example.com \n");
  email = af_config_get_identity (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "ann@example.com");
}

static void
test_env_overrides (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *fallback = NULL;

  write_config (fixture, "[identity]\nemail=ann@example.com\n");
  g_setenv (AF_CONFIG_ENV_USER, "bob@example.com", TRUE);
  email = af_config_get_identity (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "bob@example.com");

  /* An empty variable does not hide the file. */
  g_setenv (AF_CONFIG_ENV_USER, "", TRUE);
  fallback = af_config_get_identity (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (fallback, ==, "ann@example.com");
}

static void
test_malformed_file (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;

  write_config (fixture, "this is not a key file\n[identity\n");
  email = af_config_get_identity (&error);
  g_assert_null (email);
  g_assert_error (error, AF_CONFIG_ERROR, AF_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, fixture->path));
}

static void
test_set_keeps_other_groups (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *email = NULL;
  g_autofree char *other = NULL;

  write_config (fixture, "# kept\n[other]\nkey=value\n");
  g_assert_true (af_config_set_identity ("  carol@example.com ", &error));
  g_assert_no_error (error);

  email = af_config_get_identity (&error);
  g_assert_cmpstr (email, ==, "carol@example.com");

  g_assert_true (g_key_file_load_from_file (key_file, fixture->path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  other = g_key_file_get_string (key_file, "other", "key", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other, ==, "value");

  /* Clearing removes the identity. */
  g_assert_true (af_config_set_identity (NULL, &error));
  g_assert_no_error (error);
  g_assert_null (af_config_get_identity (&error));
  g_assert_no_error (error);
}

static void
test_set_creates_directory (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;

  g_assert_false (g_file_test (fixture->dir, G_FILE_TEST_EXISTS));
  g_assert_true (af_config_set_identity ("dan@example.com", &error));
  g_assert_no_error (error);
  email = af_config_get_identity (&error);
  g_assert_cmpstr (email, ==, "dan@example.com");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_home = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A private XDG_CONFIG_HOME, set before GLib first reads it. (Not
   * G_TEST_OPTION_ISOLATE_DIRS: GLib 2.74 leaks its paths, which LeakSanitizer
   * reports.) Each test leaves it empty again. */
  config_home = g_dir_make_tmp ("test-config-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/config/identity/none", test_no_identity);
  ADD ("/config/identity/file", test_from_file);
  ADD ("/config/identity/env", test_env_overrides);
  ADD ("/config/identity/malformed", test_malformed_file);
  ADD ("/config/identity/set", test_set_keeps_other_groups);
  ADD ("/config/identity/set-creates-dir", test_set_creates_directory);
#undef ADD

  status = g_test_run ();
  g_rmdir (config_home);
  return status;
}
