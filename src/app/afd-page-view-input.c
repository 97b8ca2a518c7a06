/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-view"

#include "config.h"

#include <math.h>

#include "af-bbox.h"
#include "afd-page-view-private.h"
#include "afd-format.h"

/* A press that moves less than this is a click, not a selection. */
#define DRAG_THRESHOLD 4.0

/* ---- input ---- */

/* The smallest drawable box under a widget point, or -1. */
static int
field_at (AfdPageView *self,
          double       x,
          double       y)
{
  guint n = self->fields != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->fields)) : 0;
  double best_area = G_MAXDOUBLE;
  int best = -1;

  for (guint i = 0; i < n; i++)
    {
      graphene_rect_t rect;

      if (!afd_page_view_get_field_rect (self, i, &rect))
        continue;
      /* A few pixels of slack: the boxes are tight around thin text. */
      graphene_rect_inset (&rect, -3, -3);
      if (!graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
        continue;
      if (rect.size.width * rect.size.height < best_area)
        {
          best_area = rect.size.width * rect.size.height;
          best = (int) i;
        }
    }
  return best;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AfdPageView              *self)
{
  int field = field_at (self, x, y);

  afd_page_view_set_hovered_field (self, field);
  if (field >= 0)
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  else if (self->renderer != NULL && afd_page_renderer_has_text (self->renderer))
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "text");
  else
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
}

static void
on_leave (GtkEventControllerMotion *controller,
          AfdPageView              *self)
{
  afd_page_view_set_hovered_field (self, -1);
}

static void
on_click (GtkGestureClick *gesture,
          int              n_press,
          double           x,
          double           y,
          AfdPageView      *self)
{
  int field = field_at (self, x, y);

  afd_page_view_clear_text_selection (self);
  if (field >= 0 && self->fields != NULL)
    {
      af_field_list_set_selected (self->fields, field);
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           AfdPageView              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  double x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  GdkEvent *event;

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  /* Zoom about the pointer, as every viewer does. */
  event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  if (event != NULL)
    {
      double wx, wy;
      GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
      graphene_point_t p;

      if (gdk_event_get_position (event, &wx, &wy) &&
          gtk_widget_compute_point (GTK_WIDGET (native), GTK_WIDGET (self),
                                    &GRAPHENE_POINT_INIT (wx, wy), &p))
        {
          x = p.x;
          y = p.y;
        }
    }
  afd_page_view_set_free_zoom (self, self->zoom * pow (ZOOM_STEP, -dy), x, y);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AfdPageView      *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        AfdPageView    *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    {
      x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  afd_page_view_set_free_zoom (self, self->pinch_start_zoom * scale, x, y);
}

/* The field under the pointer, its value (masked when personal) and confidence. */
static gboolean
on_query_tooltip (AfdPageView *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip,
                  gpointer     user_data)
{
  int position = keyboard ? af_field_list_get_selected (self->fields) : field_at (self, x, y);
  AfField *field = position >= 0 && self->fields != NULL ? af_field_list_get_field (self->fields, position) : NULL;
  g_autofree char *title = NULL;
  g_autofree char *value = NULL;
  g_autofree char *text = NULL;

  if (field == NULL)
    return FALSE;
  title = afd_field_label (af_field_get_name (field));
  value = af_field_dup_masked_value (field);
  if (af_field_has_confidence (field))
    text = g_strdup_printf ("%s: %s (%.0f %%)", title, value, af_field_get_confidence (field) * 100);
  else
    text = g_strdup_printf ("%s: %s", title, value);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- text selection ---- */

/* The page under a widget point and the point in fractions of the unrotated page,
 * clamped to it. -1 when the point is on no page (and @clamp_page is -1). */
static int
point_on_page (AfdPageView *self,
               double       x,
               double       y,
               int          clamp_page,
               double      *out_fx,
               double      *out_fy)
{
  for (guint i = 0; i < self->pages->len; i++)
    {
      AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, i);
      double px, py, w, h;

      if (clamp_page >= 0 && (int) i != clamp_page)
        continue;
      afd_page_view_page_geometry (self, i, &px, &py, &w, &h);
      if (clamp_page < 0 && (x < px || y < py || x > px + w || y > py + h))
        continue;
      af_device_to_fraction (CLAMP (x - px, 0, w), CLAMP (y - py, 0, h), slot->width,
                             slot->height, self->zoom, self->rotation, out_fx, out_fy);
      *out_fx = CLAMP (*out_fx, 0, 1);
      *out_fy = CLAMP (*out_fy, 0, 1);
      return (int) i;
    }
  return -1;
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AfdPageView    *self)
{
  double fx, fy;
  int page;

  self->selection_shown = FALSE;
  page = self->renderer != NULL && afd_page_renderer_has_text (self->renderer)
         ? point_on_page (self, x, y, -1, &fx, &fy) : -1;
  self->selection_page = page;
  if (page < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->selection[0] = self->selection[2] = fx;
  self->selection[1] = self->selection[3] = fy;
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AfdPageView    *self)
{
  double x, y;

  if (self->selection_page < 0 || !gtk_gesture_drag_get_start_point (gesture, &x, &y))
    return;
  if (!self->selection_shown && hypot (dx, dy) < DRAG_THRESHOLD)
    return;
  self->selection_shown = TRUE;
  point_on_page (self, x + dx, y + dy, self->selection_page, &self->selection[2], &self->selection[3]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AfdPageView    *self)
{
  double rect[4];
  int page;

  if (afd_page_view_get_text_selection (self, &page, rect))
    g_signal_emit_by_name (self, "text-selected", page, rect[0], rect[1], rect[2], rect[3]);
}

void
afd_page_view_setup_controllers (AfdPageView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *pinch = gtk_gesture_zoom_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

