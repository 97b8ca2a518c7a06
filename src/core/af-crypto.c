/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-crypto"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "af-crypto.h"
#include "af-mapped-guard.h"

G_DEFINE_QUARK (af-crypto-error-quark, af_crypto_error)

#define VALUE_MAGIC "AFS1"
#define VALUE_MAGIC_LENGTH 4
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

#define FILE_MAGIC "AFDOBJ1\n"
#define FILE_MAGIC_LENGTH 8
#define HEADER_BYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define STREAM_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
/* Plaintext per message: large enough that the 17 bytes each costs do not matter. */
#define CHUNK (64 * 1024)

/* ---- Nonces ------------------------------------------------------------------------- */

/* A nonce per sealed value, taken from a pool of random bytes that each thread fills
 * at once: randombytes_buf () for each nonce was one getrandom () system call per
 * value, ~9 % of an import's preparing thread. 25,000 audits (3 sealed values each)
 * took 75,004 getrandom () calls, 445 now; the process's CPU per item of the whole
 * import went from 43.1-44.3 us to 41.6-43.1 (3 rounds alternating, load 3.8-4.6,
 * with the pool filled by randombytes_buf (), 16 calls a pool). Unique across threads (each has a pool of
 * its own) and across fork () (the child's pool, copied from its parent, is emptied, so
 * that the two never hand out the same bytes); what a nonce took is wiped from the pool,
 * and the rest when its thread ends. */
#define NONCE_POOL_NONCES 170   /* 4080 bytes, a page's worth */

typedef struct
{
  guint  next;   /* the index of the next nonce to hand out; NONCE_POOL_NONCES: empty */
  guint8 bytes[NONCE_POOL_NONCES * NONCE_BYTES];
} NoncePool;

static void
nonce_pool_free (gpointer data)
{
  NoncePool *pool = data;

  sodium_memzero (pool->bytes, sizeof pool->bytes);
  g_free (pool);
}

static GPrivate nonce_pool = G_PRIVATE_INIT (nonce_pool_free);

/* In a child after fork (), on the thread that forked: the only pool left. */
static void
nonce_pool_empty_after_fork (void)
{
  NoncePool *pool = g_private_get (&nonce_pool);

  if (pool == NULL)
    return;
  sodium_memzero (pool->bytes, sizeof pool->bytes);
  pool->next = NONCE_POOL_NONCES;
}

static void
take_nonce (guint8 nonce[NONCE_BYTES])
{
  static gsize fork_handler = 0;
  NoncePool *pool = g_private_get (&nonce_pool);
  guint8 *taken;

  if (G_UNLIKELY (pool == NULL))
    {
      if (g_once_init_enter (&fork_handler))
        {
          pthread_atfork (NULL, NULL, nonce_pool_empty_after_fork);
          g_once_init_leave (&fork_handler, 1);
        }
      pool = g_new (NoncePool, 1);
      pool->next = NONCE_POOL_NONCES;
      g_private_set (&nonce_pool, pool);
    }
  if (pool->next == NONCE_POOL_NONCES)
    {
      guint8 seed[randombytes_SEEDBYTES];

      /* One system call per pool: randombytes_buf () reads getrandom () 256 bytes at a
       * time (16 calls for a pool); ChaCha20 expands a fresh random seed instead. */
      randombytes_buf (seed, sizeof seed);
      randombytes_buf_deterministic (pool->bytes, sizeof pool->bytes, seed);
      sodium_memzero (seed, sizeof seed);
      pool->next = 0;
    }
  taken = pool->bytes + pool->next++ * NONCE_BYTES;
  memcpy (nonce, taken, NONCE_BYTES);
  sodium_memzero (taken, NONCE_BYTES);
}

/* ---- Values ------------------------------------------------------------------------- */

gboolean
af_crypto_is_sealed (const guint8 *data,
                     gsize         length)
{
  return length >= VALUE_MAGIC_LENGTH + NONCE_BYTES + TAG_BYTES
         && memcmp (data, VALUE_MAGIC, VALUE_MAGIC_LENGTH) == 0;
}

GBytes *
af_crypto_seal (AfCacheKey *key,
                const void *plain,
                gsize       length,
                const char *ad)
{
  gsize total = VALUE_MAGIC_LENGTH + NONCE_BYTES + length + TAG_BYTES;
  guint8 *out = g_malloc (total);
  guint8 *nonce = out + VALUE_MAGIC_LENGTH;
  unsigned long long written = 0;

  memcpy (out, VALUE_MAGIC, VALUE_MAGIC_LENGTH);
  take_nonce (nonce);
  crypto_aead_xchacha20poly1305_ietf_encrypt (nonce + NONCE_BYTES, &written, plain, length,
                                              (const guint8 *) ad, strlen (ad), NULL, nonce,
                                              af_cache_key_get_bytes (key));
  g_assert (written == length + TAG_BYTES);
  return g_bytes_new_take (out, total);
}

GBytes *
af_crypto_open (AfCacheKey    *key,
                const guint8  *sealed,
                gsize          length,
                const char    *ad,
                GError       **error)
{
  const guint8 *nonce = sealed + VALUE_MAGIC_LENGTH;
  const guint8 *cipher = nonce + NONCE_BYTES;
  gsize cipher_length;
  unsigned long long plain_length = 0;
  guint8 *plain;

  if (!af_crypto_is_sealed (sealed, length))
    {
      g_set_error_literal (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_FORMAT, "not a sealed value");
      return NULL;
    }
  cipher_length = length - VALUE_MAGIC_LENGTH - NONCE_BYTES;
  plain = g_malloc (cipher_length - TAG_BYTES + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plain, &plain_length, NULL, cipher,
                                                  cipher_length, (const guint8 *) ad, strlen (ad),
                                                  nonce, af_cache_key_get_bytes (key)) != 0)
    {
      g_free (plain);
      g_set_error_literal (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_INTEGRITY,
                           "an encrypted value failed its integrity check");
      return NULL;
    }
  plain[plain_length] = '\0';   /* convenient for text; not counted in the length */
  return g_bytes_new_take (plain, plain_length);
}

/* ---- Writing files -------------------------------------------------------------------- */

struct _AfCryptoWriter
{
  int      fd;
  char    *path;     /* (owned) */
  char    *ad;       /* (owned) */
  guint8  *buffer;   /* (owned) CHUNK bytes of plaintext, wiped before it is freed */
  gsize    filled;
  guint8  *cipher;   /* (owned) CHUNK + STREAM_ABYTES */
  crypto_secretstream_xchacha20poly1305_state state;
};

gboolean
af_crypto_write_all (int         fd,
                     const void *buffer,
                     gsize       length)
{
  const guint8 *data = buffer;

  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= n;
    }
  return TRUE;
}

static gboolean
set_io_error (GError     **error,
              const char  *path,
              const char  *doing)
{
  int saved = errno;

  g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO, "%s: cannot %s: %s", path, doing,
               g_strerror (saved));
  return FALSE;
}

AfCryptoWriter *
af_crypto_writer_new (AfCacheKey  *key,
                      const char  *path,
                      const char  *ad,
                      GError     **error)
{
  g_autoptr(AfCryptoWriter) self = g_new0 (AfCryptoWriter, 1);
  guint8 header[FILE_MAGIC_LENGTH + HEADER_BYTES];

  self->path = g_strdup (path);
  self->ad = g_strdup (ad);
  self->fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (self->fd < 0)
    {
      set_io_error (error, path, "create");
      return NULL;
    }
  self->buffer = g_malloc (CHUNK);
  self->cipher = g_malloc (CHUNK + STREAM_ABYTES);
  memcpy (header, FILE_MAGIC, FILE_MAGIC_LENGTH);
  crypto_secretstream_xchacha20poly1305_init_push (&self->state, header + FILE_MAGIC_LENGTH,
                                                   af_cache_key_get_bytes (key));
  /* 0600 whatever the umask: the file was perhaps there before, looser. */
  if (fchmod (self->fd, 0600) != 0 || !af_crypto_write_all (self->fd, header, sizeof header))
    {
      set_io_error (error, path, "write");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gboolean
push (AfCryptoWriter  *self,
      guint8           tag,
      GError         **error)
{
  unsigned long long length = 0;

  crypto_secretstream_xchacha20poly1305_push (&self->state, self->cipher, &length, self->buffer,
                                              self->filled, (const guint8 *) self->ad,
                                              strlen (self->ad), tag);
  sodium_memzero (self->buffer, self->filled);
  self->filled = 0;
  if (af_crypto_write_all (self->fd, self->cipher, length))
    return TRUE;
  return set_io_error (error, self->path, "write");
}

gboolean
af_crypto_writer_write (AfCryptoWriter  *self,
                        const void      *data,
                        gsize            length,
                        GError         **error)
{
  const guint8 *bytes = data;

  while (length > 0)
    {
      gsize n = MIN (length, CHUNK - self->filled);

      memcpy (self->buffer + self->filled, bytes, n);
      self->filled += n;
      bytes += n;
      length -= n;
      /* A full buffer goes out at once, so the FINAL message is always shorter than a
       * chunk: the reader then knows every message's length without a length field. */
      if (self->filled == CHUNK && !push (self, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
                                          error))
        return FALSE;
    }
  return TRUE;
}

gboolean
af_crypto_writer_finish (AfCryptoWriter  *self,
                         GError         **error)
{
  gboolean ok = push (self, crypto_secretstream_xchacha20poly1305_TAG_FINAL, error);

  if (ok && fsync (self->fd) != 0)
    ok = set_io_error (error, self->path, "sync");
  if (close (self->fd) != 0 && ok)
    ok = set_io_error (error, self->path, "close");
  self->fd = -1;
  if (!ok)
    g_unlink (self->path);
  g_clear_pointer (&self->path, g_free);
  af_crypto_writer_free (self);
  return ok;
}

void
af_crypto_writer_free (AfCryptoWriter *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    close (self->fd);
  if (self->path != NULL && self->fd >= 0)
    g_unlink (self->path);
  if (self->buffer != NULL)
    sodium_memzero (self->buffer, CHUNK);
  sodium_memzero (&self->state, sizeof self->state);
  g_free (self->buffer);
  g_free (self->cipher);
  g_free (self->path);
  g_free (self->ad);
  g_free (self);
}

gboolean
af_crypto_write_file (AfCacheKey  *key,
                      const char  *path,
                      const char  *ad,
                      const void  *data,
                      gsize        length,
                      GError     **error)
{
  g_autofree char *tmp = g_strdup_printf ("%s.%u.tmp", path, (guint) getpid ());
  AfCryptoWriter *writer = af_crypto_writer_new (key, tmp, ad, error);

  if (writer == NULL)
    return FALSE;
  if (!af_crypto_writer_write (writer, data, length, error))
    {
      af_crypto_writer_free (writer);
      return FALSE;
    }
  if (!af_crypto_writer_finish (writer, error))
    return FALSE;
  if (g_rename (tmp, path) == 0)
    return TRUE;
  set_io_error (error, path, "rename into place");
  g_unlink (tmp);
  return FALSE;
}

/* ---- Reading files -------------------------------------------------------------------- */

gboolean
af_crypto_file_is_sealed (const char *path)
{
  char magic[FILE_MAGIC_LENGTH];
  FILE *file = g_fopen (path, "rb");
  gboolean sealed;

  if (file == NULL)
    return FALSE;
  sealed = fread (magic, 1, sizeof magic, file) == sizeof magic
           && memcmp (magic, FILE_MAGIC, FILE_MAGIC_LENGTH) == 0;
  fclose (file);
  return sealed;
}

static gboolean
integrity_error (GError     **error,
                 const char  *path,
                 const char  *why)
{
  g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_INTEGRITY,
               "%s: integrity failure of the encrypted file (%s)", path, why);
  return FALSE;
}

/* Opens every message of @cipher into @plain (sized for it); the last must be FINAL. */
static gboolean
open_messages (crypto_secretstream_xchacha20poly1305_state *state,
               const guint8                                *cipher,
               gsize                                        length,
               const char                                  *ad,
               guint8                                      *plain,
               gsize                                       *out_length,
               const char                                  *path,
               GError                                     **error)
{
  gsize done = 0;

  *out_length = 0;
  while (length > 0)
    {
      gsize n = MIN (length, CHUNK + STREAM_ABYTES);
      unsigned long long got = 0;
      guint8 tag = 0;

      if (n < STREAM_ABYTES
          || crypto_secretstream_xchacha20poly1305_pull (state, plain + done, &got, &tag, cipher, n,
                                                         (const guint8 *) ad, strlen (ad)) != 0)
        return integrity_error (error, path, "a part does not authenticate");
      cipher += n;
      length -= n;
      done += got;
      if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != (length == 0))
        return integrity_error (error, path, "cut short or extended");
    }
  *out_length = done;
  return TRUE;
}

/* The plaintext of the file's bytes @data (@length of them). */
static GBytes *
open_file_bytes (AfCacheKey    *key,
                 const guint8  *data,
                 gsize          length,
                 const char    *path,
                 const char    *ad,
                 GError       **error)
{
  crypto_secretstream_xchacha20poly1305_state state;
  gsize plain_length = 0;
  guint8 *plain;

  if (length < FILE_MAGIC_LENGTH + HEADER_BYTES + STREAM_ABYTES
      || memcmp (data, FILE_MAGIC, FILE_MAGIC_LENGTH) != 0)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_FORMAT,
                   "%s: not an encrypted cache object", path);
      return NULL;
    }
  if (crypto_secretstream_xchacha20poly1305_init_pull (&state, data + FILE_MAGIC_LENGTH,
                                                       af_cache_key_get_bytes (key)) != 0)
    {
      integrity_error (error, path, "bad header");
      return NULL;
    }
  data += FILE_MAGIC_LENGTH + HEADER_BYTES;
  length -= FILE_MAGIC_LENGTH + HEADER_BYTES;
  plain = g_malloc (length);
  if (!open_messages (&state, data, length, ad, plain, &plain_length, path, error))
    {
      sodium_memzero (plain, length);
      g_free (plain);
      return NULL;
    }
  return g_bytes_new_take (plain, plain_length);
}

/* Read into memory: when every guard slot is taken (af_mapped_guard_register ()). */
static GBytes *
read_file_unmapped (AfCacheKey  *key,
                    const char  *path,
                    const char  *ad,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  GError *local_error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO, "%s", local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  return open_file_bytes (key, (const guint8 *) contents, length, path, ad, error);
}

/* Mapped, and guarded while it is read (af-mapped-guard.h): an object is replaced by a
 * rename, never rewritten in place by us, but something else may cut it short (a
 * network mount, a cleaner). The zeros read past the cut fail to authenticate; the
 * error then says that the file changed rather than that it was tampered with. */
GBytes *
af_crypto_read_file (AfCacheKey  *key,
                     const char  *path,
                     const char  *ad,
                     GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  AfMappedGuard *guard;
  GError *local_error = NULL;
  GBytes *plain;

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      g_set_error (error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO, "%s", local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  guard = af_mapped_guard_register (g_mapped_file_get_contents (mapped),
                                    g_mapped_file_get_length (mapped));
  if (guard == NULL)
    {
      g_clear_pointer (&mapped, g_mapped_file_unref);
      return read_file_unmapped (key, path, ad, error);
    }
  plain = open_file_bytes (key, (const guint8 *) g_mapped_file_get_contents (mapped),
                           g_mapped_file_get_length (mapped), path, ad, &local_error);
  if (af_mapped_guard_was_cut (guard))
    {
      g_clear_pointer (&plain, g_bytes_unref);
      g_clear_error (&local_error);
      g_set_error (&local_error, AF_CRYPTO_ERROR, AF_CRYPTO_ERROR_IO,
                   "%s: it changed (was cut short) while it was read", path);
    }
  af_mapped_guard_unregister (guard);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return plain;
}

/* ---- Records -------------------------------------------------------------------------------- */

#define RECORD_AD "partial download"
#define MAX_RECORD (16 * 1024 * 1024)

gboolean
af_crypto_record_write (GOutputStream  *output,
                        AfCacheKey     *key,
                        const void     *data,
                        gsize           length,
                        GError        **error)
{
  g_autoptr(GBytes) sealed = af_crypto_seal (key, data, length, RECORD_AD);
  gsize size = g_bytes_get_size (sealed);
  guint32 prefix = GUINT32_TO_LE ((guint32) size);

  return g_output_stream_write_all (output, &prefix, sizeof prefix, NULL, NULL, error)
         && g_output_stream_write_all (output, g_bytes_get_data (sealed, NULL), size, NULL, NULL,
                                       error);
}

/* The records of @data that open, in order, to @func; the length they take. */
static gsize
open_records (AfCacheKey         *key,
              const guint8       *data,
              gsize               length,
              AfCryptoRecordFunc  func,
              gpointer            user_data,
              gssize             *out_plain)
{
  gsize offset = 0;

  while (offset + 4 <= length)
    {
      guint32 size;
      g_autoptr(GBytes) opened = NULL;

      memcpy (&size, data + offset, 4);
      size = GUINT32_FROM_LE (size);
      if (size > MAX_RECORD || offset + 4 + size > length)
        break;
      opened = af_crypto_open (key, data + offset + 4, size, RECORD_AD, NULL);
      if (opened == NULL)
        break;
      func (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), user_data);
      *out_plain += g_bytes_get_size (opened);
      offset += 4 + size;
    }
  return offset;
}

/* Mapped and guarded (af-mapped-guard.h): another of our processes resuming the same
 * download may cut the torn tail of this very file while we read it. The records before
 * the cut opened; the zeros after it do not, and the file, which changed, is left as the
 * other process made it. With every guard slot taken, the file is read into memory. */
gssize
af_crypto_records_read (AfCacheKey         *key,
                        const char         *path,
                        AfCryptoRecordFunc  func,
                        gpointer            user_data)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autofree char *contents = NULL;
  AfMappedGuard *guard = NULL;
  const guint8 *data;
  gsize length, offset;
  gboolean cut = FALSE;
  gssize plain = 0;

  if (mapped == NULL)
    return -1;
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  length = g_mapped_file_get_length (mapped);
  guard = af_mapped_guard_register (data, length);
  if (guard == NULL)
    {
      g_clear_pointer (&mapped, g_mapped_file_unref);
      if (!g_file_get_contents (path, &contents, &length, NULL))
        return -1;
      data = (const guint8 *) contents;
    }
  offset = open_records (key, data, length, func, user_data, &plain);
  if (guard != NULL)
    {
      cut = af_mapped_guard_was_cut (guard);
      af_mapped_guard_unregister (guard);
    }
  /* A torn tail (the power went mid-write) goes; the next append starts clean. */
  if (!cut && offset < length && truncate (path, offset) != 0)
    return -1;
  return plain;
}
