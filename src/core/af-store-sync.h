/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-sync.h — what the write half of sync keeps in the cache, beside AfStore's own
 * tables: the outcome of a push (the outbox entry gone and the cloud's new copy taken
 * as the base, in one transaction), conflicts waiting for the user, artwork
 * submissions and forget-user requests in flight.
 *
 * These tables are created on first use (CREATE TABLE IF NOT EXISTS), so a cache
 * written before the sync engine existed opens unchanged.
 */
#pragma once

#include "af-store.h"

G_BEGIN_DECLS

/* Creates the sync tables when missing. Every function below calls it. */
gboolean   af_store_sync_prepare          (AfStore              *self,
                                           GError              **error);

/* The item's partition key and, for analyses, its sort key (created_at), read from
 * the cache: what UpdateItem and GetItem need. */
AfValue   *af_store_sync_item_key         (AfStore              *self,
                                           AfTable               table,
                                           const char           *id,
                                           GError              **error);

/* Every cached item of @table reduced to its top-level @attributes (NULL-terminated),
 * as the local view has them: what the pull's refresh compares with the cloud. The
 * projection is made by SQLite, so that a cache of 10,000 audits of 3.5 KB is not
 * opened and parsed whole for ~150 bytes of each. */
GPtrArray *af_store_sync_signatures       (AfStore              *self,
                                           AfTable               table,
                                           const char * const   *attributes,
                                           GError              **error);

/* @remote is what the cloud now holds: it becomes the item's base, and the local view
 * is rebuilt from it with the pending entries (those the remote's last_op_id does not
 * already cover). With @done_seq > 0 that outbox entry is removed in the same
 * transaction (the push got it through, or found it already applied). */
gboolean   af_store_sync_rebase           (AfStore              *self,
                                           AfTable               table,
                                           const char           *id,
                                           const AfValue        *remote,
                                           gint64                done_seq,
                                           GError              **error);

/* One finished outbox entry: what af_store_sync_rebase() takes, kept for a batch. */
typedef struct
{
  AfTable  table;
  char    *item_id;
  AfValue *remote;     /* what the cloud held after the entry */
  gint64   done_seq;
} AfPushDone;

void       af_push_done_free              (AfPushDone           *done);

/* af_store_sync_rebase() for each of @done (AfPushDone), in order, in ONE transaction:
 * a push commits its results in groups, since a commit per edit would make the disk,
 * not the network, the measure of a sync. An item's results must come in the order of
 * its entries: only its last one's remote is written (it holds the earlier ones). */
gboolean   af_store_sync_rebase_batch     (AfStore              *self,
                                           GPtrArray            *done,
                                           GError              **error);
/* af_store_outbox_mark_attempt() for every entry of @entries (AfOutboxEntry), in one
 * transaction. */
gboolean   af_store_sync_mark_attempts    (AfStore              *self,
                                           GPtrArray            *entries,
                                           GError              **error);

/* Marks an entry with an error the user must see (attempts unchanged). */
gboolean   af_store_sync_set_entry_error  (AfStore              *self,
                                           gint64                seq,
                                           const char           *message,
                                           GError              **error);

/* ---- Conflicts --------------------------------------------------------------------- */

typedef struct
{
  AfTable  table;
  char    *item_id;
  gint64   seq;           /* the outbox entry held back */
  char    *op_id;
  AfOpKind kind;
  char   **attributes;    /* changed on both sides */
  AfValue *mine;          /* M: the entry's changes */
  AfValue *theirs;        /* M: the remote item when the conflict was found */
  AfValue *base;          /* M (nullable): the cached base it was judged against */
  char    *created_at;
} AfConflict;

void        af_conflict_free              (AfConflict           *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfConflict, af_conflict_free)

/* Records the conflict and takes @theirs as the item's base, in one transaction: the
 * local view still shows the user's value, the cloud keeps the other, and nothing is
 * overwritten until the user chooses. */
gboolean    af_store_conflict_add         (AfStore              *self,
                                           const AfOutboxEntry  *entry,
                                           const char * const   *attributes,
                                           const AfValue        *base,
                                           const AfValue        *theirs,
                                           GError              **error);
gint64      af_store_conflict_count       (AfStore              *self,
                                           GError              **error);
/* GPtrArray of AfConflict, oldest first. */
GPtrArray  *af_store_conflict_list        (AfStore              *self,
                                           GError              **error);
/* The open conflict of one item, or NULL (with no error when there is none). */
AfConflict *af_store_conflict_get         (AfStore              *self,
                                           const char           *item_id,
                                           GError              **error);
gboolean    af_store_conflict_is_open     (AfStore              *self,
                                           AfTable               table,
                                           const char           *item_id,
                                           GError              **error);

typedef enum
{
  AF_RESOLVE_MINE,     /* push ours over the cloud's newer version */
  AF_RESOLVE_THEIRS,   /* drop our entry, keep the cloud's */
  AF_RESOLVE_EDIT,     /* push a merged text instead of ours */
} AfResolution;

/* @text: the merged text for AF_RESOLVE_EDIT (text attributes only). */
gboolean    af_store_conflict_resolve     (AfStore              *self,
                                           const char           *item_id,
                                           AfResolution          resolution,
                                           const char           *text,
                                           GError              **error);

G_END_DECLS
