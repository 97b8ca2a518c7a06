/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-window.h — the main window: queues, the queue's items, and the page of one item.
 */
#pragma once

#include <adwaita.h>

#include "afd-application.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_WINDOW (afd_window_get_type ())
G_DECLARE_FINAL_TYPE (AfdWindow, afd_window, AFD, WINDOW, AdwApplicationWindow)

/* The window shows at once; its content comes with afd_window_set_workspace(). */
AfdWindow *afd_window_new            (AfdApplication *application);
/* @workspace NULL shows @error instead of the queues. */
void       afd_window_set_workspace  (AfdWindow      *self,
                                      AfdWorkspace   *workspace,
                                      const GError   *error);
/* Opens the audit, document or artwork analysis with that id (once the workspace
 * is open, when it is not yet). */
void       afd_window_open_id        (AfdWindow      *self,
                                      const char     *id);
/* (nullable): before the workspace is open, or when it could not be opened. */
AfdWorkspace *afd_window_get_workspace (AfdWindow    *self);

G_END_DECLS
