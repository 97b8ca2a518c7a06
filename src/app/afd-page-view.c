/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "af-bbox.h"
#include "afd-page-view-private.h"

#define ZOOM_STEP 1.2
/* A box is "readable" when its text is at least this tall on screen. */
#define MIN_READABLE_BOX_HEIGHT 14.0

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdPageView, afd_page_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_ZOOM_MODE,
  PROP_ROTATION,
  PROP_CURRENT_PAGE,
  PROP_HOVERED_FIELD,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

static void schedule_update (AfdPageView *self);

/* ---- layout ---- */

static void
page_device_size (AfdPageView       *self,
                  const AfdPageSlot *slot,
                  double             zoom,
                  double            *out_width,
                  double            *out_height)
{
  af_page_device_size (slot->width, slot->height, zoom, self->rotation, out_width, out_height);
}

static void
compute_layout (AfdPageView *self)
{
  double y = AFD_PAGE_VIEW_MARGIN;
  double widest = 0;

  for (guint i = 0; i < self->pages->len; i++)
    {
      AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, i);
      double w, h;

      page_device_size (self, slot, self->zoom, &w, &h);
      slot->y = y;
      y += h + AFD_PAGE_VIEW_MARGIN;
      widest = MAX (widest, w);
    }
  self->content_width = widest + 2 * AFD_PAGE_VIEW_MARGIN;
  self->content_height = self->pages->len > 0 ? y : 0;
}

/* The zoom at which the widest page fits the width (or every page fits whole). */
static double
fit_zoom (AfdPageView *self,
          AfdZoomMode  mode)
{
  double view_w = gtk_widget_get_width (GTK_WIDGET (self)) - 2 * AFD_PAGE_VIEW_MARGIN;
  double view_h = gtk_widget_get_height (GTK_WIDGET (self)) - 2 * AFD_PAGE_VIEW_MARGIN;
  double zoom = G_MAXDOUBLE;

  for (guint i = 0; i < self->pages->len; i++)
    {
      double w, h;

      page_device_size (self, &g_array_index (self->pages, AfdPageSlot, i), 1.0, &w, &h);
      if (w > 0)
        zoom = MIN (zoom, view_w / w);
      if (mode == AFD_ZOOM_FIT_PAGE && h > 0)
        zoom = MIN (zoom, view_h / h);
    }
  if (zoom == G_MAXDOUBLE || view_w <= 0)
    return 1.0;
  return CLAMP (zoom, AFD_PAGE_VIEW_MIN_ZOOM, AFD_PAGE_VIEW_MAX_ZOOM);
}

static void
configure_adjustment (GtkAdjustment *adjustment,
                      double         content,
                      double         view,
                      double         value)
{
  double upper = MAX (content, view);

  gtk_adjustment_configure (adjustment, CLAMP (value, 0, MAX (upper - view, 0)), 0, upper,
                            view * 0.1, view * 0.9, view);
}

static void
configure_adjustments (AfdPageView *self,
                       double       hvalue,
                       double       vvalue)
{
  if (self->hadjustment != NULL)
    configure_adjustment (self->hadjustment, self->content_width,
                          gtk_widget_get_width (GTK_WIDGET (self)), hvalue);
  if (self->vadjustment != NULL)
    configure_adjustment (self->vadjustment, self->content_height,
                          gtk_widget_get_height (GTK_WIDGET (self)), vvalue);
}

static double
adjustment_value (GtkAdjustment *adjustment)
{
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}

void
afd_page_view_page_geometry (AfdPageView *self,
                             guint        index,
                             double      *out_x,
                             double      *out_y,
                             double      *out_width,
                             double      *out_height)
{
  AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, index);
  double area = MAX (self->content_width, gtk_widget_get_width (GTK_WIDGET (self)));

  page_device_size (self, slot, self->zoom, out_width, out_height);
  *out_x = floor ((area - *out_width) / 2) - adjustment_value (self->hadjustment);
  *out_y = slot->y - adjustment_value (self->vadjustment);
}

/* Changes the zoom keeping the content point under (@anchor_x, @anchor_y) in place. */
static void
apply_zoom (AfdPageView *self,
            double       zoom,
            double       anchor_x,
            double       anchor_y)
{
  double old = self->zoom;
  double cx = adjustment_value (self->hadjustment) + anchor_x;
  double cy = adjustment_value (self->vadjustment) + anchor_y;
  double ratio;

  zoom = CLAMP (zoom, AFD_PAGE_VIEW_MIN_ZOOM, AFD_PAGE_VIEW_MAX_ZOOM);
  if (fabs (zoom - old) < 1e-9)
    return;
  ratio = zoom / old;
  self->zoom = zoom;
  compute_layout (self);
  configure_adjustments (self, cx * ratio - anchor_x, cy * ratio - anchor_y);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  schedule_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_free_zoom (AfdPageView *self,
               double       zoom,
               double       anchor_x,
               double       anchor_y)
{
  if (self->zoom_mode != AFD_ZOOM_FREE)
    {
      self->zoom_mode = AFD_ZOOM_FREE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
    }
  apply_zoom (self, zoom, anchor_x, anchor_y);
}

/* ---- rendering requests ---- */

typedef struct
{
  AfdPageView  *view;         /* (owned) */
  guint         index;
  GCancellable *cancellable;  /* (owned) */
  double        scale;
} RenderRequest;

static void
render_request_free (RenderRequest *request)
{
  g_clear_object (&request->view);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void
on_render_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RenderRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  AfdPageSlot *slot;

  texture = afd_page_renderer_render_finish (AFD_PAGE_RENDERER (source), result, &error);
  /* Cancelled: the page left the view, or the document changed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      source != (GObject *) request->view->renderer || request->index >= request->view->pages->len)
    {
      render_request_free (request);
      return;
    }
  slot = &g_array_index (request->view->pages, AfdPageSlot, request->index);
  if (slot->pending == request->cancellable)
    g_clear_object (&slot->pending);
  if (texture != NULL)
    {
      g_set_object (&slot->texture, texture);
      slot->texture_scale = request->scale;
      gtk_widget_queue_draw (GTK_WIDGET (request->view));
    }
  else
    g_warning ("Page %u: %s", request->index + 1, error->message);
  render_request_free (request);
}

static void
request_render (AfdPageView       *self,
                guint              index,
                double             scale,
                AfdRenderPriority  priority)
{
  AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, index);
  RenderRequest *request;

  if (slot->texture != NULL && slot->texture_scale == scale)
    return;
  if (slot->pending != NULL && slot->pending_scale == scale)
    return;
  if (slot->pending != NULL)
    g_cancellable_cancel (slot->pending);
  g_set_object (&slot->pending, NULL);
  slot->pending = g_cancellable_new ();
  slot->pending_scale = scale;

  request = g_new0 (RenderRequest, 1);
  request->view = g_object_ref (self);
  request->index = index;
  request->cancellable = g_object_ref (slot->pending);
  request->scale = scale;
  afd_page_renderer_render_async (self->renderer, (int) index, scale, priority,
                                  slot->pending, on_render_done, request);
}

static void
forget_page (AfdPageSlot *slot,
             gboolean     drop_texture)
{
  if (slot->pending != NULL)
    g_cancellable_cancel (slot->pending);
  g_clear_object (&slot->pending);
  if (drop_texture)
    g_clear_object (&slot->texture);
}

static void
visible_range (AfdPageView *self,
               int         *out_first,
               int         *out_last)
{
  double view_h = gtk_widget_get_height (GTK_WIDGET (self));

  *out_first = -1;
  *out_last = -2;
  for (guint i = 0; i < self->pages->len; i++)
    {
      double x, y, w, h;

      afd_page_view_page_geometry (self, i, &x, &y, &w, &h);
      if (y + h < 0 || y > view_h)
        continue;
      if (*out_first < 0)
        *out_first = (int) i;
      *out_last = (int) i;
    }
}

static void
update_current_page (AfdPageView *self)
{
  double centre = gtk_widget_get_height (GTK_WIDGET (self)) / 2;
  int current = 0;

  for (guint i = 0; i < self->pages->len; i++)
    {
      double x, y, w, h;

      afd_page_view_page_geometry (self, i, &x, &y, &w, &h);
      if (y <= centre)
        current = (int) i;
    }
  if (current != self->current_page)
    {
      self->current_page = current;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_PAGE]);
    }
}

static gboolean
update_renders (gpointer user_data)
{
  AfdPageView *self = user_data;
  double scale = self->zoom * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int first, last;

  self->update_source = 0;
  if (self->renderer == NULL)
    return G_SOURCE_REMOVE;

  visible_range (self, &first, &last);
  for (int i = 0; i < (int) self->pages->len; i++)
    {
      if (i >= first && i <= last)
        request_render (self, (guint) i, scale, AFD_RENDER_PRIORITY_VISIBLE);
      else if (i == first - 1 || i == last + 1)
        request_render (self, (guint) i, scale, AFD_RENDER_PRIORITY_NEIGHBOUR);
      else
        /* Far pages give their memory back; near ones keep a texture to show while
         * the sharper one renders. */
        forget_page (&g_array_index (self->pages, AfdPageSlot, i), i < first - 2 || i > last + 2);
    }
  update_current_page (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_update (AfdPageView *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_renders, self, NULL);
}

/* ---- fields ---- */

static void
on_fields_changed (AfdPageView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect_fields (AfdPageView *self)
{
  guint n;

  if (self->fields == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  for (guint i = 0; i < n; i++)
    g_signal_handlers_disconnect_by_data (af_field_list_get_field (self->fields, i), self);
  g_signal_handlers_disconnect_by_data (self->fields, self);
  g_clear_object (&self->fields);
}

static void
connect_fields (AfdPageView *self,
                AfFieldList *fields)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (fields));

  self->fields = g_object_ref (fields);
  g_signal_connect_swapped (fields, "notify::selected", G_CALLBACK (on_fields_changed), self);
  for (guint i = 0; i < n; i++)
    g_signal_connect_swapped (af_field_list_get_field (fields, i), "notify",
                              G_CALLBACK (on_fields_changed), self);
}

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

/* ---- input ---- */

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           AfdPageView              *self)
{
  int field = field_at (self, x, y);

  afd_page_view_set_hovered_field (self, field);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), field >= 0 ? "pointer" : NULL);
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
  set_free_zoom (self, self->zoom * pow (ZOOM_STEP, -dy), x, y);
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
  set_free_zoom (self, self->pinch_start_zoom * scale, x, y);
}

static void
setup_controllers (AfdPageView *self)
{
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
}

/* ---- GtkScrollable ---- */

static void
on_adjustment_changed (GtkAdjustment *adjustment,
                       AfdPageView   *self)
{
  schedule_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AfdPageView    *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  if (*slot == adjustment)
    return;
  if (*slot != NULL)
    g_signal_handlers_disconnect_by_data (*slot, self);
  g_set_object (slot, adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
}

/* ---- GtkWidget ---- */

static void
afd_page_view_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  AfdPageView *self = AFD_PAGE_VIEW (widget);

  if (self->zoom_mode != AFD_ZOOM_FREE)
    {
      double zoom = fit_zoom (self, self->zoom_mode);

      if (fabs (zoom - self->zoom) > 1e-9)
        {
          self->zoom = zoom;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
        }
    }
  compute_layout (self);
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
  if (self->pending_reveal >= 0)
    {
      int position = self->pending_reveal;

      self->pending_reveal = -1;
      afd_page_view_reveal_field (self, (guint) position);
    }
  schedule_update (self);
}

static void
afd_page_view_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = 64;
  *natural = 600;
}

static void
afd_page_view_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  afd_page_view_snapshot_pages (AFD_PAGE_VIEW (widget), snapshot);
}

static void
clear_pages (AfdPageView *self)
{
  for (guint i = 0; i < self->pages->len; i++)
    forget_page (&g_array_index (self->pages, AfdPageSlot, i), TRUE);
  g_array_set_size (self->pages, 0);
}

static void
afd_page_view_dispose (GObject *object)
{
  AfdPageView *self = AFD_PAGE_VIEW (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  clear_pages (self);
  disconnect_fields (self);
  g_clear_object (&self->renderer);
  if (self->hadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->hadjustment, self);
  if (self->vadjustment != NULL)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->hadjustment);
  g_clear_object (&self->vadjustment);

  G_OBJECT_CLASS (afd_page_view_parent_class)->dispose (object);
}

static void
afd_page_view_finalize (GObject *object)
{
  g_clear_pointer (&AFD_PAGE_VIEW (object)->pages, g_array_unref);

  G_OBJECT_CLASS (afd_page_view_parent_class)->finalize (object);
}

static void
afd_page_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AfdPageView *self = AFD_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_ZOOM_MODE:
      g_value_set_int (value, self->zoom_mode);
      break;
    case PROP_ROTATION:
      g_value_set_int (value, self->rotation);
      break;
    case PROP_CURRENT_PAGE:
      g_value_set_int (value, self->current_page);
      break;
    case PROP_HOVERED_FIELD:
      g_value_set_int (value, self->hovered);
      break;
    case PROP_HADJUSTMENT:
      g_value_set_object (value, self->hadjustment);
      break;
    case PROP_VADJUSTMENT:
      g_value_set_object (value, self->vadjustment);
      break;
    case PROP_HSCROLL_POLICY:
      g_value_set_enum (value, self->hscroll_policy);
      break;
    case PROP_VSCROLL_POLICY:
      g_value_set_enum (value, self->vscroll_policy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_page_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AfdPageView *self = AFD_PAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      afd_page_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_ZOOM_MODE:
      afd_page_view_set_zoom_mode (self, g_value_get_int (value));
      break;
    case PROP_ROTATION:
      afd_page_view_set_rotation (self, g_value_get_int (value));
      break;
    case PROP_HOVERED_FIELD:
      afd_page_view_set_hovered_field (self, g_value_get_int (value));
      break;
    case PROP_HADJUSTMENT:
      set_adjustment (self, &self->hadjustment, g_value_get_object (value));
      break;
    case PROP_VADJUSTMENT:
      set_adjustment (self, &self->vadjustment, g_value_get_object (value));
      break;
    case PROP_HSCROLL_POLICY:
      self->hscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    case PROP_VSCROLL_POLICY:
      self->vscroll_policy = g_value_get_enum (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_page_view_class_init (AfdPageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = afd_page_view_dispose;
  object_class->finalize = afd_page_view_finalize;
  object_class->get_property = afd_page_view_get_property;
  object_class->set_property = afd_page_view_set_property;

  widget_class->size_allocate = afd_page_view_size_allocate;
  widget_class->measure = afd_page_view_measure;
  widget_class->snapshot = afd_page_view_snapshot;

  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, AFD_PAGE_VIEW_MIN_ZOOM,
                                               AFD_PAGE_VIEW_MAX_ZOOM, 1.0, rw);
  properties[PROP_ZOOM_MODE] = g_param_spec_int ("zoom-mode", NULL, NULL, AFD_ZOOM_FREE,
                                                 AFD_ZOOM_FIT_PAGE, AFD_ZOOM_FIT_WIDTH, rw);
  properties[PROP_ROTATION] = g_param_spec_int ("rotation", NULL, NULL, 0, 270, 0, rw);
  properties[PROP_CURRENT_PAGE] =
    g_param_spec_int ("current-page", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HOVERED_FIELD] = g_param_spec_int ("hovered-field", NULL, NULL, -1, G_MAXINT, -1, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "afd-page-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
afd_page_view_init (AfdPageView *self)
{
  self->pages = g_array_new (FALSE, TRUE, sizeof (AfdPageSlot));
  self->zoom = 1.0;
  self->zoom_mode = AFD_ZOOM_FIT_WIDTH;
  self->hovered = -1;
  self->pending_reveal = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Document page"), -1);
  setup_controllers (self);
}

GtkWidget *
afd_page_view_new (void)
{
  return g_object_new (AFD_TYPE_PAGE_VIEW, NULL);
}

/* ---- public API ---- */

static void
load_pages (AfdPageView *self)
{
  int n = self->renderer != NULL ? afd_page_renderer_get_n_pages (self->renderer) : 0;

  for (int i = 0; i < n; i++)
    {
      AfdPageSlot slot = { 0 };

      afd_page_renderer_get_page_size (self->renderer, i, &slot.width, &slot.height);
      g_array_append_val (self->pages, slot);
    }
}

void
afd_page_view_set_document (AfdPageView     *self,
                            AfdPageRenderer *renderer,
                            AfFieldList     *fields)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));
  g_return_if_fail (renderer == NULL || afd_page_renderer_is_open (renderer));

  clear_pages (self);
  disconnect_fields (self);
  g_set_object (&self->renderer, renderer);
  if (fields != NULL)
    connect_fields (self, fields);
  load_pages (self);
  self->hovered = -1;
  self->pending_reveal = -1;
  self->current_page = 0;
  compute_layout (self);
  configure_adjustments (self, 0, 0);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  schedule_update (self);
}

double
afd_page_view_get_zoom (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), 1.0);
  return self->zoom;
}

void
afd_page_view_set_zoom (AfdPageView *self,
                        double       zoom)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));
  set_free_zoom (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                 gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

AfdZoomMode
afd_page_view_get_zoom_mode (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), AFD_ZOOM_FREE);
  return self->zoom_mode;
}

void
afd_page_view_set_zoom_mode (AfdPageView *self,
                             AfdZoomMode  mode)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  if (self->zoom_mode != mode)
    {
      self->zoom_mode = mode;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODE]);
    }
  if (mode != AFD_ZOOM_FREE)
    apply_zoom (self, fit_zoom (self, mode), 0, 0);
}

void
afd_page_view_zoom_in (AfdPageView *self)
{
  afd_page_view_set_zoom (self, afd_page_view_get_zoom (self) * ZOOM_STEP);
}

void
afd_page_view_zoom_out (AfdPageView *self)
{
  afd_page_view_set_zoom (self, afd_page_view_get_zoom (self) / ZOOM_STEP);
}

int
afd_page_view_get_rotation (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), 0);
  return self->rotation;
}

void
afd_page_view_set_rotation (AfdPageView *self,
                            int          rotation)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  rotation = af_rotation_normalize (rotation);
  if (rotation == self->rotation)
    return;
  self->rotation = rotation;
  if (self->zoom_mode != AFD_ZOOM_FREE)
    self->zoom = fit_zoom (self, self->zoom_mode);
  compute_layout (self);
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         adjustment_value (self->vadjustment));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  schedule_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
afd_page_view_get_n_pages (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), 0);
  return (int) self->pages->len;
}

int
afd_page_view_get_current_page (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), 0);
  return self->current_page;
}

void
afd_page_view_scroll_to_page (AfdPageView *self,
                              int          page)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  if (page < 0 || page >= (int) self->pages->len)
    return;
  configure_adjustments (self, adjustment_value (self->hadjustment),
                         g_array_index (self->pages, AfdPageSlot, page).y - AFD_PAGE_VIEW_MARGIN);
  update_renders (self);
}

gboolean
afd_page_view_get_page_rect (AfdPageView     *self,
                             int              page,
                             graphene_rect_t *out_rect)
{
  double x, y, w, h;

  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);

  if (page < 0 || page >= (int) self->pages->len)
    return FALSE;
  afd_page_view_page_geometry (self, (guint) page, &x, &y, &w, &h);
  graphene_rect_init (out_rect, x, y, w, h);
  return TRUE;
}

gboolean
afd_page_view_get_field_rect (AfdPageView     *self,
                              guint            position,
                              graphene_rect_t *out_rect)
{
  AfField *field;
  AfdPageSlot *slot;
  AfRect r;
  double x, y, w, h;
  int page;

  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);

  field = self->fields != NULL ? af_field_list_get_field (self->fields, position) : NULL;
  /* Never drawn somewhere wrong: a box that failed validation has no rectangle. */
  if (field == NULL || !af_field_is_drawable (field))
    return FALSE;
  page = af_field_get_page (field) - 1;
  if (page < 0 || page >= (int) self->pages->len)
    return FALSE;
  slot = &g_array_index (self->pages, AfdPageSlot, page);
  afd_page_view_page_geometry (self, (guint) page, &x, &y, &w, &h);
  r = af_bbox_to_device (af_field_get_bbox (field), slot->width, slot->height, self->zoom,
                         self->rotation);
  graphene_rect_init (out_rect, x + r.x, y + r.y, r.width, r.height);
  return TRUE;
}

/* Zooms so that the box is readable and wholly visible, keeping the current zoom
 * when it already is. */
static double
zoom_for_box (AfdPageView           *self,
              const graphene_rect_t *rect)
{
  double view_w = gtk_widget_get_width (GTK_WIDGET (self)) - 4 * AFD_PAGE_VIEW_MARGIN;
  double view_h = gtk_widget_get_height (GTK_WIDGET (self)) - 4 * AFD_PAGE_VIEW_MARGIN;
  double zoom = self->zoom;
  double text_h = MIN (rect->size.width, rect->size.height);

  if (text_h > 0 && text_h < MIN_READABLE_BOX_HEIGHT)
    zoom *= MIN_READABLE_BOX_HEIGHT / text_h;
  if (rect->size.width * zoom / self->zoom > view_w && view_w > 0)
    zoom = self->zoom * view_w / rect->size.width;
  if (rect->size.height * zoom / self->zoom > view_h && view_h > 0)
    zoom = MIN (zoom, self->zoom * view_h / rect->size.height);
  return CLAMP (zoom, AFD_PAGE_VIEW_MIN_ZOOM, AFD_PAGE_VIEW_MAX_ZOOM);
}

gboolean
afd_page_view_center_field (AfdPageView *self,
                            guint        position)
{
  graphene_rect_t rect;

  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);

  if (!afd_page_view_get_field_rect (self, position, &rect))
    return FALSE;
  /* Move the scroll position by the box centre's distance from the view's centre. */
  configure_adjustments (self,
                         adjustment_value (self->hadjustment) + rect.origin.x + rect.size.width / 2
                         - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         adjustment_value (self->vadjustment) + rect.origin.y + rect.size.height / 2
                         - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  update_renders (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

gboolean
afd_page_view_reveal_field (AfdPageView *self,
                            guint        position)
{
  graphene_rect_t rect;
  double zoom;

  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);

  if (!afd_page_view_get_field_rect (self, position, &rect))
    return FALSE;
  /* Not allocated yet (a document just opened): centring needs the view's size. */
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 0 || gtk_widget_get_height (GTK_WIDGET (self)) <= 0)
    {
      self->pending_reveal = (int) position;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
      return TRUE;
    }
  zoom = zoom_for_box (self, &rect);
  if (fabs (zoom - self->zoom) > 1e-6)
    set_free_zoom (self, zoom, 0, 0);
  return afd_page_view_center_field (self, position);
}

int
afd_page_view_get_hovered_field (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), -1);
  return self->hovered;
}

void
afd_page_view_set_hovered_field (AfdPageView *self,
                                 int          position)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  if (self->hovered == position)
    return;
  self->hovered = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVERED_FIELD]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
