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
/* afc-command-sync-write.c */
extern const AfcCommand afc_command_conflicts;
extern const AfcCommand afc_command_resolve;
extern const AfcCommand afc_command_submit;
extern const AfcCommand afc_command_forget_user;

/* afc-command-show.c: prints one item as `show` does (used by the edits' --json). */
int afc_show_item (AfcContext *context,
                   AfTable     table,
                   const char *id);

/* afc-command-sync-write.c: the whole sync (push then pull) for `sync`, and the sync
 * lines of `status` (offline, submissions, last error; JSON members when @json). */
int  afc_sync_write_run    (AfcContext *context,
                            gboolean    push,
                            gboolean    pull,
                            gboolean    full);
void afc_sync_write_status (AfStore    *store,
                            GString    *out,
                            gboolean    json);
/* `show`: an open conflict of @id, as facts (_conflict_attributes, _conflict_theirs)
 * or, when @text is not NULL, as a line of text. */
void afc_sync_write_show_conflict (AfStore    *store,
                                   const char *id,
                                   AfValue    *facts,
                                   GString    *text);

G_END_DECLS
