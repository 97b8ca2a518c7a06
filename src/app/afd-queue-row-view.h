/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-row-view.h — one queue row on screen as ONE widget that draws itself: the
 * title, the dimmed subtitle, "Reviewed" and the level's badge, as the labels of a box
 * showed them before.
 *
 * GTK 4.8's list view binds ~200 row widgets and measures each one it binds: with a box
 * of labels, every bind laid the texts out with Pango and measured four widgets, ~200
 * of them at each jump of a scrollbar drag. This widget's height is worked out once per
 * font (its texts are one line each), and its texts are laid out only when it is drawn:
 * a row bound but never shown costs a few string compares.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-queue-row.h"

G_BEGIN_DECLS

#define AFD_TYPE_QUEUE_ROW_VIEW (afd_queue_row_view_get_type ())
G_DECLARE_FINAL_TYPE (AfdQueueRowView, afd_queue_row_view, AFD, QUEUE_ROW_VIEW, GtkWidget)

GtkWidget   *afd_queue_row_view_new     (void);
/* Shows @row (nullable: nothing). */
void         afd_queue_row_view_set_row (AfdQueueRowView *self,
                                         AfdQueueRow     *row);
AfdQueueRow *afd_queue_row_view_get_row (AfdQueueRowView *self);

G_END_DECLS
