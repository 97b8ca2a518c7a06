/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-ela-regions.c — areas of an ELA difference whose error stands out.
 *
 * A picture saved several times at one quality has settled: re-compressing it again
 * changes little, everywhere. A part pasted in later (never compressed, or compressed
 * differently) changes more. The error is averaged over blocks, blocks far above the
 * picture's typical block are grouped into connected areas, and each area's bounding box
 * is a region.
 */
#define G_LOG_DOMAIN "af-forensics"

#include "config.h"

#include <string.h>

#include "af-forensics-private.h"

#define BLOCK 16
/* A block stands out at this many times the median block error, and by this much. */
#define OUTLIER_RATIO 3.0
#define OUTLIER_MARGIN 3.0
/* An area must have this many blocks to be a region… */
#define MIN_REGION_BLOCKS 4
/* …and cover less than this share of the picture (more is the picture's own texture). */
#define MAX_REGION_SHARE 0.25

typedef struct
{
  int     columns;
  int     rows;
  float  *means;   /* (owned) per block: mean of the largest channel error */
} BlockGrid;

static void
block_means (AfImageBuffer *ela,
             BlockGrid     *grid)
{
  int width = af_image_buffer_get_width (ela);
  int height = af_image_buffer_get_height (ela);
  const guint8 *data = af_image_buffer_get_data (ela);
  gsize stride = af_image_buffer_get_stride (ela);
  g_autofree guint32 *counts = NULL;

  grid->columns = (width + BLOCK - 1) / BLOCK;
  grid->rows = (height + BLOCK - 1) / BLOCK;
  grid->means = g_new0 (float, (gsize) grid->columns * grid->rows);
  counts = g_new0 (guint32, (gsize) grid->columns * grid->rows);
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = data + (gsize) y * stride;
      gsize base = (gsize) (y / BLOCK) * grid->columns;

      for (int x = 0; x < width; x++)
        {
          const guint8 *p = row + 3 * x;

          grid->means[base + x / BLOCK] += MAX (p[0], MAX (p[1], p[2]));
          counts[base + x / BLOCK]++;
        }
    }
  for (gsize i = 0; i < (gsize) grid->columns * grid->rows; i++)
    grid->means[i] /= MAX (counts[i], 1);
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
           AfImageBuffer     *ela)
{
  AfImageRect *r = g_new (AfImageRect, 1);

  r->x = blocks->x * BLOCK;
  r->y = blocks->y * BLOCK;
  r->width = MIN (blocks->width * BLOCK, af_image_buffer_get_width (ela) - r->x);
  r->height = MIN (blocks->height * BLOCK, af_image_buffer_get_height (ela) - r->y);
  return r;
}

GPtrArray *
af_forensics_ela_regions (AfImageBuffer *ela)
{
  GPtrArray *regions = g_ptr_array_new_with_free_func (g_free);
  BlockGrid grid = { 0 };
  g_autofree guint8 *outlier = NULL;
  g_autofree guint8 *visited = NULL;
  gsize n;
  float threshold;

  block_means (ela, &grid);
  n = (gsize) grid.columns * grid.rows;
  threshold = MAX (median_of (&grid) * OUTLIER_RATIO, median_of (&grid) + OUTLIER_MARGIN);
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
        g_ptr_array_add (regions, to_pixels (&box, ela));
    }
  g_free (grid.means);
  g_ptr_array_sort (regions, by_area);
  return regions;
}
