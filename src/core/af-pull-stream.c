/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

#include "af-dynamodb-streams.h"
#include "af-pull-private.h"
#include "af-stream-checkpoint.h"

/*
 * The change feed: a table with a DynamoDB Stream is not read again at each sync. Its
 * stream is read from the checkpoint kept in the cache (af-stream-checkpoint.h), and
 * each batch of records goes into the cache with the checkpoint after it, in one
 * transaction: a pull killed at any instant resumes after the last batch written, and a
 * batch is never half applied.
 *
 * Records are applied with the rules of every pull: the new image replaces the remote
 * copy and the local edits still in the outbox are applied on top of it (so attributes
 * the app does not know stay, and no pending edit is lost); a REMOVE of an item that
 * still has unsent edits keeps the item and says so. A KEYS_ONLY (or OLD_IMAGE) stream
 * carries no new image: the changed keys are read with BatchGetItem.
 *
 * Without a checkpoint (the first pull), or when it is lost (the stream was replaced,
 * its records were trimmed, an iterator expired), the table is read in full: the
 * position of each shard is noted BEFORE the table's queries, and the stream is read
 * from there once they are done. What changed during the full read is applied again,
 * which is harmless, and the stream's older history is never replayed.
 */

#define STATE_PREFIX      "stream/"
#define RECORDS_PER_CALL  1000
/* A closed shard may answer empty pages before its end; after this many in one sync,
 * the rest waits for the next one. */
#define MAX_EMPTY_CALLS   16

struct _PullStream
{
  AfTable              table;
  char                *arn;          /* (owned) the table's current stream */
  char                *view_type;    /* (owned) */
  char                *state_key;    /* (owned) */
  AfStreamCheckpoint  *checkpoint;   /* (owned) (nullable) */
  AfStreamDescription *description;  /* (owned) (nullable) */
  GArray              *reads;        /* (owned) (nullable) AfShardRead, in order */
  guint                read_index;
  GPtrArray           *open_shards;  /* (owned) (nullable) the baseline's LATEST to take */
  gboolean             stored;       /* the iterator in use came from the checkpoint */
  guint                empty_calls;
  gboolean             baseline;     /* positions noted before a full read of the table */
  AfStreamRecords     *records;      /* (owned) (nullable) the batch being applied */
  GPtrArray           *puts;         /* (owned) (nullable) its items to write */
  GPtrArray           *removes;      /* (owned) (nullable) its ids to remove */
  void               (*next) (GTask *task);  /* the phase's next table */
};

void
af_pull_stream_free (PullStream *stream)
{
  g_free (stream->arn);
  g_free (stream->view_type);
  g_free (stream->state_key);
  g_clear_pointer (&stream->checkpoint, af_stream_checkpoint_free);
  g_clear_pointer (&stream->description, af_stream_description_free);
  g_clear_pointer (&stream->reads, g_array_unref);
  g_clear_pointer (&stream->open_shards, g_ptr_array_unref);
  g_clear_pointer (&stream->records, af_stream_records_free);
  g_clear_pointer (&stream->puts, g_ptr_array_unref);
  g_clear_pointer (&stream->removes, g_ptr_array_unref);
  g_free (stream);
}

static PullStream *
current (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  return run->streams[run->stream_table];
}

static gboolean
return_if_cancelled (GTask *task)
{
  if (!g_task_return_error_if_cancelled (task))
    return FALSE;
  g_object_unref (task);
  return TRUE;
}

static void
fail_reading (GTask  *task,
              GError *error)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);

  g_prefix_error (&error, "Reading the stream of %s: ",
                  af_pull_get_table_name (self, run->stream_table));
  af_pull_fail (task, error);
}

static void
next_table (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);
  PullStream *stream = current (task);

  run->stream_table++;
  stream->next (task);
}

/* ---- Writing a batch of records ---------------------------------------------------- */

/* The last record of each key wins: each carries the whole item as it then was. */
static void
collapse_records (PullStream *stream,
                  GPtrArray  *fetch_keys)
{
  const char *key_name = af_table_key_name (stream->table);
  g_autoptr(GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *records = stream->records->records;

  for (guint i = 0; i < records->len; i++)
    {
      AfStreamRecord *record = g_ptr_array_index (records, i);
      const char *id = af_item_get_s (record->keys, key_name);

      if (id != NULL)
        g_hash_table_insert (last, (gpointer) id, record);
    }
  for (guint i = 0; i < records->len; i++)
    {
      AfStreamRecord *record = g_ptr_array_index (records, i);
      const char *id = af_item_get_s (record->keys, key_name);

      if (id == NULL || g_hash_table_lookup (last, id) != record)
        continue;
      if (record->event == AF_STREAM_REMOVE)
        g_ptr_array_add (stream->removes, g_strdup (id));
      else if (record->new_image != NULL)
        g_ptr_array_add (stream->puts, af_value_ref (record->new_image));
      else
        g_ptr_array_add (fetch_keys, af_value_ref (record->keys));
    }
}

/* Moves the shard's position past the batch. */
static void
advance (PullStream *stream)
{
  const AfShardRead *read = &g_array_index (stream->reads, AfShardRead, stream->read_index);
  const char *id = read->shard->shard_id;
  GPtrArray *records = stream->records->records;
  const AfShardPosition *position = af_stream_checkpoint_get (stream->checkpoint, id);

  if (stream->records->next_iterator == NULL)
    af_stream_checkpoint_set (stream->checkpoint, id, AF_SHARD_DONE, NULL, 0);
  else if (records->len > 0)
    af_stream_checkpoint_set (stream->checkpoint, id, AF_SHARD_AFTER_SEQUENCE,
                              ((AfStreamRecord *) g_ptr_array_index (records, records->len - 1))
                                ->sequence, 0);
  else if (position == NULL || position->kind != AF_SHARD_AFTER_SEQUENCE)
    /* Nothing read in this shard yet: the fresh iterator is the only position there is. */
    af_stream_checkpoint_set (stream->checkpoint, id, AF_SHARD_ITERATOR,
                              stream->records->next_iterator, g_get_real_time ());
}

/* Removes of items with unsent edits are not applied; they are said instead. */
static GPtrArray *
removable (GTask       *task,
           PullStream  *stream,
           GError     **error)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_autoptr(GHashTable) pending = af_pull_pending_ids (af_pull_get_store (self), stream->table,
                                                       error);
  GPtrArray *ids;

  if (pending == NULL)
    return NULL;
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < stream->removes->len; i++)
    {
      const char *id = g_ptr_array_index (stream->removes, i);

      if (g_hash_table_contains (pending, id))
        af_pull_add_problem (run->result, "%s %s: deleted remotely, kept for its unsent edits",
                             af_table_nick (stream->table), id);
      else
        g_ptr_array_add (ids, g_strdup (id));
    }
  return ids;
}

static void read_on (GTask *task);

static void
commit_batch (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullStream *stream = current (task);
  g_autoptr(GPtrArray) deleted = NULL;
  g_autofree char *state = NULL;
  GError *error = NULL;

  deleted = removable (task, stream, &error);
  if (deleted == NULL)
    {
      af_pull_fail (task, error);
      return;
    }
  advance (stream);
  state = af_stream_checkpoint_to_string (stream->checkpoint);
  if (!af_pull_store_changes (self, run->result, stream->table, g_steal_pointer (&stream->puts),
                              deleted, stream->state_key, state, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  g_clear_pointer (&stream->removes, g_ptr_array_unref);
  af_pull_add_progress (self, stream->records->records->len, 0);
  read_on (task);
}

static void
fetched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PullStream *stream = current (task);
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;

  items = af_dynamodb_client_batch_get_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, stream->table);
  if (items == NULL)
    {
      fail_reading (task, error);
      return;
    }
  /* A key with no item now was removed later: its REMOVE record comes after. */
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (stream->puts, af_value_ref (g_ptr_array_index (items, i)));
  commit_batch (task);
}

static void
apply_records (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullStream *stream = current (task);
  g_autoptr(GPtrArray) fetch = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  stream->puts = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  stream->removes = g_ptr_array_new_with_free_func (g_free);
  collapse_records (stream, fetch);
  run->result->read[stream->table] += stream->records->records->len;
  if (fetch->len == 0)
    {
      commit_batch (task);
      return;
    }
  af_dynamodb_client_batch_get_async (af_pull_get_dynamodb (self),
                                      af_pull_get_table_name (self, stream->table), fetch, NULL,
                                      g_task_get_cancellable (task), fetched_cb, task);
}

/* ---- Reading the shards ------------------------------------------------------------- */

static void read_next_shard (GTask *task);
static void begin_baseline (GTask *task, const char *reason);

static void
get_records (GTask      *task,
             const char *iterator);

static void
shard_finished (GTask *task)
{
  PullStream *stream = current (task);

  stream->read_index++;
  read_next_shard (task);
}

/* After a batch: on in the same shard, or to the next. */
static void
read_on (GTask *task)
{
  PullStream *stream = current (task);
  g_autoptr(AfStreamRecords) records = g_steal_pointer (&stream->records);
  const AfShardRead *read = &g_array_index (stream->reads, AfShardRead, stream->read_index);

  if (records->next_iterator == NULL)
    shard_finished (task);
  else if (records->records->len > 0)
    get_records (task, records->next_iterator);
  /* An open shard that answers nothing is caught up; a closed one may have more. */
  else if (read->shard->ending == NULL || ++stream->empty_calls >= MAX_EMPTY_CALLS)
    shard_finished (task);
  else
    get_records (task, records->next_iterator);
}

/* The checkpoint cannot be followed: read the table in full (or, for positions just
 * noted, leave it to the next sync). */
static void
lost (GTask      *task,
      const char *reason)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullStream *stream = current (task);

  if (!stream->baseline)
    {
      begin_baseline (task, reason);
      return;
    }
  af_pull_add_problem (run->result, "%s: the stream could not be followed (%s); it will be "
                       "read in full again at the next sync",
                       af_pull_get_table_name (self, stream->table), reason);
  next_table (task);
}

static gboolean
is_stale_iterator (const GError *error)
{
  /* DynamoDB Local answers an iterator it no longer knows with a ValidationException. */
  return g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED) ||
         g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
}

static void
records_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  PullStream *stream = current (task);
  GError *error = NULL;

  stream->records = af_dynamodb_client_get_records_finish (AF_DYNAMODB_CLIENT (source), result,
                                                           &error);
  af_pull_charge (task, stream->table);
  if (stream->records != NULL)
    {
      stream->stored = FALSE;
      apply_records (task);
      return;
    }
  if (stream->stored && is_stale_iterator (error))
    {
      const AfShardRead *read = &g_array_index (stream->reads, AfShardRead, stream->read_index);

      /* An old iterator: the shard is read again from its start (see the header). */
      g_error_free (error);
      af_stream_checkpoint_set (stream->checkpoint, read->shard->shard_id, AF_SHARD_ITERATOR,
                                "-", 0);
      read_next_shard (task);
      return;
    }
  if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED))
    {
      lost (task, error->message);
      g_error_free (error);
      return;
    }
  fail_reading (task, error);
}

static void
get_records (GTask      *task,
             const char *iterator)
{
  AfPull *self = g_task_get_source_object (task);

  if (return_if_cancelled (task))
    return;
  af_dynamodb_client_get_records_async (af_pull_get_dynamodb (self), iterator,
                                        af_pull_get_page_limit (self) ?: RECORDS_PER_CALL,
                                        g_task_get_cancellable (task), records_cb, task);
}

static void
iterator_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  PullStream *stream = current (task);
  g_autofree char *iterator = NULL;
  GError *error = NULL;

  iterator = af_dynamodb_client_get_shard_iterator_finish (AF_DYNAMODB_CLIENT (source), result,
                                                           &error);
  af_pull_charge (task, stream->table);
  if (iterator != NULL)
    get_records (task, iterator);
  else if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED))
    {
      lost (task, error->message);
      g_error_free (error);
    }
  else
    fail_reading (task, error);
}

/* Reading the shard may start: its parent, when listed, has been read to its end. */
static gboolean
parent_done (PullStream        *stream,
             const AfShardRead *read)
{
  const AfShardPosition *parent;

  if (read->parent == NULL)
    return TRUE;
  parent = af_stream_checkpoint_get (stream->checkpoint, read->parent);
  return parent != NULL && parent->kind == AF_SHARD_DONE;
}

static void
start_shard (GTask             *task,
             PullStream        *stream,
             const AfShardRead *read)
{
  AfPull *self = g_task_get_source_object (task);
  const AfShardPosition *position = af_stream_checkpoint_get (stream->checkpoint,
                                                              read->shard->shard_id);
  const char *type = "TRIM_HORIZON";
  const char *sequence = NULL;

  stream->empty_calls = 0;
  stream->stored = FALSE;
  if (position != NULL && position->kind == AF_SHARD_ITERATOR &&
      g_get_real_time () - position->taken_at < AF_STREAM_ITERATOR_US)
    {
      stream->stored = TRUE;
      get_records (task, position->value);
      return;
    }
  /* A shard the checkpoint does not know was born after it: read it from its start. */
  if (position != NULL && position->kind == AF_SHARD_AFTER_SEQUENCE)
    {
      type = "AFTER_SEQUENCE_NUMBER";
      sequence = position->value;
    }
  af_dynamodb_client_get_shard_iterator_async (af_pull_get_dynamodb (self), stream->arn,
                                               read->shard->shard_id, type, sequence,
                                               g_task_get_cancellable (task), iterator_cb, task);
}

static void
read_next_shard (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullStream *stream = current (task);
  g_autofree char *state = NULL;
  GError *error = NULL;

  if (return_if_cancelled (task))
    return;
  for (; stream->read_index < stream->reads->len; stream->read_index++)
    {
      const AfShardRead *read = &g_array_index (stream->reads, AfShardRead, stream->read_index);

      /* A child waits until its parent is read to its end (a later sync, if need be). */
      if (parent_done (stream, read))
        {
          start_shard (task, stream, read);
          return;
        }
    }
  af_stream_checkpoint_set_read_at (stream->checkpoint, g_get_real_time ());
  state = af_stream_checkpoint_to_string (stream->checkpoint);
  if (!af_store_set_state (af_pull_get_store (self), stream->state_key, state, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  next_table (task);
}

/* Plans the reading of @stream's shards and starts it. */
static void
read_stream (GTask *task)
{
  PullStream *stream = current (task);
  GError *error = NULL;

  g_clear_pointer (&stream->reads, g_array_unref);
  if (!af_stream_checkpoint_plan (stream->checkpoint, stream->description, g_get_real_time (),
                                  &stream->reads, &error))
    {
      lost (task, error->message);
      g_error_free (error);
      return;
    }
  stream->read_index = 0;
  read_next_shard (task);
}

/* ---- Positions before a full read --------------------------------------------------- */

static void take_latest (GTask *task);

static void
latest_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  PullStream *stream = current (task);
  g_autofree char *iterator = NULL;
  GError *error = NULL;
  AfStreamShard *shard = g_ptr_array_steal_index (stream->open_shards, 0);

  iterator = af_dynamodb_client_get_shard_iterator_finish (AF_DYNAMODB_CLIENT (source), result,
                                                           &error);
  af_pull_charge (task, stream->table);
  if (iterator == NULL)
    {
      af_stream_shard_free (shard);
      fail_reading (task, error);
      return;
    }
  af_stream_checkpoint_set (stream->checkpoint, shard->shard_id, AF_SHARD_ITERATOR, iterator,
                            g_get_real_time ());
  af_stream_shard_free (shard);
  take_latest (task);
}

/* Each open shard's LATEST iterator, one after the other. */
static void
take_latest (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullStream *stream = current (task);
  AfStreamShard *shard;

  if (stream->open_shards->len == 0)
    {
      next_table (task);
      return;
    }
  shard = g_ptr_array_index (stream->open_shards, 0);
  af_dynamodb_client_get_shard_iterator_async (af_pull_get_dynamodb (self), stream->arn,
                                               shard->shard_id, "LATEST", NULL,
                                               g_task_get_cancellable (task), latest_cb, task);
}

/* DescribeStream's answer into @stream; FALSE (and @task failed) when it failed. */
static gboolean
described (GTask        *task,
           GObject      *source,
           GAsyncResult *result)
{
  PullStream *stream = current (task);
  GError *error = NULL;

  stream->description = af_dynamodb_client_describe_stream_finish (AF_DYNAMODB_CLIENT (source),
                                                                   result, &error);
  af_pull_charge (task, stream->table);
  if (stream->description != NULL)
    return TRUE;
  fail_reading (task, error);
  return FALSE;
}

static void
baseline_described_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  PullStream *stream = current (task);
  GPtrArray *shards;

  if (!described (task, source, result))
    return;
  /* A closed shard holds only what the full read is about to see. */
  shards = stream->description->shards;
  stream->open_shards = g_ptr_array_new_with_free_func ((GDestroyNotify) af_stream_shard_free);
  for (guint i = 0; i < shards->len; i++)
    {
      AfStreamShard *shard = g_ptr_array_index (shards, i);

      if (shard->ending != NULL)
        af_stream_checkpoint_set (stream->checkpoint, shard->shard_id, AF_SHARD_DONE, NULL, 0);
      else
        g_ptr_array_add (stream->open_shards, g_ptr_array_steal_index (shards, i--));
    }
  /* The open ones go back in the description once their LATEST positions are taken. */
  for (guint i = 0; i < stream->open_shards->len; i++)
    {
      AfStreamShard *shard = g_ptr_array_index (stream->open_shards, i);
      AfStreamShard *copy = g_new0 (AfStreamShard, 1);

      copy->shard_id = g_strdup (shard->shard_id);
      copy->parent_id = g_strdup (shard->parent_id);
      copy->starting = g_strdup (shard->starting);
      g_ptr_array_add (shards, copy);
    }
  take_latest (task);
}

/* The table is read in full, its stream from positions noted now. @reason (nullable):
 * why a checkpoint that existed could not be followed, for the sync's output. */
static void
begin_baseline (GTask      *task,
                const char *reason)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullStream *stream = current (task);

  if (reason != NULL)
    {
      run->result->reset[stream->table] = TRUE;
      af_pull_add_notice (run->result, "%s: %s; the table is read again in full",
                          af_pull_get_table_name (self, stream->table), reason);
    }
  run->result->path[stream->table] = AF_PULL_PATH_FULL;
  stream->baseline = TRUE;
  g_clear_pointer (&stream->checkpoint, af_stream_checkpoint_free);
  g_clear_pointer (&stream->description, af_stream_description_free);
  stream->checkpoint = af_stream_checkpoint_new (stream->arn);
  af_stream_checkpoint_set_read_at (stream->checkpoint, g_get_real_time ());
  af_dynamodb_client_describe_stream_async (af_pull_get_dynamodb (self), stream->arn,
                                            g_task_get_cancellable (task),
                                            baseline_described_cb, task);
}

/* ---- Phase 1: which tables have a stream, and the ones with a checkpoint ----------- */

static void describe_next (GTask *task);

static void
stream_described_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;

  if (described (task, source, result))
    read_stream (task);
}

/* From the checkpoint when there is a usable one, else in full. */
static void
follow_stream (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullStream *stream = current (task);
  g_autofree char *text = af_store_get_state (af_pull_get_store (self), stream->state_key, NULL);
  g_autoptr(GError) error = NULL;
  PullRun *run = g_task_get_task_data (task);

  if (text == NULL || af_pull_get_full (self))
    {
      begin_baseline (task, NULL);
      return;
    }
  stream->checkpoint = af_stream_checkpoint_parse (text, &error);
  if (stream->checkpoint == NULL)
    {
      begin_baseline (task, error->message);
      return;
    }
  if (g_strcmp0 (af_stream_checkpoint_get_arn (stream->checkpoint), stream->arn) != 0)
    {
      begin_baseline (task, "the table's stream was replaced");
      return;
    }
  run->result->path[stream->table] = AF_PULL_PATH_STREAM;
  af_dynamodb_client_describe_stream_async (af_pull_get_dynamodb (self), stream->arn,
                                            g_task_get_cancellable (task), stream_described_cb,
                                            task);
}

/* Without a stream: today's reading, in full the first time. */
static AfPullPath
path_without_stream (AfPull  *self,
                     AfTable  table)
{
  AfQuery query = { .table = table, .limit = 1 };
  gint64 cached = af_store_count (af_pull_get_store (self), &query, NULL);

  return af_pull_get_full (self) || cached <= 0 ? AF_PULL_PATH_FULL : AF_PULL_PATH_REFRESH;
}

static void
table_described_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  AfTable table = run->stream_table;
  g_autoptr(JsonNode) description = NULL;
  PullStream *stream;
  GError *error = NULL;
  char *arn, *view_type;

  description = af_dynamodb_client_table_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, table);
  if (description == NULL)
    {
      g_prefix_error (&error, "Reading %s: ", af_pull_get_table_name (self, table));
      af_pull_fail (task, error);
      return;
    }
  if (!af_dynamodb_table_stream (description, &arn, &view_type))
    {
      run->result->path[table] = path_without_stream (self, table);
      run->stream_table++;
      describe_next (task);
      return;
    }
  stream = g_new0 (PullStream, 1);
  stream->table = table;
  stream->arn = arn;
  stream->view_type = view_type;
  stream->state_key = g_strconcat (STATE_PREFIX, af_pull_get_table_name (self, table), NULL);
  stream->next = describe_next;
  run->streams[table] = stream;
  follow_stream (task);
}

/* Takes @task. */
static void
describe_next (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);

  if (return_if_cancelled (task))
    return;
  if (run->stream_table >= AF_N_TABLES)
    {
      af_pull_queries_start (task);
      return;
    }
  af_dynamodb_client_describe_table_async (af_pull_get_dynamodb (self),
                                           af_pull_get_table_name (self, run->stream_table),
                                           g_task_get_cancellable (task), table_described_cb,
                                           task);
}

void
af_pull_streams_start (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  run->stream_table = 0;
  describe_next (task);
}

/* ---- Phase 2: the streams of the tables just read in full --------------------------- */

static void
finish_next (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  if (return_if_cancelled (task))
    return;
  while (run->stream_table < AF_N_TABLES &&
         (run->streams[run->stream_table] == NULL || !run->streams[run->stream_table]->baseline))
    run->stream_table++;
  if (run->stream_table >= AF_N_TABLES)
    {
      af_pull_objects_start (task);
      return;
    }
  current (task)->next = finish_next;
  read_stream (task);
}

void
af_pull_streams_finish (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  if (run->write_error != NULL)
    {
      af_pull_finish_run (task);
      return;
    }
  run->stream_table = 0;
  finish_next (task);
}
