/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-dynamodb"

#include <string.h>

#include "af-codec.h"
#include "af-dynamodb-private.h"
#include "af-dynamodb-streams.h"

#define STREAMS_PREFIX "DynamoDBStreams_20120810."

/* Limits from the Streams API reference; anything longer is not AWS's. */
#define MAX_ARN       1024
#define MAX_SHARD_ID  65
#define MAX_ITERATOR  2048
#define MIN_SEQUENCE  21
#define MAX_SEQUENCE  40

/* ---- Checking what the server sent ------------------------------------------------ */

/* Printable ASCII without spaces: these strings go into the cache's sync state, one
 * per line, and into later requests. */
static gboolean
is_token (const char *text,
          gsize       max_length)
{
  gsize length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length == 0 || length > max_length)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (*p <= ' ' || *p > '~')
      return FALSE;
  return TRUE;
}

gboolean
af_stream_sequence_is_valid (const char *sequence)
{
  gsize length = sequence ? strlen (sequence) : 0;

  if (length < MIN_SEQUENCE || length > MAX_SEQUENCE)
    return FALSE;
  for (const char *p = sequence; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
malformed (GError    **error,
           const char *what)
{
  g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
               "DynamoDB Streams sent an unreadable answer: %s", what);
  return FALSE;
}

gboolean
af_dynamodb_table_stream (JsonNode  *table,
                          char     **out_arn,
                          char     **out_view_type)
{
  JsonObject *object = table && JSON_NODE_HOLDS_OBJECT (table) ? json_node_get_object (table)
                                                                : NULL;
  JsonObject *spec = member_object (object, "StreamSpecification");
  JsonNode *enabled = spec ? json_object_get_member (spec, "StreamEnabled") : NULL;
  const char *arn = member_string (object, "LatestStreamArn");
  const char *view = member_string (spec, "StreamViewType");

  *out_arn = NULL;
  *out_view_type = NULL;
  /* A disabled stream keeps its LatestStreamArn; only the specification says it is off. */
  if (enabled == NULL || !JSON_NODE_HOLDS_VALUE (enabled) ||
      json_node_get_value_type (enabled) != G_TYPE_BOOLEAN || !json_node_get_boolean (enabled))
    return FALSE;
  if (!is_token (arn, MAX_ARN) || !is_token (view, 32))
    return FALSE;
  *out_arn = g_strdup (arn);
  *out_view_type = g_strdup (view);
  return TRUE;
}

/* ---- Freeing ------------------------------------------------------------------------ */

void
af_stream_shard_free (AfStreamShard *shard)
{
  g_free (shard->shard_id);
  g_free (shard->parent_id);
  g_free (shard->starting);
  g_free (shard->ending);
  g_free (shard);
}

void
af_stream_description_free (AfStreamDescription *description)
{
  if (description == NULL)
    return;
  g_free (description->arn);
  g_free (description->status);
  g_free (description->view_type);
  g_clear_pointer (&description->shards, g_ptr_array_unref);
  g_free (description);
}

void
af_stream_record_free (AfStreamRecord *record)
{
  g_clear_pointer (&record->keys, af_value_unref);
  g_clear_pointer (&record->new_image, af_value_unref);
  g_free (record->sequence);
  g_free (record);
}

void
af_stream_records_free (AfStreamRecords *records)
{
  if (records == NULL)
    return;
  g_clear_pointer (&records->records, g_ptr_array_unref);
  g_free (records->next_iterator);
  g_free (records);
}

/* ---- One call ----------------------------------------------------------------------- */

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = af_dynamodb_client_call_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  JsonNode *root;

  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  root = af_dynamodb_parse_response (body, &error);
  g_bytes_unref (body);
  if (root == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

/* Sends @body (taken) as @operation; @task receives the answer's root object. */
static void
call (AfDynamodbClient *self,
      const char       *operation,
      GString          *body,
      GTask            *task)
{
  g_autofree char *text = NULL;

  g_string_append_c (body, '}');
  text = g_string_free (body, FALSE);
  af_dynamodb_client_call_target_async (self, STREAMS_PREFIX, operation, text,
                                        g_task_get_cancellable (task), call_done_cb, task);
}

static GString *
body_with (const char *member,
           const char *value)
{
  GString *body = g_string_new ("{\"");

  g_string_append (body, member);
  g_string_append (body, "\":");
  af_codec_write_json_string (body, value);
  return body;
}

/* ---- DescribeStream ------------------------------------------------------------------ */

static AfStreamShard *
read_shard (JsonNode  *node,
            GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *range = member_object (object, "SequenceNumberRange");
  const char *id = member_string (object, "ShardId");
  const char *parent = member_string (object, "ParentShardId");
  const char *starting = member_string (range, "StartingSequenceNumber");
  const char *ending = member_string (range, "EndingSequenceNumber");
  AfStreamShard *shard;

  if (!is_token (id, MAX_SHARD_ID) || (parent != NULL && !is_token (parent, MAX_SHARD_ID)) ||
      (starting != NULL && !af_stream_sequence_is_valid (starting)) ||
      (ending != NULL && !af_stream_sequence_is_valid (ending)))
    {
      malformed (error, "a shard without a valid id or sequence number range");
      return NULL;
    }
  shard = g_new0 (AfStreamShard, 1);
  shard->shard_id = g_strdup (id);
  shard->parent_id = g_strdup (parent);
  shard->starting = g_strdup (starting);
  shard->ending = g_strdup (ending);
  return shard;
}

/* Adds one page's shards; returns LastEvaluatedShardId (or NULL at the end). */
static gboolean
read_description_page (AfStreamDescription  *description,
                       JsonNode             *root,
                       const char          **out_last,
                       GError              **error)
{
  JsonObject *object = member_object (json_node_get_object (root), "StreamDescription");
  JsonArray *shards = member_array (object, "Shards");
  const char *last = member_string (object, "LastEvaluatedShardId");

  if (object == NULL || shards == NULL || (last != NULL && !is_token (last, MAX_SHARD_ID)))
    return malformed (error, "no StreamDescription with Shards");
  if (description->arn == NULL)
    {
      description->arn = g_strdup (member_string (object, "StreamArn"));
      description->status = g_strdup (member_string (object, "StreamStatus"));
      description->view_type = g_strdup (member_string (object, "StreamViewType"));
    }
  for (guint i = 0; i < json_array_get_length (shards); i++)
    {
      AfStreamShard *shard = read_shard (json_array_get_element (shards, i), error);

      if (shard == NULL)
        return FALSE;
      g_ptr_array_add (description->shards, shard);
    }
  *out_last = last;
  return TRUE;
}

typedef struct
{
  char                *arn;
  AfStreamDescription *description;
  guint                pages;
} DescribeData;

static void
describe_data_free (DescribeData *data)
{
  g_free (data->arn);
  af_stream_description_free (data->description);
  g_free (data);
}

static void describe_page (GTask *task, const char *start);

static void
describe_page_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  DescribeData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *last = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (!read_description_page (data->description, root, &last, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* A server that keeps answering the same page must not hold the sync forever. */
  if (last != NULL && ++data->pages < 10000)
    {
      describe_page (task, last);
      return;
    }
  if (data->description->arn == NULL)
    data->description->arn = g_strdup (data->arn);
  g_task_return_pointer (task, g_steal_pointer (&data->description),
                         (GDestroyNotify) af_stream_description_free);
  g_object_unref (task);
}

/* Takes @task. */
static void
describe_page (GTask      *task,
               const char *start)
{
  AfDynamodbClient *self = g_task_get_source_object (task);
  DescribeData *data = g_task_get_task_data (task);
  GString *body = body_with ("StreamArn", data->arn);
  GTask *page = g_task_new (self, g_task_get_cancellable (task), describe_page_cb, task);

  g_task_set_source_tag (page, describe_page);
  if (start != NULL)
    {
      g_string_append (body, ",\"ExclusiveStartShardId\":");
      af_codec_write_json_string (body, start);
    }
  call (self, "DescribeStream", body, page);
}

void
af_dynamodb_client_describe_stream_async (AfDynamodbClient    *self,
                                          const char          *arn,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  DescribeData *data = g_new0 (DescribeData, 1);

  g_return_if_fail (AF_IS_DYNAMODB_CLIENT (self));
  g_task_set_source_tag (task, af_dynamodb_client_describe_stream_async);
  data->arn = g_strdup (arn);
  data->description = g_new0 (AfStreamDescription, 1);
  data->description->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) af_stream_shard_free);
  g_task_set_task_data (task, data, (GDestroyNotify) describe_data_free);
  describe_page (task, NULL);
}

AfStreamDescription *
af_dynamodb_client_describe_stream_finish (AfDynamodbClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GetShardIterator ------------------------------------------------------------------ */

static void
iterator_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;
  const char *iterator;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  iterator = member_string (json_node_get_object (root), "ShardIterator");
  if (!is_token (iterator, MAX_ITERATOR))
    {
      malformed (&error, "no ShardIterator");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_strdup (iterator), g_free);
}

void
af_dynamodb_client_get_shard_iterator_async (AfDynamodbClient    *self,
                                             const char          *arn,
                                             const char          *shard_id,
                                             const char          *type,
                                             const char          *sequence,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GString *body = body_with ("StreamArn", arn);
  GTask *inner = g_task_new (self, cancellable, iterator_cb, task);

  g_task_set_source_tag (task, af_dynamodb_client_get_shard_iterator_async);
  g_task_set_source_tag (inner, iterator_cb);
  g_string_append (body, ",\"ShardId\":");
  af_codec_write_json_string (body, shard_id);
  g_string_append (body, ",\"ShardIteratorType\":");
  af_codec_write_json_string (body, type);
  if (sequence != NULL)
    {
      g_string_append (body, ",\"SequenceNumber\":");
      af_codec_write_json_string (body, sequence);
    }
  call (self, "GetShardIterator", body, inner);
}

char *
af_dynamodb_client_get_shard_iterator_finish (AfDynamodbClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GetRecords ---------------------------------------------------------------------- */

static gboolean
read_event (const char    *name,
            AfStreamEvent *out_event)
{
  if (g_strcmp0 (name, "INSERT") == 0)
    *out_event = AF_STREAM_INSERT;
  else if (g_strcmp0 (name, "MODIFY") == 0)
    *out_event = AF_STREAM_MODIFY;
  else if (g_strcmp0 (name, "REMOVE") == 0)
    *out_event = AF_STREAM_REMOVE;
  else
    return FALSE;
  return TRUE;
}

/* An item member ("Keys", "NewImage") of a record, NULL when absent. */
static gboolean
read_image (JsonObject  *object,
            const char  *name,
            AfValue    **out_item,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(GError) local_error = NULL;

  *out_item = NULL;
  if (node == NULL)
    return TRUE;
  *out_item = af_codec_item_from_node (node, &local_error);
  if (*out_item == NULL)
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB Streams sent an unreadable %s: %s", name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static AfStreamRecord *
read_record (JsonNode  *node,
             GError   **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonObject *change = member_object (object, "dynamodb");
  const char *sequence = member_string (change, "SequenceNumber");
  g_autoptr(AfValue) keys = NULL;
  g_autoptr(AfValue) image = NULL;
  AfStreamRecord *record;
  AfStreamEvent event;

  if (!read_event (member_string (object, "eventName"), &event) || change == NULL ||
      !af_stream_sequence_is_valid (sequence))
    {
      malformed (error, "a record without an event name or a sequence number");
      return NULL;
    }
  if (!read_image (change, "Keys", &keys, error) ||
      !read_image (change, "NewImage", &image, error))
    return NULL;
  if (keys == NULL)
    {
      malformed (error, "a record without Keys");
      return NULL;
    }
  record = g_new0 (AfStreamRecord, 1);
  record->event = event;
  record->keys = g_steal_pointer (&keys);
  record->new_image = g_steal_pointer (&image);
  record->sequence = g_strdup (sequence);
  return record;
}

static AfStreamRecords *
read_records (JsonNode  *root,
              GError   **error)
{
  JsonObject *object = json_node_get_object (root);
  JsonArray *array = member_array (object, "Records");
  const char *next = member_string (object, "NextShardIterator");
  g_autoptr(AfStreamRecords) records = g_new0 (AfStreamRecords, 1);

  if (array == NULL || (next != NULL && !is_token (next, MAX_ITERATOR)))
    {
      malformed (error, "no Records");
      return NULL;
    }
  records->records = g_ptr_array_new_with_free_func ((GDestroyNotify) af_stream_record_free);
  records->next_iterator = g_strdup (next);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AfStreamRecord *record = read_record (json_array_get_element (array, i), error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records->records, record);
    }
  return g_steal_pointer (&records);
}

static void
records_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) root = NULL;
  AfStreamRecords *records;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  records = root ? read_records (root, &error) : NULL;
  if (records == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, records, (GDestroyNotify) af_stream_records_free);
}

void
af_dynamodb_client_get_records_async (AfDynamodbClient    *self,
                                      const char          *iterator,
                                      guint                limit,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GString *body = body_with ("ShardIterator", iterator);
  GTask *inner = g_task_new (self, cancellable, records_cb, task);

  g_task_set_source_tag (task, af_dynamodb_client_get_records_async);
  g_task_set_source_tag (inner, records_cb);
  g_string_append_printf (body, ",\"Limit\":%u", CLAMP (limit, 1, 1000));
  call (self, "GetRecords", body, inner);
}

AfStreamRecords *
af_dynamodb_client_get_records_finish (AfDynamodbClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
