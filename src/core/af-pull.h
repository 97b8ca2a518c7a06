/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-pull.h — the read half of sync: the four tables into the cache, then the S3 objects
 * of what is marked available offline.
 *
 * Tables are read through the seeds' GSIs, one Query per index partition (documents by
 * processing_status, audits by status, analyses by status), ascending on the index's sort
 * key from a watermark: the newest sort key seen, kept in the store's sync state, so that
 * a second pull reads only what is newer. Users, which have no such index, are found by
 * a keys-only Scan and read by BatchGetItem when new. Every page goes into the cache in
 * one transaction, and its position (LastEvaluatedKey) is saved after it, so a pull that
 * is killed resumes from the last page written.
 *
 * An item whose sort key did not move (a status change moves it to another partition
 * under an old timestamp) is not found by the watermark query; DynamoDB gives no signal
 * for it, so every cached item not seen by the queries is refreshed with BatchGetItem
 * (100 keys a call): changed items are rewritten, and an item that no longer exists is
 * removed from the cache — unless it still has local edits waiting in the outbox.
 * af_pull_set_full () ignores the watermarks, for the case the refresh cannot catch: a
 * new item written with a sort key older than the watermark.
 *
 * Objects are cached by content: $XDG_CACHE_HOME/auditflow-desk/objects/ab/abcdef…, the
 * path made from the SHA-256 of the bytes and never from the S3 key. A document's bytes
 * must match its `checksum`; a mismatch is recorded as an integrity failure and the bytes
 * are thrown away, never kept as the document.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-s3.h"
#include "af-store.h"

G_BEGIN_DECLS

/* How a table was read in one pull. */
typedef enum
{
  AF_PULL_PATH_NONE,      /* not read (objects only) */
  AF_PULL_PATH_FULL,      /* every index partition from its start (first pull, --full, or a
                             stream checkpoint lost) */
  AF_PULL_PATH_REFRESH,   /* no stream: the watermark queries, then the cached items */
  AF_PULL_PATH_STREAM,    /* the table's DynamoDB Stream from its checkpoint */
} AfPullPath;

/* "none", "full", "refresh", "stream": what `sync --json` prints. */
const char *af_pull_path_to_string (AfPullPath path);

typedef struct
{
  AfPullPath path[AF_N_TABLES];       /* how each table was read */
  gboolean   reset[AF_N_TABLES];      /* the stream checkpoint was lost: read in full again */
  guint      requests[AF_N_TABLES];   /* DynamoDB (and Streams) requests, retries included */
  guint64    bytes[AF_N_TABLES];      /* bytes of their answers */
  guint      pulled[AF_N_TABLES];     /* items new or changed, written to the cache */
  guint      read[AF_N_TABLES];       /* items read by Query / BatchGetItem for new keys, and
                                         stream records */
  guint      refreshed[AF_N_TABLES];  /* cached items checked with BatchGetItem */
  guint      deleted[AF_N_TABLES];    /* gone remotely, removed from the cache */
  guint      rejected[AF_N_TABLES];   /* reported: a wrong type, or refused (see problems) */
  guint      objects_fetched;         /* downloaded and verified */
  guint      objects_cached;          /* already in the cache, nothing downloaded */
  guint64    object_bytes;            /* bytes downloaded */
  guint      integrity_failures;
  guint      errors;                  /* per-item problems, the run went on */
  GPtrArray *problems;                /* (element-type utf8) one line per problem */
  GPtrArray *notices;                 /* (element-type utf8) what the user should know that
                                         is no problem: a table read in full again */
} AfPullResult;

void af_pull_result_free (AfPullResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfPullResult, af_pull_result_free)

#define AF_TYPE_PULL (af_pull_get_type ())
G_DECLARE_FINAL_TYPE (AfPull, af_pull, AF, PULL, GObject)

/* @s3 may be NULL: tables only. */
AfPull       *af_pull_new             (AfStore          *store,
                                       AfDynamodbClient *dynamodb,
                                       AfS3Client       *s3);
/* The remote name of @table (default: af_table_default_name (table, env)). */
void          af_pull_set_table_name  (AfPull           *self,
                                       AfTable           table,
                                       const char       *name);
/* Where objects go (default: g_get_user_cache_dir ()/auditflow-desk/objects). */
void          af_pull_set_objects_dir (AfPull           *self,
                                       const char       *path);
const char   *af_pull_get_objects_dir (AfPull           *self);
/* Read every partition from its start, ignoring the watermarks. */
void          af_pull_set_full        (AfPull           *self,
                                       gboolean          full);
/* Items per Query page and records per GetRecords (0: DynamoDB's 1 MB pages, 1,000
 * records); small pages exercise resumption. */
void          af_pull_set_page_limit  (AfPull           *self,
                                       guint             limit);
/* Tables without a stream: their cached items are refreshed at most once per @seconds
 * (0, the default: at every pull; --full always refreshes). */
void          af_pull_set_refresh_interval (AfPull      *self,
                                        guint            seconds);
guint         af_pull_get_refresh_interval (AfPull      *self);
/* Only the objects of this loan or analysis (the `offline` command); no table reads. */
void          af_pull_set_objects_only (AfPull          *self,
                                        const char      *id);

/* Emits "progress" (guint items, guint64 bytes) as pages and objects arrive. */
void          af_pull_run_async       (AfPull           *self,
                                       GCancellable     *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer          user_data);
/* NULL with an error when the pull could not go on (network, credentials, a table that
 * does not exist, the cache); per-item problems are in the result instead. */
AfPullResult *af_pull_run_finish      (AfPull           *self,
                                       GAsyncResult     *result,
                                       GError          **error);

/* ---- Available offline ------------------------------------------------------------ */

/* Marks a loan (LOAN_ID: its documents) or an analysis (REQUEST_ID: its images) for
 * download. The id must be in the cache. */
gboolean      af_pull_mark_offline    (AfStore          *store,
                                       const char       *id,
                                       GError          **error);
/* The ids marked (owned, NULL-terminated). */
char        **af_pull_list_offline    (AfStore          *store,
                                       GError          **error);

typedef enum
{
  AF_OBJECT_MISSING,     /* not downloaded */
  AF_OBJECT_OK,          /* downloaded and verified: the path is given */
  AF_OBJECT_INTEGRITY,   /* the bytes did not match the item's checksum */
  AF_OBJECT_ERROR,       /* the download failed (message in the store) */
} AfObjectState;

/* What the cache knows of an item's object. @role: "document" for a document, "raw" or
 * "processed" for an analysis. *out_path (nullable) receives the file when OK. */
AfObjectState af_pull_get_object_state (AfStore         *store,
                                        const char      *objects_dir,
                                        const char      *item_id,
                                        const char      *role,
                                        char           **out_path,
                                        char           **out_detail);

G_END_DECLS
