/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-objects"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "af-crypto.h"
#include "af-mapped-guard.h"
#include "af-object-path.h"
#include "af-objects.h"

char *
af_objects_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "auditflow-desk", "objects", NULL);
}

/* The associated data binds a file to its name: a sealed object copied under another
 * hash does not open. */
static char *
object_ad (const char *sha256)
{
  return g_strconcat ("object/", sha256, NULL);
}

GBytes *
af_objects_read_path (AfCacheKey  *key,
                      const char  *path,
                      GError     **error)
{
  g_autofree char *sha256 = g_path_get_basename (path);
  g_autofree char *ad = NULL;
  g_autofree char *actual = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (key != NULL && path != NULL, NULL);

  if (!af_sha256_hex_is_valid (sha256))
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_FORMAT,
                   "%s is not a cached object", path);
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not in the object cache",
                   sha256);
      return NULL;
    }
  ad = object_ad (sha256);
  bytes = af_crypto_read_file (key, path, ad, error);
  if (bytes == NULL)
    return NULL;
  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (strcmp (actual, sha256) != 0)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_INTEGRITY,
                   "%s: integrity failure: the cached bytes hash to %s", sha256, actual);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

GBytes *
af_objects_read (AfCacheKey  *key,
                 const char  *objects_dir,
                 const char  *sha256,
                 GError     **error)
{
  g_autofree char *path = af_object_path (objects_dir, sha256);

  if (path == NULL)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_FORMAT,
                   "not a SHA-256: the object cannot be looked up");
      return NULL;
    }
  return af_objects_read_path (key, path, error);
}

gboolean
af_objects_write (AfCacheKey   *key,
                  const char   *objects_dir,
                  const char   *sha256,
                  GBytes       *data,
                  GError      **error)
{
  g_autofree char *path = af_object_path (objects_dir, sha256);
  g_autofree char *dir = NULL;
  g_autofree char *ad = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  dir = g_path_get_dirname (path);
  /* 0700 at most whatever the umask (it only takes bits away). */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO, "%s: cannot create: %s", dir,
                   g_strerror (errno));
      return FALSE;
    }
  ad = object_ad (sha256);
  return af_crypto_write_file (key, path, ad, g_bytes_get_data (data, NULL),
                               g_bytes_get_size (data), error);
}

/* ---- Registered object caches --------------------------------------------------------- */

static GMutex registry_lock;
static GHashTable *registry;   /* canonical dir -> AfCacheKey, under registry_lock */

void
af_objects_register_dir (const char *objects_dir,
                         AfCacheKey *key)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&registry_lock);

  g_return_if_fail (objects_dir != NULL);

  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) af_cache_key_unref);
  if (key != NULL)
    g_hash_table_replace (registry, g_canonicalize_filename (objects_dir, NULL),
                          af_cache_key_ref (key));
  else
    {
      g_autofree char *canonical = g_canonicalize_filename (objects_dir, NULL);

      g_hash_table_remove (registry, canonical);
    }
}

/* The key of the registered cache @path lies in (OBJECTS_DIR/ab/NAME), or NULL. */
static AfCacheKey *
key_for_path (const char *path)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&registry_lock);
  g_autofree char *canonical = g_canonicalize_filename (path, NULL);
  g_autofree char *prefix_dir = g_path_get_dirname (canonical);
  g_autofree char *objects_dir = g_path_get_dirname (prefix_dir);
  AfCacheKey *key;

  if (registry == NULL)
    return NULL;
  key = g_hash_table_lookup (registry, objects_dir);
  return key != NULL ? af_cache_key_ref (key) : NULL;
}

GBytes *
af_objects_load_file (const char  *path,
                      GError     **error)
{
  g_autoptr(AfCacheKey) key = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  key = key_for_path (path);
  if (key != NULL)
    return af_objects_read_path (key, path, error);
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

/* ---- Sealing what an older version left in clear -------------------------------------- */

/* The clear file mapped and guarded while it is sealed (af-mapped-guard.h): cut short by
 * something else meanwhile, it no longer kills the migration; what was sealed then does
 * not hash to its name, which every read checks (af_objects_read_path ()), and the
 * migration stops with an error naming the object. */
static gboolean
seal_in_place (AfCacheKey  *key,
               const char  *objects_dir,
               const char  *path,
               const char  *sha256,
               GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);
  g_autoptr(GBytes) bytes = NULL;
  AfMappedGuard *guard;
  gboolean ok, cut;

  if (mapped == NULL)
    return FALSE;
  guard = af_mapped_guard_register (g_mapped_file_get_contents (mapped),
                                    g_mapped_file_get_length (mapped));
  if (guard == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, error))
        return FALSE;
      bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      return af_objects_write (key, objects_dir, sha256, bytes, error);
    }
  bytes = g_mapped_file_get_bytes (mapped);
  ok = af_objects_write (key, objects_dir, sha256, bytes, error);
  cut = af_mapped_guard_was_cut (guard);
  af_mapped_guard_unregister (guard);
  if (ok && cut)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO,
                   "object %s: it changed (was cut short) while it was sealed", sha256);
      return FALSE;
    }
  return ok;
}

static void
remove_partials (const char *objects_dir)
{
  g_autofree char *partial = g_build_filename (objects_dir, "partial", NULL);
  g_autoptr(GDir) dir = g_dir_open (partial, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (partial, name, NULL);

      g_unlink (path);
    }
}

static gboolean
seal_prefix_dir (AfCacheKey  *key,
                 const char  *objects_dir,
                 const char  *prefix,
                 guint       *sealed,
                 GError     **error)
{
  g_autofree char *folder = g_build_filename (objects_dir, prefix, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  g_chmod (folder, 0700);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (!af_sha256_hex_is_valid (name))
        {
          /* A temporary sealed file of an interrupted run. */
          if (g_str_has_suffix (name, ".tmp"))
            g_unlink (path);
          continue;
        }
      if (af_crypto_file_is_sealed (path))
        continue;
      if (!seal_in_place (key, objects_dir, path, name, error))
        return FALSE;
      (*sealed)++;
      /* Its hash only (no content): the migration's progress, where tests kill it. */
      g_debug ("migration: object %s sealed in place", name);
    }
  return TRUE;
}

gboolean
af_objects_seal_all (AfCacheKey  *key,
                     const char  *objects_dir,
                     guint       *out_sealed,
                     GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (objects_dir, 0, NULL);
  const char *name;
  guint sealed = 0;

  if (dir == NULL)
    return TRUE;   /* no object was ever downloaded */
  g_chmod (objects_dir, 0700);
  remove_partials (objects_dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (strlen (name) != 2 || strspn (name, "0123456789abcdef") != 2)
        continue;
      if (!seal_prefix_dir (key, objects_dir, name, &sealed, error))
        return FALSE;
    }
  if (out_sealed != NULL)
    *out_sealed = sealed;
  return TRUE;
}
