/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-submit"

#include "afc-commands.h"

#include "af-submit.h"
#include "afc-output.h"

/* `submit`: queue an artwork image; the next sync uploads it. */

static void
print_json (GString    *out,
            const char *request_id,
            gboolean    save)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request_id");
  json_builder_add_string_value (builder, request_id);
  json_builder_set_member_name (builder, "save");
  json_builder_add_boolean_value (builder, save);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, "queued");
  json_builder_end_object (builder);
  afc_output_json (out, builder);
}

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
    print_json (out, request_id, save);
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
