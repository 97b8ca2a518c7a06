/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "afd-image-view-private.h"
#include "afd-scrollable.h"

enum
{
  PROP_0,
  PROP_ZOOM,
  PROP_FIT,
  PROP_LOUPE,
  N_PROPS,
  /* GtkScrollable */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdImageView, afd_image_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

GtkWidget *
afd_image_view_new (void)
{
  return g_object_new (AFD_TYPE_IMAGE_VIEW, NULL);
}

/* ---- geometry ---- */

static double
content_width (AfdImageView *self)
{
  return self->tiles != NULL ? afd_image_tiles_get_width (self->tiles) * self->zoom : 0;
}

static double
content_height (AfdImageView *self)
{
  return self->tiles != NULL ? afd_image_tiles_get_height (self->tiles) * self->zoom : 0;
}

/* The whole picture in the view, never enlarged past 100 %. */
static double
fit_zoom (AfdImageView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double zoom;

  if (self->tiles == NULL || width <= 0 || height <= 0)
    return 1.0;
  zoom = MIN ((double) width / afd_image_tiles_get_width (self->tiles),
              (double) height / afd_image_tiles_get_height (self->tiles));
  return CLAMP (zoom, AFD_IMAGE_VIEW_MIN_ZOOM, 1.0);
}

/* A picture smaller than the view is centred; a larger one follows the adjustment. */
static double
axis_origin (GtkAdjustment *adjustment,
             double         content,
             int            size)
{
  if (content <= size || adjustment == NULL)
    return floor ((size - content) / 2);
  return -round (gtk_adjustment_get_value (adjustment));
}

void
afd_image_view_origin (AfdImageView *self,
                       double       *x,
                       double       *y)
{
  *x = axis_origin (self->hadjustment, content_width (self), gtk_widget_get_width (GTK_WIDGET (self)));
  *y = axis_origin (self->vadjustment, content_height (self), gtk_widget_get_height (GTK_WIDGET (self)));
}

static void
configure_both (AfdImageView *self,
                double        h_value,
                double        v_value)
{
  afd_scrollable_configure (self->hadjustment, h_value, content_width (self),
                            gtk_widget_get_width (GTK_WIDGET (self)));
  afd_scrollable_configure (self->vadjustment, v_value, content_height (self),
                            gtk_widget_get_height (GTK_WIDGET (self)));
}

static void
update_accessible (AfdImageView *self)
{
  g_autofree char *description = NULL;

  if (self->tiles == NULL)
    return;
  /* Translators: the artwork's size in pixels and its zoom in per cent. */
  description = g_strdup_printf (_("%d × %d pixels, zoom %.0f %%%s"),
                                 afd_image_tiles_get_width (self->tiles),
                                 afd_image_tiles_get_height (self->tiles), self->zoom * 100,
                                 self->loupe ? _(", loupe on") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

static void
set_fit (AfdImageView *self,
         gboolean      fit)
{
  if (self->fit == !!fit)
    return;
  self->fit = !!fit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIT]);
}

void
afd_image_view_zoom_at (AfdImageView *self,
                        double        zoom,
                        double        anchor_x,
                        double        anchor_y)
{
  double origin_x, origin_y, image_x, image_y;

  /* Half the fitted size at the least: smaller shows nothing more. */
  zoom = CLAMP (zoom, MAX (AFD_IMAGE_VIEW_MIN_ZOOM, fit_zoom (self) / 2), AFD_IMAGE_VIEW_MAX_ZOOM);
  afd_image_view_origin (self, &origin_x, &origin_y);
  image_x = (anchor_x - origin_x) / self->zoom;
  image_y = (anchor_y - origin_y) / self->zoom;
  set_fit (self, FALSE);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  configure_both (self, image_x * zoom - anchor_x, image_y * zoom - anchor_y);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_image_view_set_zoom (AfdImageView *self,
                         double        zoom)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  afd_image_view_zoom_at (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                          gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

double
afd_image_view_get_zoom (AfdImageView *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), 1.0);
  return self->zoom;
}

gboolean
afd_image_view_get_fit (AfdImageView *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), FALSE);
  return self->fit;
}

static void
apply_fit (AfdImageView *self)
{
  double zoom = fit_zoom (self);

  configure_both (self, 0, 0);
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  configure_both (self, 0, 0);
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
afd_image_view_zoom_fit (AfdImageView *self)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  set_fit (self, TRUE);
  apply_fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_image_view_zoom_in (AfdImageView *self)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  afd_image_view_set_zoom (self, self->zoom * AFD_IMAGE_VIEW_ZOOM_STEP);
}

void
afd_image_view_zoom_out (AfdImageView *self)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  afd_image_view_set_zoom (self, self->zoom / AFD_IMAGE_VIEW_ZOOM_STEP);
}

void
afd_image_view_reveal_point (AfdImageView *self,
                             double        x,
                             double        y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double origin_x, origin_y, wx, wy;

  afd_image_view_origin (self, &origin_x, &origin_y);
  wx = origin_x + x * self->zoom;
  wy = origin_y + y * self->zoom;
  if (wx >= 0 && wx <= width && wy >= 0 && wy <= height)
    return;
  configure_both (self, x * self->zoom - width / 2.0, y * self->zoom - height / 2.0);
}

/* ---- image, overlay, regions, loupe ---- */

void
afd_image_view_set_image (AfdImageView  *self,
                          AfdImageTiles *tiles)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  g_return_if_fail (tiles == NULL || AFD_IS_IMAGE_TILES (tiles));

  g_set_object (&self->tiles, tiles);
  g_clear_object (&self->overlay);
  self->warm_up_stage = 0;
  g_array_set_size (self->regions, 0);
  if (tiles != NULL)
    {
      self->loupe_x = afd_image_tiles_get_width (tiles) / 2.0;
      self->loupe_y = afd_image_tiles_get_height (tiles) / 2.0;
    }
  afd_image_view_zoom_fit (self);
  update_accessible (self);
}

AfdImageTiles *
afd_image_view_get_image (AfdImageView *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), NULL);
  return self->tiles;
}

void
afd_image_view_set_overlay (AfdImageView  *self,
                            AfdImageTiles *overlay)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  if (g_set_object (&self->overlay, overlay))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_image_view_set_overlay_opacity (AfdImageView *self,
                                    double        opacity)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  self->overlay_opacity = CLAMP (opacity, 0, 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
afd_image_view_get_loupe (AfdImageView *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), FALSE);
  return self->loupe;
}

void
afd_image_view_set_loupe (AfdImageView *self,
                          gboolean      loupe)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  if (self->loupe == !!loupe)
    return;
  self->loupe = !!loupe;
  update_accessible (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOUPE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_image_view_set_loupe_point (AfdImageView *self,
                                double        x,
                                double        y)
{
  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  if (self->tiles == NULL)
    return;
  self->loupe_x = CLAMP (x, 0, afd_image_tiles_get_width (self->tiles));
  self->loupe_y = CLAMP (y, 0, afd_image_tiles_get_height (self->tiles));
  self->loupe_shown = TRUE;
  if (self->loupe)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
afd_image_view_get_loupe_point (AfdImageView *self,
                                double       *x,
                                double       *y)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), FALSE);
  *x = self->loupe_x;
  *y = self->loupe_y;
  return self->loupe && self->loupe_shown && self->tiles != NULL;
}

static void
regions_union (AfdImageView    *self,
               graphene_rect_t *out)
{
  *out = g_array_index (self->regions, graphene_rect_t, 0);
  for (guint i = 1; i < self->regions->len; i++)
    graphene_rect_union (out, &g_array_index (self->regions, graphene_rect_t, i), out);
}

void
afd_image_view_set_regions (AfdImageView          *self,
                            const graphene_rect_t *regions,
                            guint                  n_regions)
{
  graphene_rect_t all;

  g_return_if_fail (AFD_IS_IMAGE_VIEW (self));
  g_array_set_size (self->regions, 0);
  g_array_append_vals (self->regions, regions, n_regions);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (n_regions == 0)
    return;
  regions_union (self, &all);
  afd_image_view_reveal_point (self, all.origin.x + all.size.width / 2,
                               all.origin.y + all.size.height / 2);
}

guint
afd_image_view_get_n_regions (AfdImageView *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), 0);
  return self->regions->len;
}

gboolean
afd_image_view_get_regions_bounds (AfdImageView    *self,
                                   graphene_rect_t *bounds)
{
  double x, y;

  g_return_val_if_fail (AFD_IS_IMAGE_VIEW (self), FALSE);
  if (self->regions->len == 0 || self->tiles == NULL)
    return FALSE;
  regions_union (self, bounds);
  afd_image_view_origin (self, &x, &y);
  graphene_rect_scale (bounds, self->zoom, self->zoom, bounds);
  graphene_rect_offset (bounds, x, y);
  return TRUE;
}

/* ---- GtkWidget ---- */

static void
afd_image_view_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = 64;
  *natural = 480;
}

static void
afd_image_view_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  AfdImageView *self = AFD_IMAGE_VIEW (widget);

  if (self->fit)
    apply_fit (self);
  else
    configure_both (self,
                    self->hadjustment != NULL ? gtk_adjustment_get_value (self->hadjustment) : 0,
                    self->vadjustment != NULL ? gtk_adjustment_get_value (self->vadjustment) : 0);
}

/* ---- GtkScrollable ---- */

static void
adjustment_changed_cb (AfdImageView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AfdImageView   *self,
                GtkAdjustment **slot,
                GtkAdjustment  *adjustment)
{
  if (afd_scrollable_set_adjustment (slot, adjustment, G_CALLBACK (adjustment_changed_cb), self))
    gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
afd_image_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AfdImageView *self = AFD_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM: g_value_set_double (value, self->zoom); break;
    case PROP_FIT: g_value_set_boolean (value, self->fit); break;
    case PROP_LOUPE: g_value_set_boolean (value, self->loupe); break;
    case PROP_HADJUSTMENT: g_value_set_object (value, self->hadjustment); break;
    case PROP_VADJUSTMENT: g_value_set_object (value, self->vadjustment); break;
    case PROP_HSCROLL_POLICY: g_value_set_enum (value, self->hscroll_policy); break;
    case PROP_VSCROLL_POLICY: g_value_set_enum (value, self->vscroll_policy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_image_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AfdImageView *self = AFD_IMAGE_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM: afd_image_view_set_zoom (self, g_value_get_double (value)); break;
    case PROP_FIT:
      if (g_value_get_boolean (value))
        afd_image_view_zoom_fit (self);
      else
        set_fit (self, FALSE);
      break;
    case PROP_LOUPE: afd_image_view_set_loupe (self, g_value_get_boolean (value)); break;
    case PROP_HADJUSTMENT: set_adjustment (self, &self->hadjustment, g_value_get_object (value)); break;
    case PROP_VADJUSTMENT: set_adjustment (self, &self->vadjustment, g_value_get_object (value)); break;
    case PROP_HSCROLL_POLICY: self->hscroll_policy = g_value_get_enum (value); break;
    case PROP_VSCROLL_POLICY: self->vscroll_policy = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_image_view_dispose (GObject *object)
{
  AfdImageView *self = AFD_IMAGE_VIEW (object);

  if (self->redraw_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->redraw_tick);
  self->redraw_tick = 0;
  afd_scrollable_clear_adjustment (&self->hadjustment, self);
  afd_scrollable_clear_adjustment (&self->vadjustment, self);
  g_clear_object (&self->tiles);
  g_clear_object (&self->overlay);
  g_clear_pointer (&self->regions, g_array_unref);

  G_OBJECT_CLASS (afd_image_view_parent_class)->dispose (object);
}

static void
afd_image_view_class_init (AfdImageViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_image_view_dispose;
  object_class->get_property = afd_image_view_get_property;
  object_class->set_property = afd_image_view_set_property;
  widget_class->measure = afd_image_view_measure;
  widget_class->size_allocate = afd_image_view_size_allocate;
  widget_class->snapshot = afd_image_view_snapshot;

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, AFD_IMAGE_VIEW_MIN_ZOOM,
                         AFD_IMAGE_VIEW_MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FIT] =
    g_param_spec_boolean ("fit", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOUPE] =
    g_param_spec_boolean ("loupe", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  afd_image_view_add_bindings (widget_class);
  gtk_widget_class_set_css_name (widget_class, "imageview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
afd_image_view_init (AfdImageView *self)
{
  self->zoom = 1.0;
  self->fit = TRUE;
  self->overlay_opacity = 0.7;
  self->regions = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  afd_image_view_setup_controllers (self);
}
