/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-dynamodb-private.h — shared between the parts of AfDynamodbClient: the transport
 * (af-dynamodb.c), the single-item and page operations (af-dynamodb-ops.c) and the
 * batch loops (af-dynamodb-batch.c).
 */
#pragma once

#include "af-dynamodb.h"

G_BEGIN_DECLS

/* call_finish, plus the body of an error answer (NULL when there was none). */
GBytes   *af_dynamodb_client_call_finish_full (AfDynamodbClient  *self,
                                               GAsyncResult      *result,
                                               GBytes           **out_error_body,
                                               GError           **error);

/* af_dynamodb_client_call_async() with another X-Amz-Target prefix (DynamoDB Streams:
 * "DynamoDBStreams_20120810."; a static string). */
void      af_dynamodb_client_call_target_async (AfDynamodbClient    *self,
                                                const char          *target_prefix,
                                                const char          *operation,
                                                const char          *body,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);

/* Request text: {"TableName": "…" … — the caller closes the object. */
GString  *af_dynamodb_body_begin      (const char             *table);
void      af_dynamodb_body_add_item   (GString                *body,
                                       const char             *member,
                                       const AfValue          *item);
void      af_dynamodb_body_add_params (GString                *body,
                                       const AfDynamodbParams *params,
                                       gboolean                is_read);

/* The response body as a json-glib object, or an AF_AWS_ERROR_MALFORMED error. */
JsonNode *af_dynamodb_parse_response  (GBytes                 *body,
                                       GError                **error);

G_END_DECLS
