/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-forget"

#include <glib/gstdio.h>

#include "af-clock.h"
#include "af-forget.h"
#include "af-glib-compat.h"
#include "af-retention.h"
#include "af-s3-list.h"
#include "af-store-private.h"
#include "af-store-sync.h"

struct _AfForget
{
  GObject           parent_instance;

  /* owned references */
  AfStore          *store;          /* (owned) */
  AfDynamodbClient *dynamodb;       /* (owned) */
  AfS3Client       *s3;             /* (owned) */
  AfWorkspaceNames *names;          /* (owned) */
};

G_DEFINE_FINAL_TYPE (AfForget, af_forget, G_TYPE_OBJECT)

static void
af_forget_finalize (GObject *object)
{
  AfForget *self = AF_FORGET (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->s3);
  g_clear_object (&self->names);
  G_OBJECT_CLASS (af_forget_parent_class)->finalize (object);
}

static void
af_forget_class_init (AfForgetClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_forget_finalize;
}

static void
af_forget_init (AfForget *self)
{
  self->names = af_workspace_names_new (NULL);
}

AfForget *
af_forget_new (AfStore          *store,
               AfDynamodbClient *dynamodb,
               AfS3Client       *s3)
{
  AfForget *self = g_object_new (AF_TYPE_FORGET, NULL);

  self->store = g_object_ref (store);
  self->dynamodb = g_object_ref (dynamodb);
  self->s3 = g_object_ref (s3);
  return self;
}

void
af_forget_set_names (AfForget         *self,
                     AfWorkspaceNames *names)
{
  g_return_if_fail (AF_IS_WORKSPACE_NAMES (names));
  g_set_object (&self->names, names);
}

static const char *
table_name (AfForget *self,
            AfTable   table)
{
  return af_workspace_names_get_table (self->names, table);
}

static const char *
raw_bucket (AfForget *self)
{
  return af_workspace_names_get_raw_bucket (self->names);
}

/* ---- The request row -------------------------------------------------------------- */

static gboolean
exec_text (AfStore     *store,
           const char  *sql,
           const char  *first,
           const char  *second,
           GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  if (!af_store_sync_prepare (store, error))
    return FALSE;
  stmt = af_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
  if (second != NULL)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_STATIC);
  return af_store_step_done (store, stmt, error);
}

char **
af_forget_list_pending (AfStore  *store,
                        GError  **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(AfStmt) stmt = NULL;

  if (!af_store_sync_prepare (store, error))
    return NULL;
  stmt = af_store_prepare (store, "SELECT user_id FROM sync_forget ORDER BY started_at", error);
  if (stmt == NULL)
    return NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  return g_strv_builder_end (builder);
}

/* ---- One run ------------------------------------------------------------------------- */

typedef struct
{
  char           *user_id;     /* (owned) */
  GPtrArray      *analyses;    /* (owned) AfValue: remote and cached, one per request id */
  GHashTable     *seen;        /* (owned) request ids in @analyses */
  GPtrArray      *objects;     /* (owned) "bucket" "\n" "key" */
  GHashTable     *seen_objects; /* (owned) */
  guint           index;
  AfForgetResult  result;
} Run;

static void
run_free (Run *run)
{
  g_free (run->user_id);
  g_clear_pointer (&run->analyses, g_ptr_array_unref);
  g_clear_pointer (&run->seen, g_hash_table_unref);
  g_clear_pointer (&run->objects, g_ptr_array_unref);
  g_clear_pointer (&run->seen_objects, g_hash_table_unref);
  g_free (run);
}

static void delete_next_object (GTask *task);
static void delete_next_analysis (GTask *task);

static void
add_analysis (Run     *run,
              AfValue *item)
{
  const char *id = af_item_get_s (item, "request_id");

  if (id == NULL || g_hash_table_contains (run->seen, id))
    return;
  g_hash_table_add (run->seen, g_strdup (id));
  g_ptr_array_add (run->analyses, af_value_ref (item));
}

static void
add_object (Run        *run,
            const char *bucket,
            const char *key)
{
  char *entry = g_strconcat (bucket, "\n", key, NULL);

  if (!g_hash_table_add (run->seen_objects, entry))
    return;
  g_ptr_array_add (run->objects, g_strdup (entry));
}

static void
add_url (Run        *run,
         const char *url)
{
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  if (url != NULL && af_s3_parse_url (url, &bucket, &key))
    add_object (run, bucket, key);
}

/* Images the user queued and never sent: their spool copies go with the rows. */
static void
remove_spooled (AfStore    *store,
                const char *user_id)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (store, "SELECT spool_path FROM sync_submissions "
                                                    "WHERE user_id = ?", NULL);

  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_unlink ((const char *) sqlite3_column_text (stmt, 0));
}

/* Local traces last: until the cloud has forgotten, the cache still knows what to ask. */
static void
erase_locally (GTask *task)
{
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  const char *users[] = { run->user_id, NULL };
  GError *error = NULL;

  for (guint i = 0; i < run->analyses->len; i++)
    g_strv_builder_add (builder, af_item_get_s (run->analyses->pdata[i], "request_id"));
  ids = g_strv_builder_end (builder);
  remove_spooled (self->store, run->user_id);
  if (!af_retention_erase_items (self->store, NULL, AF_TABLE_ANALYSES,
                                 (const char * const *) ids, &error)
      || !af_retention_erase_items (self->store, NULL, AF_TABLE_USERS, users, &error)
      || !exec_text (self->store, "DELETE FROM sync_submissions WHERE user_id = ?", run->user_id,
                     NULL, &error)
      || !exec_text (self->store, "DELETE FROM sync_forget WHERE user_id = ?", run->user_id, NULL,
                     &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run->result.local = run->analyses->len + 1;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
return_if_failed (GTask  *task,
                  GError *error)
{
  if (error == NULL)
    return FALSE;
  g_task_return_error (task, error);
  g_object_unref (task);
  return TRUE;
}

static void
user_deleted_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(AfValue) old = NULL;
  GError *error = NULL;

  af_dynamodb_client_write_finish (AF_DYNAMODB_CLIENT (source), result, &old, &error);
  if (return_if_failed (task, error))
    return;
  run->result.user = old != NULL;
  erase_locally (task);
}

static void
delete_user (GTask *task)
{
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(AfValue) key = af_value_new_map ();
  AfDynamodbParams params = { .return_values = "ALL_OLD" };

  af_value_map_set (key, "user_id", af_value_new_s (run->user_id));
  af_dynamodb_client_delete_item_async (self->dynamodb, table_name (self, AF_TABLE_USERS), key, &params,
                                        g_task_get_cancellable (task), user_deleted_cb, task);
}

static void
analysis_deleted_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(AfValue) old = NULL;
  GError *error = NULL;

  af_dynamodb_client_write_finish (AF_DYNAMODB_CLIENT (source), result, &old, &error);
  if (return_if_failed (task, error))
    return;
  if (old != NULL)
    run->result.analyses++;
  run->index++;
  delete_next_analysis (task);
}

static void
delete_next_analysis (GTask *task)
{
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(AfValue) key = NULL;
  AfDynamodbParams params = { .return_values = "ALL_OLD" };
  AfValue *item;

  if (run->index >= run->analyses->len)
    {
      delete_user (task);
      return;
    }
  item = g_ptr_array_index (run->analyses, run->index);
  key = af_table_item_key (AF_TABLE_ANALYSES, item);
  if (key == NULL)
    {
      return_if_failed (task, g_error_new (AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION,
                                           "an analysis of the user has no created_at"));
      return;
    }
  af_dynamodb_client_delete_item_async (self->dynamodb, table_name (self, AF_TABLE_ANALYSES), key,
                                        &params, g_task_get_cancellable (task),
                                        analysis_deleted_cb, task);
}

static void
object_deleted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (af_s3_client_delete_finish (AF_S3_CLIENT (source), result, &error))
    run->result.objects++;
  else if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND))
    g_clear_error (&error);
  if (return_if_failed (task, error))
    return;
  run->index++;
  delete_next_object (task);
}

static void
delete_next_object (GTask *task)
{
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_auto(GStrv) parts = NULL;

  if (run->index >= run->objects->len)
    {
      run->index = 0;
      delete_next_analysis (task);
      return;
    }
  parts = g_strsplit (g_ptr_array_index (run->objects, run->index), "\n", 2);
  af_s3_client_delete_object_async (self->s3, parts[0], parts[1], g_task_get_cancellable (task),
                                    object_deleted_cb, task);
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(GPtrArray) keys = NULL;
  GError *error = NULL;

  keys = af_s3_client_list_keys_finish (AF_S3_CLIENT (source), result, &error);
  if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND))
    g_clear_error (&error);  /* no such bucket: nothing of the user in it */
  if (return_if_failed (task, error))
    return;
  for (guint i = 0; keys != NULL && i < keys->len; i++)
    add_object (run, raw_bucket (self), keys->pdata[i]);
  for (guint i = 0; i < run->analyses->len; i++)
    {
      add_url (run, af_item_get_s (run->analyses->pdata[i], "raw_image_url"));
      add_url (run, af_item_get_s (run->analyses->pdata[i], "processed_image_url"));
    }
  run->index = 0;
  delete_next_object (task);
}

static void
add_cached_analyses (AfForget *self,
                     Run      *run)
{
  AfQuery query = { .table = AF_TABLE_ANALYSES, .user_id = run->user_id };
  g_autoptr(GPtrArray) cached = af_store_query (self->store, &query, NULL);

  for (guint i = 0; cached != NULL && i < cached->len; i++)
    add_analysis (run, g_ptr_array_index (cached, i));
}

static void
analyses_found_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  AfForget *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  g_autoptr(AfDynamodbPage) page = NULL;
  g_autofree char *prefix = NULL;
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (return_if_failed (task, error))
    return;
  for (guint i = 0; i < page->items->len; i++)
    add_analysis (run, g_ptr_array_index (page->items, i));
  add_cached_analyses (self, run);
  prefix = g_strdup_printf ("inference/%s/", run->user_id);
  af_s3_client_list_keys_async (self->s3, raw_bucket (self), prefix, g_task_get_cancellable (task),
                                listed_cb, task);
}

void
af_forget_run_async (AfForget            *self,
                     const char          *user_id,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  Run *run;
  g_autoptr(AfValue) names = af_value_new_map ();
  g_autoptr(AfValue) values = af_value_new_map ();
  g_autofree char *now = af_clock_now_iso ();
  AfDynamodbParams params = {
    .index_name = "user-index", .key_condition_expression = "#u = :u",
    .names = names, .values = values,
  };
  GError *error = NULL;

  g_return_if_fail (AF_IS_FORGET (self));
  g_return_if_fail (user_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_forget_run_async);
  run = g_new0 (Run, 1);
  run->user_id = g_strdup (user_id);
  run->analyses = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  run->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run->objects = g_ptr_array_new_with_free_func (g_free);
  run->seen_objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  if (!exec_text (self->store, "INSERT OR IGNORE INTO sync_forget (user_id, state, started_at) "
                               "VALUES (?, 'started', ?)", user_id, now, &error))
    {
      return_if_failed (task, error);
      return;
    }
  af_value_map_set (names, "#u", af_value_new_s ("user_id"));
  af_value_map_set (values, ":u", af_value_new_s (user_id));
  af_dynamodb_client_query_all_async (self->dynamodb, table_name (self, AF_TABLE_ANALYSES),
                                      &params, cancellable, analyses_found_cb, task);
}

gboolean
af_forget_run_finish (AfForget        *self,
                      GAsyncResult    *result,
                      AfForgetResult  *out_result,
                      GError         **error)
{
  Run *run;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  run = g_task_get_task_data (G_TASK (result));
  if (out_result != NULL)
    *out_result = run->result;
  return g_task_propagate_boolean (G_TASK (result), error);
}
