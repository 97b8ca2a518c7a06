/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-commands.h — every command of auditflow-cli, one descriptor each, defined in
 * the afc-command-*.c file of its group; auditflow-cli.c builds its table from
 * AFC_COMMANDS.
 */
#pragma once

#include "afc-command.h"

G_BEGIN_DECLS

/* The commands in the order --help lists them, each X (descriptor) defined as
 * afc_command_<descriptor> in its afc-command-*.c. A new command is one line here
 * (and its file in meson.build). */
#define AFC_COMMANDS(X) \
  X (import)            \
  X (list)              \
  X (show)              \
  X (note)              \
  X (review)            \
  X (correct)           \
  X (verdict)           \
  X (status)            \
  X (sync)              \
  X (offline)           \
  X (conflicts)         \
  X (resolve)           \
  X (submit)            \
  X (forget_user)       \
  X (inspect)           \
  X (report)            \
  /* end of the list: every entry above ends with a backslash */

#define AFC_DECLARE_COMMAND(descriptor) extern const AfcCommand afc_command_##descriptor;
AFC_COMMANDS (AFC_DECLARE_COMMAND)
#undef AFC_DECLARE_COMMAND

/* afc-command-show.c: prints one item as `show` does (used by the edits' --json). */
int afc_show_item (AfcContext *context,
                   AfTable     table,
                   const char *id);

/* afc-command-list.c: the key columns of @table's items, NULL-terminated, in the
 * order a reviewer reads them (list, and show of a loan). */
const char * const *afc_list_columns (AfTable table);

G_END_DECLS
