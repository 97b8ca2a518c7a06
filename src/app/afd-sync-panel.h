/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-sync-panel.h — the sidebar footer's sync line: what waits to be sent, whether
 * the cloud answered last time ("offline — 3 changes waiting"), a sync's progress,
 * and when to sync by itself: when the network comes back (with a backoff) and every
 * few minutes while online.
 *
 * It does not run on the demo workspace, whose data never leaves the computer.
 *
 * ::finished (gboolean success, const char *message) gives the toast: after every sync
 * asked for, and after an automatic one only when it brought or sent something.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-sync.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_SYNC_PANEL (afd_sync_panel_get_type ())
G_DECLARE_FINAL_TYPE (AfdSyncPanel, afd_sync_panel, AFD, SYNC_PANEL, GtkWidget)

#define AFD_SYNC_PERIOD_SECONDS (5 * 60)

void      afd_sync_panel_set_workspace   (AfdSyncPanel *self,
                                          AfdWorkspace *workspace,
                                          GSettings    *settings);
/* Starts a sync unless one is running (or the workspace is the demo). */
void      afd_sync_panel_sync            (AfdSyncPanel *self);
gboolean  afd_sync_panel_is_running      (AfdSyncPanel *self);
/* Reads the outbox, conflicts and offline state again (after an edit). */
void      afd_sync_panel_refresh_status  (AfdSyncPanel *self);
const char *afd_sync_panel_get_status_text (AfdSyncPanel *self);
const char *afd_sync_panel_get_cost_text   (AfdSyncPanel *self);

/* The toast text for a finished sync. */
char     *afd_sync_panel_describe_result (const AfSyncResult *result);
/* What the sync read (bytes, requests, tables by stream / refreshed / in full); NULL
 * when it did not pull. */
char     *afd_sync_panel_describe_cost   (const AfSyncResult *result);

G_END_DECLS
