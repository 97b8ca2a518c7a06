/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-item — the factory of the queue's row widgets: one AfdQueueRowView each,
 * built in code by a GtkSignalListItemFactory.
 *
 * GTK 4.8's list view keeps up to 200 row widgets and binds them again whenever its
 * model's items change (a scroll, a reload, a page replacing its "Loading…" rows): built
 * from a GtkBuilder template each cost about 1 ms of the main thread, 200 ms a search;
 * a box of labels, its texts laid out and measured at each bind.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkListItemFactory *afd_queue_item_factory_new (void);

G_END_DECLS
