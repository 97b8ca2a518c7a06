/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-search-results.h — the results of a search in the middle pane: audits, documents
 * and artworks in groups, each under a header with its count and capped with a
 * "Show More" line; "No Results" naming the query when nothing matches.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store-thread.h"
#include "afd-search-model.h"

G_BEGIN_DECLS

#define AFD_TYPE_SEARCH_RESULTS (afd_search_results_get_type ())

G_DECLARE_FINAL_TYPE (AfdSearchResults, afd_search_results, AFD, SEARCH_RESULTS, GtkWidget)

/* The cache searched from now on; a search under way on another one is dropped. */
void            afd_search_results_set_thread     (AfdSearchResults *self,
                                                   AfStoreThread    *thread);
/* Searches @text ("" empties the results), cancelling the search under way. */
void            afd_search_results_search         (AfdSearchResults *self,
                                                   const char       *text);
/* Searches again after an edit (a review moves items), the result on show kept
 * selected. */
void            afd_search_results_refresh        (AfdSearchResults *self);
/* The user typed again: the search under way is not wanted any more. */
void            afd_search_results_cancel         (AfdSearchResults *self);
/* Opens the first result (Enter in the search entry); FALSE when there is none. */
gboolean        afd_search_results_activate_first (AfdSearchResults *self);
/* Down in @entry (the search entry) moves the focus to the first result; Up from the
 * first result moves it back. Once. */
void            afd_search_results_attach_entry   (AfdSearchResults *self,
                                                   GtkWidget        *entry);
/* Draws the results' fonts once at idle (afd-glyph-warm-up.h): called after the
 * window's first frame, so that the first results' frame does not rasterize them. */
void            afd_search_results_warm_up        (AfdSearchResults *self);
/* (nullable) The model the list view shows, NULL until a cache is set. */
AfdSearchModel *afd_search_results_get_model      (AfdSearchResults *self);
GtkListView    *afd_search_results_get_list_view  (AfdSearchResults *self);

G_END_DECLS
