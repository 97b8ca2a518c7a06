/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-pull-private.h — the parts of AfPull: the run and the index queries (af-pull.c),
 * the change feed of tables with a DynamoDB Stream (af-pull-stream.c), the refresh of
 * cached items (af-pull-refresh.c) and the objects (af-pull-objects.c).
 *
 * A run: each table's stream is looked up and, where a checkpoint holds, read
 * (af_pull_streams_start); then the index queries of the tables without one, or whose
 * checkpoint was lost (af_pull_queries_start); the refresh; the streams of the tables
 * read in full, from the positions noted before their queries (af_pull_streams_finish);
 * the objects.
 */
#pragma once

#include "af-pull.h"

G_BEGIN_DECLS

typedef struct _PullStream PullStream;   /* af-pull-stream.c */
typedef struct _PullScan PullScan;       /* af-pull-scan.c */

/* A table read through a GSI, one Query per index partition (one status value). */
typedef struct
{
  AfTable             table;
  const char         *index;
  const char         *hash;        /* the partition attribute */
  const char         *range;       /* the sort key: the watermark's attribute */
  AfType              range_type;
  const char * const *values;      /* the partitions read */
} PullPartitions;

/* One run's state, the task data of af_pull_run_async's task. */
typedef struct
{
  AfPullResult *result;                  /* (owned) */
  GHashTable   *seen[AF_N_TABLES];       /* (owned) ids read by the queries this run */
  GQueue        jobs;                    /* (owned) PullJob, the partitions left */
  GQueue        writes;                  /* (owned) PendingWrite, not yet in the cache */
  GSource      *write_source;           /* (owned) (nullable) the idle writing them */
  GError       *write_error;             /* (owned) (nullable) the cache failed */
  void        (*drained) (GTask *task);  /* called once @writes is empty */
  void        (*wrote) (GTask *task);    /* (nullable) called after each page written */
  PullScan     *scan;                    /* (owned) (nullable) the Scan under way */
  AfTable       refresh_table;           /* the table the refresh is at */
  GHashTable   *cached;                  /* (owned) (nullable) id -> AfValue, refreshed */
  GPtrArray    *objects;                 /* (owned) (nullable) ObjectTarget, to fetch */
  guint         object_index;
  PullStream   *streams[AF_N_TABLES];    /* (owned) (nullable) tables with a stream */
  AfTable       stream_table;            /* the table the stream phase is at */
  guint         charged_requests;        /* the client's counters when last charged */
  guint64       charged_bytes;
} PullRun;

AfStore          *af_pull_get_store      (AfPull       *self);
AfDynamodbClient *af_pull_get_dynamodb   (AfPull       *self);
AfS3Client       *af_pull_get_s3         (AfPull       *self);
const char       *af_pull_get_table_name (AfPull       *self,
                                          AfTable       table);
const char       *af_pull_get_only_id    (AfPull       *self);
gboolean          af_pull_get_full       (AfPull       *self);
guint             af_pull_get_page_limit (AfPull       *self);

void  af_pull_add_problem    (AfPullResult *result,
                              const char   *format,
                              ...) G_GNUC_PRINTF (2, 3);
void  af_pull_add_notice     (AfPullResult *result,
                              const char   *format,
                              ...) G_GNUC_PRINTF (2, 3);
/* Counts @items and @bytes more and emits "progress". */
void  af_pull_add_progress   (AfPull       *self,
                              guint         items,
                              guint64       bytes);

/* Writes @items (stolen) to the cache in one transaction; if some item cannot be
 * stored (a wrong type), the others are written one by one and it is reported.
 * Counts them as pulled. FALSE only when the cache itself failed. */
gboolean af_pull_store_items (AfPull       *self,
                              AfPullResult *result,
                              AfTable       table,
                              GPtrArray    *items,
                              GError      **error);

/* af_pull_store_items() with @deleted ids (nullable) removed and @state_key set to
 * @state_value in the same transaction. */
gboolean af_pull_store_changes (AfPull       *self,
                                AfPullResult *result,
                                AfTable       table,
                                GPtrArray    *items,
                                GPtrArray    *deleted,
                                const char   *state_key,
                                const char   *state_value,
                                GError      **error);

/* The ids of @table's items with outbox entries not yet sent. */
GHashTable *af_pull_pending_ids (AfStore  *store,
                                 AfTable   table,
                                 GError  **error);

/* The partitions of @table (NULL for users, which have no such index). */
const PullPartitions *af_pull_partitions_of (AfTable table);
/* The sync-state key of one partition: "watermark \n newest \n LastEvaluatedKey". */
char *af_pull_partition_state_key (AfPull     *self,
                                   AfTable     table,
                                   const char *value);

/* Queues @items (stolen) for the cache, @state_key set to @state_value (stolen) in the
 * same transaction. Pages are written at idle priority, in order, so that the next
 * requests go out first and the server works while SQLite does. */
void  af_pull_queue_write    (GTask        *task,
                              AfTable       table,
                              GPtrArray    *items,
                              const char   *state_key,
                              char         *state_value);
/* Takes @task; calls @then once every queued page is in the cache. */
void  af_pull_when_written   (GTask        *task,
                              void        (*then) (GTask *task));
/* The pages queued and not yet written. */
guint af_pull_writes_pending (GTask        *task);

/* Whether @table is read by a parallel Scan this run rather than by its partitions'
 * watermark queries: nothing read yet, --full, @from_start (for its stream), or a scan
 * left half-way by an earlier run. */
gboolean af_pull_scan_wanted (AfPull       *self,
                              AfTable       table,
                              gboolean      from_start);
/* Takes @task: reads @table by a parallel Scan into the cache, then sets its partitions'
 * watermarks and calls @then. @from_start drops the segments an earlier run left. */
void  af_pull_scan_start     (GTask        *task,
                              AfTable       table,
                              gboolean      from_start,
                              void        (*then) (GTask *task));
void  af_pull_scan_free      (PullScan     *scan);

/* The requests and bytes the DynamoDB client used since the last charge, to @table. */
void  af_pull_charge          (GTask        *task,
                               AfTable       table);
/* Takes @task and returns @error on it. */
void  af_pull_fail            (GTask        *task,
                               GError       *error);

/* The phases; each takes @task and moves on to the next. */
void  af_pull_streams_start  (GTask        *task);
void  af_pull_queries_start  (GTask        *task);
void  af_pull_streams_finish (GTask        *task);
void  af_pull_stream_free    (PullStream   *stream);
void  af_pull_refresh_start  (GTask        *task);
void  af_pull_objects_start  (GTask        *task);
/* The last step: returns the result on @task. */
void  af_pull_finish_run     (GTask        *task);

/* A verified download moved into the object cache at its content address, sealed with
 * @key (af-objects.h; NULL: as it is, benchmarks only); the download is removed. */
gboolean af_pull_store_object (const char   *objects_dir,
                               AfCacheKey   *key,
                               GFile        *partial,
                               const char   *sha256,
                               GError      **error);
/* The bytes of a finished download. */
GBytes  *af_pull_read_partial (GFile        *partial,
                               AfCacheKey   *key,
                               GError      **error);

G_END_DECLS
