/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-waiting-list.h — the artworks submitted from this computer that are not analyses
 * yet, above the artworks queues: "Waiting to upload" until a sync sends them, then
 * "Uploaded, waiting for analysis" if their PENDING item did not reach the cache, until
 * a pull brings it. Read on the store's thread whenever the workspace changes.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_WAITING_LIST (afd_waiting_list_get_type ())
G_DECLARE_FINAL_TYPE (AfdWaitingList, afd_waiting_list, AFD, WAITING_LIST, GtkWidget)

void  afd_waiting_list_set_workspace (AfdWaitingList *self,
                                      AfdWorkspace   *workspace);
/* Shown beside the artworks queues only (and only when something waits). */
void  afd_waiting_list_set_artworks  (AfdWaitingList *self,
                                      gboolean        artworks);
/* Reads the submissions again (also done on the workspace's ::changed). */
void  afd_waiting_list_reload        (AfdWaitingList *self);
/* How many wait to be sent, as last read (those sent and waiting for their analysis
 * are listed, not counted); notify::n-waiting when it changes. */
guint afd_waiting_list_get_n_waiting (AfdWaitingList *self);

G_END_DECLS
