/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <gexiv2/gexiv2.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "af-jpeg.h"
#include "forensics-images.h"

static double
hash_noise (int      x,
            int      y,
            guint32  seed)
{
  guint32 h = (guint32) x * 374761393u + (guint32) y * 668265263u + seed * 2246822519u;

  h = (h ^ (h >> 13)) * 1274126177u;
  return ((h ^ (h >> 16)) & 0xffff) / 65535.0;
}

/* Smoothly interpolated lattice noise at @period pixels. */
static double
value_noise (double   x,
             double   y,
             double   period,
             guint32  seed)
{
  double fx = x / period, fy = y / period;
  int ix = (int) floor (fx), iy = (int) floor (fy);
  double tx = fx - ix, ty = fy - iy;
  double a, b, c, d;

  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  a = hash_noise (ix, iy, seed);
  b = hash_noise (ix + 1, iy, seed);
  c = hash_noise (ix, iy + 1, seed);
  d = hash_noise (ix + 1, iy + 1, seed);
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

static double
fractal (double x, double y, guint32 seed)
{
  return 0.45 * value_noise (x, y, 48, seed) + 0.3 * value_noise (x, y, 17, seed + 1)
         + 0.15 * value_noise (x, y, 6, seed + 2) + 0.1 * value_noise (x, y, 2.5, seed + 3);
}

static void
put (AfImageBuffer *image, int x, int y, double r, double g, double b)
{
  guint8 *p = af_image_buffer_get_mutable_data (image)
              + (gsize) y * af_image_buffer_get_stride (image) + (gsize) x * 3;

  p[0] = (guint8) CLAMP (r, 0, 255);
  p[1] = (guint8) CLAMP (g, 0, 255);
  p[2] = (guint8) CLAMP (b, 0, 255);
}

static void
fill_fractal (AfImageBuffer *image, guint32 seed)
{
  for (int y = 0; y < af_image_buffer_get_height (image); y++)
    for (int x = 0; x < af_image_buffer_get_width (image); x++)
      put (image, x, y, 255 * fractal (x, y, seed), 255 * fractal (x, y, seed + 10),
           255 * fractal (x, y, seed + 20));
}

static void
fill_blobs (AfImageBuffer *image, guint32 seed)
{
  int w = af_image_buffer_get_width (image), h = af_image_buffer_get_height (image);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  int n = w * h / 900;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double n1 = 40 * hash_noise (x, y, seed);

        put (image, x, y, 100 + n1, 110 + n1, 90 + n1);
      }
  for (int i = 0; i < n; i++)
    {
      int cx = g_rand_int_range (rand, 0, w), cy = g_rand_int_range (rand, 0, h);
      int r = g_rand_int_range (rand, 4, 30);
      double cr = g_rand_double_range (rand, 0, 255), cg = g_rand_double_range (rand, 0, 255);
      double cb = g_rand_double_range (rand, 0, 255);

      for (int y = MAX (0, cy - r); y < MIN (h, cy + r); y++)
        for (int x = MAX (0, cx - r); x < MIN (w, cx + r); x++)
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r)
            put (image, x, y, cr + 30 * hash_noise (x, y, seed + 5), cg, cb);
    }
}

static void
fill_wood (AfImageBuffer *image, guint32 seed)
{
  int w = af_image_buffer_get_width (image), h = af_image_buffer_get_height (image);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double dx = x - w * 0.3, dy = (y - h * 0.6) * 3;
        double ring = sqrt (dx * dx + dy * dy) / 9 + 6 * fractal (x, y, seed);
        double v = 0.5 + 0.5 * sin (ring * G_PI) + 0.2 * hash_noise (x, y, seed);

        put (image, x, y, 120 + 90 * v, 70 + 60 * v, 30 + 30 * v);
      }
}

static void
fill_foliage (AfImageBuffer *image, guint32 seed)
{
  int w = af_image_buffer_get_width (image), h = af_image_buffer_get_height (image);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  int strokes = w * h / 60;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      put (image, x, y, 30, 60 + 60 * fractal (x, y, seed), 30);
  for (int i = 0; i < strokes; i++)
    {
      double x = g_rand_double_range (rand, 0, w), y = g_rand_double_range (rand, 0, h);
      double angle = g_rand_double_range (rand, 0, 2 * G_PI);
      double g = g_rand_double_range (rand, 60, 230);
      int length = g_rand_int_range (rand, 3, 12);

      for (int s = 0; s < length; s++)
        {
          int px = (int) (x + s * cos (angle)), py = (int) (y + s * sin (angle));

          if (px >= 0 && py >= 0 && px < w && py < h)
            put (image, px, py, g * 0.4, g, g * 0.3);
        }
    }
}

/* The top 40 % a smooth sky (a gradient with sensor-like noise of ±1), below a canvas
 * weave whose threads vary. */
static void
fill_canvas_sky (AfImageBuffer *image, guint32 seed)
{
  int w = af_image_buffer_get_width (image), h = af_image_buffer_get_height (image);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double n = hash_noise (x, y, seed) * 2 - 1;

        if (y < h * 2 / 5)
          put (image, x, y, 90 + 40.0 * y / h + n, 140 + 30.0 * y / h + n, 220 + n);
        else
          {
            double weave = ((x / 3 + y / 3) % 2 ? 20 : -20) * fractal (x, y, seed);
            double v = 150 + weave + 60 * (fractal (x, y, seed + 7) - 0.5);

            put (image, x, y, v, v * 0.9, v * 0.75);
          }
      }
}

AfImageBuffer *
forensics_texture (TextureKind kind,
                   int         width,
                   int         height,
                   guint32     seed)
{
  AfImageBuffer *image = af_image_buffer_new (width, height);

  switch (kind)
    {
    case TEXTURE_FRACTAL: fill_fractal (image, seed); break;
    case TEXTURE_BLOBS: fill_blobs (image, seed); break;
    case TEXTURE_WOOD: fill_wood (image, seed); break;
    case TEXTURE_FOLIAGE: fill_foliage (image, seed); break;
    case TEXTURE_CANVAS_SKY: fill_canvas_sky (image, seed); break;
    case N_TEXTURES: default: g_assert_not_reached ();
    }
  return image;
}

void
forensics_copy_region (AfImageBuffer     *image,
                       const AfImageRect *from,
                       int                to_x,
                       int                to_y)
{
  gsize stride = af_image_buffer_get_stride (image);
  guint8 *data = af_image_buffer_get_mutable_data (image);

  for (int y = 0; y < from->height; y++)
    memmove (data + (gsize) (to_y + y) * stride + (gsize) to_x * 3,
             data + (gsize) (from->y + y) * stride + (gsize) from->x * 3, (gsize) from->width * 3);
}

void
forensics_paste (AfImageBuffer *image,
                 AfImageBuffer *patch,
                 int            x,
                 int            y)
{
  gsize stride = af_image_buffer_get_stride (image);
  gsize patch_stride = af_image_buffer_get_stride (patch);

  for (int row = 0; row < af_image_buffer_get_height (patch); row++)
    memcpy (af_image_buffer_get_mutable_data (image) + (gsize) (y + row) * stride + (gsize) x * 3,
            af_image_buffer_get_data (patch) + (gsize) row * patch_stride, patch_stride);
}

GBytes *
forensics_jpeg (AfImageBuffer *image,
                int            quality)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = af_jpeg_encode (image, quality, &error);

  g_assert_no_error (error);
  return bytes;
}

AfImageBuffer *
forensics_resave (AfImageBuffer *image,
                  int            quality)
{
  g_autoptr(GBytes) bytes = forensics_jpeg (image, quality);
  g_autoptr(GError) error = NULL;
  AfImageBuffer *decoded = af_forensics_decode (bytes, NULL, &error);

  g_assert_no_error (error);
  return decoded;
}

AfImageBuffer *
forensics_reduce (AfImageBuffer *image,
                  int            width,
                  int            height)
{
  AfImageBuffer *out = af_image_buffer_new (width, height);
  int sw = af_image_buffer_get_width (image), sh = af_image_buffer_get_height (image);
  const guint8 *src = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double sum[3] = { 0, 0, 0 };
        int x0 = x * sw / width, x1 = (x + 1) * sw / width;
        int y0 = y * sh / height, y1 = (y + 1) * sh / height;
        int n = (x1 - x0) * (y1 - y0);

        for (int v = y0; v < y1; v++)
          for (int u = x0; u < x1; u++)
            for (int c = 0; c < 3; c++)
              sum[c] += src[(gsize) v * stride + (gsize) u * 3 + c];
        put (out, x, y, sum[0] / n, sum[1] / n, sum[2] / n);
      }
  return out;
}

static char *temp_folder;

void
forensics_remove_temp (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (temp_folder == NULL)
    return;
  dir = g_dir_open (temp_folder, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (temp_folder, name, NULL);

      g_remove (path);
    }
  g_rmdir (temp_folder);
  g_clear_pointer (&temp_folder, g_free);
}

char *
forensics_write_temp (GBytes     *bytes,
                      const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path;

  if (temp_folder == NULL)
    {
      temp_folder = g_dir_make_tmp ("af-forensics-XXXXXX", &error);
      g_assert_no_error (error);
    }
  path = g_build_filename (temp_folder, name, NULL);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);
  return path;
}

void
forensics_set_metadata (const char         *path,
                        const char * const *tags,
                        GBytes             *thumbnail)
{
  g_autoptr(GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr(GError) error = NULL;

  gexiv2_initialize ();
  gexiv2_metadata_open_path (metadata, path, &error);
  g_assert_no_error (error);
  for (guint i = 0; tags[i] != NULL; i += 2)
    {
      gexiv2_metadata_try_set_tag_string (metadata, tags[i], tags[i + 1], &error);
      g_assert_no_error (error);
    }
  if (thumbnail != NULL)
    {
      gexiv2_metadata_try_set_exif_thumbnail_from_buffer (metadata,
                                                          g_bytes_get_data (thumbnail, NULL),
                                                          (int) g_bytes_get_size (thumbnail),
                                                          &error);
      g_assert_no_error (error);
    }
  gexiv2_metadata_save_file (metadata, path, &error);
  g_assert_no_error (error);
}

GBytes *
forensics_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

double
forensics_iou (const AfImageRect *a,
               const AfImageRect *b)
{
  int x0 = MAX (a->x, b->x), y0 = MAX (a->y, b->y);
  int x1 = MIN (a->x + a->width, b->x + b->width), y1 = MIN (a->y + a->height, b->y + b->height);
  double inter = x1 > x0 && y1 > y0 ? (double) (x1 - x0) * (y1 - y0) : 0;

  return inter / ((double) a->width * a->height + (double) b->width * b->height - inter);
}
