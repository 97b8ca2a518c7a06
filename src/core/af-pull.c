/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

#include <string.h>

#include "af-clock.h"
#include "af-codec.h"
#include "af-pull-private.h"

/* The sync-state key `auditflow-cli status` shows: when a sync last ran to the end. */
#define LAST_SYNC_KEY "last_sync"

struct _AfPull
{
  GObject           parent_instance;

  AfStore          *store;                    /* (owned) */
  AfDynamodbClient *dynamodb;                 /* (owned) */
  AfS3Client       *s3;                       /* (owned) (nullable) */
  char             *table_names[AF_N_TABLES]; /* (owned) */
  char             *objects_dir;              /* (owned) */
  char             *only_id;                  /* (owned) (nullable) */
  gboolean          full;
  guint             page_limit;
  guint             refresh_interval;
  guint             progress_items;
  guint64           progress_bytes;
};

G_DEFINE_FINAL_TYPE (AfPull, af_pull, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The index partitions read, from the seeds: each status value is one partition. */
static const char * const document_statuses[] = { "PENDING", "PROCESSING", "COMPLETED",
                                                  "FAILED", NULL };
static const char * const audit_statuses[] = { "COMPLETED", "IN_PROGRESS", "FAILED", NULL };
static const char * const analysis_statuses[] = { "PENDING", "PROCESSING", "COMPLETED",
                                                  "FAILED", NULL };

static const PullPartitions partitions[] = {
  { AF_TABLE_DOCUMENTS, "processing_status-upload_timestamp-index", "processing_status",
    "upload_timestamp", AF_TYPE_S, document_statuses },
  { AF_TABLE_AUDITS, "status-audit_timestamp-index", "status", "audit_timestamp", AF_TYPE_S,
    audit_statuses },
  { AF_TABLE_ANALYSES, "status-index", "status", "created_at", AF_TYPE_N, analysis_statuses },
};

const PullPartitions *
af_pull_partitions_of (AfTable table)
{
  for (guint p = 0; p < G_N_ELEMENTS (partitions); p++)
    if (partitions[p].table == table)
      return &partitions[p];
  return NULL;
}

/* One partition to read (index != NULL), or the users' keys-only scan. */
typedef struct
{
  AfTable     table;
  const char *index;
  const char *hash;
  const char *range;
  AfType      range_type;
  char       *value;       /* (owned) the partition */
  char       *state_key;   /* (owned) */
  char       *watermark;   /* (owned) (nullable) sort key: read only what is newer */
  char       *max_seen;    /* (owned) (nullable) newest sort key read so far */
  AfValue    *cursor;      /* (owned) (nullable) where the next page starts */
  guint       pages;       /* read this run */
  gboolean    scan;        /* the whole table by a parallel Scan (af-pull-scan.c) */
  gboolean    from_start;  /* scan: saved segments are dropped */
} PullJob;

static void
pull_job_free (PullJob *job)
{
  g_free (job->value);
  g_free (job->state_key);
  g_free (job->watermark);
  g_free (job->max_seen);
  g_clear_pointer (&job->cursor, af_value_unref);
  g_free (job);
}

/* A page waiting to be written, and the partition state to save after it. */
typedef struct
{
  AfTable    table;
  GPtrArray *items;        /* (owned) */
  char      *state_key;    /* (owned) (nullable) */
  char      *state_value;  /* (owned) (nullable) */
} PendingWrite;

static void
pending_write_free (PendingWrite *write)
{
  g_clear_pointer (&write->items, g_ptr_array_unref);
  g_free (write->state_key);
  g_free (write->state_value);
  g_free (write);
}

void
af_pull_result_free (AfPullResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_clear_pointer (&result->notices, g_ptr_array_unref);
  g_free (result);
}

static void
pull_run_free (PullRun *run)
{
  af_pull_result_free (run->result);
  for (guint t = 0; t < AF_N_TABLES; t++)
    g_clear_pointer (&run->seen[t], g_hash_table_unref);
  g_queue_clear_full (&run->jobs, (GDestroyNotify) pull_job_free);
  g_queue_clear_full (&run->writes, (GDestroyNotify) pending_write_free);
  if (run->write_source != NULL)
    g_source_destroy (run->write_source);
  g_clear_pointer (&run->write_source, g_source_unref);
  g_clear_error (&run->write_error);
  g_clear_pointer (&run->objects, g_ptr_array_unref);
  g_clear_pointer (&run->cached, g_hash_table_unref);
  g_clear_pointer (&run->scan, af_pull_scan_free);
  for (guint t = 0; t < AF_N_TABLES; t++)
    g_clear_pointer (&run->streams[t], af_pull_stream_free);
  g_free (run);
}

const char *
af_pull_path_to_string (AfPullPath path)
{
  static const char * const names[] = { "none", "full", "refresh", "stream" };

  g_return_val_if_fail (path < G_N_ELEMENTS (names), NULL);
  return names[path];
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
af_pull_finalize (GObject *object)
{
  AfPull *self = AF_PULL (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->s3);
  for (guint t = 0; t < AF_N_TABLES; t++)
    g_free (self->table_names[t]);
  g_free (self->objects_dir);
  g_free (self->only_id);

  G_OBJECT_CLASS (af_pull_parent_class)->finalize (object);
}

static void
af_pull_class_init (AfPullClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_pull_finalize;

  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT64);
}

static void
af_pull_init (AfPull *self)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    self->table_names[t] = af_table_default_name (t, NULL);
  self->objects_dir = g_build_filename (g_get_user_cache_dir (), "auditflow-desk", "objects",
                                        NULL);
}

AfPull *
af_pull_new (AfStore          *store,
             AfDynamodbClient *dynamodb,
             AfS3Client       *s3)
{
  AfPull *self;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);
  g_return_val_if_fail (AF_IS_DYNAMODB_CLIENT (dynamodb), NULL);
  g_return_val_if_fail (s3 == NULL || AF_IS_S3_CLIENT (s3), NULL);

  self = g_object_new (AF_TYPE_PULL, NULL);
  self->store = g_object_ref (store);
  self->dynamodb = g_object_ref (dynamodb);
  self->s3 = s3 ? g_object_ref (s3) : NULL;
  return self;
}

void
af_pull_set_table_name (AfPull     *self,
                        AfTable     table,
                        const char *name)
{
  g_return_if_fail (table < AF_N_TABLES && name != NULL);
  g_free (self->table_names[table]);
  self->table_names[table] = g_strdup (name);
}

void
af_pull_set_objects_dir (AfPull     *self,
                         const char *path)
{
  g_free (self->objects_dir);
  self->objects_dir = g_strdup (path);
}

const char *
af_pull_get_objects_dir (AfPull *self)
{
  return self->objects_dir;
}

void
af_pull_set_full (AfPull   *self,
                  gboolean  full)
{
  self->full = full;
}

void
af_pull_set_page_limit (AfPull *self,
                        guint   limit)
{
  self->page_limit = limit;
}

void
af_pull_set_objects_only (AfPull     *self,
                          const char *id)
{
  g_free (self->only_id);
  self->only_id = g_strdup (id);
}

AfStore *
af_pull_get_store (AfPull *self)
{
  return self->store;
}

gboolean
af_pull_get_full (AfPull *self)
{
  return self->full;
}

guint
af_pull_get_page_limit (AfPull *self)
{
  return self->page_limit;
}

void
af_pull_set_refresh_interval (AfPull *self,
                              guint   seconds)
{
  g_return_if_fail (AF_IS_PULL (self));
  self->refresh_interval = seconds;
}

guint
af_pull_get_refresh_interval (AfPull *self)
{
  return self->refresh_interval;
}

AfDynamodbClient *
af_pull_get_dynamodb (AfPull *self)
{
  return self->dynamodb;
}

AfS3Client *
af_pull_get_s3 (AfPull *self)
{
  return self->s3;
}

const char *
af_pull_get_table_name (AfPull  *self,
                        AfTable  table)
{
  return self->table_names[table];
}

const char *
af_pull_get_only_id (AfPull *self)
{
  return self->only_id;
}

static void
add_line (GPtrArray  *lines,
          const char *format,
          va_list     args)
{
  char *line = g_strdup_vprintf (format, args);

  g_debug ("%s", line);
  g_ptr_array_add (lines, line);
}

void
af_pull_add_problem (AfPullResult *result,
                     const char   *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  add_line (result->problems, format, args);
  va_end (args);
  result->errors++;
}

void
af_pull_add_notice (AfPullResult *result,
                    const char   *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  add_line (result->notices, format, args);
  va_end (args);
}

void
af_pull_add_progress (AfPull  *self,
                      guint    items,
                      guint64  bytes)
{
  self->progress_items += items;
  self->progress_bytes += bytes;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->progress_items,
                 self->progress_bytes);
}

/* One request is in flight at a time per run, so what the counters moved since the
 * last charge belongs to the table whose answer just came. */
void
af_pull_charge (GTask   *task,
                AfTable  table)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  guint requests = af_dynamodb_client_get_request_count (self->dynamodb);
  guint64 bytes = af_dynamodb_client_get_bytes_received (self->dynamodb);

  run->result->requests[table] += requests - run->charged_requests;
  run->result->bytes[table] += bytes - run->charged_bytes;
  run->charged_requests = requests;
  run->charged_bytes = bytes;
}

void
af_pull_fail (GTask  *task,
              GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

GHashTable *
af_pull_pending_ids (AfStore  *store,
                     AfTable   table,
                     GError  **error)
{
  g_autoptr(GPtrArray) outbox = af_store_outbox_list (store, error);
  GHashTable *ids;

  if (outbox == NULL)
    return NULL;
  ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < outbox->len; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (outbox, i);

      if (entry->table == table)
        g_hash_table_add (ids, g_strdup (entry->item_id));
    }
  return ids;
}

/* ---- Writing pages ----------------------------------------------------------------- */

static gboolean
store_one_by_one (AfPull       *self,
                  AfPullResult *result,
                  AfTable       table,
                  GPtrArray    *items,
                  GError      **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func (
        (GDestroyNotify) af_value_unref);
      g_autoptr(GError) local_error = NULL;
      const AfValue *item = g_ptr_array_index (items, i);

      g_ptr_array_add (one, af_value_ref (g_ptr_array_index (items, i)));
      if (af_store_put_remote_items (self->store, table, one, &local_error))
        {
          result->pulled[table]++;
          continue;
        }
      if (!g_error_matches (local_error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* The message names the item's index in a one-item batch; say which item. */
      result->rejected[table]++;
      af_pull_add_problem (result, "%s %s: %s", af_table_nick (table),
                           af_item_get_s (item, af_table_key_name (table)) ?: "(no key)",
                           local_error->message);
    }
  return TRUE;
}

/* A value of the wrong type (risk_score as S) is reported for its item; the store
 * keeps the item whole anyway, so nothing is lost and the rest of the page goes on. */
static void
report_wrong_types (AfPullResult *result,
                    AfTable       table,
                    GPtrArray    *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      const AfValue *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;

      if (af_store_check_item (table, item, &error))
        continue;
      result->rejected[table]++;
      af_pull_add_problem (result, "%s %s: %s", af_table_nick (table),
                           af_item_get_s (item, af_table_key_name (table)) ?: "(no key)",
                           error->message);
    }
}

static gboolean
delete_each (AfPull     *self,
             AfTable     table,
             GPtrArray  *ids,
             GError    **error)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!af_store_delete_item (self->store, table, g_ptr_array_index (ids, i), error))
      return FALSE;
  return TRUE;
}

/* @state_key (nullable) is set to @state_value in the page's transaction; @deleted
 * (nullable) ids leave the cache in it too. */
static gboolean
store_page (AfPull        *self,
            AfPullResult  *result,
            AfTable        table,
            GPtrArray     *items,
            GPtrArray     *deleted,
            const char    *state_key,
            const char    *state_value,
            GError       **error)
{
  g_autoptr(GPtrArray) owned = items;
  g_autoptr(GError) local_error = NULL;

  if (items->len == 0 && (deleted == NULL || deleted->len == 0))
    return state_key == NULL || af_store_set_state (self->store, state_key, state_value, error);
  report_wrong_types (result, table, items);
  if (af_store_apply_remote_changes (self->store, table, items, deleted, state_key, state_value,
                                     &local_error))
    {
      result->pulled[table] += items->len;
      result->deleted[table] += deleted ? deleted->len : 0;
      return TRUE;
    }
  if (!g_error_matches (local_error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* An item the store refuses (no key) must not hold back the page. */
  if (!delete_each (self, table, deleted, error))
    return FALSE;
  result->deleted[table] += deleted ? deleted->len : 0;
  return store_one_by_one (self, result, table, items, error)
         && (state_key == NULL || af_store_set_state (self->store, state_key, state_value, error));
}

gboolean
af_pull_store_items (AfPull        *self,
                     AfPullResult  *result,
                     AfTable        table,
                     GPtrArray     *items,
                     GError      **error)
{
  return store_page (self, result, table, items, NULL, NULL, NULL, error);
}

gboolean
af_pull_store_changes (AfPull        *self,
                       AfPullResult  *result,
                       AfTable        table,
                       GPtrArray     *items,
                       GPtrArray     *deleted,
                       const char    *state_key,
                       const char    *state_value,
                       GError       **error)
{
  return store_page (self, result, table, items, deleted, state_key, state_value, error);
}

/* The page and the partition's watermark go in one transaction: one commit per page,
 * and a crash between them can no longer leave the page without its watermark. */
static gboolean
write_one_pending (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PendingWrite *write = g_queue_pop_head (&run->writes);
  gboolean ok;

  ok = store_page (self, run->result, write->table, g_steal_pointer (&write->items), NULL,
                   write->state_key, write->state_value, &run->write_error);
  pending_write_free (write);
  return ok;
}

/* Writes run at idle priority: the next page's request goes out first, so the server
 * works on it while this page goes into SQLite. */
static gboolean
write_idle_cb (gpointer user_data)
{
  GTask *task = user_data;
  PullRun *run = g_task_get_task_data (task);
  void (*drained) (GTask *task);

  if (run->write_error == NULL && !g_queue_is_empty (&run->writes))
    write_one_pending (task);
  if (run->wrote != NULL)
    run->wrote (task);
  if (run->write_error != NULL)
    g_queue_clear_full (&run->writes, (GDestroyNotify) pending_write_free);
  if (!g_queue_is_empty (&run->writes))
    return G_SOURCE_CONTINUE;

  g_clear_pointer (&run->write_source, g_source_unref);
  drained = run->drained;
  run->drained = NULL;
  if (drained != NULL)
    drained (task);
  else
    g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
af_pull_queue_write (GTask      *task,
                     AfTable     table,
                     GPtrArray  *items,
                     const char *state_key,
                     char       *state_value)
{
  PullRun *run = g_task_get_task_data (task);
  PendingWrite *write = g_new0 (PendingWrite, 1);

  write->table = table;
  write->items = items;
  write->state_key = g_strdup (state_key);
  write->state_value = state_value;
  g_queue_push_tail (&run->writes, write);
  /* On the task's own context: in the app a sync runs on a worker thread, and an idle
   * on the default context would write from the main thread while the worker works. */
  if (run->write_source == NULL)
    {
      run->write_source = g_idle_source_new ();
      g_source_set_callback (run->write_source, write_idle_cb, g_object_ref (task), NULL);
      g_source_attach (run->write_source, g_task_get_context (task));
    }
}

guint
af_pull_writes_pending (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  return g_queue_get_length (&run->writes);
}

void
af_pull_when_written (GTask  *task,
                      void  (*then) (GTask *task))
{
  PullRun *run = g_task_get_task_data (task);

  if (run->write_source == NULL)
    {
      then (task);
      return;
    }
  run->drained = then;
  /* the idle source holds its own reference and will call @then with it */
  g_object_unref (task);
}

/* ---- Partitions -------------------------------------------------------------------- */

/* The partition state: "watermark \n newest sort key read \n LastEvaluatedKey JSON",
 * in one value, so that moving the watermark and dropping the cursor is one write. */
static void
load_job_state (AfPull   *self,
                PullJob  *job,
                gboolean  from_start)
{
  g_autofree char *text = af_store_get_state (self->store, job->state_key, NULL);
  g_auto(GStrv) lines = text ? g_strsplit (text, "\n", 3) : NULL;

  if (lines == NULL || g_strv_length (lines) != 3)
    return;
  job->watermark = *lines[0] ? g_strdup (lines[0]) : NULL;
  job->max_seen = *lines[1] ? g_strdup (lines[1]) : NULL;
  if (*lines[2])
    job->cursor = af_codec_parse_item (lines[2], -1, NULL);
  /* Between passes the newest sort key seen is the watermark itself. */
  if (job->max_seen == NULL)
    job->max_seen = g_strdup (job->watermark);
  if (self->full && job->cursor == NULL)
    g_clear_pointer (&job->watermark, g_free);
  /* A table read in full for its stream starts over: pages read before a crash came
   * before the stream positions just noted, and changes after them would be missed. */
  if (from_start)
    {
      g_clear_pointer (&job->cursor, af_value_unref);
      g_clear_pointer (&job->watermark, g_free);
    }
}

static char *
job_state_text (PullJob       *job,
                const AfValue *last_key)
{
  g_autofree char *cursor = last_key ? af_codec_item_to_string (last_key) : NULL;

  if (last_key == NULL)
    return g_strdup_printf ("%s\n\n", job->max_seen ? job->max_seen : "");
  return g_strdup_printf ("%s\n%s\n%s", job->watermark ? job->watermark : "",
                          job->max_seen ? job->max_seen : "", cursor);
}

static PullJob *
partition_job (AfPull               *self,
               const PullPartitions *table,
               const char           *value)
{
  PullJob *job = g_new0 (PullJob, 1);

  job->table = table->table;
  job->index = table->index;
  job->hash = table->hash;
  job->range = table->range;
  job->range_type = table->range_type;
  job->value = g_strdup (value);
  job->state_key = af_pull_partition_state_key (self, table->table, value);
  return job;
}

/* A table read from its start (first pull, --full, for its stream, or a scan left
 * half-way) is read by a parallel Scan; else by its partitions' watermark queries. */
static void
queue_partitions (AfPull  *self,
                  PullRun *run)
{
  for (guint p = 0; p < G_N_ELEMENTS (partitions); p++)
    {
      AfTable table = partitions[p].table;
      gboolean from_start = run->streams[table] != NULL;

      if (run->result->path[table] == AF_PULL_PATH_STREAM)
        continue;
      if (af_pull_scan_wanted (self, table, from_start))
        {
          PullJob *job = partition_job (self, &partitions[p], NULL);

          job->scan = TRUE;
          job->from_start = from_start;
          g_queue_push_tail (&run->jobs, job);
          continue;
        }
      for (guint v = 0; partitions[p].values[v] != NULL; v++)
        {
          PullJob *job = partition_job (self, &partitions[p], partitions[p].values[v]);

          load_job_state (self, job, from_start);
          g_queue_push_tail (&run->jobs, job);
        }
    }
}

char *
af_pull_partition_state_key (AfPull     *self,
                             AfTable     table,
                             const char *value)
{
  const PullPartitions *partition = af_pull_partitions_of (table);

  return g_strdup_printf ("pull/%s/%s/%s", self->table_names[table], partition->index, value);
}

static void next_job (GTask *task);
static void request_page (GTask *task);

static AfValue *
sort_value (PullJob    *job,
            const char *text)
{
  return job->range_type == AF_TYPE_N ? af_value_new_n (text) : af_value_new_s (text);
}

/* Takes @task and @error: a partition whose pages do not end is reported for its table
 * and left; its saved position does not move, the rest of the pull goes on. */
static void
stop_job (GTask     *task,
          GPtrArray *items,
          GError    *error)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullJob *job = g_queue_pop_head (&run->jobs);

  af_pull_add_problem (run->result, "%s (%s = %s): %s", self->table_names[job->table],
                       job->hash, job->value, error->message);
  g_error_free (error);
  af_pull_queue_write (task, job->table, items, NULL, NULL);
  pull_job_free (job);
  next_job (task);
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullJob *job = g_queue_peek_head (&run->jobs);
  g_autoptr(AfDynamodbPage) page = NULL;
  GError *error = NULL;
  AfValue *last;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, job->table);
  if (page == NULL)
    {
      g_prefix_error (&error, "Reading %s (%s = %s): ", self->table_names[job->table],
                      job->hash, job->value);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  for (guint i = 0; i < page->items->len; i++)
    {
      const char *id = af_item_get_s (g_ptr_array_index (page->items, i),
                                      af_table_key_name (job->table));
      if (id != NULL)
        g_hash_table_add (run->seen[job->table], g_strdup (id));
    }
  /* Ascending on the sort key: the page's last item is the newest so far. */
  last = page->items->len ? g_ptr_array_index (page->items, page->items->len - 1) : NULL;
  if (last != NULL && af_value_map_get (last, job->range) != NULL)
    {
      g_free (job->max_seen);
      job->max_seen = g_strdup (af_value_get_string (af_value_map_get (last, job->range)));
    }
  run->result->read[job->table] += page->items->len;
  af_pull_add_progress (self, page->items->len, page->bytes);

  if (page->last_key != NULL &&
      !af_dynamodb_cursor_advances (job->cursor, page->last_key, ++job->pages, &error))
    {
      stop_job (task, g_steal_pointer (&page->items), error);
      return;
    }
  g_clear_pointer (&job->cursor, af_value_unref);
  job->cursor = page->last_key ? af_value_ref (page->last_key) : NULL;
  af_pull_queue_write (task, job->table, g_steal_pointer (&page->items), job->state_key,
               job_state_text (job, page->last_key));

  if (job->cursor != NULL)
    request_page (task);
  else
    {
      pull_job_free (g_queue_pop_head (&run->jobs));
      next_job (task);
    }
}

/* Takes @task. */
static void
request_page (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullJob *job = g_queue_peek_head (&run->jobs);
  g_autoptr(AfValue) names = af_value_new_map ();
  g_autoptr(AfValue) values = af_value_new_map ();
  AfDynamodbParams params = {
    .index_name = job->index, .names = names, .values = values,
    .exclusive_start_key = job->cursor, .limit = self->page_limit,
    .key_condition_expression = job->watermark ? "#p = :p AND #s > :w" : "#p = :p",
  };

  af_value_map_set (names, "#p", af_value_new_s (job->hash));
  af_value_map_set (values, ":p", af_value_new_s (job->value));
  if (job->watermark != NULL)
    {
      af_value_map_set (names, "#s", af_value_new_s (job->range));
      af_value_map_set (values, ":w", sort_value (job, job->watermark));
    }
  af_dynamodb_client_query_page_async (self->dynamodb, self->table_names[job->table], &params,
                                       g_task_get_cancellable (task), page_cb, task);
}

/* ---- Users: a keys-only scan, then the new ones in full ----------------------------- */

static void
new_users_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  PullRun *run = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *items;

  items = af_dynamodb_client_batch_get_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, AF_TABLE_USERS);
  if (items == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  run->result->read[AF_TABLE_USERS] += items->len;
  af_pull_queue_write (task, AF_TABLE_USERS, items, NULL, NULL);
  pull_job_free (g_queue_pop_head (&run->jobs));
  next_job (task);
}

static gboolean
is_cached (AfStore    *store,
           AfTable     table,
           const char *id)
{
  g_autoptr(AfValue) item = af_store_get_item (store, table, id, NULL);

  return item != NULL;
}

static void
user_keys_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_autoptr(AfDynamodbPage) page = NULL;
  g_autoptr(GPtrArray) fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  af_pull_charge (task, AF_TABLE_USERS);
  if (page == NULL)
    {
      g_prefix_error (&error, "Reading %s: ", self->table_names[AF_TABLE_USERS]);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  /* Known users are left to the refresh, which notices changes as well. */
  for (guint i = 0; i < page->items->len; i++)
    {
      AfValue *key = g_ptr_array_index (page->items, i);
      const char *id = af_item_get_s (key, "user_id");

      if (id == NULL || is_cached (self->store, AF_TABLE_USERS, id))
        continue;
      g_hash_table_add (run->seen[AF_TABLE_USERS], g_strdup (id));
      g_ptr_array_add (fresh, af_value_ref (key));
    }
  af_dynamodb_client_batch_get_async (self->dynamodb, self->table_names[AF_TABLE_USERS], fresh,
                                      NULL, g_task_get_cancellable (task), new_users_cb, task);
}

static void
scan_user_keys (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  g_autoptr(AfValue) names = af_value_new_map ();
  AfDynamodbParams params = { .projection_expression = "#k", .names = names };

  af_value_map_set (names, "#k", af_value_new_s ("user_id"));
  af_dynamodb_client_scan_all_async (self->dynamodb, self->table_names[AF_TABLE_USERS],
                                     &params, g_task_get_cancellable (task), user_keys_cb,
                                     task);
}

static void
scan_done (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);

  pull_job_free (g_queue_pop_head (&run->jobs));
  next_job (task);
}

/* Takes @task. */
static void
next_job (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);
  PullJob *job = g_queue_peek_head (&run->jobs);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (job == NULL)
    af_pull_when_written (task, af_pull_refresh_start);
  else if (job->scan)
    af_pull_scan_start (task, job->table, job->from_start, scan_done);
  else if (job->index == NULL)
    scan_user_keys (task);
  else
    request_page (task);
}

/* ---- The run ----------------------------------------------------------------------- */

void
af_pull_finish_run (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  g_autofree char *now = af_clock_now_iso ();
  GError *error = NULL;

  if (run->write_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&run->write_error));
      g_object_unref (task);
      return;
    }
  if (self->only_id == NULL && !af_store_set_state (self->store, LAST_SYNC_KEY, now, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&run->result),
                         (GDestroyNotify) af_pull_result_free);
  g_object_unref (task);
}

void
af_pull_run_async (AfPull              *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  PullRun *run = g_new0 (PullRun, 1);

  g_task_set_source_tag (task, af_pull_run_async);
  run->result = g_new0 (AfPullResult, 1);
  run->result->problems = g_ptr_array_new_with_free_func (g_free);
  run->result->notices = g_ptr_array_new_with_free_func (g_free);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    run->seen[t] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&run->jobs);
  g_queue_init (&run->writes);
  g_task_set_task_data (task, run, (GDestroyNotify) pull_run_free);
  self->progress_items = 0;
  self->progress_bytes = 0;

  run->charged_requests = af_dynamodb_client_get_request_count (self->dynamodb);
  run->charged_bytes = af_dynamodb_client_get_bytes_received (self->dynamodb);

  if (self->only_id != NULL)
    {
      af_pull_objects_start (task);
      return;
    }
  af_pull_streams_start (task);
}

/* The index queries and the users' scan, for the tables not read from a stream. */
void
af_pull_queries_start (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);

  queue_partitions (self, run);
  if (run->result->path[AF_TABLE_USERS] != AF_PULL_PATH_STREAM)
    {
      PullJob *users = g_new0 (PullJob, 1);

      users->table = AF_TABLE_USERS;
      g_queue_push_tail (&run->jobs, users);
    }
  next_job (task);
}

AfPullResult *
af_pull_run_finish (AfPull        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
