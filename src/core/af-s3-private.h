/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-s3-private.h — shared by the parts of AfS3Client: requests with retries (af-s3.c),
 * streamed downloads (af-s3-get.c) and uploads (af-s3-put.c).
 */
#pragma once

#include "af-s3.h"

G_BEGIN_DECLS

typedef struct
{
  const char *method;
  const char *bucket;
  const char *key;            /* nullable: the bucket itself */
  const char *query;          /* encoded, nullable */
  GBytes     *body;           /* nullable */
  const char *content_type;   /* nullable */
  gboolean    checksum;       /* send x-amz-checksum-sha256 of @body */
  const char *range;          /* GetObject: "bytes=N-", nullable */
  const char *if_none_match;  /* GetObject: an ETag, nullable */
  gboolean    declare_sha256; /* CreateMultipartUpload: x-amz-checksum-algorithm SHA256 */
} AfS3Request;

/* A signed message for @request (the signature covers the body's SHA-256). */
SoupMessage         *af_s3_client_build_message     (AfS3Client        *self,
                                                     const AfS3Request *request);
guint64              af_s3_client_get_threshold     (AfS3Client        *self);
gsize                af_s3_client_get_part_size     (AfS3Client        *self);

/* One request, read whole, retried while retryable. A status of 300 or more other than
 * 304 is an error. Returns the message (status, headers) and its body. */
void                 af_s3_client_exchange_async    (AfS3Client        *self,
                                                     const AfS3Request *request,
                                                     GCancellable      *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer           user_data);
SoupMessage         *af_s3_client_exchange_finish   (AfS3Client        *self,
                                                     GAsyncResult      *result,
                                                     GBytes           **out_body,
                                                     GError           **error);

/* The object facts a response's headers give. */
AfS3ObjectInfo      *af_s3_object_info_from_headers (SoupMessageHeaders *headers);

/* base64 of the SHA-256 digest: x-amz-checksum-sha256. */
char                *af_s3_sha256_base64            (GBytes            *data);

G_END_DECLS
