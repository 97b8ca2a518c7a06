/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-stream-checkpoint.h — where the pull is in a table's DynamoDB Stream: one position
 * per shard, kept in the cache's sync state as text, and the plan of the next read.
 *
 * A position is the sequence number of the last record applied (read on with
 * AFTER_SEQUENCE_NUMBER), or — for a shard in which nothing has been read yet — the
 * iterator handed out when the position was noted (an iterator lives 15 minutes; after
 * that the shard is read again from TRIM_HORIZON, which only applies records already
 * applied once more: a shard's records for one key are in order, so the last one wins),
 * or "done": a closed shard read to its end.
 *
 * The checkpoint is lost — and the table must be read again in full — when it names
 * another stream (the stream was replaced), when a shard it was still reading is no
 * longer listed (its records were trimmed), or when the stream was last read longer ago
 * than the stream keeps records (24 hours).
 *
 * Pure logic, no I/O: the pull (af-pull-stream.c) does the requests.
 */
#pragma once

#include "af-dynamodb-streams.h"

G_BEGIN_DECLS

/* How long the stream keeps records, and how long an iterator stays good (with a
 * margin), in microseconds of real time. */
#define AF_STREAM_RETENTION_US   (24 * G_TIME_SPAN_HOUR)
#define AF_STREAM_ITERATOR_US    (14 * G_TIME_SPAN_MINUTE)

typedef enum
{
  AF_SHARD_AFTER_SEQUENCE,  /* value: the last sequence number applied */
  AF_SHARD_ITERATOR,        /* value: an iterator, taken_at: when it was handed out */
  AF_SHARD_DONE,            /* closed and read to its end */
} AfShardPositionKind;

typedef struct
{
  AfShardPositionKind kind;
  char               *value;      /* (nullable) */
  gint64              taken_at;
} AfShardPosition;

typedef struct _AfStreamCheckpoint AfStreamCheckpoint;

AfStreamCheckpoint *af_stream_checkpoint_new      (const char          *arn);
/* NULL with an AF_AWS_ERROR_MALFORMED error when @text is not a checkpoint. */
AfStreamCheckpoint *af_stream_checkpoint_parse    (const char          *text,
                                                   GError             **error);
void                af_stream_checkpoint_free     (AfStreamCheckpoint  *checkpoint);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfStreamCheckpoint, af_stream_checkpoint_free)
char               *af_stream_checkpoint_to_string (const AfStreamCheckpoint *checkpoint);

const char         *af_stream_checkpoint_get_arn  (const AfStreamCheckpoint *checkpoint);
/* Real time (g_get_real_time) of the last read of the stream; 0 = never. */
gint64              af_stream_checkpoint_get_read_at (const AfStreamCheckpoint *checkpoint);
void                af_stream_checkpoint_set_read_at (AfStreamCheckpoint *checkpoint,
                                                      gint64              now);

/* NULL: the checkpoint does not know @shard_id. */
const AfShardPosition *af_stream_checkpoint_get   (const AfStreamCheckpoint *checkpoint,
                                                   const char          *shard_id);
void                af_stream_checkpoint_set      (AfStreamCheckpoint  *checkpoint,
                                                   const char          *shard_id,
                                                   AfShardPositionKind  kind,
                                                   const char          *value,
                                                   gint64               taken_at);

/* One shard to read, in the order the plan gives. */
typedef struct
{
  const AfStreamShard *shard;     /* borrowed from the description */
  const char          *parent;    /* (nullable) the parent when it is listed too */
} AfShardRead;

/* The shards of @description to read, parents before children (a child is read only
 * once its parent is done). Shards the checkpoint no longer needs are forgotten.
 * FALSE with AF_AWS_ERROR_EXPIRED when the checkpoint is lost (see above). */
gboolean            af_stream_checkpoint_plan     (AfStreamCheckpoint        *checkpoint,
                                                   const AfStreamDescription *description,
                                                   gint64                     now,
                                                   GArray                   **out_reads,
                                                   GError                   **error);

G_END_DECLS
