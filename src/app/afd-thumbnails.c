/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-thumbnails"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-masked-page.h"
#include "afd-thumbnails.h"

#define THUMBNAIL_WIDTH 96

struct _AfdThumbnails
{
  GtkWidget        parent_instance;

  /* child widgets */
  GtkWidget       *scrolled;
  GtkListBox      *list;

  /* owned references */
  AfdPageRenderer *renderer;     /* (nullable) */
  AfFieldList     *fields;       /* (nullable) */
  GPtrArray       *pages;        /* (element-type AfdMaskedPage) one a thumbnail */
  GCancellable    *cancellable;  /* cancelled with the document */
  gboolean         syncing;
  gboolean         revealed;
};

G_DEFINE_FINAL_TYPE (AfdThumbnails, afd_thumbnails, GTK_TYPE_WIDGET)

enum {
  PAGE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_thumbnail_rendered (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(AfdMaskedPage) page = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = afd_page_renderer_render_finish (AFD_PAGE_RENDERER (source),
                                                                   result, &error);

  if (texture != NULL)
    afd_masked_page_set_texture (page, texture);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Thumbnail: %s", error->message);
}

static GtkWidget *
create_thumbnail (AfdThumbnails *self,
                  int            page)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *picture = gtk_picture_new ();
  g_autofree char *number = g_strdup_printf ("%d", page + 1);
  g_autofree char *name = g_strdup_printf (_("Page %d"), page + 1);
  g_autoptr(AfdMaskedPage) masked = NULL;
  double width, height;

  afd_page_renderer_get_page_size (self->renderer, page, &width, &height);
  masked = afd_masked_page_new (self->fields, page, width, height);
  afd_masked_page_set_revealed (masked, self->revealed);
  g_ptr_array_add (self->pages, g_object_ref (masked));
  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (masked));
  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH,
                               width > 0 ? (int) (THUMBNAIL_WIDTH * height / width) : THUMBNAIL_WIDTH);
  gtk_widget_add_css_class (picture, "afd-thumbnail");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_box_append (GTK_BOX (box), gtk_label_new (number));
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  if (width > 0)
    afd_page_renderer_render_async (self->renderer, page,
                                    THUMBNAIL_WIDTH * gtk_widget_get_scale_factor (GTK_WIDGET (self)) / width,
                                    AFD_RENDER_PRIORITY_THUMBNAIL, self->cancellable,
                                    on_thumbnail_rendered, g_object_ref (masked));
  return box;
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  AfdThumbnails *self)
{
  if (!self->syncing)
    g_signal_emit (self, signals[PAGE_ACTIVATED], 0, gtk_list_box_row_get_index (row));
}

static void
clear (AfdThumbnails *self)
{
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->renderer);
  g_clear_object (&self->fields);
  g_ptr_array_set_size (self->pages, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
}

static void
afd_thumbnails_dispose (GObject *object)
{
  AfdThumbnails *self = AFD_THUMBNAILS (object);

  if (self->list != NULL)
    clear (self);
  g_clear_pointer (&self->scrolled, gtk_widget_unparent);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  self->list = NULL;

  G_OBJECT_CLASS (afd_thumbnails_parent_class)->dispose (object);
}

static void
afd_thumbnails_class_init (AfdThumbnailsClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = afd_thumbnails_dispose;

  signals[PAGE_ACTIVATED] = g_signal_new ("page-activated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "afd-thumbnails");
}

static void
afd_thumbnails_init (AfdThumbnails *self)
{
  self->pages = g_ptr_array_new_with_free_func (g_object_unref);
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pages"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->list));
  gtk_widget_set_parent (self->scrolled, GTK_WIDGET (self));
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
}

GtkWidget *
afd_thumbnails_new (void)
{
  return g_object_new (AFD_TYPE_THUMBNAILS, NULL);
}

void
afd_thumbnails_set_document (AfdThumbnails   *self,
                             AfdPageRenderer *renderer,
                             AfFieldList     *fields)
{
  int n;

  g_return_if_fail (AFD_IS_THUMBNAILS (self));

  clear (self);
  if (renderer == NULL)
    return;
  self->renderer = g_object_ref (renderer);
  self->fields = fields != NULL ? g_object_ref (fields) : NULL;
  self->cancellable = g_cancellable_new ();
  n = afd_page_renderer_get_n_pages (renderer);
  for (int i = 0; i < n; i++)
    gtk_list_box_append (self->list, create_thumbnail (self, i));
}

void
afd_thumbnails_set_current_page (AfdThumbnails *self,
                                 int            page)
{
  GtkListBoxRow *row;

  g_return_if_fail (AFD_IS_THUMBNAILS (self));

  row = gtk_list_box_get_row_at_index (self->list, page);
  self->syncing = TRUE;
  if (row != NULL)
    gtk_list_box_select_row (self->list, row);
  self->syncing = FALSE;
}

void
afd_thumbnails_set_pii_revealed (AfdThumbnails *self,
                                 gboolean       revealed)
{
  g_return_if_fail (AFD_IS_THUMBNAILS (self));

  self->revealed = revealed;
  for (guint i = 0; i < self->pages->len; i++)
    afd_masked_page_set_revealed (g_ptr_array_index (self->pages, i), revealed);
}
