/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-mark-saver"

#include "config.h"

#include "af-store.h"
#include <string.h>

#include "afd-mark-saver.h"

typedef struct
{
  char     *identity;
  char     *request_id;
  char     *kind;
  gboolean  has_region;
  int       region[4];
  char     *status;
  char     *comment;
} Job;

struct _AfdMarkSaver
{
  GObject       parent_instance;

  char         *db_path;
  GQueue        jobs;        /* (element-type Job) the first is being written */
  GCancellable *cancellable;
};

enum
{
  SIGNAL_SAVED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AfdMarkSaver, afd_mark_saver, G_TYPE_OBJECT)

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->identity);
  g_free (job->request_id);
  g_free (job->kind);
  g_free (job->status);
  g_free (job->comment);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  AfdMarkSaver *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (self->db_path, &error);

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  af_store_set_identity (store, job->identity);
  if (!af_store_mark_finding (store, job->request_id, job->kind,
                              job->has_region ? job->region : NULL, job->status, job->comment,
                              &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void start_next (AfdMarkSaver *self);

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AfdMarkSaver *self = AFD_MARK_SAVER (source);
  g_autoptr(GError) error = NULL;
  Job *job = g_queue_pop_head (&self->jobs);

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_signal_emit (self, signals[SIGNAL_SAVED], 0, job->request_id);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, job->request_id, error->message);
  job_free (job);
  start_next (self);
}

static void
start_next (AfdMarkSaver *self)
{
  g_autoptr(GTask) task = NULL;

  if (g_queue_is_empty (&self->jobs))
    return;
  /* The task holds the saver until the write is done. */
  task = g_task_new (self, self->cancellable, saved_cb, NULL);
  g_task_set_source_tag (task, start_next);
  g_task_set_task_data (task, g_queue_peek_head (&self->jobs), NULL);
  g_task_run_in_thread (task, save_thread);
}

void
afd_mark_saver_save (AfdMarkSaver *self,
                     const char   *identity,
                     const char   *request_id,
                     const char   *kind,
                     const int    *region,
                     const char   *status,
                     const char   *comment)
{
  Job *job;

  g_return_if_fail (AFD_IS_MARK_SAVER (self));
  g_return_if_fail (request_id != NULL && kind != NULL && status != NULL);

  job = g_new0 (Job, 1);
  job->identity = g_strdup (identity);
  job->request_id = g_strdup (request_id);
  job->kind = g_strdup (kind);
  job->has_region = region != NULL;
  if (region != NULL)
    memcpy (job->region, region, sizeof job->region);
  job->status = g_strdup (status);
  job->comment = g_strdup (comment);
  g_queue_push_tail (&self->jobs, job);
  if (self->jobs.length == 1)
    start_next (self);
}

guint
afd_mark_saver_get_pending (AfdMarkSaver *self)
{
  g_return_val_if_fail (AFD_IS_MARK_SAVER (self), 0);
  return self->jobs.length;
}

AfdMarkSaver *
afd_mark_saver_new (const char *db_path)
{
  AfdMarkSaver *self;

  g_return_val_if_fail (db_path != NULL, NULL);
  self = g_object_new (AFD_TYPE_MARK_SAVER, NULL);
  self->db_path = g_strdup (db_path);
  return self;
}

static void
afd_mark_saver_finalize (GObject *object)
{
  AfdMarkSaver *self = AFD_MARK_SAVER (object);

  g_queue_clear_full (&self->jobs, job_free);
  g_clear_object (&self->cancellable);
  g_free (self->db_path);
  G_OBJECT_CLASS (afd_mark_saver_parent_class)->finalize (object);
}

static void
afd_mark_saver_class_init (AfdMarkSaverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_mark_saver_finalize;

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                         G_TYPE_STRING);
}

static void
afd_mark_saver_init (AfdMarkSaver *self)
{
  g_queue_init (&self->jobs);
  self->cancellable = g_cancellable_new ();
}
