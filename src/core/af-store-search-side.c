/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-search-side.c — the search index of a bulk import into empty tables, built
 * on a thread of its own.
 *
 * FTS5 was ~23-33 % of the import's transaction thread, the serial end of the pipeline
 * (af-store-import.c): each file's catch-up tokenized ~30 trigrams per row there while
 * the other core had little to do. When a bulk import starts on tables that hold no row
 * (a first import, a new cache), their index is built instead by a builder thread on a
 * connection of its own, into FTS5 tables made from the cache's own CREATE statements in
 * a database in memory (~14 MB of index for 500,000 items). The transaction's thread
 * only copies each new row's (rowid, search text) into a batch for it; a row written
 * again (an id twice in the files) sends the delete of its old text, then its new one.
 * The builder mirrors the files' transactions: a file rolled back in the cache is rolled
 * back there too. After the last file the side database is serialized, attached to the
 * cache's connection and its shadow tables (`_data`, `_idx`: with columnsize = 0 and
 * detail = none FTS5 keeps no `_docsize`, and an external content table no `_content`;
 * `_config`, the same on both sides, stays the cache's) copied into the cache's, empty.
 *
 * Crash safety: the cache's index misses every row of the import until that copy. So
 * the import is recorded in sync_state (RECORD_KEY, the importing process as
 * af-store-indexes.c records it) in a transaction of its own before the first file, and
 * the record goes in the transaction that copies the tables: a process killed in between
 * leaves it, and the next open (af_store_search_side_restore_orphaned ()) rebuilds the
 * index from the content tables ('rebuild', 1.1-1.7 s of CPU at 500,000 items) before
 * anything searches. A builder that failed (out of memory) is replaced by that rebuild
 * at the end too.
 */
#define G_LOG_DOMAIN "af-store"

#include <string.h>
#include <time.h>

#include "af-store-private.h"
#include "af-thread-priority.h"

#define RECORD_KEY "search-import"
/* The side database as the cache's connection attaches it for the copy. */
#define SIDE_SCHEMA "af_search_side"
/* Rows per hand-over: the lock is taken once per batch. */
#define BATCH_OPS 512
/* Batches the inserts may be ahead of the builder (~512,000 rows, ~30 MiB of texts):
 * bounds the memory on a machine too busy for the builder to keep up. */
#define MAX_QUEUED_BATCHES 1000

typedef enum
{
  OP_ADD,
  OP_DELETE,        /* the row's old text, as indexed */
  OP_COMMIT,        /* the file's transaction committed in the cache */
  OP_ROLLBACK,      /* … or rolled back */
} OpKind;

typedef struct
{
  OpKind  kind;
  AfTable table;
  gint64  rowid;
  gsize   text;     /* offset in the batch's texts */
} Op;

typedef struct
{
  GArray  *ops;     /* (element-type Op) */
  GString *texts;   /* the ops' texts, each ended by a NUL */
} Batch;

struct _AfSearchSide
{
  sqlite3      *db;                       /* (owned) the side database, the builder's */
  sqlite3_stmt *add[AF_N_TABLES];         /* (owned) (nullable) NULL: not covered */
  sqlite3_stmt *delete[AF_N_TABLES];      /* (owned) (nullable) */
  GThread      *thread;
  Batch        *filling;                  /* (owned) the inserts' next batch */

  GMutex        lock;
  GCond         cond;
  GQueue        batches;                  /* under @lock: Batch, for the builder */
  gboolean      finished;                 /* under @lock: no batch will follow */

  /* The builder's own. */
  gboolean      in_file;                  /* a side transaction is open */
  gboolean      failed;                   /* read after the join */
  gint64        cpu_us;
};

static Batch *
batch_new (void)
{
  Batch *batch = g_new (Batch, 1);

  batch->ops = g_array_sized_new (FALSE, FALSE, sizeof (Op), BATCH_OPS);
  batch->texts = g_string_sized_new (BATCH_OPS * 48);
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_array_unref (batch->ops);
  g_string_free (batch->texts, TRUE);
  g_free (batch);
}

/* ---- The builder ----------------------------------------------------------------- */

static void
side_fail (AfSearchSide *self,
           const char   *doing)
{
  if (!self->failed)
    g_debug ("search side: %s failed: %s; the index is rebuilt at the end", doing,
             sqlite3_errmsg (self->db));
  self->failed = TRUE;
}

static void
side_exec (AfSearchSide *self,
           const char   *sql)
{
  if (!self->failed && sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    side_fail (self, sql);
}

static void
apply_op (AfSearchSide *self,
          const Op     *op,
          const char   *text)
{
  sqlite3_stmt *stmt;

  if (op->kind == OP_COMMIT || op->kind == OP_ROLLBACK)
    {
      if (self->in_file)
        side_exec (self, op->kind == OP_COMMIT ? "COMMIT" : "ROLLBACK");
      self->in_file = FALSE;
      return;
    }
  if (!self->in_file)
    side_exec (self, "BEGIN");
  self->in_file = TRUE;
  if (self->failed)
    return;
  stmt = op->kind == OP_ADD ? self->add[op->table] : self->delete[op->table];
  sqlite3_bind_int64 (stmt, 1, op->rowid);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    side_fail (self, "indexing a row");
  sqlite3_reset (stmt);
}

static Batch *
next_batch (AfSearchSide *self)
{
  Batch *batch;

  g_mutex_lock (&self->lock);
  while ((batch = g_queue_pop_head (&self->batches)) == NULL && !self->finished)
    g_cond_wait (&self->cond, &self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return batch;
}

static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * G_GINT64_CONSTANT (1000000) + now.tv_nsec / 1000;
}

static gpointer
builder_thread (gpointer data)
{
  AfSearchSide *self = data;
  Batch *batch;

  /* Background priority: the builder's work can wait for the deferred index build
   * after the last file (af-store-indexes.c), which runs on one core, while the reader,
   * the preparer and the inserts need both cores during the files. 500,000 items, 9
   * rounds alternating (load 0.7-2.3): 8.64 s median (7.41-9.81) against 9.31 (8.21-
   * 11.07) at the builder's usual priority; in the first 3 rounds the inserts' thread
   * waited 1.4-1.6 s for a core instead of 1.9-2.4. */
  af_thread_priority_lower_self ();
  while ((batch = next_batch (self)) != NULL)
    {
      for (guint i = 0; i < batch->ops->len; i++)
        {
          const Op *op = &g_array_index (batch->ops, Op, i);

          apply_op (self, op, batch->texts->str + op->text);
        }
      batch_free (batch);
    }
  self->cpu_us = thread_cpu_us ();
  return NULL;
}

/* ---- The inserts' side ------------------------------------------------------------ */

static void
hand_over (AfSearchSide *self)
{
  g_mutex_lock (&self->lock);
  while (self->batches.length >= MAX_QUEUED_BATCHES)
    g_cond_wait (&self->cond, &self->lock);
  g_queue_push_tail (&self->batches, self->filling);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  self->filling = batch_new ();
}

static void
push_op (AfSearchSide *self,
         OpKind        kind,
         AfTable       table,
         gint64        rowid,
         const char   *text)
{
  Op op = { kind, table, rowid, self->filling->texts->len };

  if (text != NULL)
    g_string_append_len (self->filling->texts, text, strlen (text) + 1);
  g_array_append_val (self->filling->ops, op);
  if (self->filling->ops->len >= BATCH_OPS || kind == OP_COMMIT || kind == OP_ROLLBACK)
    hand_over (self);
}

gboolean
af_search_side_covers (AfSearchSide *self,
                       AfTable       table)
{
  return self != NULL && table < AF_N_TABLES && self->add[table] != NULL;
}

void
af_search_side_add (AfSearchSide *self,
                    AfTable       table,
                    gint64        rowid,
                    const char   *text)
{
  if (text != NULL)
    push_op (self, OP_ADD, table, rowid, text);
}

void
af_search_side_replace (AfSearchSide *self,
                        AfTable       table,
                        gint64        rowid,
                        const char   *old_text,
                        const char   *text)
{
  if (g_strcmp0 (old_text, text) == 0)
    return;
  if (old_text != NULL)
    push_op (self, OP_DELETE, table, rowid, old_text);
  af_search_side_add (self, table, rowid, text);
}

void
af_search_side_end_file (AfSearchSide *self,
                         gboolean      committed)
{
  if (self != NULL)
    push_op (self, committed ? OP_COMMIT : OP_ROLLBACK, 0, 0, NULL);
}

/* ---- Start and end ---------------------------------------------------------------- */

/* The text of one value @sql reads from the cache, NULL when none. */
static char *
cache_text (AfStore     *store,
            const char  *sql,
            const char  *name)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* The cache's FTS5 table of @table made again on the side, with the same definition and
 * the same settings (its hash size: af-store-search.c), and the builder's statements. */
static gboolean
create_side_table (AfSearchSide *self,
                   AfStore      *store,
                   AfTable       table)
{
  const char *fts = af_store_search_table (table);
  g_autofree char *create = cache_text (store, "SELECT sql FROM sqlite_schema WHERE type = 'table'"
                                               " AND name = ?", fts);
  g_autofree char *config_sql = g_strdup_printf ("SELECT group_concat (printf ("
                                                 "'INSERT INTO %1$s (%1$s, rank) VALUES (%%Q, %%s);',"
                                                 " k, quote (v)), '') FROM %1$s_config"
                                                 " WHERE k <> 'version'", fts);
  g_autofree char *config = cache_text (store, config_sql, NULL);
  g_autofree char *add = g_strdup_printf ("INSERT INTO %s (rowid, search_text) VALUES (?, ?)", fts);
  g_autofree char *delete = g_strdup_printf ("INSERT INTO %1$s (%1$s, rowid, search_text)"
                                             " VALUES ('delete', ?, ?)", fts);

  return create != NULL
         && sqlite3_exec (self->db, create, NULL, NULL, NULL) == SQLITE_OK
         && (config == NULL || sqlite3_exec (self->db, config, NULL, NULL, NULL) == SQLITE_OK)
         && sqlite3_prepare_v3 (self->db, add, -1, SQLITE_PREPARE_PERSISTENT, &self->add[table],
                                NULL) == SQLITE_OK
         && sqlite3_prepare_v3 (self->db, delete, -1, SQLITE_PREPARE_PERSISTENT,
                                &self->delete[table], NULL) == SQLITE_OK;
}

static void
side_free (AfSearchSide *self)
{
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      sqlite3_finalize (self->add[table]);
      sqlite3_finalize (self->delete[table]);
    }
  sqlite3_close (self->db);
  g_queue_clear_full (&self->batches, (GDestroyNotify) batch_free);
  g_clear_pointer (&self->filling, batch_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* Records the import (RECORD_KEY) in a transaction of its own. */
static gboolean
record_import (AfStore  *store,
               GError  **error)
{
  g_autofree char *owner = af_store_import_owner ();

  if (!af_store_begin_bulk (store, error))
    return FALSE;
  if (af_store_set_state (store, RECORD_KEY, owner, error) && af_store_commit (store, error))
    return TRUE;
  af_store_rollback (store);
  return FALSE;
}

AfSearchSide *
af_search_side_start (AfStore  *store,
                      GError  **error)
{
  AfSearchSide *self;
  guint covered = 0;

  if (af_store_injected (store, "search-side-start", error))
    return NULL;
  self = g_new0 (AfSearchSide, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->filling = batch_new ();
  if (sqlite3_open_v2 (":memory:", &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                              | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "no database in memory");
      side_free (self);
      return NULL;
    }
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      gboolean empty = FALSE;

      /* A table that could not be read keeps the usual catch-up. */
      if (!af_store_search_has_index (table) || !af_store_table_is_empty (store, table, &empty, NULL)
          || !empty)
        continue;
      if (!create_side_table (self, store, table))
        {
          g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE,
                       "the side index of %s: %s", af_table_nick (table), sqlite3_errmsg (self->db));
          side_free (self);
          return NULL;
        }
      covered++;
    }
  if (covered == 0 || !record_import (store, error))
    {
      side_free (self);
      return NULL;
    }
  self->thread = g_thread_new ("af-search-side", builder_thread, self);
  g_debug ("search side: the index of %u empty tables built beside the import", covered);
  return self;
}

/* Stops the builder, waiting for what it was handed; FALSE when it failed. */
static gboolean
join_builder (AfSearchSide *self)
{
  if (self->filling->ops->len > 0)
    hand_over (self);
  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  self->thread = NULL;
  if (self->in_file)
    side_fail (self, "ending the import");   /* a file neither committed nor rolled back */
  return !self->failed;
}

/* The side database, a copy handed to the cache's connection as SIDE_SCHEMA. */
static gboolean
attach_side (AfSearchSide  *self,
             AfStore       *store,
             GError       **error)
{
  sqlite3_int64 size = 0;
  unsigned char *image = sqlite3_serialize (self->db, "main", &size, 0);

  if (image == NULL)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "the side index: out of memory");
      return FALSE;
    }
  if (!af_store_exec_script (store, "ATTACH ':memory:' AS " SIDE_SCHEMA, "copying the search index", error))
    {
      sqlite3_free (image);
      return FALSE;
    }
  if (sqlite3_deserialize (store->db, SIDE_SCHEMA, image, size, size,
                           SQLITE_DESERIALIZE_FREEONCLOSE) == SQLITE_OK)
    return TRUE;
  af_store_set_sqlite_error (store, error, "copying the search index");
  af_store_exec_script (store, "DETACH " SIDE_SCHEMA, "copying the search index", NULL);
  return FALSE;
}

/* In the cache's transaction: the side's shadow tables over the cache's, empty. The
 * cache's connection keeps the structure of an FTS5 index it read in memory, and reads
 * it again only after another connection wrote the file (PRAGMA data_version) or after
 * a rollback of a write to the index: a write rolled back to a savepoint makes it read
 * the copy. Without it, a search right after the import read the empty index of before
 * (FTS5 'integrity-check': "database disk image is malformed"). */
static gboolean
copy_table (AfStore     *store,
            AfTable      table,
            GError     **error)
{
  const char *fts = af_store_search_table (table);
  g_autofree char *sql = g_strdup_printf (
    "DELETE FROM main.%1$s_data; DELETE FROM main.%1$s_idx;"
    "INSERT INTO main.%1$s_data SELECT * FROM " SIDE_SCHEMA ".%1$s_data;"
    "INSERT INTO main.%1$s_idx SELECT * FROM " SIDE_SCHEMA ".%1$s_idx;"
    "SAVEPOINT af_search_side;"
    "INSERT INTO main.%1$s (rowid, search_text) VALUES (0, 'abc');"
    "ROLLBACK TO af_search_side; RELEASE af_search_side;", fts);

  return af_store_exec_script (store, sql, "copying the search index", error);
}

static gboolean
copy_side (AfSearchSide  *self,
           AfStore       *store,
           GError       **error)
{
  gboolean ok;

  if (!attach_side (self, store, error))
    return FALSE;
  ok = af_store_begin_bulk (store, error);
  for (AfTable table = 0; ok && table < AF_N_TABLES; table++)
    ok = !af_search_side_covers (self, table) || copy_table (store, table, error);
  ok = ok && af_store_exec (store, "DELETE FROM sync_state WHERE key = '" RECORD_KEY "'", error)
       && af_store_commit (store, error);
  if (!ok)
    af_store_rollback (store);
  af_store_exec_script (store, "DETACH " SIDE_SCHEMA, "copying the search index", NULL);
  return ok;
}

/* The index rebuilt from the content tables, the record gone, in one transaction. */
static gboolean
rebuild (AfStore  *store,
         GError  **error)
{
  if (!af_store_begin_bulk (store, error))
    return FALSE;
  if (af_store_search_rebuild (store, error)
      && af_store_exec (store, "DELETE FROM sync_state WHERE key = '" RECORD_KEY "'", error)
      && af_store_commit (store, error))
    return TRUE;
  af_store_rollback (store);
  return FALSE;
}

gboolean
af_search_side_finish (AfSearchSide  *self,
                       AfStore       *store,
                       GError       **error)
{
  gint64 start = g_get_monotonic_time (), joined;
  gboolean ok;

  GError *local_error = NULL;

  ok = join_builder (self);
  joined = g_get_monotonic_time ();
  ok = ok && copy_side (self, store, &local_error);
  g_debug ("search side: waited %.3f s for the builder (%.3f s CPU), copied in %.3f s%s%s",
           (joined - start) / 1e6, self->cpu_us / 1e6, (g_get_monotonic_time () - joined) / 1e6,
           ok ? "" : ", rebuilt instead: ", local_error != NULL ? local_error->message : "");
  g_clear_error (&local_error);
  if (!ok)
    ok = rebuild (store, error);
  side_free (self);
  return ok;
}

gboolean
af_store_search_side_restore_orphaned (AfStore  *self,
                                       GError  **error)
{
  GError *local_error = NULL;
  g_autofree char *owner = af_store_get_state (self, RECORD_KEY, &local_error);
  gint64 start = g_get_monotonic_time ();

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (owner == NULL)
    return TRUE;
  if (af_store_import_owner_alive (owner))
    {
      g_debug ("search index left to the import that runs");
      return TRUE;
    }
  if (!rebuild (self, error))
    return FALSE;
  g_debug ("search index of a killed import rebuilt: %.3f s",
           (g_get_monotonic_time () - start) / 1e6);
  return TRUE;
}
