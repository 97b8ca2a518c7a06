/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-document-viewer.h — the document review workspace: pages, thumbnails, fields.
 *
 * Embeddable in any page of the window. Give it the cache, the document item and the
 * local file of its object; it checks the file (checksum, type, pixel limits), renders
 * the pages off the main thread and shows the extracted fields beside them. Keyboard
 * review: F8 / Shift+F8 step through the low-confidence fields, Enter confirms, F2
 * corrects (Enter saves, Escape cancels). A correction goes to the cache and its outbox
 * through af_store_add_correction(); ::corrected is emitted afterwards. A correction
 * with no reviewer's name to sign it activates `win.ensure-identity` first, so that
 * the window can ask for one (the editor keeps what was typed meanwhile).
 *
 * A file that cannot be shown (integrity failure, damaged PDF, image too large) gives
 * a message in place of the page; the fields are still shown.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"
#include "af-store.h"
#include "af-store-thread.h"
#include "afd-fields-panel.h"
#include "afd-page-view.h"

G_BEGIN_DECLS

#define AFD_TYPE_DOCUMENT_VIEWER (afd_document_viewer_get_type ())
G_DECLARE_FINAL_TYPE (AfdDocumentViewer, afd_document_viewer, AFD, DOCUMENT_VIEWER, GtkWidget)

GtkWidget      *afd_document_viewer_new               (void);

/* @store_thread: (nullable) without it the document is read-only. @path: (nullable)
 * the object's local file; when NULL, call afd_document_viewer_show_error() to say why. */
void            afd_document_viewer_set_document      (AfdDocumentViewer *self,
                                                       AfStoreThread     *store_thread,
                                                       const AfValue     *item,
                                                       const char        *path);
/* Shows @message in place of the page; the fields stay. */
void            afd_document_viewer_show_error        (AfdDocumentViewer *self,
                                                       const char        *message);

/* Compact, among documents compared: stacked, the page gets most of the height and the
 * fields under it only about a row, without the summary above them. */
void            afd_document_viewer_set_compact       (AfdDocumentViewer *self,
                                                       gboolean           compact);
/* Puts the keyboard in the review (the selected field, else the page), now or once
 * the file is open, so that a document opened on purpose is reviewed without the mouse. */
void            afd_document_viewer_focus_review      (AfdDocumentViewer *self);

/* Selects the field and brings its box into view (now, or once the file is open).
 * This is how an inconsistency leads to its source. FALSE when there is no such field. */
gboolean        afd_document_viewer_reveal_field      (AfdDocumentViewer *self,
                                                       const char        *field_name);

/* The same for an audit's golden-record field (name, ssn, address, annual_income…)
 * and the value an inconsistency records for this document (nullable): the field
 * holding that value is revealed. FALSE when the document has no such field. */
gboolean        afd_document_viewer_reveal_source     (AfdDocumentViewer *self,
                                                       const char        *golden_field,
                                                       const char        *value);

/* For the window and for tests. */
AfFieldList    *afd_document_viewer_get_fields        (AfdDocumentViewer *self);
AfdPageView    *afd_document_viewer_get_page_view     (AfdDocumentViewer *self);
AfdFieldsPanel *afd_document_viewer_get_fields_panel  (AfdDocumentViewer *self);
/* TRUE once the file is open and its pages are shown. */
gboolean        afd_document_viewer_is_loaded         (AfdDocumentViewer *self);
/* The message shown in place of the page, or NULL. */
const char     *afd_document_viewer_get_error_message (AfdDocumentViewer *self);

G_END_DECLS
