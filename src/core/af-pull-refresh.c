/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

#include "af-pull-private.h"
#include "af-store-sync.h"

/*
 * The refresh, for tables without a stream: every cached item the index queries did not
 * bring back is checked against the cloud. DynamoDB has no "changed since" signal, and
 * the watermark queries cannot see an item whose sort key stayed where it was (a status
 * change moves an item to another partition under its old timestamp). Only a signature
 * of each item is read first (see signals[]), by a Scan of the table projected on it; the
 * items whose signature moved are read in full and rewritten when they differ; what does not come back was deleted remotely,
 * and leaves the cache unless it still carries local edits the outbox has not sent
 * (those are never dropped silently). It runs no more often than a setting says.
 *
 * Reading every cached item in full made a sync with nothing changed cost more than the
 * first pull (10,000 audits: the same ~30 MB read again through BatchGetItem, whose
 * answers go through a JSON tree, and 7x the first pull's CPU); so did opening every
 * cached item whole to compare ~150 bytes of it (1.8x): the cache's side of the
 * signature comes from an SQL projection (af_store_sync_signatures), and only the items
 * whose signature moved are read whole, on both sides.
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

/* The attributes that move when an item changes, read first for every cached item the
 * queries did not see (~150 bytes each instead of the whole item, ~3.5 KB for an audit):
 * the app's own version and last_op_id, the pipeline's status and timestamps, the
 * scores and verdicts it writes, the reviewers' notes. An item whose signature differs from the cache is then
 * read in full; a change that moves none of these waits for the stream or a --full. */
static const char * const signals[AF_N_TABLES][13] = {
  [AF_TABLE_DOCUMENTS] = { "document_id", "processing_status", "upload_timestamp",
                           "extraction_timestamp", "checksum", "s3_key", "ttl",
                           "requires_manual_review", "version", "last_op_id", NULL },
  [AF_TABLE_AUDITS] = { "audit_record_id", "status", "audit_timestamp", "risk_score",
                        "risk_level", "reviewed_by", "review_timestamp", "review_notes",
                        "archived", "ttl", "version", "last_op_id", NULL },
  [AF_TABLE_ANALYSES] = { "request_id", "created_at", "status", "verdict", "forgery_score",
                          "reviewer_verdict", "review_notes", "processed_image_url",
                          "auto_delete_date", "version", "last_op_id", NULL },
  [AF_TABLE_USERS] = { "user_id", "email", "account_tier", "quota_used", "total_uploads",
                       "last_login", "version", NULL },
};

/* "#s0, #s1, …" with @names filled. */
static char *
signal_projection (AfTable  table,
                   AfValue *names)
{
  GString *projection = g_string_new (NULL);

  for (guint i = 0; signals[table][i] != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("#s%u", i);

      g_string_append_printf (projection, "%s%s", i ? ", " : "", name);
      af_value_map_set (names, name, af_value_new_s (signals[table][i]));
    }
  return g_string_free (projection, FALSE);
}

static gboolean
same_signature (AfTable        table,
                const AfValue *cached,
                const AfValue *signature)
{
  for (guint i = 0; signals[table][i] != NULL; i++)
    {
      const AfValue *mine = af_value_map_get (cached, signals[table][i]);
      const AfValue *theirs = af_value_map_get (signature, signals[table][i]);

      if ((mine == NULL) != (theirs == NULL) || (mine != NULL && !af_value_equal (mine, theirs)))
        return FALSE;
    }
  return TRUE;
}

static void
next_table (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_autofree char *key = g_strconcat ("refresh/", af_pull_get_table_name (self, run->refresh_table),
                                      NULL);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
  GError *error = NULL;

  if (run->cached != NULL && !af_store_set_state (af_pull_get_store (self), key, now, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  g_clear_pointer (&run->cached, g_hash_table_unref);
  run->refresh_table++;
  refresh_table (task);
}

/* The items whose signature moved, in full: what differs is rewritten. */
static void
full_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  AfTable table = run->refresh_table;
  g_autoptr(GPtrArray) items = NULL;
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
      g_autoptr(AfValue) cached = id ? af_store_get_item (af_pull_get_store (self), table, id,
                                                          NULL) : NULL;

      if (id != NULL && (cached == NULL || !af_value_equal (cached, item)))
        g_ptr_array_add (changed, af_value_ref (item));
    }
  run->result->read[table] += changed->len;
  if (!af_pull_store_items (self, run->result, table, changed, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  next_table (task);
}

static void
signatures_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  AfTable table = run->refresh_table;
  g_autoptr(AfDynamodbPage) page = NULL;
  g_autoptr(GHashTable) remote = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  GPtrArray *items;
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, table);
  items = page ? page->items : NULL;
  if (items == NULL)
    {
      g_prefix_error (&error, "Refreshing %s: ", af_pull_get_table_name (self, table));
      af_pull_fail (task, error);
      return;
    }
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *signature = g_ptr_array_index (items, i);
      const char *id = af_item_get_s (signature, af_table_key_name (table));
      AfValue *cached = id ? g_hash_table_lookup (run->cached, id) : NULL;
      AfValue *key;

      if (id == NULL)
        continue;
      g_hash_table_add (remote, (gpointer) id);
      if (cached == NULL || same_signature (table, cached, signature))
        continue;
      key = af_table_item_key (table, signature);
      if (key != NULL)
        g_ptr_array_add (moved, key);
    }
  if (!remove_deleted (task, table, remote, &error))
    {
      af_pull_fail (task, error);
      return;
    }
  if (moved->len == 0)
    {
      next_table (task);
      return;
    }
  af_dynamodb_client_batch_get_async (af_pull_get_dynamodb (self),
                                      af_pull_get_table_name (self, table), moved, NULL, g_task_get_cancellable (task), full_cb, task);
}

/* The signatures of the cached items of @table the queries did not see, by id. */
static GHashTable *
cached_unseen (AfPull   *self,
               PullRun  *run,
               AfTable   table,
               GError  **error)
{
  g_autoptr(GPtrArray) items = af_store_sync_signatures (af_pull_get_store (self), table,
                                                         signals[table], error);
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

/* The refresh runs no more often than af_pull_set_refresh_interval() says. */
static gboolean
refresh_due (AfPull  *self,
             AfTable  table)
{
  g_autofree char *key = g_strconcat ("refresh/", af_pull_get_table_name (self, table), NULL);
  g_autofree char *text = af_store_get_state (af_pull_get_store (self), key, NULL);
  gint64 last;

  if (af_pull_get_full (self) || af_pull_get_refresh_interval (self) == 0 || text == NULL ||
      !g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &last, NULL))
    return TRUE;
  return g_get_real_time () - last >= af_pull_get_refresh_interval (self) * G_TIME_SPAN_SECOND;
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
  g_autoptr(AfValue) names = NULL;
  g_autofree char *projection = NULL;
  AfDynamodbParams params = { NULL };
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
  if (run->result->path[table] == AF_PULL_PATH_STREAM || all_seen (self, run, table) ||
      !refresh_due (self, table))
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
  g_hash_table_iter_init (&iter, run->cached);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &item))
    {
      g_autoptr(AfValue) key = af_table_item_key (table, item);

      /* Without its whole key the cloud cannot be asked about it: left as it is. */
      if (key == NULL)
        g_hash_table_iter_remove (&iter);
    }
  run->result->refreshed[table] = g_hash_table_size (run->cached);

  if (g_hash_table_size (run->cached) == 0)
    {
      g_clear_pointer (&run->cached, g_hash_table_unref);
      run->refresh_table++;
      refresh_table (task);
      return;
    }
  names = af_value_new_map ();
  projection = signal_projection (table, names);
  params.projection_expression = projection;
  params.names = names;
  /* One Scan of the signatures rather than BatchGetItem by key: the cache holds about
   * the whole table, so the read units are the same, but pages of up to 1 MB instead of
   * 100 items, read by the codec's page parser (10,000 audits: ~36 requests, not 100). */
  af_dynamodb_client_scan_all_async (af_pull_get_dynamodb (self),
                                     af_pull_get_table_name (self, table), &params,
                                     g_task_get_cancellable (task), signatures_cb, task);
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
