/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-sidebar.h — the review queues, each with its count.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store.h"
#include "afd-queue.h"

G_BEGIN_DECLS

#define AFD_TYPE_SIDEBAR (afd_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (AfdSidebar, afd_sidebar, AFD, SIDEBAR, GtkWidget)

void      afd_sidebar_select          (AfdSidebar  *self,
                                       AfdQueue     queue);
AfdQueue  afd_sidebar_get_selected    (AfdSidebar  *self);
void      afd_sidebar_set_list_aside  (AfdSidebar  *self,
                                       gboolean     aside);
/* Shows @counts (-1: unknown), as afd_queue_count_all() gives them. */
void      afd_sidebar_set_counts      (AfdSidebar   *self,
                                       const gint64  counts[AFD_N_QUEUES]);

G_END_DECLS
