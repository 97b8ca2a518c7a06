/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-s3.h — an S3 client over libsoup 3: GetObject streamed to disk (resumable, with
 * ETags), HeadObject, PutObject (checksummed, multipart above a threshold), DeleteObject.
 *
 * Keys are encoded once and never normalised (S3's rule, see af-endpoint.h): "a/../b" is
 * a key like any other. Addressing follows the endpoint: path-style for a custom
 * endpoint, virtual-hosted for AWS. Retries as for DynamoDB (af-aws-error.h).
 */
#pragma once

#include <libsoup/soup.h>

#include "af-aws-client.h"
#include "af-cache-key.h"
#include "af-credentials.h"
#include "af-endpoint.h"

G_BEGIN_DECLS

#define AF_S3_DEFAULT_MULTIPART_THRESHOLD (100 * 1024 * 1024)
#define AF_S3_MIN_PART_SIZE               (5 * 1024 * 1024)
/* The largest object GetObject writes: a scanned loan document or an artwork's picture
 * is far smaller; a server sending more is refused before the disk fills. */
#define AF_S3_MAX_DOWNLOAD                (G_GUINT64_CONSTANT (1) << 30)

typedef struct
{
  char    *etag;            /* as S3 sent it, quotes included */
  char    *content_type;    /* nullable */
  guint64  size;            /* the whole object */
  char    *sha256;          /* GetObject: hex SHA-256 of the whole file written */
  gboolean not_modified;    /* GetObject with @if_none_match: 304, nothing written */
  guint64  resumed_from;    /* GetObject: bytes already on disk before this download */
  guint64  received;        /* GetObject: body bytes received (all attempts) */
} AfS3ObjectInfo;

void af_s3_object_info_free (AfS3ObjectInfo *info);

/* How an object is named in errors and logs: its bucket and a digest of its key,
 * "s3://BUCKET/(key 0123456789ab)", never the key itself — keys hold borrowers' and
 * artists' names. Whoever knows the item names it by its id. */
char *af_s3_object_label (const char *bucket,
                          const char *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfS3ObjectInfo, af_s3_object_info_free)

#define AF_TYPE_S3_CLIENT (af_s3_client_get_type ())
G_DECLARE_FINAL_TYPE (AfS3Client, af_s3_client, AF, S3_CLIENT, AfAwsClient)

AfS3Client *af_s3_client_new                     (SoupSession         *session,
                                                  AfEndpoint          *endpoint,
                                                  AfCredentials       *credentials);
void        af_s3_client_set_retry_policy        (AfS3Client          *self,
                                                  const AfRetryPolicy *policy);
/* With a key, GetObject writes its file as sealed records (af_crypto_record_write()),
 * so that a download in progress is never in clear on disk; read it back with
 * af_crypto_records_read(). */
void        af_s3_client_set_download_key        (AfS3Client          *self,
                                                  AfCacheKey          *key);
AfCacheKey *af_s3_client_get_download_key        (AfS3Client          *self);
/* Objects of @threshold bytes or more go up in parts of @part_size (≥ 5 MiB). */
void        af_s3_client_set_multipart           (AfS3Client          *self,
                                                  guint64              threshold,
                                                  gsize                part_size);
guint       af_s3_client_get_request_count       (AfS3Client          *self);

/* GetObject into @file. When @file already holds the start of the object (an earlier
 * download broke off; its ETag is kept beside it in "<file>.etag"), only the rest is
 * asked for with Range, and the parts are joined only if the ETag still matches.
 * A failed download leaves @file for the next attempt. With @if_none_match (an ETag)
 * a 304 returns info->not_modified and leaves @file alone. */
void            af_s3_client_get_object_async    (AfS3Client          *self,
                                                  const char          *bucket,
                                                  const char          *key,
                                                  GFile               *file,
                                                  const char          *if_none_match,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void            af_s3_client_head_object_async   (AfS3Client          *self,
                                                  const char          *bucket,
                                                  const char          *key,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
AfS3ObjectInfo *af_s3_client_object_finish       (AfS3Client          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* PutObject with x-amz-checksum-sha256; from @threshold on, a multipart upload
 * (aborted when a part fails for good). Returns the ETag. */
void            af_s3_client_put_bytes_async     (AfS3Client          *self,
                                                  const char          *bucket,
                                                  const char          *key,
                                                  GBytes              *data,
                                                  const char          *content_type,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void            af_s3_client_put_file_async      (AfS3Client          *self,
                                                  const char          *bucket,
                                                  const char          *key,
                                                  GFile               *file,
                                                  const char          *content_type,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
char           *af_s3_client_put_finish          (AfS3Client          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

void            af_s3_client_delete_object_async (AfS3Client          *self,
                                                  const char          *bucket,
                                                  const char          *key,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean        af_s3_client_delete_finish       (AfS3Client          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* "s3://bucket/key/…" split in two; FALSE when it is not such a URL. */
gboolean        af_s3_parse_url                  (const char          *url,
                                                  char               **out_bucket,
                                                  char               **out_key);

G_END_DECLS
