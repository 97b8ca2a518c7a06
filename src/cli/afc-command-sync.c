/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-sync"

#include "afc-commands.h"

#include "af-pull.h"
#include "af-submit.h"
#include "af-sync.h"
#include "afc-aws.h"
#include "afc-output.h"

/*
 * `sync` (push then pull through AfSync, or either alone) and `offline ID` (AfPull
 * alone), against the configured AWS endpoints. Exit 0 when the run went to the end —
 * items it could not take and integrity failures are listed in the output, not turned
 * into a failure — and 1 when it could not complete (network, credentials, a missing
 * table).
 */

static void
print_json (AfcContext         *context,
            const AfPullResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  json_builder_begin_object (builder);
  afc_output_json_add_pull (builder, result);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, result->errors);
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  afc_output_json_add_strings (builder, result->problems);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  afc_output_json (out, builder);
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

  pull = af_pull_new (store, aws->connection->dynamodb, aws->connection->s3);
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

/* ---- sync: the whole chain ------------------------------------------------------ */
static void
append_problems (GString   *out,
                 GPtrArray *problems)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      g_autoptr(AfValue) value = af_value_new_s (g_ptr_array_index (problems, i));
      g_autofree char *safe = afc_output_value_text (value);

      g_string_append_printf (out, "  %s\n", safe);
    }
}

static guint
count_errors (const AfSyncResult *result)
{
  return (result->push ? result->push->errors : 0) + (result->submit ? result->submit->errors : 0)
         + (result->pull ? result->pull->errors : 0);
}

static void
print_sync_json (AfcContext         *context,
                 const AfSyncResult *result,
                 gint64              open_conflicts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  const AfPushResult *push = result->push;
  const AfSubmitResult *submit = result->submit;
  const struct { const char *name; gint64 value; } counts[] = {
    { "pushed", push ? push->pushed : 0 },
    { "merged", push ? push->merged : 0 },
    { "already_applied", push ? push->already : 0 },
    { "new_conflicts", push ? push->conflicts : 0 },
    { "conflicts", open_conflicts },
    { "waiting", push ? push->waiting : 0 },
    { "requests", push ? push->requests : 0 },
    { "submitted", submit ? submit->submitted : 0 },
    { "uploads", submit ? submit->uploads : 0 },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      json_builder_set_member_name (builder, counts[i].name);
      json_builder_add_int_value (builder, counts[i].value);
    }
  afc_output_json_add_pull (builder, result->pull);
  json_builder_set_member_name (builder, "expired");
  json_builder_add_int_value (builder, result->expired);
  json_builder_set_member_name (builder, "forgotten");
  json_builder_add_int_value (builder, result->forgotten);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, count_errors (result));
  json_builder_set_member_name (builder, "problems");
  json_builder_begin_array (builder);
  afc_output_json_add_strings (builder, push ? push->problems : NULL);
  afc_output_json_add_strings (builder, submit ? submit->problems : NULL);
  afc_output_json_add_strings (builder, result->pull ? result->pull->problems : NULL);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  afc_output_json (out, builder);
  afc_context_write (context, out);
}

static void
print_sync_text (AfcContext         *context,
                 const AfSyncResult *result,
                 gint64              open_conflicts)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const AfPushResult *push = result->push;

  if (push != NULL)
    g_string_append_printf (out, "pushed: %u (%u merged, %u already applied)\n",
                            push->pushed, push->merged, push->already);
  if (result->submit != NULL && result->submit->submitted > 0)
    g_string_append_printf (out, "submitted: %u\n", result->submit->submitted);
  if (result->pull != NULL)
    {
      g_autofree char *bytes = g_format_size (result->pull->object_bytes);

      g_string_append (out, "pulled:");
      for (AfTable t = 0; t < AF_N_TABLES; t++)
        g_string_append_printf (out, "%s %s %u", t > 0 ? "," : "", af_table_nick (t),
                                result->pull->pulled[t]);
      g_string_append_printf (out, "\nobjects: %u fetched (%s), %u already cached\n"
                              "integrity failures: %u\n", result->pull->objects_fetched, bytes,
                              result->pull->objects_cached, result->pull->integrity_failures);
      afc_output_text_add_pull_cost (out, result->pull);
    }
  g_string_append_printf (out, "conflicts: %" G_GINT64_FORMAT "%s\n", open_conflicts,
                          open_conflicts > 0 ? " (see 'auditflow-cli conflicts')" : "");
  g_string_append_printf (out, "errors: %u\n", count_errors (result));
  append_problems (out, push ? push->problems : NULL);
  append_problems (out, result->submit ? result->submit->problems : NULL);
  append_problems (out, result->pull ? result->pull->problems : NULL);
  afc_context_write (context, out);
}

static int
fail_offline (AfcContext   *context,
              AfStore      *store,
              const GError *error)
{
  gint64 waiting = af_store_outbox_length (store, NULL) + af_submit_count_pending (store, NULL);

  if (!af_sync_error_is_offline (error))
    return afc_context_fail (context, error);
  return afc_context_fail_message (context, "offline — %" G_GINT64_FORMAT " %s waiting (%s)",
                                   waiting, waiting == 1 ? "change" : "changes", error->message);
}

/* Push then pull (af-sync.h), or either alone. */
static int
run_sync_engine (AfcContext *context,
                 gboolean    push,
                 gboolean    pull,
                 gboolean    full)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfcAws) aws = NULL;
  g_autoptr(AfSync) sync = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(AfSyncResult) result = NULL;
  AfStore *store = afc_context_get_store (context, &error);

  if (store == NULL)
    return afc_context_fail (context, error);
  /* Optional: submissions need it, and it is recorded nowhere else. */
  afc_context_require_identity (context, NULL);
  sync = afc_aws_connect_sync (&aws, store, &error);
  if (sync == NULL)
    return afc_context_fail (context, error);
  af_sync_set_mode (sync, (push ? AF_SYNC_PUSH : 0) | (pull ? AF_SYNC_PULL : 0));
  af_pull_set_full (af_sync_get_pull (sync), full);

  af_sync_run_async (sync, NULL, afc_aws_store_result, &async_result);
  result = af_sync_run_finish (sync, afc_aws_wait (&async_result), &error);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  if (result == NULL)
    return fail_offline (context, store, error);
  afc_context_report_expired (context, result->expired_by_table);
  if (afc_context_get_json (context))
    print_sync_json (context, result, af_store_conflict_count (store, NULL));
  else
    print_sync_text (context, result, af_store_conflict_count (store, NULL));
  return AFC_EXIT_OK;
}

/* ---- The commands ---------------------------------------------------------------- */

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
  return run_sync_engine (context, !pull_only, !push_only, full);
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
  .creates_cache = TRUE,
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
