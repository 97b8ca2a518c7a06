/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-push.h — the write half of sync: the outbox to DynamoDB.
 *
 * Entries go out in order per item (items in parallel, a few lanes at a time), each as
 * ONE UpdateItem that SETs only the entry's attributes (a correction: list_append to
 * `corrections`), `version = if_not_exists(version, 0) + 1` and `last_op_id`, on the
 * condition that the item exists and its version is the cached base's. Never PutItem:
 * attributes the app does not own are never touched.
 *
 * A conditional failure brings the item as it is now (ALL_OLD; GetItem when the server
 * sends none). If it already carries the entry (its last_op_id is ours: a retry after a
 * 5xx or a dropped answer, or a run killed after the write) the entry is done, never
 * applied twice. Otherwise the change is judged by attribute names (af-conflict.h):
 * disjoint, the entry is applied again on the new version (an automatic merge, logged);
 * overlapping, a conflict is recorded and the item's later entries wait for the user.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint      pushed;      /* entries the cloud now holds (already_applied included) */
  guint      already;     /* found already applied (a lost answer, a killed run) */
  guint      merged;      /* applied again on a version another writer moved */
  guint      conflicts;   /* new conflicts recorded */
  guint      waiting;     /* entries held back behind an open conflict */
  guint      errors;      /* entries refused (deleted remotely, invalid): see problems */
  guint      requests;    /* DynamoDB requests sent by this push (retries included) */
  GPtrArray *problems;    /* (element-type utf8) */
} AfPushResult;

void af_push_result_free (AfPushResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfPushResult, af_push_result_free)

/* Items pushed at the same time unless af_push_set_lanes() says otherwise; a session
 * for the push allows as many connections a host (af-connection.c). */
#define AF_PUSH_DEFAULT_LANES 16

#define AF_TYPE_PUSH (af_push_get_type ())
G_DECLARE_FINAL_TYPE (AfPush, af_push, AF, PUSH, GObject)

AfPush       *af_push_new             (AfStore             *store,
                                       AfDynamodbClient    *dynamodb);
/* The remote name of @table (default: af_table_default_name (table, NULL)). */
void          af_push_set_table_name  (AfPush              *self,
                                       AfTable              table,
                                       const char          *name);
/* Items pushed at the same time (default AF_PUSH_DEFAULT_LANES). Entries of one item never overlap. */
void          af_push_set_lanes       (AfPush              *self,
                                       guint                lanes);

void          af_push_run_async       (AfPush              *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* NULL with an error when the push had to stop (network, credentials, the cache): the
 * entries not sent stay queued. Per-entry problems are in the result instead. */
AfPushResult *af_push_run_finish      (AfPush              *self,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
