/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-cache-key.h — the 256-bit key that encrypts one cache's personal data.
 *
 * It comes from AUDITFLOW_DESK_KEY_FILE when that is set (headless use: servers, CI;
 * the keyring is then not consulted at all), else from the keyring through libsecret,
 * one key per cache file. The key lives in guarded memory (sodium_malloc: locked, with
 * guard pages, wiped when freed); it is never logged and never written anywhere else.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_CACHE_KEY_BYTES 32

#define AF_CACHE_KEY_ERROR (af_cache_key_error_quark ())
GQuark af_cache_key_error_quark (void);

typedef enum
{
  AF_CACHE_KEY_ERROR_NO_STORE,  /* no Secret Service and no AUDITFLOW_DESK_KEY_FILE */
  AF_CACHE_KEY_ERROR_LOOSE,     /* the key file may be read by others */
  AF_CACHE_KEY_ERROR_MISSING,   /* the cache is encrypted and its key is nowhere */
  AF_CACHE_KEY_ERROR_INVALID,   /* the key file does not hold a key */
  AF_CACHE_KEY_ERROR_WRONG,     /* the key does not open this cache */
  AF_CACHE_KEY_ERROR_KEYRING,   /* the keyring refused to store or read the key */
} AfCacheKeyError;

typedef struct _AfCacheKey AfCacheKey;

/* The key of the cache at @cache_path. When there is none yet and @create is TRUE, a
 * new random key is made and kept (in the key file or the keyring) before it is
 * returned; with @create FALSE (an existing encrypted cache) its absence is an error. */
AfCacheKey   *af_cache_key_load        (const char    *cache_path,
                                        gboolean       create,
                                        GError       **error);
/* A random key held nowhere: tests and benchmarks. */
AfCacheKey   *af_cache_key_new_random  (void);
AfCacheKey   *af_cache_key_ref         (AfCacheKey    *self);
void          af_cache_key_unref       (AfCacheKey    *self);
/* AF_CACHE_KEY_BYTES bytes, valid while @self is. */
const guint8 *af_cache_key_get_bytes   (AfCacheKey    *self);
/* Where it came from, for messages: "key file PATH" or "keyring". */
const char   *af_cache_key_get_origin  (AfCacheKey    *self);

/* libsodium's own initialisation, once per process. */
void          af_crypto_init           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCacheKey, af_cache_key_unref)

G_END_DECLS
