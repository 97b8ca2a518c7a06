/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-layout.h — a report broken into pages for one paper size, and drawn page by page.
 *
 * Pagination measures every block with Pango in the context it is given (a PDF
 * surface's, or a GtkPrintContext's), so that what is measured is what is drawn:
 * paragraphs break between lines, tables between rows with their header row repeated
 * at the top of the next page, a heading never stays alone at the foot of a page, and
 * a picture moves whole to the next page when it does not fit. Every page gets the
 * report's footer and "Page N of M".
 *
 * Units are PostScript points: a PDF surface's, and a GtkPrintContext's with
 * GTK_UNIT_POINTS.
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "afr-report.h"

G_BEGIN_DECLS

typedef struct _AfrLayout AfrLayout;

AfrLayout *afr_layout_new          (AfrReport     *report,
                                    double         page_width,
                                    double         page_height);
void       afr_layout_free         (AfrLayout     *self);

/* Lays the report out with @context; returns the number of pages (at least 1). */
guint      afr_layout_paginate     (AfrLayout     *self,
                                    PangoContext  *context);
guint      afr_layout_get_n_pages  (AfrLayout     *self);

/* Draws page @page (0-based) onto @cr, whose origin is the page's top-left corner.
 * afr_layout_paginate() must have run with a context for this kind of target. */
void       afr_layout_draw_page    (AfrLayout     *self,
                                    cairo_t       *cr,
                                    guint          page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfrLayout, afr_layout_free)

G_END_DECLS
