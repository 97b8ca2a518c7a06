/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-image-view-private.h — shared by the image view's layout (afd-image-view.c), its
 * drawing (afd-image-view-draw.c) and its input (afd-image-view-input.c).
 */
#pragma once

#include "afd-image-view.h"

G_BEGIN_DECLS

/* One zoom step (keyboard, buttons, one notch of Ctrl+scroll). */
#define AFD_IMAGE_VIEW_ZOOM_STEP 1.25
/* Tiles a frame may upload (draw for the first time); the others are drawn from a
 * smaller level until the next frames upload them. A zoom step brings up to 20 new
 * 512 × 512 tiles into view at once; with llvmpipe (bench-workbench) a frame that
 * uploads 4 takes 15–17 ms of the main thread's CPU. */
#define AFD_IMAGE_VIEW_UPLOADS_PER_FRAME 4
/* The picture's first frame, then one stage of the shaders' warm-up per frame. */
#define AFD_IMAGE_VIEW_WARM_UP_STAGES 4
/* The loupe's radius, in logical pixels. */
#define AFD_IMAGE_VIEW_LOUPE_RADIUS 110.0

struct _AfdImageView
{
  GtkWidget        parent_instance;

  /* owned references */
  GtkAdjustment   *hadjustment;
  GtkAdjustment   *vadjustment;
  AfdImageTiles   *tiles;          /* (nullable) */
  AfdImageTiles   *overlay;        /* (nullable) */
  GArray          *regions;        /* (element-type graphene_rect_t) image pixels */

  guint            hscroll_policy : 1;
  guint            vscroll_policy : 1;
  guint            fit : 1;
  guint            loupe : 1;
  guint            loupe_shown : 1;  /* the pointer is over the view, or a key moved it */
  double           zoom;
  double           overlay_opacity;
  double           loupe_x;          /* image pixels */
  double           loupe_y;
  double           pinch_start_zoom;
  double           drag_start_h;
  double           drag_start_v;
  AfdTileFrame     last_frame;       /* what the last snapshot drew */
  guint            warm_up_stage;    /* frames of this picture's warm-up drawn so far */
  guint            redraw_tick;      /* a frame to come for tiles put off */
};

/* afd-image-view.c */
/* The image's top-left corner in widget coordinates at the current zoom and scroll. */
void     afd_image_view_origin          (AfdImageView *self,
                                         double       *x,
                                         double       *y);
/* Sets the zoom keeping the image point under widget point (@anchor_x, @anchor_y). */
void     afd_image_view_zoom_at         (AfdImageView *self,
                                         double        zoom,
                                         double        anchor_x,
                                         double        anchor_y);
/* Scrolls so that image point (@x, @y) comes into view (at its centre if it was out). */
void     afd_image_view_reveal_point    (AfdImageView *self,
                                         double        x,
                                         double        y);

/* afd-image-view-draw.c */
void     afd_image_view_snapshot        (GtkWidget    *widget,
                                         GtkSnapshot  *snapshot);

/* afd-image-view-input.c */
void     afd_image_view_setup_controllers (AfdImageView *self);
void     afd_image_view_add_bindings      (GtkWidgetClass *widget_class);

G_END_DECLS
