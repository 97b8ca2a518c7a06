/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-indexes.c — a bulk import into empty tables builds their indexes once, at the end.
 *
 * Each row an import inserts also went into every secondary index of its table (seven
 * for audits, three for documents): a B-tree seek and insert per index and row, and the
 * index pages written to the WAL again at each file's commit. Without them, the
 * transaction's thread of a 500,000-item import spent 17.7-18.2 us per item instead of
 * 23.4-23.7, and the process 20.4-21.2 s of CPU instead of 24.3-24.4 (load 7.4-7.8);
 * building the ten indexes afterwards, sorted, took 1.6-1.8 s of CPU. So when a bulk
 * import starts on a table that holds no row (a first import, a new cache), its
 * secondary indexes are dropped, and created again after the last file. From schema 7
 * its key's unique index too (af-store-keys.c), the import keeping the keys unique
 * itself meanwhile, so that the committed files never hold a key twice and the index
 * can always be built again.
 *
 * Crash safety: each dropped index's CREATE statement is kept in sync_state
 * ("index/NAME") in the transaction that drops it, and the records go in the
 * transaction that creates the indexes again. A process killed in between leaves
 * the records, and the next open (af_store_indexes_restore_orphaned () from af-store.c)
 * creates the indexes before anything reads. Without them queries are only slower
 * (SQLite scans), never wrong; without a key's unique index, another process's writes
 * into that table (upserts: ON CONFLICT needs the index) fail and write nothing until it
 * is back, rather than write a key the import also writes. The importing process is recorded too ("index-import",
 * its pid): an open while it runs (the app's) leaves its indexes to it, rather than
 * hold the write lock for the seconds a build takes, beyond the import's busy timeout.
 * A pid alone outlives its process: killed, its pid reused by an unrelated process, the
 * importer would seem alive and its indexes never built. So the record is "PID START",
 * START the process's start time in clock ticks since boot (/proc/PID/stat, field 22),
 * and the owner counts as alive only while a process of that pid started then. A record
 * of an older version (the pid alone) is read as before.
 */
#define G_LOG_DOMAIN "af-store"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "af-store-private.h"
#include "af-store-test-private.h"

#define RECORD_PREFIX "index/"
/* The keys of the records: from RECORD_PREFIX up to its last byte plus one. */
#define RECORD_RANGE "key >= '" RECORD_PREFIX "' AND key < 'index0'"
/* The pid of the process whose import deferred them (not in RECORD_RANGE). */
#define OWNER_KEY "index-import"

/* While the indexes are built, the table's pages are read through a mapping of the
 * file rather than copied by read(): 3.4 s of building took 1.7 with it. Read-only
 * (SQLite writes with write() all the same), and only for the build. */
#define BUILD_MMAP_SIZE "2147418112"

/* The cache keeps SQLite's temporary data in memory (temp_store = MEMORY, af-store.c),
 * where its sorter allocates every key it sorts on its own and sorts them as a linked
 * list; with temp_store = FILE it fills one buffer and sorts that in place, and writes
 * a file only for a sort larger than the page cache (128 MiB of keys in bulk, some
 * millions of rows: the keys are the indexed columns, in clear in the cache already).
 * The 10 indexes of 100,000 audits and 400,000 documents: 7,740 M instructions with
 * MEMORY, 6,871 M with FILE (callgrind); 1.89-2.07 s of CPU, 1.22-1.57 s (sqlite3
 * shell, alternating, load 1.4-1.7); in the CLI's import (3 rounds alternating, load
 * 1.7-4.0) the build took 2.11/2.07/1.84 s before, 1.67/1.38/1.82 s after.
 * Tried with the keys' unique indexes (schema 7) and left out: sorter threads for the
 * build with a smaller page cache, so that each sort is cut into runs sorted on another
 * core (PRAGMA threads = 2, cache_size 8 MiB; the CLI, 500,000 items, 3 rounds
 * alternating, load 1.5-2.6): the build 2.48/2.26/2.36 s against 2.60/2.87/2.70 as it is,
 * the whole import 10.58/9.71/10.39 s against 9.89/10.99/9.92; with 1 thread and
 * 16 MiB, 2.71/2.45/2.69 s. The other core has the search index's builder then. */
#define BUILD_TEMP_STORE "FILE"
#define TEMP_STORE "MEMORY"

gboolean
af_store_table_is_empty (AfStore   *self,
                         AfTable    table,
                         gboolean  *out_empty,
                         GError   **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT NOT EXISTS (SELECT 1 FROM %s)",
                                          af_table_nick (table));
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      af_store_set_sqlite_error (self, error, "reading the cache");
      return FALSE;
    }
  *out_empty = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

/* Records the CREATE statement of each of @table's indexes, then drops them; *@out_key
 * TRUE when the unique index of its key was one of them (af-store-keys.c). */
static gboolean
defer_table (AfStore   *self,
             AfTable    table,
             gboolean  *out_key,
             GError   **error)
{
  g_autoptr(AfStmt) list = af_store_prepare (self, "SELECT name, sql FROM sqlite_schema "
                                                   "WHERE type = 'index' AND tbl_name = ? "
                                                   "AND sql IS NOT NULL", error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *key_index = af_store_key_index_name (table);
  int rc;

  if (list == NULL)
    return FALSE;
  sqlite3_bind_text (list, 1, af_table_nick (table), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (list, 0);
      g_autofree char *key = g_strconcat (RECORD_PREFIX, name, NULL);

      if (!af_store_set_state (self, key, (const char *) sqlite3_column_text (list, 1), error))
        return FALSE;
      g_ptr_array_add (names, g_strdup (name));
      *out_key |= strcmp (name, key_index) == 0;
    }
  if (rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading the cache's schema");
      return FALSE;
    }
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *drop = g_strdup_printf ("DROP INDEX \"%s\"", (char *) names->pdata[i]);

      if (!af_store_exec (self, drop, error))
        return FALSE;
    }
  return TRUE;
}

/* @out_keys[table]: its key's index was dropped here, not by an import of another
 * process that runs (whose keys this one could not see). */
static gboolean
defer_empty_tables (AfStore   *self,
                    guint     *out_deferred,
                    gboolean   out_keys[AF_N_TABLES],
                    GError   **error)
{
  g_autofree char *owner = af_store_import_owner ();

  for (AfTable table = 0; table < AF_N_TABLES; table++)
    {
      gboolean empty = FALSE;

      if (!af_store_table_is_empty (self, table, &empty, error))
        return FALSE;
      if (empty && !defer_table (self, table, &out_keys[table], error))
        return FALSE;
      *out_deferred += empty ? 1 : 0;
    }
  return *out_deferred == 0 || af_store_set_state (self, OWNER_KEY, owner, error);
}

gboolean
af_store_indexes_defer (AfStore  *self,
                        GError  **error)
{
  gboolean keys[AF_N_TABLES] = { FALSE };
  guint deferred = 0;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!af_store_begin_bulk (self, error))
    return FALSE;
  if (!defer_empty_tables (self, &deferred, keys, error) || !af_store_commit (self, error))
    {
      af_store_rollback (self);
      return FALSE;
    }
  /* Once committed: before, the index is there, and a plain insert could conflict. */
  for (AfTable table = 0; table < AF_N_TABLES; table++)
    if (keys[table])
      af_store_keys_track (self, table);
  g_debug ("import: the indexes of %u empty tables deferred", deferred);
  return TRUE;
}

gboolean
af_store_indexes_deferred (AfStore    *self,
                           const char *name)
{
  g_autofree char *key = g_strconcat (RECORD_PREFIX, name, NULL);
  g_autofree char *statement = af_store_get_state (self, key, NULL);

  return statement != NULL;
}

/* The CREATE statements recorded, in @statements. */
static gboolean
read_records (AfStore    *self,
              GPtrArray  *statements,
              GError    **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "SELECT value FROM sync_state WHERE "
                                                   RECORD_RANGE, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (statements, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc == SQLITE_DONE)
    return TRUE;
  af_store_set_sqlite_error (self, error, "reading the deferred indexes");
  return FALSE;
}

static gboolean
create_recorded (AfStore  *self,
                 GError  **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  if (!read_records (self, statements, error))
    return FALSE;
  for (guint i = 0; i < statements->len; i++)
    if (!af_store_exec (self, statements->pdata[i], error))
      return FALSE;
  if (statements->len > 0)
    g_debug ("%u deferred indexes created", statements->len);
  return af_store_exec (self, "DELETE FROM sync_state WHERE " RECORD_RANGE
                              " OR key = '" OWNER_KEY "'", error);
}

gboolean
af_store_indexes_restore (AfStore  *self,
                          GError  **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);
  gint64 start = g_get_monotonic_time ();
  gboolean ok;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  /* The import's own check of its keys ends where their indexes come back. */
  af_store_keys_stop (self);
  /* The common case, at every open: nothing deferred, and no write lock taken. */
  if (!read_records (self, statements, error))
    return FALSE;
  if (statements->len == 0)
    return TRUE;
  af_store_exec (self, "PRAGMA mmap_size = " BUILD_MMAP_SIZE, NULL);
  af_store_exec (self, "PRAGMA temp_store = " BUILD_TEMP_STORE, NULL);
  ok = af_store_begin_bulk (self, error);
  if (ok && !(create_recorded (self, error) && af_store_commit (self, error)))
    {
      af_store_rollback (self);
      ok = FALSE;
    }
  af_store_exec (self, "PRAGMA temp_store = " TEMP_STORE, NULL);
  af_store_exec (self, "PRAGMA mmap_size = 0", NULL);
  g_debug ("deferred indexes: %.3f s", (g_get_monotonic_time () - start) / 1e6);
  return ok;
}

gboolean
af_store_process_start_time (GPid     pid,
                             guint64 *out_start)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  const char *field;
  char *end = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* Field 2, the command's name in parentheses, may hold spaces and parentheses of its
   * own: the fields are counted from after its last ')', field 3 first. */
  field = strrchr (text, ')');
  if (field == NULL)
    return FALSE;
  field++;
  for (guint n = 3; n < 22; n++)
    {
      field = strchr (field + 1, ' ');
      if (field == NULL)
        return FALSE;
    }
  *out_start = g_ascii_strtoull (field + 1, &end, 10);
  return end != field + 1 && (*end == ' ' || *end == '\0' || *end == '\n');
}

/* TRUE while a process @pid that started at @start (0: unknown) lives (or is not ours to
 * signal). */
static gboolean
process_alive (long    pid,
               guint64 start)
{
  guint64 now_start = 0;

  if (start != 0)
    return af_store_process_start_time ((GPid) pid, &now_start) && now_start == start;
  if (pid == getpid ())
    return TRUE;
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

char *
af_store_import_owner (void)
{
  guint64 start = 0;

  if (!af_store_process_start_time (getpid (), &start))
    start = 0;   /* no /proc: an owner with the pid alone, as before */
  return start != 0 ? g_strdup_printf ("%d %" G_GUINT64_FORMAT, (int) getpid (), start)
                    : g_strdup_printf ("%d", (int) getpid ());
}

/* TRUE while the process @owner names ("PID START", or "PID" as older versions wrote
 * it) is alive: the one that deferred the indexes may still build them. */
gboolean
af_store_import_owner_alive (const char *owner)
{
  char *end = NULL, *start_end = NULL;
  guint64 start = 0;
  long pid;

  if (owner == NULL)
    return FALSE;
  pid = strtol (owner, &end, 10);
  if (end == owner || pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (*end == ' ')
    {
      start = g_ascii_strtoull (end + 1, &start_end, 10);
      if (start_end == end + 1 || *start_end != '\0' || start == 0)
        return FALSE;
    }
  else if (*end != '\0')
    return FALSE;
  return process_alive (pid, start);
}

gboolean
af_store_indexes_restore_orphaned (AfStore  *self,
                                   GError  **error)
{
  g_autofree char *owner = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  owner = af_store_get_state (self, OWNER_KEY, NULL);
  if (af_store_import_owner_alive (owner))
    {
      g_debug ("deferred indexes left to the import that runs");
      return TRUE;
    }
  return af_store_indexes_restore (self, error);
}
