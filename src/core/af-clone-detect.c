/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-clone-detect.c — copy-move detection: a region of the picture pasted elsewhere in
 * the same picture.
 *
 * The picture is reduced to grey at about a megapixel. At EVERY pixel position (not on
 * the 8 × 8 JPEG grid, so a copy moved by any amount is seen) a 16 × 16 block is
 * described by its 4 × 4 sub-block means: a re-save's quantisation noise mostly averages
 * out of them. Blocks without texture once a plane is fitted away (sky, a gradient,
 * primed canvas) are never compared: anything matches a flat area.
 *
 * Similar blocks are brought together by sorting on a coarse key (the four quadrant
 * means, quantised, in two passes with the bins offset by half a bin so that a value near
 * a bin's edge is not lost), and each pair that matches closely votes for its shift.
 * Shifts with enough votes are then verified densely: every textured block is compared
 * with the block at that shift, the matching blocks are grouped, and a group large
 * enough, yet not spread over the whole picture (a repetitive texture), is a copy.
 */
#define G_LOG_DOMAIN "af-clone-detect"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "af-forensics.h"

/* The grey picture analysed has about this many pixels (the original is reduced by an
 * integer factor, box-filtered). */
#define WORK_PIXELS 1000000
#define BLOCK 16
#define CELL 4               /* sub-block side: BLOCK / 4 */
#define N_FEATURES 16
/* A block is textured when its sub-block means depart from a fitted plane by this much
 * (RMS, grey levels). */
#define MIN_TEXTURE 4.0
/* Once a shift is established by textured blocks, blocks with this much texture may
 * join the copy's region (a copied area has smoother parts too). */
#define DENSE_TEXTURE 1.5
#define TEXTURE_SCALE 8.0
/* The coarse key's bin, in grey levels. */
#define KEY_BIN 8
/* How many neighbours in sorted order each block is compared with. */
#define SORT_WINDOW 24
/* Two blocks match when no sub-block mean differs by more than this (a re-save moves
 * them by a few levels)… */
#define MATCH_VOTE 4
#define MATCH_DENSE 6
/* …and they do not overlap. */
#define MIN_SHIFT BLOCK
/* Shifts with fewer votes are not verified; at most this many are. */
#define MIN_VOTES 8
#define MAX_CANDIDATES 8
/* A copy is at least this many matching block positions, grouped… */
#define MIN_GROUP 48
/* …and the matches cover at most this share of the textured blocks. */
#define MAX_MATCH_SHARE 0.2
/* The median over a copy's squares of colour difference / own deviation (colour_ratio). */
#define MAX_COLOUR_RATIO 0.8
#define COLOUR_FLOOR 2.0

typedef struct
{
  int     width;
  int     height;
  int     scale;       /* original pixels per work pixel */
  guint8 *grey;        /* (owned) width × height */
} WorkImage;

typedef struct
{
  int      columns;    /* block positions: width - BLOCK + 1 */
  int      rows;
  guint8  *features;   /* (owned) N_FEATURES per position */
  guint8  *texture;    /* (owned) per position: plane residual × TEXTURE_SCALE, clamped */
  guint8  *textured;   /* (owned) per position: texture ≥ MIN_TEXTURE */
  gsize    n_textured;
} BlockField;

typedef struct
{
  guint32 key;
  guint32 position;
} SortEntry;

typedef struct
{
  int dx;
  int dy;
  int votes;
} Shift;

static void
work_image_clear (WorkImage *work)
{
  g_clear_pointer (&work->grey, g_free);
}

static void
block_field_clear (BlockField *field)
{
  g_clear_pointer (&field->features, g_free);
  g_clear_pointer (&field->texture, g_free);
  g_clear_pointer (&field->textured, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (WorkImage, work_image_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BlockField, block_field_clear)

/* Grey, reduced by an integer factor so that the work picture holds about WORK_PIXELS. */
static void
make_work_image (AfImageBuffer *image,
                 WorkImage     *work)
{
  int width = af_image_buffer_get_width (image);
  int height = af_image_buffer_get_height (image);
  const guint8 *data = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);
  int s = (int) ceil (sqrt ((double) width * height / WORK_PIXELS));

  work->scale = MAX (s, 1);
  work->width = width / work->scale;
  work->height = height / work->scale;
  work->grey = g_new0 (guint8, (gsize) MAX (work->width, 1) * MAX (work->height, 1));
  for (int y = 0; y < work->height; y++)
    for (int x = 0; x < work->width; x++)
      {
        guint sum = 0;

        for (int v = 0; v < work->scale; v++)
          {
            const guint8 *p = data + (gsize) (y * work->scale + v) * stride
                              + (gsize) x * work->scale * 3;

            for (int u = 0; u < work->scale; u++, p += 3)
              sum += (77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8;
          }
        work->grey[(gsize) y * work->width + x] = (guint8) (sum / (guint) (work->scale * work->scale));
      }
}

/* Summed-area table with a zero first row and column. */
static guint32 *
integral_image (const WorkImage *work)
{
  gsize w1 = (gsize) work->width + 1;
  guint32 *sums = g_new0 (guint32, w1 * (work->height + 1));

  for (int y = 0; y < work->height; y++)
    {
      guint32 row = 0;

      for (int x = 0; x < work->width; x++)
        {
          row += work->grey[(gsize) y * work->width + x];
          sums[(y + 1) * w1 + x + 1] = sums[y * w1 + x + 1] + row;
        }
    }
  return sums;
}

/* RMS departure of the 4 × 4 means from their least-squares plane. */
static double
plane_residual (const double *m)
{
  double mean = 0, slope_x = 0, slope_y = 0, residual = 0;

  for (int i = 0; i < N_FEATURES; i++)
    {
      mean += m[i] / N_FEATURES;
      slope_x += m[i] * (i % 4 - 1.5) / 20.0;   /* Σ (i - 1.5)² over 16 cells = 20 */
      slope_y += m[i] * (i / 4 - 1.5) / 20.0;
    }
  for (int i = 0; i < N_FEATURES; i++)
    {
      double fit = mean + slope_x * (i % 4 - 1.5) + slope_y * (i / 4 - 1.5);

      residual += (m[i] - fit) * (m[i] - fit);
    }
  return sqrt (residual / N_FEATURES);
}

static void
describe_block (const guint32 *sums,
                gsize          w1,
                int            x,
                int            y,
                guint8        *features,
                guint8        *texture)
{
  double m[N_FEATURES];

  for (int i = 0; i < N_FEATURES; i++)
    {
      gsize x0 = (gsize) x + (i % 4) * CELL, y0 = (gsize) y + (i / 4) * CELL;
      guint32 s = sums[(y0 + CELL) * w1 + x0 + CELL] - sums[y0 * w1 + x0 + CELL]
                  - sums[(y0 + CELL) * w1 + x0] + sums[y0 * w1 + x0];

      m[i] = s / (double) (CELL * CELL);
      features[i] = (guint8) (m[i] + 0.5);
    }
  *texture = (guint8) MIN (255.0, plane_residual (m) * TEXTURE_SCALE);
}

static gboolean
describe_blocks (const WorkImage *work,
                 BlockField      *field,
                 GCancellable    *cancellable)
{
  g_autofree guint32 *sums = integral_image (work);
  gsize w1 = (gsize) work->width + 1;
  gsize n;

  field->columns = work->width - BLOCK + 1;
  field->rows = work->height - BLOCK + 1;
  n = (gsize) field->columns * field->rows;
  field->features = g_new (guint8, n * N_FEATURES);
  field->texture = g_new0 (guint8, n);
  field->textured = g_new0 (guint8, n);
  for (int y = 0; y < field->rows; y++)
    {
      if ((y & 63) == 0 && g_cancellable_is_cancelled (cancellable))
        return FALSE;
      for (int x = 0; x < field->columns; x++)
        {
          gsize p = (gsize) y * field->columns + x;

          describe_block (sums, w1, x, y, field->features + p * N_FEATURES, &field->texture[p]);
          field->textured[p] = field->texture[p] >= MIN_TEXTURE * TEXTURE_SCALE;
          field->n_textured += field->textured[p];
        }
    }
  return TRUE;
}

/* The four quadrant means, each in bins of KEY_BIN shifted by @offset. */
static guint32
coarse_key (const guint8 *f,
            int           offset)
{
  guint32 key = 0;

  for (int q = 0; q < 4; q++)
    {
      int qx = (q % 2) * 2, qy = (q / 2) * 2;
      int sum = f[qy * 4 + qx] + f[qy * 4 + qx + 1] + f[(qy + 1) * 4 + qx] + f[(qy + 1) * 4 + qx + 1];

      key = (key << 8) | (guint32) ((sum / 4 + offset) / KEY_BIN);
    }
  return key;
}

static int
compare_entries (const void *a,
                 const void *b)
{
  const SortEntry *ea = a, *eb = b;

  if (ea->key != eb->key)
    return ea->key < eb->key ? -1 : 1;
  return ea->position < eb->position ? -1 : ea->position > eb->position;
}

static gboolean
features_match (const guint8 *a,
                const guint8 *b,
                int           tolerance)
{
  for (int i = 0; i < N_FEATURES; i++)
    if (ABS ((int) a[i] - (int) b[i]) > tolerance)
      return FALSE;
  return TRUE;
}

/* A shift and its opposite are the same copy: counted with dx > 0 (or dx = 0, dy > 0). */
static guint32
shift_key (int dx,
           int dy)
{
  if (dx < 0 || (dx == 0 && dy < 0))
    dx = -dx, dy = -dy;
  return ((guint32) (dx + 32768) << 16) | (guint32) (dy + 32768);
}

static void
vote_pair (const BlockField *field,
           guint32           a,
           guint32           b,
           GHashTable       *votes)
{
  int dx = (int) (b % field->columns) - (int) (a % field->columns);
  int dy = (int) (b / field->columns) - (int) (a / field->columns);
  gpointer key;

  if (MAX (ABS (dx), ABS (dy)) < MIN_SHIFT)
    return;
  if (!features_match (field->features + (gsize) a * N_FEATURES,
                       field->features + (gsize) b * N_FEATURES, MATCH_VOTE))
    return;
  key = GUINT_TO_POINTER (shift_key (dx, dy));
  g_hash_table_insert (votes, key,
                       GINT_TO_POINTER (GPOINTER_TO_INT (g_hash_table_lookup (votes, key)) + 1));
}

static void
vote_pass (const BlockField *field,
           SortEntry        *entries,
           gsize             n_entries,
           int               offset,
           GHashTable       *votes)
{
  for (gsize i = 0; i < n_entries; i++)
    entries[i].key = coarse_key (field->features + (gsize) entries[i].position * N_FEATURES,
                                 offset);
  qsort (entries, n_entries, sizeof (SortEntry), compare_entries);
  for (gsize i = 0; i < n_entries; i++)
    for (gsize j = i + 1; j < n_entries && j <= i + SORT_WINDOW; j++)
      {
        if (entries[j].key != entries[i].key)
          break;
        vote_pair (field, entries[i].position, entries[j].position, votes);
      }
}

static GHashTable *
collect_votes (const BlockField *field,
               GCancellable     *cancellable)
{
  GHashTable *votes = g_hash_table_new (NULL, NULL);
  gsize n = (gsize) field->columns * field->rows;
  g_autofree SortEntry *entries = g_new (SortEntry, MAX (field->n_textured, 1));
  gsize n_entries = 0;

  for (gsize p = 0; p < n; p++)
    if (field->textured[p])
      entries[n_entries++].position = (guint32) p;
  for (int pass = 0; pass < 2 && !g_cancellable_is_cancelled (cancellable); pass++)
    vote_pass (field, entries, n_entries, pass * KEY_BIN / 2, votes);
  return votes;
}

static int
compare_shifts (const void *a,
                const void *b)
{
  return ((const Shift *) b)->votes - ((const Shift *) a)->votes;
}

/* The best-voted shifts, each at least 3 pixels from a better one (a copy moved by a
 * non-integer amount after reduction splits its votes between neighbours). */
static GArray *
candidate_shifts (GHashTable *votes)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (Shift));
  GArray *chosen = g_array_new (FALSE, FALSE, sizeof (Shift));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, votes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 k = GPOINTER_TO_UINT (key);
      Shift s = { (int) (k >> 16) - 32768, (int) (k & 0xffff) - 32768, GPOINTER_TO_INT (value) };

      if (s.votes >= MIN_VOTES)
        g_array_append_val (all, s);
    }
  g_array_sort (all, compare_shifts);
  for (guint i = 0; i < all->len && chosen->len < MAX_CANDIDATES; i++)
    {
      Shift *s = &g_array_index (all, Shift, i);
      gboolean near = FALSE;

      for (guint j = 0; j < chosen->len && !near; j++)
        {
          Shift *c = &g_array_index (chosen, Shift, j);

          near = ABS (c->dx - s->dx) <= 2 && ABS (c->dy - s->dy) <= 2;
        }
      if (!near)
        g_array_append_val (chosen, *s);
    }
  g_array_unref (all);
  return chosen;
}

/* Dense verification runs on every other position in each direction. */
#define DENSE_STEP 2

typedef struct
{
  int     columns;
  int     rows;
  guint8 *match;     /* (owned) per DENSE_STEP position */
} MatchMap;

static gsize
dense_matches (const BlockField *field,
               const Shift      *shift,
               MatchMap         *map)
{
  gsize total = 0;

  map->columns = (field->columns + DENSE_STEP - 1) / DENSE_STEP;
  map->rows = (field->rows + DENSE_STEP - 1) / DENSE_STEP;
  map->match = g_new0 (guint8, (gsize) map->columns * map->rows);
  for (int y = 0; y < field->rows; y += DENSE_STEP)
    for (int x = 0; x < field->columns; x += DENSE_STEP)
      {
        gsize p = (gsize) y * field->columns + x;
        int tx = x + shift->dx, ty = y + shift->dy;
        gsize q;

        if (field->texture[p] < DENSE_TEXTURE * TEXTURE_SCALE || tx < 0 || ty < 0 || tx >= field->columns || ty >= field->rows)
          continue;
        q = (gsize) ty * field->columns + tx;
        if (!features_match (field->features + p * N_FEATURES, field->features + q * N_FEATURES,
                             MATCH_DENSE))
          continue;
        map->match[(gsize) (y / DENSE_STEP) * map->columns + x / DENSE_STEP] = 1;
        total++;
      }
  return total;
}

/* One group of matching positions (8-neighbours), cleared from the map as it is read;
 * its bounding box in positions and its size. */
static guint
take_group (MatchMap    *map,
            gsize        start,
            AfImageRect *box)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (gsize));
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;
  guint count = 0;

  map->match[start] = 0;
  g_array_append_val (stack, start);
  while (stack->len > 0)
    {
      gsize i = g_array_index (stack, gsize, stack->len - 1);
      int x = (int) (i % map->columns), y = (int) (i / map->columns);

      g_array_set_size (stack, stack->len - 1);
      count++;
      x0 = MIN (x0, x), y0 = MIN (y0, y), x1 = MAX (x1, x), y1 = MAX (y1, y);
      for (int v = -1; v <= 1; v++)
        for (int u = -1; u <= 1; u++)
          {
            int nx = x + u, ny = y + v;
            gsize j = (gsize) ny * map->columns + nx;

            if (nx < 0 || ny < 0 || nx >= map->columns || ny >= map->rows || !map->match[j])
              continue;
            map->match[j] = 0;
            g_array_append_val (stack, j);
          }
    }
  *box = (AfImageRect) { x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
  return count;
}

/* A group's box in positions to the region its blocks cover, in original pixels. */
static AfImageRect
group_region (const AfImageRect *box,
              int                scale)
{
  AfImageRect r;

  r.x = box->x * DENSE_STEP * scale;
  r.y = box->y * DENSE_STEP * scale;
  r.width = ((box->width - 1) * DENSE_STEP + BLOCK) * scale;
  r.height = ((box->height - 1) * DENSE_STEP + BLOCK) * scale;
  return r;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

/* For the square of @side pixels at (@x, @y): the mean absolute RGB difference with the
 * square at (@x + @dx, @y + @dy), over the square's own mean absolute deviation (plus a
 * little, for flat squares). A copy re-saved keeps this well under 1; two areas that
 * only share a grey level have colours apart, and are at or above it. */
static double
colour_ratio (AfImageBuffer *image,
              int            x,
              int            y,
              int            dx,
              int            dy,
              int            side)
{
  const guint8 *data = af_image_buffer_get_data (image);
  gsize stride = af_image_buffer_get_stride (image);
  double mean[3] = { 0, 0, 0 };
  double difference = 0, deviation = 0;
  double n = (double) side * side;

  for (int v = 0; v < side; v++)
    for (int i = 0; i < side * 3; i++)
      mean[i % 3] += data[(gsize) (y + v) * stride + (gsize) x * 3 + i] / n;
  for (int v = 0; v < side; v++)
    {
      const guint8 *a = data + (gsize) (y + v) * stride + (gsize) x * 3;
      const guint8 *b = data + (gsize) (y + v + dy) * stride + (gsize) (x + dx) * 3;

      for (int i = 0; i < side * 3; i++)
        {
          difference += ABS ((int) a[i] - (int) b[i]);
          deviation += fabs (a[i] - mean[i % 3]);
        }
    }
  return (difference / (3 * n)) / (deviation / (3 * n) + COLOUR_FLOOR);
}

/* The grey features only say the two regions look alike in grey: a copy is alike in
 * colour too, up to a re-save's noise, on most of its squares (the median), while two
 * areas that merely share a grey level are not. */
static gboolean
colours_agree (AfImageBuffer     *image,
               const AfImageRect *source,
               int                dx,
               int                dy,
               int                side)
{
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  double median;

  for (int y = source->y; y + side <= source->y + source->height; y += side)
    for (int x = source->x; x + side <= source->x + source->width; x += side)
      {
        double r = colour_ratio (image, x, y, dx, dy, side);

        g_array_append_val (ratios, r);
      }
  if (ratios->len == 0)
    return FALSE;
  g_array_sort (ratios, compare_doubles);
  median = g_array_index (ratios, double, ratios->len / 2);
  g_debug ("median colour ratio %.2f", median);
  return median <= MAX_COLOUR_RATIO;
}

static void
verify_shift (AfImageBuffer    *image,
              const BlockField *field,
              const Shift      *shift,
              int               scale,
              GPtrArray        *pairs)
{
  MatchMap map = { 0 };
  gsize total = dense_matches (field, shift, &map);

  g_debug ("shift %d,%d: %d votes, %" G_GSIZE_FORMAT " dense matches", shift->dx, shift->dy,
           shift->votes, total);
  /* Matches all over the picture: a repetitive texture, not a pasted region. */
  if (total < MIN_GROUP
      || total > MAX_MATCH_SHARE * field->n_textured / (DENSE_STEP * DENSE_STEP))
    {
      g_free (map.match);
      return;
    }
  for (gsize i = 0; i < (gsize) map.columns * map.rows; i++)
    {
      AfImageRect box;
      AfImageRect region;
      guint count;
      AfClonePair *pair;

      if (!map.match[i])
        continue;
      count = take_group (&map, i, &box);
      if (count < MIN_GROUP)
        continue;
      region = group_region (&box, scale);
      g_debug ("group of %u at %d,%d %dx%d", count, region.x, region.y, region.width,
               region.height);
      if (!colours_agree (image, &region, shift->dx * scale, shift->dy * scale, BLOCK * scale / 2))
        continue;
      pair = g_new0 (AfClonePair, 1);
      pair->source = region;
      pair->target = pair->source;
      pair->target.x += shift->dx * scale;
      pair->target.y += shift->dy * scale;
      pair->match = MIN (1.0, (double) count / (box.width * box.height));
      g_ptr_array_add (pairs, pair);
    }
  g_free (map.match);
}

static int
by_size (gconstpointer a,
         gconstpointer b)
{
  const AfClonePair *pa = *(AfClonePair **) a;
  const AfClonePair *pb = *(AfClonePair **) b;

  return pb->source.width * pb->source.height - pa->source.width * pa->source.height;
}

GPtrArray *
af_forensics_find_clones (AfImageBuffer  *image,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_auto(WorkImage) work = { 0 };
  g_auto(BlockField) field = { 0 };
  g_autoptr(GHashTable) votes = NULL;
  g_autoptr(GArray) shifts = NULL;
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);

  make_work_image (image, &work);
  if (work.width < 2 * BLOCK || work.height < 2 * BLOCK)
    return pairs;
  if (!describe_blocks (&work, &field, cancellable))
    goto cancelled;
  votes = collect_votes (&field, cancellable);
  shifts = candidate_shifts (votes);
  for (guint i = 0; i < shifts->len && !g_cancellable_is_cancelled (cancellable); i++)
    verify_shift (image, &field, &g_array_index (shifts, Shift, i), work.scale, pairs);
  if (g_cancellable_is_cancelled (cancellable))
    goto cancelled;
  g_ptr_array_sort (pairs, by_size);
  return pairs;

cancelled:
  g_ptr_array_unref (pairs);
  g_cancellable_set_error_if_cancelled (cancellable, error);
  return NULL;
}
