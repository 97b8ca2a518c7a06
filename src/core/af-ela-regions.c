/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-ela-regions.c — areas of an ELA difference whose error stands out.
 *
 * A picture saved several times at one quality has settled: re-compressing it again
 * changes little, everywhere. A part pasted in later (never compressed, or compressed
 * differently) changes more. The error is averaged over blocks, blocks far above the
 * picture's typical block are grouped into connected areas, and each area's bounding box
 * is a region.
 *
 * The regions are looked for at one fixed quality (AF_ELA_REGION_QUALITY), whatever the
 * quality of the ELA shown: re-compressing at the file's own high quality leaves errors
 * under a grey level, where rounding noise forms "regions" in untouched pictures. The
 * difference is summed per block as the re-compressed rows are decoded, never stored.
 */
#define G_LOG_DOMAIN "af-forensics"

#include "config.h"

#include <string.h>

#include "af-forensics-private.h"
#include "af-jpeg.h"

#define BLOCK 16
/* A block stands out at this many times the median block error, and by this much
 * (after averaging each block with its neighbours: one busy block is texture, an area
 * is a different history). */
#define OUTLIER_RATIO 2.5
#define OUTLIER_MARGIN 0.6
/* An area must have this many blocks to be a region… */
#define MIN_REGION_BLOCKS 12
/* …and cover less than this share of the picture (more is the picture's own texture). */
#define MAX_REGION_SHARE 0.25

typedef struct
{
  int     columns;
  int     rows;
  float  *means;   /* (owned) per block: mean of the largest channel error */
} BlockGrid;

typedef struct
{
  AfImageBuffer *image;    /* (unowned) the original */
  BlockGrid     *grid;
  guint32       *counts;   /* (owned) pixels per block */
} BlockSums;

/* One row of the re-compressed picture: each pixel's largest channel error added to its
 * block. The difference image itself is never stored. */
static void
add_row (int           y,
         const guint8 *row,
         gpointer      user_data)
{
  BlockSums *sums = user_data;
  int width = af_image_buffer_get_width (sums->image);
  const guint8 *original;
  gsize base;

  if (y >= af_image_buffer_get_height (sums->image))
    return;
  original = af_image_buffer_get_data (sums->image) + (gsize) y * af_image_buffer_get_stride (sums->image);
  base = (gsize) (y / BLOCK) * sums->grid->columns;
  for (int x = 0; x < width; x++)
    {
      const guint8 *a = original + 3 * x, *b = row + 3 * x;
      int error = MAX (ABS (a[0] - b[0]), MAX (ABS (a[1] - b[1]), ABS (a[2] - b[2])));

      sums->grid->means[base + x / BLOCK] += (float) error;
      sums->counts[base + x / BLOCK]++;
    }
}

static gboolean
block_means (AfImageBuffer  *image,
             int             quality,
             BlockGrid      *grid,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(GBytes) recompressed = af_jpeg_encode (image, quality, error);
  BlockSums sums = { image, grid, NULL };
  gsize n, length = 0;
  const guint8 *data;
  gboolean ok;

  if (recompressed == NULL)
    return FALSE;
  grid->columns = (af_image_buffer_get_width (image) + BLOCK - 1) / BLOCK;
  grid->rows = (af_image_buffer_get_height (image) + BLOCK - 1) / BLOCK;
  n = (gsize) grid->columns * grid->rows;
  grid->means = g_new0 (float, n);
  sums.counts = g_new0 (guint32, n);
  data = g_bytes_get_data (recompressed, &length);
  ok = af_jpeg_decode_rows (data, length, cancellable, add_row, &sums, NULL, NULL, error);
  for (gsize i = 0; i < n; i++)
    grid->means[i] /= MAX (sums.counts[i], 1);
  g_free (sums.counts);
  return ok;
}

/* Each block's mean with its 8 neighbours'. */
static void
smooth_blocks (BlockGrid *grid)
{
  gsize n = (gsize) grid->columns * grid->rows;
  g_autofree float *copy = g_memdup2 (grid->means, n * sizeof (float));

  for (int y = 0; y < grid->rows; y++)
    for (int x = 0; x < grid->columns; x++)
      {
        float sum = 0;
        int count = 0;

        for (int v = MAX (0, y - 1); v <= MIN (grid->rows - 1, y + 1); v++)
          for (int u = MAX (0, x - 1); u <= MIN (grid->columns - 1, x + 1); u++)
            sum += copy[(gsize) v * grid->columns + u], count++;
        grid->means[(gsize) y * grid->columns + x] = sum / count;
      }
}

static int
compare_floats (gconstpointer a,
                gconstpointer b)
{
  float fa = *(const float *) a;
  float fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

static float
median_of (const BlockGrid *grid)
{
  gsize n = (gsize) grid->columns * grid->rows;
  g_autofree float *copy = g_memdup2 (grid->means, n * sizeof (float));

  qsort (copy, n, sizeof (float), (int (*) (const void *, const void *)) compare_floats);
  return copy[n / 2];
}

/* Flood fill from @start over outlier blocks (4-neighbours), marking them visited; the
 * area's bounding box in blocks and its block count. */
static guint
flood (const guint8 *outlier,
       guint8       *visited,
       const BlockGrid *grid,
       gsize         start,
       AfImageRect  *box)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (gsize));
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;
  guint count = 0;

  g_array_append_val (stack, start);
  visited[start] = 1;
  while (stack->len > 0)
    {
      gsize i = g_array_index (stack, gsize, stack->len - 1);
      int x = (int) (i % grid->columns);
      int y = (int) (i / grid->columns);
      const int dx[] = { 1, -1, 0, 0 };
      const int dy[] = { 0, 0, 1, -1 };

      g_array_set_size (stack, stack->len - 1);
      count++;
      x0 = MIN (x0, x), y0 = MIN (y0, y), x1 = MAX (x1, x), y1 = MAX (y1, y);
      for (guint k = 0; k < 4; k++)
        {
          int nx = x + dx[k], ny = y + dy[k];
          gsize j = (gsize) ny * grid->columns + nx;

          if (nx < 0 || ny < 0 || nx >= grid->columns || ny >= grid->rows
              || !outlier[j] || visited[j])
            continue;
          visited[j] = 1;
          g_array_append_val (stack, j);
        }
    }
  *box = (AfImageRect) { x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
  return count;
}

static int
by_area (gconstpointer a,
         gconstpointer b)
{
  const AfImageRect *ra = *(AfImageRect **) a;
  const AfImageRect *rb = *(AfImageRect **) b;

  return rb->width * rb->height - ra->width * ra->height;
}

static AfImageRect *
to_pixels (const AfImageRect *blocks,
           AfImageBuffer     *image)
{
  AfImageRect *r = g_new (AfImageRect, 1);

  r->x = blocks->x * BLOCK;
  r->y = blocks->y * BLOCK;
  r->width = MIN (blocks->width * BLOCK, af_image_buffer_get_width (image) - r->x);
  r->height = MIN (blocks->height * BLOCK, af_image_buffer_get_height (image) - r->y);
  return r;
}

GPtrArray *
af_forensics_ela_regions (AfImageBuffer  *image,
                          int             quality,
                          GCancellable   *cancellable,
                          GError        **error)
{
  GPtrArray *regions = g_ptr_array_new_with_free_func (g_free);
  BlockGrid grid = { 0 };
  g_autofree guint8 *outlier = NULL;
  g_autofree guint8 *visited = NULL;
  gsize n;
  float threshold;

  if (!block_means (image, quality, &grid, cancellable, error))
    {
      g_free (grid.means);
      g_ptr_array_unref (regions);
      return NULL;
    }
  smooth_blocks (&grid);
  n = (gsize) grid.columns * grid.rows;
  threshold = MAX (median_of (&grid) * OUTLIER_RATIO, median_of (&grid) + OUTLIER_MARGIN);
  g_debug ("ELA block median %.2f, threshold %.2f", median_of (&grid), threshold);
  outlier = g_new0 (guint8, n);
  visited = g_new0 (guint8, n);
  for (gsize i = 0; i < n; i++)
    outlier[i] = grid.means[i] > threshold;
  for (gsize i = 0; i < n; i++)
    {
      AfImageRect box;
      guint count;

      if (!outlier[i] || visited[i])
        continue;
      count = flood (outlier, visited, &grid, i, &box);
      if (count >= MIN_REGION_BLOCKS && count < MAX_REGION_SHARE * n)
        g_ptr_array_add (regions, to_pixels (&box, image));
    }
  g_free (grid.means);
  g_ptr_array_sort (regions, by_area);
  return regions;
}
