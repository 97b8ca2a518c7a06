/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-workspace.h — the cache the window works on, and where its documents' bytes are.
 *
 * Either the bundled demo (sample data, clearly labelled, objects from the demo's
 * s3-manifest.json) or the user's real workspace (objects from the local object cache,
 * content-addressed by SHA-256). Pages report their edits here, so that the window
 * can refresh the counts and the outbox indicator in one place.
 */
#pragma once

#include <gio/gio.h>

#include "af-store.h"
#include "af-store-thread.h"
#include "afd-queue.h"

G_BEGIN_DECLS

#define AFD_WORKSPACE_ERROR (afd_workspace_error_quark ())
GQuark afd_workspace_error_quark (void);

typedef enum
{
  AFD_WORKSPACE_ERROR_NOT_OFFLINE,   /* the object is not in the local cache */
} AfdWorkspaceError;

#define AFD_TYPE_WORKSPACE (afd_workspace_get_type ())
G_DECLARE_FINAL_TYPE (AfdWorkspace, afd_workspace, AFD, WORKSPACE, GObject)

/* Opens the workspace on a worker thread, and counts its queues there too (SQLite
 * reads; a big cache takes a moment), so that the window shows at once.
 * @db_path: an explicit cache (--db), or NULL to choose: the demo on a first start
 * with no AWS configuration, else $XDG_DATA_HOME/auditflow-desk/workspace.db.
 * Its one connection is used by the worker until it returns, then only by the store's
 * thread (afd_workspace_get_store_thread()): never by the main thread. */
void          afd_workspace_open_async       (const char           *db_path,
                                              GSettings            *settings,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* The demo workspace whatever the configuration (Open Demo Workspace); finished
 * with afd_workspace_open_finish(). */
void          afd_workspace_open_demo_async  (GSettings            *settings,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
AfdWorkspace *afd_workspace_open_finish      (GAsyncResult         *result,
                                              GError              **error);
/* The queue counts taken while opening (afd_queue_count_all()). */
const gint64 *afd_workspace_get_initial_counts (AfdWorkspace *self);
/* The window's connection to the cache, on a thread of its own: every read and edit of
 * a page is an _async call on it (af-store-async.h, docs in _notes/store-async.md). */
AfStoreThread *afd_workspace_get_store_thread (AfdWorkspace  *self);
/* The settings the workspace was opened with (the application's). */
GSettings    *afd_workspace_get_settings     (AfdWorkspace   *self);
gboolean      afd_workspace_is_demo          (AfdWorkspace   *self);

/* The local file holding the object of @item: @attribute NULL for a document's
 * s3_bucket/s3_key, else an attribute with an s3:// URL. Never built from the key. */
char         *afd_workspace_resolve_object   (AfdWorkspace   *self,
                                              const AfValue  *item,
                                              const char     *attribute,
                                              GError        **error);

/* Pages call this after an edit; emits ::changed. @queues_changed: the edit may
 * move items between queues (a review, a verdict), not just add to the outbox. */
void          afd_workspace_changed          (AfdWorkspace   *self,
                                              gboolean        queues_changed);
/* The same after the user's own act on @item_id that may move it between queues (a
 * review, a verdict): ::changed with @item_id, so that the queue shown moves on to the
 * next item if that one left it. */
void          afd_workspace_acted_on         (AfdWorkspace   *self,
                                              const char     *item_id);

G_END_DECLS
