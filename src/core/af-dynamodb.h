/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-dynamodb.h — a DynamoDB client over libsoup 3 (JSON 1.0 protocol, SigV4).
 *
 * Every call is POST / with X-Amz-Target: DynamoDB_20120810.<Operation>. Each response's
 * x-amz-crc32 is checked; throttling, 5xx, CRC mismatches and dropped connections are
 * retried with full-jitter backoff (af-aws-error.h), everything else fails at once with
 * an AF_AWS_ERROR. Items travel as AfValue trees, numbers as exact decimal text.
 *
 * The SoupSession is injected (the application shares one; tests add loggers to it).
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "af-aws-client.h"
#include "af-credentials.h"
#include "af-endpoint.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AF_DYNAMODB_BATCH_GET_MAX   100
#define AF_DYNAMODB_BATCH_WRITE_MAX 25

/* The optional request members, shared by the operations; a member an operation does
 * not take is ignored. Unset = NULL / FALSE / 0. */
typedef struct
{
  const char *index_name;                  /* Query, Scan */
  const char *key_condition_expression;    /* Query */
  const char *filter_expression;           /* Query, Scan */
  const char *projection_expression;       /* GetItem, Query, Scan, BatchGetItem */
  const char *condition_expression;        /* PutItem, UpdateItem, DeleteItem */
  const char *update_expression;           /* UpdateItem */
  AfValue    *names;                       /* M of S: ExpressionAttributeNames */
  AfValue    *values;                      /* M: ExpressionAttributeValues */
  AfValue    *exclusive_start_key;         /* Query, Scan: one page from here */
  const char *return_values;               /* "ALL_NEW", "ALL_OLD", … */
  gboolean    return_old_on_condition_failure;  /* ReturnValuesOnConditionCheckFailure */
  gboolean    consistent_read;             /* not allowed on a GSI */
  gboolean    scan_backward;               /* Query: ScanIndexForward = false */
  guint       limit;                       /* items evaluated per page */
  guint       segment;                     /* Scan: this segment of… */
  guint       total_segments;              /* …these (0: not a parallel Scan) */
} AfDynamodbParams;

/* One Query or Scan page. */
typedef struct
{
  GPtrArray *items;      /* (element-type AfValue) */
  AfValue   *last_key;   /* LastEvaluatedKey, NULL on the last page */
  gsize      bytes;      /* size of the response body */
} AfDynamodbPage;

void af_dynamodb_page_free (AfDynamodbPage *page);

/* Pages one Query or Scan is followed for at most: 10,000 pages of up to 1 MB. */
#define AF_DYNAMODB_MAX_PAGES 10000

/* Whether a reader may follow @received, the LastEvaluatedKey of its @pages-th page,
 * asked for with @sent (NULL for the first page). A server that hands back the cursor
 * it was given, or that never stops, would have us send the same Query forever: an
 * AF_AWS_ERROR_MALFORMED error instead. */
gboolean af_dynamodb_cursor_advances (const AfValue  *sent,
                                      const AfValue  *received,
                                      guint           pages,
                                      GError        **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfDynamodbPage, af_dynamodb_page_free)

#define AF_TYPE_DYNAMODB_CLIENT (af_dynamodb_client_get_type ())
G_DECLARE_FINAL_TYPE (AfDynamodbClient, af_dynamodb_client, AF, DYNAMODB_CLIENT, AfAwsClient)

AfDynamodbClient *af_dynamodb_client_new (SoupSession   *session,
                                          AfEndpoint    *endpoint,
                                          AfCredentials *credentials);

void     af_dynamodb_client_set_retry_policy (AfDynamodbClient    *self,
                                              const AfRetryPolicy *policy);
/* HTTP requests sent (retries included) and retries, since creation: tests and the
 * benchmark count them. */
guint    af_dynamodb_client_get_request_count (AfDynamodbClient *self);
guint    af_dynamodb_client_get_retry_count   (AfDynamodbClient *self);
guint64  af_dynamodb_client_get_bytes_received (AfDynamodbClient *self);

/* Any operation: @body is the request's JSON text. Returns the response body. */
void     af_dynamodb_client_call_async   (AfDynamodbClient    *self,
                                          const char          *operation,
                                          const char          *body,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GBytes  *af_dynamodb_client_call_finish  (AfDynamodbClient    *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* GetItem: TRUE with *out_item NULL when there is no such item. */
void     af_dynamodb_client_get_item_async   (AfDynamodbClient       *self,
                                              const char             *table,
                                              const AfValue          *key,
                                              const AfDynamodbParams *params,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
gboolean af_dynamodb_client_get_item_finish  (AfDynamodbClient       *self,
                                              GAsyncResult           *result,
                                              AfValue               **out_item,
                                              GError                **error);

/* PutItem, UpdateItem, DeleteItem. @out_item (nullable) receives the returned
 * Attributes on success, or — on AF_AWS_ERROR_CONFLICT with
 * return_old_on_condition_failure — the item as it is now (NULL when the server sent
 * none: dynalite ignores the option). */
void     af_dynamodb_client_put_item_async     (AfDynamodbClient       *self,
                                                const char             *table,
                                                const AfValue          *item,
                                                const AfDynamodbParams *params,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
void     af_dynamodb_client_update_item_async  (AfDynamodbClient       *self,
                                                const char             *table,
                                                const AfValue          *key,
                                                const AfDynamodbParams *params,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
void     af_dynamodb_client_delete_item_async  (AfDynamodbClient       *self,
                                                const char             *table,
                                                const AfValue          *key,
                                                const AfDynamodbParams *params,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
gboolean af_dynamodb_client_write_finish       (AfDynamodbClient       *self,
                                                GAsyncResult           *result,
                                                AfValue               **out_item,
                                                GError                **error);

/* One page of a Query or Scan (params->exclusive_start_key says where from). */
void            af_dynamodb_client_query_page_async  (AfDynamodbClient       *self,
                                                      const char             *table,
                                                      const AfDynamodbParams *params,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
void            af_dynamodb_client_scan_page_async   (AfDynamodbClient       *self,
                                                      const char             *table,
                                                      const AfDynamodbParams *params,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
AfDynamodbPage *af_dynamodb_client_page_finish       (AfDynamodbClient       *self,
                                                      GAsyncResult           *result,
                                                      GError                **error);

/* Every page, to the end (while LastEvaluatedKey is present); all items in one page. */
void            af_dynamodb_client_query_all_async   (AfDynamodbClient       *self,
                                                      const char             *table,
                                                      const AfDynamodbParams *params,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);
void            af_dynamodb_client_scan_all_async    (AfDynamodbClient       *self,
                                                      const char             *table,
                                                      const AfDynamodbParams *params,
                                                      GCancellable           *cancellable,
                                                      GAsyncReadyCallback     callback,
                                                      gpointer                user_data);

/* BatchGetItem on one table: any number of @keys (sent 100 at a time), UnprocessedKeys
 * retried with backoff. Returns the items found (element-type AfValue), in no order;
 * a key without an item is simply absent. */
void       af_dynamodb_client_batch_get_async   (AfDynamodbClient       *self,
                                                 const char             *table,
                                                 GPtrArray              *keys,
                                                 const AfDynamodbParams *params,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data);
GPtrArray *af_dynamodb_client_batch_get_finish  (AfDynamodbClient       *self,
                                                 GAsyncResult           *result,
                                                 GError                **error);

/* BatchWriteItem on one table: @puts (items) and @delete_keys (either may be NULL),
 * 25 requests per call, UnprocessedItems retried with backoff. Not atomic. */
void       af_dynamodb_client_batch_write_async  (AfDynamodbClient    *self,
                                                  const char          *table,
                                                  GPtrArray           *puts,
                                                  GPtrArray           *delete_keys,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean   af_dynamodb_client_batch_write_finish (AfDynamodbClient    *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* DescribeTable: the "Table" object. CreateTable: @definition is CreateTable input JSON
 * (as in data/demo/tables/), returns the "TableDescription" object. */
void       af_dynamodb_client_describe_table_async  (AfDynamodbClient    *self,
                                                     const char          *table,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
void       af_dynamodb_client_create_table_async    (AfDynamodbClient    *self,
                                                     const char          *definition,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
JsonNode  *af_dynamodb_client_table_finish          (AfDynamodbClient    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* TransactWriteItems: @body is the whole request JSON (TransactItems,
 * ClientRequestToken). A cancelled transaction is AF_AWS_ERROR_CONFLICT whose message
 * carries the CancellationReasons codes. */
void       af_dynamodb_client_transact_write_async  (AfDynamodbClient    *self,
                                                     const char          *body,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean   af_dynamodb_client_transact_write_finish (AfDynamodbClient    *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* CRC32 (IEEE 802.3, as zlib computes it): what x-amz-crc32 carries in decimal. */
guint32    af_crc32 (const guint8 *data,
                     gsize         length);

G_END_DECLS
