/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The streamed import (af-store-import.c) on files larger than its hand-over window:
 * every item arrives once, sealed; a bad item near the end rolls the whole file back
 * and is named; an item with an unsent edit keeps the edit; expired items are left
 * out and counted.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "af-codec.h"
#include "af-store.h"
#include "af-store-test-private.h"
#include "af-test-util.h"

/* More than the reader may be ahead of the inserts (16 chunks of 64 items), so that
 * it waits for them, and the cancel after a failure meets a waiting reader. */
#define MANY 1500
#define NOTE "Called the employer back"
#define W2_SSN "980-21-9185"

/* @documents (the start of a scan's text, its last item written) and the fixture audits
 * after them, written as file @name of the scratch folder; its path. */
static char *
write_scan_file (const char *name,
                 GString    *documents)
{
  g_autoptr(GPtrArray) audits = af_test_fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(GError) error = NULL;
  char *path = af_test_scratch (name);

  for (guint i = 0; i < audits->len; i++)
    {
      g_string_append (documents, ",\n");
      af_codec_write_item (documents, g_ptr_array_index (audits, i));
    }
  g_string_append (documents, "], \"ScannedCount\": 1}");
  g_file_set_contents (path, documents->str, documents->len, &error);
  g_assert_no_error (error);
  return path;
}

/* @count documents (fixture documents under ids @prefix-N, every other one with a ttl
 * in 2036 instead of 2031, each named @file_name when not NULL, each with @padding bytes
 * of binary attribute, zeros, when not 0) and the fixture audits, in one file; item @broken_at
 * (when < @count) has a number that is not one. */
static char *
write_file_padded (const char *name,
                   const char *prefix,
                   const char *file_name,
                   guint       count,
                   guint       broken_at,
                   gsize       padding)
{
  g_autofree char *padding_text = g_strnfill (padding / 3 * 4, 'A');
  g_autoptr(GPtrArray) documents = af_test_fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GString) out = g_string_new ("{\"Count\": 1, \"Items\": [");

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(AfValue) item = af_value_copy (g_ptr_array_index (documents, i % documents->len));
      g_autofree char *id = g_strdup_printf ("%s-%05u", prefix, i);

      af_value_map_set (item, "document_id", af_value_new_s (id));
      if (file_name != NULL)
        af_value_map_set (item, "file_name", af_value_new_s (file_name));
      if (i % 2 == 1)
        af_value_map_set (item, "ttl", af_value_new_n_int (2100000000));
      if (i > 0)
        g_string_append (out, ",\n");
      if (i == broken_at)
        af_value_map_set (item, "file_size_bytes", af_value_new_n ("12abc"));
      if (padding > 0)
        af_value_map_set (item, "padding", af_value_new_b (padding_text));
      af_codec_write_item (out, item);
    }
  return write_scan_file (name, out);
}

static char *
write_file_full (const char *name,
                 const char *prefix,
                 const char *file_name,
                 guint       count,
                 guint       broken_at)
{
  return write_file_padded (name, prefix, file_name, count, broken_at, 0);
}

static char *
write_file (const char *name,
            guint       count,
            guint       broken_at)
{
  return write_file_full (name, "doc", NULL, count, broken_at);
}

static AfStore *
open_store (const char *name)
{
  g_autofree char *path = af_test_scratch (name);
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static gint64
count (AfStore *store,
       AfTable  table)
{
  AfQuery query = { .table = table };
  g_autoptr(GError) error = NULL;
  gint64 n = af_store_count (store, &query, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_many (void)
{
  g_autoptr(AfStore) store = open_store ("many.db");
  g_autofree char *path = write_file ("many.json", MANY, G_MAXUINT);
  g_autofree char *cache = af_test_scratch ("many.db");
  g_autofree char *bytes = NULL;
  g_autoptr(AfValue) last = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[AF_N_TABLES] = { 0 };
  gsize length;

  g_assert_true (af_store_import_file (store, path, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[AF_TABLE_DOCUMENTS], ==, MANY);
  g_assert_cmpuint (counts[AF_TABLE_AUDITS], ==, 4);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, MANY);

  /* Every item whole, in the order of the file: the last one too. */
  last = af_store_get_item (store, AF_TABLE_DOCUMENTS, "doc-01499", &error);
  g_assert_no_error (error);
  g_assert_nonnull (af_item_get_s (last, "file_name"));

  /* Again: replaced, not added. */
  g_assert_true (af_store_import_file (store, path, counts, &error));
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, MANY);

  /* The W-2's SSN is sealed at rest (the fixture's first document is the W-2). */
  g_clear_object (&store);
  g_file_get_contents (cache, &bytes, &length, &error);
  g_assert_no_error (error);
  g_assert_null (g_strstr_len (bytes, length, W2_SSN));
}

static void
test_broken_near_the_end (void)
{
  g_autoptr(AfStore) store = open_store ("broken.db");
  g_autofree char *path = write_file ("broken.json", MANY, MANY - 10);
  g_autoptr(GError) error = NULL;
  g_autofree char *item = g_strdup_printf ("item %u", MANY - 10);

  g_assert_false (af_store_import_file (store, path, NULL, &error));
  g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_NUMBER);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, item));
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 0);
  g_assert_cmpint (count (store, AF_TABLE_AUDITS), ==, 0);

  /* The store is usable after the rollback. */
  g_clear_error (&error);
  g_free (path);
  path = write_file ("fine.json", 100, G_MAXUINT);
  g_assert_true (af_store_import_file (store, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 100);
}

/* The reader maps a file unless its length is a multiple of the page size (then
 * nothing would follow its last byte in the mapping): both ways give the same items,
 * and a file cut there, in the middle of an item, fails as malformed. */
static void
test_file_lengths (void)
{
  g_autoptr(AfStore) store = open_store ("lengths.db");
  g_autofree char *path = write_file ("lengths.json", 100, G_MAXUINT);
  g_autofree char *padded = af_test_scratch ("lengths-padded.json");
  g_autofree char *cut = af_test_scratch ("lengths-cut.json");
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[AF_N_TABLES] = { 0 };
  gsize page = sysconf (_SC_PAGESIZE), length;
  GString *whole;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  g_assert_cmpuint (length % page, !=, 0);
  whole = g_string_new_len (text, length);
  while (whole->len % page != 0)
    g_string_append_c (whole, '\n');
  g_assert_true (g_file_set_contents (padded, whole->str, whole->len, NULL));
  g_assert_true (g_file_set_contents (cut, text, page * (length / page), NULL));
  g_string_free (whole, TRUE);

  g_assert_true (af_store_import_file (store, path, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[AF_TABLE_DOCUMENTS], ==, 100);
  g_assert_true (af_store_import_file (store, padded, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts[AF_TABLE_DOCUMENTS], ==, 100);
  g_assert_cmpuint (counts[AF_TABLE_AUDITS], ==, 4);

  g_assert_false (af_store_import_file (store, cut, NULL, &error));
  g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 100);
}

/* The inserts fail part-way (after 256 items) while the reader and the preparer are
 * ahead of them: every thread stops, nothing of the file stays, what an earlier file
 * brought is kept, and the same file imports whole afterwards. */
static void
test_insert_fails_part_way (void)
{
  g_autoptr(AfStore) store = open_store ("fails.db");
  g_autofree char *small = write_file ("small.json", 10, G_MAXUINT);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[AF_N_TABLES] = { 0 };

  g_assert_true (af_store_import_file (store, small, NULL, &error));
  g_assert_no_error (error);
  path = write_file ("many-fails.json", MANY, G_MAXUINT);
  af_store_inject_failure (store, "during-import");
  g_assert_false (af_store_import_file (store, path, counts, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 10);

  g_clear_error (&error);
  g_assert_true (af_store_import_file (store, path, counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, MANY);
}

/* Three files through one pipeline, each larger than the reader's window, so that it
 * reads on into the next file while the one before is stored: the second has a bad
 * item near its end. The first and the third are imported whole, in their order (the
 * third's items replace the first's), the second not at all, and only its error
 * names it and its item. */
static void
test_files_one_pipeline (void)
{
  g_autoptr(AfStore) store = open_store ("files.db");
  char *paths[] = {
    write_file_full ("files-1.json", "doc", "first.pdf", MANY, G_MAXUINT),
    write_file_full ("files-2.json", "two", NULL, MANY, MANY - 10),
    write_file_full ("files-3.json", "doc", "third.pdf", MANY, G_MAXUINT),
  };
  g_autofree char *item = g_strdup_printf ("item %u", MANY - 10);
  AfImportCounts counts[G_N_ELEMENTS (paths)];
  GError *errors[G_N_ELEMENTS (paths)] = { NULL };
  g_autoptr(AfValue) first = NULL;
  g_autoptr(AfValue) last = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (af_store_import_files_at (store, (const char *const *) paths,
                                            G_N_ELEMENTS (paths), G_MININT64, counts, errors));
  g_assert_no_error (errors[0]);
  g_assert_no_error (errors[2]);
  g_assert_error (errors[1], AF_CODEC_ERROR, AF_CODEC_ERROR_NUMBER);
  g_assert_nonnull (strstr (errors[1]->message, paths[1]));
  g_assert_nonnull (strstr (errors[1]->message, item));
  g_assert_cmpuint (counts[0].imported[AF_TABLE_DOCUMENTS], ==, MANY);
  g_assert_cmpuint (counts[1].imported[AF_TABLE_DOCUMENTS], ==, 0);
  g_assert_cmpuint (counts[1].imported[AF_TABLE_AUDITS], ==, 0);
  g_assert_cmpuint (counts[2].imported[AF_TABLE_DOCUMENTS], ==, MANY);
  g_assert_cmpuint (counts[2].imported[AF_TABLE_AUDITS], ==, 4);

  /* The second file's items absent, the third's over the first's. */
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, MANY);
  g_assert_null (af_store_get_item (store, AF_TABLE_DOCUMENTS, "two-00000", &error));
  g_clear_error (&error);
  first = af_store_get_item (store, AF_TABLE_DOCUMENTS, "doc-00000", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (first, "file_name"), ==, "third.pdf");
  last = af_store_get_item (store, AF_TABLE_DOCUMENTS, "doc-01499", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (last, "file_name"), ==, "third.pdf");

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_clear_error (&errors[i]);
      g_free (paths[i]);
    }
}

/* Done to the import, stopped (SIGSTOP), when it first reports items stored. */
typedef AfTestCliStopped AtProgress;

/* `auditflow-cli --db @db import @path [@then]`, @at_progress called as soon as it
 * reports items stored in a file's transaction (its debug log); its wait status, and
 * what it wrote to stderr in @out_stderr (nullable). */
static int
import_until_progress (const char  *db,
                       const char  *path,
                       const char  *then,
                       AtProgress   at_progress,
                       gpointer     user_data,
                       char       **out_stderr)
{
  const char *argv[] = { g_getenv ("AF_CLI"), "--db", db, "import", path, then, NULL };
  const char *progress[] = { "import: ", "not committed", NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "G_MESSAGES_DEBUG", "af-store", TRUE);

  return af_test_run_cli_stopped_at (argv, (const char * const *) envp, progress, at_progress,
                                     user_data, out_stderr);
}

/* Runs when the import to kill reports items stored, the import stopped (SIGSTOP). */
typedef void (*WhileStopped) (const char *db);

typedef struct
{
  const char   *db;
  WhileStopped  while_stopped;   /* (nullable) */
} KillAtProgress;

static void
kill_at_progress (GPid     pid,
                  gpointer user_data)
{
  KillAtProgress *kill_at = user_data;

  if (kill_at->while_stopped != NULL)
    kill_at->while_stopped (kill_at->db);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
}

/* `auditflow-cli --db @db import @path [@then]`, killed with SIGKILL as soon as it
 * reports items stored in a file's transaction (its debug log), after @while_stopped
 * (nullable) ran; TRUE when it died of it. */
static gboolean
import_killed_mid_file_full (const char   *db,
                             const char   *path,
                             const char   *then,
                             WhileStopped  while_stopped)
{
  KillAtProgress kill_at = { db, while_stopped };
  int status = import_until_progress (db, path, then, kill_at_progress, &kill_at, NULL);

  return WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL;
}

static gboolean
import_killed_mid_file (const char *db,
                        const char *path,
                        const char *then)
{
  return import_killed_mid_file_full (db, path, then, NULL);
}

/* The raw file @db sound: SQLite's integrity check, then (unless @file_only) FTS5's
 * of the search indexes against their content tables. */
static void
assert_file_sound (const char *db,
                   gboolean    file_only)
{
  static const char * const checks[] = {
    "PRAGMA integrity_check",
    "INSERT INTO documents_search (documents_search, rank) VALUES ('integrity-check', 1)",
    "INSERT INTO audits_search (audits_search, rank) VALUES ('integrity-check', 1)",
  };
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < (file_only ? 1 : G_N_ELEMENTS (checks)); i++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      g_assert_cmpint (sqlite3_prepare_v2 (handle, checks[i], -1, &stmt, NULL), ==, SQLITE_OK);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
      else
        g_assert_cmpint (rc, ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (handle);
}

static void
assert_cache_sound (const char *db)
{
  assert_file_sound (db, FALSE);
}

/* The CLI commits each file without waiting for the disk and syncs once at the end
 * (af_store_set_bulk_import ()): killed in the middle of a file, the cache is
 * as it was before the file — the file's items absent, the index and the cache sound —
 * and the file is imported whole by the next run. */
static void
test_killed_mid_file (void)
{
  g_autofree char *db = af_test_scratch ("killed.db");
  g_autofree char *first = write_file ("killed-first.json", 300, G_MAXUINT);
  g_autofree char *big = write_file ("killed-big.json", 4 * MANY, G_MAXUINT);
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  store = open_store ("killed.db");
  g_assert_true (af_store_import_file (store, first, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_true (import_killed_mid_file (db, big, NULL));
  assert_cache_sound (db);
  store = open_store ("killed.db");
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300);
  g_assert_cmpint (count (store, AF_TABLE_AUDITS), ==, 4);

  g_assert_true (af_store_import_file (store, big, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 4 * MANY);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* Items of the file cut short while the CLI imports it (~17 MiB): the reader, at most 33
 * chunks of 64 items ahead of the inserts, is far from its middle when the inserts first
 * report progress (16 chunks stored: the reader is then at most near item 2,200). */
#define CUT_ITEMS 8000
#define CUT_ID_MARK "cut-id-to-be-replaced"

typedef struct
{
  const char *path;
  goffset     length;
} CutAtProgress;

/* What write_file_full (@name, "big", NULL, CUT_ITEMS, G_MAXUINT) writes, made faster:
 * each fixture document is written once (with either ttl) and its text repeated with the
 * id changed. Under ASan's slow unwinder (run-tests.sh) building the 8,000 items one by
 * one took most of the test: ~16 of 19 s, the CLI's import ~3 s. (Before, each item also
 * carried 4 KiB of padding, ~55 MiB in all: only the items' number matters here.) */
static char *
write_cut_file (const char *name)
{
  g_autoptr(GPtrArray) documents = af_test_fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) out = g_string_new ("{\"Count\": 1, \"Items\": [");

  /* texts[2 d + odd]: document d with the ttl of an even or odd item. */
  for (guint i = 0; i < 2 * documents->len; i++)
    {
      g_autoptr(AfValue) item = af_value_copy (g_ptr_array_index (documents, i / 2));
      GString *text = g_string_new (NULL);

      af_value_map_set (item, "document_id", af_value_new_s (CUT_ID_MARK));
      if (i % 2 == 1)
        af_value_map_set (item, "ttl", af_value_new_n_int (2100000000));
      af_codec_write_item (text, item);
      g_ptr_array_add (texts, g_string_free (text, FALSE));
    }
  for (guint i = 0; i < CUT_ITEMS; i++)
    {
      const char *text = g_ptr_array_index (texts, 2 * (i % documents->len) + i % 2);
      const char *mark = strstr (text, CUT_ID_MARK);

      g_assert_nonnull (mark);
      if (i > 0)
        g_string_append (out, ",\n");
      g_string_append_len (out, text, mark - text);
      g_string_append_printf (out, "big-%05u", i);
      g_string_append (out, mark + strlen (CUT_ID_MARK));
    }
  return write_scan_file (name, out);
}

/* Cuts the file the import reads to the length asked, and lets the import go on. */
static void
cut_at_progress (GPid     pid,
                 gpointer user_data)
{
  CutAtProgress *cut_at = user_data;

  g_assert_cmpint (truncate (cut_at->path, cut_at->length), ==, 0);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
}

/* A file cut short by another process while the CLI reads it, @past_page bytes past a
 * page boundary near its middle: the CLI says which file changed and exits with a
 * failure, not a signal; that file is rolled back, the one before it stays. */
static void
assert_cut_while_imported (goffset past_page)
{
  g_autofree char *db = af_test_scratch ("cut.db");
  g_autofree char *first = write_file_full ("cut-first.json", "first", NULL, 300, G_MAXUINT);
  g_autofree char *big = write_cut_file ("cut-big.json");
  g_autofree char *stderr_text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) kept = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  goffset cut_at;
  int status;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to run is unknown");
      return;
    }
  g_assert_cmpint (g_stat (big, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 16 * 1024 * 1024);
  cut_at = st.st_size / 2 - (st.st_size / 2) % sysconf (_SC_PAGESIZE) + past_page;

  status = import_until_progress (db, first, big, cut_at_progress,
                                  &(CutAtProgress) { big, cut_at }, &stderr_text);
  g_test_message ("the CLI said: %s", stderr_text);
  g_assert_false (WIFSIGNALED (status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 0);
  expected = g_strdup_printf ("%s: it changed (was cut short) while it was imported; "
                              "nothing of it was stored", big);
  g_assert_nonnull (strstr (stderr_text, expected));

  assert_cache_sound (db);
  store = open_store ("cut.db");
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300);
  g_assert_cmpint (count (store, AF_TABLE_AUDITS), ==, 4);
  kept = af_store_get_item (store, AF_TABLE_DOCUMENTS, "first-00299", &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);
  g_assert_null (af_store_get_item (store, AF_TABLE_DOCUMENTS, "big-00000", &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
}

/* Cut on a page boundary, the reader faults on the next page (SIGBUS, af-mapped-guard.h):
 * without the guard the CLI dies of it here. */
static void
test_cut_while_imported (void)
{
  assert_cut_while_imported (0);
}

/* Cut within a page, the rest of that page reads as zeros without a fault and the parser
 * stops at the first: the file's size, asked again, says why. */
static void
test_cut_within_page (void)
{
  assert_cut_while_imported (100);
}

/* The number that @sql (with @text bound, when not NULL) reads from the raw file. */
static gint64
raw_count (const char *db,
           const char *sql,
           const char *text)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return n;
}

/* What the raw file holds: its indexes of its own (the keys' unique indexes too), and
 * the records of indexes deferred by an import (af-store-indexes.c). */
static void
read_indexes (const char *db,
              gint64     *out_indexes,
              gint64     *out_deferred)
{
  *out_indexes = raw_count (db, "SELECT count (*) FROM sqlite_schema WHERE type = 'index' "
                                "AND sql IS NOT NULL", NULL);
  *out_deferred = raw_count (db, "SELECT count (*) FROM sync_state WHERE key LIKE 'index/%'",
                             NULL);
}

/* Sets sync_state's @key to @value in the raw file, the row there already. */
static void
set_state_record (const char *db,
                  const char *key,
                  const char *value)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE sync_state SET value = '%s' WHERE key = '%s'",
                                          value, key);
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_changes (handle), ==, 1);
  sqlite3_close (handle);
}

/* Records @owner ("PID START" or, as older versions wrote it, "PID") as the process
 * whose import deferred the indexes of the raw file. */
static void
set_import_owner_record (const char *db,
                         const char *owner)
{
  set_state_record (db, "index-import", owner);
}

static void
set_import_owner (const char *db,
                  GPid        pid)
{
  g_autofree char *owner = g_strdup_printf ("%d", (int) pid);

  set_import_owner_record (db, owner);
}

/* The pid of a process that has ended. */
static GPid
dead_pid (void)
{
  const char *argv[] = { "true", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  int status;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  return pid;
}

/* Documents of loan @loan, counted by a scan of the table (no index). */
static gint64
count_scanned (const char *db,
               const char *loan)
{
  return raw_count (db, "SELECT count (*) FROM documents NOT INDEXED "
                        "WHERE loan_application_id = ?", loan);
}

static guint search_count (AfStore    *store,
                           const char *text);

/* A bulk import into empty tables drops their indexes and builds them after the files:
 * they are all there at the end, none left recorded, and the queries that use them
 * find the rows as a scan of the table does. */
static void
test_bulk_deferred_indexes (void)
{
  /* Not new when the import starts: a new cache would be held exclusively until the
   * bulk ends (test_killed_creating ()), and the raw file is read in between. */
  AfStore *created = open_store ("deferred.db");
  g_autoptr(AfStore) store = (g_object_unref (created), open_store ("deferred.db"));
  g_autofree char *db = af_test_scratch ("deferred.db");
  g_autofree char *path = write_file_full ("deferred.json", "doc", "deferred.pdf", MANY, G_MAXUINT);
  g_autofree char *more = write_file_full ("deferred-more.json", "more", "more.pdf", 10, G_MAXUINT);
  AfQuery by_loan = { .table = AF_TABLE_DOCUMENTS };
  g_autoptr(AfValue) first = NULL;
  g_autoptr(GError) error = NULL;
  gint64 indexes = 0, after = 0, deferred = 0, n_by_loan;

  read_indexes (db, &indexes, &deferred);
  g_assert_cmpint (indexes, >, 10);
  af_store_set_bulk_import (store, TRUE);
  g_assert_true (af_store_import_file (store, path, NULL, &error));
  g_assert_no_error (error);
  read_indexes (db, &after, &deferred);
  g_assert_cmpint (after, ==, indexes);
  g_assert_cmpint (deferred, ==, 0);
  g_assert_true (af_store_import_file (store, more, NULL, &error));
  g_assert_no_error (error);
  af_store_set_bulk_import (store, FALSE);

  read_indexes (db, &after, &deferred);
  g_assert_cmpint (after, ==, indexes);
  g_assert_cmpint (deferred, ==, 0);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, MANY + 10);
  g_assert_cmpuint (search_count (store, "deferred"), ==, MANY);
  first = af_store_get_item (store, AF_TABLE_DOCUMENTS, "doc-00000", &error);
  g_assert_no_error (error);
  by_loan.loan_id = af_item_get_s (first, "loan_application_id");
  g_assert_nonnull (by_loan.loan_id);
  n_by_loan = af_store_count (store, &by_loan, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n_by_loan, >, 0);
  g_assert_cmpint (n_by_loan, ==, count_scanned (db, by_loan.loan_id));
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* The cache @db of an import into a new cache killed between two files: the indexes a
 * new cache has in @out_indexes, those left in @db in @out_after, the others recorded. */
static void
kill_deferring_import (const char *db,
                       gint64     *out_indexes,
                       gint64     *out_after)
{
  g_autofree char *reference = af_test_scratch ("killed-reference.db");
  g_autofree char *first = write_file_full ("killed-deferred-first.json", "first", "firstfile.pdf",
                                            300, G_MAXUINT);
  g_autofree char *big = write_file ("killed-deferred-big.json", 4 * MANY, G_MAXUINT);
  g_autoptr(AfStore) store = open_store ("killed-reference.db");
  gint64 deferred = 0;

  g_clear_object (&store);
  read_indexes (reference, out_indexes, &deferred);

  g_assert_true (import_killed_mid_file (db, first, big));
  /* The search index, built beside the import (af-store-search-side.c), is not in the
   * cache yet: the first file's rows are missing from it, and the import is recorded
   * for the next open to rebuild it. */
  assert_file_sound (db, TRUE);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM sync_state WHERE key = 'search-import'",
                              NULL), ==, 1);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM documents_search "
                                  "WHERE documents_search MATCH 'pdf'", NULL), ==, 0);
  read_indexes (db, out_after, &deferred);
  g_assert_cmpint (*out_after, <, *out_indexes);
  g_assert_cmpint (deferred, ==, *out_indexes - *out_after);
}

/* Killed between two files of an import into a new cache: the first file's rows are
 * there, the indexes it deferred are still recorded (and absent), the cache sound; an
 * open while the importing process would still run leaves them; the next open after
 * it ended builds them, the records go, and the rows are found. */
static void
test_killed_with_deferred_indexes (void)
{
  g_autofree char *db = af_test_scratch ("killed-deferred.db");
  g_autoptr(AfStore) store = NULL;
  gint64 indexes = 0, after = 0, after_live = 0, deferred = 0;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  kill_deferring_import (db, &indexes, &after);

  /* While the importing process lives (here: this one), an open leaves them to it. */
  set_import_owner (db, getpid ());
  store = open_store ("killed-deferred.db");
  g_clear_object (&store);
  read_indexes (db, &after_live, &deferred);
  g_assert_cmpint (after_live, ==, after);
  g_assert_cmpint (deferred, ==, indexes - after);

  set_import_owner (db, dead_pid ());
  store = open_store ("killed-deferred.db");
  read_indexes (db, &after, &deferred);
  g_assert_cmpint (after, ==, indexes);
  g_assert_cmpint (deferred, ==, 0);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300);
  g_assert_cmpuint (search_count (store, "firstfile"), ==, 300);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* The keys' unique indexes (af-store-keys.c) are deferred with the others by an import
 * into empty tables, which keeps the keys unique itself: killed between two files, the
 * import leaves documents_key recorded and absent; the next open after it ended builds
 * it again from the committed files (no key twice), and a pull's upsert then updates
 * a row in place (its rowid kept) and inserts a new one beside it. */
static void
test_killed_keys (void)
{
  g_autofree char *db = af_test_scratch ("killed-keys.db");
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(AfValue) renamed = NULL;
  g_autoptr(GError) error = NULL;
  gint64 indexes = 0, after = 0, rowid;
  const char *key_index = "SELECT count (*) FROM pragma_index_list ('documents') "
                          "WHERE name = 'documents_key' AND \"unique\"";

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  kill_deferring_import (db, &indexes, &after);
  g_assert_cmpint (raw_count (db, key_index, NULL), ==, 0);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM sync_state "
                                  "WHERE key = 'index/documents_key'", NULL), ==, 1);

  set_import_owner (db, dead_pid ());
  store = open_store ("killed-keys.db");
  g_assert_cmpint (raw_count (db, key_index, NULL), ==, 1);
  rowid = raw_count (db, "SELECT rowid FROM documents WHERE document_id = ?", "first-00005");
  renamed = af_store_get_item (store, AF_TABLE_DOCUMENTS, "first-00005", &error);
  g_assert_no_error (error);
  af_value_map_set (renamed, "file_name", af_value_new_s ("renamed.pdf"));
  g_ptr_array_add (page, af_value_ref (renamed));
  g_ptr_array_add (page, af_value_copy (renamed));
  af_value_map_set (page->pdata[1], "document_id", af_value_new_s ("pulled-00001"));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, page, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 301);
  g_assert_cmpint (raw_count (db, "SELECT rowid FROM documents WHERE document_id = ?",
                              "first-00005"), ==, rowid);
  g_assert_cmpuint (search_count (store, "renamed"), ==, 2);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* Runs @sql on the raw file @db. */
static void
raw_exec (const char *db,
          const char *sql)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

/* While an import that runs in another process has a table's key index deferred (it
 * keeps that table's keys unique itself: af-store-keys.c), a pull into that table
 * writes nothing and says why (AF_STORE_ERROR_BUSY) rather than quote SQLite; once the
 * importer is gone, the next open builds the index, and the pull goes through. */
static void
test_write_while_keys_deferred (void)
{
  g_autofree char *db = af_test_scratch ("keys-deferred.db");
  g_autofree char *owner = NULL;
  g_autofree char *records = NULL;
  g_autoptr(AfStore) store = open_store ("keys-deferred.db");
  g_autoptr(GPtrArray) page = af_test_fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GError) error = NULL;
  guint64 start = 0;

  g_clear_object (&store);
  g_assert_true (af_store_process_start_time (getpid (), &start));
  owner = g_strdup_printf ("%d %" G_GUINT64_FORMAT, (int) getpid (), start);
  records = g_strdup_printf ("DROP INDEX documents_key;"
                             "INSERT INTO sync_state (key, value) VALUES ('index/documents_key',"
                             " 'CREATE UNIQUE INDEX documents_key ON documents (document_id)'),"
                             " ('index-import', '%s');", owner);
  raw_exec (db, records);

  store = open_store ("keys-deferred.db");
  g_assert_false (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, page, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "documents table"));
  g_clear_error (&error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 0);
  g_clear_object (&store);

  set_import_owner (db, dead_pid ());
  store = open_store ("keys-deferred.db");
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, page, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, page->len);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM pragma_index_list ('documents') "
                                  "WHERE name = 'documents_key' AND \"unique\"", NULL), ==, 1);
}

/* Words the documents of kill_deferring_import ()'s first file hold, in their name or
 * their loan id. */
static const char * const killed_words[] = { "firstfile", "pdf", "loan", "first" };

/* Killed while its search index was built beside it, an import into a new cache leaves
 * the index without the rows of the files committed before: an open while the importing
 * process would still run leaves the rebuild to it; the next open after it ended rebuilds
 * the index, the record goes, and the search finds what a scan of the texts finds. */
static void
test_killed_search_side (void)
{
  g_autofree char *db = af_test_scratch ("killed-side.db");
  g_autofree char *alive = NULL;
  g_autofree char *dead = NULL;
  g_autoptr(AfStore) store = NULL;
  gint64 indexes = 0, after = 0;
  guint64 start = 0;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  kill_deferring_import (db, &indexes, &after);

  g_assert_true (af_store_process_start_time (getpid (), &start));
  alive = g_strdup_printf ("%d %" G_GUINT64_FORMAT, (int) getpid (), start);
  set_state_record (db, "search-import", alive);
  store = open_store ("killed-side.db");
  g_clear_object (&store);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM sync_state WHERE key = 'search-import'",
                              NULL), ==, 1);
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM documents_search "
                                  "WHERE documents_search MATCH 'pdf'", NULL), ==, 0);

  dead = g_strdup_printf ("%d", (int) dead_pid ());
  set_state_record (db, "search-import", dead);
  store = open_store ("killed-side.db");
  g_assert_cmpint (raw_count (db, "SELECT count (*) FROM sync_state WHERE key = 'search-import'",
                              NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (killed_words); i++)
    {
      gint64 scanned = raw_count (db, "SELECT count (*) FROM documents "
                                      "WHERE instr (search_text, ?) > 0", killed_words[i]);

      g_assert_cmpint (scanned, >, 0);
      g_assert_cmpint (search_count (store, killed_words[i]), ==, scanned);
    }
  g_assert_cmpuint (search_count (store, "firstfile"), ==, 300);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* The importer that deferred the indexes is recorded by its pid and its start time: a
 * live process of that pid that started at another time (the pid reused after the
 * importer was killed) does not keep the next open from building them. Here the pid is
 * our parent's, alive all along. */
static void
test_deferred_indexes_pid_reused (void)
{
  g_autofree char *db = af_test_scratch ("killed-deferred.db");
  g_autofree char *owner = NULL;
  g_autoptr(AfStore) store = NULL;
  gint64 indexes = 0, after = 0, after_live = 0, deferred = 0;
  guint64 start = 0;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  kill_deferring_import (db, &indexes, &after);
  g_assert_true (af_store_process_start_time (getppid (), &start));
  g_assert_cmpuint (start, >, 0);

  /* Its pid and its start time: alive, the indexes are left to it. */
  owner = g_strdup_printf ("%d %" G_GUINT64_FORMAT, (int) getppid (), start);
  set_import_owner_record (db, owner);
  store = open_store ("killed-deferred.db");
  g_clear_object (&store);
  read_indexes (db, &after_live, &deferred);
  g_assert_cmpint (after_live, ==, after);
  g_assert_cmpint (deferred, ==, indexes - after);

  /* Its pid, another start time: another process, the indexes are built. */
  g_free (owner);
  owner = g_strdup_printf ("%d %" G_GUINT64_FORMAT, (int) getppid (), start + 1);
  set_import_owner_record (db, owner);
  store = open_store ("killed-deferred.db");
  read_indexes (db, &after, &deferred);
  g_assert_cmpint (after, ==, indexes);
  g_assert_cmpint (deferred, ==, 0);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* `auditflow-cli list documents` on the cache that the stopped import is creating: it
 * waits for its busy timeout, then says why, and the cache is not touched. */
static void
list_while_created (const char *db)
{
  g_autofree char *dir = af_test_scratch ("created-home");
  const char *args[] = { "list", "documents", NULL };
  g_auto(AfTestRun) run = { 0 };
  gint64 start = g_get_monotonic_time ();

  af_test_run_cli (dir, db, NULL, args, &run);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "the cache is busy: an import is creating it"));
  g_assert_null (strstr (run.err, "damaged"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
}

/* Bytes 18 and 19 of the raw file's header say WAL mode (2), not a rollback journal (1). */
static gboolean
in_wal_mode (const char *db)
{
  g_autofree char *header = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (db, &header, &length, NULL));
  return length >= 100 && header[18] == 2 && header[19] == 2;
}

/* An import into a new cache builds it with a rollback journal, held exclusively
 * (af-store-creating.c): another command meanwhile is told so; killed in the middle of
 * its second file, the cache opens (the CLI lists it) with exactly the first file, the
 * deferred indexes built and the journal's file rolled back, and is in WAL mode again. */
static void
test_killed_creating (void)
{
  g_autofree char *db = af_test_scratch ("killed-creating.db");
  g_autofree char *dir = af_test_scratch ("killed-creating-home");
  g_autofree char *first = write_file_full ("killed-creating-first.json", "first", "createdfile.pdf",
                                            300, G_MAXUINT);
  g_autofree char *big = write_file ("killed-creating-big.json", 4 * MANY, G_MAXUINT);
  g_autofree char *journal = g_strconcat (db, "-journal", NULL);
  const char *args[] = { "list", "documents", "--limit", "1000", NULL };
  g_auto(AfTestRun) run = { 0 };
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 indexes = 0, deferred = 0;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  g_assert_true (import_killed_mid_file_full (db, first, big, list_while_created));
  /* Killed in the middle of a transaction: its journal is there, to be rolled back. */
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  af_test_run_cli (dir, db, NULL, args, &run);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\n300 documents\n"));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_true (in_wal_mode (db));
  assert_cache_sound (db);
  read_indexes (db, &indexes, &deferred);
  g_assert_cmpint (deferred, ==, 0);

  store = open_store ("killed-creating.db");
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300);
  g_assert_cmpint (count (store, AF_TABLE_AUDITS), ==, 4);
  g_assert_cmpuint (search_count (store, "createdfile"), ==, 300);
  g_assert_true (af_store_import_file (store, big, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 300 + 4 * MANY);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* In bulk, an import commits at synchronous=NORMAL and puts FULL back for what follows
 * (an edit must never commit NORMAL), even when the file fails; af_store_sync () then
 * succeeds; the larger cache lasts until the bulk ends. */
static void
test_bulk_import (void)
{
  g_autoptr(AfStore) store = open_store ("bulk.db");
  g_autofree char *path = write_file ("bulk.json", 100, G_MAXUINT);
  g_autofree char *broken = write_file ("bulk-broken.json", 100, 50);
  g_autofree char *db = af_test_scratch ("bulk.db");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *wal_text = NULL;
  gsize wal_length = G_MAXSIZE;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (af_store_test_pragma (store, "cache_size"), ==, -65536);
  g_assert_cmpint (af_store_test_pragma (store, "journal_size_limit"), ==, 67108864);
  af_store_set_bulk_import (store, TRUE);
  g_assert_cmpint (af_store_test_pragma (store, "cache_size"), ==, -131072);
  /* The WAL's file is not cut back each time it starts over: its pages are written again. */
  g_assert_cmpint (af_store_test_pragma (store, "journal_size_limit"), ==, -1);
  g_assert_true (af_store_import_file (store, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (af_store_test_pragma (store, "synchronous"), ==, 2);
  g_assert_false (af_store_import_file (store, broken, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpint (af_store_test_pragma (store, "synchronous"), ==, 2);
  af_store_set_bulk_import (store, FALSE);
  g_assert_cmpint (af_store_test_pragma (store, "cache_size"), ==, -65536);
  g_assert_cmpint (af_store_test_pragma (store, "journal_size_limit"), ==, 67108864);
  /* The deferred indexes were built with temp_store = FILE; MEMORY (2) is back. */
  g_assert_cmpint (af_store_test_pragma (store, "temp_store"), ==, 2);
  g_assert_true (af_store_sync (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 100);
  /* The writer does not checkpoint in bulk: the end of the bulk does, to an empty WAL. */
  g_assert_true (g_file_get_contents (wal, &wal_text, &wal_length, NULL));
  g_assert_cmpuint (wal_length, ==, 0);
  g_clear_object (&store);
  assert_cache_sound (db);
}

static guint
search_count (AfStore     *store,
              const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = af_store_search (store, AF_TABLE_DOCUMENTS, text, 0, &error);

  g_assert_no_error (error);
  return found->len;
}

/* A file's new rows enter the search index all at once before its commit
 * (af_store_search_catch_up ()): every one is found, an id twice in the same file by
 * its last name only, a row already cached and renamed by its new name only; a file
 * that fails leaves the index as it was; the index stays sound. */
static void
test_search_after_file (void)
{
  g_autoptr(AfStore) store = open_store ("search.db");
  g_autofree char *before = write_file_full ("search-0.json", "kept", "oldname.pdf", 10, G_MAXUINT);
  g_autofree char *renamed = write_file_full ("search-1.json", "kept", "newname.pdf", 2, G_MAXUINT);
  g_autofree char *first = write_file_full ("search-2.json", "twice", "firstname.pdf", 5, G_MAXUINT);
  g_autofree char *second = write_file_full ("search-3.json", "twice", "lastname.pdf", 5, G_MAXUINT);
  g_autofree char *broken = write_file_full ("search-4.json", "gone", "brokenname.pdf", 100, 50);
  g_autofree char *both = af_test_scratch ("search-both.json");
  g_autofree char *first_text = NULL, *second_text = NULL, *both_text = NULL;
  g_autofree char *db = af_test_scratch ("search.db");
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_import_file (store, before, NULL, &error));
  g_assert_no_error (error);
  /* One file holding ids twice-00000..4 named firstname, then again named lastname. */
  g_assert_true (g_file_get_contents (first, &first_text, NULL, NULL));
  g_assert_true (g_file_get_contents (second, &second_text, NULL, NULL));
  first_text[strlen (first_text) - strlen ("], \"ScannedCount\": 1}")] = '\0';
  both_text = g_strconcat (first_text, ",\n", strchr (second_text, '[') + 1, NULL);
  g_assert_true (g_file_set_contents (both, both_text, -1, NULL));
  g_assert_true (af_store_import_file (store, both, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (af_store_import_file (store, renamed, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (af_store_import_file (store, broken, NULL, &error));
  g_clear_error (&error);

  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 15);
  g_assert_cmpuint (search_count (store, "oldname"), ==, 8);
  g_assert_cmpuint (search_count (store, "newname"), ==, 2);
  g_assert_cmpuint (search_count (store, "lastname"), ==, 5);
  g_assert_cmpuint (search_count (store, "firstname"), ==, 0);
  g_assert_cmpuint (search_count (store, "brokenname"), ==, 0);
  g_clear_object (&store);
  assert_cache_sound (db);
}

/* An audit with a note not yet sent: importing the file again keeps the note on top. */
static void
test_keeps_unsent_edit (void)
{
  g_autoptr(AfStore) store = open_store ("edit.db");
  g_autofree char *path = write_file ("edit.json", 300, G_MAXUINT);
  g_autoptr(GPtrArray) audits = af_test_fixture_items ("AuditFlow-AuditRecords.json");
  const char *audit_id = af_item_get_s (g_ptr_array_index (audits, 0), "audit_record_id");
  g_autoptr(AfValue) audit = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (af_store_import_file (store, path, NULL, &error));
  af_store_set_identity (store, "reviewer@example.com");
  g_assert_true (af_store_set_review_notes (store, audit_id, NOTE, &error));
  g_assert_no_error (error);

  g_assert_true (af_store_import_file (store, path, NULL, &error));
  g_assert_no_error (error);
  audit = af_store_get_item (store, AF_TABLE_AUDITS, audit_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (audit, "review_notes"), ==, NOTE);
}

/* The fixture audits and documents expire in 2031: at a "now" in 2033 they are left
 * out and counted, the documents given a ttl in 2036 are imported. */
static void
test_expired_left_out (void)
{
  g_autoptr(AfStore) store = open_store ("expired.db");
  g_autofree char *path = write_file ("expired.json", 200, G_MAXUINT);
  g_autoptr(GError) error = NULL;
  AfImportCounts counts;

  g_assert_true (af_store_import_file_at (store, path, 2000000000, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.imported[AF_TABLE_AUDITS], ==, 0);
  g_assert_cmpuint (counts.expired[AF_TABLE_AUDITS], ==, 4);
  g_assert_cmpuint (counts.imported[AF_TABLE_DOCUMENTS], ==, 100);
  g_assert_cmpuint (counts.expired[AF_TABLE_DOCUMENTS], ==, 100);
  g_assert_cmpint (count (store, AF_TABLE_AUDITS), ==, 0);
  g_assert_cmpint (count (store, AF_TABLE_DOCUMENTS), ==, 100);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-store-import-XXXXXX");

  g_test_add_func ("/store-import/many", test_many);
  g_test_add_func ("/store-import/broken-near-the-end", test_broken_near_the_end);
  g_test_add_func ("/store-import/file-lengths", test_file_lengths);
  g_test_add_func ("/store-import/insert-fails-part-way", test_insert_fails_part_way);
  g_test_add_func ("/store-import/keeps-unsent-edit", test_keeps_unsent_edit);
  g_test_add_func ("/store-import/expired-left-out", test_expired_left_out);
  g_test_add_func ("/store-import/killed-mid-file", test_killed_mid_file);
  g_test_add_func ("/store-import/files-one-pipeline", test_files_one_pipeline);
  g_test_add_func ("/store-import/bulk", test_bulk_import);
  g_test_add_func ("/store-import/bulk-deferred-indexes", test_bulk_deferred_indexes);
  g_test_add_func ("/store-import/killed-with-deferred-indexes", test_killed_with_deferred_indexes);
  g_test_add_func ("/store-import/deferred-indexes-pid-reused", test_deferred_indexes_pid_reused);
  g_test_add_func ("/store-import/killed-search-side", test_killed_search_side);
  g_test_add_func ("/store-import/killed-keys", test_killed_keys);
  g_test_add_func ("/store-import/write-while-keys-deferred", test_write_while_keys_deferred);
  g_test_add_func ("/store-import/search-after-file", test_search_after_file);
  g_test_add_func ("/store-import/killed-creating", test_killed_creating);
  g_test_add_func ("/store-import/cut-while-imported", test_cut_while_imported);
  g_test_add_func ("/store-import/cut-within-page", test_cut_within_page);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
