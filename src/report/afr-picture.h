/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-picture.h — a picture file as a cairo surface for a report.
 *
 * Decoded by gdk-pixbuf (no display needed), checked for size before decoding so that
 * a decompression bomb is refused, and brought down to at most AFR_PICTURE_MAX_SIDE
 * pixels on its longer side. A JPEG small enough to keep whole is embedded as the
 * JPEG it is (cairo writes its bytes straight into the PDF), not re-encoded.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define AFR_PICTURE_MAX_SIDE 2400
/* Larger pictures are not decoded at all. */
#define AFR_PICTURE_MAX_PIXELS (100 * 1000 * 1000)

/* @bytes: the picture file's contents (read by the caller, who knows whether the file is
 * sealed in the object cache). @out_width/@out_height (nullable): the picture's own size
 * in pixels, which the surface may be smaller than. */
cairo_surface_t *afr_picture_load (GBytes      *bytes,
                                   int         *out_width,
                                   int         *out_height,
                                   GError     **error);

/* A picture drawn by the core (an ELA map: RGB, 3 bytes a pixel, @stride bytes a row),
 * brought down to at most @max_side pixels on its longer side. */
cairo_surface_t *afr_picture_from_rgb (const guint8 *pixels,
                                       int           width,
                                       int           height,
                                       int           stride,
                                       int           max_side);

G_END_DECLS
