/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-model.h — a GListModel of AfdQueueRow over one cache query, read in pages.
 *
 * Everything is read on the store's thread (the GTK main thread never waits on SQLite):
 * the number of items and the first page together, then AFD_QUEUE_MODEL_PAGE_SIZE rows
 * at a time by keyset (af_store_query_page(), never OFFSET) when a list asks for them.
 * Until its page arrives a row is a "Loading" placeholder, replaced by items-changed.
 * Only the most recently used pages are kept, so 100,000 audits cost what a screenful
 * costs. The model is empty until "loaded" is emitted.
 */
#pragma once

#include <gio/gio.h>

#include "af-store-thread.h"

G_BEGIN_DECLS

#define AFD_QUEUE_MODEL_PAGE_SIZE 200
#define AFD_QUEUE_MODEL_MAX_PAGES 4
/* A page's rows replace the placeholders a list holds this many at a time, the ones
 * nearest to where the list looks first, then a chunk a frame. */
#define AFD_QUEUE_MODEL_TELL_CHUNK 50

#define AFD_TYPE_QUEUE_MODEL (afd_queue_model_get_type ())
G_DECLARE_FINAL_TYPE (AfdQueueModel, afd_queue_model, AFD, QUEUE_MODEL, GObject)

/* @query is copied (its strings too). Starts reading at once. */
AfdQueueModel *afd_queue_model_new              (AfStoreThread   *thread,
                                                 const AfQuery   *query);
/* Counts again and reads the pages again, e.g. after an edit moved items; the rows
 * shown stay until the new ones arrive ("loaded"), then only the rows that changed are
 * told (another count at the end of the queue). Cancels the loads under way. */
void           afd_queue_model_reload           (AfdQueueModel   *self);
/* Drops the loads under way (a new query replaces this one). */
void           afd_queue_model_cancel           (AfdQueueModel   *self);
/* TRUE until the count and first page of the query (or reload) arrive. */
gboolean       afd_queue_model_is_counting      (AfdQueueModel   *self);
/* TRUE while the count or a page is being read, or rows read are still to be told. */
gboolean       afd_queue_model_is_loading       (AfdQueueModel   *self);
/* The error of the last failed read, or NULL. */
const GError  *afd_queue_model_get_error        (AfdQueueModel   *self);

/* The position of @item_id's row among [@first, @first + @n) (rows a list was just told
 * of), looked for in the rows held in memory only, as get_item() gives them there:
 * nothing is read, and a row not held is not looked at. G_MAXUINT when not found. */
guint          afd_queue_model_find_held        (AfdQueueModel   *self,
                                                 const char      *item_id,
                                                 guint            first,
                                                 guint            n);

/* The position of @item_id's row in the pages read since the last reload (not the
 * stale ones, whose rows may have moved), or G_MAXUINT; nothing is read. */
guint          afd_queue_model_find_read        (AfdQueueModel   *self,
                                                 const char      *item_id);
/* Where @item_id's row is in the queue now: its position asked of the store's thread
 * (the rows before its sort key counted, no OFFSET), then its page read as a list's is
 * (by keyset), so that get_item() there gives its row when this returns. G_MAXUINT
 * when the queue does not hold it. A reload, cancel() or a failed read end it with an
 * error (G_IO_ERROR_CANCELLED for the first two). */
void           afd_queue_model_locate_async     (AfdQueueModel       *self,
                                                 const char          *item_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
guint          afd_queue_model_locate_finish    (AfdQueueModel       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* The table of the query's items. */
AfTable        afd_queue_model_get_table        (AfdQueueModel   *self);

/* For tests and benchmarks: rows held in memory now, and pages read so far. */
guint          afd_queue_model_get_n_loaded     (AfdQueueModel   *self);
guint          afd_queue_model_get_pages_read   (AfdQueueModel   *self);

G_END_DECLS
