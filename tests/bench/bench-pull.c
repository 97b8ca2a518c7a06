/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-pull — 10,000 audit records (~3.5 KB of nested DynamoDB JSON each, the fixtures'
 * shape) pulled from DynamoDB Local (or dynalite) into a fresh cache, against the AWS SDK
 * for JavaScript and boto3 reading the same items with a paginated Query (into memory
 * only). Ours and the SDK's run alternately, --rounds pairs; prints items/s and the CPU
 * seconds of each client process, each pair's ratios and their medians; then the same
 * pull into a cache without encryption at rest beside one with it (what encryption costs,
 * issue 10), and a sync with nothing changed as a share of the first pull.
 *
 *   tests/peers/run-with-peers.sh build/tests/bench/bench-pull [--server dynalite]
 *                                 [--items N] [--rounds N]
 *
 * All three go straight to DynamoDB Local (not through the verifying front, which would
 * add its own cost to everyone's figures); the SigV4 front is the integration tests' job.
 */
#include <glib/gstdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "aws-fixture.h"

#include "af-codec.h"
#include "af-store-private.h"

#define INDEX "status-audit_timestamp-index"

typedef struct
{
  const char *name;
  guint       items;
  double      seconds;
  double      cpu;
  guint       requests;
  guint64     bytes;
} Figure;

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static GPtrArray *
make_items (guint count)
{
  gsize bytes;
  GPtrArray *items = aws_fixture_make_audits (count, &bytes);

  g_print ("# %u items, %.2f KB of DynamoDB JSON each on average\n", count,
           bytes / 1024.0 / count);
  return items;
}

static void
load_items (AfDynamodbClient *client,
            const char       *table,
            GPtrArray        *items)
{
  enum { LANES = 8 };
  GAsyncResult *results[LANES] = { NULL };
  GPtrArray *lanes[LANES];

  for (guint l = 0; l < LANES; l++)
    {
      lanes[l] = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      for (guint i = l; i < items->len; i += LANES)
        g_ptr_array_add (lanes[l], af_value_ref (g_ptr_array_index (items, i)));
      af_dynamodb_client_batch_write_async (client, table, lanes[l], NULL, NULL,
                                            af_test_store_result, &results[l]);
    }
  for (guint l = 0; l < LANES; l++)
    {
      g_autoptr(GError) error = NULL;

      af_dynamodb_client_batch_write_finish (client, af_test_wait (&results[l]), &error);
      g_assert_no_error (error);
      g_object_unref (results[l]);
      g_ptr_array_unref (lanes[l]);
    }
}

static Figure
pull_into_store (SoupSession *session,
                 const char  *url,
                 const char  *suffix,
                 const char  *path,
                 guint        refresh_interval,
                 gboolean     encrypted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = encrypted ? af_store_open (path, &error)
                                       : af_store_open_unencrypted (path, &error);
  g_autoptr(AfDynamodbClient) client = aws_fixture_dynamodb (session, url);
  g_autoptr(AfPull) pull = af_pull_new (store, client, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AfPullResult) pulled = NULL;
  gint64 start;
  double cpu;
  Figure figure = { "auditflow pull (+ SQLite cache)" };

  g_assert_no_error (error);
  aws_fixture_name_tables (pull, suffix);
  af_pull_set_refresh_interval (pull, refresh_interval);
  cpu = cpu_seconds (RUSAGE_SELF);
  start = g_get_monotonic_time ();
  af_pull_run_async (pull, NULL, af_test_store_result, &result);
  pulled = af_pull_run_finish (pull, af_test_wait (&result), &error);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  figure.seconds = (g_get_monotonic_time () - start) / 1e6;
  figure.cpu = cpu_seconds (RUSAGE_SELF) - cpu;
  g_assert_no_error (error);
  figure.items = pulled->pulled[AF_TABLE_AUDITS];
  figure.requests = af_dynamodb_client_get_request_count (client);
  figure.bytes = af_dynamodb_client_get_bytes_received (client);
  g_print ("#   paths: %s %s %s %s\n", af_pull_path_to_string (pulled->path[0]),
           af_pull_path_to_string (pulled->path[1]), af_pull_path_to_string (pulled->path[2]),
           af_pull_path_to_string (pulled->path[3]));
  return figure;
}

static Figure
pull_into (SoupSession *session,
           const char  *url,
           const char  *suffix,
           const char  *path,
           guint        refresh_interval)
{
  return pull_into_store (session, url, suffix, path, refresh_interval, TRUE);
}

static Figure
run_pull (SoupSession *session,
          const char  *url,
          const char  *suffix,
          const char  *dir,
          guint        round)
{
  g_autofree char *path = g_strdup_printf ("%s/cache-%u.db", dir, round);
  Figure figure = pull_into (session, url, suffix, path, 0);
  g_autoptr(AfStore) store = af_store_open (path, NULL);

  g_assert_cmpuint (af_store_count (store, &(AfQuery) { .table = AF_TABLE_AUDITS }, NULL), ==,
                    figure.items);
  return figure;
}

/* A first pull into a fresh cache, then a sync with nothing changed: its requests,
 * bytes, wall time and CPU as shares of the first. */
static void
nothing_changed (SoupSession *session,
                 const char  *url,
                 const char  *suffix,
                 const char  *dir,
                 const char  *label)
{
  static guint n;
  g_autofree char *path = g_strdup_printf ("%s/cache-nc%u.db", dir, n++);
  Figure first = pull_into (session, url, suffix, path, 0);
  Figure again = pull_into (session, url, suffix, path, 0);

  g_print ("%-34s first pull %u requests %.1f MB %.2f s CPU %.2f s\n", label, first.requests,
           first.bytes / 1e6, first.seconds, first.cpu);
  g_print ("%-34s nothing changed %u requests %.3f MB %.2f s CPU %.2f s\n", label,
           again.requests, again.bytes / 1e6, again.seconds, again.cpu);
  g_print ("%-34s shares: requests %.1f %%, bytes %.2f %%, wall %.1f %%, CPU %.1f %%\n", label,
           100.0 * again.requests / first.requests, 100.0 * again.bytes / first.bytes,
           100.0 * again.seconds / first.seconds, 100.0 * again.cpu / first.cpu);
}

static void
remove_cache (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

/* Sorts nothing: af_test_median copies. */
static double
median (GArray *values)
{
  return af_test_median ((const double *) (gpointer) values->data, values->len);
}

/* One pull into a fresh cache, encrypted or not; its figures, the cache removed. */
static Figure
timed_pull (SoupSession *session,
            const char  *url,
            const char  *suffix,
            const char  *dir,
            gboolean     encrypted,
            guint        expected)
{
  static guint n;
  g_autofree char *path = g_strdup_printf ("%s/cache-crypto%u.db", dir, n++);
  Figure figure = pull_into_store (session, url, suffix, path, 0, encrypted);

  g_assert_cmpuint (figure.items, ==, expected);
  remove_cache (path);
  return figure;
}

/* What encryption at rest costs the pull (issue 10: at most 10 % slower): the same pull
 * into a cache with its key and into one without, alternately (so that neither always
 * goes first), the median of each. The wall time is mostly the server's; the CPU time
 * of this process is what encryption adds to ours. */
static void
encryption_cost (SoupSession *session,
                 const char  *url,
                 const char  *suffix,
                 const char  *dir,
                 guint        items,
                 guint        runs)
{
  GArray *wall[2], *cpu[2];
  double w[2], c[2];

  for (guint e = 0; e < 2; e++)
    {
      wall[e] = g_array_new (FALSE, FALSE, sizeof (double));
      cpu[e] = g_array_new (FALSE, FALSE, sizeof (double));
    }

  for (guint run = 0; run < runs; run++)
    for (guint turn = 0; turn < 2; turn++)
      {
        guint encrypted = (run + turn) % 2 == 0;
        Figure figure = timed_pull (session, url, suffix, dir, encrypted, items);

        g_array_append_val (wall[encrypted], figure.seconds);
        g_array_append_val (cpu[encrypted], figure.cpu);
      }
  for (guint e = 0; e < 2; e++)
    {
      w[e] = median (wall[e]);
      c[e] = median (cpu[e]);
      g_print ("%-34s %6u items  %6.2f s  %8.0f items/s  CPU %6.2f s\n",
               e ? "pull into an encrypted cache" : "pull into a cache in clear", items, w[e],
               items / w[e], c[e]);
      g_array_unref (wall[e]);
      g_array_unref (cpu[e]);
    }
  g_print ("encryption at rest: the pull takes %.3fx the wall time in clear (%+.1f %%) and "
           "%.3fx our CPU (%+.1f %%); medians of %u runs each, target <= +10 %%\n",
           w[1] / w[0], (w[1] / w[0] - 1) * 100, c[1] / c[0], (c[1] / c[0] - 1) * 100, runs);
}

/* One SDK process; its CPU from the kernel's accounting of our children. */
static Figure
run_client (const char  *name,
            char       **argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Figure figure = { name };
  double cpu = cpu_seconds (RUSAGE_CHILDREN);
  gint64 start = g_get_monotonic_time ();
  int status;
  JsonObject *object;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  figure.seconds = (g_get_monotonic_time () - start) / 1e6;
  figure.cpu = cpu_seconds (RUSAGE_CHILDREN) - cpu;
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error) ||
      !json_parser_load_from_data (parser, out, -1, &error))
    {
      g_printerr ("%s failed: %s\n%s", name, error->message, err);
      return figure;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  figure.items = json_object_get_int_member (object, "items");
  g_print ("#   %s: Query loop alone %.2f s (%.0f items/s)\n", name,
           json_object_get_double_member (object, "seconds"),
           figure.items / json_object_get_double_member (object, "seconds"));
  return figure;
}

static void
print_figure (const Figure *figure)
{
  g_print ("%-34s %6u items  %6.2f s  %8.0f items/s  CPU %6.2f s\n", figure->name,
           figure->items, figure->seconds, figure->items / figure->seconds, figure->cpu);
}

/* Ours and the SDK's Query alternately, @rounds pairs (each goes first in every other
 * pair, so that one noisy moment does not decide), boto3 after each pair; every pair's
 * ratios, then the medians. The target: ours >= 2x the SDK's items/s at <= 1/3
 * of its client CPU. */
static void
against_sdk (SoupSession *session,
             const char  *url,
             const char  *suffix,
             const char  *dir,
             const char  *audits,
             const char  *js,
             const char  *py,
             int          rounds)
{
  char *js_argv[] = { (char *) "node", (char *) js, (char *) url, (char *) audits,
                      (char *) INDEX, (char *) "status", (char *) "COMPLETED", NULL };
  char *py_argv[] = { (char *) "/usr/bin/python3", (char *) py, (char *) url, (char *) audits,
                      (char *) INDEX, (char *) "status", (char *) "COMPLETED", NULL };
  GArray *v[7];
  enum { OURS_RATE, OURS_CPU, SDK_RATE, SDK_CPU, BOTO_RATE, RATE_RATIO, CPU_RATIO };

  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    v[i] = g_array_new (FALSE, FALSE, sizeof (double));
  for (int round = 1; round <= rounds; round++)
    {
      Figure ours = { 0 }, sdk = { 0 }, boto;
      double ratio;

      g_print ("# round %d (%s first)\n", round, round % 2 ? "ours" : "the SDK");
      if (round % 2 == 0)
        sdk = run_client ("AWS SDK for JavaScript v3 (Query)", js_argv);
      ours = run_pull (session, url, suffix, dir, round);
      if (round % 2 == 1)
        sdk = run_client ("AWS SDK for JavaScript v3 (Query)", js_argv);
      boto = run_client ("boto3 (Query)", py_argv);
      print_figure (&ours);
      print_figure (&sdk);
      print_figure (&boto);
      ratio = ours.items / ours.seconds;
      g_array_append_val (v[OURS_RATE], ratio);
      g_array_append_val (v[OURS_CPU], ours.cpu);
      if (boto.items > 0)
        {
          ratio = boto.items / boto.seconds;
          g_array_append_val (v[BOTO_RATE], ratio);
        }
      if (sdk.items == 0)
        continue;
      ratio = sdk.items / sdk.seconds;
      g_array_append_val (v[SDK_RATE], ratio);
      g_array_append_val (v[SDK_CPU], sdk.cpu);
      ratio = (ours.items / ours.seconds) / (sdk.items / sdk.seconds);
      g_array_append_val (v[RATE_RATIO], ratio);
      g_print ("pair %d: ours/SDK items/s %.2f, CPU %.2f\n", round, ratio, ours.cpu / sdk.cpu);
      ratio = ours.cpu / sdk.cpu;
      g_array_append_val (v[CPU_RATIO], ratio);
    }
  if (v[RATE_RATIO]->len > 0)
    g_print ("medians of %u pairs: ours %.0f items/s CPU %.2f s; SDK %.0f items/s CPU %.2f s; "
             "boto3 %.0f items/s; ours/SDK items/s %.2f (target >= 2), CPU %.2f (target <= 0.33)\n",
             v[RATE_RATIO]->len, median (v[OURS_RATE]), median (v[OURS_CPU]),
             median (v[SDK_RATE]), median (v[SDK_CPU]),
             v[BOTO_RATE]->len ? median (v[BOTO_RATE]) : 0, median (v[RATE_RATIO]),
             median (v[CPU_RATIO]));
  for (guint i = 0; i < G_N_ELEMENTS (v); i++)
    g_array_unref (v[i]);
}

int
main (int   argc,
      char *argv[])
{
  int items = 10000;
  int rounds = 5;
  gboolean encryption_only = FALSE;
  char *server = NULL;
  char *scripts = NULL;
  const GOptionEntry entries[] = {
    { "scripts", 0, 0, G_OPTION_ARG_FILENAME, &scripts,
      "Where bench-pull-sdk.js and bench-pull-boto3.py are (tests/bench)", "DIR" },
    { "items", 0, 0, G_OPTION_ARG_INT, &items, "Audit records to pull (10000)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Pairs of ours and the SDK's, alternately (5)", "N" },
    { "encryption-only", 0, 0, G_OPTION_ARG_NONE, &encryption_only,
      "Only the pull with and without encryption at rest", NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      "dynamodb-local (default; also a table with a stream) or dynalite", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— the pull against the SDKs");
  g_autoptr(GError) error = NULL;
  const char *url = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(AfDynamodbClient) loader = NULL;
  g_autoptr(GPtrArray) generated = NULL;
  g_autofree char *suffix = g_strdup_printf ("bench%d", (int) getpid ());
  g_autofree char *audits = aws_fixture_table_name (AF_TABLE_AUDITS, suffix);
  g_autofree char *dir = NULL;
  g_autofree char *here = NULL;
  g_autofree char *js = NULL;
  g_autofree char *py = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  url = g_getenv (g_strcmp0 (server, "dynalite") == 0 ? "AF_PEER_DYNALITE_DIRECT_URL"
                                                      : "AF_PEER_DYNAMODB_LOCAL_DIRECT_URL");
  here = scripts ? g_strdup (scripts) : g_path_get_dirname (__FILE__);
  js = g_build_filename (here, "bench-pull-sdk.js", NULL);
  py = g_build_filename (here, "bench-pull-boto3.py", NULL);
  if (url == NULL)
    {
      g_printerr ("bench-pull: DynamoDB Local is not running: run this benchmark through "
                  "tests/peers/run-with-peers.sh\n");
      return 1;
    }
  g_setenv ("AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), TRUE);
  g_setenv ("AWS_REGION", g_getenv ("AF_PEER_REGION"), TRUE);
  dir = g_dir_make_tmp ("af-bench-pull-XXXXXX", &error);
  g_assert_no_error (error);
  /* The caches are encrypted at rest: headless, their key comes from a file. */
  if (g_getenv ("AUDITFLOW_DESK_KEY_FILE") == NULL)
    {
      g_autofree char *key = g_build_filename (dir, "cache.key", NULL);

      g_setenv ("AUDITFLOW_DESK_KEY_FILE", key, TRUE);
    }

  session = soup_session_new ();
  loader = aws_fixture_dynamodb (session, url);
  aws_fixture_create_tables (loader, suffix);
  generated = make_items (items);
  load_items (loader, audits, generated);
  g_print ("# loaded into %s at %s\n", audits, url);

  /* Warm DynamoDB Local's JIT so that whoever goes first is not penalised. */
  run_pull (session, url, suffix, dir, 0);

  if (!encryption_only)
    against_sdk (session, url, suffix, dir, audits, js, py, rounds);
  g_print ("# encryption at rest: the same pull with and without it\n");
  encryption_cost (session, url, suffix, dir, items, MAX (3, rounds * 2 + 1));
  if (!encryption_only)
    {
      g_print ("# a sync with nothing changed, as shares of the first pull\n");
      nothing_changed (session, url, suffix, dir, "no stream (refresh)");
    }
  if (g_strcmp0 (server, "dynalite") != 0 && !encryption_only)
    {
      g_autofree char *streamed = g_strdup_printf ("bench%ds", (int) getpid ());
      g_autofree char *streamed_audits = aws_fixture_table_name (AF_TABLE_AUDITS, streamed);

      aws_fixture_create_tables_with_stream (loader, streamed, "NEW_AND_OLD_IMAGES");
      load_items (loader, streamed_audits, generated);
      nothing_changed (session, url, streamed, dir, "with a stream");
    }
  for (int round = 0; round <= rounds + 2; round++)
    {
      g_autofree char *name = round <= rounds ? g_strdup_printf ("cache-%d.db", round)
                                              : g_strdup_printf ("cache-nc%d.db", round - rounds - 1);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      remove_cache (path);
    }
  {
    g_autofree char *key = g_build_filename (dir, "cache.key", NULL);

    g_unlink (key);
  }
  g_rmdir (dir);
  return 0;
}
