/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-import-cli — `auditflow-cli import` end to end (issue 13 item 4): files of
 * DynamoDB JSON as `aws dynamodb scan` prints them, read, parsed, sealed and stored by
 * the real program, timed from exec to exit, several runs in a row on fresh caches.
 *
 * The same items are first stored in the same run by af_store_put_remote_items() from
 * trees already in memory (the store alone, as bench-import measures it): the baseline
 * that tells what reading and parsing add, and how busy the machine was.
 *
 * The items are the fixtures' documents and audits under new ids, loans, statuses and
 * timestamps, with a ttl a year ahead so that retention keeps them.
 *
 * Then opening a cache (issue 13 item 5): `auditflow-cli list audits --limit 50` on a cache
 * of 1,000 audits and on the last run's cache, median of runs, and on that large cache
 * again with its expires_at indexes dropped (the sweep as it was before schema 3).
 *
 *   bench-import-cli [--audits N] [--documents N] [--per-file N] [--runs N] [--keep]
 */
#define G_LOG_DOMAIN "bench-import-cli"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include <sqlite3.h>

#include "af-codec.h"
#include "af-store.h"
#include "af-test-util.h"

static int n_audits = 100000;
static int n_documents = 400000;
static int per_file = 25000;
static int n_runs = 5;
static char *cli_path = NULL;
static gboolean keep = FALSE;
static gboolean skip_baseline = FALSE;

static const GOptionEntry entries[] = {
  { "audits", 0, 0, G_OPTION_ARG_INT, &n_audits, "Audit records to generate", "N" },
  { "documents", 0, 0, G_OPTION_ARG_INT, &n_documents, "Documents to generate", "N" },
  { "per-file", 0, 0, G_OPTION_ARG_INT, &per_file, "Items per JSON file", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Imports by the CLI, each on a new cache", "N" },
  { "cli", 0, 0, G_OPTION_ARG_FILENAME, &cli_path, "auditflow-cli to run", "PATH" },
  { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the JSON files (for profiling)", NULL },
  { "no-baseline", 0, 0, G_OPTION_ARG_NONE, &skip_baseline, "Skip the store-only import", NULL },
  { NULL }
};

static AfValue *
make_item (GPtrArray *templates,
           AfTable    table,
           GRand     *rand,
           int        index,
           gint64     ttl)
{
  AfValue *item = af_value_copy (g_ptr_array_index (templates, index % templates->len));
  g_autofree char *loan = g_strdup_printf ("LOAN-BENCH-%07d", index % MAX (n_audits, 1));

  af_test_set_s (item, "loan_application_id", g_steal_pointer (&loan));
  af_value_map_set (item, "ttl", af_value_new_n_int (ttl));
  if (table == AF_TABLE_AUDITS)
    {
      af_test_set_s (item, "audit_record_id", af_test_random_uuid (rand));
      af_test_set_s (item, "audit_timestamp", af_test_timestamp (index));
      af_test_set_s (item, "status", g_strdup (af_test_random_status (rand)));
      af_value_map_set (item, "risk_score", af_value_new_n_int (g_rand_int_range (rand, 0, 101)));
    }
  else
    {
      af_test_set_s (item, "document_id", af_test_random_uuid (rand));
      af_test_set_s (item, "upload_timestamp", af_test_timestamp (index));
      af_test_set_s (item, "processing_status",
             g_strdup (af_test_random_processing (rand)));
      af_test_set_s (item, "file_name", g_strdup_printf ("document_%d.pdf", index));
    }
  return item;
}

/* One batch of items per file, kept for the store-only baseline. */
typedef struct
{
  AfTable    table;
  GPtrArray *items;   /* (owned) */
  char      *path;    /* (owned) */
} Batch;

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_ptr_array_unref (batch->items);
  g_free (batch->path);
  g_free (batch);
}

static void
write_file (Batch *batch)
{
  g_autoptr(GString) out = g_string_new ("{\"Items\": [\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < batch->items->len; i++)
    {
      if (i > 0)
        g_string_append (out, ",\n");
      af_codec_write_item (out, g_ptr_array_index (batch->items, i));
    }
  g_string_append (out, "\n], \"Count\": 0, \"ScannedCount\": 0}\n");
  if (!g_file_set_contents (batch->path, out->str, out->len, &error))
    g_error ("%s", error->message);
}

static guint64
generate (GPtrArray  *batches,
          const char *dir,
          AfTable     table,
          const char *template_file,
          int         count)
{
  g_autoptr(GPtrArray) templates = af_test_fixture_items (template_file);
  g_autoptr(GRand) rand = g_rand_new_with_seed (table + 1);
  gint64 ttl = g_get_real_time () / G_USEC_PER_SEC + 365 * 86400;
  guint64 bytes = 0;

  for (int done = 0; done < count; )
    {
      Batch *batch = g_new0 (Batch, 1);
      GStatBuf buf;

      batch->table = table;
      batch->items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      batch->path = g_strdup_printf ("%s/%s-%03u.json", dir, af_table_nick (table), batches->len);
      for (; batch->items->len < (guint) per_file && done < count; done++)
        g_ptr_array_add (batch->items, make_item (templates, table, rand, done, ttl));
      write_file (batch);
      if (g_stat (batch->path, &buf) == 0)
        bytes += buf.st_size;
      g_ptr_array_add (batches, batch);
    }
  return bytes;
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64) buf.st_size : 0;
}

static void
remove_cache (const char *db)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_unlink (path);
    }
}

static double
store_only (GPtrArray  *batches,
            const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (db, &error);
  gint64 start;

  if (store == NULL)
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < batches->len; i++)
    {
      Batch *batch = g_ptr_array_index (batches, i);

      if (!af_store_put_remote_items (store, batch->table, batch->items, &error))
        g_error ("%s", error->message);
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

/* CPU seconds (user + system, every thread) of the children reaped so far. */
static double
children_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static double
cli_import (GPtrArray  *batches,
            const char *db)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;
  gint64 start;

  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, "import");
  for (guint i = 0; i < batches->len; i++)
    g_ptr_array_add (argv, ((Batch *) g_ptr_array_index (batches, i))->path);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("%s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", error->message, err);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
median (GArray *values)
{
  double *v = (double *) values->data;

  for (guint i = 1; i < values->len; i++)
    for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        double t = v[j];

        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[values->len / 2];
}

/* Median milliseconds of `auditflow-cli --db DB list audits --limit 50`, process
 * start included. */
static double
time_list (const char *db)
{
  const char *argv[] = { cli_path, "--db", db, "list", "audits", "--limit", "50", NULL };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 7; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;
      int status;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                         &status, &error) || !g_spawn_check_wait_status (status, &error))
        g_error ("list: %s %s", error->message, err != NULL ? err : "");
      ms = (g_get_monotonic_time () - start) / 1e3;
      g_array_append_val (times, ms);
    }
  return median (times);
}

/* A cache of @n audits: the first of the generated ones. */
static void
make_small_cache (GPtrArray  *batches,
                  const char *db,
                  guint       n)
{
  Batch *first = g_ptr_array_index (batches, 0);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (db, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  for (guint i = 0; i < MIN (n, first->items->len); i++)
    g_ptr_array_add (items, g_ptr_array_index (first->items, i));
  if (!af_store_put_remote_items (store, first->table, items, &error))
    g_error ("%s", error->message);
}

static void
drop_expires_indexes (const char *db)
{
  sqlite3 *handle = NULL;

  if (sqlite3_open (db, &handle) != SQLITE_OK
      || sqlite3_exec (handle, "DROP INDEX documents_expires; DROP INDEX audits_expires; "
                       "DROP INDEX analyses_expires;", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("dropping the indexes: %s", sqlite3_errmsg (handle));
  sqlite3_close (handle);
}

static void
bench_open (GPtrArray  *batches,
            const char *dir,
            const char *large_db)
{
  g_autofree char *small_db = g_build_filename (dir, "small.db", NULL);
  double small_ms, large_ms, unindexed_ms;

  make_small_cache (batches, small_db, 1000);
  small_ms = time_list (small_db);
  large_ms = time_list (large_db);
  g_print ("list audits --limit 50        %.1f ms at 1,000 audits, %.1f ms at %d items "
           "(%.2fx)\n", small_ms, large_ms, n_audits + n_documents, large_ms / small_ms);
  drop_expires_indexes (large_db);
  unindexed_ms = time_list (large_db);
  g_print ("  without the expires indexes %.1f ms at %d items (the sweep scans every item)\n",
           unindexed_ms, n_audits + n_documents);
  remove_cache (small_db);
}

static char *
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  return g_strndup (text, strcspn (text, " "));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark auditflow-cli import");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func (batch_free);
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *load = NULL;
  double total = n_audits + n_documents;
  double baseline, worst = G_MAXDOUBLE;
  guint64 bytes;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (cli_path == NULL)
    cli_path = g_strdup (AF_CLI_PATH);
  total = n_audits + n_documents;
  dir = g_dir_make_tmp ("bench-import-cli-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "cache.db", NULL);

  bytes = generate (batches, dir, AF_TABLE_AUDITS, "AuditFlow-AuditRecords.json", n_audits);
  bytes += generate (batches, dir, AF_TABLE_DOCUMENTS, "AuditFlow-Documents.json", n_documents);
  g_print ("input                        %d audits + %d documents in %u files, %.1f MiB of JSON\n",
           n_audits, n_documents, batches->len, bytes / 1048576.0);

  baseline = skip_baseline ? 0 : store_only (batches, db);
  g_print ("store only (baseline)        %.2f s: %.0f items/s  (trees in memory, "
           "af_store_put_remote_items)\n", baseline, total / baseline);
  remove_cache (db);

  for (int run = 1; run <= n_runs; run++)
    {
      double seconds;

      double cpu = children_cpu_seconds ();

      load = load_average ();
      seconds = cli_import (batches, db);
      cpu = children_cpu_seconds () - cpu;
      worst = MIN (worst, total / seconds);
      g_print ("auditflow-cli import run %d   %.2f s: %.0f items/s  (%.2fx the baseline; "
               "CPU %.2f s, %.1f us/item; cache %.1f MiB; load %s)\n", run, seconds,
               total / seconds, baseline > 0 ? baseline / seconds : 0, cpu, cpu * 1e6 / total,
               file_size (db) / 1048576.0, load);
      g_clear_pointer (&load, g_free);
      if (run < n_runs)
        remove_cache (db);
    }
  if (n_runs > 0)
    {
      g_print ("slowest of %d runs            %.0f items/s (target >= 50000)\n", n_runs, worst);
      bench_open (batches, dir, db);
      remove_cache (db);
    }

  if (keep)
    {
      g_print ("files kept in                %s\n", dir);
      return 0;
    }
  for (guint i = 0; i < batches->len; i++)
    g_unlink (((Batch *) g_ptr_array_index (batches, i))->path);
  g_rmdir (dir);
  return 0;
}
