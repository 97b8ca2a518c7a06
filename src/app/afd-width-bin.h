/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-width-bin.h — a bin for a wrapping label in a horizontal box: its width is the
 * label's width, whatever height it is asked for.
 *
 * GTK 4.8's GtkBox gives the width of a horizontal row with a height-for-width child
 * (a wrapping label) by a binary search over heights, and the label answers each height
 * with a binary search over widths of its own Pango layout (get_width_for_height): when
 * a sync ended, its status line in the sidebar (three lines of a failure's reason) was
 * laid out ~260 times in the dispatch that showed it, 18-19 ms of main-thread CPU at
 * 200,000 audits; 14 times in this bin, and that dispatch 6-9 ms. In this bin the
 * label is only asked for its width for any height (its minimum and natural widths,
 * which GTK caches), then for its height at the width it is given: the row is laid
 * out as before where its width is the label's natural or minimum one.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_TYPE_WIDTH_BIN (afd_width_bin_get_type ())
G_DECLARE_FINAL_TYPE (AfdWidthBin, afd_width_bin, AFD, WIDTH_BIN, GtkWidget)

GtkWidget *afd_width_bin_new       (void);
void       afd_width_bin_set_child (AfdWidthBin *self,
                                    GtkWidget   *child);
GtkWidget *afd_width_bin_get_child (AfdWidthBin *self);

G_END_DECLS
