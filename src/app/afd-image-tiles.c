/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-tiles"

#include "config.h"

#include <math.h>
#include <string.h>

#include "af-file-check.h"
#include "afd-image-tiles.h"
#include "afd-image-tiles-cairo.h"
#include "afd-renderer-choice.h"

typedef struct
{
  int        width;
  int        height;
  int        columns;
  int        rows;
  GPtrArray *tiles;   /* (element-type GdkTexture or cairo_surface_t) row by row */
  guint8    *shown;   /* per tile: drawn once, so the renderer holds it (main thread) */
} Level;

/* A cairo node of one level's tiles at one scale, over @bounds (on screen). */
typedef struct
{
  GskRenderNode  *node;
  guint           index;
  double          scale;
  graphene_rect_t bounds;
} CairoNode;

struct _AfdImageTiles
{
  GObject  parent_instance;

  GArray  *levels;    /* (element-type Level) full size first */
  GBytes  *file;      /* (owned) (nullable) the file's bytes, when decoded from one */
  int      tile_size;
  gboolean opaque;
  gboolean for_cairo;   /* tiles are cairo surfaces (afd-image-tiles-cairo.h) */
  /* Under cairo, the last nodes drawn (the picture and the loupe's): a node drawn again
   * as it was is the same node, which GTK does not repaint. Main thread. */
  CairoNode cairo_nodes[2];
  guint     next_cairo_node;
};

G_DEFINE_FINAL_TYPE (AfdImageTiles, afd_image_tiles, G_TYPE_OBJECT)

static void
level_clear (gpointer data)
{
  Level *level = data;

  g_clear_pointer (&level->tiles, g_ptr_array_unref);
  g_clear_pointer (&level->shown, g_free);
}

/* 512 unless AFD_IMAGE_TILE_SIZE (a power of two, 128 to 2048) says otherwise: the
 * benchmark compares sizes with it. */
static int
default_tile_size (void)
{
  static gsize size;

  if (g_once_init_enter (&size))
    {
      const char *text = g_getenv ("AFD_IMAGE_TILE_SIZE");
      gint64 value = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
      gsize chosen = AFD_IMAGE_TILE_SIZE;

      if (value >= 128 && value <= 2048 && (value & (value - 1)) == 0)
        chosen = (gsize) value;
      g_once_init_leave (&size, chosen);
    }
  return (int) size;
}

/* Every tile is @size × @size, the edge ones too (their last column and row repeated
 * into the margin; the drawing clips it away). Mesa's llvmpipe compiles one shader
 * variant per texture format and per "is each side a power of two": tiles of one size
 * and one format need one variant, compiled with the first frame, where edge tiles of
 * odd sizes each stalled a later frame for 50–150 ms the first time they came into
 * view. The rows are copied here, on the worker, packed, so the renderer uploads a tile
 * in one call. */
static GdkTexture *
cut_tile (GdkPixbuf *pixbuf,
          int        x,
          int        y,
          int        size)
{
  int width = MIN (size, gdk_pixbuf_get_width (pixbuf) - x);
  int height = MIN (size, gdk_pixbuf_get_height (pixbuf) - y);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int bpp = gdk_pixbuf_get_has_alpha (pixbuf) ? 4 : 3;
  gsize row = (gsize) size * bpp;
  const guchar *source = gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * stride + (gsize) x * bpp;
  guchar *data = g_malloc (row * size);
  g_autoptr(GBytes) bytes = NULL;

  for (int i = 0; i < height; i++)
    {
      guchar *out = data + i * row;

      memcpy (out, source + (gsize) i * stride, (gsize) width * bpp);
      for (int j = width; j < size; j++)
        memcpy (out + (gsize) j * bpp, out + (gsize) (width - 1) * bpp, bpp);
    }
  for (int i = height; i < size; i++)
    memcpy (data + i * row, data + (height - 1) * row, row);
  bytes = g_bytes_new_take (data, row * size);
  return gdk_memory_texture_new (size, size,
                                 bpp == 4 ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 bytes, row);
}

static Level
make_level (GdkPixbuf *pixbuf,
            int        size,
            gboolean   for_cairo)
{
  Level level = { gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf) };

  level.columns = (level.width + size - 1) / size;
  level.rows = (level.height + size - 1) / size;
  level.tiles = g_ptr_array_new_full (level.columns * level.rows,
                                      for_cairo ? (GDestroyNotify) cairo_surface_destroy
                                                : g_object_unref);
  level.shown = g_new0 (guint8, level.columns * level.rows);
  for (int row = 0; row < level.rows; row++)
    for (int column = 0; column < level.columns; column++)
      {
        int x = column * size, y = row * size;

        g_ptr_array_add (level.tiles, for_cairo ? (gpointer) afd_image_tiles_cut_cairo (pixbuf, x, y, size)
                                                : (gpointer) cut_tile (pixbuf, x, y, size));
      }
  return level;
}

/* Halves until one tile holds the whole picture. Stops early (NULL) when cancelled. */
static AfdImageTiles *
build_pyramid (GdkPixbuf    *pixbuf,
               GCancellable *cancellable)
{
  g_autoptr(AfdImageTiles) self = g_object_new (AFD_TYPE_IMAGE_TILES, NULL);
  g_autoptr(GdkPixbuf) current = g_object_ref (pixbuf);

  self->tile_size = default_tile_size ();
  self->opaque = !gdk_pixbuf_get_has_alpha (pixbuf);
  self->for_cairo = afd_renderer_is_cairo ();

  for (;;)
    {
      int width = gdk_pixbuf_get_width (current);
      int height = gdk_pixbuf_get_height (current);
      Level level = make_level (current, self->tile_size, self->for_cairo);
      GdkPixbuf *smaller;

      g_array_append_val (self->levels, level);
      if (MAX (width, height) <= self->tile_size)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
      smaller = gdk_pixbuf_scale_simple (current, MAX (1, width / 2), MAX (1, height / 2),
                                         GDK_INTERP_BILINEAR);
      if (smaller == NULL)
        break;   /* out of memory for a smaller level: the larger ones still draw */
      g_set_object (&current, NULL);
      current = smaller;
    }
  return g_steal_pointer (&self);
}

AfdImageTiles *
afd_image_tiles_new_for_pixbuf (GdkPixbuf *pixbuf)
{
  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  return build_pyramid (pixbuf, NULL);
}

static GdkPixbuf *
decode (GBytes  *bytes,
        GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, error))
    {
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }
  if (!gdk_pixbuf_loader_close (loader, error))
    return NULL;
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                           "the picture could not be decoded");
      return NULL;
    }
  return g_object_ref (pixbuf);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (task_data, FALSE, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  AfdImageTiles *tiles;

  if (mapped == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "the image file cannot be read");
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  /* Sizes from the headers first: a bomb is refused before a decoder sees it. */
  if (!af_image_check_limits (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                              AF_IMAGE_MAX_PIXELS, NULL, &error)
      || (pixbuf = decode (bytes, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  tiles = build_pyramid (pixbuf, cancellable);
  if (tiles == NULL)
    {
      g_task_return_error_if_cancelled (task);
      return;
    }
  /* Kept for the inspection, which reads the same bytes (one read of the file). */
  tiles->file = g_steal_pointer (&bytes);
  g_task_return_pointer (task, tiles, g_object_unref);
}

void
afd_image_tiles_load_async (const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, afd_image_tiles_load_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

AfdImageTiles *
afd_image_tiles_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == afd_image_tiles_load_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
afd_image_tiles_get_file_bytes (AfdImageTiles *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), NULL);
  return self->file;
}

gboolean
afd_image_tiles_is_opaque (AfdImageTiles *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), FALSE);
  return self->opaque;
}

static Level *
level_at (AfdImageTiles *self,
          guint          index)
{
  return &g_array_index (self->levels, Level, index);
}

int
afd_image_tiles_get_width (AfdImageTiles *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), 0);
  return level_at (self, 0)->width;
}

int
afd_image_tiles_get_height (AfdImageTiles *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), 0);
  return level_at (self, 0)->height;
}

guint
afd_image_tiles_get_n_levels (AfdImageTiles *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), 0);
  return self->levels->len;
}

/* The smallest level with at least one of its pixels per device pixel. */
guint
afd_image_tiles_level_for_scale (AfdImageTiles *self,
                                 double         scale)
{
  double level;

  g_return_val_if_fail (AFD_IS_IMAGE_TILES (self), 0);
  if (scale >= 1 || scale <= 0)
    return 0;
  level = floor (log2 (1 / scale));
  return (guint) MIN (level, (double) self->levels->len - 1);
}

/* Marks the tile drawn; FALSE when it was never drawn and the frame has no upload left.
 * The smallest level always draws: there must be a picture. */
static gboolean
tile_ready (Level        *level,
            guint         index,
            gboolean      smallest,
            AfdTileFrame *frame)
{
  if (level->shown[index])
    return TRUE;
  if (frame->uploads_left == 0 && !smallest)
    return FALSE;
  if (frame->uploads_left > 0)
    frame->uploads_left--;
  level->shown[index] = TRUE;
  frame->uploaded++;
  return TRUE;
}

/* Tile (@column, @row) of @level in image pixels, padding included. */
static void
tile_area (AfdImageTiles   *self,
           Level           *level,
           int              column,
           int              row,
           graphene_rect_t *rect)
{
  double x_ratio = (double) level_at (self, 0)->width / level->width;
  double y_ratio = (double) level_at (self, 0)->height / level->height;

  graphene_rect_init (rect, column * self->tile_size * x_ratio, row * self->tile_size * y_ratio,
                      self->tile_size * x_ratio, self->tile_size * y_ratio);
}

/* Whole logical pixels at the edges: neighbours meet without a hairline gap. */
static void
on_screen (const graphene_rect_t *rect,
           double                 scale,
           graphene_rect_t       *out)
{
  double x = round (rect->origin.x * scale);
  double y = round (rect->origin.y * scale);

  graphene_rect_init (out, x, y, round ((rect->origin.x + rect->size.width) * scale) - x,
                      round ((rect->origin.y + rect->size.height) * scale) - y);
}

/* The columns and rows of @level's tiles that meet @area (image pixels). */
typedef struct
{
  int first_column, last_column, first_row, last_row;
} TileRange;

static void
tiles_meeting (AfdImageTiles         *self,
               Level                 *level,
               const graphene_rect_t *area,
               TileRange             *range)
{
  graphene_rect_t first;

  tile_area (self, level, 0, 0, &first);
  range->first_column = MAX (0, (int) floor (area->origin.x / first.size.width));
  range->last_column = MIN (level->columns - 1,
                            (int) floor ((area->origin.x + area->size.width) / first.size.width));
  range->first_row = MAX (0, (int) floor (area->origin.y / first.size.height));
  range->last_row = MIN (level->rows - 1,
                         (int) floor ((area->origin.y + area->size.height) / first.size.height));
}

/* Under cairo every tile is ready (nothing to upload): one node paints them all. */
static GskRenderNode *
paint_level_cairo (AfdImageTiles         *self,
                   guint                  index,
                   double                 scale,
                   const TileRange       *range,
                   const graphene_rect_t *node_bounds)
{
  Level *level = level_at (self, index);
  GskRenderNode *node = gsk_cairo_node_new (node_bounds);
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  for (int row = range->first_row; row <= range->last_row; row++)
    for (int column = range->first_column; column <= range->last_column; column++)
      {
        graphene_rect_t tile, bounds;

        tile_area (self, level, column, row, &tile);
        on_screen (&tile, scale, &bounds);
        afd_image_tiles_paint_cairo (cr, g_ptr_array_index (level->tiles, row * level->columns + column),
                                     self->tile_size, &bounds);
      }
  cairo_destroy (cr);
  return node;
}

/* The node of the last frames when it showed the same, a new one otherwise. */
static void
draw_level_cairo (AfdImageTiles         *self,
                  GtkSnapshot           *snapshot,
                  guint                  index,
                  double                 scale,
                  const graphene_rect_t *area,
                  AfdTileFrame          *frame)
{
  graphene_rect_t node_bounds;
  CairoNode *cached;
  TileRange range;

  on_screen (area, scale, &node_bounds);
  tiles_meeting (self, level_at (self, index), area, &range);
  frame->drawn += (range.last_row - range.first_row + 1) * (range.last_column - range.first_column + 1);
  for (guint i = 0; i < G_N_ELEMENTS (self->cairo_nodes); i++)
    {
      cached = &self->cairo_nodes[i];
      if (cached->node != NULL && cached->index == index && cached->scale == scale
          && graphene_rect_equal (&cached->bounds, &node_bounds))
        {
          gtk_snapshot_append_node (snapshot, cached->node);
          return;
        }
    }
  cached = &self->cairo_nodes[self->next_cairo_node];
  self->next_cairo_node = (self->next_cairo_node + 1) % G_N_ELEMENTS (self->cairo_nodes);
  g_clear_pointer (&cached->node, gsk_render_node_unref);
  *cached = (CairoNode) { paint_level_cairo (self, index, scale, &range, &node_bounds), index, scale,
                          node_bounds };
  gtk_snapshot_append_node (snapshot, cached->node);
}

/* The tiles of level @index that meet @area; a tile that may not be uploaded in this
 * frame is drawn from the next smaller level, clipped to its place. */
static void
draw_level (AfdImageTiles         *self,
            GtkSnapshot           *snapshot,
            guint                  index,
            double                 scale,
            const graphene_rect_t *area,
            AfdTileFrame          *frame)
{
  Level *level = level_at (self, index);
  TileRange range;

  if (self->for_cairo)
    {
      draw_level_cairo (self, snapshot, index, scale, area, frame);
      return;
    }
  tiles_meeting (self, level, area, &range);
  for (int row = range.first_row; row <= range.last_row; row++)
    for (int column = range.first_column; column <= range.last_column; column++)
      {
        guint i = row * level->columns + column;
        graphene_rect_t last, bounds, part;

        tile_area (self, level, column, row, &last);
        on_screen (&last, scale, &bounds);
        if (tile_ready (level, i, index + 1 == self->levels->len, frame))
          {
            gtk_snapshot_append_texture (snapshot, g_ptr_array_index (level->tiles, i), &bounds);
            frame->drawn++;
            continue;
          }
        frame->deferred++;
        if (!graphene_rect_intersection (&last, area, &part))
          continue;
        gtk_snapshot_push_clip (snapshot, &bounds);
        draw_level (self, snapshot, index + 1, scale, &part, frame);
        gtk_snapshot_pop (snapshot);
      }
}

void
afd_image_tiles_snapshot (AfdImageTiles         *self,
                          GtkSnapshot           *snapshot,
                          double                 scale,
                          int                    scale_factor,
                          const graphene_rect_t *area,
                          AfdTileFrame          *frame)
{
  guint index = afd_image_tiles_level_for_scale (self, scale * MAX (scale_factor, 1));
  graphene_rect_t picture;

  g_return_if_fail (AFD_IS_IMAGE_TILES (self));
  /* The edge tiles' padding is cut off here. */
  on_screen (&GRAPHENE_RECT_INIT (0, 0, level_at (self, 0)->width, level_at (self, 0)->height),
             scale, &picture);
  gtk_snapshot_push_clip (snapshot, &picture);
  draw_level (self, snapshot, index, scale, area, frame);
  gtk_snapshot_pop (snapshot);
}

static void
afd_image_tiles_finalize (GObject *object)
{
  AfdImageTiles *self = AFD_IMAGE_TILES (object);

  g_clear_pointer (&self->levels, g_array_unref);
  g_clear_pointer (&self->file, g_bytes_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->cairo_nodes); i++)
    g_clear_pointer (&self->cairo_nodes[i].node, gsk_render_node_unref);
  G_OBJECT_CLASS (afd_image_tiles_parent_class)->finalize (object);
}

static void
afd_image_tiles_class_init (AfdImageTilesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_image_tiles_finalize;
}

static void
afd_image_tiles_init (AfdImageTiles *self)
{
  self->levels = g_array_new (FALSE, TRUE, sizeof (Level));
  g_array_set_clear_func (self->levels, level_clear);
}
