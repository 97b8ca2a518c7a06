/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-import — how fast the local cache takes a large pull, and how fast the two
 * queries a reviewer waits on answer at that size.
 *
 * Generates audit records and documents shaped like the fixtures (a fixture item is
 * the template; ids, loans, scores, statuses and timestamps vary), stores them in a
 * fresh cache with af_store_put_remote_items() in batches, and prints items/s, the
 * high-risk queue query time, a loan's documents query time, and the file size.
 *
 *   bench-import [--audits N] [--documents N] [--batch N] [--runs N] [--db FILE]
 */
#define G_LOG_DOMAIN "bench-import"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>

#include "af-codec.h"
#include "af-store.h"
#include "af-test-util.h"

static int n_audits = 100000;
static int n_documents = 400000;
static int batch_size = 5000;
static int n_runs = 200;
static char *db_path = NULL;

static const GOptionEntry entries[] = {
  { "audits", 0, 0, G_OPTION_ARG_INT, &n_audits, "Audit records to generate", "N" },
  { "documents", 0, 0, G_OPTION_ARG_INT, &n_documents, "Documents to generate", "N" },
  { "batch", 0, 0, G_OPTION_ARG_INT, &batch_size, "Items per af_store_put_remote_items()", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each query", "N" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, "Cache file (default: a new temporary one)", "FILE" },
  { NULL }
};

static AfValue *
load_template (const char *file)
{
  const char *dir = g_getenv ("AF_FIXTURES_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : DEMO_SOURCE_DIR, "dynamodb", file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error)
      || (items = af_codec_parse_items_page (contents, length, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  return af_value_ref (g_ptr_array_index (items, 0));
}

static char *
loan_id (int loan)
{
  return g_strdup_printf ("LOAN-BENCH-%07d", loan);
}

static AfValue *
make_audit (const AfValue *template,
            GRand         *rand,
            int            index)
{
  AfValue *item = af_value_copy (template);
  int score = g_rand_int_range (rand, 0, 101);

  af_test_set_s (item, "audit_record_id", af_test_random_uuid (rand));
  af_test_set_s (item, "loan_application_id", loan_id (index));
  af_test_set_s (item, "audit_timestamp", af_test_timestamp (index));
  af_test_set_s (item, "status", g_strdup (af_test_random_status (rand)));
  af_test_set_s (item, "applicant_name", g_strdup_printf ("Applicant %d", index));
  af_value_map_set (item, "risk_score", af_value_new_n_int (score));
  return item;
}

static AfValue *
make_document (const AfValue *template,
               GRand         *rand,
               int            index,
               int            n_loans)
{
  AfValue *item = af_value_copy (template);
  const char *status = af_test_random_processing (rand);

  af_test_set_s (item, "document_id", af_test_random_uuid (rand));
  af_test_set_s (item, "loan_application_id", loan_id (index % n_loans));
  af_test_set_s (item, "upload_timestamp", af_test_timestamp (index));
  af_test_set_s (item, "processing_status", g_strdup (status));
  af_test_set_s (item, "file_name", g_strdup_printf ("document_%d.pdf", index));
  af_value_map_set (item, "file_size_bytes", af_value_new_n_int (g_rand_int_range (rand, 1000, 9000000)));
  return item;
}

typedef AfValue *(*MakeFunc) (const AfValue *template, GRand *rand, int index, int n_loans);

static AfValue *
make_audit_any (const AfValue *template,
                GRand         *rand,
                int            index,
                int            n_loans)
{
  return make_audit (template, rand, index);
}

/* Returns the seconds spent inside af_store_put_remote_items() alone. */
/* CPU seconds of every thread of the process: with other work on the machine the
 * wall clock says little, the CPU time says what an import costs. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static char *
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  return g_strndup (text, strcspn (text, " "));
}

static double put_cpu_seconds;

static double
import (AfStore    *store,
        AfTable     table,
        const char *template_file,
        MakeFunc    make,
        int         count,
        int         n_loans)
{
  g_autoptr(AfValue) template = load_template (template_file);
  g_autoptr(GRand) rand = g_rand_new_with_seed (table + 1);
  double seconds = 0;

  for (int done = 0; done < count; )
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      g_autoptr(GError) error = NULL;
      gint64 start;
      double cpu_start;

      for (; batch->len < (guint) batch_size && done < count; done++)
        g_ptr_array_add (batch, make (template, rand, done, n_loans));
      start = g_get_monotonic_time ();
      cpu_start = cpu_seconds ();
      if (!af_store_put_remote_items (store, table, batch, &error))
        g_error ("%s", error->message);
      seconds += (g_get_monotonic_time () - start) / 1e6;
      put_cpu_seconds += cpu_seconds () - cpu_start;
    }
  return seconds;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

typedef guint (*QueryFunc) (AfStore *store, GRand *rand, int n_loans);

static guint
high_risk_queue (AfStore *store,
                 GRand   *rand,
                 int      n_loans)
{
  AfQuery query = {
    .table = AF_TABLE_AUDITS,
    .status = "COMPLETED",
    .has_min_risk = TRUE,
    .min_risk = 50,
    .limit = 50,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_store_query (store, &query, &error);

  if (items == NULL)
    g_error ("%s", error->message);
  return items->len;
}

static guint
loan_documents (AfStore *store,
                GRand   *rand,
                int      n_loans)
{
  g_autofree char *loan = loan_id (g_rand_int_range (rand, 0, n_loans));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_store_documents_for_loan (store, loan, &error);

  if (items == NULL)
    g_error ("%s", error->message);
  return items->len;
}

static void
time_query (AfStore    *store,
            const char *name,
            QueryFunc   query,
            int         n_loans)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  guint rows = 0;

  for (int i = 0; i < n_runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      rows = query (store, rand, n_loans);
      ms = (g_get_monotonic_time () - start) / 1e3;
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  g_print ("%-28s median %.3f ms  p95 %.3f ms  max %.3f ms  (%u rows, %d runs)\n", name,
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 95 / 100),
           g_array_index (times, double, times->len - 1), rows, n_runs);
}

static gint64
file_size (const char *path)
{
  GStatBuf buf;

  return g_stat (path, &buf) == 0 ? (gint64) buf.st_size : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— benchmark the local cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *load_before = load_average ();
  g_autofree char *load_after = NULL;
  int n_loans;
  double audit_s, document_s;
  gint64 start;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (db_path == NULL)
    {
      tmpdir = g_dir_make_tmp ("bench-import-XXXXXX", &error);
      g_assert_no_error (error);
      db_path = g_build_filename (tmpdir, "cache.db", NULL);
    }
  store = af_store_open (db_path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  n_loans = MAX (n_audits, 1);

  start = g_get_monotonic_time ();
  audit_s = import (store, AF_TABLE_AUDITS, "AuditFlow-AuditRecords.json", make_audit_any,
                    n_audits, n_loans);
  document_s = import (store, AF_TABLE_DOCUMENTS, "AuditFlow-Documents.json", make_document,
                       n_documents, n_loans);

  g_print ("cache                        %s\n", db_path);
  g_print ("audit records                %d in %.2f s: %.0f items/s\n", n_audits, audit_s,
           n_audits / audit_s);
  g_print ("documents                    %d in %.2f s: %.0f items/s\n", n_documents, document_s,
           n_documents / document_s);
  g_print ("import (store only)          %.0f items/s\n", (n_audits + n_documents) / (audit_s + document_s));
  g_print ("import (with generation)     %.0f items/s\n",
           (n_audits + n_documents) / ((g_get_monotonic_time () - start) / 1e6));
  g_print ("import CPU (all threads)     %.1f us/item, %.0f items per CPU-second, %u cores\n",
           put_cpu_seconds * 1e6 / (n_audits + n_documents),
           (n_audits + n_documents) / put_cpu_seconds, g_get_num_processors ());

  time_query (store, "high-risk queue (page of 50)", high_risk_queue, n_loans);
  time_query (store, "documents of a loan", loan_documents, n_loans);

  wal = g_strconcat (db_path, "-wal", NULL);
  g_print ("cache file size              %.1f MiB (+ %.1f MiB WAL)\n",
           file_size (db_path) / 1048576.0, file_size (wal) / 1048576.0);
  load_after = load_average ();
  g_print ("load average                 %s before, %s after\n", load_before, load_after);

  g_clear_object (&store);
  if (tmpdir != NULL)
    {
      g_unlink (db_path);
      g_unlink (wal);
      g_rmdir (tmpdir);
    }
  g_free (db_path);
  return 0;
}
