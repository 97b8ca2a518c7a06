/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-image-workbench"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "afd-image-tiles.h"
#include "afd-image-workbench.h"

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

  /* owned references */
  GCancellable  *cancellable;   /* (nullable) the picture being decoded */

  guint          zoom_label_source;
};

enum
{
  SIGNAL_LOADED,
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

  self->zoom_label_source = 0;
  gtk_button_set_label (self->zoom_button, label);
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

void
afd_image_workbench_show_error (AfdImageWorkbench *self,
                                const char        *message)
{
  g_return_if_fail (AFD_IS_IMAGE_WORKBENCH (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  afd_image_view_set_image (self->image_view, NULL);
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
  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->image_stack, "loading");
  afd_image_tiles_load_async (path, self->cancellable, tiles_loaded_cb, self);
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
afd_image_workbench_dispose (GObject *object)
{
  AfdImageWorkbench *self = AFD_IMAGE_WORKBENCH (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->zoom_label_source, g_source_remove);
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
  gtk_widget_class_install_action (widget_class, "workbench.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "workbench.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "workbench.zoom-actual", NULL, zoom_actual_action);
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
}
