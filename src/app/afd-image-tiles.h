/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-image-tiles.h — a decoded picture as a pyramid of tiles, ready to draw.
 *
 * A 40-megapixel photo is one 160 MB texture: uploading it, or scaling it down on every
 * frame, would stall the main loop. Here the picture is decoded on a worker thread and
 * halved again and again (mipmaps) until it fits in one tile; each level is cut into
 * 512 × 512 tiles (GdkMemoryTextures made on the worker: the main thread only draws
 * them). Drawing takes only the tiles in view, from the level closest to the screen's
 * resolution, and uploads at most a few new tiles per frame: the others are drawn from
 * a smaller level until a later frame uploads them. The pixel limits of af-file-check
 * hold before any decoder runs.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_IMAGE_TILE_SIZE 512

#define AFD_TYPE_IMAGE_TILES (afd_image_tiles_get_type ())
G_DECLARE_FINAL_TYPE (AfdImageTiles, afd_image_tiles, AFD, IMAGE_TILES, GObject)

/* Decodes @path on a worker thread. Errors: AF_FILE_CHECK_ERROR (too large, cut short,
 * unknown type) or GDK_PIXBUF_ERROR, with a message fit for the user. */
void           afd_image_tiles_load_async    (const char           *path,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
AfdImageTiles *afd_image_tiles_load_finish   (GAsyncResult         *result,
                                              GError              **error);

/* Any thread: pixels already decoded (an analysis' overlay). Takes a reference. */
AfdImageTiles *afd_image_tiles_new_for_pixbuf (GdkPixbuf           *pixbuf);

/* The bytes of the file the tiles were decoded from (mapped), or NULL. */
GBytes        *afd_image_tiles_get_file_bytes (AfdImageTiles       *self);
int            afd_image_tiles_get_width     (AfdImageTiles        *self);
int            afd_image_tiles_get_height    (AfdImageTiles        *self);
guint          afd_image_tiles_get_n_levels  (AfdImageTiles        *self);
/* TRUE when the picture has no alpha channel: what is drawn under it is hidden. */
gboolean       afd_image_tiles_is_opaque     (AfdImageTiles        *self);

/* Which level a drawing at @scale (device pixels per image pixel) takes. */
guint          afd_image_tiles_level_for_scale (AfdImageTiles      *self,
                                              double                scale);

/* One frame's drawing. The caller sets @uploads_left (tiles never drawn before that this
 * frame may draw: the renderer uploads each one); the drawing counts the tiles it drew,
 * the ones it drew for the first time, and the ones it put off to a later frame (drawn
 * from a smaller level meanwhile): the caller draws again while any are put off. */
typedef struct
{
  guint uploads_left;
  guint drawn;
  guint uploaded;
  guint deferred;
} AfdTileFrame;

/* Appends the tiles that meet @area (image pixels) with the image's origin at the
 * snapshot's origin and one image pixel drawn @scale logical pixels wide, clipped to
 * the picture. @scale_factor is the surface's, so that HiDPI screens get the sharper
 * level. */
void           afd_image_tiles_snapshot      (AfdImageTiles        *self,
                                              GtkSnapshot          *snapshot,
                                              double                scale,
                                              int                   scale_factor,
                                              const graphene_rect_t *area,
                                              AfdTileFrame         *frame);

G_END_DECLS
