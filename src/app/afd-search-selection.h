/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * AfdSearchSelection — the search results' selection as the list view sees it: a
 * GtkSingleSelection passed through, that also tells when the result already selected
 * is selected again ("reselected"), which GtkSingleSelection keeps to itself; a spare
 * line (hidden) is never selected.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_TYPE_SEARCH_SELECTION (afd_search_selection_get_type ())

G_DECLARE_FINAL_TYPE (AfdSearchSelection, afd_search_selection, AFD, SEARCH_SELECTION, GObject)

/* Shows @selection's items and selection; selecting goes to @selection (referenced). */
AfdSearchSelection *afd_search_selection_new (GtkSingleSelection *selection);

G_END_DECLS
