/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-thread-private.h — what the typed calls (af-store-async.c) share with the
 * thread: queueing a job under a source tag of their own, and finishing it.
 */
#pragma once

#include "af-store-thread.h"

G_BEGIN_DECLS

typedef enum
{
  AF_STORE_JOB_READ,    /* skipped when cancelled before it starts */
  AF_STORE_JOB_WRITE,   /* always runs */
} AfStoreJobKind;

void     af_store_thread_queue          (AfStoreThread       *self,
                                         gpointer             source_tag,
                                         AfStoreJobKind       kind,
                                         AfStoreJobFunc       func,
                                         gpointer             data,
                                         GDestroyNotify       data_free,
                                         GDestroyNotify       result_free,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The result of a job queued under @source_tag (NULL: any tag). */
gpointer af_store_thread_finish_tagged  (AfStoreThread       *self,
                                         GAsyncResult        *result,
                                         gpointer             source_tag,
                                         GError             **error);

G_END_DECLS
