/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-connection.h — what the app and the CLI both need before they can sync: one
 * SoupSession, the DynamoDB and S3 clients on it, and an AfSync over a cache with the
 * workspace's tables and buckets.
 *
 * The region and the endpoints come from the environment first, then the overrides
 * given (Preferences in the app), then the region's own endpoint; the credentials from
 * the chain the AWS SDKs follow (af-credentials.h).
 */
#pragma once

#include "af-sync.h"

G_BEGIN_DECLS

typedef struct
{
  SoupSession      *session;    /* (owned) */
  AfDynamodbClient *dynamodb;   /* (owned) */
  AfS3Client       *s3;         /* (owned) */
} AfConnection;

/* NULL with an error (no credentials, no region, an insecure endpoint…). @program names
 * the User-Agent ("auditflow-desk", "auditflow-cli"); @region, @endpoint_dynamodb and
 * @endpoint_s3 may be NULL. Blocking: run it on a worker. */
AfConnection *af_connection_open     (const char        *program,
                                      const char        *region,
                                      const char        *endpoint_dynamodb,
                                      const char        *endpoint_s3,
                                      GCancellable      *cancellable,
                                      GError           **error);
void          af_connection_free     (AfConnection      *self);

/* A sync of @store over @self, with @names' tables and buckets. */
AfSync       *af_connection_new_sync (AfConnection      *self,
                                      AfStore           *store,
                                      AfWorkspaceNames  *names);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfConnection, af_connection_free)

G_END_DECLS
