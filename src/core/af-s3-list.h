/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-s3-list.h — ListObjectsV2 for AfS3Client: every key under a prefix, page after
 * page (continuation tokens) to the end. forget-user needs it to find every object of
 * a user, including ones no item names.
 */
#pragma once

#include "af-s3.h"

G_BEGIN_DECLS

void       af_s3_client_list_keys_async  (AfS3Client          *self,
                                          const char          *bucket,
                                          const char          *prefix,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
/* The keys (element-type utf8), in S3's order. */
GPtrArray *af_s3_client_list_keys_finish (AfS3Client          *self,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
