/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-pii-mask.h — the opaque blocks that hide personal data on a rendered page.
 *
 * Each PII field with a drawable box is covered by a block that names what it hides
 * ("SSN hidden") until the reviewer reveals the document's personal data. The blocks
 * are drawn in the page's own coordinate space (units of the renderer, unrotated), so
 * that whoever draws a page — the page view at any zoom and rotation, a thumbnail, an
 * exported picture — draws them at the same place with the same code. Their colours
 * follow the style manager (light, dark, high contrast); they never let the page show
 * through.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"

G_BEGIN_DECLS

typedef struct
{
  GdkRGBA fill;
  GdkRGBA border;
  GdkRGBA text;
} AfdPiiMaskStyle;

/* The colours for the style manager's current appearance. */
void      afd_pii_mask_style_current     (AfdPiiMaskStyle  *out_style);
void      afd_pii_mask_style_for         (gboolean          dark,
                                          gboolean          high_contrast,
                                          AfdPiiMaskStyle  *out_style);

/* Is @field hidden on the page while the document's personal data is not revealed? */
gboolean  afd_pii_mask_covers            (AfField          *field,
                                          gboolean          revealed);
/* The area the block covers, in fractions of the page (the bbox and a small margin,
 * so that no stroke of the value shows at its edges). */
AfBbox    afd_pii_mask_area              (AfField          *field,
                                          double            page_width,
                                          double            page_height);
/* "SSN hidden", "Date of birth hidden"… */
char     *afd_pii_mask_dup_label         (AfField          *field);

/* The blocks of page @page (0-based) of a page @page_width × @page_height units drawn
 * at @scale, with its top-left corner at the snapshot's origin and unrotated. */
void      afd_pii_mask_snapshot_page     (GtkSnapshot      *snapshot,
                                          AfFieldList      *fields,
                                          int               page,
                                          double            page_width,
                                          double            page_height,
                                          double            scale,
                                          gboolean          revealed);

/* The hidden areas of page @page, as left, top, right, bottom fractions (4 doubles
 * each), for whatever reads the page's text. */
GArray   *afd_pii_mask_dup_areas         (AfFieldList      *fields,
                                          int               page,
                                          double            page_width,
                                          double            page_height,
                                          gboolean          revealed);

G_END_DECLS
