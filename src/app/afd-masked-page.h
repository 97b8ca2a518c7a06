/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-masked-page.h — a rendered page with its personal data covered, as a GdkPaintable.
 *
 * What a thumbnail shows, and the way to any picture of a page that leaves the page
 * view: the page's texture drawn to the size asked for, with the PII blocks of
 * afd-pii-mask.h on it in the same proportions. It redraws itself when the reveal
 * state or the style manager's appearance changes.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"

G_BEGIN_DECLS

#define AFD_TYPE_MASKED_PAGE (afd_masked_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdMaskedPage, afd_masked_page, AFD, MASKED_PAGE, GObject)

/* Page @page (0-based) of @page_width × @page_height renderer units. @fields: (nullable). */
AfdMaskedPage *afd_masked_page_new          (AfFieldList   *fields,
                                             int            page,
                                             double         page_width,
                                             double         page_height);
/* @texture: (nullable) the page's pixels, once rendered. */
void           afd_masked_page_set_texture  (AfdMaskedPage *self,
                                             GdkTexture    *texture);
GdkTexture    *afd_masked_page_get_texture  (AfdMaskedPage *self);
void           afd_masked_page_set_revealed (AfdMaskedPage *self,
                                             gboolean       revealed);
gboolean       afd_masked_page_get_revealed (AfdMaskedPage *self);

G_END_DECLS
