/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-artwork-page.h — one artwork analysis: the appraiser's workbench on the uploaded
 * picture (zoom, loupe, error level analysis), the local findings with the appraiser's
 * marks, the metadata, the AI's analysis, and the appraiser's own note and verdict.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-findings-list.h"
#include "afd-image-workbench.h"
#include "afd-metadata-view.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_ARTWORK_PAGE (afd_artwork_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdArtworkPage, afd_artwork_page, AFD, ARTWORK_PAGE, GtkWidget)

void        afd_artwork_page_load       (AfdArtworkPage *self,
                                         AfdWorkspace   *workspace,
                                         const char     *request_id);
const char *afd_artwork_page_get_title  (AfdArtworkPage *self);
void        afd_artwork_page_flush      (AfdArtworkPage *self);

AfdImageWorkbench *afd_artwork_page_get_workbench     (AfdArtworkPage *self);
AfdFindingsList   *afd_artwork_page_get_findings_list (AfdArtworkPage *self);
AfdMetadataView   *afd_artwork_page_get_metadata_view (AfdArtworkPage *self);

G_END_DECLS
