/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

#include "af-pull-private.h"

/*
 * The refresh: every cached item the index queries did not bring back is read again
 * with BatchGetItem. DynamoDB has no "changed since" signal, and the watermark queries
 * cannot see an item whose sort key stayed where it was (a status change moves an item
 * to another partition under its old timestamp). What comes back changed is rewritten;
 * what does not come back was deleted remotely, and leaves the cache unless it still
 * carries local edits the outbox has not sent (those are never dropped silently).
 */

static void refresh_table (GTask *task);

static gboolean
remove_deleted (GTask       *task,
                AfTable      table,
                GHashTable  *remote,
                GError     **error)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_autoptr(GHashTable) pending = af_pull_pending_ids (af_pull_get_store (self), table, error);
  GHashTableIter iter;
  const char *id;

  if (pending == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, run->cached);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      if (g_hash_table_contains (remote, id))
        continue;
      if (g_hash_table_contains (pending, id))
        {
          af_pull_add_problem (run->result, "%s %s: deleted remotely, kept for its unsent edits",
                               af_table_nick (table), id);
          continue;
        }
      if (!af_store_delete_item (af_pull_get_store (self), table, id, error))
        return FALSE;
      run->result->deleted[table]++;
    }
  return TRUE;
}

static void
batch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  AfTable table = run->refresh_table;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) remote = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *changed = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  GError *error = NULL;

  items = af_dynamodb_client_batch_get_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, table);
  if (items == NULL)
    {
      g_ptr_array_unref (changed);
      g_prefix_error (&error, "Refreshing %s: ", af_pull_get_table_name (self, table));
      af_pull_fail (task, error);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      AfValue *item = g_ptr_array_index (items, i);
      const char *id = af_item_get_s (item, af_table_key_name (table));
      AfValue *cached = id ? g_hash_table_lookup (run->cached, id) : NULL;

      if (id == NULL)
        continue;
      g_hash_table_add (remote, (gpointer) id);
      if (cached == NULL || !af_value_equal (cached, item))
        g_ptr_array_add (changed, af_value_ref (item));
    }
  run->result->read[table] += changed->len;

  if (!af_pull_store_items (self, run->result, table, changed, &error) ||
      !remove_deleted (task, table, remote, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  g_clear_pointer (&run->cached, g_hash_table_unref);
  run->refresh_table++;
  refresh_table (task);
}

/* The cached items of @table the queries did not see, by id. */
static GHashTable *
cached_unseen (AfPull   *self,
               PullRun  *run,
               AfTable   table,
               GError  **error)
{
  AfQuery query = { .table = table };
  g_autoptr(GPtrArray) items = af_store_query (af_pull_get_store (self), &query, error);
  GHashTable *cached;

  if (items == NULL)
    return NULL;
  cached = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) af_value_unref);
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *item = g_ptr_array_index (items, i);
      const char *id = af_item_get_s (item, af_table_key_name (table));

      if (id != NULL && !g_hash_table_contains (run->seen[table], id))
        g_hash_table_insert (cached, g_strdup (id), af_value_ref (item));
    }
  return cached;
}

static gboolean
all_seen (AfPull  *self,
          PullRun *run,
          AfTable  table)
{
  AfQuery query = { .table = table };
  gint64 cached = af_store_count (af_pull_get_store (self), &query, NULL);

  return cached >= 0 && (guint64) cached <= g_hash_table_size (run->seen[table]);
}

/* Takes @task. */
static void
refresh_table (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  AfTable table = run->refresh_table;
  g_autoptr(GPtrArray) keys = NULL;
  GHashTableIter iter;
  AfValue *item;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (table >= AF_N_TABLES)
    {
      af_pull_streams_finish (task);
      return;
    }

  /* Every cached item was just read by the queries (a first pull): nothing to load. A
   * table read from its stream has had its changes already. */
  if (run->result->path[table] == AF_PULL_PATH_STREAM || all_seen (self, run, table))
    {
      run->refresh_table++;
      refresh_table (task);
      return;
    }
  run->cached = cached_unseen (self, run, table, &error);
  if (run->cached == NULL)
    {
      af_pull_fail (task, error);
      return;
    }
  keys = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_hash_table_iter_init (&iter, run->cached);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      AfValue *key = af_table_item_key (table, item);

      /* Without its whole key the cloud cannot be asked about it: left as it is. */
      if (key != NULL)
        g_ptr_array_add (keys, key);
      else
        g_hash_table_iter_remove (&iter);
    }
  run->result->refreshed[table] = keys->len;

  if (keys->len == 0)
    {
      g_clear_pointer (&run->cached, g_hash_table_unref);
      run->refresh_table++;
      refresh_table (task);
      return;
    }
  af_dynamodb_client_batch_get_async (af_pull_get_dynamodb (self),
                                      af_pull_get_table_name (self, table), keys, NULL,
                                      g_task_get_cancellable (task), batch_cb, task);
}

void
af_pull_refresh_start (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  if (run->write_error != NULL)
    {
      af_pull_finish_run (task);
      return;
    }
  run->refresh_table = 0;
  refresh_table (task);
}
