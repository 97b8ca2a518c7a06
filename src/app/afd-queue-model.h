/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue-model.h — a GListModel of AfdQueueRow over one cache query, read in pages.
 *
 * The number of items comes from af_store_count(); rows are read AFD_QUEUE_MODEL_PAGE_SIZE
 * at a time when a list asks for them, and only the most recently used pages are kept,
 * so a queue of 100,000 audits costs what a screenful costs.
 */
#pragma once

#include <gio/gio.h>

#include "af-store.h"

G_BEGIN_DECLS

#define AFD_QUEUE_MODEL_PAGE_SIZE 200
#define AFD_QUEUE_MODEL_MAX_PAGES 4

#define AFD_TYPE_QUEUE_MODEL (afd_queue_model_get_type ())
G_DECLARE_FINAL_TYPE (AfdQueueModel, afd_queue_model, AFD, QUEUE_MODEL, GObject)

/* @query is copied (its strings too). */
AfdQueueModel *afd_queue_model_new              (AfStore         *store,
                                                 const AfQuery   *query);
/* Counts again and drops every cached page, e.g. after an edit moved items. */
void           afd_queue_model_reload           (AfdQueueModel   *self);
/* The error of the last failed read, or NULL. */
const GError  *afd_queue_model_get_error        (AfdQueueModel   *self);

/* For tests and benchmarks: rows held in memory now, and pages read so far. */
guint          afd_queue_model_get_n_loaded     (AfdQueueModel   *self);
guint          afd_queue_model_get_pages_read   (AfdQueueModel   *self);

G_END_DECLS
