/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-workbench"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-forensics.h"
#include "afd-ela-overlay.h"
#include "afd-image-tiles.h"
#include "afd-image-workbench.h"

/* The gain slider moves in steps; the overlay follows once it rests. */
#define GAIN_DEBOUNCE_MS 150

struct _AfdImageWorkbench
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkStack      *image_stack;
  GtkSpinner    *spinner;
  AfdImageView  *image_view;
  AdwStatusPage *image_error_page;
  GtkButton     *zoom_button;
  GtkToggleButton *fit_button;
  GtkToggleButton *loupe_button;
  GtkWidget     *ela_box;
  GtkToggleButton *ela_button;
  GtkLabel      *quality_label;
  GtkWidget     *progress_box;
  GtkProgressBar *progress_bar;
  GtkSpinButton *ela_quality_spin;
  GtkRange      *ela_opacity_scale;
  GtkRange      *ela_scale_scale;

  /* owned references */
  GCancellable  *cancellable;   /* (nullable) the picture being decoded */
  GCancellable  *inspection;    /* (nullable) the inspection in flight */
  GCancellable  *ela_work;      /* (nullable) an ELA (re)computation in flight */
  AfForensicsReport *report;    /* (nullable) */
  AfImageBuffer *difference;    /* (nullable) the ELA shown, raw */

  guint          zoom_label_source;
  guint          gain_source;
  gboolean       updating;      /* the controls are being set from the report */
};

enum
{
  SIGNAL_LOADED,
  SIGNAL_INSPECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AfdImageWorkbench, afd_image_workbench, GTK_TYPE_WIDGET)

static gboolean
update_zoom_label (gpointer user_data)
{
  AfdImageWorkbench *self = user_data;
  g_autofree char *label = g_strdup_printf ("%.0f %%",
                                            afd_image_view_get_zoom (self->image_view) * 100);

  g_autofree char *name = NULL;

  self->zoom_label_source = 0;
  gtk_button_set_label (self->zoom_button, label);
  /* Translators: the zoom button's name for screen readers; %s is "38 %". */
  name = g_strdup_printf (_("Zoom %s, activate for 100 %%"), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->zoom_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return G_SOURCE_REMOVE;
}

/* The zoom changes while the view is being allocated (fit follows its size): a label
 * resized then would miss that frame's layout, so it changes after it. */
static void
zoom_changed_cb (AfdImageWorkbench *self)
{
  if (self->zoom_label_source == 0)
    self->zoom_label_source = g_idle_add (update_zoom_label, self);
}

/* ---- the inspection and its error level analysis ---- */

static void
cancel_ela_work (AfdImageWorkbench *self)
{
  g_cancellable_cancel (self->ela_work);
  g_clear_object (&self->ela_work);
  g_clear_handle_id (&self->gain_source, g_source_remove);
}

static void
forget_inspection (AfdImageWorkbench *self)
{
  g_cancellable_cancel (self->inspection);
  g_clear_object (&self->inspection);
  cancel_ela_work (self);
  g_clear_object (&self->report);
  g_clear_pointer (&self->difference, af_image_buffer_unref);
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_widget_set_sensitive (self->ela_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_label), FALSE);
  gtk_toggle_button_set_active (self->ela_button, FALSE);
}

static void
overlay_rendered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfdImageTiles) overlay = afd_ela_overlay_render_finish (result, &error);
  AfdImageWorkbench *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_IMAGE_WORKBENCH (user_data);
  g_clear_object (&self->ela_work);
  if (gtk_toggle_button_get_active (self->ela_button))
    afd_image_view_set_overlay (self->image_view, overlay);
}

/* Amplifies the current difference at the slider's gain, off the main thread. */
static void
render_overlay (AfdImageWorkbench *self)
{
  if (self->difference == NULL || !gtk_toggle_button_get_active (self->ela_button))
    return;
  g_cancellable_cancel (self->ela_work);
  g_clear_object (&self->ela_work);
  self->ela_work = g_cancellable_new ();
  afd_ela_overlay_render_async (self->difference, gtk_range_get_value (self->ela_scale_scale),
                                self->ela_work, overlay_rendered_cb, self);
}

static void
ela_computed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfImageBuffer) difference = af_forensics_ela_finish (result, &error);
  AfdImageWorkbench *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_IMAGE_WORKBENCH (user_data);
  g_clear_object (&self->ela_work);
  if (difference == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
      return;
    }
  g_clear_pointer (&self->difference, af_image_buffer_unref);
  self->difference = g_steal_pointer (&difference);
  render_overlay (self);
}

static void
quality_changed_cb (AfdImageWorkbench *self)
{
  AfdImageTiles *tiles = afd_image_view_get_image (self->image_view);

  if (self->updating || self->report == NULL || tiles == NULL)
    return;
  cancel_ela_work (self);
  self->ela_work = g_cancellable_new ();
  af_forensics_ela_async (afd_image_tiles_get_file_bytes (tiles),
                          gtk_spin_button_get_value_as_int (self->ela_quality_spin),
                          self->ela_work, ela_computed_cb, self);
}

static gboolean
gain_timeout_cb (gpointer user_data)
{
  AfdImageWorkbench *self = user_data;

  self->gain_source = 0;
  render_overlay (self);
  return G_SOURCE_REMOVE;
}

static void
gain_changed_cb (AfdImageWorkbench *self)
{
  g_clear_handle_id (&self->gain_source, g_source_remove);
  self->gain_source = g_timeout_add (GAIN_DEBOUNCE_MS, gain_timeout_cb, self);
}

static void
opacity_changed_cb (AfdImageWorkbench *self)
{
  afd_image_view_set_overlay_opacity (self->image_view,
                                      gtk_range_get_value (self->ela_opacity_scale) / 100);
}

static void
ela_toggled_cb (AfdImageWorkbench *self)
{
  if (gtk_toggle_button_get_active (self->ela_button))
    render_overlay (self);
  else
    {
      cancel_ela_work (self);
      afd_image_view_set_overlay (self->image_view, NULL);
    }
}

static void
show_report (AfdImageWorkbench *self)
{
  int quality = af_forensics_report_get_jpeg_quality (self->report);

  self->updating = TRUE;
  gtk_spin_button_set_value (self->ela_quality_spin, af_forensics_report_get_ela_quality (self->report));
  self->updating = FALSE;
  gtk_widget_set_sensitive (self->ela_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->quality_label), quality > 0);
  if (quality > 0)
    {
      /* Translators: the JPEG quality estimated from the file's quantisation tables. */
      g_autofree char *text = g_strdup_printf (_("JPEG quality ≈ %d"), quality);

      gtk_label_set_label (self->quality_label, text);
    }
}

static void
inspection_progress_cb (double      fraction,
                        const char *step,
                        gpointer    user_data)
{
  AfdImageWorkbench *self = user_data;

  if (self->inspection == NULL)
    return;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
inspected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfForensicsReport) report = af_forensics_inspect_finish (result, &error);
  AfdImageWorkbench *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_IMAGE_WORKBENCH (user_data);
  g_clear_object (&self->inspection);
  gtk_widget_set_visible (self->progress_box, FALSE);
  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The picture could not be inspected: %s"),
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
      g_signal_emit (self, signals[SIGNAL_INSPECTED], 0, NULL, message);
      return;
    }
  self->report = g_steal_pointer (&report);
  self->difference = af_image_buffer_ref (af_forensics_report_get_ela (self->report));
  show_report (self);
  g_signal_emit (self, signals[SIGNAL_INSPECTED], 0, self->report, NULL);
}

static void
inspect (AfdImageWorkbench *self,
         GBytes            *bytes)
{
  forget_inspection (self);
  self->inspection = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_widget_set_visible (self->progress_box, TRUE);
  af_forensics_inspect_async (bytes, 0, self->inspection, inspection_progress_cb,
                              g_object_ref (self), g_object_unref, inspected_cb, self);
}

AfForensicsReport *
afd_image_workbench_get_report (AfdImageWorkbench *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_WORKBENCH (self), NULL);
  return self->report;
}

gboolean
afd_image_workbench_is_inspecting (AfdImageWorkbench *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_WORKBENCH (self), FALSE);
  return self->inspection != NULL;
}

void
afd_image_workbench_show_finding (AfdImageWorkbench *self,
                                  AfFinding         *finding)
{
  const AfImageRect *rects[2] = { NULL, NULL };
  graphene_rect_t regions[2];
  guint n = 0;

  g_return_if_fail (AFD_IS_IMAGE_WORKBENCH (self));

  if (finding != NULL && af_finding_get_source (finding) != NULL)
    {
      rects[0] = af_finding_get_source (finding);
      rects[1] = af_finding_get_target (finding);
    }
  else if (finding != NULL)
    rects[0] = af_finding_get_region (finding);
  for (guint i = 0; i < 2; i++)
    if (rects[i] != NULL)
      graphene_rect_init (&regions[n++], rects[i]->x, rects[i]->y, rects[i]->width,
                          rects[i]->height);
  afd_image_view_set_regions (self->image_view, regions, n);
}

void
afd_image_workbench_show_error (AfdImageWorkbench *self,
                                const char        *message)
{
  g_return_if_fail (AFD_IS_IMAGE_WORKBENCH (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  afd_image_view_set_image (self->image_view, NULL);
  forget_inspection (self);
  adw_status_page_set_description (self->image_error_page, message);
  gtk_stack_set_visible_child_name (self->image_stack, "error");
}

static void
tiles_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfdImageTiles) tiles = afd_image_tiles_load_finish (result, &error);
  AfdImageWorkbench *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_IMAGE_WORKBENCH (user_data);
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  if (tiles == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The picture cannot be shown: %s"),
                                                  error->message);

      afd_image_workbench_show_error (self, message);
      return;
    }
  gtk_stack_set_visible_child_name (self->image_stack, "picture");
  afd_image_view_set_image (self->image_view, tiles);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
  inspect (self, afd_image_tiles_get_file_bytes (tiles));
}

void
afd_image_workbench_load (AfdImageWorkbench *self,
                          const char        *path)
{
  g_return_if_fail (AFD_IS_IMAGE_WORKBENCH (self));
  g_return_if_fail (path != NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  afd_image_view_set_image (self->image_view, NULL);
  forget_inspection (self);
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->image_stack, "loading");
  afd_image_tiles_load_async (path, self->cancellable, tiles_loaded_cb, self);
}

void
afd_image_workbench_stop (AfdImageWorkbench *self)
{
  g_return_if_fail (AFD_IS_IMAGE_WORKBENCH (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_inspection (self);
}

gboolean
afd_image_workbench_is_loaded (AfdImageWorkbench *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_WORKBENCH (self), FALSE);
  return afd_image_view_get_image (self->image_view) != NULL;
}

const char *
afd_image_workbench_get_error_message (AfdImageWorkbench *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_WORKBENCH (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->image_stack), "error") != 0)
    return NULL;
  return adw_status_page_get_description (self->image_error_page);
}

AfdImageView *
afd_image_workbench_get_view (AfdImageWorkbench *self)
{
  g_return_val_if_fail (AFD_IS_IMAGE_WORKBENCH (self), NULL);
  return self->image_view;
}

/* ---- actions ---- */

static void
zoom_in_action (GtkWidget  *widget,
                const char *name,
                GVariant   *parameter)
{
  afd_image_view_zoom_in (AFD_IMAGE_WORKBENCH (widget)->image_view);
}

static void
zoom_out_action (GtkWidget  *widget,
                 const char *name,
                 GVariant   *parameter)
{
  afd_image_view_zoom_out (AFD_IMAGE_WORKBENCH (widget)->image_view);
}

static void
zoom_actual_action (GtkWidget  *widget,
                    const char *name,
                    GVariant   *parameter)
{
  afd_image_view_set_zoom (AFD_IMAGE_WORKBENCH (widget)->image_view, 1.0);
}

static void
toggle_ela_action (GtkWidget  *widget,
                   const char *name,
                   GVariant   *parameter)
{
  AfdImageWorkbench *self = AFD_IMAGE_WORKBENCH (widget);

  if (gtk_widget_get_sensitive (self->ela_box))
    gtk_toggle_button_set_active (self->ela_button, !gtk_toggle_button_get_active (self->ela_button));
}

static void
cancel_inspection_action (GtkWidget  *widget,
                          const char *name,
                          GVariant   *parameter)
{
  AfdImageWorkbench *self = AFD_IMAGE_WORKBENCH (widget);

  if (self->inspection == NULL)
    return;
  forget_inspection (self);
  g_signal_emit (self, signals[SIGNAL_INSPECTED], 0, NULL, _("The inspection was stopped."));
}

static void
afd_image_workbench_dispose (GObject *object)
{
  AfdImageWorkbench *self = AFD_IMAGE_WORKBENCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->zoom_label_source, g_source_remove);
  g_cancellable_cancel (self->inspection);
  g_clear_object (&self->inspection);
  cancel_ela_work (self);
  g_clear_object (&self->report);
  g_clear_pointer (&self->difference, af_image_buffer_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_IMAGE_WORKBENCH);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (afd_image_workbench_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AfdImageWorkbench, name)

static void
afd_image_workbench_class_init (AfdImageWorkbenchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_image_workbench_dispose;

  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* (report (nullable), error message (nullable)): the inspection ended. */
  signals[SIGNAL_INSPECTED] = g_signal_new ("inspected", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 2, AF_TYPE_FORENSICS_REPORT,
                                            G_TYPE_STRING);

  g_type_ensure (AFD_TYPE_IMAGE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-image-workbench.ui");
  BIND (image_stack);
  BIND (spinner);
  BIND (image_view);
  BIND (image_error_page);
  BIND (zoom_button);
  BIND (fit_button);
  BIND (loupe_button);
  BIND (ela_box);
  BIND (ela_button);
  BIND (quality_label);
  BIND (progress_box);
  BIND (progress_bar);
  BIND (ela_quality_spin);
  BIND (ela_opacity_scale);
  BIND (ela_scale_scale);
  gtk_widget_class_install_action (widget_class, "workbench.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "workbench.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "workbench.zoom-actual", NULL, zoom_actual_action);
  gtk_widget_class_install_action (widget_class, "workbench.toggle-ela", NULL, toggle_ela_action);
  gtk_widget_class_install_action (widget_class, "workbench.cancel-inspection", NULL,
                                   cancel_inspection_action);
  gtk_widget_class_set_css_name (widget_class, "imageworkbench");
}

#undef BIND

static void
afd_image_workbench_init (AfdImageWorkbench *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->image_view, "notify::zoom", G_CALLBACK (zoom_changed_cb), self);
  g_object_bind_property (self->image_view, "fit", self->fit_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->image_view, "loupe", self->loupe_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  update_zoom_label (self);
  g_signal_connect_swapped (self->ela_button, "toggled", G_CALLBACK (ela_toggled_cb), self);
  g_signal_connect_swapped (self->ela_quality_spin, "value-changed",
                            G_CALLBACK (quality_changed_cb), self);
  g_signal_connect_swapped (self->ela_scale_scale, "value-changed", G_CALLBACK (gain_changed_cb),
                            self);
  g_signal_connect_swapped (self->ela_opacity_scale, "value-changed",
                            G_CALLBACK (opacity_changed_cb), self);
  gtk_range_set_value (self->ela_scale_scale, AF_ELA_DEFAULT_GAIN);
  opacity_changed_cb (self);
}
