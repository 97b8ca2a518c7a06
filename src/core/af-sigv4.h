/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-sigv4.h — AWS Signature Version 4 (AWS4-HMAC-SHA256) on GHmac/GChecksum.
 *
 * Two ways in:
 *  - af_sigv4_sign_message () signs a SoupMessage in place: call it last, after the URI,
 *    the headers and the body are final. It adds Host, X-Amz-Date, X-Amz-Security-Token
 *    (with a session token), X-Amz-Content-Sha256 (service "s3") and Authorization.
 *  - AfSigv4Request describes a request by hand (the published test vectors, unit tests)
 *    and gives back an AfSigv4Signature with the headers to add.
 *
 * Paths are given as they go on the wire (already percent-encoded once, as a GUri holds
 * them). For "s3" that is the canonical path as is: no second encoding, no normalisation
 * (an object key "a//b/../c" is a key, not a path). For every other service the path is
 * normalised (dot segments, repeated slashes) and encoded a second time, as AWS requires.
 *
 * The signing time is the real wall clock (never AUDITFLOW_DESK_NOW: AWS rejects a request
 * more than 15 minutes off), unless a test fixes it with af_sigv4_request_set_time ().
 */
#pragma once

#include <libsoup/soup.h>

#include "af-credentials.h"

G_BEGIN_DECLS

/* hex(sha256("")), the payload hash of a request without a body. */
#define AF_SIGV4_EMPTY_PAYLOAD_HASH \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/* S3 only: the body is not part of the signature (large streamed uploads). */
#define AF_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/* The result: the values of the headers to add, plus the intermediate strings (tests,
 * and a g_debug that never shows a secret: none of these contain one). */
typedef struct
{
  char *authorization;         /* "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…" */
  char *amz_date;              /* X-Amz-Date: 20150830T123600Z */
  char *security_token;        /* X-Amz-Security-Token, or NULL */
  char *content_sha256;        /* X-Amz-Content-Sha256, or NULL when not sent */
  char *signature;             /* 64 hex digits */
  char *signed_headers;        /* "host;x-amz-date" */
  char *canonical_request;
  char *string_to_sign;
} AfSigv4Signature;

void               af_sigv4_signature_free            (AfSigv4Signature *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSigv4Signature, af_sigv4_signature_free)

typedef struct _AfSigv4Request AfSigv4Request;

/* @path: on-the-wire form ("/", "/test%24file.text"); NULL = "/". */
AfSigv4Request    *af_sigv4_request_new               (const char       *method,
                                                       const char       *path,
                                                       const char       *service,
                                                       const char       *region);
void               af_sigv4_request_free              (AfSigv4Request   *self);
/* A raw (not yet encoded) path instead: "/photos/a b.jpg" → "/photos/a%20b.jpg". */
void               af_sigv4_request_set_raw_path      (AfSigv4Request   *self,
                                                       const char       *raw_path);
/* Decoded name and value; encoded here (RFC 3986). Repeated names are allowed. */
void               af_sigv4_request_add_query         (AfSigv4Request   *self,
                                                       const char       *name,
                                                       const char       *value);
/* An encoded query string as in a URI ("a=1&b=x%20y"); split, decoded, re-encoded. */
void               af_sigv4_request_set_query_string  (AfSigv4Request   *self,
                                                       const char       *query);
/* Every header added is signed. Include "Host" (see af_sigv4_format_host ()). A name
 * added twice is signed as one header whose values are joined by ",". */
void               af_sigv4_request_add_header        (AfSigv4Request   *self,
                                                       const char       *name,
                                                       const char       *value);
/* The body; NULL or unset = empty. */
void               af_sigv4_request_set_payload       (AfSigv4Request   *self,
                                                       GBytes           *payload);
/* Or its hex SHA-256 computed elsewhere, or AF_SIGV4_UNSIGNED_PAYLOAD. */
void               af_sigv4_request_set_payload_hash  (AfSigv4Request   *self,
                                                       const char       *hex_sha256);
/* Tests: a fixed signing time instead of now. */
void               af_sigv4_request_set_time          (AfSigv4Request   *self,
                                                       GDateTime        *time);
AfSigv4Signature  *af_sigv4_request_sign              (AfSigv4Request   *self,
                                                       AfCredentials    *credentials);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfSigv4Request, af_sigv4_request_free)

/* Signs @message in place. @body: the exact request body (NULL = none). Returns FALSE only
 * for a message without a usable URI. */
gboolean           af_sigv4_sign_message              (SoupMessage      *message,
                                                       GBytes           *body,
                                                       const char       *service,
                                                       const char       *region,
                                                       AfCredentials    *credentials);
/* The same with the payload hash given (a file hashed while streaming, or
 * AF_SIGV4_UNSIGNED_PAYLOAD) and an optional fixed @time (NULL = now). */
gboolean           af_sigv4_sign_message_full         (SoupMessage      *message,
                                                       const char       *payload_hash,
                                                       const char       *service,
                                                       const char       *region,
                                                       AfCredentials    *credentials,
                                                       GDateTime        *time);

/* Helpers shared with the S3 client. */
/* RFC 3986: all but A-Z a-z 0-9 - _ . ~ become %XX (upper-case hex, UTF-8 bytes);
 * "/" is kept unless @encode_slash. */
char              *af_sigv4_uri_encode                (const char       *text,
                                                       gboolean          encode_slash);
/* The Host header value: "host", "host:port" when @port is not @scheme's default,
 * IPv6 literals in brackets. @port -1 = default. */
char              *af_sigv4_format_host               (const char       *scheme,
                                                       const char       *host,
                                                       int               port);
/* hex(sha256(@data)) */
char              *af_sigv4_hex_sha256                (const guint8     *data,
                                                       gsize             length);

G_END_DECLS
