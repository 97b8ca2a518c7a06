/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-thumbnails.h — a strip of page thumbnails; activating one goes to that page.
 *
 * Thumbnails are rendered at the lowest priority, after the visible page and its
 * neighbours, and cancelled when the strip goes away. Personal data is covered on
 * them as on the page (afd-masked-page.h) until it is revealed.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"
#include "afd-page-renderer.h"

G_BEGIN_DECLS

#define AFD_TYPE_THUMBNAILS (afd_thumbnails_get_type ())
G_DECLARE_FINAL_TYPE (AfdThumbnails, afd_thumbnails, AFD, THUMBNAILS, GtkWidget)

GtkWidget *afd_thumbnails_new              (void);
/* @renderer must be open, or NULL to empty the strip. @fields: (nullable) whose
 * personal data is covered. */
void       afd_thumbnails_set_document     (AfdThumbnails   *self,
                                            AfdPageRenderer *renderer,
                                            AfFieldList     *fields);
void       afd_thumbnails_set_pii_revealed (AfdThumbnails   *self,
                                            gboolean         revealed);
/* Marks the page shown in the view (0-based). */
void       afd_thumbnails_set_current_page (AfdThumbnails   *self,
                                            int              page);

G_END_DECLS
