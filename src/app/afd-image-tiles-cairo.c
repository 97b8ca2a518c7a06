/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-tiles"

#include "config.h"

#include "afd-image-tiles-cairo.h"

/* One pixel in cairo's own word: A, R, G, B from the top byte down, premultiplied, on
 * any byte order. */
static inline guint32
cairo_pixel (const guchar *p,
             gboolean      alpha)
{
  guint a = alpha ? p[3] : 255;

  if (a == 255)
    return 0xff000000u | (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
  return (guint32) a << 24 | (guint32) ((p[0] * a + 127) / 255) << 16
         | (guint32) ((p[1] * a + 127) / 255) << 8 | (guint32) ((p[2] * a + 127) / 255);
}

cairo_surface_t *
afd_image_tiles_cut_cairo (GdkPixbuf *pixbuf,
                           int        x,
                           int        y,
                           int        size)
{
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  int bpp = alpha ? 4 : 3;
  int width = MIN (size, gdk_pixbuf_get_width (pixbuf) - x);
  int height = MIN (size, gdk_pixbuf_get_height (pixbuf) - y);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *source = gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * stride + (gsize) x * bpp;
  cairo_surface_t *tile = cairo_image_surface_create (alpha ? CAIRO_FORMAT_ARGB32
                                                            : CAIRO_FORMAT_RGB24, size, size);
  int tile_stride = cairo_image_surface_get_stride (tile);
  guchar *data = cairo_image_surface_get_data (tile);

  if (data == NULL)
    return tile;   /* out of memory: an error surface, which paints nothing */
  for (int i = 0; i < size; i++)
    {
      guint32 *out = (guint32 *) (data + (gsize) i * tile_stride);
      const guchar *in = source + (gsize) MIN (i, height - 1) * stride;

      for (int j = 0; j < width; j++)
        out[j] = cairo_pixel (in + (gsize) j * bpp, alpha);
      for (int j = width; j < size; j++)
        out[j] = out[width - 1];
    }
  cairo_surface_mark_dirty (tile);
  return tile;
}

/* A fill of the tile's rectangle, not a clip and a paint: GTK keeps a cairo node as a
 * recording, and cairo 1.16 replays a recorded command's clip against the clip of the
 * surface it replays onto (an opacity's group, the window's damage): where the two meet
 * nowhere although their extents overlap, it wrote into its read-only "all clipped"
 * clip and crashed (test-image-view's /image-view/group-clipped-apart). A command with
 * no clip of its own is clipped by the node's extents, which always meet the damage the
 * node is drawn for. */
void
afd_image_tiles_paint_cairo (cairo_t               *cr,
                             cairo_surface_t       *tile,
                             int                    size,
                             const graphene_rect_t *bounds)
{
  cairo_pattern_t *pattern;
  cairo_matrix_t to_tile;

  /* Under a pixel on screen: nothing to see, and no matrix onto the tile (an invalid
   * one would stop the node's whole drawing). */
  if (!(bounds->size.width > 0 && bounds->size.height > 0))
    return;
  pattern = cairo_pattern_create_for_surface (tile);
  cairo_matrix_init_scale (&to_tile, size / bounds->size.width, size / bounds->size.height);
  cairo_matrix_translate (&to_tile, -bounds->origin.x, -bounds->origin.y);
  cairo_pattern_set_matrix (pattern, &to_tile);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_BILINEAR);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width,
                   bounds->size.height);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
}
