/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-metadata-view.h — a picture's EXIF, XMP and IPTC as the local inspection read
 * them (gexiv2): a summary on top (camera, capture and modification dates, software,
 * pixel size, colour profile, declared digital source type), then every tag grouped,
 * under its exiv2 key, searchable, each value copyable.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-forensics-report.h"

G_BEGIN_DECLS

#define AFD_TYPE_METADATA_VIEW (afd_metadata_view_get_type ())
G_DECLARE_FINAL_TYPE (AfdMetadataView, afd_metadata_view, AFD, METADATA_VIEW, GtkWidget)

/* NULL shows @message (inspecting, failed) instead. */
void   afd_metadata_view_set_report        (AfdMetadataView   *self,
                                            AfForensicsReport *report,
                                            const char        *message);
void   afd_metadata_view_set_search        (AfdMetadataView   *self,
                                            const char        *text);
/* Rows shown (after the search). */
guint  afd_metadata_view_get_n_visible     (AfdMetadataView   *self);
/* Copies the value of @key to the clipboard, as its button does; FALSE when absent. */
gboolean afd_metadata_view_copy_value      (AfdMetadataView   *self,
                                            const char        *key);

G_END_DECLS
