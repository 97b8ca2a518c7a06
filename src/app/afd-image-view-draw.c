/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-view"

#include "config.h"

#include <math.h>

#include "afd-image-view-private.h"
#include "afd-render-warm-up.h"

/* Regions are outlined in a bright colour over a dark one, visible on any picture. */
static const GdkRGBA region_light = { 1.0, 0.80, 0.0, 1.0 };
static const GdkRGBA region_dark = { 0.0, 0.0, 0.0, 0.65 };
/* A region is never drawn smaller than this, in logical pixels, at any zoom. */
#define MIN_REGION_SIZE 8.0

/* The part of the picture inside the widget rectangle @visible, in image pixels. */
static void
visible_area (AfdImageView          *self,
              double                 scale,
              double                 origin_x,
              double                 origin_y,
              const graphene_rect_t *visible,
              graphene_rect_t       *area)
{
  graphene_rect_init (area, (visible->origin.x - origin_x) / scale,
                      (visible->origin.y - origin_y) / scale,
                      visible->size.width / scale, visible->size.height / scale);
}

/* The picture (and its overlay) with its origin at (@origin_x, @origin_y). */
static void
draw_picture (AfdImageView          *self,
              GtkSnapshot           *snapshot,
              double                 scale,
              double                 origin_x,
              double                 origin_y,
              const graphene_rect_t *visible,
              AfdTileFrame          *frame)
{
  int factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  graphene_rect_t area;

  visible_area (self, scale, origin_x, origin_y, visible, &area);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (origin_x, origin_y));
  afd_image_tiles_snapshot (self->tiles, snapshot, scale, factor, &area, frame);
  if (self->overlay != NULL && self->overlay_opacity > 0)
    {
      /* The overlay may be smaller than the picture: it is stretched onto it. */
      double ratio = (double) afd_image_tiles_get_width (self->tiles)
                     / afd_image_tiles_get_width (self->overlay);
      graphene_rect_t overlay_area;

      graphene_rect_scale (&area, 1 / ratio, 1 / ratio, &overlay_area);
      gtk_snapshot_push_opacity (snapshot, self->overlay_opacity);
      afd_image_tiles_snapshot (self->overlay, snapshot, scale * ratio, factor, &overlay_area,
                                frame);
      gtk_snapshot_pop (snapshot);
    }
  gtk_snapshot_restore (snapshot);
}

static void
outline (GtkSnapshot           *snapshot,
         const graphene_rect_t *rect,
         float                  width,
         const GdkRGBA         *color)
{
  GskRoundedRect border;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&border, rect, 0);
  gtk_snapshot_append_border (snapshot, &border, widths, colors);
}

/* A straight line from @a to @b: a thin rectangle, rotated. */
static void
line (GtkSnapshot            *snapshot,
      const graphene_point_t *a,
      const graphene_point_t *b,
      float                   width,
      const GdkRGBA          *color)
{
  float length = graphene_point_distance (a, b, NULL, NULL);
  float angle = atan2f (b->y - a->y, b->x - a->x) * 180.f / G_PI;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, a);
  gtk_snapshot_rotate (snapshot, angle);
  gtk_snapshot_append_color (snapshot, color,
                             &GRAPHENE_RECT_INIT (0, -width / 2, length, width));
  gtk_snapshot_restore (snapshot);
}

static void
region_on_screen (AfdImageView    *self,
                  guint            index,
                  double           origin_x,
                  double           origin_y,
                  graphene_rect_t *rect)
{
  graphene_point_t centre;

  graphene_rect_scale (&g_array_index (self->regions, graphene_rect_t, index),
                       self->zoom, self->zoom, rect);
  graphene_rect_offset (rect, origin_x, origin_y);
  graphene_rect_get_center (rect, &centre);
  if (rect->size.width < MIN_REGION_SIZE || rect->size.height < MIN_REGION_SIZE)
    graphene_rect_init (rect, centre.x - MAX (rect->size.width, MIN_REGION_SIZE) / 2,
                        centre.y - MAX (rect->size.height, MIN_REGION_SIZE) / 2,
                        MAX (rect->size.width, MIN_REGION_SIZE),
                        MAX (rect->size.height, MIN_REGION_SIZE));
}

/* Dark strokes first, then the light ones on top: one pass each. */
static void
draw_regions (AfdImageView *self,
              GtkSnapshot  *snapshot,
              double        origin_x,
              double        origin_y)
{
  graphene_rect_t rects[2];
  graphene_point_t centres[2];
  guint n = MIN (self->regions->len, 2);

  for (guint i = 0; i < n; i++)
    {
      region_on_screen (self, i, origin_x, origin_y, &rects[i]);
      graphene_rect_get_center (&rects[i], &centres[i]);
    }
  for (int pass = 0; pass < 2; pass++)
    {
      const GdkRGBA *color = pass == 0 ? &region_dark : &region_light;

      if (n == 2)
        line (snapshot, &centres[0], &centres[1], pass == 0 ? 4 : 2, color);
      for (guint i = 0; i < n; i++)
        {
          graphene_rect_t rect = rects[i];

          if (pass == 0)
            graphene_rect_inset (&rect, -1, -1);
          outline (snapshot, &rect, pass == 0 ? 4 : 2, color);
        }
    }
}

/* A disc of radius @radius centred on (@cx, @cy) showing image point (@x, @y) at @scale,
 * with a shadow and a ring. */
static void
draw_lens (AfdImageView *self,
           GtkSnapshot  *snapshot,
           double        cx,
           double        cy,
           double        radius,
           double        x,
           double        y,
           double        scale,
           AfdTileFrame *frame)
{
  graphene_rect_t circle = GRAPHENE_RECT_INIT (cx - radius, cy - radius, 2 * radius, 2 * radius);
  GskRoundedRect clip;
  const GdkRGBA ring = { 1, 1, 1, 0.9 };

  gsk_rounded_rect_init_from_rect (&clip, &circle, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0.1, 0.1, 0.1, 1 }, &circle);
  /* The point under the loupe stays at its centre, magnified. */
  draw_picture (self, snapshot, scale, cx - x * scale, cy - y * scale, &circle, frame);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_outset_shadow (snapshot, &clip, &region_dark, 0, 1, 1, 6);
  gtk_snapshot_append_border (snapshot, &clip, (float[4]) { 3, 3, 3, 3 },
                              (GdkRGBA[4]) { ring, ring, ring, ring });
}

static void
draw_loupe (AfdImageView *self,
            GtkSnapshot  *snapshot,
            double        origin_x,
            double        origin_y,
            AfdTileFrame *frame)
{
  draw_lens (self, snapshot, origin_x + self->loupe_x * self->zoom,
             origin_y + self->loupe_y * self->zoom, AFD_IMAGE_VIEW_LOUPE_RADIUS,
             self->loupe_x, self->loupe_y, self->zoom * AFD_IMAGE_VIEW_LOUPE_MAGNIFICATION, frame);
}

/* Mesa's llvmpipe compiles a shader variant the first time a draw needs it: 50–200 ms
 * of the main thread with a cold shader cache. The loupe (a rounded clip, a shadow, a
 * ring), the overlay (an opacity) and 100 % (one texture pixel per screen pixel) need
 * variants the fitted picture does not. After the picture's first frame, each of the
 * next frames draws one of them, tiny, under the picture's opaque top-left corner,
 * hidden by it: their variants are compiled one per frame at first show rather than
 * when the appraiser first presses L, shows the error levels or goes to 100 %. Nothing
 * is drawn under a picture that is not opaque, nor under cairo (no shaders). Returns TRUE
 * while stages are left. */
static gboolean
draw_warm_up (AfdImageView *self,
              GtkSnapshot  *snapshot,
              double        origin_x,
              double        origin_y,
              AfdTileFrame *frame)
{
  const double size = 12;
  /* Far enough inside that the shadow's blur stays under the picture too. */
  double x = MAX (origin_x, 0) + 3 * size, y = MAX (origin_y, 0) + 3 * size;
  graphene_rect_t patch = GRAPHENE_RECT_INIT (x - size / 2, y - size / 2, size, size);
  int factor = MAX (gtk_widget_get_scale_factor (GTK_WIDGET (self)), 1);

  if (self->warm_up_stage >= AFD_IMAGE_VIEW_WARM_UP_STAGES)
    return FALSE;
  if (!afd_render_warm_up_wanted (GTK_WIDGET (self))
      || !afd_image_tiles_is_opaque (self->tiles)
      || afd_image_tiles_get_width (self->tiles) * self->zoom < 6 * size + MAX (-origin_x, 0)
      || afd_image_tiles_get_height (self->tiles) * self->zoom < 6 * size + MAX (-origin_y, 0))
    {
      self->warm_up_stage = AFD_IMAGE_VIEW_WARM_UP_STAGES;
      return FALSE;
    }
  switch (self->warm_up_stage++)
    {
    case 1:
      draw_lens (self, snapshot, x, y, size / 2, 0, 0, self->zoom, frame);
      break;
    case 2:
      gtk_snapshot_push_opacity (snapshot, 0.5);
      draw_picture (self, snapshot, size / afd_image_tiles_get_width (self->tiles),
                    patch.origin.x, patch.origin.y, &patch, frame);
      gtk_snapshot_pop (snapshot);
      break;
    case 3:
      gtk_snapshot_push_clip (snapshot, &patch);
      draw_picture (self, snapshot, 1.0 / factor, patch.origin.x, patch.origin.y, &patch, frame);
      gtk_snapshot_pop (snapshot);
      break;
    default:
      break;   /* stage 0: the picture's first frame, alone */
    }
  return self->warm_up_stage < AFD_IMAGE_VIEW_WARM_UP_STAGES;
}

static gboolean
redraw_cb (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       data)
{
  AFD_IMAGE_VIEW (widget)->redraw_tick = 0;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

void
afd_image_view_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AfdImageView *self = AFD_IMAGE_VIEW (widget);
  graphene_rect_t visible = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                gtk_widget_get_height (widget));
  AfdTileFrame frame = { AFD_IMAGE_VIEW_UPLOADS_PER_FRAME };
  double origin_x, origin_y;
  gboolean warming;

  if (self->tiles == NULL)
    return;
  afd_image_view_origin (self, &origin_x, &origin_y);
  warming = draw_warm_up (self, snapshot, origin_x, origin_y, &frame);
  draw_picture (self, snapshot, self->zoom, origin_x, origin_y, &visible, &frame);
  draw_regions (self, snapshot, origin_x, origin_y);
  if (self->loupe && self->loupe_shown)
    draw_loupe (self, snapshot, origin_x, origin_y, &frame);
  self->last_frame = frame;
  /* The tiles put off are uploaded by the next frames, a few at a time. */
  if ((frame.deferred > 0 || warming) && self->redraw_tick == 0)
    self->redraw_tick = gtk_widget_add_tick_callback (widget, redraw_cb, NULL, NULL);
}
