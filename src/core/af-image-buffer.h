/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-image-buffer.h — a decoded picture: 8-bit RGB, three bytes per pixel, rows packed
 * (stride = 3 × width), immutable once made, reference counted and safe to share
 * between threads.
 *
 * The forensics module decodes into it (libjpeg for JPEG, gdk-pixbuf — GTK-free — for
 * PNG and TIFF) and produces its error-level-analysis image as one. Its bytes can be
 * handed as they are to a GdkMemoryTexture (GDK_MEMORY_R8G8B8).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_TYPE_IMAGE_BUFFER (af_image_buffer_get_type ())

typedef struct _AfImageBuffer AfImageBuffer;

/* A rectangle in image pixels (origin top-left). */
typedef struct
{
  int x;
  int y;
  int width;
  int height;
} AfImageRect;

GType           af_image_buffer_get_type    (void) G_GNUC_CONST;

/* A black picture of @width × @height (both ≥ 1); NULL if that would overflow. */
AfImageBuffer  *af_image_buffer_new         (int                   width,
                                             int                   height);
AfImageBuffer  *af_image_buffer_ref         (AfImageBuffer        *self);
void            af_image_buffer_unref       (AfImageBuffer        *self);

int             af_image_buffer_get_width   (const AfImageBuffer  *self);
int             af_image_buffer_get_height  (const AfImageBuffer  *self);
/* Bytes per row: always 3 × width. */
gsize           af_image_buffer_get_stride  (const AfImageBuffer  *self);
const guint8   *af_image_buffer_get_data    (const AfImageBuffer  *self);
/* Writable pixels: only for the code that fills a new buffer, before sharing it. */
guint8         *af_image_buffer_get_mutable_data (AfImageBuffer   *self);
/* The pixels as GBytes sharing this buffer's memory (keeps it alive). */
GBytes         *af_image_buffer_get_bytes   (AfImageBuffer        *self);

/* Writes a PNG (gdk-pixbuf's writer). */
gboolean        af_image_buffer_save_png    (AfImageBuffer        *self,
                                             const char           *path,
                                             GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfImageBuffer, af_image_buffer_unref)

G_END_DECLS
