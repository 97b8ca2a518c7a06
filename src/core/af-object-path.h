/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-object-path.h — the one place a content hash becomes a path in the object cache.
 *
 * Hashes come from the sync state, from items (a document's `checksum`) and from our own
 * digests; the first two are text a server chose. Only exactly 64 lower-case hex digits
 * make a path, so that no hash can name a file outside objects/ (finding 1 of issue 11:
 * "../../.bashrc"-shaped checksums turned into unlinks).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exactly 64 characters, each of 0-9 a-f. */
gboolean  af_sha256_hex_is_valid (const char *text);

/* OBJECTS_DIR/ab/abcdef…, or NULL when @sha256 is not af_sha256_hex_is_valid (). */
char     *af_object_path         (const char *objects_dir,
                                  const char *sha256);

G_END_DECLS
