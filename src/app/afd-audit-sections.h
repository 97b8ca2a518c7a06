/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-audit-sections.h — the rows of the audit page's sections, built from the item.
 *
 * Every reader here is tolerant: the cloud pipeline is not ours, so an attribute that
 * is missing or of another type shows as absent instead of failing the page.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-value.h"

G_BEGIN_DECLS

void  afd_list_box_clear                  (GtkListBox      *list);

void  afd_audit_sections_fill_factors        (GtkListBox      *list,
                                              const AfValue   *audit);
void  afd_audit_sections_fill_alerts         (GtkListBox      *list,
                                              const AfValue   *audit);
/* @documents: the loan's document items, to name the document each value comes from. */
void  afd_audit_sections_fill_inconsistencies (GtkListBox     *list,
                                              const AfValue   *audit,
                                              GPtrArray       *documents,
                                              gboolean         reveal);
void  afd_audit_sections_fill_golden_record  (GtkListBox      *list,
                                              const AfValue   *audit,
                                              GPtrArray       *documents,
                                              gboolean         reveal);
/* Rows are named by document id; activating one opens it. */
void  afd_audit_sections_fill_documents      (GtkListBox      *list,
                                              const AfValue   *audit,
                                              GPtrArray       *documents);
/* Rows are named by audit id; the current audit's row is not activatable. */
void  afd_audit_sections_fill_history        (GtkListBox      *list,
                                              GPtrArray       *history,
                                              const char      *current_id);
/* Appends to @list every correction and confirmation made to @documents (AfValue),
 * with its note; activating one opens its document. */
void  afd_audit_sections_fill_corrections    (GtkListBox      *list,
                                              GPtrArray       *documents);

G_END_DECLS
