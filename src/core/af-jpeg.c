/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-jpeg"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "af-file-check.h"
#include "af-forensics.h"
#include "af-jpeg.h"

/* libjpeg reports a fatal error through error_exit, which must not return: we jump
 * back to the call with the message kept for the GError. */
typedef struct
{
  struct jpeg_error_mgr       manager;
  struct jpeg_progress_mgr    progress;
  jmp_buf                     escape;
  char                        message[JMSG_LENGTH_MAX];
  GCancellable               *cancellable;   /* (unowned) (nullable) */
  gboolean                    cancelled;
} JpegGuard;

static void
guard_error_exit (j_common_ptr cinfo)
{
  JpegGuard *guard = (JpegGuard *) cinfo->err;

  guard->manager.format_message (cinfo, guard->message);
  longjmp (guard->escape, 1);
}

/* Warnings (extraneous bytes, a corrupt entropy segment) would go to stderr: kept quiet;
 * the picture is still decoded as libjpeg recovers it. */
static void
guard_output_message (j_common_ptr cinfo)
{
  char text[JMSG_LENGTH_MAX];

  cinfo->err->format_message (cinfo, text);
  g_debug ("libjpeg: %s", text);
}

/* Called between passes and every few rows: stops a cancelled decode, and a
 * progressive file with more scans than a real one has. */
static void
guard_progress (j_common_ptr cinfo)
{
  JpegGuard *guard = (JpegGuard *) cinfo->err;

  if (g_cancellable_is_cancelled (guard->cancellable))
    {
      guard->cancelled = TRUE;
      g_strlcpy (guard->message, "cancelled", sizeof guard->message);
      longjmp (guard->escape, 1);
    }
  if (!cinfo->is_decompressor)
    return;
  if (((j_decompress_ptr) cinfo)->input_scan_number > AF_JPEG_MAX_SCANS)
    {
      g_snprintf (guard->message, sizeof guard->message, "more than %d scans",
                  AF_JPEG_MAX_SCANS);
      longjmp (guard->escape, 1);
    }
}

static void
guard_init (JpegGuard    *guard,
            GCancellable *cancellable)
{
  memset (guard, 0, sizeof *guard);
  jpeg_std_error (&guard->manager);
  guard->manager.error_exit = guard_error_exit;
  guard->manager.output_message = guard_output_message;
  guard->progress.progress_monitor = guard_progress;
  guard->cancellable = cancellable;
}

static gboolean
guard_fail (JpegGuard  *guard,
            GError    **error)
{
  if (guard->cancelled)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
  else
    g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                 _("The JPEG cannot be decoded: %s"), guard->message);
  return FALSE;
}

/* libjpeg-turbo cannot convert CMYK to RGB itself. Adobe writes CMYK inverted
 * (0 = full ink), which is what photo software produces. */
static void
cmyk_to_rgb (const guint8 *cmyk,
             guint8       *rgb,
             int           width)
{
  for (int x = 0; x < width; x++)
    {
      guint k = cmyk[4 * x + 3];

      rgb[3 * x] = (guint8) (cmyk[4 * x] * k / 255);
      rgb[3 * x + 1] = (guint8) (cmyk[4 * x + 1] * k / 255);
      rgb[3 * x + 2] = (guint8) (cmyk[4 * x + 2] * k / 255);
    }
}

static gboolean
check_header_size (j_decompress_ptr   cinfo,
                   JpegGuard         *guard)
{
  guint64 pixels = (guint64) cinfo->image_width * cinfo->image_height;

  if (cinfo->image_width == 0 || cinfo->image_height == 0 || pixels > AF_IMAGE_MAX_PIXELS
      || cinfo->image_width > AF_IMAGE_MAX_SIDE || cinfo->image_height > AF_IMAGE_MAX_SIDE)
    {
      g_snprintf (guard->message, sizeof guard->message, "a size of %u × %u pixels",
                  cinfo->image_width, cinfo->image_height);
      return FALSE;
    }
  return TRUE;
}

/* The rows of the decoded picture go to @row_func one by one; @row is scratch space of
 * 4 × width bytes (allocated by the caller, who frees it even after a jump). */
static void
decode_scanlines (j_decompress_ptr  cinfo,
                  guint8          **scratch,
                  AfJpegRowFunc     row_func,
                  gpointer          user_data)
{
  gboolean cmyk = cinfo->out_color_space == JCS_CMYK;
  gsize width = cinfo->output_width;
  guint8 *rgb;
  JSAMPROW rows[1];

  *scratch = g_malloc ((cmyk ? 7 : 3) * width);
  rgb = *scratch;
  rows[0] = cmyk ? *scratch + 3 * width : rgb;
  while (cinfo->output_scanline < cinfo->output_height)
    {
      int y = (int) cinfo->output_scanline;

      jpeg_read_scanlines (cinfo, rows, 1);
      if (cmyk)
        cmyk_to_rgb (rows[0], rgb, (int) width);
      row_func (y, rgb, user_data);
    }
}

gboolean
af_jpeg_decode_rows (const guint8   *data,
                     gsize           length,
                     GCancellable   *cancellable,
                     AfJpegRowFunc   row_func,
                     gpointer        user_data,
                     int            *out_width,
                     int            *out_height,
                     GError        **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegGuard guard;
  guint8 *volatile scratch = NULL;

  guard_init (&guard, cancellable);
  cinfo.err = &guard.manager;
  jpeg_create_decompress (&cinfo);
  cinfo.progress = &guard.progress;
  if (setjmp (guard.escape) != 0)
    {
      g_free (scratch);
      jpeg_destroy_decompress (&cinfo);
      return guard_fail (&guard, error);
    }
  jpeg_mem_src (&cinfo, data, length);
  jpeg_read_header (&cinfo, TRUE);
  if (!check_header_size (&cinfo, &guard))
    longjmp (guard.escape, 1);
  cinfo.out_color_space = (cinfo.jpeg_color_space == JCS_CMYK
                           || cinfo.jpeg_color_space == JCS_YCCK) ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  if (out_width != NULL)
    *out_width = (int) cinfo.output_width;
  if (out_height != NULL)
    *out_height = (int) cinfo.output_height;
  decode_scanlines (&cinfo, (guint8 **) &scratch, row_func, user_data);
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (scratch);
  return TRUE;
}

typedef struct
{
  AfImageBuffer *image;   /* (nullable) until the size is known */
  int            width;
} DecodeTarget;

typedef struct
{
  guint16 tables[2][64];
  guint   n_tables;
} QuantTables;

static void
copy_tables (j_decompress_ptr  cinfo,
             QuantTables      *out)
{
  out->n_tables = 0;
  for (guint t = 0; t < 2; t++)
    {
      if (cinfo->quant_tbl_ptrs[t] == NULL)
        break;
      /* libjpeg keeps quantval in natural (row-major) order. */
      for (guint i = 0; i < 64; i++)
        out->tables[t][i] = cinfo->quant_tbl_ptrs[t]->quantval[i];
      out->n_tables++;
    }
}

/* The size (checked against the limits) and, when @tables is not NULL, the
 * quantisation tables, from the header alone. */
static gboolean
read_header (const guint8  *data,
             gsize          length,
             int           *out_width,
             int           *out_height,
             QuantTables   *tables,
             GError       **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegGuard guard;

  guard_init (&guard, NULL);
  cinfo.err = &guard.manager;
  jpeg_create_decompress (&cinfo);
  if (setjmp (guard.escape) != 0)
    {
      jpeg_destroy_decompress (&cinfo);
      return guard_fail (&guard, error);
    }
  jpeg_mem_src (&cinfo, data, length);
  jpeg_read_header (&cinfo, TRUE);
  if (!check_header_size (&cinfo, &guard))
    longjmp (guard.escape, 1);
  *out_width = (int) cinfo.image_width;
  *out_height = (int) cinfo.image_height;
  if (tables != NULL)
    copy_tables (&cinfo, tables);
  jpeg_destroy_decompress (&cinfo);
  return TRUE;
}

static void
copy_row (int           y,
          const guint8 *row,
          gpointer      user_data)
{
  DecodeTarget *target = user_data;
  gsize stride = af_image_buffer_get_stride (target->image);

  if (y >= af_image_buffer_get_height (target->image))
    return;
  memcpy (af_image_buffer_get_mutable_data (target->image) + (gsize) y * stride, row, stride);
}

/* Reads the header once to allocate the picture, then decodes into it. */
AfImageBuffer *
af_jpeg_decode (const guint8  *data,
                gsize          length,
                GCancellable  *cancellable,
                GError       **error)
{
  DecodeTarget target = { NULL, 0 };
  int width = 0;
  int height = 0;

  if (!read_header (data, length, &width, &height, NULL, error))
    return NULL;
  target.image = af_image_buffer_new (width, height);
  if (target.image == NULL)
    {
      g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                   _("Not enough memory to decode a picture of %d × %d pixels"), width, height);
      return NULL;
    }
  if (!af_jpeg_decode_rows (data, length, cancellable, copy_row, &target, &width, &height,
                            error))
    {
      af_image_buffer_unref (target.image);
      return NULL;
    }
  return target.image;
}

guint
af_jpeg_read_tables (const guint8 *data,
                     gsize         length,
                     guint16       luma[64],
                     guint16       chroma[64])
{
  QuantTables tables = { 0 };
  int width;
  int height;

  if (length < 4 || data[0] != 0xff || data[1] != 0xd8)
    return 0;
  if (!read_header (data, length, &width, &height, &tables, NULL))
    return 0;
  if (tables.n_tables > 0)
    memcpy (luma, tables.tables[0], sizeof tables.tables[0]);
  if (tables.n_tables > 1)
    memcpy (chroma, tables.tables[1], sizeof tables.tables[1]);
  return tables.n_tables;
}

/* The IJG standard tables (ITU-T T.81 Annex K), natural order. */
static const guint8 std_luma[64] = {
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
};

static const guint8 std_chroma[64] = {
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
};

/* libjpeg's jpeg_quality_scaling and jpeg_add_quant_table, baseline (≤ 255). */
static guint
scaled_entry (guint8 base,
              int    quality)
{
  long scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
  long value = ((long) base * scale + 50) / 100;

  return (guint) CLAMP (value, 1, 255);
}

static double
table_distance (const guint16 *table,
                const guint8  *standard,
                int            quality)
{
  double sum = 0;

  for (guint i = 0; i < 64; i++)
    sum += ABS ((double) table[i] - (double) scaled_entry (standard[i], quality));
  return sum;
}

int
af_jpeg_estimate_quality (const guint16  luma[64],
                          const guint16 *chroma)
{
  double best_distance = G_MAXDOUBLE;
  int best = 0;

  for (int quality = 1; quality <= 100; quality++)
    {
      double distance = table_distance (luma, std_luma, quality);

      if (chroma != NULL)
        distance += table_distance (chroma, std_chroma, quality);
      /* Ties go to the higher quality: at the top of the scale several give all ones. */
      if (distance <= best_distance)
        {
          best_distance = distance;
          best = quality;
        }
    }
  return best;
}

static void
encode_rows (j_compress_ptr  cinfo,
             AfImageBuffer  *image)
{
  const guint8 *data = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);

  while (cinfo->next_scanline < cinfo->image_height)
    {
      JSAMPROW row = (JSAMPROW) (data + (gsize) cinfo->next_scanline * stride);

      jpeg_write_scanlines (cinfo, &row, 1);
    }
}

GBytes *
af_jpeg_encode (AfImageBuffer  *image,
                int             quality,
                GError        **error)
{
  struct jpeg_compress_struct cinfo;
  JpegGuard guard;
  unsigned char *volatile buffer = NULL;
  unsigned long size = 0;

  guard_init (&guard, NULL);
  cinfo.err = &guard.manager;
  jpeg_create_compress (&cinfo);
  if (setjmp (guard.escape) != 0)
    {
      jpeg_destroy_compress (&cinfo);
      free (buffer);
      return guard_fail (&guard, error), NULL;
    }
  jpeg_mem_dest (&cinfo, (unsigned char **) &buffer, &size);
  cinfo.image_width = (JDIMENSION) af_image_buffer_get_width (image);
  cinfo.image_height = (JDIMENSION) af_image_buffer_get_height (image);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (quality, 1, 100), TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  encode_rows (&cinfo, image);
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  /* jpeg_mem_dest allocates with malloc: hand it to GBytes with free. */
  return g_bytes_new_with_free_func (buffer, size, free, buffer);
}

GBytes *
af_jpeg_read_icc_profile (const guint8 *data,
                          gsize         length)
{
  struct jpeg_decompress_struct cinfo;
  JpegGuard guard;
  JOCTET *volatile profile = NULL;
  unsigned int size = 0;
  GBytes *volatile bytes = NULL;

  if (length < 4 || data[0] != 0xff || data[1] != 0xd8)
    return NULL;
  guard_init (&guard, NULL);
  cinfo.err = &guard.manager;
  jpeg_create_decompress (&cinfo);
  if (setjmp (guard.escape) != 0)
    {
      free (profile);
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }
  jpeg_mem_src (&cinfo, data, length);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_read_header (&cinfo, TRUE);
  if (jpeg_read_icc_profile (&cinfo, (JOCTET **) &profile, &size) && profile != NULL)
    bytes = g_bytes_new (profile, size);
  free (profile);
  jpeg_destroy_decompress (&cinfo);
  return bytes;
}
