/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-sync"

#include "afc-commands.h"

#include "af-codec.h"
#include "af-pull.h"
#include "afc-aws.h"

/*
 * `sync --pull-only` and `offline ID`. Both run AfPull against the configured AWS
 * endpoints. Exit 0 when the pull ran to the end — items it could not take and
 * integrity failures are listed in the output, not turned into a failure — and 1 when
 * it could not complete (network, credentials, a missing table).
 */

static void
append_counts_json (GString     *out,
                    const char  *name,
                    const guint  counts[AF_N_TABLES])
{
  g_string_append_printf (out, "\"%s\":{", name);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_string_append_printf (out, "%s\"%s\":%u", t > 0 ? "," : "", af_table_nick (t), counts[t]);
  g_string_append_c (out, '}');
}

static void
print_json (AfcContext         *context,
            const AfPullResult *result)
{
  g_autoptr(GString) out = g_string_new ("{");

  append_counts_json (out, "pulled", result->pulled);
  g_string_append_c (out, ',');
  append_counts_json (out, "read", result->read);
  g_string_append_c (out, ',');
  append_counts_json (out, "refreshed", result->refreshed);
  g_string_append_c (out, ',');
  append_counts_json (out, "deleted", result->deleted);
  g_string_append_printf (out, ",\"objects\":{\"fetched\":%u,\"cached\":%u,\"bytes\":%"
                          G_GUINT64_FORMAT "},\"integrity_failures\":%u,\"errors\":%u,"
                          "\"problems\":[", result->objects_fetched, result->objects_cached,
                          result->object_bytes, result->integrity_failures, result->errors);
  for (guint i = 0; i < result->problems->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      af_codec_write_json_string (out, g_ptr_array_index (result->problems, i));
    }
  g_string_append (out, "]}\n");
  afc_context_write (context, out);
}

/* Problems quote the cloud's text: control characters must not reach the terminal. */
static void
append_sanitized (GString    *out,
                  const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    g_string_append_c (out, g_ascii_iscntrl (*p) ? '?' : *p);
}

static void
print_text (AfcContext         *context,
            const AfPullResult *result)
{
  g_autoptr(GString) out = g_string_new ("pulled:");
  g_autofree char *bytes = g_format_size (result->object_bytes);

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_string_append_printf (out, "%s %s %u", t > 0 ? "," : "", af_table_nick (t),
                            result->pulled[t]);
  g_string_append_printf (out, "\nobjects: %u fetched (%s), %u already cached\n"
                          "integrity failures: %u\nerrors: %u\n", result->objects_fetched,
                          bytes, result->objects_cached, result->integrity_failures,
                          result->errors);
  for (guint i = 0; i < result->problems->len; i++)
    {
      g_string_append (out, "  ");
      append_sanitized (out, g_ptr_array_index (result->problems, i));
      g_string_append_c (out, '\n');
    }
  afc_context_write (context, out);
}

static int
run_pull (AfcContext *context,
          const char *only_id,
          gboolean    full)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfcAws) aws = NULL;
  g_autoptr(AfPull) pull = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(AfPullResult) result = NULL;
  AfStore *store = afc_context_get_store (context, &error);

  if (store == NULL)
    return afc_context_fail (context, error);
  if (only_id != NULL && !af_pull_mark_offline (store, only_id, &error))
    return afc_context_fail (context, error);
  aws = afc_aws_connect (&error);
  if (aws == NULL)
    return afc_context_fail (context, error);

  pull = af_pull_new (store, aws->dynamodb, aws->s3);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_pull_set_table_name (pull, t, aws->table_names[t]);
  af_pull_set_full (pull, full);
  if (only_id != NULL)
    af_pull_set_objects_only (pull, only_id);

  af_pull_run_async (pull, NULL, afc_aws_store_result, &async_result);
  result = af_pull_run_finish (pull, afc_aws_wait (&async_result), &error);
  /* pages still queued for the cache go in before the process ends */
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  if (result == NULL)
    return afc_context_fail (context, error);

  if (afc_context_get_json (context))
    print_json (context, result);
  else
    print_text (context, result);
  return AFC_EXIT_OK;
}

static int
run_sync (const AfcCommand  *command,
          AfcContext        *context,
          int                argc,
          char             **argv)
{
  gboolean pull_only = FALSE;
  gboolean push_only = FALSE;
  gboolean full = FALSE;
  g_auto(GStrv) args = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "pull-only", 0, 0, G_OPTION_ARG_NONE, &pull_only, "Only read from the cloud", NULL },
    { "push-only", 0, 0, G_OPTION_ARG_NONE, &push_only, "Only send the outbox", NULL },
    { "full", 0, 0, G_OPTION_ARG_NONE, &full,
      "Read every index partition from its start, ignoring the watermarks", NULL },
    { NULL }
  };

  if (!afc_command_parse (command, context, entries, 0, 0, argc, argv, &args, &exit_code))
    return exit_code;
  if (pull_only && push_only)
    return afc_context_usage_error (context, command->name,
                                    "--pull-only and --push-only exclude each other");
  /* Push then pull (af-sync.h), or either alone. */
  return afc_sync_write_run (context, !pull_only, !push_only, full);
}

static int
run_offline (const AfcCommand  *command,
             AfcContext        *context,
             int                argc,
             char             **argv)
{
  g_auto(GStrv) args = NULL;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  return run_pull (context, args[0], FALSE);
}

const AfcCommand afc_command_sync = {
  .name = "sync",
  .parameter_string = NULL,
  .summary = "Send the outbox and submissions, then pull the tables and offline objects",
  .description = "Prints edits pushed and merged, open conflicts, items pulled per table, "
                 "objects fetched, integrity failures and "
                 "errors. Exit 0 when the sync ran to the end (problems with single items "
                 "are listed), 1 when it could not complete (network, credentials), 2 on a "
                 "usage error.",
  .run = run_sync,
};

const AfcCommand afc_command_offline = {
  .name = "offline",
  .parameter_string = "LOAN_ID|REQUEST_ID",
  .summary = "Make a loan's documents or an analysis's images available offline",
  .description = "Marks the loan or analysis and downloads its objects into the cache, "
                 "verified against their checksums.",
  .run = run_offline,
};
