/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-image-view.h — an artwork at any zoom, with an overlay, marked regions and a loupe.
 *
 * A GtkScrollable: put it in a GtkScrolledWindow, which pans with scrolling and shows
 * scroll bars. The view draws only the tiles in sight (AfdImageTiles), zooms about the
 * pointer with Ctrl+scroll or a pinch, pans by dragging, and answers the keyboard when
 * focused: + and − zoom, 0 fits, 1 shows 100 %, the arrows pan, L shows a loupe that
 * magnifies 4× what is under the pointer (or, with the keyboard, a point the arrows move).
 * An overlay (the error level analysis) is drawn over the picture at a chosen opacity,
 * and regions (a finding's) are outlined — two of them joined by a line for a copy.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-image-tiles.h"

G_BEGIN_DECLS

#define AFD_IMAGE_VIEW_MIN_ZOOM 0.02
#define AFD_IMAGE_VIEW_MAX_ZOOM 32.0
#define AFD_IMAGE_VIEW_LOUPE_MAGNIFICATION 4.0

#define AFD_TYPE_IMAGE_VIEW (afd_image_view_get_type ())
G_DECLARE_FINAL_TYPE (AfdImageView, afd_image_view, AFD, IMAGE_VIEW, GtkWidget)

GtkWidget     *afd_image_view_new                 (void);

void           afd_image_view_set_image           (AfdImageView  *self,
                                                   AfdImageTiles *tiles);
AfdImageTiles *afd_image_view_get_image           (AfdImageView  *self);

/* Drawn over the picture, stretched to its size; NULL removes it. */
void           afd_image_view_set_overlay         (AfdImageView  *self,
                                                   AfdImageTiles *overlay);
void           afd_image_view_set_overlay_opacity (AfdImageView  *self,
                                                   double         opacity);

/* The zoom: 1.0 is one image pixel per logical pixel. "fit" is TRUE while the zoom
 * follows the view's size. */
double         afd_image_view_get_zoom            (AfdImageView  *self);
void           afd_image_view_set_zoom            (AfdImageView  *self,
                                                   double         zoom);
gboolean       afd_image_view_get_fit             (AfdImageView  *self);
void           afd_image_view_zoom_fit            (AfdImageView  *self);
void           afd_image_view_zoom_in             (AfdImageView  *self);
void           afd_image_view_zoom_out            (AfdImageView  *self);

gboolean       afd_image_view_get_loupe           (AfdImageView  *self);
void           afd_image_view_set_loupe           (AfdImageView  *self,
                                                   gboolean       loupe);
/* Where the loupe looks, in image pixels. */
void           afd_image_view_set_loupe_point     (AfdImageView  *self,
                                                   double         x,
                                                   double         y);
gboolean       afd_image_view_get_loupe_point     (AfdImageView  *self,
                                                   double        *x,
                                                   double        *y);

/* @regions: rectangles in image pixels (0, 1 or 2); two are a copy and its source,
 * joined by a line. The view scrolls to show them. */
void           afd_image_view_set_regions         (AfdImageView          *self,
                                                   const graphene_rect_t *regions,
                                                   guint                  n_regions);
guint          afd_image_view_get_n_regions       (AfdImageView  *self);
/* The regions' bounds in widget coordinates, as drawn; FALSE when there are none. */
gboolean       afd_image_view_get_regions_bounds  (AfdImageView    *self,
                                                   graphene_rect_t *bounds);

G_END_DECLS
