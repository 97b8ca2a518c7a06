/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-audit-page.h — one audit record: risk, inconsistencies, golden record, documents,
 * history, review notes and the review itself.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_AUDIT_PAGE (afd_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdAuditPage, afd_audit_page, AFD, AUDIT_PAGE, GtkWidget)

/* Shows the audit @audit_id of @workspace; a pending note of the previous one is
 * saved first. */
void        afd_audit_page_load          (AfdAuditPage  *self,
                                          AfdWorkspace  *workspace,
                                          const char    *audit_id);
/* The audit shown (nullable). */
const char *afd_audit_page_get_audit_id  (AfdAuditPage  *self);
/* Scrolls to the history row of @row_id (an audit or a document; NULL: the last one
 * asked for) and gives it the focus, once the audit is shown: Back to the history. */
void        afd_audit_page_reveal_history (AfdAuditPage *self,
                                           const char   *row_id);
/* The title the header bar shows for the page. */
const char *afd_audit_page_get_title     (AfdAuditPage  *self);
/* Saves a note still waiting for its debounce (when the window closes). */
void        afd_audit_page_flush         (AfdAuditPage  *self);

G_END_DECLS
