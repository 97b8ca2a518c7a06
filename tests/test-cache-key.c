/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cache key and the cache files: AUDITFLOW_DESK_KEY_FILE created 0600 (whatever
 * the umask), refused when looser, a wrong or missing key refused with the cache left
 * byte for byte untouched, no key store at all told with how to fix it; the cache
 * 0600 with its -wal and -shm and its folder 0700 under umask 000; secure_delete.
 */
#define _GNU_SOURCE  /* memmem */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "af-cache-key.h"
#include "af-codec.h"
#include "af-store.h"
#include "af-test-util.h"

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static char *
file_digest (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("absent");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guint8 *) contents, length);
}

static AfValue *
document (const char *id,
          const char *name)
{
  g_autofree char *json = g_strdup_printf ("{\"document_id\": {\"S\": \"%s\"}, "
                                           "\"file_name\": {\"S\": \"%s\"}}", id, name);

  return af_codec_parse_item (json, -1, NULL);
}

static void
put_document (AfStore    *store,
              const char *id,
              const char *name)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (items, document (id, name));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, items, &error));
  g_assert_no_error (error);
}

/* Every test names its own key file; the suite's is put back afterwards. */
static void
use_key_file (const char *path)
{
  g_setenv ("AUDITFLOW_DESK_KEY_FILE", path, TRUE);
}

static void
test_key_file_created_private (void)
{
  g_autofree char *key_path = af_test_scratch ("cache.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(AfCacheKey) first = NULL;
  g_autoptr(AfCacheKey) second = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old = umask (0);

  use_key_file (key_path);
  first = af_cache_key_load (db, TRUE, &error);
  umask (old);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (key_path), ==, 0600);
  second = af_cache_key_load (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (af_cache_key_get_bytes (first), AF_CACHE_KEY_BYTES,
                   af_cache_key_get_bytes (second), AF_CACHE_KEY_BYTES);
  /* The file holds the key as text and nothing else; no temporary file is left. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *dir = g_path_get_dirname (key_path);
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    guint n = 0;

    g_assert_true (g_file_get_contents (key_path, &contents, NULL, NULL));
    g_assert_cmpuint (strlen (contents), ==, 65);
    while (g_dir_read_name (listing) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
test_key_file_loose_refused (void)
{
  g_autofree char *key_path = af_test_scratch ("loose.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (key_path, "00112233445566778899aabbccddeeff"
                                      "00112233445566778899aabbccddeeff\n", -1, NULL));
  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);
  use_key_file (key_path);
  store = af_store_open (db, &error);
  g_assert_null (store);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_LOOSE);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* Group-readable is just as loose. */
  g_assert_cmpint (g_chmod (key_path, 0640), ==, 0);
  store = af_store_open (db, &error);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_LOOSE);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
}

static void
test_key_file_invalid (void)
{
  g_autofree char *key_path = af_test_scratch ("bad.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (key_path, "not a key\n", -1, NULL));
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
  use_key_file (key_path);
  store = af_store_open (db, &error);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_INVALID);
  g_assert_null (store);
}

static void
test_wrong_key_untouched (void)
{
  g_autofree char *right = af_test_scratch ("right.key");
  g_autofree char *wrong = af_test_scratch ("wrong.key");
  g_autofree char *missing = af_test_scratch ("missing.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after_wrong = NULL;
  g_autofree char *after_missing = NULL;
  g_autoptr(GError) error = NULL;
  AfStore *store;

  use_key_file (right);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  put_document (store, "doc-1", "a.pdf");
  g_object_unref (store);
  before = file_digest (db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  use_key_file (wrong);
  g_assert_true (g_file_set_contents (wrong, "ffeeddccbbaa99887766554433221100"
                                      "ffeeddccbbaa99887766554433221100", -1, NULL));
  g_assert_cmpint (g_chmod (wrong, 0600), ==, 0);
  store = af_store_open (db, &error);
  g_assert_null (store);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_WRONG);
  g_assert_nonnull (strstr (error->message, "untouched"));
  g_clear_error (&error);
  after_wrong = file_digest (db);
  g_assert_cmpstr (after_wrong, ==, before);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* A key file that does not exist is not made up for a cache that is encrypted. */
  use_key_file (missing);
  store = af_store_open (db, &error);
  g_assert_null (store);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_MISSING);
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  after_missing = file_digest (db);
  g_assert_cmpstr (after_missing, ==, before);

  use_key_file (right);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_object_unref (store);
}

static void
test_no_key_store (void)
{
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autofree char *saved_bus = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("AUDITFLOW_DESK_KEY_FILE");
  /* A session bus that is not there: no Secret Service can answer. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/af-test-bus", TRUE);
  store = af_store_open (db, &error);
  if (saved_bus != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", saved_bus, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  g_assert_null (store);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_NO_STORE);
  g_assert_nonnull (strstr (error->message, "No key store available"));
  g_assert_nonnull (strstr (error->message, "AUDITFLOW_DESK_KEY_FILE"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
}

static void
test_modes_under_umask_000 (void)
{
  g_autofree char *key_path = af_test_scratch ("cache.key");
  g_autofree char *folder = af_test_scratch ("new-folder");
  g_autofree char *db = g_build_filename (folder, "deeper", "cache.db", NULL);
  g_autofree char *parent = g_path_get_dirname (db);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  mode_t old = umask (0);

  use_key_file (key_path);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  put_document (store, "doc-1", "a.pdf");
  umask (old);
  g_assert_cmpuint (file_mode (db), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);
  g_assert_cmpuint (file_mode (parent), ==, 0700);
  g_assert_cmpuint (file_mode (folder), ==, 0700);
}

static void
test_existing_loose_file_tightened (void)
{
  g_autofree char *key_path = af_test_scratch ("cache.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autoptr(GError) error = NULL;
  AfStore *store;

  use_key_file (key_path);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (db), ==, 0600);
  g_object_unref (store);
}

/* A deleted item's text does not survive in a freed page. */
static void
test_secure_delete (void)
{
  g_autofree char *key_path = af_test_scratch ("cache.key");
  g_autofree char *db = af_test_scratch ("cache.db");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  AfStore *store;

  use_key_file (key_path);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  put_document (store, "doc-1", "UNIQUE-MARKER-7f3a9c.pdf");
  g_assert_true (af_store_delete_item (store, AF_TABLE_DOCUMENTS, "doc-1", &error));
  g_object_unref (store);
  g_assert_true (g_file_get_contents (db, &contents, &length, NULL));
  g_assert_null (memmem (contents, length, "UNIQUE-MARKER-7f3a9c", 20));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-cache-key-XXXXXX");

  g_test_add_func ("/cache-key/file-created-private", test_key_file_created_private);
  g_test_add_func ("/cache-key/file-loose-refused", test_key_file_loose_refused);
  g_test_add_func ("/cache-key/file-invalid", test_key_file_invalid);
  g_test_add_func ("/cache-key/wrong-key-untouched", test_wrong_key_untouched);
  g_test_add_func ("/cache-key/no-key-store", test_no_key_store);
  g_test_add_func ("/cache-key/modes-umask-000", test_modes_under_umask_000);
  g_test_add_func ("/cache-key/loose-cache-tightened", test_existing_loose_file_tightened);
  g_test_add_func ("/cache-key/secure-delete", test_secure_delete);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
