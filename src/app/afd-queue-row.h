/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-row.h — one entry of a queue: the few strings a list row shows.
 *
 * Rows are small on purpose: the queue model keeps a bounded number of them, and the
 * page opened from a row reads the whole item from the cache again.
 */
#pragma once

#include <glib-object.h>

#include "af-table.h"

G_BEGIN_DECLS

#define AFD_TYPE_QUEUE_ROW (afd_queue_row_get_type ())
G_DECLARE_FINAL_TYPE (AfdQueueRow, afd_queue_row, AFD, QUEUE_ROW, GObject)

/* A row built from a cached item of @table. */
AfdQueueRow  *afd_queue_row_new_for_item  (AfTable         table,
                                           const AfValue  *item);
/* A row standing for an item that could not be read. */
AfdQueueRow  *afd_queue_row_new_unreadable (AfTable        table);
/* A row whose page is still being read: no item id, so it opens nothing. */
AfdQueueRow  *afd_queue_row_new_loading    (AfTable        table);
/* @self (a "Loading…" row a list holds) takes @loaded's item and texts, and notifies
 * each property that changed: the list's row widget shows them without the list being
 * told of another item (afd-queue-model.c says why). */
void          afd_queue_row_fill          (AfdQueueRow    *self,
                                           AfdQueueRow    *loaded);

AfTable       afd_queue_row_get_table     (AfdQueueRow    *self);
const char   *afd_queue_row_get_item_id   (AfdQueueRow    *self);
const char   *afd_queue_row_get_title     (AfdQueueRow    *self);
const char   *afd_queue_row_get_subtitle  (AfdQueueRow    *self);
const char   *afd_queue_row_get_badge     (AfdQueueRow    *self);
/* The same item shown the same way (a reload that finds it unchanged keeps the old row). */
gboolean      afd_queue_row_equal         (AfdQueueRow    *a,
                                           AfdQueueRow    *b);
/* The badge's CSS classes (a NULL-terminated array, owned by the row). */
const char  **afd_queue_row_get_badge_classes (AfdQueueRow *self);
/* TRUE for an audit marked reviewed (reviewed_by set), in whichever queue it shows. */
gboolean      afd_queue_row_get_reviewed  (AfdQueueRow    *self);

G_END_DECLS
