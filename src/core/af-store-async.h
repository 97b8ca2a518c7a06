/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-async.h — the store's calls that the app makes, run on the store's thread
 * (af-store-thread.h). Each is the AfStore call of the same name (af-store.h,
 * af-store-sync.h) with its arguments copied, so the caller may free them at once.
 *
 * Reads are skipped when cancelled before they start. Edits always run: the
 * cancellable only drops the delivery of their result. Every edit is finished with
 * af_store_thread_edit_finish().
 */
#pragma once

#include "af-store-sync.h"
#include "af-store-thread.h"

G_BEGIN_DECLS

/* ---- Reads -------------------------------------------------------------------------- */

void        af_store_thread_get_item_async          (AfStoreThread        *self,
                                                     AfTable               table,
                                                     const char           *id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
AfValue    *af_store_thread_get_item_finish         (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void        af_store_thread_find_item_async         (AfStoreThread        *self,
                                                     const char           *id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
AfValue    *af_store_thread_find_item_finish        (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     AfTable              *out_table,
                                                     GError              **error);

/* GPtrArray of AfValue. */
void        af_store_thread_audit_history_async     (AfStoreThread        *self,
                                                     const char           *loan_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_documents_for_loan_async (AfStoreThread       *self,
                                                     const char           *loan_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* @query is copied. */
void        af_store_thread_query_async             (AfStoreThread        *self,
                                                     const AfQuery        *query,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* GPtrArray of AfConflict, oldest first. */
void        af_store_thread_conflict_list_async     (AfStoreThread        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* GPtrArray of AfOutboxEntry, in order. */
void        af_store_thread_outbox_list_async       (AfStoreThread        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* The GPtrArray of any of the five calls above. */
GPtrArray  *af_store_thread_list_finish             (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* One keyset page of @query (af_store_query_page()); @after (nullable) is copied.
 * Finished with af_store_thread_query_page_finish(). */
void        af_store_thread_query_page_async        (AfStoreThread        *self,
                                                     const AfQuery        *query,
                                                     const AfStoreCursor  *after,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* The page's AfValue rows; *@out_next receives the cursor after it, NULL after the last. */
GPtrArray  *af_store_thread_query_page_finish       (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     AfStoreCursor       **out_next,
                                                     GError              **error);

void        af_store_thread_count_async             (AfStoreThread        *self,
                                                     const AfQuery        *query,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_outbox_length_async     (AfStoreThread        *self,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* The number of either call above; -1 with @error set. */
gint64      af_store_thread_count_finish            (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* The item's open conflict; NULL with no error when there is none. */
void        af_store_thread_conflict_get_async      (AfStoreThread        *self,
                                                     const char           *item_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
AfConflict *af_store_thread_conflict_get_finish     (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void        af_store_thread_user_by_email_async     (AfStoreThread        *self,
                                                     const char           *email,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
AfValue    *af_store_thread_user_by_email_finish    (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* NULL with no error when unset. */
void        af_store_thread_get_state_async         (AfStoreThread        *self,
                                                     const char           *key,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
char       *af_store_thread_get_state_finish        (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

/* ---- Edits (finished with af_store_thread_edit_finish) ----------------------------- */

void        af_store_thread_set_state_async         (AfStoreThread        *self,
                                                     const char           *key,
                                                     const char           *value,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_set_review_notes_async  (AfStoreThread        *self,
                                                     const char           *audit_record_id,
                                                     const char           *text,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_mark_reviewed_async     (AfStoreThread        *self,
                                                     const char           *audit_record_id,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_add_correction_async    (AfStoreThread        *self,
                                                     const char           *document_id,
                                                     const char           *field,
                                                     const char           *value,
                                                     const char           *note,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_set_appraisal_note_async (AfStoreThread       *self,
                                                     const char           *request_id,
                                                     const char           *text,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_set_verdict_async       (AfStoreThread        *self,
                                                     const char           *request_id,
                                                     const char           *verdict,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
/* @region: NULL, or [x, y, width, height]. */
void        af_store_thread_mark_finding_async      (AfStoreThread        *self,
                                                     const char           *request_id,
                                                     const char           *kind,
                                                     const int            *region,
                                                     const char           *status,
                                                     const char           *comment,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
void        af_store_thread_conflict_resolve_async  (AfStoreThread        *self,
                                                     const char           *item_id,
                                                     AfResolution          resolution,
                                                     const char           *text,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
gboolean    af_store_thread_edit_finish             (AfStoreThread        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
