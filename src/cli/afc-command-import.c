/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-import"

#include "afc-commands.h"

#include <string.h>

#include "af-codec.h"
#include "afc-output.h"

/* What one file brought, for the summary. */
typedef struct
{
  const char *path;
  char       *display_name;   /* (owned): @path as UTF-8, for messages and JSON */
  guint       counts[AF_N_TABLES];
  char       *error;   /* (owned) (nullable) */
} FileResult;

static void
append_counts_text (GString     *out,
                    const guint  counts[AF_N_TABLES])
{
  gboolean any = FALSE;

  for (guint t = 0; t < AF_N_TABLES; t++)
    {
      if (counts[t] == 0)
        continue;
      g_string_append_printf (out, "%s%u %s", any ? ", " : "", counts[t],
                              afc_output_table_noun (t, counts[t]));
      any = TRUE;
    }
  if (!any)
    g_string_append (out, "nothing");
}

static void
print_text (AfcContext       *context,
            const FileResult *results,
            guint             n_results,
            const guint       totals[AF_N_TABLES])
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < n_results; i++)
    {
      if (results[i].error != NULL)
        continue;
      g_string_append_printf (out, "%s: ", results[i].display_name);
      append_counts_text (out, results[i].counts);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "imported ");
  append_counts_text (out, totals);
  g_string_append_c (out, '\n');
  afc_context_write (context, out);
}

static void
print_json (AfcContext       *context,
            const FileResult *results,
            guint             n_results,
            const guint       totals[AF_N_TABLES])
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  json_builder_begin_object (builder);
  afc_output_json_add_counts (builder, "imported", totals);
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
        afc_output_json_add_counts (builder, "imported", results[i].counts);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  afc_output_json (out, builder);
  afc_context_write (context, out);
}

/* One transaction per file (the store's contract): a bad file leaves nothing behind
 * and the next file is still tried, so one run reports every bad file at once. */
static gboolean
import_one (AfcContext *context,
            AfStore    *store,
            FileResult *result)
{
  g_autoptr(GError) error = NULL;

  if (af_store_import_file (store, result->path, result->counts, &error))
    return TRUE;

  /* The store's message names the item's index; make sure it names the file too,
   * since several files may be imported at once. */
  if (strstr (error->message, result->display_name) != NULL)
    result->error = g_strdup (error->message);
  else
    result->error = g_strdup_printf ("%s: %s", result->display_name, error->message);
  afc_context_fail_message (context, "%s", result->error);
  memset (result->counts, 0, sizeof result->counts);
  return FALSE;
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
  guint totals[AF_N_TABLES] = { 0 };
  gboolean all_ok = TRUE;
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
  for (guint i = 0; i < n_files; i++)
    {
      results[i].path = files[i];
      results[i].display_name = g_filename_display_name (files[i]);
      all_ok &= import_one (context, store, &results[i]);
      for (guint t = 0; t < AF_N_TABLES; t++)
        totals[t] += results[i].counts[t];
    }

  if (afc_context_get_json (context))
    print_json (context, results, n_files, totals);
  else
    print_text (context, results, n_files, totals);

  for (guint i = 0; i < n_files; i++)
    {
      g_free (results[i].display_name);
      g_free (results[i].error);
    }
  return all_ok ? AFC_EXIT_OK : AFC_EXIT_FAILURE;
}

const AfcCommand afc_command_import = {
  .name = "import",
  .parameter_string = "FILE…",
  .summary = "Load DynamoDB JSON files ({\"Items\": [...]}, as `aws dynamodb scan` prints)",
  .description = "Each file is imported in one transaction: a file with a malformed item\n"
                 "imports nothing, and the message names the file and the item's index.\n"
                 "The other files are still imported; the exit status is 1 if any failed.",
  .raw_arguments = TRUE,
  .creates_cache = TRUE,
  .run = import_run,
};
