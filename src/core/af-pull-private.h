/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-pull-private.h — the parts of AfPull: the run and the index queries (af-pull.c),
 * the refresh of cached items (af-pull-refresh.c) and the objects (af-pull-objects.c).
 */
#pragma once

#include "af-pull.h"

G_BEGIN_DECLS

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
  AfTable       refresh_table;           /* the table the refresh is at */
  GHashTable   *cached;                  /* (owned) (nullable) id -> AfValue, refreshed */
  GPtrArray    *objects;                 /* (owned) (nullable) ObjectTarget, to fetch */
  guint         object_index;
} PullRun;

AfStore          *af_pull_get_store      (AfPull       *self);
AfDynamodbClient *af_pull_get_dynamodb   (AfPull       *self);
AfS3Client       *af_pull_get_s3         (AfPull       *self);
const char       *af_pull_get_table_name (AfPull       *self,
                                          AfTable       table);
const char       *af_pull_get_only_id    (AfPull       *self);

void  af_pull_add_problem    (AfPullResult *result,
                              const char   *format,
                              ...) G_GNUC_PRINTF (2, 3);
void  af_pull_emit_progress  (AfPull       *self);

/* Writes @items (stolen) to the cache in one transaction; if some item cannot be
 * stored (a wrong type), the others are written one by one and it is reported.
 * Counts them as pulled. FALSE only when the cache itself failed. */
gboolean af_pull_store_items (AfPull       *self,
                              AfPullResult *result,
                              AfTable       table,
                              GPtrArray    *items,
                              GError      **error);

/* The phases after the queries; each takes @task and moves on to the next. */
void  af_pull_refresh_start  (GTask        *task);
void  af_pull_objects_start  (GTask        *task);
/* The last step: returns the result on @task. */
void  af_pull_finish_run     (GTask        *task);

/* The key of @item in @table: the partition key, plus created_at for analyses. */
AfValue *af_pull_item_key    (AfTable        table,
                              const AfValue *item);

G_END_DECLS
