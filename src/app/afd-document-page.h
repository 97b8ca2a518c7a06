/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-document-page.h — one loan document: its facts and its first page or image.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_DOCUMENT_PAGE (afd_document_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdDocumentPage, afd_document_page, AFD, DOCUMENT_PAGE, GtkWidget)

void        afd_document_page_load       (AfdDocumentPage *self,
                                          AfdWorkspace    *workspace,
                                          const char      *document_id);
const char *afd_document_page_get_title  (AfdDocumentPage *self);

G_END_DECLS
