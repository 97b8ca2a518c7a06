/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-list.h — the middle pane: a search entry over a GtkListView of one queue, or,
 * while the entry has text, the search's results in every kind of item (AfdSearchResults).
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-queue-model.h"
#include "afd-search-results.h"

G_BEGIN_DECLS

/* Milliseconds of pause in the typing before a search starts. */
#define AFD_QUEUE_LIST_SEARCH_DELAY 150

#define AFD_TYPE_QUEUE_LIST (afd_queue_list_get_type ())
G_DECLARE_FINAL_TYPE (AfdQueueList, afd_queue_list, AFD, QUEUE_LIST, GtkWidget)

/* Shows @model, then @more's rows (nullable: another table's items the queue lists
 * too, afd_queue_build_more_query()); @empty_title is what an empty queue says. */
void        afd_queue_list_set_model        (AfdQueueList   *self,
                                             AfdQueueModel  *model,
                                             AfdQueueModel  *more,
                                             const char     *empty_title);
/* Refreshes the model after an edit; the item selected stays selected wherever the rows
 * told move it (unless it left the queue), without opening it again. */
void        afd_queue_list_reload           (AfdQueueList   *self);
/* The same after the user acted on @item_id (a review, a verdict): selected, if the act
 * takes it out of the queue, the row that followed it is selected and opened in its
 * place ("row-selected"), or the one before it when it was the last. */
void        afd_queue_list_reload_moving_on (AfdQueueList   *self,
                                             const char     *item_id);
const char *afd_queue_list_get_search_text  (AfdQueueList   *self);
/* The cache searched: a search covers every kind of item in it, whatever the queue. */
void        afd_queue_list_set_store_thread (AfdQueueList   *self,
                                             AfStoreThread  *thread);
/* TRUE while the search entry has text: the results are shown instead of the queue. */
gboolean    afd_queue_list_is_searching     (AfdQueueList   *self);
/* Ends the search (the entry emptied): the queue is shown again. */
void        afd_queue_list_stop_search      (AfdQueueList   *self);
/* For tests: the results, and the entry a user types into. */
AfdSearchResults *afd_queue_list_get_search_results (AfdQueueList *self);
GtkSearchEntry   *afd_queue_list_get_search_entry   (AfdQueueList *self);
void        afd_queue_list_focus_search     (AfdQueueList   *self);
/* Highlights the row of @item_id when it is among the first rows, without reopening it. */
void        afd_queue_list_select_id        (AfdQueueList   *self,
                                             const char     *item_id);
guint       afd_queue_list_get_n_items      (AfdQueueList   *self);
void        afd_queue_list_unselect         (AfdQueueList   *self);
/* For tests: the queue's selection, which a click changes. */
GtkSingleSelection *afd_queue_list_get_selection (AfdQueueList *self);

G_END_DECLS
