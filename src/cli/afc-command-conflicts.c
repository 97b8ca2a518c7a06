/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-conflicts"

#include "afc-commands.h"

#include "af-store-sync.h"
#include "afc-output.h"

/* `conflicts`: the items changed on both sides, with both values (afc-output.c). */

static void
print_json (AfcContext *context,
            GPtrArray  *conflicts)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < conflicts->len; i++)
    g_ptr_array_add (values, afc_output_conflict_value (conflicts->pdata[i]));
  afc_output_json_items (out, values);
  afc_context_write (context, out);
}

static void
print_text (AfcContext *context,
            GPtrArray  *conflicts)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < conflicts->len; i++)
    afc_output_conflict_text (out, conflicts->pdata[i]);
  if (conflicts->len == 0)
    g_string_append (out, "no conflicts\n");
  afc_context_write (context, out);
}

/* Both sides masked (***-**-6575) unless --reveal-pii. */
static void
mask_conflict (AfcContext *context,
               AfConflict *conflict)
{
  AfValue *mine = afc_context_shown (context, conflict->table, conflict->mine);
  AfValue *theirs = afc_context_shown (context, conflict->table, conflict->theirs);

  af_value_unref (conflict->mine);
  conflict->mine = mine;
  af_value_unref (conflict->theirs);
  conflict->theirs = theirs;
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
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 0, 0, argc, argv, &args, &exit_code))
    return exit_code;
  store = afc_context_get_store (context, &error);
  if (store == NULL || (conflicts = af_store_conflict_list (store, &error)) == NULL)
    return afc_context_fail (context, error);

  for (guint i = 0; i < conflicts->len; i++)
    mask_conflict (context, conflicts->pdata[i]);
  if (afc_context_get_json (context))
    print_json (context, conflicts);
  else
    print_text (context, conflicts);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_conflicts = {
  .name = "conflicts",
  .parameter_string = "",
  .summary = "List the items changed on both sides, with both values",
  .description = "--json prints [{id, table, kind, attributes, mine, theirs, detected_at}].",
  .run = conflicts_run,
};
