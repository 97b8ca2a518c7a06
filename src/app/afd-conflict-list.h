/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-conflict-list.h — the sidebar's list of items in conflict, with its count;
 * hidden while there are none. Activating a row opens the item (win.open-item).
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store-thread.h"

#include "af-store.h"

G_BEGIN_DECLS

#define AFD_TYPE_CONFLICT_LIST (afd_conflict_list_get_type ())
G_DECLARE_FINAL_TYPE (AfdConflictList, afd_conflict_list, AFD, CONFLICT_LIST, GtkWidget)

/* Reads the open conflicts again, on the store's thread; the rows change when the
 * answer comes. */
void   afd_conflict_list_refresh   (AfdConflictList *self,
                                    AfStoreThread   *store_thread);
guint  afd_conflict_list_get_count (AfdConflictList *self);

G_END_DECLS
