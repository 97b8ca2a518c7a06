/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-workspace-names.h — the remote names of one workspace: its four DynamoDB tables and
 * ArtGuard's raw and processed image buckets.
 *
 * Built once from the configuration (the environment suffix, then any renames) and
 * shared by whatever talks to those tables and buckets, so that submitting and
 * forgetting a user cannot disagree about where an image lives.
 */
#pragma once

#include <glib-object.h>

#include "af-table.h"

G_BEGIN_DECLS

#define AF_TYPE_WORKSPACE_NAMES (af_workspace_names_get_type ())
G_DECLARE_FINAL_TYPE (AfWorkspaceNames, af_workspace_names, AF, WORKSPACE_NAMES, GObject)

/* The seeds' names for @env (NULL = "dev"): the tables as af_table_default_name() says,
 * artguard-images-raw-{env} and artguard-images-processed-{env}. */
AfWorkspaceNames *af_workspace_names_new                  (const char       *env);

const char       *af_workspace_names_get_table            (AfWorkspaceNames *self,
                                                           AfTable           table);
void              af_workspace_names_set_table            (AfWorkspaceNames *self,
                                                           AfTable           table,
                                                           const char       *name);
const char       *af_workspace_names_get_raw_bucket       (AfWorkspaceNames *self);
const char       *af_workspace_names_get_processed_bucket (AfWorkspaceNames *self);
/* Either may be NULL: that bucket keeps its name. */
void              af_workspace_names_set_buckets          (AfWorkspaceNames *self,
                                                           const char       *raw,
                                                           const char       *processed);

G_END_DECLS
