/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-sync"

#include "af-clock.h"
#include "af-retention.h"
#include "af-store-sync.h"
#include "af-sync.h"
#include "af-workspace-names.h"

#define LAST_SYNC_KEY "last_sync"
#define LAST_ERROR_KEY "sync/last_error"
#define OFFLINE_KEY "sync/unreachable"
#define LAST_FAILURE_KEY "sync/last_failure"

struct _AfSync
{
  GObject           parent_instance;

  /* owned references */
  AfStore          *store;       /* (owned) */
  AfDynamodbClient *dynamodb;    /* (owned) */
  AfS3Client       *s3;          /* (owned) */
  AfPush           *push;        /* (owned) */
  AfPull           *pull;        /* (owned) */
  AfSubmit         *submit;      /* (owned) */
  AfForget         *forget;      /* (owned) */
  AfWorkspaceNames *names;       /* (owned) shared with submit and forget */
  AfSyncMode        mode;
};

G_DEFINE_FINAL_TYPE (AfSync, af_sync, G_TYPE_OBJECT)

void
af_sync_result_free (AfSyncResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->push, af_push_result_free);
  g_clear_pointer (&result->submit, af_submit_result_free);
  g_clear_pointer (&result->pull, af_pull_result_free);
  g_free (result);
}

void
af_sync_status_clear (AfSyncStatus *status)
{
  g_clear_pointer (&status->last_sync, g_free);
  g_clear_pointer (&status->last_error, g_free);
  g_clear_pointer (&status->last_failure, g_free);
}

gboolean
af_sync_load_status (AfStore       *store,
                     AfSyncStatus  *status,
                     GError       **error)
{
  g_autofree char *offline = NULL;

  g_return_val_if_fail (AF_IS_STORE (store), FALSE);

  status->outbox = af_store_outbox_length (store, error);
  if (status->outbox < 0)
    return FALSE;
  status->conflicts = af_store_conflict_count (store, error);
  if (status->conflicts < 0)
    return FALSE;
  status->submissions = af_submit_count_pending (store, error);
  if (status->submissions < 0)
    return FALSE;
  status->last_sync = af_store_get_state (store, LAST_SYNC_KEY, NULL);
  status->last_error = af_store_get_state (store, LAST_ERROR_KEY, NULL);
  status->last_failure = af_store_get_state (store, LAST_FAILURE_KEY, NULL);
  offline = af_store_get_state (store, OFFLINE_KEY, NULL);
  status->offline = g_strcmp0 (offline, "1") == 0;
  return TRUE;
}

gboolean
af_sync_error_is_offline (const GError *error)
{
  return g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_NETWORK);
}

static void
af_sync_finalize (GObject *object)
{
  AfSync *self = AF_SYNC (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->s3);
  g_clear_object (&self->push);
  g_clear_object (&self->pull);
  g_clear_object (&self->submit);
  g_clear_object (&self->forget);
  g_clear_object (&self->names);
  G_OBJECT_CLASS (af_sync_parent_class)->finalize (object);
}

static void
af_sync_class_init (AfSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_sync_finalize;
}

static void
af_sync_init (AfSync *self)
{
  self->mode = AF_SYNC_BOTH;
  self->names = af_workspace_names_new (NULL);
}

AfSync *
af_sync_new (AfStore          *store,
             AfDynamodbClient *dynamodb,
             AfS3Client       *s3)
{
  AfSync *self;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);
  g_return_val_if_fail (AF_IS_DYNAMODB_CLIENT (dynamodb), NULL);
  g_return_val_if_fail (AF_IS_S3_CLIENT (s3), NULL);

  self = g_object_new (AF_TYPE_SYNC, NULL);
  self->store = g_object_ref (store);
  self->dynamodb = g_object_ref (dynamodb);
  self->s3 = g_object_ref (s3);
  self->push = af_push_new (store, dynamodb);
  self->pull = af_pull_new (store, dynamodb, s3);
  self->submit = af_submit_new (store, dynamodb, s3);
  self->forget = af_forget_new (store, dynamodb, s3);
  af_submit_set_names (self->submit, self->names);
  af_forget_set_names (self->forget, self->names);
  return self;
}

void
af_sync_set_mode (AfSync     *self,
                  AfSyncMode  mode)
{
  g_return_if_fail (AF_IS_SYNC (self));
  self->mode = mode;
}

void
af_sync_set_table_name (AfSync     *self,
                        AfTable     table,
                        const char *name)
{
  g_return_if_fail (AF_IS_SYNC (self));

  af_push_set_table_name (self->push, table, name);
  af_pull_set_table_name (self->pull, table, name);
  af_workspace_names_set_table (self->names, table, name);
}

void
af_sync_set_buckets (AfSync     *self,
                     const char *raw,
                     const char *processed)
{
  g_return_if_fail (AF_IS_SYNC (self));

  af_workspace_names_set_buckets (self->names, raw, processed);
}

AfPull *
af_sync_get_pull (AfSync *self)
{
  g_return_val_if_fail (AF_IS_SYNC (self), NULL);
  return self->pull;
}

/* ---- One run ------------------------------------------------------------------------ */

typedef struct
{
  AfSyncResult *result;      /* (owned) */
  char        **forgets;     /* (owned) pending forget-user requests */
  guint         forget_index;
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->result, af_sync_result_free);
  g_strfreev (run->forgets);
  g_free (run);
}

gboolean
af_sync_record_failure (AfStore      *store,
                        const GError *error,
                        GError      **out_error)
{
  g_autofree char *now = af_clock_now_iso ();

  g_return_val_if_fail (AF_IS_STORE (store), FALSE);
  g_return_val_if_fail (error != NULL, FALSE);

  return af_store_set_state (store, OFFLINE_KEY, af_sync_error_is_offline (error) ? "1" : "0",
                             out_error)
         && af_store_set_state (store, LAST_ERROR_KEY, error->message, out_error)
         && af_store_set_state (store, LAST_FAILURE_KEY, now, out_error);
}

static void
record_outcome (AfSync       *self,
                const GError *error)
{
  g_autofree char *now = af_clock_now_iso ();

  if (error != NULL)
    {
      af_sync_record_failure (self->store, error, NULL);
      return;
    }
  af_store_set_state (self->store, OFFLINE_KEY, "0", NULL);
  af_store_set_state (self->store, LAST_ERROR_KEY, NULL, NULL);
  af_store_set_state (self->store, LAST_FAILURE_KEY, NULL, NULL);
  if (!(self->mode & AF_SYNC_PULL))
    af_store_set_state (self->store, LAST_SYNC_KEY, now, NULL);
}

static void
run_failed (GTask  *task,
            GError *error)
{
  record_outcome (g_task_get_source_object (task), error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
apply_retention (GTask *task)
{
  AfSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  guint removed[AF_N_TABLES] = { 0 };

  /* NULL: the objects are where AfPull keeps them by default. */
  if (!af_retention_run_by_table (self->store, NULL, af_clock_now_unix (), removed, &error))
    {
      run_failed (task, error);
      return FALSE;
    }
  for (guint t = 0; t < AF_N_TABLES; t++)
    {
      run->result->expired += removed[t];
      run->result->expired_by_table[t] += removed[t];
    }
  return TRUE;
}

static void
finish (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  if (!apply_retention (task))
    return;
  record_outcome (g_task_get_source_object (task), NULL);
  g_task_return_pointer (task, g_steal_pointer (&run->result), (GDestroyNotify) af_sync_result_free);
  g_object_unref (task);
}

static void next_forget (GTask *task);

static void
forget_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  if (!af_forget_run_finish (AF_FORGET (source), result, NULL, &error))
    {
      run_failed (task, error);
      return;
    }
  run->result->forgotten++;
  run->forget_index++;
  next_forget (task);
}

/* A forget-user interrupted earlier: the user asked for it, it goes on by itself. */
static void
next_forget (GTask *task)
{
  AfSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  if (run->forgets == NULL || run->forgets[run->forget_index] == NULL)
    {
      finish (task);
      return;
    }
  af_forget_run_async (self->forget, run->forgets[run->forget_index],
                       g_task_get_cancellable (task), forget_done_cb, task);
}

static void
pull_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->result->pull = af_pull_run_finish (AF_PULL (source), result, &error);
  if (run->result->pull == NULL)
    {
      run_failed (task, error);
      return;
    }
  next_forget (task);
}

static void
start_pull (GTask *task)
{
  AfSync *self = g_task_get_source_object (task);

  if (!(self->mode & AF_SYNC_PULL))
    {
      next_forget (task);
      return;
    }
  af_pull_run_async (self->pull, g_task_get_cancellable (task), pull_done_cb, task);
}

static void
push_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->result->push = af_push_run_finish (AF_PUSH (source), result, &error);
  if (run->result->push == NULL)
    {
      run_failed (task, error);
      return;
    }
  start_pull (task);
}

static void
submit_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  AfSync *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;

  run->result->submit = af_submit_run_finish (AF_SUBMIT (source), result, &error);
  if (run->result->submit == NULL)
    {
      run_failed (task, error);
      return;
    }
  af_push_run_async (self->push, g_task_get_cancellable (task), push_done_cb, task);
}

static void
start_push (GTask *task)
{
  AfSync *self = g_task_get_source_object (task);

  if (!(self->mode & AF_SYNC_PUSH))
    {
      start_pull (task);
      return;
    }
  af_submit_run_async (self->submit, g_task_get_cancellable (task), submit_done_cb, task);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(JsonNode) table = NULL;
  AfRetryPolicy policy;
  GError *error = NULL;

  table = af_dynamodb_client_table_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_retry_policy_init_default (&policy);
  af_dynamodb_client_set_retry_policy (AF_DYNAMODB_CLIENT (source), &policy);
  /* Only "no answer" stops here: a service error will show with the item it concerns. */
  if (af_sync_error_is_offline (error))
    {
      run_failed (task, error);
      return;
    }
  g_clear_error (&error);
  start_push (task);
}

/* Two quick tries instead of a minute of backoff. */
static void
probe (GTask *task)
{
  AfSync *self = g_task_get_source_object (task);
  AfRetryPolicy policy;

  af_retry_policy_init_default (&policy);
  policy.max_attempts = 2;
  policy.budget_ms = MIN (policy.budget_ms, 2000);
  af_dynamodb_client_set_retry_policy (self->dynamodb, &policy);
  af_dynamodb_client_describe_table_async (self->dynamodb,
                                           af_workspace_names_get_table (self->names, AF_TABLE_AUDITS),
                                           g_task_get_cancellable (task), probe_done_cb, task);
}

void
af_sync_run_async (AfSync              *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (AF_IS_SYNC (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_sync_run_async);
  run = g_new0 (Run, 1);
  run->result = g_new0 (AfSyncResult, 1);
  run->forgets = af_forget_list_pending (self->store, NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  if (apply_retention (task))
    probe (task);
}

AfSyncResult *
af_sync_run_finish (AfSync        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
