/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-view"

#include "config.h"

#include <math.h>

#include "afd-image-view-private.h"

/* One arrow key press, in logical pixels (Shift: a larger step). */
#define KEY_STEP 40.0
#define KEY_STEP_LARGE 240.0

static void
pointer_to_image (AfdImageView *self,
                  double        x,
                  double        y,
                  double       *image_x,
                  double       *image_y)
{
  double origin_x, origin_y;

  afd_image_view_origin (self, &origin_x, &origin_y);
  *image_x = (x - origin_x) / self->zoom;
  *image_y = (y - origin_y) / self->zoom;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AfdImageView             *self)
{
  double image_x, image_y;

  if (self->tiles == NULL)
    return;
  pointer_to_image (self, x, y, &image_x, &image_y);
  afd_image_view_set_loupe_point (self, image_x, image_y);
}

static void
on_leave (GtkEventControllerMotion *controller,
          AfdImageView             *self)
{
  self->loupe_shown = FALSE;
  if (self->loupe)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Ctrl+scroll zooms about the pointer; a plain scroll is left to the scrolled window. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           AfdImageView             *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  double x = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double y = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  double wx, wy;
  graphene_point_t point;

  if (!(state & GDK_CONTROL_MASK) || dy == 0)
    return FALSE;
  if (event != NULL && gdk_event_get_position (event, &wx, &wy)
      && gtk_widget_compute_point (GTK_WIDGET (gtk_widget_get_native (GTK_WIDGET (self))),
                                   GTK_WIDGET (self), &GRAPHENE_POINT_INIT (wx, wy), &point))
    {
      x = point.x;
      y = point.y;
    }
  afd_image_view_zoom_at (self, self->zoom * pow (AFD_IMAGE_VIEW_ZOOM_STEP, -dy), x, y);
  return TRUE;
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AfdImageView     *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch (GtkGestureZoom *gesture,
          double          scale,
          AfdImageView   *self)
{
  double x, y;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  afd_image_view_zoom_at (self, self->pinch_start_zoom * scale, x, y);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AfdImageView   *self)
{
  self->drag_start_h = gtk_adjustment_get_value (self->hadjustment);
  self->drag_start_v = gtk_adjustment_get_value (self->vadjustment);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AfdImageView   *self)
{
  gtk_adjustment_set_value (self->hadjustment, self->drag_start_h - dx);
  gtk_adjustment_set_value (self->vadjustment, self->drag_start_v - dy);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AfdImageView   *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
}

void
afd_image_view_setup_controllers (AfdImageView *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkGesture *pinch = gtk_gesture_zoom_new ();
  GtkGesture *drag = gtk_gesture_drag_new ();

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

/* ---- keys: each an action (the buttons and the tests use them too) ---- */

static void
zoom_in_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  afd_image_view_zoom_in (AFD_IMAGE_VIEW (widget));
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *parameter)
{
  afd_image_view_zoom_out (AFD_IMAGE_VIEW (widget));
}

static void
fit_action (GtkWidget  *widget,
            const char *name,
            GVariant   *parameter)
{
  afd_image_view_zoom_fit (AFD_IMAGE_VIEW (widget));
}

static void
actual_size_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  afd_image_view_set_zoom (AFD_IMAGE_VIEW (widget), 1.0);
}

static void
loupe_action (GtkWidget  *widget,
              const char *name,
              GVariant   *parameter)
{
  AfdImageView *self = AFD_IMAGE_VIEW (widget);

  afd_image_view_set_loupe (self, !self->loupe);
  /* From the keyboard, the loupe starts where it last was (the centre at first). */
  if (self->loupe)
    self->loupe_shown = TRUE;
}

/* Arrows pan; with the loupe on they move the loupe, and the view follows it. */
static void
move_action (GtkWidget  *widget,
             const char *name,
             GVariant   *parameter)
{
  AfdImageView *self = AFD_IMAGE_VIEW (widget);
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);
  if (self->loupe && self->tiles != NULL)
    {
      afd_image_view_set_loupe_point (self, self->loupe_x + dx / self->zoom,
                                      self->loupe_y + dy / self->zoom);
      afd_image_view_reveal_point (self, self->loupe_x, self->loupe_y);
      return;
    }
  gtk_adjustment_set_value (self->hadjustment, gtk_adjustment_get_value (self->hadjustment) + dx);
  gtk_adjustment_set_value (self->vadjustment, gtk_adjustment_get_value (self->vadjustment) + dy);
}

static void
add_arrow (GtkWidgetClass *widget_class,
           guint           key,
           guint           keypad_key,
           double          dx,
           double          dy)
{
  for (int large = 0; large < 2; large++)
    {
      double step = large ? KEY_STEP_LARGE : KEY_STEP;
      GdkModifierType mods = large ? GDK_SHIFT_MASK : 0;

      gtk_widget_class_add_binding_action (widget_class, key, mods, "view.move", "(dd)",
                                           dx * step, dy * step);
      gtk_widget_class_add_binding_action (widget_class, keypad_key, mods, "view.move", "(dd)",
                                           dx * step, dy * step);
    }
}

static void
bind (GtkWidgetClass *widget_class,
      const char     *action,
      const guint    *keys,
      guint           n_keys)
{
  for (guint i = 0; i < n_keys; i++)
    gtk_widget_class_add_binding_action (widget_class, keys[i], 0, action, NULL);
}

void
afd_image_view_add_bindings (GtkWidgetClass *widget_class)
{
  static const guint in_keys[] = { GDK_KEY_plus, GDK_KEY_equal, GDK_KEY_KP_Add };
  static const guint out_keys[] = { GDK_KEY_minus, GDK_KEY_KP_Subtract };
  static const guint fit_keys[] = { GDK_KEY_0, GDK_KEY_KP_0 };
  static const guint actual_keys[] = { GDK_KEY_1, GDK_KEY_KP_1 };
  static const guint loupe_keys[] = { GDK_KEY_l };

  gtk_widget_class_install_action (widget_class, "view.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-fit", NULL, fit_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-actual", NULL, actual_size_action);
  gtk_widget_class_install_action (widget_class, "view.toggle-loupe", NULL, loupe_action);
  gtk_widget_class_install_action (widget_class, "view.move", "(dd)", move_action);

  bind (widget_class, "view.zoom-in", in_keys, G_N_ELEMENTS (in_keys));
  /* On many layouts + is Shift+=. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_SHIFT_MASK,
                                       "view.zoom-in", NULL);
  bind (widget_class, "view.zoom-out", out_keys, G_N_ELEMENTS (out_keys));
  bind (widget_class, "view.zoom-fit", fit_keys, G_N_ELEMENTS (fit_keys));
  bind (widget_class, "view.zoom-actual", actual_keys, G_N_ELEMENTS (actual_keys));
  bind (widget_class, "view.toggle-loupe", loupe_keys, G_N_ELEMENTS (loupe_keys));
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_L, GDK_SHIFT_MASK,
                                       "view.toggle-loupe", NULL);
  add_arrow (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, -1, 0);
  add_arrow (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1, 0);
  add_arrow (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 0, -1);
  add_arrow (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 0, 1);
}
