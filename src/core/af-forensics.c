/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-forensics"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "af-file-check.h"
#include "af-forensics-private.h"
#include "af-jpeg.h"

G_DEFINE_QUARK (af-forensics-error-quark, af_forensics_error)

/* The side of the grey grid the thumbnail and the picture are compared on. */
#define THUMB_GRID 32

static AfImageBuffer *
buffer_from_pixbuf (GdkPixbuf  *pixbuf,
                    GError    **error)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gsize stride = (gsize) gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  AfImageBuffer *image = af_image_buffer_new (width, height);
  guint8 *out;

  if (image == NULL || channels < 3 || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      g_clear_pointer (&image, af_image_buffer_unref);
      g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                   _("The picture of %d × %d pixels cannot be decoded"), width, height);
      return NULL;
    }
  out = af_image_buffer_get_mutable_data (image);
  /* Transparency is dropped: the analyses look at the colours as stored. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      memcpy (out + ((gsize) y * width + x) * 3, pixels + y * stride + (gsize) x * channels, 3);
  return image;
}

static AfImageBuffer *
decode_with_pixbuf (GBytes        *bytes,
                    GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean ok = gdk_pixbuf_loader_write_bytes (loader, bytes, &local_error);
  GdkPixbuf *pixbuf;

  /* A loader must be closed even after a failed write. */
  ok = gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL) && ok;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (!ok || pixbuf == NULL)
    {
      g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                   _("The picture cannot be decoded: %s"),
                   local_error != NULL ? local_error->message : _("no image in the file"));
      return NULL;
    }
  return buffer_from_pixbuf (pixbuf, error);
}

static gboolean
check_is_image (GBytes      *bytes,
                AfFileType  *out_type,
                GError     **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  AfFileType type = af_file_sniff (data, length);

  if (type != AF_FILE_TYPE_JPEG && type != AF_FILE_TYPE_PNG && type != AF_FILE_TYPE_TIFF)
    {
      g_set_error_literal (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_NOT_AN_IMAGE,
                           _("This is not a JPEG, PNG or TIFF picture"));
      return FALSE;
    }
  *out_type = type;
  /* Sizes from the headers before any decoder runs: a bomb stops here. */
  return af_image_check_limits (data, length, AF_IMAGE_MAX_PIXELS, NULL, error);
}

AfImageBuffer *
af_forensics_decode (GBytes        *bytes,
                     GCancellable  *cancellable,
                     GError       **error)
{
  AfFileType type = AF_FILE_TYPE_UNKNOWN;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  g_return_val_if_fail (bytes != NULL, NULL);
  if (!check_is_image (bytes, &type, error))
    return NULL;
  if (type == AF_FILE_TYPE_JPEG)
    return af_jpeg_decode (data, length, cancellable, error);
  return decode_with_pixbuf (bytes, error);
}

int
af_forensics_jpeg_quality (GBytes *bytes)
{
  guint16 luma[64];
  guint16 chroma[64];
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  guint n_tables;

  if (af_file_sniff (data, length) != AF_FILE_TYPE_JPEG)
    return -1;
  n_tables = af_jpeg_read_tables (data, length, luma, chroma);
  if (n_tables == 0)
    return -1;
  return af_jpeg_estimate_quality (luma, n_tables > 1 ? chroma : NULL);
}

typedef struct
{
  AfImageBuffer *image;   /* (unowned) the original */
  AfImageBuffer *ela;     /* (unowned) the difference being filled */
} ElaRows;

static void
difference_row (int           y,
                const guint8 *row,
                gpointer      user_data)
{
  ElaRows *rows = user_data;
  gsize stride = af_image_buffer_get_stride (rows->image);
  const guint8 *original;
  guint8 *out;

  if (y >= af_image_buffer_get_height (rows->image))
    return;
  original = af_image_buffer_get_data (rows->image) + (gsize) y * stride;
  out = af_image_buffer_get_mutable_data (rows->ela) + (gsize) y * stride;
  for (gsize i = 0; i < stride; i++)
    out[i] = (guint8) ABS ((int) original[i] - (int) row[i]);
}

AfImageBuffer *
af_forensics_ela (AfImageBuffer  *image,
                  int             quality,
                  GCancellable   *cancellable,
                  GError        **error)
{
  g_autoptr(GBytes) recompressed = NULL;
  g_autoptr(AfImageBuffer) ela = NULL;
  ElaRows rows;
  gsize length = 0;
  const guint8 *data;

  if (quality < 1 || quality > 100)
    {
      g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_INVALID,
                   _("The ELA quality must be between 1 and 100, not %d"), quality);
      return NULL;
    }
  recompressed = af_jpeg_encode (image, quality, error);
  if (recompressed == NULL)
    return NULL;
  ela = af_image_buffer_new (af_image_buffer_get_width (image),
                             af_image_buffer_get_height (image));
  if (ela == NULL)
    {
      g_set_error_literal (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                           _("Not enough memory for the error level analysis"));
      return NULL;
    }
  rows.image = image;
  rows.ela = ela;
  data = g_bytes_get_data (recompressed, &length);
  if (!af_jpeg_decode_rows (data, length, cancellable, difference_row, &rows, NULL, NULL, error))
    return NULL;
  return g_steal_pointer (&ela);
}

AfImageBuffer *
af_forensics_ela_render (AfImageBuffer *difference,
                         double         gain)
{
  int width = af_image_buffer_get_width (difference);
  int height = af_image_buffer_get_height (difference);
  gsize size = af_image_buffer_get_stride (difference) * (gsize) height;
  const guint8 *in = af_image_buffer_get_data (difference);
  AfImageBuffer *out = af_image_buffer_new (width, height);
  guint8 lookup[256];
  guint8 *pixels;

  if (out == NULL)
    return NULL;
  for (guint i = 0; i < 256; i++)
    lookup[i] = (guint8) CLAMP (i * gain + 0.5, 0, 255);
  pixels = af_image_buffer_get_mutable_data (out);
  for (gsize i = 0; i < size; i++)
    pixels[i] = lookup[in[i]];
  return out;
}

/* The luma of @image averaged over a THUMB_GRID² grid covering @crop. */
static void
grey_grid (AfImageBuffer     *image,
           const AfImageRect *crop,
           double            *grid)
{
  const guint8 *data = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);
  double counts[THUMB_GRID * THUMB_GRID] = { 0 };

  memset (grid, 0, sizeof (double) * THUMB_GRID * THUMB_GRID);
  for (int y = crop->y; y < crop->y + crop->height; y++)
    {
      int gy = (y - crop->y) * THUMB_GRID / crop->height;

      for (int x = crop->x; x < crop->x + crop->width; x++)
        {
          const guint8 *p = data + (gsize) y * stride + (gsize) x * 3;
          int cell = gy * THUMB_GRID + (x - crop->x) * THUMB_GRID / crop->width;

          grid[cell] += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
          counts[cell] += 1;
        }
    }
  for (guint i = 0; i < THUMB_GRID * THUMB_GRID; i++)
    grid[i] = counts[i] > 0 ? grid[i] / counts[i] : 0;
}

static gboolean
row_is_black (AfImageBuffer *image,
              int            y,
              int            x0,
              int            x1)
{
  const guint8 *row = af_image_buffer_get_data (image) + (gsize) y * af_image_buffer_get_stride (image);

  for (int x = x0; x < x1; x++)
    if (row[3 * x] > 16 || row[3 * x + 1] > 16 || row[3 * x + 2] > 16)
      return FALSE;
  return TRUE;
}

static gboolean
column_is_black (AfImageBuffer *image,
                 int            x,
                 int            y0,
                 int            y1)
{
  const guint8 *data = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);

  for (int y = y0; y < y1; y++)
    {
      const guint8 *p = data + (gsize) y * stride + (gsize) x * 3;

      if (p[0] > 16 || p[1] > 16 || p[2] > 16)
        return FALSE;
    }
  return TRUE;
}

/* Cameras letterbox a 3:2 picture into a 160 × 120 thumbnail: the black bars go. */
static AfImageRect
trim_black_bars (AfImageBuffer *thumb)
{
  AfImageRect r = { 0, 0, af_image_buffer_get_width (thumb), af_image_buffer_get_height (thumb) };

  while (r.height > 8 && row_is_black (thumb, r.y, r.x, r.x + r.width))
    r.y++, r.height--;
  while (r.height > 8 && row_is_black (thumb, r.y + r.height - 1, r.x, r.x + r.width))
    r.height--;
  while (r.width > 8 && column_is_black (thumb, r.x, r.y, r.y + r.height))
    r.x++, r.width--;
  while (r.width > 8 && column_is_black (thumb, r.x + r.width - 1, r.y, r.y + r.height))
    r.width--;
  return r;
}

/* Normalised cross-correlation; two flat grids compare by their mean difference. */
static double
grid_similarity (const double *a,
                 const double *b)
{
  double mean_a = 0, mean_b = 0, cov = 0, var_a = 0, var_b = 0;
  guint n = THUMB_GRID * THUMB_GRID;

  for (guint i = 0; i < n; i++)
    mean_a += a[i] / n, mean_b += b[i] / n;
  for (guint i = 0; i < n; i++)
    {
      cov += (a[i] - mean_a) * (b[i] - mean_b);
      var_a += (a[i] - mean_a) * (a[i] - mean_a);
      var_b += (b[i] - mean_b) * (b[i] - mean_b);
    }
  if (var_a < n || var_b < n)
    return 1.0 - MIN (1.0, fabs (mean_a - mean_b) / 64.0);
  return cov / sqrt (var_a * var_b);
}

gboolean
af_forensics_compare_thumbnail (AfImageBuffer  *image,
                                GBytes         *thumbnail_bytes,
                                double         *out_similarity,
                                GError        **error)
{
  g_autoptr(AfImageBuffer) thumb = af_forensics_decode (thumbnail_bytes, NULL, error);
  double picture_grid[THUMB_GRID * THUMB_GRID];
  double thumb_grid[THUMB_GRID * THUMB_GRID];
  AfImageRect whole = { 0, 0, af_image_buffer_get_width (image),
                        af_image_buffer_get_height (image) };
  AfImageRect crop;

  if (thumb == NULL)
    return FALSE;
  crop = trim_black_bars (thumb);
  grey_grid (image, &whole, picture_grid);
  grey_grid (thumb, &crop, thumb_grid);
  *out_similarity = grid_similarity (picture_grid, thumb_grid);
  return TRUE;
}
