/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-compare-page.h — one inconsistency, and every document it names, together.
 *
 * The disagreeing values are listed one under another at the top, each with the
 * document it comes from; below, the documents themselves, each opened at the field
 * that gives its value. Side by side when the window is wide enough, one after
 * another (a row of the values list, the arrows or a swipe moves on) when it is not.
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-document-page.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_TYPE_COMPARE_PAGE (afd_compare_page_get_type ())
G_DECLARE_FINAL_TYPE (AfdComparePage, afd_compare_page, AFD, COMPARE_PAGE, GtkWidget)

/* Opens the inconsistency at @index in the audit's `inconsistencies` list (the
 * pipeline's order). @reveal: whether personal data starts shown. */
void             afd_compare_page_load              (AfdComparePage *self,
                                                     AfdWorkspace   *workspace,
                                                     const char     *audit_id,
                                                     guint           index,
                                                     gboolean        reveal);
const char      *afd_compare_page_get_title         (AfdComparePage *self);

/* For tests: the documents opened, in the order of the values list. */
guint            afd_compare_page_get_n_documents   (AfdComparePage *self);
AfdDocumentPage *afd_compare_page_get_document      (AfdComparePage *self,
                                                     guint           position);
/* Brings the document at @position into view (the one shown when folded). */
void             afd_compare_page_show_document     (AfdComparePage *self,
                                                     guint           position);

G_END_DECLS
