/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-dynamodb-streams.h — DynamoDB Streams on the DynamoDB client: the table's change
 * feed, read as AWS documents it (DescribeStream → shards, GetShardIterator, GetRecords).
 *
 * Streams are served on the DynamoDB endpoint, signed with the service name `dynamodb`
 * (AWS_ENDPOINT_URL_DYNAMODB; DynamoDB Local 1.25 answers there too), with the target
 * prefix DynamoDBStreams_20120810. Every field of an answer is checked before use: a
 * shard id, a sequence number, an iterator that is not what AWS documents is a
 * malformed answer (AF_AWS_ERROR_MALFORMED), never a path or a state key.
 *
 * A position the stream no longer keeps (TrimmedDataAccessException, an expired
 * iterator) is AF_AWS_ERROR_EXPIRED.
 */
#pragma once

#include "af-dynamodb.h"

G_BEGIN_DECLS

/* The stream a table has, from DescribeTable's "Table" object: TRUE with its ARN and
 * view type (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES) when the stream is
 * enabled, FALSE when there is none. */
gboolean af_dynamodb_table_stream (JsonNode    *table,
                                   char       **out_arn,
                                   char       **out_view_type);

/* Sequence numbers are decimal strings of 21 to 40 digits. */
gboolean af_stream_sequence_is_valid (const char *sequence);

typedef struct
{
  char *shard_id;
  char *parent_id;        /* (nullable) */
  char *starting;         /* StartingSequenceNumber */
  char *ending;           /* (nullable) EndingSequenceNumber: the shard is closed */
} AfStreamShard;

void af_stream_shard_free (AfStreamShard *shard);

typedef struct
{
  char      *arn;
  char      *status;      /* ENABLING, ENABLED, DISABLING, DISABLED */
  char      *view_type;
  GPtrArray *shards;      /* (element-type AfStreamShard) every page of them */
} AfStreamDescription;

void af_stream_description_free (AfStreamDescription *description);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfStreamDescription, af_stream_description_free)

typedef enum
{
  AF_STREAM_INSERT,
  AF_STREAM_MODIFY,
  AF_STREAM_REMOVE,
} AfStreamEvent;

typedef struct
{
  AfStreamEvent  event;
  AfValue       *keys;       /* M: the item's key attributes */
  AfValue       *new_image;  /* (nullable) M: with NEW_IMAGE / NEW_AND_OLD_IMAGES */
  char          *sequence;
} AfStreamRecord;

void af_stream_record_free (AfStreamRecord *record);

typedef struct
{
  GPtrArray *records;        /* (element-type AfStreamRecord) in stream order */
  char      *next_iterator;  /* (nullable) NULL: a closed shard read to its end */
} AfStreamRecords;

void af_stream_records_free (AfStreamRecords *records);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfStreamRecords, af_stream_records_free)

/* DescribeStream, following LastEvaluatedShardId to the last page. */
void                 af_dynamodb_client_describe_stream_async  (AfDynamodbClient    *self,
                                                                const char          *arn,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
AfStreamDescription *af_dynamodb_client_describe_stream_finish (AfDynamodbClient    *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* GetShardIterator: @type is TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER or
 * AFTER_SEQUENCE_NUMBER (then @sequence is given). Returns the iterator. */
void                 af_dynamodb_client_get_shard_iterator_async  (AfDynamodbClient    *self,
                                                                   const char          *arn,
                                                                   const char          *shard_id,
                                                                   const char          *type,
                                                                   const char          *sequence,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
char                *af_dynamodb_client_get_shard_iterator_finish (AfDynamodbClient    *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);

/* GetRecords: at most @limit records (1–1000). */
void                 af_dynamodb_client_get_records_async  (AfDynamodbClient    *self,
                                                            const char          *iterator,
                                                            guint                limit,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
AfStreamRecords     *af_dynamodb_client_get_records_finish (AfDynamodbClient    *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_END_DECLS
