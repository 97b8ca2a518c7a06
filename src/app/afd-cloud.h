/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-cloud.h — the window's way to the cloud: one sync, a connection test, a
 * forget-user request, each run on a worker thread of its own, at background priority
 * (af-thread-priority.h: a pull leaves the cores to the window).
 *
 * AfStore is used from one thread at a time, and a sync writes a lot (every pulled
 * page), so the worker opens its own AfStore on the workspace's file (SQLite in WAL
 * mode lets the window keep reading meanwhile), its own SoupSession and clients, and
 * runs the core's async API on a private GMainContext. Only counts come back.
 *
 * Settings are read on the main thread into an AfdCloudConfig first: GSettings is
 * not for workers, and a run must not change its tables half-way.
 */
#pragma once

#include <gio/gio.h>

#include "af-sync.h"

G_BEGIN_DECLS

typedef struct
{
  char *db_path;                    /* the workspace's cache */
  char *region;                     /* (nullable) the setting; the environment wins */
  char *endpoint_dynamodb;          /* (nullable) the setting */
  char *endpoint_s3;                /* (nullable) the setting */
  char *env;                        /* ArtGuard's environment suffix */
  char *identity;                   /* (nullable) the reviewer's e-mail */
  char *tables[AF_N_TABLES];        /* resolved names */
  guint refresh_interval;           /* seconds between refreshes of tables without a stream */
} AfdCloudConfig;

/* @identity_fallback: used when the setting is empty (the store may know it). */
AfdCloudConfig *afd_cloud_config_new_from_settings (GSettings      *settings,
                                                    const char     *db_path,
                                                    const char     *identity_fallback);
void            afd_cloud_config_free              (AfdCloudConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfdCloudConfig, afd_cloud_config_free)

/* Called on the main thread while a sync pulls: items and bytes received so far. */
typedef void (*AfdCloudProgressFunc) (GObject *target,
                                      guint    items,
                                      guint64  bytes);

/* @config is copied. @target is held weakly: progress stops when it goes away. */
void            afd_cloud_sync_async          (const AfdCloudConfig  *config,
                                               GObject               *target,
                                               AfdCloudProgressFunc   progress,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
AfSyncResult   *afd_cloud_sync_finish         (GAsyncResult          *result,
                                               GError               **error);

/* DescribeTable on the audits table. Returns its TableStatus ("ACTIVE"), and its
 * ItemCount (approximate: DynamoDB updates it every few hours) in @out_items. */
void            afd_cloud_test_async          (const AfdCloudConfig  *config,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
char           *afd_cloud_test_finish         (GAsyncResult          *result,
                                               gint64                *out_items,
                                               GError               **error);

void            afd_cloud_forget_async        (const AfdCloudConfig  *config,
                                               const char            *user_id,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
gboolean        afd_cloud_forget_finish       (GAsyncResult          *result,
                                               AfForgetResult        *out_result,
                                               GError               **error);

G_END_DECLS
