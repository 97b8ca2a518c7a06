/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-creating.c — a bulk import into a cache it created writes it once.
 *
 * In WAL mode every page an import writes goes to the WAL (with a checksum per frame)
 * and is copied into the cache again by a checkpoint: for a new cache the WAL holds
 * nothing anybody reads, so both are overhead (~14 % of the transaction's thread went
 * to writing the WAL, the final checkpoint took 0.4-0.9 s, and the checkpoint thread
 * took a core's share meanwhile). So a bulk import into a cache that the same open
 * created (the file did not exist, or was empty) builds it with a rollback journal
 * instead: pages appended to the file are not journaled at all, only the pages that
 * existed at the transaction's start and that it changes (the primary keys' B-trees,
 * mostly). Each file is still one transaction that a bad item rolls back alone, since
 * the journal holds what it changed.
 *
 * Exclusive: locking_mode = EXCLUSIVE, so the first write (the switch itself) takes
 * the exclusive lock and keeps it until af_store_creating_end (): nobody reads a cache
 * half built. Another process that meets it then (the CLI, the app) sees a rollback
 * journal in the header of a file of ours, which no finished cache has (they are WAL),
 * and waits for the lock with its usual busy timeout; failing, it is told that an
 * import is creating the cache (af_store_creating_check ()).
 *
 * synchronous = OFF while it is built: a commit in rollback mode syncs the journal and
 * then the cache, ~0.3-0.6 s per file of 25,000 items (what made bulk imports in WAL
 * mode commit at NORMAL). A kill of the process at any point is safe without them: the
 * journal reaches the kernel before the pages it protects are overwritten, and the
 * next open rolls back the transaction under way, so the cache holds exactly the files
 * committed before. A power loss during the build may leave the new cache damaged (it
 * is then refused as such by the next open); the import never said it succeeded, since
 * af_store_sync () waits for the disk before the command reports anything.
 *
 * At the end, back to WAL and the usual locking: the first write in WAL mode (the
 * switch itself) releases the exclusive lock, and SQLite removes the empty journal.
 *
 * Measured with the CLI on 100,000 audits + 400,000 documents in 20 files (3 rounds
 * alternating with the WAL build, load 5.8-7.0 on the shared 2-core machine): the
 * process's CPU went from 44.7/43.4/45.4 us per item to 36.5/38.9/41.2, the wall time
 * from 46.2/23.5/30.6 s to 28.8/23.0/22.1 s; the cache's size is the same (1566 MiB).
 */
#define G_LOG_DOMAIN "af-store"
#define _GNU_SOURCE   /* sync_file_range */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "af-store-private.h"

/* Bytes 18 and 19 of an SQLite header: 1 with a rollback journal, 2 in WAL mode. */
#define HEADER_FORMAT_OFFSET 18
#define HEADER_FORMAT_ROLLBACK 1
/* The application id, big-endian: 'AFDC' (af-store.c). */
#define HEADER_APPLICATION_ID_OFFSET 68

/* The result of a PRAGMA that returns one text (journal_mode): NULL on failure. */
static char *
pragma_text (AfStore    *self,
             const char *sql)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
set_journal_mode (AfStore    *self,
                  const char *sql,
                  const char *mode)
{
  g_autofree char *result = pragma_text (self, sql);

  return g_strcmp0 (result, mode) == 0;
}

gboolean
af_store_creating_begin (AfStore *self)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!self->created || self->creating)
    return self->creating;
  /* Fails when another connection has the cache open (it found it in the moment
   * between its creation and now): the import then goes on in WAL mode. */
  af_store_exec (self, "PRAGMA locking_mode = EXCLUSIVE", NULL);
  if (!set_journal_mode (self, "PRAGMA journal_mode = TRUNCATE", "truncate"))
    {
      g_debug ("import: the new cache stays in WAL mode: %s", sqlite3_errmsg (self->db));
      af_store_exec (self, "PRAGMA locking_mode = NORMAL", NULL);
      return FALSE;
    }
  self->creating = TRUE;
  g_debug ("import: a new cache, built with a rollback journal, held exclusively");
  return TRUE;
}

gboolean
af_store_creating_end (AfStore  *self,
                       GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  if (!self->creating)
    return TRUE;
  af_store_exec (self, "PRAGMA locking_mode = NORMAL", NULL);
  if (!set_journal_mode (self, "PRAGMA journal_mode = WAL", "wal"))
    {
      af_store_set_sqlite_error (self, error, "putting the new cache in WAL mode");
      return FALSE;
    }
  self->creating = FALSE;
  self->created = FALSE;
  return TRUE;
}

/* At synchronous = OFF the pages of the files committed so far stay dirty in the
 * kernel's cache until the switch back to WAL mode syncs them all, 1.2 s of waiting
 * for the disk at the end of a 500,000-item import. So after each file the kernel is
 * asked to start writing them out (without waiting), while the import goes on: the
 * disk works beside the CPU, and the final sync finds little left (from the end of the
 * index build to the end of that sync: 1.23 s before, 0.05 s after; the inserting
 * thread's CPU 8.68 s before, 8.83 s after, within the noise of load 2.4-3.5). Its
 * descriptor is opened once, never closed while the connection is open (a first version
 * closed it after each file, and test_killed_creating () caught another process
 * reading the cache: the close had dropped the exclusive lock). */
void
af_store_creating_write_back (AfStore *self)
{
  if (!self->creating)
    return;
  /* Kept open until the connection has closed (af_store_finalize ()): closing any
   * descriptor of the file drops every POSIX lock this process holds on it, SQLite's
   * exclusive lock included (another process then read the cache half built). */
  if (self->write_back_fd < 0)
    self->write_back_fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
  if (self->write_back_fd >= 0 && sync_file_range (self->write_back_fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0)
    g_debug ("import: writing the cache out ahead: %s", g_strerror (errno));
}

gboolean
af_store_creating_header (const guint8 header[100])
{
  static const guint8 application_id[4] = { 'A', 'F', 'D', 'C' };

  return header[HEADER_FORMAT_OFFSET] == HEADER_FORMAT_ROLLBACK
         && memcmp (header + HEADER_APPLICATION_ID_OFFSET, application_id, 4) == 0;
}

gboolean
af_store_creating_wait (sqlite3     *db,
                        const char  *path,
                        GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  /* A read takes the shared lock (and rolls back what a killed import left under way). */
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM sqlite_schema", -1, &stmt, NULL) == SQLITE_OK)
    ok = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (ok || (sqlite3_errcode (db) & 0xff) != SQLITE_BUSY)
    return TRUE;   /* other failures are the schema checks' to tell */
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_BUSY,
               "%s: the cache is busy: an import is creating it; try again when the import "
               "has finished", path);
  return FALSE;
}
