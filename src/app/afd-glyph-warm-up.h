/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-glyph-warm-up — draws, once and at idle, the glyphs of text styles that the window
 * shows only later (the search results' headers, badges and captions), so that the
 * frame that first shows them does not rasterize every glyph of a new font size.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Starts the warm-up of @labels (GtkLabels made for it, not in any window: each keeps
 * the font its CSS classes give it), one label per idle of low priority, the last one
 * first. Takes @labels; they are dropped once drawn. */
void afd_glyph_warm_up_start (GPtrArray *labels);

G_END_DECLS
