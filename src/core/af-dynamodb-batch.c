/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-dynamodb"

#include "af-codec.h"
#include "af-dynamodb-private.h"

/*
 * BatchGetItem and BatchWriteItem on one table. Both send at most their limit per call
 * and put whatever DynamoDB left unprocessed back at the head of the queue. Leftovers
 * mean the table is throttling us, so the next call waits (full-jitter backoff); a call
 * that makes progress resets the wait.
 */

typedef struct
{
  char      *table;
  GPtrArray *pending;   /* (owned) keys (AfValue) or write requests (JSON text) */
  GPtrArray *found;     /* (owned) BatchGetItem: the items read */
  char      *options;   /* (owned) BatchGetItem: ProjectionExpression etc., JSON members */
  AfBackoff  backoff;
  guint      sent;      /* requests in the call under way */
} BatchData;

static void
batch_data_free (BatchData *data)
{
  g_free (data->table);
  g_clear_pointer (&data->pending, g_ptr_array_unref);
  g_clear_pointer (&data->found, g_ptr_array_unref);
  g_free (data->options);
  g_free (data);
}

static BatchData *
batch_data_new (AfDynamodbClient *self,
                const char       *table,
                GDestroyNotify    free_func)
{
  BatchData *data = g_new0 (BatchData, 1);

  data->table = g_strdup (table);
  data->pending = g_ptr_array_new_with_free_func (free_func);
  af_backoff_init (&data->backoff, af_aws_client_get_retry_policy (AF_AWS_CLIENT (self)));
  return data;
}

/* Takes @leftovers and puts them at the head of the queue; FALSE (with an error on @task) when the
 * backoff budget is spent. Otherwise *out_delay_ms is how long to wait. */
static gboolean
requeue (GTask     *task,
         GPtrArray *leftovers,
         guint     *out_delay_ms)
{
  BatchData *data = g_task_get_task_data (task);

  *out_delay_ms = 0;
  if (leftovers->len == 0)
    {
      g_ptr_array_unref (leftovers);
      data->backoff.attempt = 0;
      data->backoff.slept_ms = 0;
      return TRUE;
    }
  if (!af_backoff_next (&data->backoff, out_delay_ms))
    {
      g_task_return_new_error (task, AF_AWS_ERROR, AF_AWS_ERROR_THROTTLED,
                               "%u requests to %s stayed unprocessed after %u attempts",
                               leftovers->len + data->pending->len, data->table,
                               data->backoff.attempt + 1);
      g_ptr_array_unref (leftovers);
      return FALSE;
    }
  g_debug ("%s: %u unprocessed, retrying in %u ms", data->table, leftovers->len,
           *out_delay_ms);
  g_ptr_array_extend_and_steal (leftovers, g_steal_pointer (&data->pending));
  data->pending = leftovers;
  return TRUE;
}

/* The member @name of object @parent, when it is an object itself. */
static JsonObject *
child_object (JsonObject *parent,
              const char *name)
{
  JsonNode *node = parent ? json_object_get_member (parent, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
child_array (JsonObject *parent,
             const char *name)
{
  JsonNode *node = parent ? json_object_get_member (parent, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* ---- BatchGetItem --------------------------------------------------------------- */

static void get_next_call (GTask *task);

static gboolean
read_items (JsonArray  *array,
            GPtrArray  *into,
            GError    **error)
{
  guint n = array ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      AfValue *value = af_codec_item_from_node (json_array_get_element (array, i),
                                                &local_error);

      if (value == NULL)
        {
          g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                       "BatchGetItem sent an unreadable item %u: %s", i,
                       local_error->message);
          return FALSE;
        }
      g_ptr_array_add (into, value);
    }
  return TRUE;
}

static void
get_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatchData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) leftovers = g_ptr_array_new_with_free_func (
    (GDestroyNotify) af_value_unref);
  JsonObject *object;
  JsonObject *unprocessed;
  GError *error = NULL;
  guint delay_ms;

  body = af_dynamodb_client_call_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (body != NULL)
    root = af_dynamodb_parse_response (body, &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  object = json_node_get_object (root);
  unprocessed = child_object (child_object (object, "UnprocessedKeys"), data->table);
  if (!read_items (child_array (child_object (object, "Responses"), data->table),
                   data->found, &error) ||
      !read_items (child_array (unprocessed, "Keys"), leftovers, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!requeue (task, g_steal_pointer (&leftovers), &delay_ms))
    return;
  if (delay_ms > 0)
    af_aws_retry_after (g_steal_pointer (&task), delay_ms, get_next_call);
  else
    get_next_call (g_steal_pointer (&task));
}

static char *
build_get_body (BatchData *data,
                guint      count)
{
  GString *body = g_string_sized_new (64 * count + 128);

  g_string_append (body, "{\"RequestItems\":{");
  af_codec_write_json_string (body, data->table);
  g_string_append (body, ":{\"Keys\":[");
  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      af_codec_write_item (body, g_ptr_array_index (data->pending, i));
    }
  g_string_append_c (body, ']');
  g_string_append (body, data->options);
  g_string_append (body, "}}}");
  return g_string_free (body, FALSE);
}

/* Takes @task. */
static void
get_next_call (GTask *task)
{
  BatchData *data = g_task_get_task_data (task);
  g_autofree char *body = NULL;
  guint count = MIN (data->pending->len, AF_DYNAMODB_BATCH_GET_MAX);

  if (count == 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->found),
                             (GDestroyNotify) g_ptr_array_unref);
      g_object_unref (task);
      return;
    }
  body = build_get_body (data, count);
  g_ptr_array_remove_range (data->pending, 0, count);
  af_dynamodb_client_call_async (g_task_get_source_object (task), "BatchGetItem", body,
                                 g_task_get_cancellable (task), get_done_cb, task);
}

static char *
get_options (const AfDynamodbParams *params)
{
  GString *options = g_string_new (NULL);

  if (params == NULL)
    return g_string_free (options, FALSE);
  if (params->projection_expression != NULL)
    {
      g_string_append (options, ",\"ProjectionExpression\":");
      af_codec_write_json_string (options, params->projection_expression);
    }
  if (params->names != NULL)
    {
      /* reuse the common writer, minus its leading TableName */
      g_autoptr(GString) tmp = g_string_new (NULL);
      AfDynamodbParams names_only = { .names = params->names };

      af_dynamodb_body_add_params (tmp, &names_only, TRUE);
      g_string_append (options, tmp->str);
    }
  if (params->consistent_read)
    g_string_append (options, ",\"ConsistentRead\":true");
  return g_string_free (options, FALSE);
}

void
af_dynamodb_client_batch_get_async (AfDynamodbClient       *self,
                                    const char             *table,
                                    GPtrArray              *keys,
                                    const AfDynamodbParams *params,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  BatchData *data = batch_data_new (self, table, (GDestroyNotify) af_value_unref);

  g_task_set_source_tag (task, af_dynamodb_client_batch_get_async);
  data->found = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  data->options = get_options (params);
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    g_ptr_array_add (data->pending, af_value_ref (g_ptr_array_index (keys, i)));
  g_task_set_task_data (task, data, (GDestroyNotify) batch_data_free);
  get_next_call (task);
}

GPtrArray *
af_dynamodb_client_batch_get_finish (AfDynamodbClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- BatchWriteItem ------------------------------------------------------------- */

static void write_next_call (GTask *task);

/* UnprocessedItems come back as the very requests we sent; keep them as text. */
static GPtrArray *
read_write_leftovers (JsonArray *array)
{
  GPtrArray *leftovers = g_ptr_array_new_with_free_func (g_free);
  guint n = array ? json_array_get_length (array) : 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (leftovers, json_to_string (json_array_get_element (array, i), FALSE));
  return leftovers;
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BatchData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *leftovers;
  GError *error = NULL;
  guint delay_ms;

  body = af_dynamodb_client_call_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (body != NULL)
    root = af_dynamodb_parse_response (body, &error);
  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  leftovers = read_write_leftovers (
    child_array (child_object (json_node_get_object (root), "UnprocessedItems"), data->table));
  if (!requeue (task, leftovers, &delay_ms))
    return;
  if (delay_ms > 0)
    af_aws_retry_after (g_steal_pointer (&task), delay_ms, write_next_call);
  else
    write_next_call (g_steal_pointer (&task));
}

/* Takes @task. */
static void
write_next_call (GTask *task)
{
  BatchData *data = g_task_get_task_data (task);
  guint count = MIN (data->pending->len, AF_DYNAMODB_BATCH_WRITE_MAX);
  g_autoptr(GString) body = NULL;

  if (count == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  body = g_string_new ("{\"RequestItems\":{");
  af_codec_write_json_string (body, data->table);
  g_string_append (body, ":[");
  for (guint i = 0; i < count; i++)
    {
      if (i > 0)
        g_string_append_c (body, ',');
      g_string_append (body, g_ptr_array_index (data->pending, i));
    }
  g_string_append (body, "]}}");
  g_ptr_array_remove_range (data->pending, 0, count);
  af_dynamodb_client_call_async (g_task_get_source_object (task), "BatchWriteItem", body->str,
                                 g_task_get_cancellable (task), write_done_cb, task);
}

static char *
write_request (const char    *kind,
               const char    *member,
               const AfValue *item)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "{\"%s\":{\"%s\":", kind, member);
  af_codec_write_item (text, item);
  g_string_append (text, "}}");
  return g_string_free (text, FALSE);
}

void
af_dynamodb_client_batch_write_async (AfDynamodbClient    *self,
                                      const char          *table,
                                      GPtrArray           *puts,
                                      GPtrArray           *delete_keys,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  BatchData *data = batch_data_new (self, table, g_free);

  g_task_set_source_tag (task, af_dynamodb_client_batch_write_async);
  for (guint i = 0; puts != NULL && i < puts->len; i++)
    g_ptr_array_add (data->pending,
                     write_request ("PutRequest", "Item", g_ptr_array_index (puts, i)));
  for (guint i = 0; delete_keys != NULL && i < delete_keys->len; i++)
    g_ptr_array_add (data->pending,
                     write_request ("DeleteRequest", "Key", g_ptr_array_index (delete_keys, i)));
  g_task_set_task_data (task, data, (GDestroyNotify) batch_data_free);
  write_next_call (task);
}

gboolean
af_dynamodb_client_batch_write_finish (AfDynamodbClient  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
