/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-push.c — pushing a large outbox against DynamoDB Local (through its verifying
 * front): 1,000 documents, five corrections each (a correction never folds into another,
 * and each one changes the item), 5,000 entries. Prints edits per second and requests per edit
 * (the target: one request per edit, at least 500 edits/s on this machine).
 *
 * The baseline, in the same run: the AWS SDK for JavaScript (bench-push-sdk.js) sending the
 * same UpdateItems (same expression, condition and return values, five in order per item,
 * as many items in flight as we have lanes) through the same front, on 1,000 items of its
 * own. Printed: both figures, ours/SDK for throughput and CPU, and the CPU the peers (the
 * front and DynamoDB Local) spent during each, which bounds what any client can reach.
 * Then our push once more with its POSTs flagged idempotent, so that libsoup reuses its
 * connections (see mark_idempotent; --no-reuse-run skips it).
 *
 * With --server dynalite, the same against dynalite (through its front too): the issue's
 * target there is at least 500 edits/s. --direct skips the front, whose signature checks
 * cost more CPU per edit than the client on this machine.
 *
 *   tests/peers/run-with-peers.sh build/tests/aws/bench-push [--sdk-script PATH]
 *                                 [--server dynalite] [N_ITEMS [LANES]]
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

/* libsoup never sends a POST on an idle connection unless the message is flagged
 * idempotent (a server may close it meanwhile, and a POST is not re-sent on its own): every
 * UpdateItem then opens a connection of its own, with a resolver lookup. This run flags
 * them all, to show what flagging them in src/core (af-aws-client.c) would buy; our
 * conditional updates carry last_op_id, so a re-sent one is recognised as applied. */
static void
mark_idempotent (SoupSession *session,
                 SoupMessage *message,
                 gpointer     user_data)
{
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
}

int
main (int   argc,
      char *argv[])
{
  char *script = NULL;
  gboolean no_reuse_run = FALSE;
  char *server = NULL;
  gboolean direct = FALSE;
  const GOptionEntry entries[] = {
    { "direct", 0, 0, G_OPTION_ARG_NONE, &direct,
      "Straight to the server, not through the verifying front (whose CPU bounds the rate)",
      NULL },
    { "server", 0, 0, G_OPTION_ARG_STRING, &server,
      "dynamodb-local (default) or dynalite", "NAME" },
    { "sdk-script", 0, 0, G_OPTION_ARG_FILENAME, &script,
      "bench-push-sdk.js (beside this file in the source tree)", "PATH" },
    { "no-reuse-run", 0, 0, G_OPTION_ARG_NONE, &no_reuse_run,
      "Skip the push with connections reused (POSTs flagged idempotent)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("[N_ITEMS [LANES]] — the push "
                                                            "against the AWS SDK");
  const char *url = NULL;
  guint n_items, lanes;
  /* As many connections as the push has lanes (libsoup allows 2 a host by default). */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 64,
                                                                  "max-conns", 64, NULL);
  g_autoptr(SoupSession) reusing = soup_session_new_with_options ("max-conns-per-host", 64,
                                                                  "max-conns", 64, NULL);
  g_autoptr(AfDynamodbClient) client = NULL;
  g_autoptr(AfDynamodbClient) reusing_client = NULL;
  g_autoptr(GPtrArray) ours_items = NULL;
  g_autoptr(GPtrArray) reuse_items = NULL;
  g_autoptr(GPtrArray) sdk_items = NULL;
  g_autoptr(GPtrArray) warm_items = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfStore) reuse_store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *reuse_db = NULL;
  g_autofree char *suffix = g_strdup_printf ("bench%u", g_random_int ());
  g_autofree char *table = aws_fixture_table_name (AF_TABLE_DOCUMENTS, suffix);
  Figure ours, sdk, reused = { 0 };
  guint expected;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  url = aws_fixture_peer_url (g_strcmp0 (server, "dynalite") == 0
                              ? (direct ? "AF_PEER_DYNALITE_DIRECT_URL" : "AF_PEER_DYNALITE_URL")
                              : (direct ? "AF_PEER_DYNAMODB_LOCAL_DIRECT_URL"
                                        : "AF_PEER_DYNAMODB_LOCAL_URL"));
  n_items = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000;
  lanes = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 16;
  expected = n_items * EDITS_PER_ITEM;
  if (script == NULL)
    {
      g_autofree char *here = g_path_get_dirname (__FILE__);

      script = g_build_filename (here, "bench-push-sdk.js", NULL);
    }
  if (url == NULL)
    {
      fprintf (stderr, "bench-push: %s is not running: run this benchmark through "
               "tests/peers/run-with-peers.sh\n", server ? server : "DynamoDB Local");
      return 1;
    }
  say ("server: %s, %s", server ? server : "dynamodb-local",
       direct ? "direct" : "through the verifying front");
  g_setenv ("AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), TRUE);
  g_setenv ("AWS_REGION", g_getenv ("AF_PEER_REGION"), TRUE);
  g_unsetenv ("AWS_SESSION_TOKEN");
  g_unsetenv ("AWS_PROFILE");

  client = aws_fixture_dynamodb (session, url);
  g_signal_connect (reusing, "request-queued", G_CALLBACK (mark_idempotent), NULL);
  reusing_client = aws_fixture_dynamodb (reusing, url);
  aws_fixture_create_tables (client, suffix);
  ours_items = make_documents (n_items, "bench");
  reuse_items = make_documents (n_items, "reuse");
  sdk_items = make_documents (n_items, "sdk");
  warm_items = make_documents (n_items, "warm");
  aws_fixture_write_items (client, table, ours_items);
  aws_fixture_write_items (client, table, reuse_items);
  aws_fixture_write_items (client, table, sdk_items);
  aws_fixture_write_items (client, table, warm_items);
  dir = g_dir_make_tmp ("af-bench-push-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "bench.db", NULL);
  reuse_db = g_build_filename (dir, "reuse.db", NULL);
  store = open_store (db, ours_items);
  if (!no_reuse_run)
    reuse_store = open_store (reuse_db, reuse_items);

  /* DynamoDB Local's JIT and the front warmed up first, with as many updates as each run
   * sends, so that whoever goes first is not penalised (a fresh JVM spends twice the CPU). */
  run_sdk (script, url, table, warm_items, dir, lanes);
  ours = run_push (client, table, store, n_items, lanes);
  sdk = run_sdk (script, url, table, sdk_items, dir, lanes);
  if (!no_reuse_run)
    reused = run_push (reusing_client, table, reuse_store, n_items, lanes);
  g_clear_object (&store);
  g_clear_object (&reuse_store);
  remove_store (db);
  remove_store (reuse_db);

  print_figure ("auditflow push (+ SQLite outbox)", &ours);
  print_figure ("AWS SDK for JavaScript v3", &sdk);
  if (!no_reuse_run)
    print_figure ("auditflow push, connections reused", &reused);
  if (sdk.edits > 0 && ours.edits > 0)
    say ("ours/SDK: throughput %.2f, CPU per edit %.2f",
            (ours.edits / ours.seconds) / (sdk.edits / sdk.seconds),
            (ours.cpu / ours.edits) / (sdk.cpu / sdk.edits));
  if (sdk.edits > 0 && reused.edits > 0)
    say ("ours with connections reused/SDK: throughput %.2f, CPU per edit %.2f",
            (reused.edits / reused.seconds) / (sdk.edits / sdk.seconds),
            (reused.cpu / reused.edits) / (sdk.cpu / sdk.edits));
  printf ("1..%d\n", no_reuse_run ? 2 : 3);
  printf ("%s 1 push %u edits\n", ours.edits == expected ? "ok" : "not ok", expected);
  printf ("%s 2 SDK baseline %u edits\n", sdk.edits == expected ? "ok" : "not ok", expected);
  if (!no_reuse_run)
    printf ("%s 3 push %u edits, connections reused\n", reused.edits == expected ? "ok" : "not ok",
            expected);
  g_rmdir (dir);
  g_free (script);
  g_free (server);
  return 0;
}
