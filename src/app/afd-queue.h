/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-queue.h — the review queues of the sidebar, and the cache query behind each.
 */
#pragma once

#include "af-store-thread.h"

G_BEGIN_DECLS

typedef enum
{
  AFD_QUEUE_HIGH_RISK,
  AFD_QUEUE_ALL_LOANS,
  AFD_QUEUE_IN_PROGRESS,
  AFD_QUEUE_FAILED,
  AFD_QUEUE_PENDING_DOCUMENTS,
  AFD_QUEUE_REVIEWED,
  AFD_QUEUE_ARTWORKS,
  AFD_QUEUE_ARTWORKS_FORGED,
  AFD_QUEUE_ARTWORKS_SUSPICIOUS,
  AFD_QUEUE_ARTWORKS_AUTHENTIC,
  AFD_N_QUEUES
} AfdQueue;

/* The stable name kept in the "last-queue" setting: "high-risk", "artworks", ... */
const char *afd_queue_get_id          (AfdQueue     queue);
gboolean    afd_queue_from_id         (const char  *id,
                                       AfdQueue    *out_queue);
const char *afd_queue_get_title       (AfdQueue     queue);
const char *afd_queue_get_icon_name   (AfdQueue     queue);
const char *afd_queue_get_empty_title (AfdQueue     queue);
/* Whether the queue belongs to the loan reviews or to the artworks section. */
gboolean    afd_queue_is_artworks     (AfdQueue     queue);

/* Fills @query for @queue. @search (nullable, borrowed by @query) narrows it. */
void        afd_queue_build_query     (AfdQueue     queue,
                                       double       risk_threshold,
                                       const char  *search,
                                       AfQuery     *query);

/* Fills @query with the items listed after @queue's own, of another table (the Failed
 * queue: the documents whose processing failed, after the failed audits); FALSE when
 * @queue has none. The count of @queue includes them. */
gboolean    afd_queue_build_more_query (AfdQueue    queue,
                                        const char *search,
                                        AfQuery    *query);

/* Counts every queue into @counts (-1 where counting failed). Blocking (SQLite): for a
 * worker thread (the workspace's opening) or a store thread job, never the GTK thread. */
void        afd_queue_count_all        (AfStore              *store,
                                        double                risk_threshold,
                                        gint64                counts[AFD_N_QUEUES]);
/* Counts every queue on the store's thread, in one job. */
void        afd_queue_count_all_async  (AfStoreThread        *thread,
                                        double                risk_threshold,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
/* Fills @counts (-1 where counting one queue failed); FALSE if the job failed. */
gboolean    afd_queue_count_all_finish (AfStoreThread        *thread,
                                        GAsyncResult         *result,
                                        gint64                counts[AFD_N_QUEUES],
                                        GError              **error);

G_END_DECLS
