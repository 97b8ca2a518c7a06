/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE   /* RUSAGE_THREAD */
#define G_LOG_DOMAIN "afc-command-import"

#include "afc-commands.h"

#include <string.h>
#include <sys/resource.h>

#include "af-clock.h"
#include "af-codec.h"
#include "afc-output.h"

/* What one file brought, for the summary. */
typedef struct
{
  const char *path;
  char       *display_name;   /* (owned): @path as UTF-8, for messages and JSON */
  AfImportCounts counts;
  char       *error;   /* (owned) (nullable) */
} FileResult;

static gboolean
any_count (const guint counts[AF_N_TABLES])
{
  for (guint t = 0; t < AF_N_TABLES; t++)
    if (counts[t] > 0)
      return TRUE;
  return FALSE;
}

/* "12 documents, 4 audits" and, when some were left out, "; 5 analyses already
 * expired, not imported". */
static void
append_result (GString              *out,
               const AfImportCounts *counts)
{
  afc_output_append_counts (out, counts->imported);
  if (!any_count (counts->expired))
    return;
  g_string_append (out, "; ");
  afc_output_append_counts (out, counts->expired);
  g_string_append (out, " already expired, not imported");
}

static void
print_text (AfcContext           *context,
            const FileResult     *results,
            guint                 n_results,
            const AfImportCounts *totals)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < n_results; i++)
    {
      if (results[i].error != NULL)
        continue;
      g_string_append_printf (out, "%s: ", results[i].display_name);
      append_result (out, &results[i].counts);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "imported ");
  append_result (out, totals);
  g_string_append_c (out, '\n');
  afc_context_write (context, out);
}

static void
print_json (AfcContext           *context,
            const FileResult     *results,
            guint                 n_results,
            const AfImportCounts *totals)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  json_builder_begin_object (builder);
  afc_output_json_add_counts (builder, "imported", totals->imported);
  afc_output_json_add_counts (builder, "expired", totals->expired);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_results; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, results[i].display_name);
      if (results[i].error != NULL)
        {
          json_builder_set_member_name (builder, "error");
          json_builder_add_string_value (builder, results[i].error);
        }
      else
        {
          afc_output_json_add_counts (builder, "imported", results[i].counts.imported);
          afc_output_json_add_counts (builder, "expired", results[i].counts.expired);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  afc_output_json (out, builder);
  afc_context_write (context, out);
}

/* Retention would remove an item already past its date at the next command, so it is
 * not imported at all; never silently (issue 16). */
static void
report_expired (AfcContext  *context,
                const guint  expired[AF_N_TABLES])
{
  g_autoptr(GString) counts = g_string_new (NULL);
  guint total = 0;

  for (guint t = 0; t < AF_N_TABLES; t++)
    total += expired[t];
  if (total == 0)
    return;
  afc_output_append_counts (counts, expired);
  afc_context_notice (context, "not imported: %s already past %s retention date (ttl or "
                      "auto_delete_date); set AUDITFLOW_DESK_NOW to an earlier time to keep "
                      "them", counts->str, total == 1 ? "its" : "their");
}

/* CPU microseconds of the calling thread: it holds the import's transaction, the
 * serial part of an import, so its cost per item is what bounds items/s (debug). */
static gint64
thread_cpu_us (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_THREAD, &usage) != 0)
    return 0;
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC
         + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static guint
count_items (const guint counts[AF_N_TABLES])
{
  guint total = 0;

  for (guint t = 0; t < AF_N_TABLES; t++)
    total += counts[t];
  return total;
}

/* One transaction per file (the store's contract): a bad file leaves nothing behind
 * and the next file is still tried, so one run reports every bad file at once. The
 * files go through one pipeline, the next one read while the one before commits. */
static gboolean
import_all (AfcContext *context,
            AfStore    *store,
            char      **files,
            FileResult *results,
            guint       n_files)
{
  g_autofree AfImportCounts *counts = g_new0 (AfImportCounts, n_files);
  g_autofree GError **errors = g_new0 (GError *, n_files);
  gboolean all_ok;

  all_ok = af_store_import_files_at (store, (const char *const *) files, n_files,
                                     af_clock_now_unix (), counts, errors);
  for (guint i = 0; i < n_files; i++)
    {
      results[i].path = files[i];
      results[i].display_name = g_filename_display_name (files[i]);
      results[i].counts = counts[i];
      if (errors[i] == NULL)
        continue;
      /* The store's message names the item's index; make sure it names the file too
       * (as UTF-8), since several files may be imported at once. */
      if (strstr (errors[i]->message, results[i].display_name) != NULL)
        results[i].error = g_strdup (errors[i]->message);
      else
        results[i].error = g_strdup_printf ("%s: %s", results[i].display_name, errors[i]->message);
      afc_context_fail_message (context, "%s", results[i].error);
      memset (&results[i].counts, 0, sizeof results[i].counts);
      g_error_free (errors[i]);
    }
  return all_ok;
}

static int
import_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  g_auto(GStrv) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree FileResult *results = NULL;
  AfImportCounts totals = { { 0 } };
  gboolean all_ok;
  gboolean synced;
  gint64 cpu_us, sync_start;
  guint n_files;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 1, G_MAXUINT, argc, argv, &files, &exit_code))
    return exit_code;

  store = afc_context_get_store (context, &error);
  if (store == NULL)
    return afc_context_fail (context, error);

  n_files = g_strv_length (files);
  results = g_new0 (FileResult, n_files);
  /* The files' commits reach the disk together, once, before the summary says they
   * were imported (af_store_sync () below). */
  af_store_set_bulk_import (store, TRUE);
  cpu_us = thread_cpu_us ();
  all_ok = import_all (context, store, files, results, n_files);
  for (guint i = 0; i < n_files; i++)
    {
      for (guint t = 0; t < AF_N_TABLES; t++)
        {
          totals.imported[t] += results[i].counts.imported[t];
          totals.expired[t] += results[i].counts.expired[t];
        }
    }
  af_store_set_bulk_import (store, FALSE);
  sync_start = g_get_monotonic_time ();
  synced = af_store_sync (store, &error);
  g_debug ("sync after the files: %.3f s", (g_get_monotonic_time () - sync_start) / 1e6);
  cpu_us = thread_cpu_us () - cpu_us;
  g_debug ("transaction thread: %.3f s CPU, %.2f us per item imported", cpu_us / 1e6,
           (double) cpu_us / MAX (count_items (totals.imported), 1));
  if (synced)
    report_expired (context, totals.expired);

  if (synced && afc_context_get_json (context))
    print_json (context, results, n_files, &totals);
  else if (synced)
    print_text (context, results, n_files, &totals);

  for (guint i = 0; i < n_files; i++)
    {
      g_free (results[i].display_name);
      g_free (results[i].error);
    }
  if (!synced)
    return afc_context_fail (context, error);
  return all_ok ? AFC_EXIT_OK : AFC_EXIT_FAILURE;
}

const AfcCommand afc_command_import = {
  .name = "import",
  .parameter_string = "FILE…",
  .summary = "Load DynamoDB JSON files ({\"Items\": [...]}, as `aws dynamodb scan` prints)",
  .description = "Each file is imported in one transaction: a file with a malformed item\n"
                 "imports nothing, and the message names the file and the item's index.\n"
                 "The other files are still imported; the exit status is 1 if any failed.\n"
                 "Items already past their ttl or auto_delete_date (retention) are not\n"
                 "imported, and the summary says how many.",
  .raw_arguments = TRUE,
  .creates_cache = TRUE,
  .run = import_run,
};
