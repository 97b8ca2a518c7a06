/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-demo.h — the bundled demo workspace.
 *
 * The demo is the fixture set shipped in pkgdatadir/demo (dynamodb/ table files, s3/,
 * s3-manifest.json, expected.json). On first use it is imported into its own cache,
 * every date moved forward by (now − the fixture's as_of) so that nothing in it has
 * expired; later opens reuse that cache as it is, with the user's edits.
 *
 * Objects are found only through s3-manifest.json: a local path is never built from an
 * S3 key, and a key the manifest does not list is refused.
 */
#pragma once

#include <gio/gio.h>

#include "af-store.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AF_DEMO_ERROR (af_demo_error_quark ())
GQuark af_demo_error_quark (void);

typedef enum
{
  AF_DEMO_ERROR_NOT_FOUND,       /* no demo directory, or a file of it is missing */
  AF_DEMO_ERROR_MALFORMED,       /* expected.json, s3-manifest.json or a table file is bad */
  AF_DEMO_ERROR_UNKNOWN_OBJECT,  /* bucket + key not listed in s3-manifest.json */
  AF_DEMO_ERROR_UNSAFE_PATH,     /* a manifest entry whose file would leave the demo dir */
  AF_DEMO_ERROR_NOT_DEMO,        /* the cache at that path is a real workspace */
} AfDemoError;

/* sync_state keys the demo writes into its store. "workspace" = "demo" is how the app
 * (and the sync, which must never push a demo) tells a demo workspace apart. */
#define AF_DEMO_STATE_WORKSPACE    "workspace"
#define AF_DEMO_WORKSPACE_DEMO     "demo"
#define AF_DEMO_STATE_DIR          "demo_dir"          /* where its objects are */
#define AF_DEMO_STATE_SHIFT        "demo_shift_seconds"
#define AF_DEMO_STATE_IMPORTED_AT  "demo_imported_at"  /* ISO 8601, af_clock time */

/* The installed demo directory: $AFD_DEMO_DIR if set, else PKGDATADIR/demo when it
 * exists, else the source tree's data/demo (running from the build tree). NULL with
 * AF_DEMO_ERROR_NOT_FOUND when none holds an expected.json. */
char      *af_demo_find_dir              (GError        **error);

/* Where the demo cache lives by default: $XDG_DATA_HOME/auditflow-desk/demo.sqlite. */
char      *af_demo_default_cache_path    (void);

/* Opens the demo workspace cached at @cache_path (parent directories are created),
 * importing @demo_dir into it when the cache is new or its import never finished.
 * An existing demo cache is not imported again — except once its import is more than
 * a week old, when the items are replaced by copies dated from the new now (so that
 * retention never empties the demo); the user's edits stay either way, as pending
 * outbox entries. A cache at @cache_path that belongs to a real workspace is refused
 * (AF_DEMO_ERROR_NOT_DEMO). The app should never sync a store for which
 * af_demo_store_is_demo() is TRUE. */
AfStore   *af_demo_open                  (const char     *demo_dir,
                                          const char     *cache_path,
                                          GError        **error);

/* TRUE when @store holds the demo workspace (sync_state "workspace" = "demo"). */
gboolean   af_demo_store_is_demo         (AfStore        *store);

/* The local file (absolute path) that holds S3 object @bucket/@key of the demo,
 * looked up in @demo_dir/s3-manifest.json. @out_content_type (nullable) receives the
 * manifest's content type. NULL + AF_DEMO_ERROR_UNKNOWN_OBJECT when not listed. */
char      *af_demo_resolve_object        (const char     *demo_dir,
                                          const char     *bucket,
                                          const char     *key,
                                          char          **out_content_type,
                                          GError        **error);

/* The same for an item: @attribute NULL means a document's s3_bucket + s3_key;
 * otherwise the name of an S attribute holding an s3://bucket/key URL
 * (raw_image_url, processed_image_url). */
char      *af_demo_resolve_item_object   (const char     *demo_dir,
                                          const AfValue  *item,
                                          const char     *attribute,
                                          char          **out_content_type,
                                          GError        **error);

/* Splits "s3://bucket/key" (key may contain '/'); FALSE when it is not such a URL. */
gboolean   af_demo_parse_s3_url          (const char     *url,
                                          char          **out_bucket,
                                          char          **out_key);

/* The fixture's notional now (expected.json as_of) as unix seconds. */
gboolean   af_demo_read_as_of            (const char     *demo_dir,
                                          gint64         *out_unix,
                                          GError        **error);

/* A copy of @item with every date moved by @delta_seconds: ISO 8601 timestamps
 * (attributes named *_timestamp, *_iso, *_at), unix seconds (ttl, *_date, and *_at
 * below 10^11) and unix milliseconds (created_at, last_login, *_at from 10^11 on),
 * judged by attribute name and value shape, in nested maps and lists too. Anything
 * else — document facts such as extracted dates, S3 keys — is copied unchanged. */
AfValue   *af_demo_shift_item            (const AfValue  *item,
                                          gint64          delta_seconds);

G_END_DECLS
