/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-endpoint.h — where to send DynamoDB and S3 requests, and how to address S3.
 *
 * Order: AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL, then a
 * settings value, else https://dynamodb.REGION.amazonaws.com / https://s3.REGION.amazonaws.com.
 *
 * HTTPS only: a plain http:// endpoint is refused unless its host is loopback
 * (127.0.0.0/8, ::1, localhost) — local servers in development and tests.
 *
 * A custom endpoint (any of the variables or the setting) is addressed path-style
 * (http://host:port/bucket/key); AWS's own is virtual-hosted (https://bucket.s3.REGION…/key).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_ENDPOINT_ERROR (af_endpoint_error_quark ())

typedef enum
{
  AF_ENDPOINT_ERROR_INVALID,    /* not an absolute http(s) URL, or no region to build one */
  AF_ENDPOINT_ERROR_INSECURE,   /* http:// to a host that is not loopback */
} AfEndpointError;

typedef enum
{
  AF_SERVICE_DYNAMODB,
  AF_SERVICE_S3,
} AfService;

#define AF_TYPE_ENDPOINT (af_endpoint_get_type ())
G_DECLARE_FINAL_TYPE (AfEndpoint, af_endpoint, AF, ENDPOINT, GObject)

GQuark       af_endpoint_error_quark        (void);

/* "dynamodb" / "s3": the SigV4 service name and the AWS host prefix. */
const char  *af_service_signing_name        (AfService      service);

/* The whole chain. @settings_url: NULL or "" when unset. */
AfEndpoint  *af_endpoint_resolve            (AfService      service,
                                             const char    *region,
                                             const char    *settings_url,
                                             GError       **error);
/* One URL, checked (custom: path-style). */
AfEndpoint  *af_endpoint_new_for_url        (AfService      service,
                                             const char    *region,
                                             const char    *url,
                                             GError       **error);

const char  *af_endpoint_get_region         (AfEndpoint    *self);
/* The base URI, path "/" ("http://127.0.0.1:8000/"): DynamoDB's request URI. */
GUri        *af_endpoint_get_uri            (AfEndpoint    *self);
/* The same as text, without the trailing "/" ("http://127.0.0.1:8000"). */
const char  *af_endpoint_get_url            (AfEndpoint    *self);
/* TRUE when the endpoint came from a variable or the settings, not from the region. */
gboolean     af_endpoint_is_custom          (AfEndpoint    *self);
/* S3 addressing: TRUE = path-style (custom endpoints), FALSE = virtual-hosted. */
gboolean     af_endpoint_uses_path_style    (AfEndpoint    *self);

/* The URI of an S3 object: @key is encoded once, its "/" kept (never normalised).
 * Path-style for custom endpoints and for bucket names that cannot be a host label
 * ("my.bucket"), virtual-hosted otherwise.
 * @key NULL = the bucket itself. @query: an encoded query string, or NULL. */
GUri        *af_endpoint_build_object_uri   (AfEndpoint    *self,
                                             const char    *bucket,
                                             const char    *key,
                                             const char    *query);

/* Loopback: 127.0.0.0/8, ::1, localhost. */
gboolean     af_endpoint_host_is_loopback   (const char    *host);

G_END_DECLS
