/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-workspace.h — the cache the window works on, and where its documents' bytes are.
 *
 * Either the bundled demo (sample data, clearly labelled, objects from the demo's
 * s3-manifest.json) or the user's real workspace (objects from the local object cache,
 * content-addressed by SHA-256). Pages report their edits here, so that the window
 * can refresh the counts and the outbox indicator in one place.
 */
#pragma once

#include <gio/gio.h>

#include "af-store.h"

G_BEGIN_DECLS

#define AFD_WORKSPACE_ERROR (afd_workspace_error_quark ())
GQuark afd_workspace_error_quark (void);

typedef enum
{
  AFD_WORKSPACE_ERROR_NOT_OFFLINE,   /* the object is not in the local cache */
} AfdWorkspaceError;

#define AFD_TYPE_WORKSPACE (afd_workspace_get_type ())
G_DECLARE_FINAL_TYPE (AfdWorkspace, afd_workspace, AFD, WORKSPACE, GObject)

/* @db_path: an explicit cache (--db), or NULL to choose: the demo on a first start
 * with no AWS configuration, else $XDG_DATA_HOME/auditflow-desk/workspace.db. */
AfdWorkspace *afd_workspace_open             (const char     *db_path,
                                              GSettings      *settings,
                                              GError        **error);
AfStore      *afd_workspace_get_store        (AfdWorkspace   *self);
gboolean      afd_workspace_is_demo          (AfdWorkspace   *self);

/* The local file holding the object of @item: @attribute NULL for a document's
 * s3_bucket/s3_key, else an attribute with an s3:// URL. Never built from the key. */
char         *afd_workspace_resolve_object   (AfdWorkspace   *self,
                                              const AfValue  *item,
                                              const char     *attribute,
                                              GError        **error);

/* Pages call this after an edit; emits ::changed. */
void          afd_workspace_changed          (AfdWorkspace   *self);

G_END_DECLS
