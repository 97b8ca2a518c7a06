/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-push.c — pushing a large outbox: 1,000 documents, five corrections each (a
 * correction never folds into another, and each one changes the item), 5,000 entries.
 * Prints edits per second, requests per edit and the client's CPU per edit (the target:
 * one request per edit, at least 500 edits/s against dynalite).
 *
 * The baseline, in the same run: the AWS SDK for JavaScript (bench-push-sdk.js) sending the
 * same UpdateItems (same expression, condition and return values, five in order per item,
 * as many items in flight as we have lanes) on 1,000 items of its own. Ours and the SDK's
 * run alternately, --runs pairs per target (each goes first in every other pair), on fresh
 * items each time; printed: every run, each pair's ratios, then the medians. Beside each
 * figure, the CPU the peers (the front and the server) spent meanwhile, which bounds what
 * any client can reach on a 2-core machine.
 *
 * Targets: dynalite or DynamoDB Local, straight (-direct) or through the signature-verifying
 * front (-front).
 *
 *   tests/peers/run-with-peers.sh build/tests/aws/bench-push [--sdk-script PATH]
 *       [--targets dynalite-direct,dynalite-front,dynamodb-local-direct,dynamodb-local-front|all]
 *       [--runs 3] [--items 1000] [--lanes 16] [--ours-only]
 */
#define G_LOG_DOMAIN "bench-push"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "aws-fixture.h"
#include "af-push.h"
#include "af-store.h"

#define EDITS_PER_ITEM 5

typedef struct
{
  guint  edits;
  double seconds;
  double cpu;        /* the client's own */
  double peers_cpu;  /* the front's and the server's, meanwhile */
} Figure;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* utime + stime of the peers run-with-peers.sh started (its state directory's pids), from
 * /proc; 0 when the peers were started elsewhere. */
static double
peers_cpu_seconds (void)
{
  const char *state = g_getenv ("AF_PEERS_STATE_DIR");
  g_autofree char *pids_path = state ? g_build_filename (state, "pids", NULL) : NULL;
  g_autofree char *pids = NULL;
  g_auto(GStrv) lines = NULL;
  double ticks = 0;

  if (pids_path == NULL || !g_file_get_contents (pids_path, &pids, NULL, NULL))
    return 0;
  lines = g_strsplit (pids, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_strstrip (lines[i]));
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after_name;

      if (*lines[i] == '\0' || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* Fields after the command name, which may hold spaces: state is field 3, utime 14. */
      after_name = strrchr (stat, ')');
      if (after_name == NULL)
        continue;
      fields = g_strsplit (after_name + 2, " ", -1);
      if (g_strv_length (fields) > 12)
        ticks += g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL);
    }
  return ticks / sysconf (_SC_CLK_TCK);
}

static GPtrArray *
make_documents (guint       n,
                const char *prefix)
{
  g_autoptr(GPtrArray) all = aws_fixture_items (AF_TABLE_DOCUMENTS);
  g_autoptr(GPtrArray) fixtures = g_ptr_array_new ();
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  /* Only documents with extracted fields can be corrected. */
  for (guint i = 0; i < all->len; i++)
    {
      AfValue *extracted = af_value_map_get (g_ptr_array_index (all, i), "extracted_data");

      if (extracted != NULL && af_value_map_size (extracted) > 0)
        g_ptr_array_add (fixtures, g_ptr_array_index (all, i));
    }

  for (guint i = 0; i < n; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (fixtures, i % fixtures->len));
      g_autofree char *id = g_strdup_printf ("%s-document-%05u", prefix, i);

      af_value_map_set (item, "document_id", af_value_new_s (id));
      g_ptr_array_add (items, item);
    }
  return items;
}

static const char *
first_field (const AfValue *item)
{
  return af_value_map_name_at (af_value_map_get (item, "extracted_data"), 0);
}

/* The first extracted field of each document, corrected five times. */
static void
queue_edits (AfStore   *store,
             GPtrArray *items)
{
  for (guint e = 0; e < EDITS_PER_ITEM; e++)
    for (guint i = 0; i < items->len; i++)
      {
        const AfValue *item = g_ptr_array_index (items, i);
        const char *id = af_item_get_s (item, "document_id");
        g_autofree char *value = g_strdup_printf ("bench value %u", e);
        g_autoptr(GError) error = NULL;

        af_store_add_correction (store, id, first_field (item), value, NULL, &error);
        g_assert_no_error (error);
      }
}

/* A cache holding the items, with their corrections queued. */
static AfStore *
open_store (const char *db,
            GPtrArray  *items)
{
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (db, &error);

  g_assert_no_error (error);
  af_store_set_identity (store, "bench@example.com");
  af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, items, &error);
  g_assert_no_error (error);
  queue_edits (store, items);
  return store;
}

static void
remove_store (const char *db)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *path = g_strconcat (db, (const char *[]) { "", "-wal", "-shm" }[i],
                                           NULL);
      g_unlink (path);
    }
}

static Figure
run_push (AfDynamodbClient *client,
          const char       *table,
          AfStore          *store,
          guint             n_items,
          guint             lanes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfPush) push = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AfPushResult) pushed = NULL;
  gint64 outbox = af_store_outbox_length (store, NULL);
  gint64 start;
  double cpu, peers;
  Figure figure = { 0 };

  push = af_push_new (store, client);
  af_push_set_table_name (push, AF_TABLE_DOCUMENTS, table);
  af_push_set_lanes (push, lanes);
  cpu = cpu_seconds ();
  peers = peers_cpu_seconds ();
  start = g_get_monotonic_time ();
  af_push_run_async (push, NULL, af_test_store_result, &result);
  pushed = af_push_run_finish (push, af_test_wait (&result), &error);
  figure.seconds = (g_get_monotonic_time () - start) / 1e6;
  figure.cpu = cpu_seconds () - cpu;
  figure.peers_cpu = peers_cpu_seconds () - peers;
  g_assert_no_error (error);
  figure.edits = pushed->pushed == outbox ? pushed->pushed : 0;

  printf ("# push: %" G_GINT64_FORMAT " queued edits on %u items, %u lanes\n", outbox,
          n_items, lanes);
  printf ("# pushed %u in %.2f s: %.0f edits/s, %.3f requests per edit (%u requests)\n",
          pushed->pushed, figure.seconds, pushed->pushed / figure.seconds,
          (double) pushed->requests / MAX (pushed->pushed, 1), pushed->requests);
  printf ("# left in the outbox: %" G_GINT64_FORMAT ", conflicts %u, errors %u\n",
          af_store_outbox_length (store, NULL), pushed->conflicts, pushed->errors);
  return figure;
}

/* What the SDK script needs of each item: its id, the field corrected and its value. */
static char *
write_spec (GPtrArray  *items,
            const char *dir)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "sdk-spec.json", NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      const AfValue *item = g_ptr_array_index (items, i);
      const char *field = first_field (item);
      const AfValue *extracted = af_value_map_get (af_value_map_get (item, "extracted_data"),
                                                   field);
      const char *version = af_item_get_n (item, "version");

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, af_item_get_s (item, "document_id"));
      json_builder_set_member_name (builder, "field");
      json_builder_add_string_value (builder, field);
      json_builder_set_member_name (builder, "original");
      json_builder_add_string_value (builder, af_item_get_s (extracted, "value"));
      json_builder_set_member_name (builder, "version");
      json_builder_add_int_value (builder, version ? g_ascii_strtoll (version, NULL, 10) : 0);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
  return path;
}

/* One SDK process, on @items (already in the table); its CPU as it reports it (the
 * updates alone, without node's start-up). */
static Figure
run_sdk (const char *script,
         const char *url,
         const char *table,
         GPtrArray  *items,
         const char *dir,
         guint       lanes)
{
  g_autofree char *spec = write_spec (items, dir);
  g_autofree char *edits = g_strdup_printf ("%u", EDITS_PER_ITEM);
  g_autofree char *lanes_arg = g_strdup_printf ("%u", lanes);
  char *argv[] = { (char *) "node", (char *) script, (char *) url, (char *) table, spec, edits,
                   lanes_arg, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  double peers = peers_cpu_seconds ();
  Figure figure = { 0 };
  JsonObject *object;
  int status;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  figure.peers_cpu = peers_cpu_seconds () - peers;
  g_unlink (spec);
  if (!g_spawn_check_wait_status (status, &error)
      || !json_parser_load_from_data (parser, out, -1, &error))
    {
      printf ("# the SDK baseline failed: %s\n# %s", error->message, err);
      return figure;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  figure.edits = json_object_get_int_member (object, "items");
  figure.seconds = json_object_get_double_member (object, "seconds");
  figure.cpu = json_object_get_double_member (object, "cpu");
  printf ("# SDK: %u UpdateItems in %.2f s (CPU %.2f s; %.2f s with node's start-up)\n",
          figure.edits, figure.seconds, figure.cpu,
          json_object_get_double_member (object, "cpu_total"));
  return figure;
}

/* To stdout as a TAP comment and to stderr: meson test --verbose shows no TAP comment. */
static void G_GNUC_PRINTF (1, 2)
say (const char *format,
     ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("# %s\n", line);
  g_printerr ("%s\n", line);
}

static void
print_figure (const char   *name,
              const Figure *figure)
{
  say ("%-35s %5u edits %6.2f s %5.0f edits/s  CPU %5.2f s (%4.0f us/edit)"
       "  peers' CPU %5.2f s (%4.0f us/edit)",
       name, figure->edits, figure->seconds, figure->edits / figure->seconds, figure->cpu,
       1e6 * figure->cpu / MAX (figure->edits, 1), figure->peers_cpu,
       1e6 * figure->peers_cpu / MAX (figure->edits, 1));
}


/* ---- Targets, runs, medians ---------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *variable;   /* the peer's URL in the environment */
} Target;

static const Target targets[] = {
  { "dynalite-direct", "AF_PEER_DYNALITE_DIRECT_URL" },
  { "dynalite-front", "AF_PEER_DYNALITE_URL" },
  { "dynamodb-local-direct", "AF_PEER_DYNAMODB_LOCAL_DIRECT_URL" },
  { "dynamodb-local-front", "AF_PEER_DYNAMODB_LOCAL_URL" },
};

typedef struct
{
  const char *script;
  const char *dir;
  guint       n_items;
  guint       lanes;
  guint       runs;
  gboolean    ours_only;
  guint       tap;        /* TAP points printed so far */
  GString    *summary;    /* one line per target, printed again at the end */
} Bench;

static void
tap (Bench      *bench,
     gboolean    ok,
     const char *what)
{
  printf ("%s %u %s\n", ok ? "ok" : "not ok", ++bench->tap, what);
}

/* Our push of @n_items fresh documents (five corrections each) into a fresh cache. */
static Figure
one_push (Bench            *bench,
          AfDynamodbClient *client,
          const char       *table,
          const char       *prefix)
{
  g_autoptr(GPtrArray) items = make_documents (bench->n_items, prefix);
  g_autofree char *db = g_strdup_printf ("%s/%s.db", bench->dir, prefix);
  g_autoptr(AfStore) store = NULL;
  Figure figure;

  aws_fixture_write_items (client, table, items);
  store = open_store (db, items);
  /* Closing checkpoints the setup's writes: not on the checkpoint thread during the push,
   * where they would count as the push's CPU. */
  g_clear_object (&store);
  store = af_store_open (db, NULL);
  g_assert_nonnull (store);
  af_store_set_identity (store, "bench@example.com");
  figure = run_push (client, table, store, bench->n_items, bench->lanes);
  g_clear_object (&store);
  remove_store (db);
  return figure;
}

static Figure
one_sdk (Bench            *bench,
         AfDynamodbClient *client,
         const char       *url,
         const char       *table,
         const char       *prefix)
{
  g_autoptr(GPtrArray) items = make_documents (bench->n_items, prefix);

  aws_fixture_write_items (client, table, items);
  return run_sdk (bench->script, url, table, items, bench->dir, bench->lanes);
}

static double
rate (const Figure *figure)
{
  return figure->seconds > 0 ? figure->edits / figure->seconds : 0;
}

static double
per_edit (double seconds,
          guint  edits)
{
  return 1e6 * seconds / MAX (edits, 1);
}

/* @runs pairs, ours and the SDK alternately (each goes first in every other pair, so that
 * neither always meets a quieter machine), then the medians of each figure and of the
 * pairs' ratios. */
static void
bench_target (Bench        *bench,
              const Target *target,
              const char   *url)
{
  /* As many connections as the push has lanes (libsoup allows 2 a host by default). */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 64,
                                                                  "max-conns", 64, NULL);
  g_autoptr(AfDynamodbClient) client = aws_fixture_dynamodb (session, url);
  g_autofree char *suffix = g_strdup_printf ("bench%u", g_random_int ());
  g_autofree char *table = aws_fixture_table_name (AF_TABLE_DOCUMENTS, suffix);
  g_autofree double *v = g_new0 (double, 8 * bench->runs);
  double *ours_rate = v, *sdk_rate = v + bench->runs, *ours_cpu = v + 2 * bench->runs,
         *sdk_cpu = v + 3 * bench->runs, *ours_peers = v + 4 * bench->runs,
         *sdk_peers = v + 5 * bench->runs, *rate_ratio = v + 6 * bench->runs,
         *cpu_ratio = v + 7 * bench->runs;
  guint expected = bench->n_items * EDITS_PER_ITEM;
  guint pairs = 0;

  say ("== %s (%s): %u runs of %u edits on %u items, %u lanes", target->name, url,
       bench->runs, expected, bench->n_items, bench->lanes);
  aws_fixture_create_tables (client, suffix);
  /* DynamoDB Local's JIT and the front warmed up first with as many updates as a run
   * sends (a fresh JVM spends twice the CPU). */
  if (bench->ours_only)
    one_push (bench, client, table, "warm");
  else
    one_sdk (bench, client, url, table, "warm");

  for (guint r = 0; r < bench->runs; r++)
    {
      g_autofree char *ours_prefix = g_strdup_printf ("r%u-ours", r);
      g_autofree char *sdk_prefix = g_strdup_printf ("r%u-sdk", r);
      g_autofree char *what = NULL;
      Figure ours = { 0 }, sdk = { 0 };

      if (r % 2 == 1 && !bench->ours_only)
        sdk = one_sdk (bench, client, url, table, sdk_prefix);
      ours = one_push (bench, client, table, ours_prefix);
      if (r % 2 == 0 && !bench->ours_only)
        sdk = one_sdk (bench, client, url, table, sdk_prefix);

      what = g_strdup_printf ("%s run %u: our push, %u edits", target->name, r + 1, expected);
      tap (bench, ours.edits == expected, what);
      ours_rate[r] = rate (&ours);
      ours_cpu[r] = per_edit (ours.cpu, ours.edits);
      ours_peers[r] = per_edit (ours.peers_cpu, ours.edits);
      print_figure ("auditflow push (+ SQLite outbox)", &ours);
      if (bench->ours_only)
        continue;
      g_free (what);
      what = g_strdup_printf ("%s run %u: SDK, %u edits", target->name, r + 1, expected);
      tap (bench, sdk.edits == expected, what);
      if (sdk.edits == 0 || ours.edits == 0)
        continue;
      print_figure ("AWS SDK for JavaScript v3", &sdk);
      sdk_rate[pairs] = rate (&sdk);
      sdk_cpu[pairs] = per_edit (sdk.cpu, sdk.edits);
      sdk_peers[pairs] = per_edit (sdk.peers_cpu, sdk.edits);
      rate_ratio[pairs] = ours_rate[r] / sdk_rate[pairs];
      cpu_ratio[pairs] = ours_cpu[r] / sdk_cpu[pairs];
      say ("  pair %u (%s first): ours/SDK throughput %.2f, CPU per edit %.2f", r + 1,
           r % 2 ? "SDK" : "ours", rate_ratio[pairs], cpu_ratio[pairs]);
      pairs++;
    }

  g_string_append_printf (bench->summary,
                          "%-22s ours %5.0f edits/s, CPU %4.0f us/edit, peers %4.0f us/edit",
                          target->name, af_test_median (ours_rate, bench->runs),
                          af_test_median (ours_cpu, bench->runs),
                          af_test_median (ours_peers, bench->runs));
  if (pairs > 0)
    g_string_append_printf (bench->summary,
                            " | SDK %5.0f edits/s, CPU %4.0f us/edit, peers %4.0f us/edit"
                            " | ours/SDK: throughput %.2f, CPU per edit %.2f (medians of %u pairs)",
                            af_test_median (sdk_rate, pairs), af_test_median (sdk_cpu, pairs),
                            af_test_median (sdk_peers, pairs), af_test_median (rate_ratio, pairs),
                            af_test_median (cpu_ratio, pairs), pairs);
  g_string_append_c (bench->summary, '\n');
}

int
main (int   argc,
      char *argv[])
{
  char *script = NULL;
  char *target_list = NULL;
  int n_items = 1000, lanes = 16, runs = 3;
  gboolean ours_only = FALSE;
  const GOptionEntry entries[] = {
    { "targets", 0, 0, G_OPTION_ARG_STRING, &target_list,
      "Comma-separated: dynalite-direct, dynalite-front, dynamodb-local-direct, "
      "dynamodb-local-front, or all (default dynamodb-local-front)", "LIST" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Pairs of runs, ours and the SDK's (3)", "N" },
    { "items", 0, 0, G_OPTION_ARG_INT, &n_items, "Documents per run, five edits each (1000)",
      "N" },
    { "lanes", 0, 0, G_OPTION_ARG_INT, &lanes, "Items in flight (16)", "N" },
    { "ours-only", 0, 0, G_OPTION_ARG_NONE, &ours_only,
      "Our push alone (to profile it: perf record -p)", NULL },
    { "sdk-script", 0, 0, G_OPTION_ARG_FILENAME, &script,
      "bench-push-sdk.js (beside this file in the source tree)", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— the push against the AWS SDK");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  g_autofree char *dir = NULL;
  Bench bench = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (script == NULL)
    script = g_strdup (BENCH_PUSH_SDK_SCRIPT);
  names = g_strsplit (target_list ? target_list : "dynamodb-local-front", ",", -1);
  if (g_strv_contains ((const char * const *) names, "all"))
    {
      g_strfreev (names);
      names = g_new0 (char *, G_N_ELEMENTS (targets) + 1);
      for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
        names[t] = g_strdup (targets[t].name);
    }
  if (aws_fixture_peer_url ("AF_PEER_DYNALITE_URL") == NULL)
    {
      fprintf (stderr, "bench-push: the peers are not running: run this benchmark through "
               "tests/peers/run-with-peers.sh\n");
      return 1;
    }
  g_setenv ("AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), TRUE);
  g_setenv ("AWS_REGION", g_getenv ("AF_PEER_REGION"), TRUE);
  g_unsetenv ("AWS_SESSION_TOKEN");
  g_unsetenv ("AWS_PROFILE");
  dir = g_dir_make_tmp ("af-bench-push-XXXXXX", &error);
  g_assert_no_error (error);

  bench = (Bench) { script, dir, MAX (n_items, 1), MAX (lanes, 1), MAX (runs, 1), ours_only,
                    0, g_string_new (NULL) };
  for (guint i = 0; names[i] != NULL; i++)
    {
      const Target *target = NULL;
      const char *url;

      for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
        if (g_str_equal (names[i], targets[t].name))
          target = &targets[t];
      url = target ? aws_fixture_peer_url (target->variable) : NULL;
      if (url == NULL)
        {
          g_printerr ("unknown target or peer not running: %s\n", names[i]);
          return 2;
        }
      bench_target (&bench, target, url);
    }
  say ("== medians (edits/s; client CPU per edit; the peers' CPU per edit meanwhile)");
  {
    g_auto(GStrv) lines = g_strsplit (bench.summary->str, "\n", -1);

    for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
      say ("%s", lines[i]);
  }
  printf ("1..%u\n", bench.tap);
  g_string_free (bench.summary, TRUE);
  g_rmdir (dir);
  g_free (script);
  g_free (target_list);
  return 0;
}
