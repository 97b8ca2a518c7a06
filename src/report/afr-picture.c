/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-picture"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <string.h>

#include "afr-picture.h"

static void
set_pixel (guint8 *out,
           guint   r,
           guint   g,
           guint   b,
           guint   a)
{
  /* CAIRO_FORMAT_ARGB32: native-endian 32-bit words, colour premultiplied by alpha. */
  guint32 word = (a << 24) | ((r * a / 255) << 16) | ((g * a / 255) << 8) | (b * a / 255);

  memcpy (out, &word, sizeof word);
}

static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int in_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *in = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guint8 *out = cairo_image_surface_get_data (surface);
  int out_stride = cairo_image_surface_get_stride (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = in + y * in_stride + x * channels;

        set_pixel (out + y * out_stride + x * 4, p[0], p[1], p[2], channels == 4 ? p[3] : 255);
      }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* Hands cairo the file's JPEG bytes, which the PDF then holds as they are. */
static void
attach_jpeg (cairo_surface_t *surface,
             const char      *path)
{
  char *bytes = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &bytes, &length, NULL))
    return;
  if (cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, (const guchar *) bytes,
                                   length, g_free, bytes) != CAIRO_STATUS_SUCCESS)
    g_free (bytes);
}

cairo_surface_t *
afr_picture_load (const char  *path,
                  int         *out_width,
                  int         *out_height,
                  GError     **error)
{
  int width = 0, height = 0;
  GdkPixbufFormat *format = gdk_pixbuf_get_file_info (path, &width, &height);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autofree char *format_name = NULL;
  gboolean whole;
  cairo_surface_t *surface;

  if (format == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The picture is not an image this app can read."));
      return NULL;
    }
  if ((gint64) width * height > AFR_PICTURE_MAX_PIXELS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The picture is too large to include (%d × %d pixels)."), width, height);
      return NULL;
    }
  whole = MAX (width, height) <= AFR_PICTURE_MAX_SIDE;
  pixbuf = whole ? gdk_pixbuf_new_from_file (path, error)
                 : gdk_pixbuf_new_from_file_at_size (path, AFR_PICTURE_MAX_SIDE,
                                                     AFR_PICTURE_MAX_SIDE, error);
  if (pixbuf == NULL)
    return NULL;
  /* An EXIF orientation would turn the drawn picture away from the embedded JPEG. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  surface = surface_from_pixbuf (oriented);
  format_name = gdk_pixbuf_format_get_name (format);
  if (whole && gdk_pixbuf_get_width (oriented) == width && g_strcmp0 (format_name, "jpeg") == 0)
    attach_jpeg (surface, path);
  if (out_width != NULL)
    *out_width = width;
  if (out_height != NULL)
    *out_height = height;
  return surface;
}

/* @surface drawn @scale (< 1) times its size onto a new surface. */
static cairo_surface_t *
scale_down (cairo_surface_t *surface,
            double           scale)
{
  int width = MAX (1, (int) (cairo_image_surface_get_width (surface) * scale));
  int height = MAX (1, (int) (cairo_image_surface_get_height (surface) * scale));
  cairo_surface_t *small = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (small);

  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return small;
}

cairo_surface_t *
afr_picture_from_rgb (const guint8 *pixels,
                      int           width,
                      int           height,
                      int           stride,
                      int           max_side)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  guint8 *out = cairo_image_surface_get_data (surface);
  int out_stride = cairo_image_surface_get_stride (surface);
  cairo_surface_t *small;

  cairo_surface_flush (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const guint8 *p = pixels + (gsize) y * stride + (gsize) x * 3;

        set_pixel (out + y * out_stride + x * 4, p[0], p[1], p[2], 255);
      }
  cairo_surface_mark_dirty (surface);
  if (MAX (width, height) <= max_side)
    return surface;
  small = scale_down (surface, (double) max_side / MAX (width, height));
  cairo_surface_destroy (surface);
  return small;
}
