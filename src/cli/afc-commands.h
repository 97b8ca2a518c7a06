/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-commands.h — every command of auditflow-cli, one descriptor each, defined in
 * the afc-command-*.c file of its group. auditflow-cli.c lists them in its table.
 */
#pragma once

#include "afc-command.h"

G_BEGIN_DECLS

/* afc-command-import.c */
extern const AfcCommand afc_command_import;
/* afc-command-list.c */
extern const AfcCommand afc_command_list;
/* afc-command-show.c */
extern const AfcCommand afc_command_show;
/* afc-command-edit.c */
extern const AfcCommand afc_command_note;
extern const AfcCommand afc_command_review;
extern const AfcCommand afc_command_correct;
extern const AfcCommand afc_command_verdict;
/* afc-command-status.c */
extern const AfcCommand afc_command_status;
/* afc-command-sync.c */
extern const AfcCommand afc_command_sync;
extern const AfcCommand afc_command_offline;

/* afc-command-show.c: prints one item as `show` does (used by the edits' --json). */
int afc_show_item (AfcContext *context,
                   AfTable     table,
                   const char *id);

G_END_DECLS
