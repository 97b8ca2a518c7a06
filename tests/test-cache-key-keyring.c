/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The cache key in the keyring (no AUDITFLOW_DESK_KEY_FILE): made on first use, one
 * per cache file under our own schema, labelled for Seahorse, found again on the next
 * open; an encrypted cache whose keyring entry is gone is refused untouched. Runs in a
 * private gnome-keyring (tests/run-with-keyring.sh).
 */
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "af-cache-key.h"
#include "af-store.h"

static const SecretSchema schema = {
  "io.github.auditflow.Desk.CacheKey", SECRET_SCHEMA_NONE,
  {
    { "cache", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static char *scratch_dir;

static char *
lookup (const char *cache)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (&schema, NULL, &error, "cache", cache, NULL);

  g_assert_no_error (error);
  return secret;
}

static char *
label_of (const char *cache)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  char *label;

  g_hash_table_insert (attributes, "cache", (gpointer) cache);
  items = secret_password_searchv_sync (&schema, attributes, SECRET_SEARCH_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_list_free_full (items, g_object_unref);
  return label;
}

static void
test_keyring_key (void)
{
  g_autofree char *db = g_build_filename (scratch_dir, "cache.db", NULL);
  g_autofree char *other = g_build_filename (scratch_dir, "other.db", NULL);
  g_autofree char *first = NULL;
  g_autofree char *label = NULL;
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  AfStore *store;

  g_assert_null (lookup (db));
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (af_cache_key_get_origin (af_store_get_key (store)), ==, "keyring");
  g_object_unref (store);

  first = lookup (db);
  g_assert_nonnull (first);
  g_assert_cmpuint (strlen (first), ==, 64);
  label = label_of (db);
  g_assert_nonnull (strstr (label, "AuditFlow Desk cache key"));
  g_assert_nonnull (strstr (label, db));

  /* The next open finds it; another cache gets a key of its own. */
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  store = af_store_open (other, &error);
  g_assert_no_error (error);
  g_object_unref (store);
  second = lookup (other);
  g_assert_nonnull (second);
  g_assert_cmpstr (first, !=, second);

  /* Its entry gone, the encrypted cache is refused and left as it was. */
  g_assert_true (secret_password_clear_sync (&schema, NULL, &error, "cache", db, NULL));
  g_assert_no_error (error);
  store = af_store_open (db, &error);
  g_assert_null (store);
  g_assert_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_MISSING);
  g_assert_null (lookup (db));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The keyring path: the key file must not be consulted, nor exist. */
  g_unsetenv ("AUDITFLOW_DESK_KEY_FILE");
  if (g_getenv ("AF_TEST_KEYRING") == NULL)
    {
      g_printerr ("run this test through tests/run-with-keyring.sh\n");
      return 1;
    }
  scratch_dir = g_dir_make_tmp ("test-cache-key-keyring-XXXXXX", NULL);
  g_test_add_func ("/cache-key/keyring", test_keyring_key);
  status = g_test_run ();
  {
    g_autoptr(GDir) dir = g_dir_open (scratch_dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (scratch_dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (scratch_dir);
  g_free (scratch_dir);
  return status;
}
