/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-page-view.h — a document's pages, stacked, with its fields' boxes drawn on them.
 *
 * A GtkScrollable: put it in a GtkScrolledWindow. It only draws textures the
 * AfdPageRenderer has finished; it asks for the visible pages first and their
 * neighbours next, at the zoom × the monitor's scale factor (sharp on HiDPI), and
 * cancels what scrolls away. Each field's bbox is drawn where it is on the page at any
 * zoom and rotation; low-confidence boxes are dashed and labelled, so that they do not
 * rely on colour alone. The selection lives in the AfFieldList it observes. Each PII
 * field's box is covered by an opaque block naming it (afd-pii-mask.h) until the
 * document's personal data is revealed.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"
#include "afd-page-renderer.h"

G_BEGIN_DECLS

typedef enum
{
  AFD_ZOOM_FREE,
  AFD_ZOOM_FIT_WIDTH,
  AFD_ZOOM_FIT_PAGE,
} AfdZoomMode;

#define AFD_PAGE_VIEW_MIN_ZOOM 0.1
#define AFD_PAGE_VIEW_MAX_ZOOM 8.0

#define AFD_TYPE_PAGE_VIEW (afd_page_view_get_type ())
G_DECLARE_FINAL_TYPE (AfdPageView, afd_page_view, AFD, PAGE_VIEW, GtkWidget)

GtkWidget   *afd_page_view_new              (void);

/* @renderer must be open (or NULL to show nothing). */
void         afd_page_view_set_document     (AfdPageView      *self,
                                             AfdPageRenderer  *renderer,
                                             AfFieldList      *fields);

/* Uncovers (or covers again) every PII field's box on the pages. */
void         afd_page_view_set_pii_revealed (AfdPageView      *self,
                                             gboolean          revealed);
gboolean     afd_page_view_get_pii_revealed (AfdPageView      *self);

double       afd_page_view_get_zoom         (AfdPageView      *self);
/* Sets a free zoom, keeping the centre of the view where it is. */
void         afd_page_view_set_zoom         (AfdPageView      *self,
                                             double            zoom);
AfdZoomMode  afd_page_view_get_zoom_mode    (AfdPageView      *self);
void         afd_page_view_set_zoom_mode    (AfdPageView      *self,
                                             AfdZoomMode       mode);
void         afd_page_view_zoom_in          (AfdPageView      *self);
void         afd_page_view_zoom_out         (AfdPageView      *self);

/* 0, 90, 180 or 270 degrees clockwise. */
int          afd_page_view_get_rotation     (AfdPageView      *self);
void         afd_page_view_set_rotation     (AfdPageView      *self,
                                             int               rotation);

int          afd_page_view_get_n_pages      (AfdPageView      *self);
/* 0-based; the page that fills most of the view. */
int          afd_page_view_get_current_page (AfdPageView      *self);
void         afd_page_view_scroll_to_page   (AfdPageView      *self,
                                             int               page);

/* Scrolls (and zooms, when the box would be too small to read or too large to see
 * whole) so that the field's box is centred. FALSE when the field has no drawable box. */
gboolean     afd_page_view_reveal_field     (AfdPageView      *self,
                                             guint             position);
/* Only scrolls, so that the box is centred at the current zoom. */
gboolean     afd_page_view_center_field     (AfdPageView      *self,
                                             guint             position);

/* Where the field's box is drawn, in the widget's coordinates. */
gboolean     afd_page_view_get_field_rect   (AfdPageView      *self,
                                             guint             position,
                                             graphene_rect_t  *out_rect);
gboolean     afd_page_view_get_page_rect    (AfdPageView      *self,
                                             int               page,
                                             graphene_rect_t  *out_rect);

/* The text selection made by dragging over a page: FALSE when there is none.
 * ::text-selected (page, left, top, right, bottom) is emitted when a drag ends. */
gboolean     afd_page_view_get_text_selection   (AfdPageView  *self,
                                                 int          *out_page,
                                                 double        out_rect[4]);
void         afd_page_view_clear_text_selection (AfdPageView  *self);

/* -1 for none. */
int          afd_page_view_get_hovered_field (AfdPageView     *self);
void         afd_page_view_set_hovered_field (AfdPageView     *self,
                                              int              position);

G_END_DECLS
