/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `auditflow-cli sync --pull-only` and `offline` end to end, against the local peers:
 * the output (text and --json) and the exit status (0 ran to the end, 1 could not
 * complete, 2 usage).
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "aws-fixture.h"

typedef struct
{
  char *dir;
  char *db;
  char *suffix;
} Fixture;

static guint counter;

/* $AF_CLI, else the one built beside the tests. */
static const char *
cli_path (void)
{
  static char *path;

  if (path == NULL && g_getenv ("AF_CLI") != NULL)
    path = g_strdup (g_getenv ("AF_CLI"));
  if (path == NULL && g_getenv ("G_TEST_BUILDDIR") != NULL)
    path = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "src", "cli", "auditflow-cli",
                             NULL);
  return path;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(AfDynamodbClient) dynamodb = NULL;
  g_autoptr(AfS3Client) s3 = NULL;
  g_autoptr(GError) error = NULL;
  static gboolean uploaded;

  if (aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL") == NULL ||
      aws_fixture_peer_url ("AF_PEER_S3_URL") == NULL || cli_path () == NULL)
    {
      g_test_fail_printf ("the local peers are not running, or AF_CLI is not set: run this test "
                          "through tests/peers/run-with-peers.sh (meson test does)");
      return;
    }
  session = soup_session_new ();
  dynamodb = aws_fixture_dynamodb (session, g_getenv ("AF_PEER_DYNAMODB_LOCAL_URL"));
  s3 = aws_fixture_s3 (session, g_getenv ("AF_PEER_S3_URL"));
  fixture->suffix = g_strdup_printf ("cli%u-%d", ++counter, (int) getpid ());
  aws_fixture_create_tables (dynamodb, fixture->suffix);
  aws_fixture_load_tables (dynamodb, fixture->suffix);
  if (!uploaded)
    aws_fixture_upload_objects (s3);
  uploaded = TRUE;
  fixture->dir = g_dir_make_tmp ("af-test-cli-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->db = g_build_filename (fixture->dir, "cache.db", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->dir != NULL)
    af_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db);
  g_free (fixture->suffix);
}

static char **
cli_environment (Fixture    *fixture,
                 const char *audits_table)
{
  return aws_fixture_cli_environment (fixture->dir, fixture->suffix, audits_table);
}

static int
run_cli (Fixture     *fixture,
         char       **env,
         char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  va_list args;
  int status;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, fixture->db);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, 0, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("stdout: %s\nstderr: %s", *out, *err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_sync_and_offline (Fixture       *fixture,
                       gconstpointer  data)
{
  g_auto(GStrv) env = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonObject *pulled;

  if (fixture->dir == NULL)
    return;
  env = cli_environment (fixture, NULL);
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "--json", "sync", "--pull-only", NULL),
                   ==, 0);
  object = parse_object (parser, out);
  pulled = json_object_get_object_member (object, "pulled");
  g_assert_cmpint (json_object_get_int_member (pulled, "documents"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (pulled, "audits"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (pulled, "analyses"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (pulled, "users"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "errors"), ==, 0);
  /* per table, how it was read and what it cost (the fixture tables have no stream) */
  {
    JsonObject *tables = json_object_get_object_member (object, "tables");
    JsonObject *audits = json_object_get_object_member (tables, "audits");

    g_assert_cmpstr (json_object_get_string_member (audits, "path"), ==, "full");
    g_assert_cmpint (json_object_get_int_member (audits, "requests"), >=, 4);
    g_assert_cmpint (json_object_get_int_member (audits, "bytes"), >, 5000);
    g_assert_false (json_object_get_boolean_member (audits, "reset"));
  }

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "--json", "offline", "LOAN-2024-259508",
                            NULL), ==, 0);
  object = parse_object (parser, out);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object,
                                                                              "objects"),
                                               "fetched"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (object, "integrity_failures"), ==, 0);

  /* the text form, a second time: nothing new, the objects already cached */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "sync", "--pull-only", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "pulled: documents 0, audits 0, analyses 0, users 0"));
  g_assert_nonnull (strstr (out, "objects: 0 fetched"));
  g_assert_nonnull (strstr (out, "4 already cached"));
  g_assert_nonnull (strstr (out, "integrity failures: 0"));
  g_assert_nonnull (strstr (out, "read: documents refresh ("));
}

static void
test_failures (Fixture       *fixture,
               gconstpointer  data)
{
  g_auto(GStrv) env = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) offline = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (fixture->dir == NULL)
    return;
  env = cli_environment (fixture, NULL);

  g_assert_cmpint (run_cli (fixture, env, &out, &err, "sync", "--bogus", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "offline", NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* No cache yet: only import and sync create one, so offline says so. */
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "offline", "NO-SUCH-LOAN", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no cache at"));

  /* a table that does not exist: not retried, stops with a clear message */
  missing = cli_environment (fixture, "no-such-audits-table");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, missing, &out, &err, "sync", "--pull-only", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "ResourceNotFoundException"));
  g_assert_nonnull (strstr (err, "no-such-audits-table"));
  /* That sync made the cache: an unknown loan is now named. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, env, &out, &err, "offline", "NO-SUCH-LOAN", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "NO-SUCH-LOAN"));

  /* nobody listening: retried, then given up */
  offline = g_environ_setenv (g_strdupv (env), "AWS_ENDPOINT_URL_DYNAMODB",
                              "http://127.0.0.1:9", TRUE);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (fixture, offline, &out, &err, "sync", "--pull-only", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Network failure"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/aws/cli/sync-and-offline", Fixture, NULL, fixture_setup, test_sync_and_offline,
              fixture_teardown);
  g_test_add ("/aws/cli/failures", Fixture, NULL, fixture_setup, test_failures,
              fixture_teardown);
  return g_test_run ();
}
