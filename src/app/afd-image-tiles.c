/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-tiles"

#include "config.h"

#include <math.h>
#include <string.h>

#include "af-file-check.h"
#include "afd-image-tiles.h"

typedef struct
{
  int        width;
  int        height;
  int        columns;
  int        rows;
  GPtrArray *tiles;   /* (element-type GdkTexture) row by row */
} Level;

struct _AfdImageTiles
{
  GObject  parent_instance;

  GArray  *levels;    /* (element-type Level) full size first */
  GBytes  *file;      /* (owned) (nullable) the file's bytes, when decoded from one */
};

G_DEFINE_FINAL_TYPE (AfdImageTiles, afd_image_tiles, G_TYPE_OBJECT)

static void
level_clear (gpointer data)
{
  Level *level = data;

  g_clear_pointer (&level->tiles, g_ptr_array_unref);
}

/* A tile gets its own packed rows (copied here, on the worker): the renderer then
 * uploads it in one call, where rows of the level's stride would go one by one. */
static GdkTexture *
cut_tile (GdkPixbuf *pixbuf,
          int        x,
          int        y)
{
  int width = MIN (AFD_IMAGE_TILE_SIZE, gdk_pixbuf_get_width (pixbuf) - x);
  int height = MIN (AFD_IMAGE_TILE_SIZE, gdk_pixbuf_get_height (pixbuf) - y);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  gsize row = (gsize) width * (alpha ? 4 : 3);
  const guchar *source = gdk_pixbuf_read_pixels (pixbuf) + (gsize) y * stride
                         + (gsize) x * (alpha ? 4 : 3);
  guchar *data = g_malloc (row * height);
  g_autoptr(GBytes) bytes = NULL;

  for (int i = 0; i < height; i++)
    memcpy (data + i * row, source + (gsize) i * stride, row);
  bytes = g_bytes_new_take (data, row * height);
  return gdk_memory_texture_new (width, height,
                                 alpha ? GDK_MEMORY_R8G8B8A8 : GDK_MEMORY_R8G8B8,
                                 bytes, row);
}

static Level
make_level (GdkPixbuf *pixbuf)
{
  Level level = { gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf) };

  level.columns = (level.width + AFD_IMAGE_TILE_SIZE - 1) / AFD_IMAGE_TILE_SIZE;
  level.rows = (level.height + AFD_IMAGE_TILE_SIZE - 1) / AFD_IMAGE_TILE_SIZE;
  level.tiles = g_ptr_array_new_full (level.columns * level.rows, g_object_unref);
  for (int row = 0; row < level.rows; row++)
    for (int column = 0; column < level.columns; column++)
      g_ptr_array_add (level.tiles, cut_tile (pixbuf, column * AFD_IMAGE_TILE_SIZE,
                                              row * AFD_IMAGE_TILE_SIZE));
  return level;
}

/* Halves until one tile holds the whole picture. Stops early (NULL) when cancelled. */
static AfdImageTiles *
build_pyramid (GdkPixbuf    *pixbuf,
               GCancellable *cancellable)
{
  g_autoptr(AfdImageTiles) self = g_object_new (AFD_TYPE_IMAGE_TILES, NULL);
  g_autoptr(GdkPixbuf) current = g_object_ref (pixbuf);

  for (;;)
    {
      int width = gdk_pixbuf_get_width (current);
      int height = gdk_pixbuf_get_height (current);
      Level level = make_level (current);
      GdkPixbuf *smaller;

      g_array_append_val (self->levels, level);
      if (MAX (width, height) <= AFD_IMAGE_TILE_SIZE)
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

guint
afd_image_tiles_snapshot (AfdImageTiles         *self,
                          GtkSnapshot           *snapshot,
                          double                 scale,
                          int                    scale_factor,
                          const graphene_rect_t *area)
{
  guint index = afd_image_tiles_level_for_scale (self, scale * MAX (scale_factor, 1));
  Level *level = level_at (self, index);
  /* One level pixel in image pixels, then in logical pixels on screen. */
  double ratio = (double) level_at (self, 0)->width / level->width;
  double tile = AFD_IMAGE_TILE_SIZE * ratio;
  int first_column = MAX (0, (int) floor (area->origin.x / tile));
  int last_column = MIN (level->columns - 1, (int) floor ((area->origin.x + area->size.width) / tile));
  int first_row = MAX (0, (int) floor (area->origin.y / tile));
  int last_row = MIN (level->rows - 1, (int) floor ((area->origin.y + area->size.height) / tile));
  guint n = 0;

  for (int row = first_row; row <= last_row; row++)
    for (int column = first_column; column <= last_column; column++)
      {
        GdkTexture *texture = g_ptr_array_index (level->tiles, row * level->columns + column);
        graphene_rect_t bounds;

        /* Whole logical pixels at the edges: neighbours meet without a hairline gap. */
        graphene_rect_init (&bounds, round (column * tile * scale), round (row * tile * scale),
                            0, 0);
        bounds.size.width = round ((column * tile + gdk_texture_get_width (texture) * ratio) * scale)
                            - bounds.origin.x;
        bounds.size.height = round ((row * tile + gdk_texture_get_height (texture) * ratio) * scale)
                             - bounds.origin.y;
        gtk_snapshot_append_texture (snapshot, texture, &bounds);
        n++;
      }
  return n;
}

static void
afd_image_tiles_finalize (GObject *object)
{
  AfdImageTiles *self = AFD_IMAGE_TILES (object);

  g_clear_pointer (&self->levels, g_array_unref);
  g_clear_pointer (&self->file, g_bytes_unref);
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
