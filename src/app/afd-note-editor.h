/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-note-editor.h — the reviewer's note on one item (an audit's review notes, an
 * artwork's appraisal note): a text view saved through the workspace's store thread a
 * moment after the last keystroke, and a status line that says so.
 *
 * The save is shown at once ("Saved on this computer"); a failed commit takes that back
 * (the status names the failure) and asks the window for a toast. Tab moves the focus
 * on: a note never holds a tab (issue 16 item 2).
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store-thread.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_NOTE_EDITOR (afd_note_editor_get_type ())
G_DECLARE_FINAL_TYPE (AfdNoteEditor, afd_note_editor, AFD, NOTE_EDITOR, GtkWidget)

/* Queues the edit that stores @text as @item_id's note (an af_store_thread_set_*_async
 * edit, finished with af_store_thread_edit_finish()). */
typedef void (*AfdNoteSaveFunc)    (AfStoreThread       *thread,
                                    const char          *item_id,
                                    const char          *text,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* The message for a failed save of @item_id's note (transfer full): it names the item
 * by its id, never by a personal value. */
typedef char *(*AfdNoteFailureFunc) (const char         *item_id,
                                     const GError       *error);

GtkWidget  *afd_note_editor_new       (void);
/* How the page saves its note and words a failure. */
void        afd_note_editor_set_saver (AfdNoteEditor      *self,
                                       AfdNoteSaveFunc     save,
                                       AfdNoteFailureFunc  describe_failure);
/* The item whose note is typed from now on (a pending note of the previous one is
 * saved first); the text stays until afd_note_editor_set_text(). */
void        afd_note_editor_set_item  (AfdNoteEditor      *self,
                                       AfdWorkspace       *workspace,
                                       const char         *item_id);
/* Shows the stored note (nullable) without saving it. */
void        afd_note_editor_set_text  (AfdNoteEditor      *self,
                                       const char         *text);
/* Saves a note still waiting for its debounce (before a review, a report, a close). */
void        afd_note_editor_flush     (AfdNoteEditor      *self);

G_END_DECLS
