/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-findings-list.h — the local forensic findings, one row each, kept apart from the
 * cloud's score: severity written out, what was seen, and (unless read-only) the
 * appraiser's mark — OK, to check or warning — with a comment.
 *
 * Activating a row (click, Enter) emits ::finding-activated so that the page outlines
 * its region(s) on the picture. Choosing a mark, or editing the comment of a marked
 * finding (after a short pause), emits ::mark-changed; the page saves it.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-finding.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AFD_TYPE_FINDINGS_LIST (afd_findings_list_get_type ())
G_DECLARE_FINAL_TYPE (AfdFindingsList, afd_findings_list, AFD, FINDINGS_LIST, GtkWidget)

GtkWidget  *afd_findings_list_new            (gboolean          read_only);

/* @findings: a GListModel of AfFinding (NULL: none yet). @marks: the analysis'
 * appraisal_findings (an L of M, nullable) to show each finding's saved mark. */
void        afd_findings_list_set_findings   (AfdFindingsList  *self,
                                              GListModel       *findings,
                                              const AfValue    *marks);
/* Shown in place of the list (inspecting, failed); NULL shows the list. */
void        afd_findings_list_set_message    (AfdFindingsList  *self,
                                              const char       *message);
guint       afd_findings_list_get_n_findings (AfdFindingsList  *self);

/* For tests and keyboard users: as if row @index were activated / marked. */
void        afd_findings_list_activate       (AfdFindingsList  *self,
                                              guint             index);
void        afd_findings_list_set_mark       (AfdFindingsList  *self,
                                              guint             index,
                                              const char       *status,
                                              const char       *comment);

/* The mark shown on finding @index: "OK", "CHECK", "WARNING" or NULL. */
const char *afd_findings_list_get_status     (AfdFindingsList  *self,
                                              guint             index);

/* "OK", "CHECK", "WARNING" or NULL (not marked) → "OK", "To check", "Warning". */
const char *afd_finding_status_label         (const char       *status);
/* The kind in a few words ("Copy-move (clone)"). */
const char *afd_finding_kind_label           (AfFindingKind     kind);

G_END_DECLS
