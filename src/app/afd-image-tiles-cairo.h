/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-image-tiles-cairo — the tiles of AfdImageTiles when the windows are drawn with
 * cairo (afd-renderer-choice.h): cairo image surfaces, cut once on the worker and painted
 * as they are. GTK 4.8's cairo renderer makes a new cairo surface of a GdkTexture at
 * every frame that draws it (a packed R, G, B tile converted byte by byte) and scales it
 * with cairo's GOOD filter; bench-workbench found a quarter of the main thread's time in
 * that conversion, and zoom frames of 35 ms.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Tile (@x, @y) of @pixbuf, @size × @size, its last column and row repeated into the
 * margin: RGB24 when @pixbuf has no alpha, ARGB32 (premultiplied) when it has. Any
 * thread. */
cairo_surface_t *afd_image_tiles_cut_cairo   (GdkPixbuf             *pixbuf,
                                              int                    x,
                                              int                    y,
                                              int                    size);

/* Paints @tile into @bounds of @cr (the tile's @size pixels stretched over them),
 * bilinear as GL samples a texture, its edges padded as GTK pads a texture node's. */
void             afd_image_tiles_paint_cairo (cairo_t               *cr,
                                              cairo_surface_t       *tile,
                                              int                    size,
                                              const graphene_rect_t *bounds);

G_END_DECLS
