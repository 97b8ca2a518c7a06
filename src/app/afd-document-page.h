/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-document-page.h — one loan document: its facts and its first page or image.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-document-viewer.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_DOCUMENT_PAGE (afd_document_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdDocumentPage, afd_document_page, AFD, DOCUMENT_PAGE, GtkWidget)

void        afd_document_page_load       (AfdDocumentPage *self,
                                          AfdWorkspace    *workspace,
                                          const char      *document_id);
const char *afd_document_page_get_title  (AfdDocumentPage *self);
/* The review takes the keyboard once the document is read (F8 starts it). */
void        afd_document_page_focus_review (AfdDocumentPage *self);
/* Among documents compared: the document itself gets the height (header on one line,
 * the fields under the page about a row high). */
void        afd_document_page_set_compact (AfdDocumentPage *self,
                                           gboolean         compact);
/* The pages and fields, for the comparison of documents and for tests. */
AfdDocumentViewer *afd_document_page_get_viewer (AfdDocumentPage *self);
/* Selects the extracted field @field — or the field holding @value (nullable) for an
 * audit's golden-record field such as "ssn" — and brings its box into view. This is
 * how an inconsistency leads to its source. Asked while the document is read, it is
 * done once it is there (and answers TRUE). */
gboolean    afd_document_page_reveal_source (AfdDocumentPage *self,
                                             const char      *field,
                                             const char      *value);

G_END_DECLS
