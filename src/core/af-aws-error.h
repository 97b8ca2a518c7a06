/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-aws-error.h — what went wrong talking to DynamoDB or S3, and whether to try again.
 *
 * One error domain for both services. A service error is mapped from the HTTP status and
 * the service's own error name (DynamoDB's `__type` after '#', S3's XML <Code>); a transport
 * failure (refused or dropped connection, timeout) is AF_AWS_ERROR_NETWORK. The original
 * error name stays in the message, so a log line or a dialog says exactly what AWS said.
 *
 * Retries use exponential backoff with full jitter, as AWS recommends:
 *   sleep = random (0, min (cap, base * 2^attempt)), until a total budget is spent.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AF_AWS_ERROR (af_aws_error_quark ())
GQuark af_aws_error_quark (void);

typedef enum
{
  AF_AWS_ERROR_CONFLICT,     /* ConditionalCheckFailed, TransactionCanceled: the item moved */
  AF_AWS_ERROR_THROTTLED,    /* throughput or request-rate limits (retryable) */
  AF_AWS_ERROR_VALIDATION,   /* the request is wrong: fixing it is on us */
  AF_AWS_ERROR_NOT_FOUND,    /* no such table, bucket or key */
  AF_AWS_ERROR_AUTH,         /* credentials refused or signature mismatch */
  AF_AWS_ERROR_SERVER,       /* 5xx, InternalServerError (retryable) */
  AF_AWS_ERROR_NETWORK,      /* no answer: refused, dropped, timed out (retryable) */
  AF_AWS_ERROR_INTEGRITY,    /* x-amz-crc32 mismatch, truncated body (retryable) */
  AF_AWS_ERROR_MALFORMED,    /* an answer we cannot read */
  AF_AWS_ERROR_INSECURE,     /* TLS certificate refused: never retried */
  AF_AWS_ERROR_EXPIRED,      /* a stream position the stream no longer keeps (trimmed
                                records, an expired shard iterator) */
} AfAwsError;

/* @status: the HTTP status; @code: the service's error name (NULL when none came);
 * @message: its message (may be NULL). */
GError   *af_aws_error_new_from_service     (guint           status,
                                             const char     *code,
                                             const char     *message);
AfAwsError af_aws_error_code_for            (guint           status,
                                             const char     *code);

/* The DynamoDB error name: the part of `__type` after '#' ("…#ValidationException"). */
const char *af_aws_error_strip_type_prefix  (const char     *type);

/* From a DynamoDB error body ({"__type": …, "message": …}); tolerant of junk. */
GError   *af_aws_error_new_from_dynamodb    (guint           status,
                                             const char     *body,
                                             gsize           length);
/* From an S3 error body (<Error><Code>…</Code><Message>…</Message></Error>); S3 sends
 * no body on HEAD, so the status alone decides then. */
GError   *af_aws_error_new_from_s3          (guint           status,
                                             const char     *body,
                                             gsize           length);

/* A libsoup / GIO transport error as AF_AWS_ERROR_NETWORK (or INSECURE for TLS);
 * G_IO_ERROR_CANCELLED is passed through unchanged. Takes ownership of @error. */
GError   *af_aws_error_from_transport       (GError         *error);

/* Throttling, 5xx, CRC mismatches and dropped connections: worth another try. */
gboolean  af_aws_error_is_retryable         (const GError   *error);

/* ---- Backoff ---------------------------------------------------------------- */

typedef struct
{
  guint base_ms;      /* first ceiling: 50 ms */
  guint cap_ms;       /* largest single sleep: 20 s */
  guint budget_ms;    /* total sleeping before giving up: 60 s */
  guint max_attempts; /* 0 = bounded by the budget only */
} AfRetryPolicy;

/* The defaults above; AF_AWS_RETRY_BASE_MS, AF_AWS_RETRY_CAP_MS and AF_AWS_RETRY_BUDGET_MS
 * override them (tests make the fault runs quick). */
void      af_retry_policy_init_default      (AfRetryPolicy  *policy);

typedef struct
{
  AfRetryPolicy policy;
  guint         attempt;
  guint64       slept_ms;
} AfBackoff;

void      af_backoff_init                   (AfBackoff           *backoff,
                                             const AfRetryPolicy *policy);
/* The next sleep in ms; FALSE when the budget or the attempts are spent. */
gboolean  af_backoff_next                   (AfBackoff      *backoff,
                                             guint          *out_delay_ms);

/* Sleeps on the thread-default main context; ends early with G_IO_ERROR_CANCELLED. */
void      af_aws_sleep_async                (guint                delay_ms,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  af_aws_sleep_finish               (GAsyncResult        *result,
                                             GError             **error);

/* One more attempt of a retry loop; takes @task. */
typedef void (*AfAwsAttemptFunc) (GTask *task);

/* Takes @task: after @delay_ms, runs @attempt on it again, or returns the sleep's error
 * (G_IO_ERROR_CANCELLED) on it. */
void      af_aws_retry_after                (GTask               *task,
                                             guint                delay_ms,
                                             AfAwsAttemptFunc     attempt);

G_END_DECLS
