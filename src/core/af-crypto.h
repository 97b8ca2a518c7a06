/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-crypto.h — what the cache encrypts with its key (af-cache-key.h), in two shapes:
 *
 * - sealed values: one personal value of an item, XChaCha20-Poly1305 (IETF) with a
 *   random 192-bit nonce, "AFS1" || nonce || ciphertext+tag. The associated data names
 *   where the value belongs (table, item key, attribute path), so a ciphertext moved to
 *   another item or field no longer opens.
 * - sealed files: a whole cached object, libsodium's secretstream (XChaCha20-Poly1305)
 *   in 64 KiB messages, "AFDOBJ1\n" || header || messages, the last one tagged FINAL so
 *   that a cut file is refused. Decrypted in memory only.
 */
#pragma once

#include <gio/gio.h>

#include "af-cache-key.h"

G_BEGIN_DECLS

#define AF_CRYPTO_ERROR (af_crypto_error_quark ())
GQuark af_crypto_error_quark (void);

typedef enum
{
  AF_CRYPTO_ERROR_INTEGRITY,   /* authentication failed: tampered, moved or wrong key */
  AF_CRYPTO_ERROR_FORMAT,      /* not something this module wrote */
  AF_CRYPTO_ERROR_IO,          /* reading or writing the file failed */
} AfCryptoError;

/* ---- Values ------------------------------------------------------------------------- */

gboolean  af_crypto_is_sealed        (const guint8  *data,
                                      gsize          length);
GBytes   *af_crypto_seal             (AfCacheKey    *key,
                                      const void    *plain,
                                      gsize          length,
                                      const char    *ad);
/* The plaintext, or NULL with AF_CRYPTO_ERROR_INTEGRITY / _FORMAT. */
GBytes   *af_crypto_open             (AfCacheKey    *key,
                                      const guint8  *sealed,
                                      gsize          length,
                                      const char    *ad,
                                      GError       **error);

/* write(2) until all of @length is written (EINTR retried); FALSE with errno set. */
gboolean  af_crypto_write_all        (int            fd,
                                      const void    *buffer,
                                      gsize          length);

/* ---- Files ---------------------------------------------------------------------------- */

typedef struct _AfCryptoWriter AfCryptoWriter;

/* Writes a sealed file at @path (created 0600, replaced when it exists) in pieces;
 * nothing but ciphertext ever reaches the disk. */
AfCryptoWriter *af_crypto_writer_new    (AfCacheKey      *key,
                                         const char      *path,
                                         const char      *ad,
                                         GError         **error);
gboolean        af_crypto_writer_write  (AfCryptoWriter  *self,
                                         const void      *data,
                                         gsize            length,
                                         GError         **error);
/* Seals the last message, syncs and closes. The writer is freed either way. */
gboolean        af_crypto_writer_finish (AfCryptoWriter  *self,
                                         GError         **error);
/* Abandons the file (deleted). NULL is fine. */
void            af_crypto_writer_free   (AfCryptoWriter  *self);

/* The whole of @data sealed into @path, through a temporary file renamed into place. */
gboolean  af_crypto_write_file       (AfCacheKey    *key,
                                      const char    *path,
                                      const char    *ad,
                                      const void    *data,
                                      gsize          length,
                                      GError       **error);
/* The plaintext of a sealed file, in memory. */
GBytes   *af_crypto_read_file        (AfCacheKey    *key,
                                      const char    *path,
                                      const char    *ad,
                                      GError       **error);
/* Whether @path starts like a sealed file (nothing is decrypted). */
gboolean  af_crypto_file_is_sealed   (const char    *path);

/* ---- Records: an appendable sealed file ------------------------------------------- */

/* A download that may break off and resume is written as records, each one sealed on
 * its own ([length, 4 bytes LE][sealed value]), so that it can be appended to later
 * and read back up to its last whole record: nothing of it is ever in clear on disk. */
gboolean  af_crypto_record_write     (GOutputStream *output,
                                      AfCacheKey    *key,
                                      const void    *data,
                                      gsize          length,
                                      GError       **error);
typedef void (*AfCryptoRecordFunc) (const guint8 *data,
                                    gsize         length,
                                    gpointer      user_data);
/* Calls @func with each record's plaintext, in order, up to the first record that is
 * cut or does not open; the file is then truncated after the last good one. Returns
 * the plaintext length read, or -1 when @path cannot be read. */
gssize    af_crypto_records_read     (AfCacheKey         *key,
                                      const char         *path,
                                      AfCryptoRecordFunc  func,
                                      gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCryptoWriter, af_crypto_writer_free)

G_END_DECLS
