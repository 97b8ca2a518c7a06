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
 * the preparers from ~10 to ~7. Each file is still one transaction: a bad item anywhere
 * rolls back that file, and the message names it.
 * Several files go through one pipeline (af_store_import_files_at()): the reader runs on
 * into the next file while the current one's last chunks are stored and committed, so
 * the next file's read and first chunks no longer wait for that commit, nor the commit
 * for them; the chunks carry their file's index, and a file's last chunk says the file
 * ended (and how, when its reading failed).
 * In bulk, tables empty at the start get their secondary indexes after the last file
 * (af-store-indexes.c). Tried for the transaction's thread and left out (500,000 items
 * in 20 files, before and after alternating on a shared 2-core machine): one INSERT of
 * 32 rows (multi-row VALUES) instead of a statement per row, 23.5-24.5 us per item
 * before, 32-35 after; a WAL file written or fallocated to 1.2 GiB beforehand, so that
 * commits overwrite its pages, no gain (21.5-22.0 us before, 23.0-25.3 after); sorter
 * threads (PRAGMA threads = 2) for the deferred indexes, 1.9-2.1 s either way; search
 * texts without the "loan-bench-" prefix that every loan id shares, 8 % less FTS5 CPU
 * (0.30 -> 0.28 s per 100,000 documents), ~1 % of the thread, not worth results that
 * would differ from a scan's; a deeper queue (96 chunks instead of MAX_QUEUED_CHUNKS'
 * 16), so that the reader and the preparer go on through each file's commit: the inserts
 * waited 0.6-1.5 s for chunks instead of 2.1-3.6, but in 6 alternating runs (load 4-5)
 * the wall time moved by 0.84-1.18x (median 1.02x), the CPU not at all, for 30 MiB more.
 * FTS5 settings for the per-file segments (sqlite3 shell, 400,000 document texts in 16
 * transactions): pgsz 16000 instead of 4050 (a quarter of the leaves), or automerge 0
 * with one 'optimize' at the end, 2.37-2.54 s of CPU against 2.41 as it is: what FTS5
 * costs is tokenizing and hashing ~30 trigrams a row, not writing or merging segments.
 * The reader preparing queued chunks itself while it waits for room in the queue (it
 * waits ~5 s of an import), so that the transaction's thread prepares fewer: in 3
 * rounds alternating (load 1.3-3.6) that thread still prepared 1.12/0.82/0.81 s of
 * chunks (1.12/1.05/1.34 before), and the wall time was 18.30/21.56/12.79 s against
 * 19.10/18.33/16.46: nothing clear, left out.
 * Where the transaction's thread went after that (perf, 500,000 items): the inserts
 * ~36 % (a third of it the primary key's B-tree, keyed by random ids: see schema 7
 * below), the FTS5
 * catch-up ~23 %, the deferred indexes ~17 %, writing each commit's WAL ~14 %.
 * A new cache is built with a rollback journal rather than a WAL (af-store-creating.c):
 * 36.5-41.2 us of CPU per item instead of 43.4-45.4; and written out by the kernel
 * after each file, so that the final sync is 0.05 s instead of 1.23.
 * Then (perf, 500,000 items, ~22 s of CPU): the transaction's thread 54 % (SQLite, the
 * FTS5 catch-up, the index build), the reader 26 %, the preparer 20 %. The nonces
 * from a pool (af-crypto.c), numbers validated in one pass and map names told by their
 * first byte (af-value.c), strings scanned sixteen bytes at a time (af-codec-scan.h):
 * callgrind, the CLI importing 2,500 audits + 7,500 documents of the benchmark's
 * files, 1,454.6 M instructions before the last three, 1,354.2 M after; of those, the
 * parse ~36 %, preparing ~24 % (sealing ~13 %, of which the cipher ~6 %), the FTS5
 * catch-up ~13 %, the inserts ~14 %, the index build ~9 %. Tried for the serial end
 * and left out: sorter threads (PRAGMA threads = 2) again, now with temp_store = FILE
 * and the rollback journal (sqlite3 shell, the ten indexes of audits and documents):
 * 1.90-1.93 s of CPU either way, 3.02/4.04 s of wall time without, 3.29/3.12 s with. Of each document index's 0.34-0.49 s, scanning the
 * table takes 0.13 s: the sorts are the cost, not the 1.2 GiB of rows read three times.
 * The lengths of the texts bound computed on the preparing thread rather than by
 * SQLite's strlen () on this one (~1.4 % of the process's cycles in perf): callgrind
 * per thread, this thread 529.9 M instructions before, 529.3 M after; left out.
 * secure_delete = OFF while a new cache is built (SQLite zeroing the space of moved
 * cells, ~0.8 % of the CPU in perf): not done, since a row replaced within the import
 * would then survive in free space past a later forget-user.
 * Then the search index without positions (schema 6, detail = none: af-store-search.c),
 * since FTS5 was ~23-33 % of the transaction's thread: the CLI on 100,000 audits +
 * 400,000 documents, 3 rounds of 5 runs alternating with schema 5 (load 3.6-7.0),
 * 30,550 items/s median (22,159-36,861) against 22,745 (20,905-31,225), 28.4 us of CPU
 * per item (24.4-35.0) against 34.2 (28.8-38.7), the cache 1534 MiB instead of 1566.
 * Then the FTS5 work off this thread during a bulk import into empty tables
 * (af-store-search-side.c): a builder thread indexes the (rowid, text) pairs this thread
 * hands it into a side database in memory, and its index is copied into the cache's at
 * the end (0.02-0.04 s at 500,000 items), while it had finished during the deferred
 * index build (0.000-0.004 s waited). The bound measured before it was built: the
 * catch-up skipped, 3 rounds (load 4.5-9.0), 22.5 s of wall time median against 26.4 s.
 * Callgrind, the CLI on 2,500 audits + 7,500 documents: this thread 504.4 M instructions
 * before, 370.9 M after (-26 %), the builder 144.7 M, the process 1,290.1 M before and
 * 1,301.0 M after (+0.8 %). bench-import-cli, 9 rounds of 5 runs alternating (load
 * 0.9-9.2; the machine shared, nothing near the 10 s runs of a quiet one): per round,
 * median items/s after against before 39,207/45,920 and 21,696/29,682 (rounds 1-2, the
 * load rising from 1.5 to 8.9 under the runs after), then 19,168/18,067 (load 8-9),
 * 26,630/21,514 (3.3-4.1), 42,542/37,671, 35,805/34,375, 39,777/31,873, 37,031/28,714,
 * 41,447/39,868 (0.9-2.6). Rounds 4-9: 39,636 items/s median (24,900-47,115) against
 * 34,338 (19,922-41,855), +15 %, 38.1 us of CPU per item against 38.3; all 45 runs:
 * 36,316 (17,974-61,138) against 34,197 (16,136-49,570), 37.2 us against 36.1. The
 * cache 1533.9 MiB either way. The slowest of 5 runs did not reach 50,000 in any round
 * of either on this machine today.
 * A larger page cache for the bulk import (PRAGMA cache_size = -65536, 64 MiB instead of
 * the default 2 MB, so that the random-id B-trees stay in it): 33.0-34.2 us of CPU per
 * item (3 runs) against 24.0-32.8 with the default (6 runs, before and after them, load 8-9,
 * before the search index went to its own thread); left out.
 * Then the keys' unique indexes deferred with the others (schema 7, af-store-keys.c),
 * the transaction's thread keeping the keys of the tables it writes in a hash (28 MiB
 * at 500,000 items): a third of the inserts had been the primary key's B-tree, updated
 * at a random place for each row. Measured first as a hack (the key a unique index,
 * duplicates not handled): the inserts' CPU 2.5-2.9 s instead of 4.1-4.7, the deferred
 * build 0.4-0.6 s longer. Built (500,000 items, ab.sh, 4 rounds alternating, load
 * 1.9-4.3): wall time 13.54 s median (8.70-14.04) against 16.15 (10.47-16.82), every
 * round 0.79-0.87x; the inserts 3.6-4.0 s of CPU against 5.3-5.5, the deferred indexes
 * 1.8-2.7 s against 1.6-1.9, the transaction's thread 10.9-13.1 us of CPU per item
 * against 14.2-14.5. The inserts now wait 2.3-4.8 s for chunks (1.2-2.4 before): the
 * reader and the preparer are the serial end more often. On a machine busier than its
 * two cores (load 5.5-8.4, 8 more rounds) the gain went with the idle core: 22.18 s
 * median (17.86-22.47) against 21.35 (16.48-27.79) over 5 rounds, 15.37 s (14.12-16.36)
 * against 15.88 (14.84-17.03) over 3; the inserts still 2.9-4.1 s of CPU against
 * 3.7-5.5, but the two unique indexes cost 0.8 s of CPU to build after the files (the
 * sqlite3 shell: documents_key 0.62 s, audits_key 0.19 s, documents_loan 0.32 s for
 * comparison), on one core, while the files' work was spread over two. The process's
 * CPU (user + system, 3 rounds alternating at load 8.6-10.2): 16.81 s median
 * (15.32-18.26) against 18.50 (17.84-19.22). bench-import-cli: 48,244 and 44,154 items/s
 * in its first two runs at load 2.4, 21,459-32,283 in the next three as the load rose to
 * 4.6, 22,013-25,392 in a second series at 7.4-8.8, 32,904-39,644 in a third at
 * 2.6-3.6: the target of 50,000 in each run not met on this machine today. 4 more
 * rounds alternating at load 4.1-5.5: 21.88 s median (19.05-23.44) against 22.97
 * (20.77-24.42), per round 0.82-1.13x; the transaction's thread, faster, prepares more
 * chunks itself (1.6-1.9 s against 0.3-0.7) and waits 6.9-8.6 s for them (3.4-3.7).
 * Not tried: keeping the documents' indexes live because the benchmark's documents come
 * in the order of their loans and dates; `aws dynamodb scan` lists items in the hash
 * order of their keys, so a real file's inserts into those indexes are random.
 */
#define G_LOG_DOMAIN "af-store"

#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "af-codec.h"
#include "af-mapped-guard.h"
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
  guint      file;    /* the index of the file its items come from */
  gboolean   last;    /* the file's last chunk (maybe empty): the file ended */
  GError    *error;   /* (owned) (nullable) on the last chunk: why reading the file stopped */
  /* (owned) The items' trees: built there by the reader, freed at once when the chunk
   * comes back (af-arena.h): no malloc and free per node, ~half of the reader's time. */
  AfArena   *arena;
  Entry      entries[CHUNK_ITEMS];
} Chunk;

/* A file as the reader holds it: the items' names are its stream's, so both live until
 * every chunk of the file came back. */
typedef struct
{
  AfCodecPageStream *stream;    /* (owned) (nullable) */
  GMappedFile       *mapped;    /* (owned) (nullable) what @stream reads, or @contents */
  AfMappedGuard     *guard;     /* (owned) (nullable) @mapped's range, while it is read */
  int                fd;        /* (owned) what @mapped maps, or -1 */
  struct stat        opened;    /* @fd's, when it was mapped */
  char              *contents;  /* (owned) (nullable) */
} Source;

typedef struct
{
  /* Set before the reader starts, then read only. */
  const char *const *paths;
  guint           n_paths;
  gint64          now_unix;
  AfCacheKey     *key;       /* (nullable) */

  GMutex          lock;
  GCond           cond;
  GQueue          chunks;    /* under @lock: Chunk, in the files' order */
  GQueue          done;      /* under @lock: Chunk, stored, for the reader to free */
  gboolean        finished;  /* under @lock: the reader stopped (after the last file) */
  guint           failed_file; /* under @lock: a file whose inserts failed (G_MAXUINT: none) */
  Source         *sources;   /* (owned) n_paths: the reader's, freed after their chunks */
  AfImportCounts *counts;    /* n_paths: expired by the reader, imported by the inserts */
  /* Timeline (debug): microseconds each thread waited for the others. */
  gint64          reader_wait_us, preparer_wait_us, inserts_wait_us, inserts_prepare_us;
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
  g_clear_error (&chunk->error);
  af_arena_free (chunk->arena);
  g_free (chunk);
}

static void
source_close_fd (Source *source)
{
  if (source->fd >= 0)
    close (source->fd);
  source->fd = -1;
}

static void
source_clear (Source *source)
{
  g_clear_pointer (&source->stream, af_codec_page_stream_free);
  g_clear_pointer (&source->guard, af_mapped_guard_unregister);
  g_clear_pointer (&source->mapped, g_mapped_file_unref);
  source_close_fd (source);
  g_clear_pointer (&source->contents, g_free);
}

/* The file mapped rather than read into memory: read () copied it into new pages of
 * the heap, each faulted in and zeroed first. The reader's CPU for 500,000 items in 20
 * files (1.2 GiB) went from 6.08-6.21 s to 5.22-5.55 s (load 4-6), and the process's
 * peak anonymous memory from 238-268 MiB to 176-182 MiB (two files were held at once).
 * The parser stops at @out_length, but a number at the very end is read by strtod and
 * the like up to a byte that is not part of it: the mapping is used only when its last
 * page has room for the zero that follows the file (mapped past the end of a file, a
 * page reads as zeros). A file truncated while it is mapped would kill the process
 * (SIGBUS) when a page past its new end is touched: the mapping is guarded
 * (af-mapped-guard.h), such pages read as zeros, and the file is refused before its
 * commit (file_changed ()). With no guard slot free, the file is read instead. A cut
 * within the last page left reads zeros without a fault, and a file written over in
 * place reads in part old and in part new: the descriptor is kept, and its size and
 * time of change compared again then. */
static gboolean
source_load (Source      *source,
             const char  *path,
             gsize       *out_length,
             GError     **error)
{
  source->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (source->fd >= 0 && fstat (source->fd, &source->opened) == 0)
    source->mapped = g_mapped_file_new_from_fd (source->fd, FALSE, NULL);
  if (source->mapped != NULL
      && g_mapped_file_get_length (source->mapped) % sysconf (_SC_PAGESIZE) != 0)
    source->guard = af_mapped_guard_register (g_mapped_file_get_contents (source->mapped),
                                              g_mapped_file_get_length (source->mapped));
  if (source->guard != NULL)
    {
      *out_length = g_mapped_file_get_length (source->mapped);
      return TRUE;
    }
  g_clear_pointer (&source->mapped, g_mapped_file_unref);
  source_close_fd (source);
  return g_file_get_contents (path, &source->contents, out_length, error);
}

static const char *
source_text (Source *source)
{
  return source->mapped != NULL ? g_mapped_file_get_contents (source->mapped) : source->contents;
}

/* The reader frees the chunks the inserts are done with, and takes the last one back
 * for its next items (NULL when there is none). A file's stream goes with its last
 * chunk: the chunks come back in order, so every other one of the file came back. */
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
      gboolean last = chunk->last;
      guint file = chunk->file;

      if (reused == NULL)
        {
          for (guint i = 0; i < chunk->len; i++)
            entry_clear (&chunk->entries[i]);
          g_clear_error (&chunk->error);
          chunk->len = 0;
          chunk->last = FALSE;
          af_arena_reset (chunk->arena);
          reused = chunk;
        }
      else
        chunk_free (chunk);
      if (last)
        source_clear (&self->sources[file]);
    }
  return reused;
}

/* A chunk to fill with @file's items, its stream building them in the chunk's arena. */
static Chunk *
next_chunk (Pipeline *self,
            guint     file)
{
  Chunk *chunk = recycle_done (self);

  if (chunk == NULL)
    {
      chunk = g_new0 (Chunk, 1);
      chunk->arena = af_arena_new ();
    }
  chunk->file = file;
  if (self->sources[file].stream != NULL)
    af_codec_page_stream_set_arena (self->sources[file].stream, chunk->arena);
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

/* Hands @chunk to the inserts, waiting while they are far behind; FALSE once the
 * inserts failed for the chunk's file (the chunk is queued all the same: they give it
 * back, and a file's last chunk must reach them). */
static gboolean
push_chunk (Pipeline *self,
            Chunk    *chunk)
{
  gint64 start = g_get_monotonic_time ();
  gboolean failed;

  g_mutex_lock (&self->lock);
  while (self->chunks.length >= MAX_QUEUED_CHUNKS)
    g_cond_wait (&self->cond, &self->lock);
  failed = self->failed_file == chunk->file;
  chunk->state = CHUNK_PARSED;
  g_queue_push_tail (&self->chunks, chunk);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  self->reader_wait_us += g_get_monotonic_time () - start;
  return !failed;
}

static void
finish_reading (Pipeline *self)
{
  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Parses file @file into chunks, up to its end or its first bad item, and returns the
 * chunk being filled then (for the caller to push as the file's last). */
static Chunk *
read_items (Pipeline  *self,
            guint      file,
            GError   **error)
{
  AfCodecPageStream *stream = self->sources[file].stream;
  Chunk *chunk = next_chunk (self, file);
  AfValue *item;
  guint index = 0;

  while ((item = af_codec_page_stream_next (stream, error)) != NULL)
    {
      Entry *entry;
      AfTable table;

      if (!judge_table (item, index++, &table, error))
        {
          af_value_unref (item);
          break;
        }
      if (item_expired (table, item, self->now_unix))
        {
          self->counts[file].expired[table]++;
          af_value_unref (item);
          continue;
        }
      entry = &chunk->entries[chunk->len++];
      entry->item = item;
      entry->table = table;
      entry->row = (AfRow) { NULL };
      if (chunk->len < CHUNK_ITEMS)
        continue;
      if (!push_chunk (self, chunk))
        return next_chunk (self, file);   /* its inserts failed: the rest is not read */
      chunk = next_chunk (self, file);
    }
  return chunk;
}

/* The calling thread's CPU time and its time runnable but not running (waiting for a
 * core), in microseconds, from the kernel's schedstat (the timeline, debug): what is
 * left of the wall time is time blocked (the disk, a lock). */
static void
thread_sched_us (gint64 *cpu_us,
                 gint64 *runnable_us)
{
  g_autofree char *text = NULL;
  guint64 cpu_ns = 0, wait_ns = 0;

  if (g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL))
    sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &cpu_ns, &wait_ns);
  *cpu_us = cpu_ns / 1000;
  *runnable_us = wait_ns / 1000;
}

static gpointer
reader_thread (gpointer data)
{
  Pipeline *self = data;
  gint64 cpu_us, runnable_us;

  for (guint file = 0; file < self->n_paths; file++)
    {
      Source *source = &self->sources[file];
      GError *error = NULL;
      gint64 start = g_get_monotonic_time ();
      gsize length = 0;
      Chunk *last;

      /* Read here, while the inserting thread takes the write lock or stores the file
       * before: reading a 50 MiB file cost that thread ~1.5 us per item. */
      if (source_load (source, self->paths[file], &length, &error))
        {
          g_debug ("import timeline: file %u read in %.3f s", file,
                   (g_get_monotonic_time () - start) / 1e6);
          source->stream = af_codec_page_stream_new (source_text (source), length);
          last = read_items (self, file, &error);
        }
      else
        last = next_chunk (self, file);
      last->last = TRUE;
      last->error = error;
      push_chunk (self, last);
    }
  thread_sched_us (&cpu_us, &runnable_us);
  g_debug ("import timeline: reader %.3f s CPU", cpu_us / 1e6);
  /* What the inserts hand back from now on is freed after the join. */
  finish_reading (self);
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

  gint64 start = g_get_monotonic_time ();

  g_mutex_lock (&self->lock);
  while ((chunk = claim_parsed (self)) == NULL && !self->finished)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
  self->preparer_wait_us += g_get_monotonic_time () - start;
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
  gint64 start = g_get_monotonic_time ();
  Chunk *chunk;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      chunk = g_queue_peek_head (&self->chunks);
      if (chunk != NULL && chunk->state == CHUNK_READY)
        break;
      if (chunk != NULL && chunk->state == CHUNK_PARSED)
        {
          gint64 prepare_start = g_get_monotonic_time ();

          chunk->state = CHUNK_CLAIMED;
          g_mutex_unlock (&self->lock);
          prepare_chunk (self, chunk, size_hint);
          g_mutex_lock (&self->lock);
          chunk->state = CHUNK_READY;
          self->inserts_prepare_us += g_get_monotonic_time () - prepare_start;
          start += g_get_monotonic_time () - prepare_start;
          break;
        }
      if (chunk == NULL && self->finished)
        break;
      g_cond_wait (&self->cond, &self->lock);
    }
  self->inserts_wait_us += g_get_monotonic_time () - start;
  if (chunk != NULL)
    g_queue_pop_head (&self->chunks);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return chunk;
}

/* The inserts of @file failed: the reader stops reading it. */
static void
fail_file (Pipeline *self,
           guint     file)
{
  g_mutex_lock (&self->lock);
  self->failed_file = file;
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

/* Stores a chunk's rows, counting them in @imported; FALSE at the first failure. */
static gboolean
insert_chunk (AfStore   *store,
              Chunk     *chunk,
              guint      imported[AF_N_TABLES],
              gboolean   outbox_empty,
              GError   **error)
{
  for (guint i = 0; i < chunk->len; i++)
    {
      Entry *entry = &chunk->entries[i];
      AfRow row = entry->row;

      /* With nothing pending, the texts stay the chunk's, freed by the reader when the
       * chunk comes back (free () of what another thread's arena allocated takes that
       * arena's lock): otherwise they go to SQLite (transfer full, even on failure). */
      if (outbox_empty)
        {
          if (!af_store_put_new_row (store, entry->table, &entry->row, error))
            return FALSE;
        }
      else
        {
          entry->row.text = NULL;
          entry->row.search_text = NULL;
          if (!af_store_put_row (store, entry->table, entry->item, &row, outbox_empty, error))
            return FALSE;
        }
      imported[entry->table]++;
    }
  return TRUE;
}

/* Whether @file's mapping changed while it was read: cut short, what the reader parsed
 * and the preparers copied past the cut were zeros; written over, a mix of two files.
 * Asked when the file's last chunk is stored, once every chunk of it was prepared (so
 * nothing reads the mapping any more) and before the chunk goes back to the reader
 * (which unmaps the file then). */
static gboolean
file_changed (Pipeline  *self,
              guint      file,
              GError   **error)
{
  Source *source = &self->sources[file];
  struct stat now;

  if (source->guard == NULL || fstat (source->fd, &now) != 0)
    return FALSE;
  if (af_mapped_guard_was_cut (source->guard) || now.st_size < source->opened.st_size)
    g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                 "it changed (was cut short) while it was imported; nothing of it was stored");
  else if (now.st_size != source->opened.st_size
           || now.st_mtim.tv_sec != source->opened.st_mtim.tv_sec
           || now.st_mtim.tv_nsec != source->opened.st_mtim.tv_nsec)
    g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INVALID,
                 "it changed while it was imported; nothing of it was stored");
  else
    return FALSE;
  return TRUE;
}

/* Stores the chunks of @file, up to its last one, in a transaction of its own, committed
 * when every item went in and rolled back otherwise; a failed file's remaining chunks
 * are given back unstored. */
static gboolean
store_file (AfStore   *store,
            Pipeline  *pipeline,
            guint      file,
            gsize     *size_hint,
            GError   **error)
{
  gint64 start = g_get_monotonic_time (), first = 0, committed;
  gint64 cpu, runnable, cpu_end, runnable_end;
  gboolean outbox_empty = FALSE;
  gboolean ok, last = FALSE;
  guint stored = 0;
  GError *change_error = NULL;

  ok = af_store_begin_bulk (store, error) && af_store_outbox_is_empty (store, &outbox_empty, error)
       && af_store_search_defer (store, error);
  while (!last)
    {
      Chunk *chunk = pop_chunk (pipeline, size_hint);

      /* The reader pushes a last chunk for every file, in order. */
      g_assert (chunk != NULL && chunk->file == file);
      if (first == 0)
        first = g_get_monotonic_time ();
      last = chunk->last;
      if (last && file_changed (pipeline, file, &change_error))
        {
          /* Whatever else went wrong then came of the change (a NUL where an item went on). */
          g_clear_error (error);
          g_propagate_error (error, g_steal_pointer (&change_error));
          ok = FALSE;
        }
      else if (ok && chunk->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&chunk->error));
          ok = FALSE;
        }
      else if (ok)
        ok = insert_chunk (store, chunk, pipeline->counts[file].imported, outbox_empty, error);
      give_back (pipeline, chunk);
      /* Tests: the inserts fail while the reader and the preparer are far ahead. */
      if (ok && ++stored == INJECT_AFTER_CHUNKS)
        ok = !af_store_injected (store, "during-import", error);
      if (ok && stored % PROGRESS_CHUNKS == 0)
        g_debug ("import: %u items stored, not committed", stored * CHUNK_ITEMS);
      if (!ok)
        fail_file (pipeline, file);
    }
  committed = g_get_monotonic_time ();
  thread_sched_us (&cpu, &runnable);
  ok = ok && af_store_search_catch_up (store, error) && af_store_commit (store, error);
  if (!ok)
    {
      af_store_search_cancel_defer (store);
      af_store_rollback (store);
    }
  else
    af_store_creating_write_back (store);
  af_search_side_end_file (store->search_side, ok);
  thread_sched_us (&cpu_end, &runnable_end);
  g_debug ("import timeline: file %u: first chunk after %.3f s, stored in %.3f s, "
           "commit %.3f s (%.3f s CPU, %.3f s waiting for a core)", file, (first - start) / 1e6,
           (committed - first) / 1e6, (g_get_monotonic_time () - committed) / 1e6,
           (cpu_end - cpu) / 1e6, (runnable_end - runnable) / 1e6);
  return ok;
}

/* The files through one pipeline: the reader and the preparer beside the inserts. */
static gboolean
run_pipeline (AfStore   *store,
              Pipeline  *pipeline,
              GError   **out_errors)
{
  gint64 start = g_get_monotonic_time (), cpu, runnable, cpu_end, runnable_end;
  gsize size_hint = 1024;
  gboolean all_ok = TRUE;
  GThread *reader, *preparer;

  thread_sched_us (&cpu, &runnable);
  reader = g_thread_new ("af-store-import", reader_thread, pipeline);
  preparer = g_thread_new ("af-store-prepare", preparer_thread, pipeline);
  for (guint file = 0; file < pipeline->n_paths; file++)
    {
      GError *local_error = NULL;

      if (store_file (store, pipeline, file, &size_hint, &local_error))
        continue;
      memset (pipeline->counts[file].imported, 0, sizeof pipeline->counts[file].imported);
      g_propagate_prefixed_error (&out_errors[file], local_error, "%s: ", pipeline->paths[file]);
      all_ok = FALSE;
    }
  g_thread_join (reader);
  g_thread_join (preparer);
  thread_sched_us (&cpu_end, &runnable_end);
  g_debug ("import timeline: %.3f s; inserts %.3f s CPU (%.3f s of it preparing), %.3f s "
           "waiting for a core, %.3f s for chunks; reader waited %.3f s for the inserts, "
           "preparer %.3f s for chunks", (g_get_monotonic_time () - start) / 1e6,
           (cpu_end - cpu) / 1e6, pipeline->inserts_prepare_us / 1e6,
           (runnable_end - runnable) / 1e6, pipeline->inserts_wait_us / 1e6,
           pipeline->reader_wait_us / 1e6, pipeline->preparer_wait_us / 1e6);
  return all_ok;
}

/* A failure after the files (their commits stand): the last file's to report. */
static void
report_last_file (const char *const  *paths,
                  guint               n_paths,
                  GError            **out_errors,
                  GError             *error,
                  gboolean           *ok)
{
  if (n_paths > 0 && out_errors[n_paths - 1] == NULL)
    g_propagate_prefixed_error (&out_errors[n_paths - 1], error, "%s: ", paths[n_paths - 1]);
  else
    g_clear_error (&error);
  *ok = FALSE;
}

gboolean
af_store_import_files_at (AfStore            *self,
                          const char *const  *paths,
                          guint               n_paths,
                          gint64              now_unix,
                          AfImportCounts     *out_counts,
                          GError            **out_errors)
{
  Pipeline pipeline = { 0 };
  GError *local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (paths != NULL && out_counts != NULL && out_errors != NULL, FALSE);

  memset (out_counts, 0, n_paths * sizeof *out_counts);
  /* Durable (synchronous=FULL, the default): nothing else holds what a file import
   * brought, and it is one commit. Unless the caller syncs once after many files
   * (af_store_set_bulk_import ()): a commit's fsync of a file's 80 MiB of WAL
   * took 0.3-0.6 s, a fifth of the import, while the reading threads waited. A new
   * cache built with a rollback journal commits at OFF (af-store-creating.c says why a
   * kill still leaves every file whole or absent). */
  if (self->bulk_import && !af_store_exec (self, self->creating ? "PRAGMA synchronous = OFF"
                                                                 : "PRAGMA synchronous = NORMAL",
                                           &local_error))
    {
      for (guint i = 0; i < n_paths; i++)
        g_propagate_prefixed_error (&out_errors[i], g_error_copy (local_error), "%s: ", paths[i]);
      g_error_free (local_error);
      return FALSE;
    }

  pipeline.paths = paths;
  pipeline.n_paths = n_paths;
  pipeline.now_unix = now_unix;
  pipeline.key = af_store_get_key (self);
  pipeline.failed_file = G_MAXUINT;
  pipeline.sources = g_new0 (Source, n_paths);
  for (guint i = 0; i < n_paths; i++)
    pipeline.sources[i].fd = -1;
  pipeline.counts = out_counts;
  g_mutex_init (&pipeline.lock);
  g_cond_init (&pipeline.cond);
  /* Into empty tables, the indexes are built after the files (af-store-indexes.c); when
   * they cannot be put off, the rows go in with them as usual. */
  if (self->bulk_import && !af_store_indexes_defer (self, &local_error))
    {
      g_debug ("import: the indexes were not deferred: %s", local_error->message);
      g_clear_error (&local_error);
    }
  /* Into empty tables, the search index is built beside the inserts
   * (af-store-search-side.c); otherwise each file catches up before its commit. */
  if (self->bulk_import && !self->search_suspended
      && (self->search_side = af_search_side_start (self, &local_error)) == NULL
      && local_error != NULL)
    {
      g_debug ("import: the search index is built as usual: %s", local_error->message);
      g_clear_error (&local_error);
    }
  ok = run_pipeline (self, &pipeline, out_errors);
  /* Even after failed files: the committed ones' rows are in the tables. A failure
   * leaves the indexes recorded, for the next open; the last file's to report. The
   * index builder finishes meanwhile on the other core. */
  if (self->bulk_import && !af_store_indexes_restore (self, &local_error))
    report_last_file (paths, n_paths, out_errors, local_error, &ok);
  if (self->search_side != NULL
      && !af_search_side_finish (g_steal_pointer (&self->search_side), self, &local_error))
    report_last_file (paths, n_paths, out_errors, local_error, &ok);
  /* Back to the default even after a failure: an edit must never commit NORMAL. The
   * files are committed already: a failure here is the last file's to report. */
  if (self->bulk_import && !af_store_exec (self, "PRAGMA synchronous = FULL", &local_error))
    report_last_file (paths, n_paths, out_errors, local_error, &ok);
  g_queue_clear_full (&pipeline.chunks, (GDestroyNotify) chunk_free);
  g_queue_clear_full (&pipeline.done, (GDestroyNotify) chunk_free);
  /* After every chunk: their items' names are the streams'. */
  for (guint i = 0; i < n_paths; i++)
    source_clear (&pipeline.sources[i]);
  g_free (pipeline.sources);
  g_mutex_clear (&pipeline.lock);
  g_cond_clear (&pipeline.cond);
  return ok;
}

gboolean
af_store_import_file_at (AfStore         *self,
                         const char      *path,
                         gint64           now_unix,
                         AfImportCounts  *out_counts,
                         GError         **error)
{
  AfImportCounts counts;
  GError *local_error = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!af_store_import_files_at (self, &path, 1, now_unix, &counts, &local_error))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
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
