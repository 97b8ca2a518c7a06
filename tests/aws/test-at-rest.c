/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Personal data at rest, end to end with the CLI against the local peers, in a private
 * HOME under umask 000: pull the fixtures, take the three loans offline (their
 * documents downloaded), correct a PII field, pull again. Then every file under the data
 * and cache folders (db, -wal, -shm, objects, downloads) holds none of the fixtures'
 * PII values in UTF-8, UTF-16LE, base64 or hex; no file starts like a PDF, JPEG, PNG or
 * TIFF; files are 0600 and folders 0700. The G_MESSAGES_DEBUG=all log of all of it holds
 * no PII value and no S3 key of a loan document (they carry the borrower's name).
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "aws-fixture.h"
#include "pii-scan.h"

static const char * const loans[] = {
  "LOAN-2024-072470", "LOAN-2024-163671", "LOAN-2024-259508",
};

static char *
cli_path (void)
{
  if (g_getenv ("AF_CLI") != NULL)
    return g_strdup (g_getenv ("AF_CLI"));
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "src", "cli", "auditflow-cli",
                           NULL);
}

static char **
environment (const char *home,
             const char *suffix)
{
  char **env = g_get_environ ();
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *key = g_build_filename (home, "secret", "cache.key", NULL);
  static const char * const names[AF_N_TABLES] = {
    "AUDITFLOW_DESK_TABLE_DOCUMENTS", "AUDITFLOW_DESK_TABLE_AUDITS",
    "AUDITFLOW_DESK_TABLE_ANALYSES", "AUDITFLOW_DESK_TABLE_USERS",
  };

  env = g_environ_setenv (env, "HOME", home, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  env = g_environ_setenv (env, "XDG_CONFIG_HOME", config, TRUE);
  env = g_environ_setenv (env, "AUDITFLOW_DESK_KEY_FILE", key, TRUE);
  env = g_environ_setenv (env, "G_MESSAGES_DEBUG", "all", TRUE);
  env = g_environ_setenv (env, "AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
  env = g_environ_setenv (env, "AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"),
                          TRUE);
  env = g_environ_setenv (env, "AWS_REGION", g_getenv ("AF_PEER_REGION"), TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_DYNAMODB", g_getenv ("AF_PEER_DYNAMODB_LOCAL_URL"),
                          TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_S3", g_getenv ("AF_PEER_S3_URL"), TRUE);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autofree char *name = aws_fixture_table_name (t, suffix);

      env = g_environ_setenv (env, names[t], name, TRUE);
    }
  return env;
}

static void
permissive_umask (gpointer data)
{
  umask (0);
}

/* Runs the CLI under umask 000; what it prints (with the debug log) is added to @log. */
static void
run_cli (char       **env,
         GString     *log,
         const char  *first,
         ...)
{
  g_autofree char *cli = cli_path ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, cli);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, env, 0, permissive_umask, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  /* GLib writes debug messages to stdout, warnings to stderr: both are the log. */
  g_string_append (log, out);
  g_string_append (log, err);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s %s failed:\n%s\n%s", cli, first, out, err);
  g_test_message ("%s: %s", first, out);
}

static const char *
signature_of (const guint8 *data,
              gsize         length)
{
  if (length >= 4 && memcmp (data, "%PDF", 4) == 0)
    return "PDF";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "JPEG";
  if (length >= 4 && memcmp (data, "\x89PNG", 4) == 0)
    return "PNG";
  if (length >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "TIFF";
  return NULL;
}

typedef struct
{
  GPtrArray *values;
  guint      files;
  guint      objects;
} Scan;

static void
scan_tree (const char *path,
           Scan       *scan)
{
  GStatBuf st;

  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      if ((st.st_mode & 07777) != 0700)
        g_error ("%s: folder mode %04o, not 0700", path, (guint) (st.st_mode & 07777));
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          scan_tree (child, scan);
        }
      return;
    }
  {
    g_autofree char *contents = NULL;
    gsize length = 0;
    const char *signature;

    if ((st.st_mode & 07777) != 0600)
      g_error ("%s: file mode %04o, not 0600", path, (guint) (st.st_mode & 07777));
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    signature = signature_of ((const guint8 *) contents, length);
    if (signature != NULL)
      g_error ("%s starts like a %s file: a document is stored in clear", path, signature);
    if (pii_scan_file (path, scan->values) != 0)
      g_error ("%s holds a fixture PII value", path);
    scan->files++;
    if (strstr (path, "/objects/") != NULL)
      scan->objects++;
  }
}

/* The keys of the loan documents in the manifest: "loans/…/W2_2023_Carter.pdf". */
static GPtrArray *
document_keys (void)
{
  g_autofree char *manifest = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "s3-manifest.json",
                                                NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  JsonArray *objects;

  g_assert_true (json_parser_load_from_file (parser, manifest, NULL));
  objects = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "objects");
  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);

      if (g_str_equal (json_object_get_string_member (object, "bucket"), "auditflow-documents-dev"))
        g_ptr_array_add (keys, g_strdup (json_object_get_string_member (object, "key")));
    }
  g_assert_cmpuint (keys->len, >=, 10);
  return keys;
}

static void
test_at_rest (void)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(AfDynamodbClient) dynamodb = NULL;
  g_autoptr(AfS3Client) s3 = NULL;
  g_autofree char *suffix = g_strdup_printf ("rest%d", (int) getpid ());
  g_autofree char *home = g_dir_make_tmp ("af-test-at-rest-XXXXXX", NULL);
  g_autofree char *secret = g_build_filename (home, "secret", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autoptr(GString) log = g_string_new (NULL);
  g_autoptr(GPtrArray) keys = document_keys ();
  g_auto(GStrv) env = NULL;
  Scan scan = { pii_scan_fixture_values (), 0, 0 };

  if (aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL") == NULL
      || aws_fixture_peer_url ("AF_PEER_S3_URL") == NULL)
    {
      /* Part of CI: without the servers this is a failure, not a skip. */
      g_test_fail_printf ("the local peers are not running (tests/peers/run-with-peers.sh)");
      return;
    }
  dynamodb = aws_fixture_dynamodb (session, g_getenv ("AF_PEER_DYNAMODB_LOCAL_URL"));
  s3 = aws_fixture_s3 (session, g_getenv ("AF_PEER_S3_URL"));
  aws_fixture_create_tables (dynamodb, suffix);
  aws_fixture_load_tables (dynamodb, suffix);
  aws_fixture_upload_objects (s3);
  g_assert_cmpint (g_mkdir (secret, 0700), ==, 0);
  env = environment (home, suffix);
  /* One loan document missing from the bucket: its failure is reported and logged,
   * and that report must not name its key (the borrower's name is in it). */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GError) error = NULL;
    const char *missing = NULL;

    for (guint i = 0; i < keys->len && missing == NULL; i++)
      if (strstr (g_ptr_array_index (keys, i), "Carter") != NULL)
        missing = g_ptr_array_index (keys, i);
    g_assert_nonnull (missing);
    af_s3_client_delete_object_async (s3, "auditflow-documents-dev", missing, NULL,
                                      af_test_store_result, &result);
    g_assert_true (af_s3_client_delete_finish (s3, af_test_wait (&result), &error));
    g_assert_no_error (error);
  }

  run_cli (env, log, "sync", "--pull-only", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (loans); i++)
    run_cli (env, log, "offline", loans[i], NULL);
  run_cli (env, log, "--user", "reviewer@example.com", "correct",
           "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb", "employee_ssn", "980-21-9158", NULL);
  run_cli (env, log, "sync", "--pull-only", NULL);

  scan_tree (data, &scan);
  scan_tree (cache, &scan);
  /* The scan looked at something: the cache, and the loans' documents. */
  g_assert_cmpuint (scan.objects, >=, 9);
  g_assert_cmpuint (scan.files, >, scan.objects);

  for (guint i = 0; i < scan.values->len; i++)
    if (strstr (log->str, g_ptr_array_index (scan.values, i)) != NULL)
      g_error ("the debug log holds a PII value");
  for (guint i = 0; i < keys->len; i++)
    if (strstr (log->str, g_ptr_array_index (keys, i)) != NULL)
      g_error ("the debug log holds the S3 key %s", (char *) g_ptr_array_index (keys, i));
  g_assert_nonnull (strstr (log->str, "-DEBUG: "));
  /* The missing document was reported, by its item and a label, not its key. */
  g_assert_nonnull (strstr (log->str, "s3://auditflow-documents-dev/(key "));
  g_ptr_array_unref (scan.values);
  af_test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws/at-rest", test_at_rest);
  return g_test_run ();
}
