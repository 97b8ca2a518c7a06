/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-image-buffer"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "af-image-buffer.h"

struct _AfImageBuffer
{
  gatomicrefcount  ref_count;
  int              width;
  int              height;
  guint8          *data;   /* (owned) 3 × width × height bytes */
};

G_DEFINE_BOXED_TYPE (AfImageBuffer, af_image_buffer, af_image_buffer_ref, af_image_buffer_unref)

AfImageBuffer *
af_image_buffer_new (int width,
                     int height)
{
  AfImageBuffer *self;
  gsize size;

  if (width < 1 || height < 1 || !g_size_checked_mul (&size, (gsize) width, (gsize) height)
      || !g_size_checked_mul (&size, size, 3))
    return NULL;
  self = g_new0 (AfImageBuffer, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->width = width;
  self->height = height;
  /* try: a failed allocation of a large picture is an error to report, not an abort. */
  self->data = g_try_malloc0 (size);
  if (self->data == NULL)
    {
      g_free (self);
      return NULL;
    }
  return self;
}

AfImageBuffer *
af_image_buffer_ref (AfImageBuffer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
af_image_buffer_unref (AfImageBuffer *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_free (self->data);
  g_free (self);
}

int
af_image_buffer_get_width (const AfImageBuffer *self)
{
  return self->width;
}

int
af_image_buffer_get_height (const AfImageBuffer *self)
{
  return self->height;
}

gsize
af_image_buffer_get_stride (const AfImageBuffer *self)
{
  return (gsize) self->width * 3;
}

const guint8 *
af_image_buffer_get_data (const AfImageBuffer *self)
{
  return self->data;
}

guint8 *
af_image_buffer_get_mutable_data (AfImageBuffer *self)
{
  return self->data;
}

GBytes *
af_image_buffer_get_bytes (AfImageBuffer *self)
{
  return g_bytes_new_with_free_func (self->data,
                                     af_image_buffer_get_stride (self) * (gsize) self->height,
                                     (GDestroyNotify) af_image_buffer_unref,
                                     af_image_buffer_ref (self));
}

gboolean
af_image_buffer_save_png (AfImageBuffer  *self,
                          const char     *path,
                          GError        **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* The pixbuf borrows our pixels: no copy of a large picture. */
  pixbuf = gdk_pixbuf_new_from_data (self->data, GDK_COLORSPACE_RGB, FALSE, 8,
                                     self->width, self->height,
                                     (int) af_image_buffer_get_stride (self), NULL, NULL);
  return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
}
