/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auditflow-cli — the AuditFlow Desk core without a display, for scripts, servers
 * and tests.
 *
 *   auditflow-cli [--db FILE] [--json] [--user EMAIL] COMMAND [OPTION…] [ARG…]
 *
 * Global options come before the command; each command parses its own after it.
 * Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.
 */
#define G_LOG_DOMAIN "auditflow-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "afc-commands.h"

/* The command table, in AFC_COMMANDS's order (afc-commands.h). */
#define AFC_COMMAND_ENTRY(descriptor) &afc_command_##descriptor,
static const AfcCommand * const commands[] = {
  AFC_COMMANDS (AFC_COMMAND_ENTRY)
};
#undef AFC_COMMAND_ENTRY

typedef struct
{
  char     *db_path;   /* (owned) (nullable) */
  char     *user;      /* (owned) (nullable) */
  gboolean  json;
  gboolean  reveal_pii;
  gboolean  help;
  gboolean  version;
} GlobalOptions;

static void
global_options_clear (GlobalOptions *options)
{
  g_clear_pointer (&options->db_path, g_free);
  g_clear_pointer (&options->user, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GlobalOptions, global_options_clear)

static const AfcCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i]->name, name) == 0)
      return commands[i];
  return NULL;
}

/* The summaries start in one column, after the longest name (forget-user). */
static int
command_name_width (void)
{
  int width = (int) strlen ("help");

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i]->name));
  return width;
}

static char *
describe_commands (void)
{
  GString *text = g_string_new ("Commands:\n");
  int width = command_name_width ();

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-*s  %s\n", width, commands[i]->name, commands[i]->summary);
  g_string_append_printf (text, "  %-*s  %s\n", width, "help",
                          "Show the help of a command (help COMMAND)");
  g_string_append (text, "\n'" AFC_PROGRAM_NAME " COMMAND --help' describes each command.\n"
                   "Exit status: 0 success, 1 failure, 2 usage error.");
  return g_string_free (text, FALSE);
}

static GOptionContext *
build_global_context (GlobalOptions *options)
{
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db_path,
      "The cache file (default: $XDG_DATA_HOME/auditflow-desk/workspace.db)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, "Print machine-readable JSON", NULL },
    { "reveal-pii", 0, 0, G_OPTION_ARG_NONE, &options->reveal_pii,
      "Print SSNs, dates of birth and account numbers in full (masked otherwise)", NULL },
    /* Bytes, checked as UTF-8 afterwards: see afc-command.c. */
    { "user", 0, 0, G_OPTION_ARG_FILENAME, &options->user,
      "The reviewer's e-mail for this run (otherwise from the settings)", "EMAIL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version, "Print the version", NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &options->help, "Show this help", NULL },
    { NULL }
  };
  g_autofree char *description = describe_commands ();
  GOptionContext *context = g_option_context_new ("COMMAND [OPTION…] [ARG…]");

  /* Stop at the command: what follows belongs to the command's own parser. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, "Review AuditFlow loan audits and ArtGuard artwork "
                                         "analyses from the local cache.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  return context;
}

static int
print_global_help (GOptionContext *option_context)
{
  g_autofree char *help = g_option_context_get_help (option_context, TRUE, NULL);

  fputs (help, stdout);
  return AFC_EXIT_OK;
}

/* An e-mail recorded as reviewed_by must at least look like one: a typo such as
 * `--user list` would otherwise sign edits with a command name. */
static gboolean
looks_like_email (const char *text)
{
  const char *at = strchr (text, '@');

  if (!g_utf8_validate (text, -1, NULL) || at == NULL || at == text || at[1] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

static int
apply_global_options (AfcContext          *context,
                      const GlobalOptions *options)
{
  if (options->user != NULL && !looks_like_email (options->user))
    {
      g_autofree char *shown = g_utf8_make_valid (options->user, -1);

      return afc_context_usage_error (context, NULL, "--user needs an e-mail address, not '%s'",
                                      shown);
    }
  afc_context_set_db_path (context, options->db_path);
  afc_context_set_user (context, options->user);
  afc_context_set_json (context, options->json);
  afc_context_set_reveal_pii (context, options->reveal_pii);
  return AFC_EXIT_OK;
}

/* `help` and `help COMMAND` are spelled-out forms of --help. */
static int
run_help (AfcContext     *context,
          GOptionContext *global_context,
          int             argc,
          char          **argv)
{
  const AfcCommand *command;
  char *help_argv[] = { NULL, (char *) "--help", NULL };

  if (argc < 2)
    return print_global_help (global_context);
  command = find_command (argv[1]);
  if (command == NULL)
    return afc_context_usage_error (context, NULL, "unknown command '%s'", argv[1]);
  help_argv[0] = argv[1];
  return command->run (command, context, 2, help_argv);
}

static int
dispatch (AfcContext     *context,
          GOptionContext *global_context,
          int             argc,
          char          **argv)
{
  const AfcCommand *command;

  if (argc < 1)
    return afc_context_usage_error (context, NULL, "no command given");
  if (g_strcmp0 (argv[0], "help") == 0)
    return run_help (context, global_context, argc, argv);

  command = find_command (argv[0]);
  if (command == NULL)
    return afc_context_usage_error (context, NULL, "unknown command '%s'", argv[0]);
  afc_context_set_may_create (context, command->creates_cache);
  return command->run (command, context, argc, argv);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GlobalOptions) options = { NULL };
  g_autoptr(GOptionContext) global_context = NULL;
  g_autoptr(AfcContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code;

  setlocale (LC_ALL, "");
  g_set_prgname (AFC_PROGRAM_NAME);

  context = afc_context_new ();
  global_context = build_global_context (&options);
  if (!g_option_context_parse (global_context, &argc, &argv, &error))
    return afc_context_usage_error (context, NULL, "%s", error->message);
  if (options.help)
    return print_global_help (global_context);
  if (options.version)
    {
      printf ("%s %s\n", AFC_PROGRAM_NAME, PACKAGE_VERSION);
      return AFC_EXIT_OK;
    }

  exit_code = apply_global_options (context, &options);
  if (exit_code != AFC_EXIT_OK)
    return exit_code;

  /* argv[0] is still the program; the command and its arguments follow. */
  return dispatch (context, global_context, argc - 1, argv + 1);
}
