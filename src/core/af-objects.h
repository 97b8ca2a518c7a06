/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-objects.h — the object cache: downloaded documents and images, named by the
 * SHA-256 of their bytes (OBJECTS_DIR/ab/abcdef…, af-object-path.h), each file sealed whole with the
 * cache's key (af-crypto.h, secretstream, the name as associated data). This is the
 * one way to read a cached object: decrypted in memory and checked against its name,
 * never written back in clear. Safe from any thread (the key is immutable).
 */
#pragma once

#include <gio/gio.h>

#include "af-cache-key.h"

G_BEGIN_DECLS

/* $XDG_CACHE_HOME/auditflow-desk/objects */
char     *af_objects_default_dir   (void);
/* The object's bytes, decrypted; AF_CRYPTO_ERROR_INTEGRITY when the file was changed
 * or its bytes do not hash to @sha256, G_IO_ERROR_NOT_FOUND when it is not there. */
GBytes   *af_objects_read          (AfCacheKey   *key,
                                    const char   *objects_dir,
                                    const char   *sha256,
                                    GError      **error);
/* The same, for a path af_object_path() gave (its name is the SHA-256). */
GBytes   *af_objects_read_path     (AfCacheKey   *key,
                                    const char   *path,
                                    GError      **error);
/* The key of the object cache at @objects_dir (whoever opens a workspace registers
 * its store's), for af_objects_load_file(). NULL forgets it. */
void      af_objects_register_dir  (const char   *objects_dir,
                                    AfCacheKey   *key);
/* The one way a viewer reads a document or image file: a file under a registered
 * object cache must be sealed, and is decrypted in memory and checked against its
 * name (a file there in clear is refused as an integrity failure); any other file
 * (the bundled demo's samples) is read as it is. */
GBytes   *af_objects_load_file     (const char   *path,
                                    GError      **error);
/* Seals @data into the cache under @sha256 (which must be its hash). */
gboolean  af_objects_write         (AfCacheKey   *key,
                                    const char   *objects_dir,
                                    const char   *sha256,
                                    GBytes       *data,
                                    GError      **error);
/* Every object still in clear (written by an older version) sealed in place, each one
 * through a temporary sealed file renamed over it, so that an interruption leaves
 * either file whole; resumable. Unfinished plaintext downloads are deleted. */
gboolean  af_objects_seal_all      (AfCacheKey   *key,
                                    const char   *objects_dir,
                                    guint        *out_sealed,
                                    GError      **error);

G_END_DECLS
