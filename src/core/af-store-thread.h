/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-thread.h — one AfStore owned by a thread of its own, for callers that must
 * never wait on SQLite (the window).
 *
 * Jobs are run one at a time, in the order they were queued, on the thread that owns
 * the connection: an edit queued before a read is seen by that read. Each job is a
 * GTask whose callback runs in the thread-default main context of the caller.
 *
 * Two kinds of job:
 *  - reads (af_store_thread_run_async): skipped when their cancellable is cancelled
 *    before they start;
 *  - writes (af_store_thread_write_async): always run, even when the caller's
 *    cancellable is cancelled (a page closed while its note is being saved must not
 *    lose the note); only the delivery of the result is cancelled.
 *
 * The typed calls the app needs (get an item, save a note…) are in af-store-async.h.
 */
#pragma once

#include <gio/gio.h>

#include "af-store.h"

G_BEGIN_DECLS

#define AF_TYPE_STORE_THREAD (af_store_thread_get_type ())
G_DECLARE_FINAL_TYPE (AfStoreThread, af_store_thread, AF, STORE_THREAD, GObject)

/* A job: runs on the store's thread with the store. Returns the result (freed with the
 * job's @result_free when nobody takes it), or NULL with @error set on failure. A job
 * whose result is "nothing" returns GINT_TO_POINTER (TRUE) (and a NULL @result_free). */
typedef gpointer (*AfStoreJobFunc) (AfStore   *store,
                                    gpointer   data,
                                    GError   **error);

/* Takes @store (transfer full): from now on only the thread touches it. */
AfStoreThread *af_store_thread_new          (AfStore             *store);

/* These never touch the connection: safe from the thread that made the AfStoreThread. */
const char    *af_store_thread_get_path     (AfStoreThread       *self);
AfCacheKey    *af_store_thread_get_key      (AfStoreThread       *self);
const char    *af_store_thread_get_identity (AfStoreThread       *self);
/* Keeps the new identity here at once and hands it to the store in the queue's order,
 * so that every edit queued after this call is recorded under it. */
void           af_store_thread_set_identity (AfStoreThread       *self,
                                             const char          *email);

void           af_store_thread_run_async    (AfStoreThread       *self,
                                             AfStoreJobFunc       func,
                                             gpointer             data,
                                             GDestroyNotify       data_free,
                                             GDestroyNotify       result_free,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
void           af_store_thread_write_async  (AfStoreThread       *self,
                                             AfStoreJobFunc       func,
                                             gpointer             data,
                                             GDestroyNotify       data_free,
                                             GDestroyNotify       result_free,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* The job's result (transfer full), or NULL with @error set. */
gpointer       af_store_thread_run_finish   (AfStoreThread       *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Runs every job already queued, then closes the connection, waiting for both: for the
 * end of the application, so that no edit is lost. Later jobs fail with
 * G_IO_ERROR_CLOSED. Idempotent; finalizing does it too. */
void           af_store_thread_close        (AfStoreThread       *self);

G_END_DECLS
