/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-page-view-private.h — shared between the page view's layout (afd-page-view.c)
 * and its drawing (afd-page-view-draw.c).
 */
#pragma once

#include "afd-page-view.h"

G_BEGIN_DECLS

/* Around the pages and between them, in logical pixels. */
#define AFD_PAGE_VIEW_MARGIN 16.0
/* One zoom step (keyboard, buttons, one notch of Ctrl+scroll). */
#define ZOOM_STEP 1.2

typedef struct
{
  double         width;          /* unrotated, in renderer units */
  double         height;
  double         y;              /* top in content coordinates at the current zoom */
  GdkTexture    *texture;        /* (owned) (nullable) */
  double         texture_scale;  /* the scale it was requested at */
  GCancellable  *pending;        /* (owned) (nullable) a render in flight */
  double         pending_scale;
} AfdPageSlot;

struct _AfdPageView
{
  GtkWidget         parent_instance;

  /* owned references */
  GtkAdjustment    *hadjustment;
  GtkAdjustment    *vadjustment;
  AfdPageRenderer  *renderer;      /* (nullable) */
  AfFieldList      *fields;        /* (nullable) */
  GArray           *pages;         /* (element-type AfdPageSlot) */

  guint             hscroll_policy : 1;
  guint             vscroll_policy : 1;
  AfdZoomMode       zoom_mode;
  double            zoom;
  int               rotation;
  int               hovered;
  int               pending_reveal;  /* a field to reveal once allocated, or -1 */
  int               current_page;
  double            content_width;
  double            content_height;
  double            pinch_start_zoom;
  /* A text selection: a rectangle in fractions of one unrotated page. */
  int               selection_page;      /* -1 when there is none */
  double            selection[4];        /* left, top, right, bottom */
  gboolean          selection_shown;     /* the drag went far enough to mean it */
  gboolean          pii_revealed;        /* else personal data is covered on the pages */
  guint             update_source;
};

/* Page @index's top-left corner in widget coordinates and its drawn size. */
void afd_page_view_page_geometry (AfdPageView *self,
                                  guint        index,
                                  double      *out_x,
                                  double      *out_y,
                                  double      *out_width,
                                  double      *out_height);

/* afd-page-view.c */
void     afd_page_view_set_free_zoom        (AfdPageView *self,
                                             double       zoom,
                                             double       anchor_x,
                                             double       anchor_y);
void     afd_page_view_update_current_page  (AfdPageView *self);

/* afd-page-view-render.c: asking the renderer for the pages in view */
void     afd_page_view_schedule_update      (AfdPageView *self);
gboolean afd_page_view_update_renders       (gpointer     user_data);
void     afd_page_view_forget_page          (AfdPageSlot *slot,
                                             gboolean     drop_texture);

/* afd-page-view-input.c: pointer, scroll and pinch */
void     afd_page_view_setup_controllers    (AfdPageView *self);

/* afd-page-view-draw.c */
char    *afd_page_view_dup_box_label        (AfField     *field);
void     afd_page_view_snapshot_pages       (AfdPageView *self,
                                             GtkSnapshot *snapshot);

G_END_DECLS
