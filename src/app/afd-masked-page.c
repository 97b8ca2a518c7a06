/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-masked-page"

#include "config.h"

#include <adwaita.h>

#include "afd-masked-page.h"
#include "afd-pii-mask.h"

struct _AfdMaskedPage
{
  GObject      parent_instance;

  /* owned references */
  AfFieldList *fields;     /* (nullable) */
  GdkTexture  *texture;    /* (nullable) */

  int          page;
  double       page_width;
  double       page_height;
  gboolean     revealed;
};

static void afd_masked_page_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdMaskedPage, afd_masked_page, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      afd_masked_page_paintable_init))

static void
afd_masked_page_snapshot (GdkPaintable *paintable,
                          GdkSnapshot  *snapshot,
                          double        width,
                          double        height)
{
  AfdMaskedPage *self = AFD_MASKED_PAGE (paintable);

  if (self->texture != NULL)
    gtk_snapshot_append_texture (GTK_SNAPSHOT (snapshot), self->texture,
                                 &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The page keeps its proportions in a picture, so one scale fits both sides. */
  if (self->page_width > 0)
    afd_pii_mask_snapshot_page (GTK_SNAPSHOT (snapshot), self->fields, self->page,
                                self->page_width, self->page_height, width / self->page_width,
                                self->revealed);
}

static double
afd_masked_page_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  AfdMaskedPage *self = AFD_MASKED_PAGE (paintable);

  return self->page_height > 0 ? self->page_width / self->page_height : 0;
}

static void
afd_masked_page_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = afd_masked_page_snapshot;
  iface->get_intrinsic_aspect_ratio = afd_masked_page_get_intrinsic_aspect_ratio;
}

static void
on_appearance_changed (AfdMaskedPage *self)
{
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

static void
afd_masked_page_dispose (GObject *object)
{
  AfdMaskedPage *self = AFD_MASKED_PAGE (object);

  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  g_clear_object (&self->fields);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (afd_masked_page_parent_class)->dispose (object);
}

static void
afd_masked_page_class_init (AfdMaskedPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = afd_masked_page_dispose;
}

static void
afd_masked_page_init (AfdMaskedPage *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  g_signal_connect_swapped (manager, "notify::dark", G_CALLBACK (on_appearance_changed), self);
  g_signal_connect_swapped (manager, "notify::high-contrast", G_CALLBACK (on_appearance_changed), self);
}

AfdMaskedPage *
afd_masked_page_new (AfFieldList *fields,
                     int          page,
                     double       page_width,
                     double       page_height)
{
  AfdMaskedPage *self = g_object_new (AFD_TYPE_MASKED_PAGE, NULL);

  self->fields = fields != NULL ? g_object_ref (fields) : NULL;
  self->page = page;
  self->page_width = page_width;
  self->page_height = page_height;
  return self;
}

void
afd_masked_page_set_texture (AfdMaskedPage *self,
                             GdkTexture    *texture)
{
  g_return_if_fail (AFD_IS_MASKED_PAGE (self));

  if (g_set_object (&self->texture, texture))
    gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

GdkTexture *
afd_masked_page_get_texture (AfdMaskedPage *self)
{
  g_return_val_if_fail (AFD_IS_MASKED_PAGE (self), NULL);
  return self->texture;
}

void
afd_masked_page_set_revealed (AfdMaskedPage *self,
                              gboolean       revealed)
{
  g_return_if_fail (AFD_IS_MASKED_PAGE (self));

  if (self->revealed == !!revealed)
    return;
  self->revealed = !!revealed;
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

gboolean
afd_masked_page_get_revealed (AfdMaskedPage *self)
{
  g_return_val_if_fail (AFD_IS_MASKED_PAGE (self), FALSE);
  return self->revealed;
}
