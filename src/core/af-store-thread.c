/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store-thread"

#include "af-store-test-private.h"
#include "af-store-thread-private.h"

/* Checkpoints. The connection is used by this thread alone, so whatever it waits for
 * (a pull's write lock held by another connection, a commit reaching the disk, a
 * checkpoint) delays the jobs queued behind it and never the caller's main loop. The
 * store copies its WAL back into the database on a checkpoint thread of its own once
 * the WAL reaches 64 MiB (af-store.c, wal_hook()); only past 256 MiB does a committing
 * connection checkpoint itself, and on this connection that runs here, on this thread.
 * Nobody waits on this connection synchronously: not the window, not the checkpointer. */

typedef struct
{
  GTask          *task;         /* (owned) (nullable) NULL: the sentinel that stops the thread */
  AfStoreJobKind  kind;
  AfStoreJobFunc  func;
  gpointer        data;         /* (owned) */
  GDestroyNotify  data_free;    /* (nullable) */
  GDestroyNotify  result_free;  /* (nullable) */
} Job;

/* What the thread owns. It outlives the AfStoreThread when the object's last reference
 * is dropped on the thread itself (the last job's task held it). */
typedef struct
{
  AfStore     *store;  /* (owned) */
  GAsyncQueue *jobs;   /* (owned) of Job */
} Worker;

struct _AfStoreThread
{
  GObject      parent_instance;

  /* owned references */
  GAsyncQueue *jobs;       /* (owned) the queue the worker reads */
  GThread     *thread;     /* (owned) (nullable) NULL once closed */
  char        *path;       /* (owned) */
  AfCacheKey  *key;        /* (owned) (nullable) */
  char        *identity;   /* (owned) (nullable) the caller's copy */
};

G_DEFINE_FINAL_TYPE (AfStoreThread, af_store_thread, G_TYPE_OBJECT)

static void
job_free (Job *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_clear_object (&job->task);
  g_free (job);
}

static void
job_run (Job     *job,
         AfStore *store)
{
  g_autoptr(GError) error = NULL;
  gpointer result;

  if (job->kind == AF_STORE_JOB_READ && g_task_return_error_if_cancelled (job->task))
    return;
  result = job->func (store, job->data, &error);
  if (error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&error));
  else
    g_task_return_pointer (job->task, result, job->result_free);
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (worker->jobs);
      gboolean stop = job->task == NULL;

      if (!stop)
        job_run (job, worker->store);
      job_free (job);
      if (stop)
        break;
    }
  /* Closing may checkpoint what is left of the WAL: here, not on the caller's thread. */
  g_object_unref (worker->store);
  g_async_queue_unref (worker->jobs);
  g_free (worker);
  return NULL;
}

void
af_store_thread_close (AfStoreThread *self)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));

  if (self->thread == NULL)
    return;
  g_async_queue_push (self->jobs, g_new0 (Job, 1));
  /* The last reference may go with a task on the worker itself, which cannot join
   * itself: it finishes on its own. */
  if (g_thread_self () == self->thread)
    g_thread_unref (self->thread);
  else
    g_thread_join (self->thread);
  self->thread = NULL;
}

static void
af_store_thread_finalize (GObject *object)
{
  AfStoreThread *self = AF_STORE_THREAD (object);

  af_store_thread_close (self);
  g_clear_pointer (&self->jobs, g_async_queue_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->key, af_cache_key_unref);
  g_clear_pointer (&self->identity, g_free);

  G_OBJECT_CLASS (af_store_thread_parent_class)->finalize (object);
}

static void
af_store_thread_class_init (AfStoreThreadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_store_thread_finalize;
}

static void
af_store_thread_init (AfStoreThread *self)
{
  self->jobs = g_async_queue_new ();
}

AfStoreThread *
af_store_thread_new (AfStore *store)
{
  AfStoreThread *self;
  Worker *worker;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);

  self = g_object_new (AF_TYPE_STORE_THREAD, NULL);
  self->path = g_strdup (af_store_get_path (store));
  self->identity = g_strdup (af_store_get_identity (store));
  if (af_store_get_key (store) != NULL)
    self->key = af_cache_key_ref (af_store_get_key (store));
  worker = g_new0 (Worker, 1);
  worker->store = store;
  worker->jobs = g_async_queue_ref (self->jobs);
  self->thread = g_thread_new ("af-store", worker_main, worker);
  return self;
}

const char *
af_store_thread_get_path (AfStoreThread *self)
{
  g_return_val_if_fail (AF_IS_STORE_THREAD (self), NULL);
  return self->path;
}

AfCacheKey *
af_store_thread_get_key (AfStoreThread *self)
{
  g_return_val_if_fail (AF_IS_STORE_THREAD (self), NULL);
  return self->key;
}

const char *
af_store_thread_get_identity (AfStoreThread *self)
{
  g_return_val_if_fail (AF_IS_STORE_THREAD (self), NULL);
  return self->identity;
}

static gpointer
set_identity_job (AfStore   *store,
                  gpointer   data,
                  GError   **error)
{
  af_store_set_identity (store, data);
  return GINT_TO_POINTER (TRUE);
}

void
af_store_thread_set_identity (AfStoreThread *self,
                              const char    *email)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));

  g_free (self->identity);
  self->identity = (email != NULL && *email != '\0') ? g_strdup (email) : NULL;
  af_store_thread_queue (self, af_store_thread_set_identity, AF_STORE_JOB_WRITE,
                         set_identity_job, g_strdup (self->identity), g_free, NULL, NULL,
                         NULL, NULL);
}

void
af_store_thread_queue (AfStoreThread       *self,
                       gpointer             source_tag,
                       AfStoreJobKind       kind,
                       AfStoreJobFunc       func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  Job *job = g_new0 (Job, 1);

  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  job->kind = kind;
  job->func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  if (self->thread == NULL)
    {
      g_task_return_new_error (job->task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "%s: the cache is closed", self->path);
      job_free (job);
      return;
    }
  g_async_queue_push (self->jobs, job);
}

gpointer
af_store_thread_finish_tagged (AfStoreThread  *self,
                               GAsyncResult   *result,
                               gpointer        source_tag,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (source_tag == NULL || g_task_get_source_tag (G_TASK (result)) == source_tag,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
af_store_thread_run_async (AfStoreThread       *self,
                           AfStoreJobFunc       func,
                           gpointer             data,
                           GDestroyNotify       data_free,
                           GDestroyNotify       result_free,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));
  af_store_thread_queue (self, af_store_thread_run_async, AF_STORE_JOB_READ, func, data,
                         data_free, result_free, cancellable, callback, user_data);
}

void
af_store_thread_write_async (AfStoreThread       *self,
                             AfStoreJobFunc       func,
                             gpointer             data,
                             GDestroyNotify       data_free,
                             GDestroyNotify       result_free,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));
  af_store_thread_queue (self, af_store_thread_write_async, AF_STORE_JOB_WRITE, func, data,
                         data_free, result_free, cancellable, callback, user_data);
}

gpointer
af_store_thread_run_finish (AfStoreThread  *self,
                            GAsyncResult   *result,
                            GError        **error)
{
  return af_store_thread_finish_tagged (self, result, NULL, error);
}

static gpointer
inject_job (AfStore   *store,
            gpointer   data,
            GError   **error)
{
  af_store_inject_failure (store, data);
  return GINT_TO_POINTER (TRUE);
}

void
af_store_thread_inject_failure (AfStoreThread *self,
                                const char    *point)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));
  af_store_thread_queue (self, af_store_thread_inject_failure, AF_STORE_JOB_WRITE, inject_job,
                         g_strdup (point), g_free, NULL, NULL, NULL, NULL);
}
