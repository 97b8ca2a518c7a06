/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-cache-key"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "af-cache-key.h"
#include "af-crypto.h"

#define KEY_FILE_ENV "AUDITFLOW_DESK_KEY_FILE"
#define HEX_LENGTH (AF_CACHE_KEY_BYTES * 2)

G_DEFINE_QUARK (af-cache-key-error-quark, af_cache_key_error)

struct _AfCacheKey
{
  gint    ref_count;   /* atomic */
  guint8 *bytes;       /* (owned) sodium_malloc: locked, guarded, wiped on free */
  char   *origin;      /* (owned) */
};

void
af_crypto_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      /* Fails only when the system has no randomness at all; nothing can go on then. */
      if (sodium_init () < 0)
        g_error ("libsodium cannot be initialised");
      g_once_init_leave (&done, 1);
    }
}

static AfCacheKey *
key_new (const char *origin)
{
  AfCacheKey *self = g_new0 (AfCacheKey, 1);

  af_crypto_init ();
  self->ref_count = 1;
  self->bytes = sodium_malloc (AF_CACHE_KEY_BYTES);
  if (self->bytes == NULL)
    g_error ("out of guarded memory for the cache key");
  self->origin = g_strdup (origin);
  return self;
}

AfCacheKey *
af_cache_key_new_random (void)
{
  AfCacheKey *self = key_new ("random");

  randombytes_buf (self->bytes, AF_CACHE_KEY_BYTES);
  return self;
}

AfCacheKey *
af_cache_key_ref (AfCacheKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
af_cache_key_unref (AfCacheKey *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  sodium_free (self->bytes);
  g_free (self->origin);
  g_free (self);
}

const guint8 *
af_cache_key_get_bytes (AfCacheKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->bytes;
}

const char *
af_cache_key_get_origin (AfCacheKey *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->origin;
}

/* The key as text (keyring secrets and key files are text): 64 hex digits. The hex is
 * in guarded memory too, since it is the key. */
static char *
key_to_hex (AfCacheKey *self)
{
  char *hex = sodium_malloc (HEX_LENGTH + 1);

  sodium_bin2hex (hex, HEX_LENGTH + 1, self->bytes, AF_CACHE_KEY_BYTES);
  return hex;
}

/* Surrounding white space (a newline an editor added) is allowed, nothing else. */
static AfCacheKey *
key_from_hex (const char *text,
              gsize       length,
              const char *origin)
{
  g_autoptr(AfCacheKey) self = key_new (origin);
  size_t decoded = 0;
  const char *end = NULL;

  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  while (length > 0 && g_ascii_isspace (*text))
    text++, length--;
  if (length != HEX_LENGTH
      || sodium_hex2bin (self->bytes, AF_CACHE_KEY_BYTES, text, length, NULL, &decoded, &end) != 0
      || decoded != AF_CACHE_KEY_BYTES)
    return NULL;
  return g_steal_pointer (&self);
}

/* ---- The key file ------------------------------------------------------------------ */

static gboolean
check_key_file_mode (int          fd,
                     const char  *path,
                     GError     **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_INVALID,
                   "%s=%s is not a regular file", KEY_FILE_ENV, path);
      return FALSE;
    }
  if ((st.st_mode & 077) != 0 || st.st_uid != getuid ())
    {
      g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_LOOSE,
                   "The key file %s=%s has mode %04o (owner %u): others could read the "
                   "cache key, so the cache was not opened. Make it yours and readable by "
                   "you alone: chmod 600 %s", KEY_FILE_ENV, path, (guint) (st.st_mode & 07777),
                   (guint) st.st_uid, path);
      return FALSE;
    }
  return TRUE;
}

static AfCacheKey *
read_key_file (int          fd,
               const char  *path,
               GError     **error)
{
  g_autofree char *origin = g_strdup_printf ("key file %s", path);
  char *buffer = sodium_malloc (HEX_LENGTH * 2);
  ssize_t length = read (fd, buffer, HEX_LENGTH * 2);
  AfCacheKey *key = length > 0 ? key_from_hex (buffer, length, origin) : NULL;

  sodium_free (buffer);
  if (key == NULL)
    g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_INVALID,
                 "The key file %s=%s does not hold a key (64 hexadecimal digits)",
                 KEY_FILE_ENV, path);
  return key;
}

static AfCacheKey *
open_key_file (const char  *path,
               GError     **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  AfCacheKey *key = NULL;

  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "Cannot read the key file %s=%s: %s", KEY_FILE_ENV, path, g_strerror (errno));
      return NULL;
    }
  if (check_key_file_mode (fd, path, error))
    key = read_key_file (fd, path, error);
  close (fd);
  return key;
}

/* Written beside it under a temporary name, then linked into place: link() fails when
 * another process made the file meanwhile, and whoever loses reads the winner's key,
 * so two processes starting at once never hold different keys. 0600 whatever the
 * umask (fchmod). */
static gboolean
create_key_file (const char  *path,
                 GError     **error)
{
  g_autoptr(AfCacheKey) key = af_cache_key_new_random ();
  g_autofree char *tmp = g_strdup_printf ("%s.%u.tmp", path, (guint) getpid ());
  char *hex = key_to_hex (key);
  int fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  gboolean ok = fd >= 0 && fchmod (fd, 0600) == 0 && af_crypto_write_all (fd, hex, HEX_LENGTH)
                && af_crypto_write_all (fd, "\n", 1) && fsync (fd) == 0;
  int saved = errno;

  sodium_free (hex);
  if (fd >= 0)
    close (fd);
  if (ok && link (tmp, path) != 0 && errno != EEXIST)
    {
      ok = FALSE;
      saved = errno;
    }
  if (fd >= 0)
    g_unlink (tmp);
  if (!ok)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                 "Cannot create the key file %s=%s: %s", KEY_FILE_ENV, path, g_strerror (saved));
  return ok;
}

static AfCacheKey *
load_from_file (const char  *path,
                gboolean     create,
                GError     **error)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (!create)
        {
          g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_MISSING,
                       "The cache is encrypted and its key file %s=%s does not exist; "
                       "the cache was left untouched", KEY_FILE_ENV, path);
          return NULL;
        }
      if (!create_key_file (path, error))
        return NULL;
    }
  return open_key_file (path, error);
}

/* ---- The keyring ------------------------------------------------------------------- */

static const SecretSchema *
cache_key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.auditflow.Desk.CacheKey", SECRET_SCHEMA_NONE,
    {
      { "cache", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
set_no_store_error (GError       **error,
                    const GError  *cause)
{
  g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_NO_STORE,
               "No key store available for the cache's encryption key: the keyring "
               "(Secret Service, e.g. GNOME Keyring) cannot be reached (%s). Log in to a "
               "desktop session with a keyring, or for headless use set %s to the path of "
               "a key file (it is created, readable by you alone, if it does not exist).",
               cause->message, KEY_FILE_ENV);
}

static AfCacheKey *
store_new_key (const char  *cache,
               GError     **error)
{
  g_autoptr(AfCacheKey) key = af_cache_key_new_random ();
  g_autofree char *label = g_strdup_printf ("AuditFlow Desk cache key (%s)", cache);
  g_autoptr(GError) local_error = NULL;
  char *hex = key_to_hex (key);
  gboolean ok = secret_password_store_sync (cache_key_schema (), SECRET_COLLECTION_DEFAULT,
                                            label, hex, NULL, &local_error, "cache", cache, NULL);

  sodium_free (hex);
  if (!ok)
    {
      g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_KEYRING,
                   "The keyring refused to keep the cache key (%s); the cache was not "
                   "opened. Unlock the keyring, or set %s for headless use.",
                   local_error->message, KEY_FILE_ENV);
      return NULL;
    }
  g_free (key->origin);
  key->origin = g_strdup ("keyring");
  return g_steal_pointer (&key);
}

static AfCacheKey *
load_from_keyring (const char  *cache_path,
                   gboolean     create,
                   GError     **error)
{
  g_autofree char *cache = g_canonicalize_filename (cache_path, NULL);
  g_autoptr(GError) local_error = NULL;
  char *secret = secret_password_lookup_nonpageable_sync (cache_key_schema (), NULL,
                                                         &local_error, "cache", cache, NULL);
  AfCacheKey *key;

  if (local_error != NULL)
    {
      set_no_store_error (error, local_error);
      return NULL;
    }
  if (secret == NULL && create)
    return store_new_key (cache, error);
  if (secret == NULL)
    {
      g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_MISSING,
                   "The cache %s is encrypted and its key is not in the keyring; "
                   "the cache was left untouched", cache);
      return NULL;
    }
  key = key_from_hex (secret, strlen (secret), "keyring");
  secret_password_free (secret);
  if (key == NULL)
    g_set_error (error, AF_CACHE_KEY_ERROR, AF_CACHE_KEY_ERROR_INVALID,
                 "The keyring's entry for the cache %s does not hold a key", cache);
  return key;
}

AfCacheKey *
af_cache_key_load (const char  *cache_path,
                   gboolean     create,
                   GError     **error)
{
  const char *file = g_getenv (KEY_FILE_ENV);

  g_return_val_if_fail (cache_path != NULL, NULL);

  af_crypto_init ();
  if (file != NULL && *file != '\0')
    return load_from_file (file, create, error);
  return load_from_keyring (cache_path, create, error);
}
