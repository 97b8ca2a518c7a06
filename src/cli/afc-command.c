/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command"

#include "afc-command.h"

#include <stdio.h>

static GOptionContext *
build_option_context (const AfcCommand    *command,
                      const GOptionEntry  *entries,
                      gboolean            *json,
                      gboolean            *help,
                      char              ***positional)
{
  const GOptionEntry common_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, json, "Print machine-readable JSON", NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, help, "Show this help", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, positional, NULL, NULL },
    { NULL }
  };
  g_autofree char *program = g_strdup_printf ("%s %s", AFC_PROGRAM_NAME, command->name);
  GOptionContext *option_context = g_option_context_new (command->parameter_string);

  /* The usage line is built from the program name: make it name the command. */
  g_set_prgname (program);

  /* --help is ours so that it returns through main() instead of exit(). */
  g_option_context_set_help_enabled (option_context, FALSE);
  g_option_context_set_summary (option_context, command->summary);
  if (command->description != NULL)
    g_option_context_set_description (option_context, command->description);
  if (entries != NULL)
    g_option_context_add_main_entries (option_context, entries, NULL);
  g_option_context_add_main_entries (option_context, common_entries, NULL);
  return option_context;
}

/* Text arguments are taken as bytes (G_OPTION_ARG_FILENAME) and checked here: GOption
 * would otherwise convert them from the locale's charset, which under LANG=C refuses
 * any non-ASCII note. File names (import) may be any bytes, as on disk. */
static const char *
find_invalid_text (const GOptionEntry  *entries,
                   char               **positional,
                   gboolean             check_positional)
{
  for (const GOptionEntry *entry = entries; entry != NULL && entry->long_name != NULL; entry++)
    {
      const char *value;

      if (entry->arg != G_OPTION_ARG_FILENAME)
        continue;
      value = *(const char **) entry->arg_data;
      if (value != NULL && !g_utf8_validate (value, -1, NULL))
        return entry->long_name;
    }
  for (guint i = 0; check_positional && positional != NULL && positional[i] != NULL; i++)
    if (!g_utf8_validate (positional[i], -1, NULL))
      return positional[i];
  return NULL;
}

static void
print_help (GOptionContext *option_context)
{
  g_autofree char *help = g_option_context_get_help (option_context, TRUE, NULL);

  fputs (help, stdout);
  fflush (stdout);
}

gboolean
afc_command_parse (const AfcCommand     *command,
                   AfcContext           *context,
                   const GOptionEntry   *entries,
                   guint                 min_args,
                   guint                 max_args,
                   int                   argc,
                   char                **argv,
                   char               ***out_args,
                   int                  *out_exit)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) positional = NULL;
  gboolean json = FALSE;
  gboolean help = FALSE;
  const char *invalid;
  guint n_args;

  option_context = build_option_context (command, entries, &json, &help, &positional);
  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      *out_exit = afc_context_usage_error (context, command->name, "%s", error->message);
      return FALSE;
    }
  if (help)
    {
      print_help (option_context);
      *out_exit = AFC_EXIT_OK;
      return FALSE;
    }

  invalid = find_invalid_text (entries, positional, !command->raw_arguments);
  if (invalid != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (invalid, -1);

      *out_exit = afc_context_usage_error (context, command->name,
                                           "'%s' is not valid UTF-8", shown);
      return FALSE;
    }

  n_args = positional != NULL ? g_strv_length (positional) : 0;
  if (n_args < min_args || n_args > max_args)
    {
      *out_exit = afc_context_usage_error (context, command->name,
                                           n_args < min_args ? "missing arguments: %s %s"
                                                             : "too many arguments: %s %s",
                                           command->name, command->parameter_string);
      return FALSE;
    }

  if (json)
    afc_context_set_json (context, TRUE);
  *out_args = positional != NULL ? g_steal_pointer (&positional) : g_new0 (char *, 1);
  return TRUE;
}
