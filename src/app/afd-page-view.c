/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "af-bbox.h"
#include "afd-page-view-private.h"
#include "afd-scrollable.h"

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
configure_adjustments (AfdPageView *self,
                       double       hvalue,
                       double       vvalue)
{
  afd_scrollable_configure (self->hadjustment, hvalue, self->content_width,
                            gtk_widget_get_width (GTK_WIDGET (self)));
  afd_scrollable_configure (self->vadjustment, vvalue, self->content_height,
                            gtk_widget_get_height (GTK_WIDGET (self)));
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
  *out_x = floor ((area - *out_width) / 2) - afd_scrollable_value (self->hadjustment);
  *out_y = slot->y - afd_scrollable_value (self->vadjustment);
}

/* Changes the zoom keeping the content point under (@anchor_x, @anchor_y) in place. */
static void
apply_zoom (AfdPageView *self,
            double       zoom,
            double       anchor_x,
            double       anchor_y)
{
  double old = self->zoom;
  double cx = afd_scrollable_value (self->hadjustment) + anchor_x;
  double cy = afd_scrollable_value (self->vadjustment) + anchor_y;
  double ratio;

  zoom = CLAMP (zoom, AFD_PAGE_VIEW_MIN_ZOOM, AFD_PAGE_VIEW_MAX_ZOOM);
  if (fabs (zoom - old) < 1e-9)
    return;
  ratio = zoom / old;
  self->zoom = zoom;
  compute_layout (self);
  configure_adjustments (self, cx * ratio - anchor_x, cy * ratio - anchor_y);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  afd_page_view_schedule_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_page_view_set_free_zoom (AfdPageView *self,
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

void
afd_page_view_update_current_page (AfdPageView *self)
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

/* ---- fields ---- */

static void
on_fields_changed (AfdPageView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
disconnect_fields (AfdPageView *self)
{
  if (self->fields != NULL)
    af_field_list_disconnect_by_data (self->fields, self);
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

/* ---- GtkScrollable ---- */

static void
on_adjustment_changed (AfdPageView *self)
{
  afd_page_view_schedule_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AfdPageView    *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (!afd_scrollable_set_adjustment (slot, adjustment, G_CALLBACK (on_adjustment_changed), self))
    return;
  configure_adjustments (self, afd_scrollable_value (self->hadjustment),
                         afd_scrollable_value (self->vadjustment));
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
  configure_adjustments (self, afd_scrollable_value (self->hadjustment),
                         afd_scrollable_value (self->vadjustment));
  if (self->pending_reveal >= 0)
    {
      int position = self->pending_reveal;

      self->pending_reveal = -1;
      afd_page_view_reveal_field (self, (guint) position);
    }
  afd_page_view_schedule_update (self);
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
    afd_page_view_forget_page (&g_array_index (self->pages, AfdPageSlot, i), TRUE);
  g_array_set_size (self->pages, 0);
}

static void
afd_page_view_dispose (GObject *object)
{
  AfdPageView *self = AFD_PAGE_VIEW (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  clear_pages (self);
  disconnect_fields (self);
  g_clear_object (&self->renderer);
  afd_scrollable_clear_adjustment (&self->hadjustment, self);
  afd_scrollable_clear_adjustment (&self->vadjustment, self);

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

/* Arrow keys, Page Up/Down, Home/End: the whole review can be done without a mouse. */
static gboolean
scroll_binding (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  AfdPageView *self = AFD_PAGE_VIEW (widget);
  double dx, dy;

  g_variant_get (args, "(dd)", &dx, &dy);
  /* Whole pages of the view for |d| == 1000 and more (Page Up/Down, Home/End). */
  if (fabs (dy) >= 1000)
    dy = dy / 1000 * gtk_widget_get_height (widget) * 0.9;
  configure_adjustments (self, afd_scrollable_value (self->hadjustment) + dx,
                         afd_scrollable_value (self->vadjustment) + dy);
  return TRUE;
}

static void
add_scroll_bindings (GtkWidgetClass *widget_class)
{
  static const struct { guint key; GdkModifierType mods; double dx, dy; } keys[] = {
    { GDK_KEY_Up, 0, 0, -40 }, { GDK_KEY_Down, 0, 0, 40 },
    { GDK_KEY_Left, 0, -40, 0 }, { GDK_KEY_Right, 0, 40, 0 },
    { GDK_KEY_Page_Up, 0, 0, -1000 }, { GDK_KEY_Page_Down, 0, 0, 1000 },
    { GDK_KEY_space, 0, 0, 1000 }, { GDK_KEY_space, GDK_SHIFT_MASK, 0, -1000 },
    { GDK_KEY_Home, 0, 0, -1e9 }, { GDK_KEY_End, 0, 0, 1e9 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_widget_class_add_binding (widget_class, keys[i].key, keys[i].mods, scroll_binding,
                                  "(dd)", keys[i].dx, keys[i].dy);
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

  g_signal_new ("text-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                NULL, G_TYPE_NONE, 5, G_TYPE_INT, G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_DOUBLE,
                G_TYPE_DOUBLE);

  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_css_name (widget_class, "afd-page-view");
  add_scroll_bindings (widget_class);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
on_scale_factor_changed (AfdPageView *self,
                         GParamSpec  *pspec,
                         gpointer     user_data)
{
  afd_page_view_schedule_update (self);
}

static void
afd_page_view_init (AfdPageView *self)
{
  self->pages = g_array_new (FALSE, TRUE, sizeof (AfdPageSlot));
  self->zoom = 1.0;
  self->zoom_mode = AFD_ZOOM_FIT_WIDTH;
  self->hovered = -1;
  self->pending_reveal = -1;
  self->selection_page = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Document page"), -1);
  afd_page_view_setup_controllers (self);
  /* The blocks over personal data follow the light or dark style. */
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::dark",
                            G_CALLBACK (gtk_widget_queue_draw), self);
  g_signal_connect_swapped (adw_style_manager_get_default (), "notify::high-contrast",
                            G_CALLBACK (gtk_widget_queue_draw), self);
  /* Moved to a HiDPI monitor (or back): the pages are re-rendered at the new scale. */
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (on_scale_factor_changed), NULL);
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
  self->selection_page = -1;
  self->current_page = 0;
  compute_layout (self);
  configure_adjustments (self, 0, 0);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  afd_page_view_schedule_update (self);
}

void
afd_page_view_set_pii_revealed (AfdPageView *self,
                                gboolean     revealed)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  if (self->pii_revealed == !!revealed)
    return;
  self->pii_revealed = !!revealed;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
afd_page_view_get_pii_revealed (AfdPageView *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);
  return self->pii_revealed;
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
  afd_page_view_set_free_zoom (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
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
  configure_adjustments (self, afd_scrollable_value (self->hadjustment),
                         afd_scrollable_value (self->vadjustment));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROTATION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  afd_page_view_schedule_update (self);
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
  configure_adjustments (self, afd_scrollable_value (self->hadjustment),
                         g_array_index (self->pages, AfdPageSlot, page).y - AFD_PAGE_VIEW_MARGIN);
  afd_page_view_update_renders (self);
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
                         afd_scrollable_value (self->hadjustment) + rect.origin.x
                         + rect.size.width / 2 - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                         afd_scrollable_value (self->vadjustment) + rect.origin.y
                         + rect.size.height / 2 - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
  afd_page_view_update_renders (self);
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
    afd_page_view_set_free_zoom (self, zoom, 0, 0);
  return afd_page_view_center_field (self, position);
}

gboolean
afd_page_view_get_text_selection (AfdPageView *self,
                                  int         *out_page,
                                  double       out_rect[4])
{
  g_return_val_if_fail (AFD_IS_PAGE_VIEW (self), FALSE);

  if (self->selection_page < 0 || !self->selection_shown)
    return FALSE;
  *out_page = self->selection_page;
  out_rect[0] = MIN (self->selection[0], self->selection[2]);
  out_rect[1] = MIN (self->selection[1], self->selection[3]);
  out_rect[2] = MAX (self->selection[0], self->selection[2]);
  out_rect[3] = MAX (self->selection[1], self->selection[3]);
  return TRUE;
}

void
afd_page_view_clear_text_selection (AfdPageView *self)
{
  g_return_if_fail (AFD_IS_PAGE_VIEW (self));

  if (self->selection_page < 0)
    return;
  self->selection_page = -1;
  self->selection_shown = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
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
