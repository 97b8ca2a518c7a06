/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-search-model.h — a GListModel of AfdSearchItem: what a search finds in every
 * audit, document and artwork of the cache, grouped by kind, whatever queue is shown.
 *
 * Each kind is searched by its own job on the store's thread (af_store_search(), the
 * FTS5 index), audits first, and each group replaces the previous search's group of its
 * kind as soon as it arrives, the lines updated in place: the results stream in, and the
 * rows shown never blink to empty between two searches. The list never shrinks: the
 * lines past the results are spare (AFD_SEARCH_ITEM_SPARE), kept so that the list view
 * keeps their widgets (GTK 4.8 destroys a removed item's widget and builds a new one
 * for an added item). A clear makes every line spare. A new search (or
 * afd_search_model_cancel()) cancels the one under way, whose results are dropped.
 */
#pragma once

#include <gio/gio.h>

#include "af-store-thread.h"

G_BEGIN_DECLS

/* Results a group shows until its "Show More" line is used. */
#define AFD_SEARCH_MODEL_GROUP_CAP 5
/* Results a group can show at most: its count says how many there are in all. */
#define AFD_SEARCH_MODEL_GROUP_MAX 100

#define AFD_TYPE_SEARCH_MODEL (afd_search_model_get_type ())

G_DECLARE_FINAL_TYPE (AfdSearchModel, afd_search_model, AFD, SEARCH_MODEL, GObject)

AfdSearchModel *afd_search_model_new          (AfStoreThread   *thread);
AfStoreThread  *afd_search_model_get_thread   (AfdSearchModel  *self);
/* Searches @text, cancelling the search under way. NULL or empty clears the search:
 * every line becomes spare, until the next search's groups arrive. */
void            afd_search_model_set_text     (AfdSearchModel  *self,
                                               const char      *text);
/* Searches the same text again (an edit may have changed what it finds), each group
 * as open as it was. */
void            afd_search_model_refresh      (AfdSearchModel  *self);
/* Drops the search under way (the user typed again): the rows shown stay. */
void            afd_search_model_cancel       (AfdSearchModel  *self);
/* Shows every result of @table's group (up to AFD_SEARCH_MODEL_GROUP_MAX). */
void            afd_search_model_expand       (AfdSearchModel  *self,
                                               AfTable          table);
/* The text of the last search asked for ("" when none). */
const char     *afd_search_model_get_text     (AfdSearchModel  *self);
/* TRUE from a search's start until each of its groups has arrived ("finished"). */
gboolean        afd_search_model_is_searching (AfdSearchModel  *self);
/* The lines that show something, at the start of the list (the others are spare). */
guint           afd_search_model_get_n_shown  (AfdSearchModel  *self);
/* The number of matches of @table in the last search finished for it (at most
 * AFD_SEARCH_ITEM_TOTAL_MAX + 1: "more than that"); 0 before. */
gint64          afd_search_model_get_total    (AfdSearchModel  *self,
                                               AfTable          table);
/* The error of a group that could not be read in the last search, or NULL. */
const GError   *afd_search_model_get_error    (AfdSearchModel  *self);

G_END_DECLS
