/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-test-util"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "af-codec.h"
#include "af-test-util.h"

char *
af_test_fixture_path (const char *file)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", file, NULL);
}

GStrv
af_test_import_fixtures_args (void)
{
  const char *files[] = {
    "AuditFlow-AuditRecords.json",
    "AuditFlow-Documents.json",
    "artguard-image-analysis-dev.json",
    "artguard-users-dev.json",
  };
  GStrv args = g_new0 (char *, G_N_ELEMENTS (files) + 2);

  args[0] = g_strdup ("import");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    args[i + 1] = af_test_fixture_path (files[i]);
  return args;
}

void
af_test_run_clear (AfTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

/* The child's HOME and XDG directories, all inside @dir. (G_TEST_OPTION_ISOLATE_DIRS
 * would do it for this process only, and GLib 2.74 leaks its paths, which LeakSanitizer
 * reports.) */
static void
set_child_dirs (GSubprocessLauncher *launcher,
                const char          *dir)
{
  const char *variables[][2] = {
    { "HOME", "home" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      g_autofree char *path = g_build_filename (dir, variables[i][1], NULL);

      g_subprocess_launcher_setenv (launcher, variables[i][0], path, TRUE);
    }
}

static GSubprocessLauncher *
cli_launcher (const char         *dir,
              const char * const *env)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);

  set_child_dirs (launcher, dir);
  /* Scripts and servers often run in the C locale: non-ASCII notes must still work,
   * and the output must still be UTF-8 JSON. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "AUDITFLOW_DESK_USER");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      if (pair[1] != NULL)
        g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, pair[0]);
    }
  return launcher;
}

void
af_test_run_cli (const char         *dir,
                 const char         *db,
                 const char * const *env,
                 const char * const *args,
                 AfTestRun          *run)
{
  g_autoptr(GSubprocessLauncher) launcher = cli_launcher (dir, env);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AF_CLI"));
  if (db != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--db");
      g_ptr_array_add (argv, (gpointer) db);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

GPtrArray *
af_test_fixture_items (const char *file)
{
  g_autofree char *path = af_test_fixture_path (file);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error)
      || (items = af_codec_parse_items_page (contents, length, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  return items;
}

char *
af_test_random_uuid (GRand *rand)
{
  return g_strdup_printf ("%08x-%04x-4%03x-%04x-%08x%04x", g_rand_int (rand),
                          g_rand_int (rand) & 0xffff, g_rand_int (rand) & 0xfff,
                          0x8000 | (g_rand_int (rand) & 0x3fff), g_rand_int (rand),
                          g_rand_int (rand) & 0xffff);
}

const char *
af_test_random_status (GRand *rand)
{
  static const char *statuses[] = { "COMPLETED", "COMPLETED", "COMPLETED", "IN_PROGRESS",
                                    "FAILED" };

  return statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
}

const char *
af_test_random_processing (GRand *rand)
{
  static const char *statuses[] = { "COMPLETED", "COMPLETED", "COMPLETED", "PENDING",
                                    "PROCESSING", "FAILED" };

  return statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
}

char *
af_test_timestamp (guint64 index)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (1704067200 + (gint64) index * 60);
  g_autofree char *seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03uZ", seconds, (guint) (index % 1000));
}

void
af_test_set_s (AfValue    *item,
               const char *name,
               char       *text)
{
  af_value_map_set (item, name, af_value_new_s (text));
  g_free (text);
}

gboolean
af_test_remove_tree (const char *path)
{
  GStatBuf info;
  gboolean ok = TRUE;

  if (g_lstat (path, &info) != 0)
    return FALSE;
  if (S_ISDIR (info.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          ok = af_test_remove_tree (child) && ok;
        }
      return g_rmdir (path) == 0 && ok;
    }
  return g_unlink (path) == 0;
}

static char *scratch_dir;

const char *
af_test_scratch_init (const char *template)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (scratch_dir);
  scratch_dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  return scratch_dir;
}

char *
af_test_scratch (const char *name)
{
  g_autofree char *test = g_strdelimit (g_strdup (g_test_get_path ()), "/", '_');
  g_autofree char *dir = g_build_filename (scratch_dir, test, NULL);

  g_assert_nonnull (scratch_dir);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

void
af_test_scratch_remove (void)
{
  if (scratch_dir != NULL)
    af_test_remove_tree (scratch_dir);
  g_clear_pointer (&scratch_dir, g_free);
}

void
af_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
af_test_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

char *
af_test_server_listen (SoupServer         *server,
                       SoupServerCallback  callback,
                       gpointer            user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;

  soup_server_add_handler (server, NULL, callback, user_data, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  return g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
}

static AfEndpoint *
test_endpoint (AfService   service,
               const char *url)
{
  g_autoptr(GError) error = NULL;
  AfEndpoint *endpoint = af_endpoint_new_for_url (service, "us-east-1", url, &error);

  g_assert_no_error (error);
  return endpoint;
}

AfDynamodbClient *
af_test_dynamodb_client (SoupSession         *session,
                         const char          *url,
                         const AfRetryPolicy *policy)
{
  g_autoptr(AfCredentials) credentials = af_credentials_new ("AKIDTEST", "secret", NULL);
  g_autoptr(AfEndpoint) endpoint = test_endpoint (AF_SERVICE_DYNAMODB, url);
  AfDynamodbClient *client = af_dynamodb_client_new (session, endpoint, credentials);

  if (policy != NULL)
    af_dynamodb_client_set_retry_policy (client, policy);
  return client;
}

AfS3Client *
af_test_s3_client (SoupSession         *session,
                   const char          *url,
                   const AfRetryPolicy *policy)
{
  g_autoptr(AfCredentials) credentials = af_credentials_new ("AKIDTEST", "secret", NULL);
  g_autoptr(AfEndpoint) endpoint = test_endpoint (AF_SERVICE_S3, url);
  AfS3Client *client = af_s3_client_new (session, endpoint, credentials);

  if (policy != NULL)
    af_s3_client_set_retry_policy (client, policy);
  return client;
}

AfPullResult *
af_test_run_pull (AfPull        *pull,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  AfPullResult *pull_result;

  af_pull_run_async (pull, cancellable, af_test_store_result, &result);
  pull_result = af_pull_run_finish (pull, af_test_wait (&result), error);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  return pull_result;
}

AfPullResult *
af_test_pull_ok (AfPull *pull)
{
  g_autoptr(GError) error = NULL;
  AfPullResult *result = af_test_run_pull (pull, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  for (guint i = 0; i < result->problems->len; i++)
    g_test_message ("problem: %s", (char *) g_ptr_array_index (result->problems, i));
  for (guint i = 0; i < result->notices->len; i++)
    g_test_message ("notice: %s", (char *) g_ptr_array_index (result->notices, i));
  return result;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

double
af_test_median (const double *values,
                guint         n)
{
  g_autofree double *sorted = NULL;

  if (n == 0)
    return 0;
  sorted = g_memdup2 (values, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

int
af_test_find_thread (const char *name)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  g_autofree char *wanted = g_strndup (name, 15);
  const char *tid;

  g_assert_nonnull (tasks);
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/task", tid, "comm", NULL);
      g_autofree char *comm = NULL;

      if (g_file_get_contents (path, &comm, NULL, NULL) && g_str_equal (g_strchomp (comm), wanted))
        return atoi (tid);
    }
  return 0;
}

/* Everything @fd gives until its end; @fd closed. */
static char *
read_to_end (int fd)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[4096];
  gssize got;

  while ((got = read (fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, got);
  close (fd);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
holds_all (const char         *line,
           const char * const *markers)
{
  for (guint i = 0; markers[i] != NULL; i++)
    if (strstr (line, markers[i]) == NULL)
      return FALSE;
  return TRUE;
}

int
af_test_run_cli_stopped_at (const char * const *argv,
                            const char * const *envp,
                            const char * const *markers,
                            AfTestCliStopped    while_stopped,
                            gpointer            user_data,
                            char              **out_stderr)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stderr_text = NULL;
  gboolean reached = FALSE;
  char *line = NULL;
  size_t size = 0;
  int out_fd = -1, err_fd = -1, status = 0;
  FILE *out;
  GPid pid;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, (char **) envp,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                                           &out_fd, &err_fd, &error));
  g_assert_no_error (error);
  out = fdopen (out_fd, "r");
  g_assert_nonnull (out);
  while (getline (&line, &size, out) >= 0)
    if (!reached && holds_all (line, markers))
      {
        g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);
        while_stopped (pid, user_data);
        reached = TRUE;
      }
  free (line);
  fclose (out);
  stderr_text = read_to_end (err_fd);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_true (reached);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&stderr_text);
  return status;
}
