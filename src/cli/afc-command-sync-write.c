/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-sync-write"

#include "afc-commands.h"

#include "af-codec.h"
#include "af-forget.h"
#include "af-store-sync.h"
#include "af-submit.h"
#include "af-sync.h"
#include "afc-aws.h"
#include "afc-output.h"

/*
 * The write half of sync on the command line: `sync` (push then pull, run from
 * afc-command-sync.c), `conflicts`, `resolve`, `submit` and `forget-user`, and the
 * sync lines of `status`.
 */

/* ---- Connecting ------------------------------------------------------------------ */

/* NULL when unset or empty. */
static const char *
nonempty_env (const char *variable)
{
  const char *value = g_getenv (variable);

  return value != NULL && *value != '\0' ? value : NULL;
}

/* The tables afc_aws_connect() resolved; the buckets follow AUDITFLOW_DESK_ENV unless
 * AUDITFLOW_DESK_RAW_BUCKET / AUDITFLOW_DESK_PROCESSED_BUCKET name them. */
static AfWorkspaceNames *
workspace_names (AfcAws *aws)
{
  AfWorkspaceNames *names = af_workspace_names_new (nonempty_env ("AUDITFLOW_DESK_ENV"));

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_workspace_names_set_table (names, t, aws->table_names[t]);
  af_workspace_names_set_buckets (names, nonempty_env ("AUDITFLOW_DESK_RAW_BUCKET"),
                                  nonempty_env ("AUDITFLOW_DESK_PROCESSED_BUCKET"));
  return names;
}

/* The same endpoints, tables and buckets for every write command. */
static AfSync *
connect_sync (AfcAws  **out_aws,
              AfStore  *store,
              GError  **error)
{
  g_autoptr(AfcAws) aws = afc_aws_connect (error);
  g_autoptr(AfWorkspaceNames) names = NULL;
  AfSync *sync;

  if (aws == NULL)
    return NULL;
  names = workspace_names (aws);
  sync = af_sync_new (store, aws->dynamodb, aws->s3);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_sync_set_table_name (sync, t, af_workspace_names_get_table (names, t));
  af_sync_set_buckets (sync, af_workspace_names_get_raw_bucket (names),
                       af_workspace_names_get_processed_bucket (names));
  *out_aws = g_steal_pointer (&aws);
  return sync;
}

/* ---- sync ---------------------------------------------------------------------- */

static void
append_problems (GString   *out,
                 GPtrArray *problems,
                 gboolean   json,
                 gboolean  *first)
{
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      const char *problem = g_ptr_array_index (problems, i);

      if (json)
        {
          g_string_append (out, *first ? "" : ",");
          af_codec_write_json_string (out, problem);
        }
      else
        {
          g_autoptr(AfValue) value = af_value_new_s (problem);
          g_autofree char *safe = afc_output_value_text (value);

          g_string_append_printf (out, "  %s\n", safe);
        }
      *first = FALSE;
    }
}

static guint
count_errors (const AfSyncResult *result)
{
  return (result->push ? result->push->errors : 0) + (result->submit ? result->submit->errors : 0)
         + (result->pull ? result->pull->errors : 0);
}

static void
append_counts_json (GString     *out,
                    const char  *name,
                    const guint *counts)
{
  g_string_append_printf (out, ",\"%s\":{", name);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_string_append_printf (out, "%s\"%s\":%u", t > 0 ? "," : "", af_table_nick (t),
                            counts != NULL ? counts[t] : 0);
  g_string_append_c (out, '}');
}

/* The members `sync --pull-only` has always printed, zero when nothing was pulled. */
static void
append_pull_json (GString            *out,
                  const AfPullResult *pull)
{
  append_counts_json (out, "pulled", pull ? pull->pulled : NULL);
  append_counts_json (out, "read", pull ? pull->read : NULL);
  append_counts_json (out, "refreshed", pull ? pull->refreshed : NULL);
  append_counts_json (out, "deleted", pull ? pull->deleted : NULL);
  g_string_append_printf (out, ",\"objects\":{\"fetched\":%u,\"cached\":%u,\"bytes\":%"
                          G_GUINT64_FORMAT "},\"integrity_failures\":%u",
                          pull ? pull->objects_fetched : 0, pull ? pull->objects_cached : 0,
                          pull ? pull->object_bytes : 0, pull ? pull->integrity_failures : 0);
}

static void
print_sync_json (AfcContext         *context,
                 const AfSyncResult *result,
                 gint64              open_conflicts)
{
  g_autoptr(GString) out = g_string_new ("{");
  const AfPushResult *push = result->push;
  gboolean first = TRUE;

  g_string_append_printf (out, "\"pushed\":%u,\"merged\":%u,\"already_applied\":%u,"
                          "\"new_conflicts\":%u,\"conflicts\":%" G_GINT64_FORMAT ","
                          "\"waiting\":%u,\"requests\":%u,\"submitted\":%u,\"uploads\":%u",
                          push ? push->pushed : 0, push ? push->merged : 0,
                          push ? push->already : 0, push ? push->conflicts : 0, open_conflicts,
                          push ? push->waiting : 0, push ? push->requests : 0,
                          result->submit ? result->submit->submitted : 0,
                          result->submit ? result->submit->uploads : 0);
  append_pull_json (out, result->pull);
  g_string_append_printf (out, ",\"expired\":%u,\"forgotten\":%u,\"errors\":%u,\"problems\":[",
                          result->expired, result->forgotten, count_errors (result));
  append_problems (out, push ? push->problems : NULL, TRUE, &first);
  append_problems (out, result->submit ? result->submit->problems : NULL, TRUE, &first);
  append_problems (out, result->pull ? result->pull->problems : NULL, TRUE, &first);
  g_string_append (out, "]}\n");
  afc_context_write (context, out);
}

static void
print_sync_text (AfcContext         *context,
                 const AfSyncResult *result,
                 gint64              open_conflicts)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const AfPushResult *push = result->push;
  gboolean first = TRUE;

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
    }
  g_string_append_printf (out, "conflicts: %" G_GINT64_FORMAT "%s\n", open_conflicts,
                          open_conflicts > 0 ? " (see 'auditflow-cli conflicts')" : "");
  g_string_append_printf (out, "errors: %u\n", count_errors (result));
  append_problems (out, push ? push->problems : NULL, FALSE, &first);
  append_problems (out, result->submit ? result->submit->problems : NULL, FALSE, &first);
  append_problems (out, result->pull ? result->pull->problems : NULL, FALSE, &first);
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

int
afc_sync_write_run (AfcContext *context,
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
  sync = connect_sync (&aws, store, &error);
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
  if (afc_context_get_json (context))
    print_sync_json (context, result, af_store_conflict_count (store, NULL));
  else
    print_sync_text (context, result, af_store_conflict_count (store, NULL));
  return AFC_EXIT_OK;
}

/* ---- status -------------------------------------------------------------------- */

void
afc_sync_write_status (AfStore  *store,
                       GString  *out,
                       gboolean  json)
{
  g_auto(AfSyncStatus) status = { 0 };

  if (!af_sync_load_status (store, &status, NULL))
    return;
  if (json)
    {
      g_string_append_printf (out, ",\"offline\":%s,\"submissions\":%" G_GINT64_FORMAT
                              ",\"last_error\":", status.offline ? "true" : "false",
                              status.submissions);
      if (status.last_error != NULL)
        af_codec_write_json_string (out, status.last_error);
      else
        g_string_append (out, "null");
      return;
    }
  if (status.offline)
    g_string_append_printf (out, "offline — %" G_GINT64_FORMAT " %s waiting\n",
                            status.outbox + status.submissions,
                            status.outbox + status.submissions == 1 ? "change" : "changes");
  if (status.submissions > 0)
    g_string_append_printf (out, "submissions: %" G_GINT64_FORMAT " waiting\n", status.submissions);
  if (status.last_error != NULL)
    {
      g_autoptr(AfValue) value = af_value_new_s (status.last_error);
      g_autofree char *safe = afc_output_value_text (value);

      g_string_append_printf (out, "last error: %s\n", safe);
    }
}

/* ---- show ----------------------------------------------------------------------- */

void
afc_sync_write_show_conflict (AfStore    *store,
                              const char *id,
                              AfValue    *facts,
                              GString    *text)
{
  g_autoptr(AfConflict) conflict = af_store_conflict_get (store, id, NULL);
  AfValue *attributes, *theirs;

  if (conflict == NULL)
    return;
  if (text != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", conflict->attributes);

      g_string_append_printf (text, "conflict: %s changed on both sides (see '"
                              AFC_PROGRAM_NAME " conflicts')\n", names);
      return;
    }
  attributes = af_value_new_list (AF_TYPE_L);
  theirs = af_value_new_map ();
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (conflict->theirs, conflict->attributes[i]);

      af_value_list_append (attributes, af_value_new_s (conflict->attributes[i]));
      af_value_map_set (theirs, conflict->attributes[i],
                        value != NULL ? af_value_copy (value) : af_value_new_null ());
    }
  af_value_map_set (facts, "_conflict_attributes", attributes);
  af_value_map_set (facts, "_conflict_theirs", theirs);
}

/* ---- conflicts ------------------------------------------------------------------ */

static void
append_conflict_json (GString          *out,
                      const AfConflict *conflict)
{
  g_string_append (out, "{\"id\":");
  af_codec_write_json_string (out, conflict->item_id);
  g_string_append_printf (out, ",\"table\":\"%s\",\"kind\":\"%s\",\"attributes\":[",
                          af_table_nick (conflict->table), af_op_kind_to_string (conflict->kind));
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? "," : "");
      af_codec_write_json_string (out, conflict->attributes[i]);
    }
  g_string_append (out, "],\"mine\":{");
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (conflict->mine, conflict->attributes[i]);

      g_string_append (out, i > 0 ? "," : "");
      af_codec_write_json_string (out, conflict->attributes[i]);
      g_string_append_c (out, ':');
      if (value != NULL)
        af_codec_write_plain (out, value);
      else
        g_string_append (out, "null");
    }
  g_string_append (out, "},\"theirs\":{");
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (conflict->theirs, conflict->attributes[i]);

      g_string_append (out, i > 0 ? "," : "");
      af_codec_write_json_string (out, conflict->attributes[i]);
      g_string_append_c (out, ':');
      if (value != NULL)
        af_codec_write_plain (out, value);
      else
        g_string_append (out, "null");
    }
  g_string_append (out, "},\"detected_at\":");
  af_codec_write_json_string (out, conflict->created_at);
  g_string_append_c (out, '}');
}

static void
append_conflict_text (GString          *out,
                      const AfConflict *conflict)
{
  g_string_append_printf (out, "%s  %s  %s\n", conflict->item_id, af_table_nick (conflict->table),
                          af_op_kind_to_string (conflict->kind));
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      g_autofree char *mine = afc_output_value_text (af_value_map_get (conflict->mine,
                                                                       conflict->attributes[i]));
      g_autofree char *theirs = afc_output_value_text (af_value_map_get (conflict->theirs,
                                                                         conflict->attributes[i]));

      g_string_append_printf (out, "  %s\n    mine:   %s\n    theirs: %s\n",
                              conflict->attributes[i], mine, theirs);
    }
}

static int
conflicts_run (const AfcCommand  *command,
               AfcContext        *context,
               int                argc,
               char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GString) out = NULL;
  gboolean json;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 0, 0, argc, argv, &args, &exit_code))
    return exit_code;
  json = afc_context_get_json (context);
  store = afc_context_get_store (context, &error);
  if (store == NULL || (conflicts = af_store_conflict_list (store, &error)) == NULL)
    return afc_context_fail (context, error);

  out = g_string_new (json ? "[" : NULL);
  for (guint i = 0; i < conflicts->len; i++)
    {
      if (json)
        {
          g_string_append (out, i > 0 ? ",\n" : "");
          append_conflict_json (out, conflicts->pdata[i]);
        }
      else
        append_conflict_text (out, conflicts->pdata[i]);
    }
  if (json)
    g_string_append (out, "]\n");
  else if (conflicts->len == 0)
    g_string_append (out, "no conflicts\n");
  afc_context_write (context, out);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_conflicts = {
  .name = "conflicts",
  .parameter_string = "",
  .summary = "List the items changed on both sides, with both values",
  .description = "--json prints [{id, table, kind, attributes, mine, theirs, detected_at}].",
  .run = conflicts_run,
};

/* ---- resolve -------------------------------------------------------------------- */

static gboolean
parse_resolution (const char   *word,
                  const char   *text,
                  AfResolution *out)
{
  if (g_strcmp0 (word, "mine") == 0)
    *out = text != NULL ? AF_RESOLVE_EDIT : AF_RESOLVE_MINE;
  else if (g_strcmp0 (word, "theirs") == 0 && text == NULL)
    *out = AF_RESOLVE_THEIRS;
  else if (g_strcmp0 (word, "edit") == 0 && text != NULL)
    *out = AF_RESOLVE_EDIT;
  else
    return FALSE;
  return TRUE;
}

static int
resolve_run (const AfcCommand  *command,
             AfcContext        *context,
             int                argc,
             char             **argv)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, "The merged text to send instead", "TEXT" },
    { NULL }
  };
  AfResolution resolution;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, entries, 1, 2, argc, argv, &args, &exit_code))
    return exit_code;
  if (!parse_resolution (args[1] != NULL ? args[1] : (text != NULL ? "edit" : NULL), text,
                         &resolution))
    return afc_context_usage_error (context, command->name,
                                    "say mine, theirs, or --text TEXT for a merged text");
  store = afc_context_get_store (context, &error);
  if (store == NULL || !af_store_conflict_resolve (store, args[0], resolution, text, &error))
    return afc_context_fail (context, error);
  if (!afc_context_get_json (context))
    {
      g_autoptr(GString) out = g_string_new (NULL);

      g_string_append_printf (out, "%s: resolved (%s); the next sync sends it\n", args[0],
                              resolution == AF_RESOLVE_THEIRS ? "theirs kept"
                              : resolution == AF_RESOLVE_MINE ? "mine kept" : "merged text");
      afc_context_write (context, out);
      return AFC_EXIT_OK;
    }
  {
    AfTable table;
    g_autoptr(AfValue) item = af_store_find_item (store, args[0], &table, &error);

    if (item == NULL)
      return afc_context_fail (context, error);
    return afc_show_item (context, table, args[0]);
  }
}

const AfcCommand afc_command_resolve = {
  .name = "resolve",
  .parameter_string = "ID mine|theirs",
  .summary = "Settle a conflict: keep mine, keep theirs, or send a merged text",
  .description = "ID is the item's id. 'resolve ID --text TEXT' sends TEXT instead of either "
                 "value (text attributes only). Nothing is sent until the next sync.",
  .run = resolve_run,
};

/* ---- submit --------------------------------------------------------------------- */

static int
submit_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  gboolean save = FALSE;
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_id = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "save", 0, 0, G_OPTION_ARG_NONE, &save,
      "Keep the image in ArtGuard's audit store (deleted after 30 days)", NULL },
    { NULL }
  };
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, entries, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  if (!afc_context_require_identity (context, &error))
    return afc_context_fail (context, error);
  store = afc_context_get_store (context, &error);
  request_id = store != NULL ? af_submit_queue (store, args[0], save, &error) : NULL;
  if (request_id == NULL)
    return afc_context_fail (context, error);
  if (afc_context_get_json (context))
    {
      g_string_append (out, "{\"request_id\":");
      af_codec_write_json_string (out, request_id);
      g_string_append_printf (out, ",\"save\":%s,\"state\":\"queued\"}\n", save ? "true" : "false");
    }
  else
    g_string_append_printf (out, "queued %s; the next sync uploads it\n", request_id);
  afc_context_write (context, out);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_submit = {
  .name = "submit",
  .parameter_string = "IMAGE",
  .summary = "Queue a new artwork image for analysis (sent by the next sync)",
  .description = "The image is checked (JPEG, PNG or TIFF by its bytes, whole, within the "
                 "size and pixel limits) and queued; --json prints {request_id, save, state}.",
  .raw_arguments = TRUE,
  .run = submit_run,
};

/* ---- forget-user ---------------------------------------------------------------- */

static int
forget_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfcAws) aws = NULL;
  g_autoptr(AfForget) forget = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  AfForgetResult result = { 0 };
  g_autoptr(AfWorkspaceNames) names = NULL;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  store = afc_context_get_store (context, &error);
  if (store == NULL || (aws = afc_aws_connect (&error)) == NULL)
    return afc_context_fail (context, error);
  names = workspace_names (aws);
  forget = af_forget_new (store, aws->dynamodb, aws->s3);
  af_forget_set_names (forget, names);
  af_forget_run_async (forget, args[0], NULL, afc_aws_store_result, &async_result);
  if (!af_forget_run_finish (forget, afc_aws_wait (&async_result), &result, &error))
    return afc_context_fail_message (context, "%s (the request is kept: the next sync or "
                                     "forget-user finishes it)", error->message);
  if (afc_context_get_json (context))
    {
      g_string_append (out, "{\"user_id\":");
      af_codec_write_json_string (out, args[0]);
      g_string_append_printf (out, ",\"analyses\":%u,\"objects\":%u,\"user\":%s}\n",
                              result.analyses, result.objects, result.user ? "true" : "false");
    }
  else
    g_string_append_printf (out, "forgot user %s: %u analyses, %u objects%s\n", args[0],
                            result.analyses, result.objects,
                            result.user ? ", the user's item" : " (no user item was left)");
  afc_context_write (context, out);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_forget_user = {
  .name = "forget-user",
  .parameter_string = "USER_ID",
  .summary = "Delete an ArtGuard user's analyses, images and item, remotely and locally",
  .description = "The request is recorded first: if interrupted, it resumes with the next "
                 "sync or forget-user.",
  .run = forget_run,
};
