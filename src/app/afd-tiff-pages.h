/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-tiff-pages.h — any page of a multi-page TIFF, decoded with libtiff.
 *
 * gdk-pixbuf's TIFF loader only ever reads the first directory, and scanned loan
 * documents are often several pages in one TIFF. Without libtiff at build time only
 * the first page can be shown, and decode says so.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

gboolean   afd_tiff_pages_available (void);
/* libtiff reports problems on stderr by default; route them to g_debug instead. */
void       afd_tiff_pages_quiet     (void);
/* @page is 0-based. The caller has already checked the pixel limits of every page. */
GdkPixbuf *afd_tiff_pages_decode    (GBytes   *bytes,
                                     int       page,
                                     GError  **error);

G_END_DECLS
