/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-forget-dialog.h — deletion on request (GDPR) of one ArtGuard user, after a
 * confirmation that says what goes, remotely and locally. The deletion runs on a
 * worker (afd-cloud.h) and the result comes back as a toast (win.toast).
 */
#pragma once

#include <adwaita.h>

#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_FORGET_DIALOG (afd_forget_dialog_get_type ())
G_DECLARE_FINAL_TYPE (AfdForgetDialog, afd_forget_dialog, AFD, FORGET_DIALOG, AdwMessageDialog)

AfdForgetDialog *afd_forget_dialog_new (GtkWindow    *parent,
                                        AfdWorkspace *workspace,
                                        GSettings    *settings,
                                        const char   *user_id);

G_END_DECLS
