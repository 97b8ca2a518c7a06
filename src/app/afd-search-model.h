/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-search-model.h — a GListModel of AfdSearchItem: what a search finds in every
 * audit, document and artwork of the cache, grouped by kind, whatever queue is shown.
 *
 * Each kind is searched by its own job on the store's thread (af_store_search(), the
 * FTS5 index), audits first, and each group replaces the previous search's group of its
 * kind with one items-changed as soon as it arrives: the results stream in, and the
 * rows shown never blink to empty between two searches. A new search (or
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
/* Searches @text, cancelling the search under way. NULL or empty clears the search: its
 * lines stay, stale (afd_search_model_is_stale()), until the next search's replace them. */
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
/* TRUE from a clear until the next search has every group: the lines are those of the
 * search cleared, kept for their widgets, and not to be shown. */
gboolean        afd_search_model_is_stale     (AfdSearchModel  *self);
/* The number of matches of @table in the last search finished for it; 0 before. */
gint64          afd_search_model_get_total    (AfdSearchModel  *self,
                                               AfTable          table);
/* The error of a group that could not be read in the last search, or NULL. */
const GError   *afd_search_model_get_error    (AfdSearchModel  *self);

G_END_DECLS
