/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-import.c — a DynamoDB JSON file into the cache, read and stored at once.
 *
 * Reading a whole file into trees before storing any of them cost more than storing
 * them: a large file's trees were built (about a quarter of an import's time), kept,
 * and then freed all at once (another fifth, mostly malloc consolidating the heap).
 * So the file goes through three threads. A reader reads it and parses the items one
 * by one (AfCodecPageStream), judges each one's table and expiry, and queues them in
 * chunks; a preparer seals each item's personal values, writes its canonical text and
 * folds its search text; the calling thread, which holds the transaction, only binds,
 * steps and indexes, in the file's order, then gives the chunk back for the reader to
 * free. When the next chunk is still unprepared and the preparer is busy with a later
 * one, the calling thread prepares it itself, so the work goes to whichever core is
 * free. Measured with perf on 35,000 items (CPU per item): with everything but the
 * parse on the transaction's thread, that thread spent ~36 us per item and the reader
 * ~19; now ~23 (SQLite and the FTS index), the reader ~21 and the preparer ~10.
 * Then the reader builds each chunk's items in the chunk's arena (af-arena.h), reset at
 * once when the chunk comes back, and the preparer seals the personal values as it
 * writes the text (af_store_row_prepare_parsed()), copying what the file holds
 * canonical already: on 50,000 items the readers went from ~21 us per item to ~9 and
 * the preparers from ~10 to ~7. The file is still
 * one transaction: a bad item anywhere rolls back everything, and the message names it.
 */
#define G_LOG_DOMAIN "af-store"

#include <string.h>

#include "af-codec.h"
#include "af-store-private.h"

/* Items per hand-over: the lock is taken once per chunk, not once per item. */
#define CHUNK_ITEMS 64
/* Chunks the reader may be ahead of the inserts: bounds the memory (a chunk's trees
 * take about 1 MiB) when the inserts are what is slow; more did not help. */
#define MAX_QUEUED_CHUNKS 16
/* Where the tests' "during-import" failure strikes (af-store-test-private.h). */
#define INJECT_AFTER_CHUNKS 4
/* A debug line (no content) every this many chunks stored: tests kill the CLI there. */
#define PROGRESS_CHUNKS 16

typedef struct
{
  AfValue *item;    /* (owned) */
  AfTable  table;
  AfRow    row;     /* (owned) its texts, until the inserts take them */
} Entry;

/* Where a chunk is, from the reader to the inserts. */
typedef enum
{
  CHUNK_PARSED,    /* its items read, its rows not prepared */
  CHUNK_CLAIMED,   /* a thread is preparing its rows */
  CHUNK_READY,     /* its rows prepared, for the inserts */
} ChunkState;

typedef struct
{
  guint      len;
  ChunkState state;   /* under the pipeline's lock once queued */
  /* (owned) The items' trees: built there by the reader, freed at once when the chunk
   * comes back (af-arena.h): no malloc and free per node, ~half of the reader's time. */
  AfArena   *arena;
  Entry      entries[CHUNK_ITEMS];
} Chunk;

typedef struct
{
  /* Set before the reader starts, then read only. */
  const char     *path;
  gint64          now_unix;
  AfCacheKey     *key;       /* (nullable) */

  GMutex          lock;
  GCond           cond;
  GQueue          chunks;    /* under @lock: Chunk, in the file's order */
  GQueue          done;      /* under @lock: Chunk, stored, for the reader to free */
  gboolean        finished;  /* under @lock: the reader stopped (at the end or failing) */
  gboolean        cancelled; /* under @lock: the inserts failed, stop reading */
  GError         *error;     /* (owned) (nullable) the reader's, set before @finished */
  /* (owned) (nullable) The reader's, freed after every chunk: the items' names are its. */
  AfCodecPageStream *stream;
  char           *contents;  /* (owned) (nullable) what @stream reads */
  guint           expired[AF_N_TABLES];  /* the reader's, read after the join */
} Pipeline;

static void
entry_clear (Entry *entry)
{
  af_store_row_clear (&entry->row);
  af_value_unref (entry->item);
}

static void
chunk_free (Chunk *chunk)
{
  for (guint i = 0; i < chunk->len; i++)
    entry_clear (&chunk->entries[i]);
  af_arena_free (chunk->arena);
  g_free (chunk);
}

/* The reader frees the chunks the inserts are done with, and takes the last one back
 * for its next items (NULL when there is none). */
static Chunk *
recycle_done (Pipeline *self)
{
  GQueue done = G_QUEUE_INIT;
  Chunk *reused = NULL;

  g_mutex_lock (&self->lock);
  done = self->done;
  g_queue_init (&self->done);
  g_mutex_unlock (&self->lock);

  while (done.length > 0)
    {
      Chunk *chunk = g_queue_pop_head (&done);

      if (reused == NULL)
        {
          for (guint i = 0; i < chunk->len; i++)
            entry_clear (&chunk->entries[i]);
          chunk->len = 0;
          af_arena_reset (chunk->arena);
          reused = chunk;
        }
      else
        chunk_free (chunk);
    }
  return reused;
}

/* A chunk to fill, the stream building its items in the chunk's arena. */
static Chunk *
next_chunk (Pipeline *self)
{
  Chunk *chunk = recycle_done (self);

  if (chunk == NULL)
    {
      chunk = g_new (Chunk, 1);
      chunk->len = 0;
      chunk->arena = af_arena_new ();
    }
  af_codec_page_stream_set_arena (self->stream, chunk->arena);
  return chunk;
}

/* The item's expiry as retention reads it (the expires_at column): TRUE when there
 * is one and it lies at or before @now_unix. */
static gboolean
item_expired (AfTable        table,
              const AfValue *item,
              gint64         now_unix)
{
  guint n = 0;
  const AfStoreColumn *table_columns = af_store_columns (table, &n);
  gint64 expires_at;

  for (guint i = 0; i < n; i++)
    {
      const char *text;

      if (strcmp (table_columns[i].column, "expires_at") != 0)
        continue;
      text = af_item_get_n (item, table_columns[i].attribute);
      return text != NULL
             && af_number_to_int64 (text, AF_NUMBER_INT_MIN, AF_NUMBER_INT_MAX, &expires_at)
             && expires_at <= now_unix;
    }
  return FALSE;
}

static gboolean
judge_table (const AfValue  *item,
             guint           index,
             AfTable        *out_table,
             GError        **error)
{
  if (!af_table_guess_for_item (item, out_table))
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                   "item %u: none of document_id, audit_record_id, request_id or user_id "
                   "is there, so it belongs to no known table", index);
      return FALSE;
    }
  return af_store_check_key (*out_table, item, index, error);
}

/* Hands @chunk to the inserts, waiting while they are far behind; FALSE (and @chunk
 * freed) once they failed. */
static gboolean
push_chunk (Pipeline *self,
            Chunk    *chunk)
{
  gboolean cancelled;

  g_mutex_lock (&self->lock);
  while (!self->cancelled && self->chunks.length >= MAX_QUEUED_CHUNKS)
    g_cond_wait (&self->cond, &self->lock);
  cancelled = self->cancelled;
  if (!cancelled)
    {
      chunk->state = CHUNK_PARSED;
      g_queue_push_tail (&self->chunks, chunk);
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  if (cancelled)
    chunk_free (chunk);
  return !cancelled;
}

static void
finish_reading (Pipeline *self,
                Chunk    *last,
                GError   *error)
{
  if (last != NULL && last->len > 0 && error == NULL)
    push_chunk (self, last);
  else if (last != NULL)
    chunk_free (last);
  g_mutex_lock (&self->lock);
  self->error = error;
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
reader_thread (gpointer data)
{
  Pipeline *self = data;
  Chunk *chunk = NULL;
  GError *error = NULL;
  AfValue *item = NULL;
  gsize length = 0;
  guint index = 0;

  /* Read here, while the inserting thread takes the write lock: reading a 50 MiB file
   * cost that thread ~1.5 us per item. */
  if (g_file_get_contents (self->path, &self->contents, &length, &error))
    {
      self->stream = af_codec_page_stream_new (self->contents, length);
      chunk = next_chunk (self);
    }
  while (self->stream != NULL && (item = af_codec_page_stream_next (self->stream, &error)) != NULL)
    {
      Entry *entry;
      AfTable table;

      if (!judge_table (item, index++, &table, &error))
        {
          af_value_unref (item);
          break;
        }
      if (item_expired (table, item, self->now_unix))
        {
          self->expired[table]++;
          af_value_unref (item);
          continue;
        }
      entry = &chunk->entries[chunk->len++];
      entry->item = item;
      entry->table = table;
      entry->row = (AfRow) { NULL };
      if (chunk->len == CHUNK_ITEMS)
        {
          if (!push_chunk (self, chunk))
            {
              chunk = NULL;
              break;
            }
          chunk = next_chunk (self);
        }
    }
  /* What the inserts hand back from now on is freed by run_pipeline(), after the join. */
  finish_reading (self, chunk, error);
  return NULL;
}

/* Seals, writes and folds the rows of @chunk's items. */
static void
prepare_chunk (Pipeline *self,
               Chunk    *chunk,
               gsize    *size_hint)
{
  for (guint i = 0; i < chunk->len; i++)
    {
      Entry *entry = &chunk->entries[i];

      af_store_row_prepare_parsed (self->key, entry->table, entry->item, size_hint, &entry->row);
    }
}

static void
mark_ready (Pipeline *self,
            Chunk    *chunk)
{
  g_mutex_lock (&self->lock);
  chunk->state = CHUNK_READY;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Under the lock: the oldest chunk no thread prepares yet, claimed; NULL when none. */
static Chunk *
claim_parsed (Pipeline *self)
{
  for (GList *l = self->chunks.head; l != NULL; l = l->next)
    {
      Chunk *chunk = l->data;

      if (chunk->state == CHUNK_PARSED)
        {
          chunk->state = CHUNK_CLAIMED;
          return chunk;
        }
    }
  return NULL;
}

/* The next chunk to prepare, or NULL once the reader has stopped and none is left. */
static Chunk *
wait_for_parsed (Pipeline *self)
{
  Chunk *chunk;

  g_mutex_lock (&self->lock);
  while ((chunk = claim_parsed (self)) == NULL && !self->finished && !self->cancelled)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  return chunk;
}

/* Prepares the rows a little ahead of the inserts, in the order of the file; the
 * inserting thread prepares the next chunk itself when this one is behind. */
static gpointer
preparer_thread (gpointer data)
{
  Pipeline *self = data;
  gsize size_hint = 1024;
  Chunk *chunk;

  while ((chunk = wait_for_parsed (self)) != NULL)
    {
      prepare_chunk (self, chunk, &size_hint);
      mark_ready (self, chunk);
    }
  return NULL;
}

/* The next chunk, its rows prepared, or NULL once the reader has finished and every
 * chunk was taken. When the next one waits for its rows and no thread prepares them,
 * this thread does: the work goes to whichever core is free. */
static Chunk *
pop_chunk (Pipeline *self,
           gsize    *size_hint)
{
  Chunk *chunk;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      chunk = g_queue_peek_head (&self->chunks);
      if (chunk != NULL && chunk->state == CHUNK_READY)
        break;
      if (chunk != NULL && chunk->state == CHUNK_PARSED)
        {
          chunk->state = CHUNK_CLAIMED;
          g_mutex_unlock (&self->lock);
          prepare_chunk (self, chunk, size_hint);
          g_mutex_lock (&self->lock);
          chunk->state = CHUNK_READY;
          break;
        }
      if (chunk == NULL && self->finished)
        break;
      g_cond_wait (&self->cond, &self->lock);
    }
  if (chunk != NULL)
    g_queue_pop_head (&self->chunks);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return chunk;
}

static void
cancel_reading (Pipeline *self)
{
  g_mutex_lock (&self->lock);
  self->cancelled = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Gives a stored chunk back to the reader, which frees its items. */
static void
give_back (Pipeline *self,
           Chunk    *chunk)
{
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->done, chunk);
  g_mutex_unlock (&self->lock);
}

/* Stores a chunk's rows; FALSE at the first failure. */
static gboolean
insert_chunk (AfStore         *store,
              Pipeline        *pipeline,
              Chunk           *chunk,
              gboolean         outbox_empty,
              AfImportCounts  *counts,
              GError         **error)
{
  for (guint i = 0; i < chunk->len; i++)
    {
      Entry *entry = &chunk->entries[i];
      AfRow row = entry->row;

      /* The row's texts go to SQLite (transfer full, even on failure). */
      entry->row.text = NULL;
      entry->row.search_text = NULL;
      if (!af_store_put_row (store, entry->table, entry->item, &row, outbox_empty, error))
        {
          give_back (pipeline, chunk);
          return FALSE;
        }
      counts->imported[entry->table]++;
    }
  give_back (pipeline, chunk);
  return TRUE;
}

/* Runs the reader and the preparer beside the inserts, in a transaction it opens
 * (and leaves open, for the caller to commit or roll back). */
static gboolean
run_pipeline (AfStore         *store,
              Pipeline        *pipeline,
              AfImportCounts  *counts,
              GError         **error)
{
  gboolean outbox_empty = FALSE;
  gsize size_hint = 1024;
  gboolean ok;
  GThread *reader, *preparer;
  Chunk *chunk;
  guint stored = 0;

  reader = g_thread_new ("af-store-import", reader_thread, pipeline);
  preparer = g_thread_new ("af-store-prepare", preparer_thread, pipeline);
  ok = af_store_begin_bulk (store, error) && af_store_outbox_is_empty (store, &outbox_empty, error);
  while (ok && (chunk = pop_chunk (pipeline, &size_hint)) != NULL)
    {
      ok = insert_chunk (store, pipeline, chunk, outbox_empty, counts, error);
      /* Tests: the inserts fail while the reader and the preparer are far ahead. */
      if (ok && ++stored == INJECT_AFTER_CHUNKS)
        ok = !af_store_injected (store, "during-import", error);
      if (ok && stored % PROGRESS_CHUNKS == 0)
        g_debug ("import: %u items stored, not committed", stored * CHUNK_ITEMS);
    }
  if (!ok)
    cancel_reading (pipeline);
  g_thread_join (reader);
  g_thread_join (preparer);
  g_queue_clear_full (&pipeline->chunks, (GDestroyNotify) chunk_free);
  g_queue_clear_full (&pipeline->done, (GDestroyNotify) chunk_free);

  memcpy (counts->expired, pipeline->expired, sizeof counts->expired);
  if (ok && pipeline->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&pipeline->error));
      return FALSE;
    }
  return ok;
}

static gboolean
prefix_with_file (GError     **error,
                  GError      *local_error,
                  const char  *path)
{
  g_propagate_prefixed_error (error, local_error, "%s: ", path);
  return FALSE;
}

gboolean
af_store_import_file_at (AfStore         *self,
                         const char      *path,
                         gint64           now_unix,
                         AfImportCounts  *out_counts,
                         GError         **error)
{
  AfImportCounts counts = { { 0 } };
  Pipeline pipeline = { 0 };
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  pipeline.path = path;
  pipeline.now_unix = now_unix;
  pipeline.key = af_store_get_key (self);
  g_mutex_init (&pipeline.lock);
  g_cond_init (&pipeline.cond);
  /* Durable (synchronous=FULL, the default): nothing else holds what a file import
   * brought, and it is one commit. Unless the caller syncs once after many files
   * (af_store_set_bulk_import ()): a commit's fsync of a file's 80 MiB of WAL
   * took 0.3-0.6 s, a fifth of the import, while the reading threads waited. */
  ok = (!self->bulk_import || af_store_exec (self, "PRAGMA synchronous = NORMAL", &local_error))
       && run_pipeline (self, &pipeline, &counts, &local_error)
       && af_store_commit (self, &local_error);
  if (!ok)
    af_store_rollback (self);
  /* Back to the default even after a failure: an edit must never commit NORMAL. */
  if (self->bulk_import
      && !af_store_exec (self, "PRAGMA synchronous = FULL", ok ? &local_error : NULL))
    ok = FALSE;
  g_clear_error (&pipeline.error);
  /* After every chunk (run_pipeline() freed them): their items' names are the stream's. */
  g_clear_pointer (&pipeline.stream, af_codec_page_stream_free);
  g_clear_pointer (&pipeline.contents, g_free);
  g_mutex_clear (&pipeline.lock);
  g_cond_clear (&pipeline.cond);
  if (!ok)
    return prefix_with_file (error, local_error, path);

  if (out_counts != NULL)
    *out_counts = counts;
  return TRUE;
}

gboolean
af_store_import_file (AfStore     *self,
                      const char  *path,
                      guint        out_counts[AF_N_TABLES],
                      GError     **error)
{
  AfImportCounts counts;

  /* G_MININT64: nothing has expired before it, so every item is imported. */
  if (!af_store_import_file_at (self, path, G_MININT64, &counts, error))
    return FALSE;
  if (out_counts != NULL)
    memcpy (out_counts, counts.imported, sizeof counts.imported);
  return TRUE;
}
