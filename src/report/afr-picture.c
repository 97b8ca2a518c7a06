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

/* Hands cairo the JPEG as it is, which the PDF then holds without re-encoding it. */
static void
attach_jpeg (cairo_surface_t *surface,
             GBytes          *bytes)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (bytes, &length);

  if (cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, data, length,
                                   (cairo_destroy_func_t) g_bytes_unref,
                                   g_bytes_ref (bytes)) != CAIRO_STATUS_SUCCESS)
    g_bytes_unref (bytes);
}

typedef struct
{
  int      width;     /* the picture's own size */
  int      height;
  gboolean refused;   /* over AFR_PICTURE_MAX_PIXELS: never decoded */
} Size;

/* Before any pixel is decoded: refuse a decompression bomb, bring a large picture down. */
static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  Size *size = user_data;
  double scale;

  size->width = width;
  size->height = height;
  if ((gint64) width * height > AFR_PICTURE_MAX_PIXELS || width <= 0 || height <= 0)
    {
      size->refused = TRUE;
      gdk_pixbuf_loader_set_size (loader, 1, 1);
      return;
    }
  if (MAX (width, height) <= AFR_PICTURE_MAX_SIDE)
    return;
  scale = (double) AFR_PICTURE_MAX_SIDE / MAX (width, height);
  gdk_pixbuf_loader_set_size (loader, MAX (1, (int) (width * scale)), MAX (1, (int) (height * scale)));
}

static GdkPixbuf *
decode (GBytes   *bytes,
        Size     *size,
        char    **out_format,
        GError  **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) local_error = NULL;
  GdkPixbufFormat *format;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), size);
  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, &local_error) ||
      !gdk_pixbuf_loader_close (loader, &local_error) || size->refused)
    {
      if (!size->refused)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _("The picture is not an image this app can read."));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The picture is too large to include (%d × %d pixels)."),
                     size->width, size->height);
      return NULL;
    }
  format = gdk_pixbuf_loader_get_format (loader);
  *out_format = format != NULL ? gdk_pixbuf_format_get_name (format) : NULL;
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

cairo_surface_t *
afr_picture_load (GBytes  *bytes,
                  int     *out_width,
                  int     *out_height,
                  GError **error)
{
  Size size = { 0, 0, FALSE };
  g_autofree char *format = NULL;
  g_autoptr(GdkPixbuf) pixbuf = decode (bytes, &size, &format, error);
  g_autoptr(GdkPixbuf) oriented = NULL;
  cairo_surface_t *surface;

  if (pixbuf == NULL)
    return NULL;
  /* An EXIF orientation would turn the drawn picture away from the embedded JPEG. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  surface = surface_from_pixbuf (oriented);
  if (gdk_pixbuf_get_width (oriented) == size.width &&
      gdk_pixbuf_get_height (oriented) == size.height && g_strcmp0 (format, "jpeg") == 0)
    attach_jpeg (surface, bytes);
  if (out_width != NULL)
    *out_width = size.width;
  if (out_height != NULL)
    *out_height = size.height;
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
