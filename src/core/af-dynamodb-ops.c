/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-dynamodb"

#include "af-codec.h"
#include "af-dynamodb-private.h"

/*
 * The operations: each builds its request text, hands it to the transport, and reads
 * the answer. The page operations use the codec's page parser, which reads Items and
 * LastEvaluatedKey straight from the text without building a JSON tree: a 1 MB page of
 * nested items is the hot path of a pull.
 */

void
af_dynamodb_page_free (AfDynamodbPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_clear_pointer (&page->last_key, af_value_unref);
  g_free (page);
}

static char *
finish_body (GString *body)
{
  g_string_append_c (body, '}');
  return g_string_free (body, FALSE);
}

/* An item member of the response ("Item", "Attributes"), NULL when absent. */
static gboolean
response_item (JsonNode    *root,
               const char  *member,
               AfValue    **out_item,
               GError     **error)
{
  JsonNode *node = json_object_get_member (json_node_get_object (root), member);
  g_autoptr(GError) local_error = NULL;

  *out_item = NULL;
  if (node == NULL)
    return TRUE;
  *out_item = af_codec_item_from_node (node, &local_error);
  if (*out_item == NULL)
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB sent an unreadable %s: %s", member, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* The same from the answer's text, with the codec's parser: no JSON tree for the answer
 * of every single-item read and write (a push sends thousands). */
static gboolean
body_item (GBytes      *body,
           const char  *member,
           AfValue    **out_item,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  if (af_codec_parse_member_item (data, length, member, out_item, &local_error))
    return TRUE;
  g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
               "DynamoDB sent an unreadable answer (%s): %s", member, local_error->message);
  return FALSE;
}

/* ---- One operation: send its request, read its answer ----------------------------- */

typedef struct _Operation Operation;

/* How to read one operation's answer into what its _finish returns. */
struct _Operation
{
  const char     *name;         /* the X-Amz-Target operation */
  const char     *member;       /* (nullable) the member of the answer that holds it */
  gboolean      (*read_answer) (const Operation  *op,
                                GBytes           *body,
                                gpointer         *out_answer,
                                GError          **error);
  GDestroyNotify  free_answer;
};

static void
operation_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const Operation *op = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  gpointer answer = NULL;
  GError *error = NULL;

  body = af_dynamodb_client_call_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (body == NULL || !op->read_answer (op, body, &answer, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, answer ? op->free_answer : NULL);
}

static void
start_operation (AfDynamodbClient    *self,
                 const Operation     *op,
                 const char          *text,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, (gpointer) op, NULL);
  af_dynamodb_client_call_async (self, op->name, text, cancellable, operation_done_cb, task);
}

/* FALSE with @error when the operation failed; else TRUE and its answer, which may be
 * NULL (GetItem of a missing item, TransactWriteItems). */
static gboolean
operation_finish (AfDynamodbClient  *self,
                  GAsyncResult      *result,
                  gpointer          *out_answer,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  gpointer answer;
  const Operation *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  op = g_task_get_task_data (G_TASK (result));
  answer = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (out_answer != NULL)
    *out_answer = answer;
  else if (answer != NULL)
    op->free_answer (answer);
  return TRUE;
}

/* ---- GetItem ------------------------------------------------------------------ */

static gboolean
read_item (const Operation  *op,
           GBytes           *body,
           gpointer         *out_answer,
           GError          **error)
{
  return body_item (body, op->member, (AfValue **) out_answer, error);
}

static const Operation get_item_op = {
  "GetItem", "Item", read_item, (GDestroyNotify) af_value_unref,
};

void
af_dynamodb_client_get_item_async (AfDynamodbClient       *self,
                                   const char             *table,
                                   const AfValue          *key,
                                   const AfDynamodbParams *params,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  GString *body = af_dynamodb_body_begin (table);
  g_autofree char *text = NULL;

  af_dynamodb_body_add_item (body, "Key", key);
  af_dynamodb_body_add_params (body, params, TRUE);
  text = finish_body (body);
  start_operation (self, &get_item_op, text, af_dynamodb_client_get_item_async,
                   cancellable, callback, user_data);
}

gboolean
af_dynamodb_client_get_item_finish (AfDynamodbClient  *self,
                                    GAsyncResult      *result,
                                    AfValue          **out_item,
                                    GError           **error)
{
  return operation_finish (self, result, (gpointer *) out_item, error);
}

/* ---- PutItem, UpdateItem, DeleteItem ------------------------------------------ */

typedef struct
{
  AfValue *item;    /* (owned) (nullable) Attributes, or the current item on a conflict */
  GError  *error;   /* (owned) (nullable) */
} WriteResult;

static void
write_result_free (WriteResult *write_result)
{
  g_clear_pointer (&write_result->item, af_value_unref);
  g_clear_error (&write_result->error);
  g_free (write_result);
}

/* A conditional failure with ReturnValuesOnConditionCheckFailure=ALL_OLD carries the
 * item as it is now in the error body: the caller needs no second read to see what
 * it conflicts with. */
static void
conflict_item (GBytes       *error_body,
               WriteResult  *write_result)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) ignored = NULL;

  if (error_body == NULL ||
      !g_error_matches (write_result->error, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT))
    return;
  root = af_dynamodb_parse_response (error_body, &ignored);
  if (root != NULL)
    response_item (root, "Item", &write_result->item, &ignored);
}

static void
write_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) error_body = NULL;
  WriteResult *write_result = g_new0 (WriteResult, 1);

  body = af_dynamodb_client_call_finish_full (AF_DYNAMODB_CLIENT (source), result,
                                              &error_body, &write_result->error);
  if (body != NULL)
    body_item (body, "Attributes", &write_result->item, &write_result->error);
  conflict_item (error_body, write_result);
  g_task_return_pointer (task, write_result, (GDestroyNotify) write_result_free);
}

static void
start_write (AfDynamodbClient       *self,
             const char             *operation,
             GString                *body,
             const AfDynamodbParams *params,
             GCancellable           *cancellable,
             GAsyncReadyCallback     callback,
             gpointer                user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *text = NULL;

  g_task_set_source_tag (task, af_dynamodb_client_write_finish);
  af_dynamodb_body_add_params (body, params, FALSE);
  text = finish_body (body);
  af_dynamodb_client_call_async (self, operation, text, cancellable, write_done_cb, task);
}

void
af_dynamodb_client_put_item_async (AfDynamodbClient       *self,
                                   const char             *table,
                                   const AfValue          *item,
                                   const AfDynamodbParams *params,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  GString *body = af_dynamodb_body_begin (table);

  af_dynamodb_body_add_item (body, "Item", item);
  start_write (self, "PutItem", body, params, cancellable, callback, user_data);
}

void
af_dynamodb_client_update_item_async (AfDynamodbClient       *self,
                                      const char             *table,
                                      const AfValue          *key,
                                      const AfDynamodbParams *params,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  GString *body = af_dynamodb_body_begin (table);

  af_dynamodb_body_add_item (body, "Key", key);
  start_write (self, "UpdateItem", body, params, cancellable, callback, user_data);
}

void
af_dynamodb_client_delete_item_async (AfDynamodbClient       *self,
                                      const char             *table,
                                      const AfValue          *key,
                                      const AfDynamodbParams *params,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  GString *body = af_dynamodb_body_begin (table);

  af_dynamodb_body_add_item (body, "Key", key);
  start_write (self, "DeleteItem", body, params, cancellable, callback, user_data);
}

gboolean
af_dynamodb_client_write_finish (AfDynamodbClient  *self,
                                 GAsyncResult      *result,
                                 AfValue          **out_item,
                                 GError           **error)
{
  g_autoptr(GError) task_error = NULL;
  WriteResult *write_result;
  gboolean ok;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  write_result = g_task_propagate_pointer (G_TASK (result), &task_error);
  if (write_result == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&task_error));
      return FALSE;
    }
  if (out_item != NULL)
    *out_item = g_steal_pointer (&write_result->item);
  ok = write_result->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&write_result->error));
  write_result_free (write_result);
  return ok;
}

/* ---- Query and Scan pages ----------------------------------------------------- */

static gboolean
read_page (const Operation  *op,
           GBytes           *body,
           gpointer         *out_answer,
           GError          **error)
{
  g_autoptr(GError) codec_error = NULL;
  g_autoptr(AfDynamodbPage) page = g_new0 (AfDynamodbPage, 1);
  gsize length;
  const char *data = g_bytes_get_data (body, &length);

  page->bytes = length;
  page->items = af_codec_parse_items_page (data, length, &page->last_key, &codec_error);
  if (page->items == NULL)
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB sent an unreadable page: %s", codec_error->message);
      return FALSE;
    }
  *out_answer = g_steal_pointer (&page);
  return TRUE;
}

static const Operation query_op = {
  "Query", NULL, read_page, (GDestroyNotify) af_dynamodb_page_free,
};
static const Operation scan_op = {
  "Scan", NULL, read_page, (GDestroyNotify) af_dynamodb_page_free,
};

static void
start_page (AfDynamodbClient       *self,
            const Operation        *op,
            const char             *table,
            const AfDynamodbParams *params,
            GCancellable           *cancellable,
            GAsyncReadyCallback     callback,
            gpointer                user_data)
{
  GString *body = af_dynamodb_body_begin (table);
  g_autofree char *text = NULL;

  af_dynamodb_body_add_params (body, params, TRUE);
  text = finish_body (body);
  start_operation (self, op, text, af_dynamodb_client_page_finish, cancellable, callback,
                   user_data);
}

void
af_dynamodb_client_query_page_async (AfDynamodbClient       *self,
                                     const char             *table,
                                     const AfDynamodbParams *params,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  start_page (self, &query_op, table, params, cancellable, callback, user_data);
}

void
af_dynamodb_client_scan_page_async (AfDynamodbClient       *self,
                                    const char             *table,
                                    const AfDynamodbParams *params,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  start_page (self, &scan_op, table, params, cancellable, callback, user_data);
}

AfDynamodbPage *
af_dynamodb_client_page_finish (AfDynamodbClient  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  AfDynamodbPage *page = NULL;

  operation_finish (self, result, (gpointer *) &page, error);
  return page;
}

gboolean
af_dynamodb_cursor_advances (const AfValue  *sent,
                             const AfValue  *received,
                             guint           pages,
                             GError        **error)
{
  if (sent != NULL && af_value_equal (sent, received))
    {
      g_set_error_literal (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                           "DynamoDB sent back the LastEvaluatedKey it was given; "
                           "the read stops there");
      return FALSE;
    }
  if (pages >= AF_DYNAMODB_MAX_PAGES)
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB kept sending a LastEvaluatedKey after %u pages; the read stops "
                   "there", pages);
      return FALSE;
    }
  return TRUE;
}

/* ---- Query and Scan to the end ------------------------------------------------ */

typedef struct
{
  const Operation  *op;
  char             *table;
  AfDynamodbParams  params;      /* strings borrowed from the copies below */
  char             *strings[7];  /* (owned) */
  AfValue          *names;       /* (owned) (nullable) */
  AfValue          *values;      /* (owned) (nullable) */
  AfValue          *start_key;   /* (owned) (nullable) */
  AfDynamodbPage   *all;         /* (owned) */
  guint             pages;
} AllData;

static void
all_data_free (AllData *data)
{
  g_free (data->table);
  for (guint i = 0; i < G_N_ELEMENTS (data->strings); i++)
    g_free (data->strings[i]);
  g_clear_pointer (&data->names, af_value_unref);
  g_clear_pointer (&data->values, af_value_unref);
  g_clear_pointer (&data->start_key, af_value_unref);
  af_dynamodb_page_free (data->all);
  g_free (data);
}

static const char *
keep (AllData    *data,
      guint       slot,
      const char *text)
{
  data->strings[slot] = g_strdup (text);
  return data->strings[slot];
}

/* The caller's params may not outlive this call; the loop needs them for every page. */
static void
copy_params (AllData                *data,
             const AfDynamodbParams *params)
{
  if (params == NULL)
    return;
  data->params = *params;
  data->params.index_name = keep (data, 0, params->index_name);
  data->params.key_condition_expression = keep (data, 1, params->key_condition_expression);
  data->params.filter_expression = keep (data, 2, params->filter_expression);
  data->params.projection_expression = keep (data, 3, params->projection_expression);
  data->params.condition_expression = NULL;
  data->params.update_expression = NULL;
  data->params.return_values = NULL;
  data->names = params->names ? af_value_ref (params->names) : NULL;
  data->values = params->values ? af_value_ref (params->values) : NULL;
  data->start_key = params->exclusive_start_key ?
                    af_value_ref (params->exclusive_start_key) : NULL;
  data->params.names = data->names;
  data->params.values = data->values;
  data->params.exclusive_start_key = data->start_key;
}

static void next_page (GTask *task);

static void
all_page_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AllData *data = g_task_get_task_data (task);
  g_autoptr(AfDynamodbPage) page = NULL;
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (page->last_key != NULL &&
      !af_dynamodb_cursor_advances (data->start_key, page->last_key, ++data->pages, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_extend_and_steal (data->all->items, g_steal_pointer (&page->items));
  data->all->bytes += page->bytes;
  g_clear_pointer (&data->start_key, af_value_unref);
  data->start_key = g_steal_pointer (&page->last_key);
  data->params.exclusive_start_key = data->start_key;

  /* A present LastEvaluatedKey does not promise more items, only that the read
   * stopped there: follow it until it is gone. */
  if (data->start_key == NULL)
    g_task_return_pointer (task, g_steal_pointer (&data->all),
                           (GDestroyNotify) af_dynamodb_page_free);
  else
    next_page (g_steal_pointer (&task));
}

static void
next_page (GTask *task)
{
  AfDynamodbClient *self = g_task_get_source_object (task);
  AllData *data = g_task_get_task_data (task);

  start_page (self, data->op, data->table, &data->params,
              g_task_get_cancellable (task), all_page_done_cb, task);
}

static void
start_all (AfDynamodbClient       *self,
           const Operation        *op,
           const char             *table,
           const AfDynamodbParams *params,
           GCancellable           *cancellable,
           GAsyncReadyCallback     callback,
           gpointer                user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AllData *data = g_new0 (AllData, 1);

  g_task_set_source_tag (task, af_dynamodb_client_page_finish);
  data->op = op;
  data->table = g_strdup (table);
  data->all = g_new0 (AfDynamodbPage, 1);
  data->all->items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  copy_params (data, params);
  g_task_set_task_data (task, data, (GDestroyNotify) all_data_free);
  next_page (task);
}

void
af_dynamodb_client_query_all_async (AfDynamodbClient       *self,
                                    const char             *table,
                                    const AfDynamodbParams *params,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  start_all (self, &query_op, table, params, cancellable, callback, user_data);
}

void
af_dynamodb_client_scan_all_async (AfDynamodbClient       *self,
                                   const char             *table,
                                   const AfDynamodbParams *params,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  start_all (self, &scan_op, table, params, cancellable, callback, user_data);
}

/* ---- DescribeTable, CreateTable, TransactWriteItems --------------------------- */

static gboolean
read_table (const Operation  *op,
            GBytes           *body,
            gpointer         *out_answer,
            GError          **error)
{
  g_autoptr(JsonNode) root = af_dynamodb_parse_response (body, error);
  JsonNode *node;

  if (root == NULL)
    return FALSE;
  node = json_object_get_member (json_node_get_object (root), op->member);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB sent no %s object", op->member);
      return FALSE;
    }
  *out_answer = json_node_copy (node);
  return TRUE;
}

/* TransactWriteItems answers nothing we need: a 200 is the whole news. */
static gboolean
read_nothing (const Operation  *op,
              GBytes           *body,
              gpointer         *out_answer,
              GError          **error)
{
  return TRUE;
}

static const Operation describe_table_op = {
  "DescribeTable", "Table", read_table, (GDestroyNotify) json_node_unref,
};
static const Operation create_table_op = {
  "CreateTable", "TableDescription", read_table, (GDestroyNotify) json_node_unref,
};
static const Operation transact_write_op = {
  "TransactWriteItems", NULL, read_nothing, NULL,
};

void
af_dynamodb_client_describe_table_async (AfDynamodbClient    *self,
                                         const char          *table,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *text = finish_body (af_dynamodb_body_begin (table));

  start_operation (self, &describe_table_op, text, af_dynamodb_client_table_finish,
                   cancellable, callback, user_data);
}

void
af_dynamodb_client_create_table_async (AfDynamodbClient    *self,
                                       const char          *definition,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  start_operation (self, &create_table_op, definition, af_dynamodb_client_table_finish,
                   cancellable, callback, user_data);
}

JsonNode *
af_dynamodb_client_table_finish (AfDynamodbClient  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  JsonNode *node = NULL;

  operation_finish (self, result, (gpointer *) &node, error);
  return node;
}

void
af_dynamodb_client_transact_write_async (AfDynamodbClient    *self,
                                         const char          *body,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  start_operation (self, &transact_write_op, body, af_dynamodb_client_transact_write_async,
                   cancellable, callback, user_data);
}

gboolean
af_dynamodb_client_transact_write_finish (AfDynamodbClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return operation_finish (self, result, NULL, error);
}
