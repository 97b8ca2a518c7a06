/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-report"

#include "afc-commands.h"

#include <json-glib/json-glib.h>

#include "afc-output.h"
#include "afr-export.h"
#include "afr-pdf.h"

/* The file to write: -o as given, else the suggested name in the current folder. */
static GFile *
output_file (AfStore    *store,
             const char *id,
             const char *output)
{
  g_autoptr(AfValue) item = NULL;
  g_autofree char *name = NULL;
  AfTable table = AF_TABLE_AUDITS;

  if (output != NULL)
    return g_file_new_for_commandline_arg (output);
  item = af_store_find_item (store, id, &table, NULL);
  name = afr_export_suggest_name (table, item);
  return g_file_new_for_path (name);
}

static void
print_result (AfcContext *context,
              const char *id,
              GFile      *file)
{
  g_autofree char *local = g_file_get_path (file);
  /* A file name may be any bytes: what is printed (and put in JSON) is UTF-8. */
  g_autofree char *path = g_filename_display_name (local != NULL ? local : "");
  g_autoptr(GString) out = g_string_new (NULL);

  if (afc_context_get_json (context))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, path);
      json_builder_end_object (builder);
      afc_output_json (out, builder);
    }
  else
    g_string_append_printf (out, "report written to %s\n", path);
  afc_context_write (context, out);
}

static int
report_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *paper_name = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "The PDF to write (default: a name "
      "from the loan id or the file name, in the current folder)", "FILE.pdf" },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_name, "a4, letter or auto (from the locale, "
      "the default)", "PAPER" },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfrReport) report = NULL;
  g_autoptr(GFile) file = NULL;
  AfrPaper paper = AFR_PAPER_AUTO;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, entries, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  if (paper_name != NULL && !afr_paper_from_string (paper_name, &paper))
    return afc_context_usage_error (context, command->name, "--paper takes a4, letter or auto");
  store = afc_context_get_store (context, &error);
  if (store == NULL)
    return afc_context_fail (context, error);
  /* The footer names who made the report when an identity is known; none is needed. */
  afc_context_require_identity (context, NULL);

  report = afr_export_build (store, args[0], &error);
  if (report == NULL)
    return afc_context_fail (context, error);
  file = output_file (store, args[0], output);
  if (!afr_pdf_write (report, paper, file, NULL, &error))
    return afc_context_fail (context, error);
  print_result (context, args[0], file);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_report = {
  .name = "report",
  .parameter_string = "ID",
  .summary = "Write the review report of an audit record or an analysis as a PDF",
  .description = "ID is an audit_record_id (the loan review report) or a request_id (the\n"
                 "appraisal report). PII is masked; edits not yet sent and open conflicts\n"
                 "are flagged in the report. The paper is A4 or US Letter as the locale's\n"
                 "LC_PAPER says, unless --paper chooses.",
  .run = report_run,
};
