/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-cloud"

#include "config.h"

#include "afd-cloud.h"

#include "af-connection.h"
#include "af-thread-priority.h"

typedef enum
{
  JOB_SYNC,
  JOB_TEST,
  JOB_FORGET,
} JobKind;

typedef struct
{
  JobKind               kind;
  AfdCloudConfig       *config;
  char                 *user_id;        /* (nullable) forget */
  GWeakRef              target;         /* progress goes to it */
  AfdCloudProgressFunc  progress;
  GMainContext         *main_context;   /* where progress is delivered */
  GCancellable         *cancellable;    /* (nullable) */
  GAsyncResult         *async_result;   /* the core's answer, on the worker */
  gpointer              value;          /* what the task returns, once the worker is done */
  GDestroyNotify        value_free;
  GError               *error;          /* or this */
  AfForgetResult        forget_result;
  gint64                table_items;    /* test */
} Job;

typedef struct
{
  AfConnection *connection;
  AfStore      *store;
} Clients;

static char *
dup_nonempty (const char *text)
{
  return text != NULL && *text != '\0' ? g_strdup (text) : NULL;
}

static char *
dup_setting (GSettings  *settings,
             const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return dup_nonempty (value);
}

AfdCloudConfig *
afd_cloud_config_new_from_settings (GSettings  *settings,
                                    const char *db_path,
                                    const char *identity_fallback)
{
  static const char * const keys[AF_N_TABLES] = {
    "table-documents", "table-audits", "table-analyses", "table-users",
  };
  AfdCloudConfig *config = g_new0 (AfdCloudConfig, 1);

  config->db_path = g_strdup (db_path);
  config->region = dup_setting (settings, "region");
  config->endpoint_dynamodb = dup_setting (settings, "endpoint-dynamodb");
  config->endpoint_s3 = dup_setting (settings, "endpoint-s3");
  config->env = dup_setting (settings, "env-suffix");
  if (config->env == NULL)
    config->env = g_strdup ("dev");
  config->identity = dup_setting (settings, "identity");
  config->refresh_interval = g_settings_get_uint (settings, "refresh-interval");
  if (config->identity == NULL)
    config->identity = dup_nonempty (identity_fallback);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      config->tables[t] = dup_setting (settings, keys[t]);
      if (config->tables[t] == NULL)
        config->tables[t] = af_table_default_name (t, config->env);
    }
  return config;
}

static AfdCloudConfig *
config_copy (const AfdCloudConfig *config)
{
  AfdCloudConfig *copy = g_new0 (AfdCloudConfig, 1);

  copy->db_path = g_strdup (config->db_path);
  copy->region = g_strdup (config->region);
  copy->endpoint_dynamodb = g_strdup (config->endpoint_dynamodb);
  copy->endpoint_s3 = g_strdup (config->endpoint_s3);
  copy->env = g_strdup (config->env);
  copy->identity = g_strdup (config->identity);
  copy->refresh_interval = config->refresh_interval;
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    copy->tables[t] = g_strdup (config->tables[t]);
  return copy;
}

void
afd_cloud_config_free (AfdCloudConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->db_path);
  g_free (config->region);
  g_free (config->endpoint_dynamodb);
  g_free (config->endpoint_s3);
  g_free (config->env);
  g_free (config->identity);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_free (config->tables[t]);
  g_free (config);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  afd_cloud_config_free (job->config);
  g_free (job->user_id);
  g_weak_ref_clear (&job->target);
  g_main_context_unref (job->main_context);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->async_result);
  if (job->value_free != NULL)
    g_clear_pointer (&job->value, job->value_free);
  g_clear_error (&job->error);
  g_free (job);
}

static Job *
job_new (JobKind               kind,
         const AfdCloudConfig *config,
         GCancellable         *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->config = config_copy (config);
  job->main_context = g_main_context_ref_thread_default ();
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_weak_ref_init (&job->target, NULL);
  return job;
}

static void
clients_clear (Clients *clients)
{
  g_clear_pointer (&clients->connection, af_connection_free);
  g_clear_object (&clients->store);
}

/* The same connection as the command line's, with the settings in the middle: the
 * environment first, then Preferences, then the region's own endpoint. */
static gboolean
clients_connect (Clients              *clients,
                 const AfdCloudConfig *config,
                 GCancellable         *cancellable,
                 GError              **error)
{
  clients->connection = af_connection_open ("auditflow-desk", config->region,
                                            config->endpoint_dynamodb, config->endpoint_s3,
                                            cancellable, error);
  return clients->connection != NULL;
}

static gboolean
clients_open_store (Clients              *clients,
                    const AfdCloudConfig *config,
                    GError              **error)
{
  clients->store = af_store_open (config->db_path, error);
  if (clients->store == NULL)
    return FALSE;
  if (config->identity != NULL)
    af_store_set_identity (clients->store, config->identity);
  return TRUE;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;

  job->async_result = g_object_ref (result);
}

/* Runs the worker's context until the core answers, then lets whatever it queued
 * (pages for the cache) finish before the objects go away. */
static GAsyncResult *
job_wait (Job          *job,
          GMainContext *context)
{
  while (job->async_result == NULL)
    g_main_context_iteration (context, TRUE);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  return job->async_result;
}

/* ---- Progress ---------------------------------------------------------------------- */

typedef struct
{
  GObject              *target;
  AfdCloudProgressFunc  func;
  guint                 items;
  guint64               bytes;
} Progress;

static gboolean
deliver_progress (gpointer data)
{
  Progress *progress = data;

  progress->func (progress->target, progress->items, progress->bytes);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->target);
  g_free (progress);
}

static void
pull_progress_cb (AfPull  *pull,
                  guint    items,
                  guint64  bytes,
                  Job     *job)
{
  Progress *progress;
  GObject *target = g_weak_ref_get (&job->target);

  if (target == NULL || g_cancellable_is_cancelled (job->cancellable))
    {
      g_clear_object (&target);
      return;
    }
  progress = g_new0 (Progress, 1);
  progress->target = target;
  progress->func = job->progress;
  progress->items = items;
  progress->bytes = bytes;
  g_main_context_invoke_full (job->main_context, G_PRIORITY_DEFAULT, deliver_progress,
                              progress, progress_free);
}

/* ---- The jobs ---------------------------------------------------------------------- */

static AfWorkspaceNames *
workspace_names (const AfdCloudConfig *config)
{
  AfWorkspaceNames *names = af_workspace_names_new (config->env);

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_workspace_names_set_table (names, t, config->tables[t]);
  return names;
}

static void
run_sync (Job          *job,
          Clients      *clients,
          GMainContext *context)
{
  g_autoptr(AfWorkspaceNames) names = workspace_names (job->config);
  g_autoptr(AfSync) sync = af_connection_new_sync (clients->connection, clients->store, names);

  af_pull_set_refresh_interval (af_sync_get_pull (sync), job->config->refresh_interval);
  if (job->progress != NULL)
    g_signal_connect (af_sync_get_pull (sync), "progress", G_CALLBACK (pull_progress_cb), job);
  af_sync_run_async (sync, job->cancellable, store_result_cb, job);
  job->value = af_sync_run_finish (sync, job_wait (job, context), &job->error);
  job->value_free = (GDestroyNotify) af_sync_result_free;
}

/* The table's status, and its item count into @job; the node is checked, not trusted. */
static char *
describe_table (Job      *job,
                JsonNode *node)
{
  JsonObject *table = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *status = NULL;

  if (table != NULL && json_object_has_member (table, "TableStatus"))
    status = json_object_get_string_member_with_default (table, "TableStatus", NULL);
  if (table != NULL && json_object_has_member (table, "ItemCount"))
    job->table_items = json_object_get_int_member_with_default (table, "ItemCount", 0);
  return g_strdup (status != NULL ? status : "?");
}

static void
run_test (Job          *job,
          Clients      *clients,
          GMainContext *context)
{
  g_autoptr(JsonNode) node = NULL;

  af_dynamodb_client_describe_table_async (clients->connection->dynamodb, job->config->tables[AF_TABLE_AUDITS],
                                           job->cancellable, store_result_cb, job);
  node = af_dynamodb_client_table_finish (clients->connection->dynamodb, job_wait (job, context),
                                          &job->error);
  job->value = node != NULL ? describe_table (job, node) : NULL;
  job->value_free = g_free;
}

static void
run_forget (Job          *job,
            Clients      *clients,
            GMainContext *context)
{
  g_autoptr(AfWorkspaceNames) names = workspace_names (job->config);
  AfConnection *connection = clients->connection;
  g_autoptr(AfForget) forget = af_forget_new (clients->store, connection->dynamodb, connection->s3);

  af_forget_set_names (forget, names);
  af_forget_run_async (forget, job->user_id, job->cancellable, store_result_cb, job);
  af_forget_run_finish (forget, job_wait (job, context), &job->forget_result, &job->error);
}

/* A sync that could not even start (no credentials, a refused endpoint) is a failed
 * sync too: the cache remembers it, so that the window says so and when. */
static void
record_sync_failure (Clients              *clients,
                     const AfdCloudConfig *config,
                     const GError         *error)
{
  g_autoptr(GError) local_error = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if ((clients->store == NULL && !clients_open_store (clients, config, &local_error))
      || !af_sync_record_failure (clients->store, error, &local_error))
    g_debug ("Could not record the failed sync: %s", local_error->message);
}

static void
job_return (GTask *task,
            Job   *job)
{
  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else if (job->kind == JOB_FORGET)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->value), job->value_free);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  Clients clients = { NULL, };

  g_main_context_push_thread_default (context);
  if (!clients_connect (&clients, job->config, cancellable, &job->error) ||
      (job->kind != JOB_TEST && !clients_open_store (&clients, job->config, &job->error)))
    {
      if (job->kind == JOB_SYNC)
        record_sync_failure (&clients, job->config, job->error);
    }
  else if (job->kind == JOB_SYNC)
    run_sync (job, &clients, context);
  else if (job->kind == JOB_TEST)
    run_test (job, &clients, context);
  else
    run_forget (job, &clients, context);
  clients_clear (&clients);
  /* The session's last callbacks belong to this context: let them run before it goes. */
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  /* Last: the caller hears of the job once its store is closed. */
  job_return (task, job);
}

/* A job's pages are written on its own thread at background priority, so that a pull
 * leaves the cores to the window (issue 13); the thread is named after the job. */
static void
job_start (Job                 *job,
           gpointer             source_tag,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  static const char * const names[] = {
    [JOB_SYNC] = "afd-cloud-sync", [JOB_TEST] = "afd-cloud-test", [JOB_FORGET] = "afd-forget-user",
  };
  g_autoptr(GTask) task = g_task_new (NULL, job->cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, names[job->kind]);
  g_task_set_task_data (task, job, job_free);
  af_thread_priority_run_task (task, job_thread);
}

void
afd_cloud_sync_async (const AfdCloudConfig *config,
                      GObject              *target,
                      AfdCloudProgressFunc  progress,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  Job *job = job_new (JOB_SYNC, config, cancellable);

  g_weak_ref_set (&job->target, target);
  job->progress = progress;
  job_start (job, afd_cloud_sync_async, callback, user_data);
}

AfSyncResult *
afd_cloud_sync_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
afd_cloud_test_async (const AfdCloudConfig *config,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  job_start (job_new (JOB_TEST, config, cancellable), afd_cloud_test_async, callback, user_data);
}

char *
afd_cloud_test_finish (GAsyncResult  *result,
                       gint64        *out_items,
                       GError       **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  job = g_task_get_task_data (G_TASK (result));
  if (out_items != NULL)
    *out_items = job->table_items;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
afd_cloud_forget_async (const AfdCloudConfig *config,
                        const char           *user_id,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  Job *job = job_new (JOB_FORGET, config, cancellable);

  job->user_id = g_strdup (user_id);
  job_start (job, afd_cloud_forget_async, callback, user_data);
}

gboolean
afd_cloud_forget_finish (GAsyncResult    *result,
                         AfForgetResult  *out_result,
                         GError         **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  job = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_result != NULL)
    *out_result = job->forget_result;
  return TRUE;
}
