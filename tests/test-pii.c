/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Personal data at rest: after an import and a PII correction under umask 000, no byte
 * of the cache (db, -wal, -shm) holds any fixture PII value in UTF-8, UTF-16LE, base64
 * or hex, while every read gives the values back; a tampered or moved ciphertext is an
 * integrity failure for that item (shown "***", never edited, its outbox entry never
 * sent); a cache written by the previous version (tests/data/cache-schema1.db) and its
 * plaintext objects are encrypted in place, also when the CLI doing it is killed at
 * several of its steps (rows, objects, compaction); masking.
 */
#define _GNU_SOURCE  /* memmem */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "af-codec.h"
#include "af-crypto.h"
#include "af-object-path.h"
#include "af-objects.h"
#include "af-pii.h"
#include "af-store.h"
#include "pii-scan.h"
#include "af-test-util.h"

#define W2_DOCUMENT "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"
#define W2_SSN "980-21-9185"
#define OTHER_W2 "38df24e7-2df3-49b7-9034-36c4664353bf"
#define TAX_FORM "7cb9a36e-0cb8-4d62-b9ce-ec804ba8f25b"
#define REVIEWER "reviewer@example.com"

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", name, NULL);
}

static guint
scan_cache (const char *db,
            GPtrArray  *values)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };
  guint hits = 0;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      hits += pii_scan_file (path, values);
    }
  return hits;
}

/* ---- Helpers ------------------------------------------------------------------------- */

static AfStore *
open_at (const char *path)
{
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
import_documents_and_audits (AfStore *store)
{
  static const char * const files[] = { "AuditFlow-Documents.json", "AuditFlow-AuditRecords.json" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = fixture_path (files[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (af_store_import_file (store, path, NULL, &error));
      g_assert_no_error (error);
    }
}

static const char *
extracted_value (const AfValue *item,
                 const char    *field)
{
  AfValue *data = af_value_map_get (item, "extracted_data");
  AfValue *entry = data != NULL ? af_value_map_get (data, field) : NULL;

  return entry != NULL ? af_item_get_s (entry, "value") : NULL;
}

/* Runs SQL on the file with a connection of its own (the test plays the attacker). */
static void
exec_sql (const char *db,
          const char *sql)
{
  sqlite3 *handle = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (handle);
}

/* Changes one character in the middle of the first sealed value of the row @select
 * finds (rowid, text), written back with @update (text, rowid). */
static void
tamper (const char *db,
        const char *select,
        const char *update)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *text = NULL;
  gint64 rowid;
  char *sealed;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, select, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  rowid = sqlite3_column_int64 (stmt, 0);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  sealed = strstr (text, "\"B\":\"QUZTM");
  g_assert_nonnull (sealed);
  sealed += 40;
  *sealed = *sealed == 'A' ? 'B' : 'A';
  g_assert_cmpint (sqlite3_prepare_v2 (handle, update, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, rowid);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
}

/* ---- Tests --------------------------------------------------------------------------- */

static void
test_no_plaintext_at_rest (void)
{
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(GPtrArray) values = pii_scan_fixture_values ();
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old = umask (0);

  store = open_at (db);
  import_documents_and_audits (store);
  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_add_correction (store, W2_DOCUMENT, "employee_ssn", "980-21-9158", NULL,
                                          &error));
  g_assert_no_error (error);
  umask (old);

  /* While the store is open (the WAL holds the latest pages) and after it closed. */
  g_assert_cmpuint (scan_cache (db, values), ==, 0);

  /* Reads give everything back. */
  item = af_store_get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (extracted_value (item, "employee_ssn"), ==, W2_SSN);
  g_assert_null (af_value_map_get (item, AF_PII_INTEGRITY_ATTRIBUTE));
  outbox = af_store_outbox_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  {
    AfOutboxEntry *entry = g_ptr_array_index (outbox, 0);
    AfValue *correction = af_value_list_nth (af_value_map_get (entry->changes, "corrections"), 0);

    g_assert_false (entry->integrity_failed);
    g_assert_cmpstr (af_item_get_s (correction, "original_value"), ==, W2_SSN);
    g_assert_cmpstr (af_item_get_s (correction, "corrected_value"), ==, "980-21-9158");
  }
  g_clear_object (&store);
  g_assert_cmpuint (scan_cache (db, values), ==, 0);
  /* The scan does find them where they are in clear: it is not blind. */
  {
    g_autofree char *fixture = fixture_path ("AuditFlow-Documents.json");

    g_assert_cmpuint (pii_scan_file (fixture, values), >, 0);
  }
}

static void
test_tampered_value (void)
{
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) other = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  AfStore *store = open_at (db);
  AfValue *failures;

  import_documents_and_audits (store);
  af_store_set_identity (store, REVIEWER);
  g_assert_true (af_store_add_correction (store, OTHER_W2, "employee_ssn", "916-12-4628", NULL,
                                          &error));
  g_assert_no_error (error);
  g_object_unref (store);

  /* One character in the middle of the W-2's sealed SSN changed; the same in the
   * sealed values of the other W-2's outbox entry. */
  tamper (db, "SELECT rowid, item FROM documents WHERE document_id = '" W2_DOCUMENT "'",
          "UPDATE documents SET item = ? WHERE rowid = ?");
  tamper (db, "SELECT rowid, changes FROM outbox WHERE item_id = '" OTHER_W2 "'",
          "UPDATE outbox SET changes = ? WHERE rowid = ?");

  store = open_at (db);
  item = af_store_get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (extracted_value (item, "employee_ssn"), ==, "***");
  g_assert_nonnull (af_value_map_get (item, AF_PII_INTEGRITY_ATTRIBUTE));
  /* The rest of the item is there. */
  g_assert_cmpstr (extracted_value (item, "employee_name"), ==, "Emily R. Carter");

  outbox = af_store_outbox_list (store, &error);
  g_assert_no_error (error);
  g_assert_true (((AfOutboxEntry *) g_ptr_array_index (outbox, 0))->integrity_failed);
  g_object_unref (store);

  /* A sealed value moved from one document to another does not open there: the 1040's
   * row gets the W-2's text with only its key changed. */
  exec_sql (db, "UPDATE documents SET item = replace((SELECT item FROM documents WHERE "
                "document_id = '" TAX_FORM "'), '\"S\":\"" TAX_FORM "\"', '\"S\":\"" OTHER_W2 "\"') "
                "WHERE document_id = '" OTHER_W2 "'");
  store = open_at (db);
  af_store_set_identity (store, REVIEWER);
  other = af_store_get_item (store, AF_TABLE_DOCUMENTS, OTHER_W2, &error);
  g_assert_no_error (error);
  failures = af_value_map_get (other, AF_PII_INTEGRITY_ATTRIBUTE);
  g_assert_nonnull (failures);
  g_assert_cmpuint (af_value_list_length (failures), >=, 1);
  g_assert_cmpstr (extracted_value (other, "ssn"), ==, "***");
  /* Such an item is not edited: the correction would carry "***" as the original. */
  g_assert_false (af_store_add_correction (store, OTHER_W2, "employee_name", "X", NULL, &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INTEGRITY);
  g_assert_null (strstr (error->message, W2_SSN));
  g_object_unref (store);
}

static void
test_mask (void)
{
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(AfStore) store = open_at (db);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) masked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *m;

  m = af_pii_mask_text ("980-21-9185");
  g_assert_cmpstr (m, ==, "***-**-9185");
  g_free (m);
  m = af_pii_mask_text ("07/22/1991");
  g_assert_cmpstr (m, ==, "**/**/1991");
  g_free (m);
  m = af_pii_mask_text ("1234");
  g_assert_cmpstr (m, ==, "****");
  g_free (m);

  import_documents_and_audits (store);
  item = af_store_get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT, &error);
  g_assert_no_error (error);
  masked = af_pii_mask (AF_TABLE_DOCUMENTS, item);
  g_assert_cmpstr (extracted_value (masked, "employee_ssn"), ==, "***-**-9185");
  g_assert_cmpstr (extracted_value (masked, "employee_name"), ==, "Emily R. Carter");
  text = af_codec_item_to_string (masked);
  g_assert_null (strstr (text, W2_SSN));
}

/* ---- Migration ------------------------------------------------------------------------- */

static const char *
signature_of (const guint8 *data,
              gsize         length)
{
  if (length >= 4 && memcmp (data, "%PDF", 4) == 0)
    return "PDF";
  if (length >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "JPEG";
  if (length >= 4 && memcmp (data, "\x89PNG", 4) == 0)
    return "PNG";
  if (length >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "TIFF";
  return NULL;
}

/* Plants the demo's loan documents in the object cache as the previous version kept
 * them: in clear, named by their SHA-256. */
static GPtrArray *
plant_plain_objects (const char *objects_dir)
{
  g_autofree char *manifest = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "s3-manifest.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *hashes = g_ptr_array_new_with_free_func (g_free);
  JsonArray *objects;

  g_assert_true (json_parser_load_from_file (parser, manifest, NULL));
  objects = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "objects");
  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);
      const char *sha256 = json_object_get_string_member (object, "sha256");
      g_autofree char *source = g_build_filename (g_getenv ("AF_FIXTURES_DIR"),
                                                  json_object_get_string_member (object, "file"), NULL);
      g_autofree char *path = af_object_path (objects_dir, sha256);
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_str_equal (json_object_get_string_member (object, "bucket"), "auditflow-documents-dev"))
        continue;
      g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (path, contents, length, NULL));
      g_ptr_array_add (hashes, g_strdup (sha256));
    }
  return hashes;
}

static void
assert_objects_sealed (const char *objects_dir,
                       AfCacheKey *key,
                       GPtrArray  *hashes)
{
  for (guint i = 0; i < hashes->len; i++)
    {
      g_autofree char *path = af_object_path (objects_dir, g_ptr_array_index (hashes, i));
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_null (signature_of ((const guint8 *) contents, length));
      bytes = af_objects_read (key, objects_dir, g_ptr_array_index (hashes, i), &error);
      g_assert_no_error (error);
      g_assert_nonnull (signature_of (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
    }
}

static void
assert_migrated (const char *db,
                 const char *objects_dir,
                 GPtrArray  *hashes)
{
  g_autoptr(GPtrArray) values = pii_scan_fixture_values ();
  g_autoptr(AfStore) store = open_at (db);
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  AfQuery query = { .table = AF_TABLE_DOCUMENTS };

  g_assert_cmpint (af_store_count (store, &query, &error), ==, 12);
  query.table = AF_TABLE_AUDITS;
  g_assert_cmpint (af_store_count (store, &query, &error), ==, 4);
  item = af_store_get_item (store, AF_TABLE_DOCUMENTS, W2_DOCUMENT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (extracted_value (item, "employee_ssn"), ==, W2_SSN);
  g_assert_null (af_value_map_get (item, AF_PII_INTEGRITY_ATTRIBUTE));
  outbox = af_store_outbox_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 2);
  assert_objects_sealed (objects_dir, af_store_get_key (store), hashes);
  g_clear_object (&store);
  g_assert_cmpuint (scan_cache (db, values), ==, 0);
}

static char *
copy_schema1 (void)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "cache-schema1.db", NULL);
  g_autofree char *contents = NULL;
  char *db = af_test_scratch ("cache.db");
  gsize length = 0;

  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (db, contents, length, NULL));
  return db;
}

static void
reset_objects (const char *objects_dir)
{
  /* Absent the first time. */
  af_test_remove_tree (objects_dir);
}

static void
test_migration (void)
{
  g_autofree char *db = copy_schema1 ();
  g_autofree char *objects_dir = af_objects_default_dir ();
  g_autoptr(GPtrArray) values = pii_scan_fixture_values ();
  g_autoptr(GPtrArray) hashes = NULL;

  reset_objects (objects_dir);
  hashes = plant_plain_objects (objects_dir);
  /* The fixture really is in clear (else this test proves nothing). */
  g_assert_cmpuint (scan_cache (db, values), >, 0);
  assert_migrated (db, objects_dir, hashes);
}

/* ---- Killed during the migration ----------------------------------------------------- */

/* A step the migration reports (its debug log: no content, a table's name or an
 * object's hash), and at which of its reports in one run the CLI is killed. */
typedef struct
{
  const char *step;
  guint       nth;
} KillPoint;

/* In the order a run goes through them: each later point is still ahead after the
 * kills before it (every run re-reads all rows; objects and compaction come after). */
static const KillPoint kill_points[] = {
  { "migration: rows of documents", 1 },
  { "migration: rows of audits", 1 },
  { "migration: rows of outbox", 1 },
  { "migration: object ", 1 },
  { "migration: object ", 4 },
  { "migration: compacting", 1 },
  { "migration: compacted", 1 },
};

/* The CLI opening (and so migrating) @db, killed with SIGKILL the moment it reports
 * @point. Returns the last step it reported before it died. */
/* The step a debug line of the migration reports, or NULL. */
static const char *
step_of (const char *line)
{
  return strstr (line, "migration: ");
}

static void
remember_step (char      **last,
               const char *line)
{
  const char *step = step_of (line);

  if (step == NULL)
    return;
  g_free (*last);
  *last = g_strchomp (g_strdup (step));
}

/* The CLI opening (and so migrating) @db, killed with SIGKILL the moment it reports
 * @point. Returns the last step it reported before it died. */
static char *
run_killed_at (const char      *db,
               const KillPoint *point)
{
  const char *argv[] = { g_getenv ("AF_CLI"), "--db", db, "status", NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "G_MESSAGES_DEBUG",
                                         "af-store af-objects", TRUE);
  g_autoptr(GError) error = NULL;
  char *last = NULL;
  char *line = NULL;
  size_t size = 0;
  guint seen = 0;
  int out_fd = -1, status = 0;
  FILE *out;
  GPid pid;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, envp,
                                           G_SPAWN_DO_NOT_REAP_CHILD
                                           | G_SPAWN_STDERR_TO_DEV_NULL,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  /* GLib writes debug messages to stdout; read until the step, then what came after
   * it before the signal landed. */
  out = fdopen (out_fd, "r");
  g_assert_nonnull (out);
  while (getline (&line, &size, out) >= 0)
    {
      remember_step (&last, line);
      if (seen < point->nth && step_of (line) != NULL
          && g_str_has_prefix (step_of (line), point->step) && ++seen == point->nth)
        kill (pid, SIGKILL);
    }
  free (line);
  fclose (out);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  if (seen < point->nth)
    g_test_fail_printf ("the migration finished without reporting %s #%u (last: %s)",
                        point->step, point->nth, last);
  else
    g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  return last;
}

/* Between two kills: every row still there, and every object either what the previous
 * version left (its content, unchanged) or sealed — never a cut or plaintext copy. */
static void
assert_nothing_lost (const char *db,
                     const char *objects_dir,
                     GPtrArray  *hashes,
                     AfCacheKey *key)
{
  static const char * const counts[] = {
    "SELECT count(*) = 12 FROM documents", "SELECT count(*) = 4 FROM audits",
    "SELECT count(*) = 2 FROM outbox",
  };
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (handle, counts[i], -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (handle);
  for (guint i = 0; i < hashes->len; i++)
    {
      const char *sha256 = g_ptr_array_index (hashes, i);
      g_autofree char *path = af_object_path (objects_dir, sha256);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *digest = NULL;

      if (af_crypto_file_is_sealed (path))
        bytes = af_objects_read (key, objects_dir, sha256, NULL);
      else
        {
          g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);

          bytes = mapped != NULL ? g_mapped_file_get_bytes (mapped) : NULL;
        }
      g_assert_nonnull (bytes);
      digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_assert_cmpstr (digest, ==, sha256);
    }
}

static void
test_migration_killed (void)
{
  g_autofree char *db = copy_schema1 ();
  g_autofree char *objects_dir = af_objects_default_dir ();
  g_autoptr(GPtrArray) hashes = NULL;
  g_autoptr(AfCacheKey) key = NULL;
  g_autoptr(GError) error = NULL;

  if (g_getenv ("AF_CLI") == NULL)
    {
      g_test_fail_printf ("AF_CLI is not set: the CLI to kill is unknown");
      return;
    }
  reset_objects (objects_dir);
  hashes = plant_plain_objects (objects_dir);
  /* The key the CLI takes (AUDITFLOW_DESK_KEY_FILE), made here if it is not yet. */
  key = af_cache_key_load (db, TRUE, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (kill_points); i++)
    {
      g_autofree char *last = run_killed_at (db, &kill_points[i]);

      g_test_message ("killed at %s #%u: last step reported %s", kill_points[i].step,
                      kill_points[i].nth, last);
      assert_nothing_lost (db, objects_dir, hashes, key);
    }
  /* Reopened: migrated, with everything there and nothing in clear. */
  assert_migrated (db, objects_dir, hashes);
}

/* The 24 bytes after "AFS1" in a sealed value: its nonce (af-crypto.c). */
#define SEALED_NONCE_OFFSET 4
#define SEALED_NONCE_BYTES 24
#define NONCE_THREADS 4
#define NONCES_PER_THREAD 2000   /* more than a thread's pool of nonces holds */

typedef struct
{
  AfCacheKey *key;
  GPtrArray  *sealed;   /* (owned) GBytes */
} SealJob;

static gpointer
seal_many (gpointer data)
{
  SealJob *job = data;

  for (guint i = 0; i < NONCES_PER_THREAD; i++)
    g_ptr_array_add (job->sealed, af_crypto_seal (job->key, W2_SSN, strlen (W2_SSN), "nonce-test"));
  return NULL;
}

/* Adds the nonce of @sealed to @seen; FALSE when it was there already. */
static gboolean
nonce_is_new (GHashTable *seen,
              GBytes     *sealed)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (sealed, &length);

  g_assert_cmpuint (length, >, SEALED_NONCE_OFFSET + SEALED_NONCE_BYTES);
  return g_hash_table_add (seen, g_bytes_new (data + SEALED_NONCE_OFFSET, SEALED_NONCE_BYTES));
}

/* The nonce a child sealed with after fork (), read from a pipe. */
static GBytes *
seal_in_child (AfCacheKey *key)
{
  guint8 sealed[64];
  gssize n = 0;
  int fds[2];
  pid_t pid;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr(GBytes) value = af_crypto_seal (key, W2_SSN, strlen (W2_SSN), "nonce-test");

      _exit (write (fds[1], g_bytes_get_data (value, NULL), g_bytes_get_size (value)) > 0 ? 0 : 1);
    }
  close (fds[1]);
  n = read (fds[0], sealed, sizeof sealed);
  close (fds[0]);
  waitpid (pid, NULL, 0);
  g_assert_cmpint (n, >, SEALED_NONCE_OFFSET + SEALED_NONCE_BYTES);
  return g_bytes_new (sealed, n);
}

/* Nonces come from a per-thread pool (af-crypto.c): every sealed value has its own,
 * across threads, across refills of the pools and across fork (), and still opens. */
static void
test_nonces_unique (void)
{
  g_autoptr(AfCacheKey) key = af_cache_key_new_random ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);
  SealJob jobs[NONCE_THREADS];
  GThread *threads[NONCE_THREADS];
  g_autoptr(GBytes) parent_first = af_crypto_seal (key, W2_SSN, strlen (W2_SSN), "nonce-test");
  g_autoptr(GBytes) child = seal_in_child (key);
  g_autoptr(GBytes) parent_next = af_crypto_seal (key, W2_SSN, strlen (W2_SSN), "nonce-test");

  g_assert_true (nonce_is_new (seen, parent_first));
  g_assert_true (nonce_is_new (seen, child));
  g_assert_true (nonce_is_new (seen, parent_next));
  for (guint t = 0; t < NONCE_THREADS; t++)
    {
      jobs[t] = (SealJob) { key, g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref) };
      threads[t] = g_thread_new ("seal", seal_many, &jobs[t]);
    }
  for (guint t = 0; t < NONCE_THREADS; t++)
    {
      g_thread_join (threads[t]);
      for (guint i = 0; i < jobs[t].sealed->len; i++)
        g_assert_true (nonce_is_new (seen, g_ptr_array_index (jobs[t].sealed, i)));
      g_ptr_array_unref (jobs[t].sealed);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 3 + NONCE_THREADS * NONCES_PER_THREAD);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) plain = af_crypto_open (key, g_bytes_get_data (child, NULL),
                                              g_bytes_get_size (child), "nonce-test", &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), W2_SSN, strlen (W2_SSN));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cache_home = NULL;
  int status;

  /* Before GLib reads it: the migration seals the objects of $XDG_CACHE_HOME. */
  cache_home = g_build_filename (af_test_scratch_init ("test-pii-XXXXXX"), "cache-home", NULL);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pii/no-plaintext-at-rest", test_no_plaintext_at_rest);
  g_test_add_func ("/pii/tampered", test_tampered_value);
  g_test_add_func ("/pii/mask", test_mask);
  g_test_add_func ("/pii/nonces-unique", test_nonces_unique);
  g_test_add_func ("/pii/migration", test_migration);
  g_test_add_func ("/pii/migration-killed", test_migration_killed);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
