/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-forget-user"

#include "afc-commands.h"

#include "af-forget.h"
#include "afc-aws.h"
#include "afc-output.h"

/* `forget-user`: an ArtGuard user's analyses, images and item, remotely and locally. */

static void
print_json (GString              *out,
            const char           *user_id,
            const AfForgetResult *result)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, user_id);
  json_builder_set_member_name (builder, "analyses");
  json_builder_add_int_value (builder, result->analyses);
  json_builder_set_member_name (builder, "objects");
  json_builder_add_int_value (builder, result->objects);
  json_builder_set_member_name (builder, "user");
  json_builder_add_boolean_value (builder, result->user);
  json_builder_end_object (builder);
  afc_output_json (out, builder);
}

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
  names = afc_aws_workspace_names (aws);
  forget = af_forget_new (store, aws->connection->dynamodb, aws->connection->s3);
  af_forget_set_names (forget, names);
  af_forget_run_async (forget, args[0], NULL, afc_aws_store_result, &async_result);
  if (!af_forget_run_finish (forget, afc_aws_wait (&async_result), &result, &error))
    return afc_context_fail_message (context, "%s (the request is kept: the next sync or "
                                     "forget-user finishes it)", error->message);
  if (afc_context_get_json (context))
    print_json (out, args[0], &result);
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
