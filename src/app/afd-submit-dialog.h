/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-submit-dialog.h — a new artwork for ArtGuard: the chosen file, whether to save
 * the original, then af_submit_queue() on a worker (it reads and hashes the file).
 * The submission waits in the cache and goes out with the next sync.
 */
#pragma once

#include <adwaita.h>

#include "af-forensics-report.h"
#include "afd-findings-list.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_SUBMIT_DIALOG (afd_submit_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AfdSubmitDialog, afd_submit_dialog, AFD, SUBMIT_DIALOG, AdwMessageDialog)

AfdSubmitDialog *afd_submit_dialog_new       (GtkWindow    *parent,
                                              AfdWorkspace *workspace,
                                              GFile        *file);

/* The local inspection of the file, shown in the dialog while the appraiser decides
 * (and, being cached, on the artwork page while the cloud's analysis is PENDING);
 * NULL until it is done. */
AfForensicsReport *afd_submit_dialog_get_report        (AfdSubmitDialog *self);
AfdFindingsList   *afd_submit_dialog_get_findings_list (AfdSubmitDialog *self);
/* Submit is offered only once the file is read and found to be an image ArtGuard
 * takes; until then, and for a refused file, FALSE. */
gboolean           afd_submit_dialog_can_submit        (AfdSubmitDialog *self);
/* The image's preview (no paintable until it is decoded). */
GtkPicture        *afd_submit_dialog_get_preview       (AfdSubmitDialog *self);
/* Why the file is refused, as the dialog says it; NULL when it is not. */
const char        *afd_submit_dialog_get_problem       (AfdSubmitDialog *self);

/* Queues @path into the cache at @db_path on a worker thread, for the reviewer
 * @identity (the ArtGuard user it is counted on); returns the request id. */
void             afd_submit_queue_async      (const char          *db_path,
                                              const char          *identity,
                                              const char          *path,
                                              gboolean             save,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
char            *afd_submit_queue_finish     (GAsyncResult        *result,
                                              GError             **error);

/* The file chooser, then the dialog, over @parent. The reviewer's e-mail must be known
 * (afd_identity_ensure()): the submission is counted on that ArtGuard user. */
void             afd_submit_dialog_choose    (GtkWindow    *parent,
                                              AfdWorkspace *workspace);

G_END_DECLS
