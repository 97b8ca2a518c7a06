/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-edit"

#include "afc-commands.h"

#include <string.h>

/* The local edits. Each one is a single store call that changes the item and queues
 * its outbox entry in one transaction; nothing here talks to the network. */

#define TABLE_BIT(table) (1u << (table))

static const char *
table_noun (AfTable table)
{
  switch (table)
    {
    case AF_TABLE_AUDITS:
      return "an audit record";
    case AF_TABLE_DOCUMENTS:
      return "a document";
    case AF_TABLE_ANALYSES:
      return "an analysis";
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return "a user";
    }
}

/* Opens the cache, settles who is editing, and finds @id in one of the @allowed
 * tables. The identity comes first: without it no edit can be recorded, and saying
 * so is more useful than any complaint about the id. */
static gboolean
find_target (AfcContext *context,
             const char *id,
             guint       allowed,
             const char *expected,
             AfTable    *out_table,
             int        *out_exit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = NULL;
  AfStore *store;

  if (!afc_context_require_identity (context, &error))
    {
      *out_exit = afc_context_fail (context, error);
      return FALSE;
    }
  store = afc_context_get_store (context, &error);
  item = af_store_find_item (store, id, out_table, &error);
  if (item == NULL && g_error_matches (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND))
    *out_exit = afc_context_fail_message (context, "no %s with id '%s'", expected, id);
  else if (item == NULL)
    *out_exit = afc_context_fail (context, error);
  else if ((allowed & TABLE_BIT (*out_table)) == 0)
    *out_exit = afc_context_fail_message (context, "'%s' is %s, not a%s %s",
                                          id, table_noun (*out_table),
                                          strchr ("aeiou", expected[0]) != NULL ? "n" : "",
                                          expected);
  else
    return TRUE;
  return FALSE;
}

/* --json prints the edited item as `show --json` does, so that a script sees the
 * result and the pending count without a second call. */
static int
finish (AfcContext *context,
        AfTable     table,
        const char *id,
        const char *done)
{
  g_autoptr(GString) out = NULL;

  if (afc_context_get_json (context))
    return afc_show_item (context, table, id);

  out = g_string_new (NULL);
  g_string_append_printf (out, "%s %s: %s (queued for sync)\n", af_table_nick (table), id, done);
  afc_context_write (context, out);
  return AFC_EXIT_OK;
}

static int
report_store_result (AfcContext *context,
                     gboolean    ok,
                     GError     *error,
                     AfTable     table,
                     const char *id,
                     const char *done)
{
  if (!ok)
    return afc_context_fail (context, error);
  return finish (context, table, id, done);
}

/* ---- note ------------------------------------------------------------------------ */

static int
note_run (const AfcCommand  *command,
          AfcContext        *context,
          int                argc,
          char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  AfTable table;
  gboolean ok;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 2, 2, argc, argv, &args, &exit_code))
    return exit_code;
  if (!find_target (context, args[0], TABLE_BIT (AF_TABLE_AUDITS) | TABLE_BIT (AF_TABLE_ANALYSES),
                    "audit record or analysis", &table, &exit_code))
    return exit_code;

  /* One verb for both jobs: the loan officer's review notes and the appraiser's
   * note. Which one it is follows from where the id lives. */
  if (table == AF_TABLE_AUDITS)
    ok = af_store_set_review_notes (afc_context_get_store (context, NULL), args[0], args[1],
                                    &error);
  else
    ok = af_store_set_appraisal_note (afc_context_get_store (context, NULL), args[0], args[1],
                                      &error);
  return report_store_result (context, ok, error, table, args[0], "note saved");
}

const AfcCommand afc_command_note = {
  .name = "note",
  .parameter_string = "ID TEXT",
  .summary = "Set the review notes of an audit record, or the appraisal note of an analysis",
  .description = "ID is an audit_record_id (sets review_notes) or a request_id (sets the\n"
                 "analysis' review_notes). Needs the reviewer's identity (--user).",
  .run = note_run,
};

/* ---- review ---------------------------------------------------------------------- */

static int
review_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  AfTable table;
  gboolean ok;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  if (!find_target (context, args[0], TABLE_BIT (AF_TABLE_AUDITS), "audit record",
                    &table, &exit_code))
    return exit_code;

  ok = af_store_mark_reviewed (afc_context_get_store (context, NULL), args[0], &error);
  return report_store_result (context, ok, error, table, args[0], "marked reviewed");
}

const AfcCommand afc_command_review = {
  .name = "review",
  .parameter_string = "AUDIT_RECORD_ID",
  .summary = "Mark an audit record reviewed (reviewed_by, review_timestamp)",
  .description = "Records the reviewer's identity (--user, or the configured one) and the\n"
                 "current time.",
  .run = review_run,
};

/* ---- correct --------------------------------------------------------------------- */

static int
correct_run (const AfcCommand  *command,
             AfcContext        *context,
             int                argc,
             char             **argv)
{
  g_autofree char *note = NULL;
  const GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_FILENAME, &note, "Why the value was corrected", "TEXT" },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  AfTable table;
  gboolean ok;
  int exit_code;

  if (!afc_command_parse (command, context, entries, 3, 3, argc, argv, &args, &exit_code))
    return exit_code;
  if (!find_target (context, args[0], TABLE_BIT (AF_TABLE_DOCUMENTS), "document",
                    &table, &exit_code))
    return exit_code;

  ok = af_store_add_correction (afc_context_get_store (context, NULL), args[0], args[1],
                                args[2], note, &error);
  return report_store_result (context, ok, error, table, args[0], "correction recorded");
}

const AfcCommand afc_command_correct = {
  .name = "correct",
  .parameter_string = "DOCUMENT_ID FIELD VALUE",
  .summary = "Correct an extracted field of a document (the original value is kept)",
  .description = "Appends {field, original_value, corrected_value, corrected_by,\n"
                 "corrected_at, note} to the document's corrections; extracted_data\n"
                 "itself is never changed.",
  .run = correct_run,
};

/* ---- verdict --------------------------------------------------------------------- */

static gboolean
is_verdict (const char *text)
{
  return g_strcmp0 (text, "AUTHENTIC") == 0 ||
         g_strcmp0 (text, "SUSPICIOUS") == 0 ||
         g_strcmp0 (text, "LIKELY_FORGED") == 0;
}

static int
verdict_run (const AfcCommand  *command,
             AfcContext        *context,
             int                argc,
             char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  AfTable table;
  gboolean ok;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 2, 2, argc, argv, &args, &exit_code))
    return exit_code;
  if (!is_verdict (args[1]))
    return afc_context_usage_error (context, command->name,
                                    "unknown verdict '%s': expected AUTHENTIC, SUSPICIOUS "
                                    "or LIKELY_FORGED", args[1]);
  if (!find_target (context, args[0], TABLE_BIT (AF_TABLE_ANALYSES), "analysis",
                    &table, &exit_code))
    return exit_code;

  ok = af_store_set_verdict (afc_context_get_store (context, NULL), args[0], args[1], &error);
  return report_store_result (context, ok, error, table, args[0], "verdict recorded");
}

const AfcCommand afc_command_verdict = {
  .name = "verdict",
  .parameter_string = "REQUEST_ID AUTHENTIC|SUSPICIOUS|LIKELY_FORGED",
  .summary = "Record the appraiser's own verdict on an analysis",
  .description = "Sets reviewer_verdict, reviewed_by and review_timestamp; the pipeline's\n"
                 "verdict is kept as it is.",
  .run = verdict_run,
};
