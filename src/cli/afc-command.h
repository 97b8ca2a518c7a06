/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-command.h — one auditflow-cli command: its name, its help, and its entry point.
 *
 * Each command (or small group, such as the edits) lives in its own afc-command-*.c
 * and exports its AfcCommand descriptor; afc-commands.h lists them all in
 * AFC_COMMANDS, from which auditflow-cli.c builds its table. Adding a command is a
 * new file and one line in AFC_COMMANDS.
 */
#pragma once

#include <glib.h>

#include "afc-context.h"

G_BEGIN_DECLS

typedef struct _AfcCommand AfcCommand;

/* @argv[0] is the command's name; the options after it are the command's own. */
typedef int (*AfcCommandFunc) (const AfcCommand  *command,
                               AfcContext        *context,
                               int                argc,
                               char             **argv);

struct _AfcCommand
{
  const char     *name;
  const char     *parameter_string;   /* the positional arguments, for the usage line */
  const char     *summary;            /* one line, also listed by the global --help */
  const char     *description;        /* (nullable): shown below the options */
  gboolean        raw_arguments;      /* positional arguments are file names (any bytes) */
  gboolean        creates_cache;      /* may create a missing cache (import, sync only) */
  AfcCommandFunc  run;
};

/* Parses the command's own options, adding --json and --help to @entries (which may
 * be NULL), and checks that between @min_args and @max_args positional arguments
 * remain; they are returned in @out_args (owned by the caller; an empty vector when
 * none). Returns FALSE when the command must not run: @out_exit then holds 0 after
 * --help, or 2 after a usage error (already reported). */
gboolean afc_command_parse (const AfcCommand     *command,
                            AfcContext           *context,
                            const GOptionEntry   *entries,
                            guint                 min_args,
                            guint                 max_args,
                            int                   argc,
                            char                **argv,
                            char               ***out_args,
                            int                  *out_exit);

G_END_DECLS
