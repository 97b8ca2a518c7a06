/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "af-crypto.h"
#include "af-store-guard.h"
#include "af-store-private.h"
#include "af-store-test-private.h"

/* 'AFDC' in the header's application_id: tells our caches from other SQLite files. */
#define AF_STORE_APPLICATION_ID 0x41464443

/* PRAGMA quick_check reads every page (about 200 ms for 60 MiB on a busy two-core
 * machine); past this size it would make every start of the app and every CLI command
 * slow, so bigger caches get the header, schema and application-id checks only, and
 * SQLite's own checks as pages are read. */
#define QUICK_CHECK_MAX_BYTES (16 * 1024 * 1024)

G_DEFINE_QUARK (af-store-error-quark, af_store_error)

G_DEFINE_FINAL_TYPE (AfStore, af_store, G_TYPE_OBJECT)

/* migrations[i] takes the schema from version i to i + 1. Never edit a released one:
 * add a new entry and bump AF_STORE_SCHEMA_VERSION. */
static const char * const migrations[] = {
  /* 1: the four tables, the outbox and the sync state.
   *
   * Each table keeps its key, the attributes the seeds' query patterns need as
   * columns, expires_at (ttl or auto_delete_date, unix seconds) for retention, the
   * local view `item` and, while local edits are pending, the cloud's `remote`. The
   * indexes mirror the GSIs, plus what the app's queues filter and sort on (audits by
   * risk or time alone, reviewed audits, analyses by verdict or time). Documents are
   * the bulk of a cache and only ever listed per loan or per status, so they carry
   * the two GSIs alone: every index costs time on each item of a pull. */
  "CREATE TABLE documents ("
  "  document_id TEXT PRIMARY KEY NOT NULL,"
  "  loan_application_id TEXT,"
  "  upload_timestamp TEXT,"
  "  processing_status TEXT,"
  "  file_name TEXT,"
  "  expires_at INTEGER,"
  "  item TEXT NOT NULL,"
  "  remote TEXT);"
  "CREATE INDEX documents_loan ON documents (loan_application_id, upload_timestamp);"
  "CREATE INDEX documents_status ON documents (processing_status, upload_timestamp);"
  "CREATE TABLE audits ("
  "  audit_record_id TEXT PRIMARY KEY NOT NULL,"
  "  loan_application_id TEXT,"
  "  audit_timestamp TEXT,"
  "  status TEXT,"
  "  risk_score REAL,"
  "  applicant_name TEXT,"
  "  reviewed_by TEXT,"
  "  expires_at INTEGER,"
  "  item TEXT NOT NULL,"
  "  remote TEXT);"
  "CREATE INDEX audits_loan ON audits (loan_application_id, audit_timestamp);"
  "CREATE INDEX audits_status_risk ON audits (status, risk_score);"
  "CREATE INDEX audits_status_time ON audits (status, audit_timestamp);"
  "CREATE INDEX audits_risk ON audits (risk_score);"
  "CREATE INDEX audits_time ON audits (audit_timestamp);"
  "CREATE INDEX audits_reviewed ON audits (audit_timestamp) WHERE reviewed_by IS NOT NULL;"
  "CREATE TABLE analyses ("
  "  request_id TEXT PRIMARY KEY NOT NULL,"
  "  created_at INTEGER,"
  "  user_id TEXT,"
  "  status TEXT,"
  "  verdict TEXT,"
  "  filename TEXT,"
  "  expires_at INTEGER,"
  "  item TEXT NOT NULL,"
  "  remote TEXT);"
  "CREATE INDEX analyses_user ON analyses (user_id, created_at);"
  "CREATE INDEX analyses_status ON analyses (status, created_at);"
  "CREATE INDEX analyses_created ON analyses (created_at);"
  "CREATE INDEX analyses_verdict ON analyses (verdict, created_at);"
  "CREATE TABLE users ("
  "  user_id TEXT PRIMARY KEY NOT NULL,"
  "  email TEXT,"
  "  expires_at INTEGER,"
  "  item TEXT NOT NULL,"
  "  remote TEXT);"
  "CREATE INDEX users_email ON users (email);"
  "CREATE TABLE outbox ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  op_id TEXT NOT NULL UNIQUE,"
  "  table_name TEXT NOT NULL,"
  "  item_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  changes TEXT NOT NULL,"
  "  base_version INTEGER NOT NULL DEFAULT 0,"
  "  created_at TEXT NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error TEXT);"
  "CREATE INDEX outbox_item ON outbox (table_name, item_id, seq);"
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value TEXT) WITHOUT ROWID;",
  /* 2: encryption at rest. `check` holds a known text sealed with the cache's key, so
   * that a wrong key is told before anything is written; `migration` is there while
   * the personal data of a cache from schema 1 is being encrypted (af-store-migrate.c). */
  "CREATE TABLE crypto ("
  "  name TEXT PRIMARY KEY NOT NULL,"
  "  value BLOB NOT NULL) WITHOUT ROWID;",
  /* 3: retention reads only what has expired. Every command opens the cache with a
   * sweep `WHERE expires_at <= now` (af-retention.c), which without an index read the
   * whole cache (~0.45 s at 300,000 items). Partial: items without an expiry (users,
   * items whose ttl is missing or out of range) never expire and take no entry; a
   * comparison on expires_at implies IS NOT NULL, so SQLite uses these indexes. */
  "CREATE INDEX documents_expires ON documents (expires_at) WHERE expires_at IS NOT NULL;"
  "CREATE INDEX audits_expires ON audits (expires_at) WHERE expires_at IS NOT NULL;"
  "CREATE INDEX analyses_expires ON analyses (expires_at) WHERE expires_at IS NOT NULL;",
  /* 4: the search index (af-store-search.c): a `search_text` column, an FTS5 table and
   * its triggers per kind, every cached row indexed. Made in C (migration_steps). */
  "",
  /* 5: the search index laid out for imports (af_store_search_migrate_layout ()): no
   * per-row column sizes, a file's new terms written out as one segment. Made in C. */
  "",
  /* 6: the search index without positions (af_store_search_migrate_detail ()): a word
   * is the AND of its trigrams, checked on the row's text. Made in C. */
  "",
  /* 7: each item table's key a unique index (`<table>_key`) rather than its primary
   * key, so that a bulk import can build it after the last file (af-store-keys.c):
   * the tables rebuilt with their rowids. Made in C. */
  "",
};

/* The steps of a migration that SQL alone cannot do, run after its SQL. */
static gboolean (* const migration_steps[]) (AfStore *self, GError **error) = {
  NULL,
  NULL,
  NULL,
  af_store_search_migrate,
  af_store_search_migrate_layout,
  af_store_search_migrate_detail,
  af_store_keys_migrate,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migration_steps) == AF_STORE_SCHEMA_VERSION);

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AF_STORE_SCHEMA_VERSION);

/* ---- Checkpoints ------------------------------------------------------------------ */

/* A checkpoint copies the WAL's pages into the database and waits for the disk twice;
 * done by the committing thread (SQLite's wal_autocheckpoint), it stopped a large pull
 * for about a third of its time. So once the WAL holds CHECKPOINT_PAGES pages, a thread
 * with a connection of its own copies them (PASSIVE: it never blocks a writer or a
 * reader) while the writer goes on. A writer that outruns it is held back at
 * CHECKPOINT_PAGES_MAX pages, where it checkpoints itself, so the WAL stays bounded.
 * Pages are 16 KiB: 4096 of them are 64 MiB. */
#define CHECKPOINT_PAGES 4096
#define CHECKPOINT_PAGES_MAX (4 * CHECKPOINT_PAGES)
#define CHECKPOINT_PAGES_BULK_MAX (4 * CHECKPOINT_PAGES_MAX)

struct _AfCheckpointer
{
  char    *path;       /* (owned) */
  GThread *thread;     /* (owned) */
  GMutex   lock;
  GCond    cond;
  gboolean requested;  /* under @lock */
  gboolean stopping;   /* under @lock */
};

static sqlite3 *
checkpointer_open (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_debug ("%s: the checkpoint thread cannot open it: %s", path,
               db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 5000);
  /* FULL: the WAL reaches the disk before its pages are copied, and they before the
   * WAL may be reused. */
  sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  return db;
}

static gpointer
checkpointer_thread (gpointer data)
{
  AfCheckpointer *self = data;
  sqlite3 *db = NULL;

  g_mutex_lock (&self->lock);
  for (;;)
    {
      while (!self->requested && !self->stopping)
        g_cond_wait (&self->cond, &self->lock);
      if (self->stopping)
        break;
      self->requested = FALSE;
      g_mutex_unlock (&self->lock);

      if (db == NULL)
        db = checkpointer_open (self->path);
      if (db != NULL
          && sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) != SQLITE_OK)
        g_debug ("%s: checkpoint: %s", self->path, sqlite3_errmsg (db));

      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  sqlite3_close (db);
  return NULL;
}

static AfCheckpointer *
checkpointer_new (const char *path)
{
  AfCheckpointer *self = g_new0 (AfCheckpointer, 1);

  self->path = g_strdup (path);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->thread = g_thread_new ("af-store-checkpoint", checkpointer_thread, self);
  return self;
}

/* Asks for a checkpoint, or with @stop for the thread to end. */
static void
checkpointer_signal (AfCheckpointer *self,
                     gboolean        stop)
{
  g_mutex_lock (&self->lock);
  if (stop)
    self->stopping = TRUE;
  else
    self->requested = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Waits for a checkpoint under way, if any; what is left is checkpointed when the
 * store's own connection closes. */
static void
checkpointer_free (AfCheckpointer *self)
{
  checkpointer_signal (self, TRUE);
  g_thread_join (self->thread);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->path);
  g_free (self);
}

/* Called by SQLite after each commit, with the WAL's length in pages. */
static int
wal_hook (void       *data,
          sqlite3    *db,
          const char *name,
          int         pages)
{
  AfStore *self = data;

  /* In a bulk import the inserts' thread checkpoints itself only at 1 GiB of WAL: at
   * 256 MiB, 6 checkpoints of 0.10-0.20 s each were on its critical path in 20 files of
   * 25,000 items. The checkpoint thread keeps copying, and af_store_set_bulk_import
   * (FALSE) truncates the WAL at the end. */
  if (pages >= (self->bulk_import ? CHECKPOINT_PAGES_BULK_MAX : CHECKPOINT_PAGES_MAX))
    {
      gint64 start = g_get_monotonic_time ();

      sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
      g_debug ("checkpoint by the writer: WAL of %d pages, %.3f s", pages,
               (g_get_monotonic_time () - start) / 1e6);
    }
  else if (pages >= CHECKPOINT_PAGES)
    {
      if (self->checkpointer == NULL)
        self->checkpointer = checkpointer_new (self->path);
      checkpointer_signal (self->checkpointer, FALSE);
    }
  return SQLITE_OK;
}

static void
af_store_finalize (GObject *object)
{
  AfStore *self = AF_STORE (object);

  /* The checkpointer's connection must be closed first, so that ours, the last,
   * removes the WAL. */
  g_clear_pointer (&self->checkpointer, checkpointer_free);
  /* Statements must be finalized before the connection can close. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  for (guint t = 0; t < AF_N_TABLES; t++)
    {
      g_clear_pointer (&self->upserts[t], sqlite3_finalize);
      g_clear_pointer (&self->inserts[t], sqlite3_finalize);
      g_clear_pointer (&self->plain_inserts[t], sqlite3_finalize);
    }
  af_store_keys_stop (self);
  if (self->db != NULL)
    sqlite3_close (self->db);
  /* After the connection: closing it would drop the connection's locks on the file. */
  if (self->write_back_fd >= 0)
    close (self->write_back_fd);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->key, af_cache_key_unref);
  g_clear_pointer (&self->identity, g_free);
  g_clear_pointer (&self->inject_point, g_free);

  G_OBJECT_CLASS (af_store_parent_class)->finalize (object);
}

static void
af_store_class_init (AfStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = af_store_finalize;
}

static void
statement_free (gpointer data)
{
  sqlite3_finalize (data);
}

static void
af_store_init (AfStore *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, statement_free);
  self->write_back_fd = -1;
}

/* ---- Statements and transactions ------------------------------------------------ */

void
af_stmt_release (AfStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

void
af_store_set_sqlite_error (AfStore     *self,
                           GError     **error,
                           const char  *doing)
{
  int code = sqlite3_extended_errcode (self->db) & 0xff;
  AfStoreError store_code = AF_STORE_ERROR_SQLITE;

  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    store_code = AF_STORE_ERROR_CORRUPT;
  g_set_error (error, AF_STORE_ERROR, store_code, "%s: %s (%s)",
               self->path, doing, sqlite3_errmsg (self->db));
}

AfStmt *
af_store_prepare (AfStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, "preparing a statement");
      return NULL;
    }
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
af_store_step_done (AfStore  *self,
                    AfStmt   *stmt,
                    GError  **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  af_store_set_sqlite_error (self, error, "writing");
  return FALSE;
}

gboolean
af_store_exec (AfStore     *self,
               const char  *sql,
               GError     **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, error);

  return stmt != NULL && af_store_step_done (self, stmt, error);
}

gboolean
af_store_exec_script (AfStore     *self,
                      const char  *sql,
                      const char  *doing,
                      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  af_store_set_sqlite_error (self, error, doing);
  return FALSE;
}

gboolean
af_store_commit (AfStore  *self,
                 GError  **error)
{
  if (!af_store_exec (self, "COMMIT", error))
    return FALSE;
  af_store_keys_end_transaction (self, TRUE);
  return TRUE;
}

void
af_store_rollback (AfStore *self)
{
  /* A failed COMMIT or a statement error may already have ended the transaction. */
  if (!sqlite3_get_autocommit (self->db))
    af_store_exec (self, "ROLLBACK", NULL);
  af_store_keys_end_transaction (self, FALSE);
}

/* What is left of the WAL's file when it starts over after a checkpoint, in bytes: 64 MiB
 * (configure ()). */
#define JOURNAL_SIZE_LIMIT "67108864"

/* Pages kept in memory, in KiB (negative): 64 MiB (configure ()). */
#define CACHE_SIZE "-65536"
/* A file's transaction (~80 MiB of new pages for 25,000 documents) no longer fits in
 * the usual cache: SQLite spilled pages to the WAL mid-transaction and read index pages
 * back. At 128 MiB, 100,000 items imported in 5 files took 63,000 page writes and 21,000
 * reads instead of 73,000 and 31,000 (256 MiB did no better); the process stays within
 * ~230 MiB. */
#define BULK_CACHE_SIZE "-131072"

void
af_store_set_bulk_import (AfStore  *self,
                          gboolean  bulk)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AF_IS_STORE (self));

  self->bulk_import = bulk;
  /* A new cache is built with a rollback journal (af-store-creating.c). */
  if (bulk)
    af_store_creating_begin (self);
  else if (!af_store_creating_end (self, &error))
    g_debug ("the new cache stays with a rollback journal until its next open: %s", error->message);
  af_store_exec (self, bulk ? "PRAGMA cache_size = " BULK_CACHE_SIZE
                            : "PRAGMA cache_size = " CACHE_SIZE, NULL);
  /* In bulk the WAL grows to ~1 GiB (wal_hook ()) and starts over after the writer's
   * checkpoint: cut back to 64 MiB then, it was written again into new pages of the
   * page cache, which the kernel allocates and zeroes (ext4_da_write_begin and the
   * zeroing were ~11 % of the inserts' thread); not cut back, its pages are overwritten.
   * The WAL is no larger for it (still bounded by that checkpoint), and emptied at the
   * end of the bulk below. */
  af_store_exec (self, bulk ? "PRAGMA journal_size_limit = -1"
                            : "PRAGMA journal_size_limit = " JOURNAL_SIZE_LIMIT, NULL);
  /* What the checkpoint thread has not copied yet, after the last file's inserts: the
   * WAL ends empty, however far it grew while nobody restarted it. A checkpoint under
   * way on the thread's connection would make ours fail at once (busy): it is waited
   * for, and the thread comes back at the next large commit. */
  if (!bulk)
    {
      gint64 start = g_get_monotonic_time ();

      g_clear_pointer (&self->checkpointer, checkpointer_free);

      if (sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
        g_debug ("checkpoint after the bulk import: %s", sqlite3_errmsg (self->db));
      g_debug ("checkpoint after the bulk import: %.3f s", (g_get_monotonic_time () - start) / 1e6);
    }
}

/* An fsync of the files themselves, through the connection's own handles: commits at
 * synchronous=NORMAL leave their frames in the WAL unsynced, and a checkpoint (which
 * would sync them) may be under way on the checkpointer's connection. Syncing the WAL
 * covers every frame still in it; frames already copied into the cache were synced
 * there by a completed checkpoint before SQLite may reuse the WAL, or are synced by
 * the cache's own sync. Not through a descriptor of our own: closing any descriptor of
 * the cache drops every POSIX lock the process holds on it, SQLite's shared lock
 * included, and another process could then take the cache for unused and remove its
 * WAL under us. */
static gboolean
sync_handle (AfStore     *self,
             int          op,
             const char  *what,
             GError     **error)
{
  sqlite3_file *file = NULL;
  int rc = sqlite3_file_control (self->db, "main", op, &file);

  if (rc != SQLITE_OK)
    {
      af_store_set_sqlite_error (self, error, what);
      return FALSE;
    }
  if (file == NULL || file->pMethods == NULL)
    return TRUE;   /* no WAL open: everything is in the cache */
  rc = file->pMethods->xSync (file, SQLITE_SYNC_FULL);
  if (rc == SQLITE_OK)
    return TRUE;
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "%s: cannot write it to the disk: %s",
               self->path, sqlite3_errstr (rc));
  return FALSE;
}

gboolean
af_store_sync (AfStore  *self,
               GError  **error)
{
  g_return_val_if_fail (AF_IS_STORE (self), FALSE);

  return sync_handle (self, SQLITE_FCNTL_JOURNAL_POINTER, "writing the journal to the disk", error)
         && sync_handle (self, SQLITE_FCNTL_FILE_POINTER, "writing the cache to the disk", error);
}

gint64
af_store_test_pragma (AfStore    *self,
                      const char *pragma)
{
  g_autofree char *sql = g_strconcat ("PRAGMA ", pragma, NULL);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return G_MININT64;
  return sqlite3_column_int64 (stmt, 0);
}

/* ---- Checking a file before anything writes to it ------------------------------- */

static gboolean
refuse_corrupt (const char  *path,
                const char  *why,
                GError     **error)
{
  /* SQLite quotes bytes of a damaged file in its messages; they need not be UTF-8. */
  g_autofree char *valid = g_utf8_make_valid (why, -1);

  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_CORRUPT,
               "%s is not an AuditFlow Desk cache, or it is damaged (%s); "
               "it was left untouched", path, valid);
  return FALSE;
}

/* The 100-byte SQLite header, read with plain I/O so that nothing can write. */
static gboolean
check_header (const char  *path,
              guint8       header[100],
              gboolean    *out_empty,
              GError     **error)
{
  size_t length;
  FILE *file = g_fopen (path, "rb");

  if (file == NULL)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE,
                   "%s: cannot read: %s", path, g_strerror (errno));
      return FALSE;
    }
  length = fread (header, 1, 100, file);
  fclose (file);

  *out_empty = length == 0;
  if (length == 0)
    return TRUE;
  if (length < 100 || memcmp (header, "SQLite format 3", 16) != 0)
    return refuse_corrupt (path, "not an SQLite database", error);
  return TRUE;
}

static gint64
query_int (sqlite3    *db,
           const char *sql,
           gboolean   *ok)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = 0;

  *ok = FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return 0;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      value = sqlite3_column_int64 (stmt, 0);
      *ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return value;
}

static gboolean
quick_check_ok (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  return ok;
}

/* immutable=1 makes SQLite take no lock and create no -wal/-shm beside the file; it
 * is only right when there is no WAL to read, i.e. the last writer closed cleanly. */
static sqlite3 *
open_read_only (const char *path)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *full = NULL;
  sqlite3 *db = NULL;

  if (uri == NULL)
    return NULL;
  full = g_strconcat (uri, g_file_test (wal, G_FILE_TEST_EXISTS) ? "?mode=ro" : "?mode=ro&immutable=1",
                      NULL);
  if (sqlite3_open_v2 (full, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

/* A cache of ours that an import is creating, or was creating when it was killed
 * (af-store-creating.c): read without immutable=1, which would read pages half
 * written, and read-write, so that SQLite rolls back the file under way. */
static sqlite3 *
open_being_created (const char  *path,
                    GError     **error)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      sqlite3_close (db);
      return open_read_only (path);
    }
  if (af_store_creating_wait (db, path, error))
    return db;
  sqlite3_close (db);
  return NULL;
}

static gboolean
check_schema (sqlite3     *db,
              const char  *path,
              gsize        size,
              GError     **error)
{
  gboolean ok_version, ok_app, ok_tables;
  gint64 version = query_int (db, "PRAGMA user_version", &ok_version);
  gint64 app_id = query_int (db, "PRAGMA application_id", &ok_app);
  gint64 tables = query_int (db, "SELECT count(*) FROM sqlite_master", &ok_tables);

  if (!ok_version || !ok_app || !ok_tables)
    return refuse_corrupt (path, sqlite3_errmsg (db), error);
  if (version > AF_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NEWER_SCHEMA,
                   "%s was written by a newer version of AuditFlow Desk (cache schema %"
                   G_GINT64_FORMAT ", this version reads up to %d); it was left untouched",
                   path, version, AF_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (app_id != 0 && app_id != AF_STORE_APPLICATION_ID)
    return refuse_corrupt (path, "it belongs to another application", error);
  if (app_id == 0 && tables > 0)
    return refuse_corrupt (path, "an SQLite database of another application", error);
  if (size <= QUICK_CHECK_MAX_BYTES && !quick_check_ok (db))
    return refuse_corrupt (path, "the integrity check failed", error);
  return TRUE;
}

/* What the read-only look at an existing file found. */
typedef struct
{
  gboolean  exists;     /* a non-empty cache is there */
  GBytes   *key_check;  /* (owned) (nullable) the sealed check text (schema 2 on) */
} Existing;

static void
existing_clear (Existing *existing)
{
  g_clear_pointer (&existing->key_check, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Existing, existing_clear)

static GBytes *
read_key_check (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *check = NULL;

  /* Schema 1 has no crypto table: the prepare fails, and there is no check. */
  if (sqlite3_prepare_v2 (db, "SELECT value FROM crypto WHERE name = 'check'", -1, &stmt,
                          NULL) != SQLITE_OK)
    return NULL;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    check = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  return check;
}

static gboolean
check_existing_file (const char  *path,
                     Existing    *existing,
                     GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = NULL;
  guint8 header[100];
  gboolean empty = FALSE;
  gboolean ok;
  sqlite3 *db;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL,
                            NULL);
  if (info == NULL)
    return TRUE;   /* no file yet: it will be created */
  if (!check_header (path, header, &empty, error))
    return FALSE;
  if (empty)
    return TRUE;

  if (af_store_creating_header (header))
    {
      db = open_being_created (path, error);
      if (db == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  else
    db = open_read_only (path);
  if (db == NULL)
    return refuse_corrupt (path, "SQLite cannot open it", error);
  ok = check_schema (db, path, g_file_info_get_size (info), error);
  if (ok)
    {
      existing->exists = TRUE;
      existing->key_check = read_key_check (db);
    }
  sqlite3_close (db);
  return ok;
}

/* ---- The key -------------------------------------------------------------------------- */

#define KEY_CHECK_TEXT "AuditFlow Desk cache key check"
#define KEY_CHECK_AD "crypto/check"

/* Before anything may write: a cache sealed with another key is refused untouched. */
static gboolean
verify_key (AfCacheKey   *key,
            GBytes       *check,
            const char   *path,
            GError      **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (check, &length);
  g_autoptr(GBytes) plain = af_crypto_open (key, data, length, KEY_CHECK_AD, NULL);

  if (plain != NULL && g_bytes_get_size (plain) == strlen (KEY_CHECK_TEXT)
      && memcmp (g_bytes_get_data (plain, NULL), KEY_CHECK_TEXT, strlen (KEY_CHECK_TEXT)) == 0)
    return TRUE;
  g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_WRONG,
               "The key from the %s does not open the cache %s (it was encrypted with "
               "another key); the cache was left untouched", af_cache_key_get_origin (key), path);
  return FALSE;
}

static gboolean
write_key_check (AfStore  *self,
                 GError  **error)
{
  g_autoptr(GBytes) sealed = af_crypto_seal (self->key, KEY_CHECK_TEXT, strlen (KEY_CHECK_TEXT),
                                             KEY_CHECK_AD);
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "INSERT OR IGNORE INTO crypto (name, value) "
                                                   "VALUES ('check', ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                     SQLITE_TRANSIENT);
  return af_store_step_done (self, stmt, error);
}

/* ---- File modes -------------------------------------------------------------------------- */

/* SQLite creates a database 0644 minus the umask, and its -wal and -shm with the
 * database's own mode: so the database is made 0600 before SQLite first opens it,
 * and whatever an older version left looser is tightened. */
static gboolean
secure_file_modes (const char  *path,
                   GError     **error)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *directory = g_path_get_dirname (path);
  int fd;

  /* mkdir's mode only loses bits to the umask, never gains any: 0700 at most. */
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "%s: cannot create: %s",
                   directory, g_strerror (errno));
      return FALSE;
    }
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "%s: cannot open the cache: %s",
                   path, g_strerror (errno));
      return FALSE;
    }
  close (fd);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_chmod (file, 0600) != 0 && errno != ENOENT)
        {
          g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "%s: cannot make it "
                       "private (chmod 600): %s", file, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- Opening, configuring, migrating --------------------------------------------- */

static gboolean
open_read_write (AfStore  *self,
                 GError  **error)
{
  /* NOMUTEX: an AfStore is used from one thread at a time (af-store.h), so SQLite's
   * per-call connection mutex only costs (a few per cent of a large pull). */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;

  if (!secure_file_modes (self->path, error))
    return FALSE;
  if (sqlite3_open_v2 (self->path, &self->db, flags, NULL) == SQLITE_OK)
    return TRUE;
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_SQLITE, "%s: cannot open the cache: %s",
               self->path, self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
  return FALSE;
}

/* synchronous=FULL: a commit reaches the disk before the call returns, so that an
 * edit the user saw saved survives a power loss, not just a crash of the app (a
 * pull's pages relax it, see af-store-write.c). page_size only takes on a new file:
 * items are 2-4 KiB, so 4 KiB pages would hold one row each and waste a third of the
 * file; 16 KiB pages hold five. A checkpoint every 64 MiB of WAL (not the default
 * 4 MiB) lets the index pages that a large pull touches again and again reach the
 * file once instead of many times; it runs on a thread of its own (wal_hook()).
 * secure_delete: a freed page (an item replaced, a value re-encrypted) is zeroed, so
 * that no old plaintext survives in the file; temp_store = MEMORY keeps SQLite's own
 * temporary files (sorts, VACUUM's copy) off the disk. */
static gboolean
configure (AfStore  *self,
           GError  **error)
{
  static const char *pragmas =
    "PRAGMA page_size = 16384;"
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "PRAGMA secure_delete = ON;"
    "PRAGMA temp_store = MEMORY;"
    "PRAGMA cache_size = " CACHE_SIZE ";"
    "PRAGMA journal_size_limit = " JOURNAL_SIZE_LIMIT ";";

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, TRUE);
  if (!af_store_search_register (self, error))
    return FALSE;
  if (sqlite3_exec (self->db, pragmas, NULL, NULL, NULL) == SQLITE_OK)
    {
      /* Replaces SQLite's own wal_autocheckpoint. */
      sqlite3_wal_hook (self->db, wal_hook, self);
      return TRUE;
    }
  af_store_set_sqlite_error (self, error, "configuring the cache");
  return FALSE;
}

/* The schema a cache is migrated to: an older one only in the tests that make the
 * cache of an older version (af_store_test_set_schema ()). */
static int schema_target = AF_STORE_SCHEMA_VERSION;

void
af_store_test_set_schema (int version)
{
  g_return_if_fail (version >= 1 && version <= AF_STORE_SCHEMA_VERSION);
  schema_target = version;
}

static gboolean
run_migrations (AfStore  *self,
                gint64    from,
                GError  **error)
{
  g_autofree char *set_version = NULL;

  for (gint64 v = from; v < schema_target; v++)
    {
      g_debug ("migrating %s to schema %" G_GINT64_FORMAT, self->path, v + 1);
      if (sqlite3_exec (self->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
        {
          af_store_set_sqlite_error (self, error, "migrating the cache");
          return FALSE;
        }
      if (migration_steps[v] != NULL && !migration_steps[v] (self, error))
        return FALSE;
    }
  set_version = g_strdup_printf ("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                                 schema_target, AF_STORE_APPLICATION_ID);
  if (sqlite3_exec (self->db, set_version, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  af_store_set_sqlite_error (self, error, "migrating the cache");
  return FALSE;
}

/* The version is read again under the write lock: another process may have migrated
 * (or a newer app written) the file since it was checked. */
static gboolean
migrate_in_transaction (AfStore  *self,
                        GError  **error)
{
  gboolean ok;
  gint64 version;

  if (!af_store_begin (self, error))
    return FALSE;
  version = query_int (self->db, "PRAGMA user_version", &ok);
  if (!ok || version > AF_STORE_SCHEMA_VERSION)
    {
      af_store_rollback (self);
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NEWER_SCHEMA,
                   "%s was changed by a newer version of AuditFlow Desk", self->path);
      return FALSE;
    }
  if (version < schema_target && !run_migrations (self, version, error))
    {
      af_store_rollback (self);
      return FALSE;
    }
  /* A cache of schema 1 holds personal data in clear: its encryption is recorded as
   * due in the same transaction, so that it is resumed if it is cut short. */
  if ((version == 1 && !af_store_exec (self, "INSERT OR IGNORE INTO crypto (name, value) "
                                             "VALUES ('migration', 'pending')", error))
      || (self->key != NULL && !write_key_check (self, error)))
    {
      af_store_rollback (self);
      return FALSE;
    }
  if (af_store_commit (self, error))
    return TRUE;
  af_store_rollback (self);
  return FALSE;
}

/* Dropping a table inside a transaction (migration 7, af-store-keys.c) keeps a
 * statement journal of every page it frees, which secure_delete overwrites: with
 * temp_store = MEMORY that journal took 1.2 GiB of the process's memory for a cache of
 * 500,000 items (the sqlite3 shell, VmHWM 1,287 MB against 71 MB). So migrations keep
 * it in a temporary file of SQLite's, deleted as it is opened, which holds what the
 * cache holds (personal values sealed) for the seconds of the migration. secure_delete
 * stays on: the old table's pages keep no copy of a row a later forget-user deletes.
 * SQLite reads the setting when a transaction begins. */
static gboolean
migrate (AfStore  *self,
         GError  **error)
{
  gboolean ok;

  af_store_exec (self, "PRAGMA temp_store = FILE", NULL);
  ok = migrate_in_transaction (self, error);
  af_store_exec (self, "PRAGMA temp_store = MEMORY", NULL);
  return ok;
}

static gboolean
open_with_key (AfStore     *self,
               AfCacheKey  *key,
               GError     **error)
{
  self->key = key != NULL ? af_cache_key_ref (key) : NULL;
  return open_read_write (self, error) && configure (self, error) && migrate (self, error)
         && af_store_finish_migration (self, error)
         && af_store_indexes_restore_orphaned (self, error)
         && af_store_search_side_restore_orphaned (self, error);
}

/* SQLite counts every allocation it makes (memory statistics, which nothing here reads)
 * under a process-wide mutex: a lock and an unlock per malloc and per free, ~2 % of an
 * import's transaction thread. Off, before SQLite initializes (the guard's
 * sqlite3_auto_extension () does); a process that used SQLite before keeps them. */
static void
configure_library (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&done, 1);
    }
}

static AfStore *
open_store (const char  *path,
            gboolean     encrypted,
            GError     **error)
{
  g_autoptr(AfStore) self = NULL;
  g_autoptr(AfCacheKey) key = NULL;
  g_auto(Existing) existing = { FALSE, NULL };

  configure_library ();
  /* Before the first connection: the guard watches connections as they open. */
  af_store_guard_install ();
  if (!check_existing_file (path, &existing, error))
    return NULL;
  if (encrypted)
    {
      /* A new key only for a cache that has none yet: an encrypted cache whose key
       * is lost must be told, not silently given a new one. */
      key = af_cache_key_load (path, existing.key_check == NULL, error);
      if (key == NULL)
        return NULL;
      if (existing.key_check != NULL && !verify_key (key, existing.key_check, path, error))
        return NULL;
    }
  self = g_object_new (AF_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->created = !existing.exists;
  if (!open_with_key (self, key, error))
    return NULL;
  return g_steal_pointer (&self);
}

AfStore *
af_store_open_unencrypted (const char  *path,
                           GError     **error)
{
  return open_store (path, FALSE, error);
}

AfStore *
af_store_open (const char  *path,
               GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return open_store (path, TRUE, error);
}

AfCacheKey *
af_store_get_key (AfStore *self)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  return self->key;
}

const char *
af_store_get_path (AfStore *self)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  return self->path;
}

void
af_store_set_identity (AfStore    *self,
                       const char *email)
{
  g_return_if_fail (AF_IS_STORE (self));

  g_free (self->identity);
  self->identity = (email != NULL && *email != '\0') ? g_strdup (email) : NULL;
}

const char *
af_store_get_identity (AfStore *self)
{
  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  return self->identity;
}

void
af_store_inject_failure (AfStore    *self,
                         const char *point)
{
  g_return_if_fail (AF_IS_STORE (self));

  g_free (self->inject_point);
  self->inject_point = g_strdup (point);
}

gboolean
af_store_injected (AfStore     *self,
                   const char  *point,
                   GError     **error)
{
  if (G_LIKELY (self->inject_point == NULL) || strcmp (self->inject_point, point) != 0)
    return FALSE;
  g_clear_pointer (&self->inject_point, g_free);
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED, "failure injected at %s", point);
  return TRUE;
}

/* ---- Sync state -------------------------------------------------------------------- */

char *
af_store_get_state (AfStore     *self,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (AF_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = af_store_prepare (self, "SELECT value FROM sync_state WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    af_store_set_sqlite_error (self, error, "reading the sync state");
  return NULL;
}

gboolean
af_store_set_state (AfStore     *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_autoptr(AfStmt) stmt = NULL;

  g_return_val_if_fail (AF_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    stmt = af_store_prepare (self, "DELETE FROM sync_state WHERE key = ?", error);
  else
    stmt = af_store_prepare (self, "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                             error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return af_store_step_done (self, stmt, error);
}
