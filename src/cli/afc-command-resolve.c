/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-resolve"

#include "afc-commands.h"

#include "af-store-sync.h"

/* `resolve`: settle a conflict; the next sync sends the outcome. */

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
