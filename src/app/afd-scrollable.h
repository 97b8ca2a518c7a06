/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-scrollable.h — the GtkScrollable plumbing the page view and the image view share:
 * holding an adjustment a scrolled window hands over, and configuring it for content
 * of a given size in a view of a given size.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Puts @adjustment (a new empty one when NULL) in *@slot, owned, with @on_value_changed
 * (swapped: called with @owner) connected; the previous one is let go. FALSE when it
 * was there already. */
gboolean afd_scrollable_set_adjustment   (GtkAdjustment **slot,
                                          GtkAdjustment  *adjustment,
                                          GCallback       on_value_changed,
                                          gpointer        owner);
/* Disconnects @owner's handlers from *@slot and lets it go (dispose). */
void     afd_scrollable_clear_adjustment (GtkAdjustment **slot,
                                          gpointer        owner);
/* Content @content long in a view @view long, scrolled to @value (clamped); a step is
 * a tenth of the view, a page nine tenths. @adjustment may be NULL (not scrolled yet). */
void     afd_scrollable_configure        (GtkAdjustment  *adjustment,
                                          double          value,
                                          double          content,
                                          double          view);
/* The adjustment's value, 0 without one. */
double   afd_scrollable_value            (GtkAdjustment  *adjustment);

G_END_DECLS
