/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-aws.h — the AWS side of a CLI run (sync, offline, forget-user): the connection
 * the app makes too (af-connection.h), and the table names.
 *
 * Table names: the seeds' defaults, artguard's with the environment suffix
 * AUDITFLOW_DESK_ENV (default "dev"); AUDITFLOW_DESK_TABLE_DOCUMENTS, _AUDITS, _ANALYSES
 * and _USERS override one table each.
 */
#pragma once

#include "af-connection.h"
#include "af-table.h"

G_BEGIN_DECLS

typedef struct
{
  AfConnection *connection;                  /* (owned) */
  char         *table_names[AF_N_TABLES];  /* (owned) */
} AfcAws;

/* NULL with an error (no credentials, no region, an insecure endpoint…). Blocking: the
 * CLI has nothing else to do meanwhile. */
AfcAws *afc_aws_connect (GError **error);
void    afc_aws_free    (AfcAws  *aws);

/* Runs the thread-default main context until *@slot is set. */
GAsyncResult *afc_aws_wait (GAsyncResult **slot);
void          afc_aws_store_result (GObject      *source,
                                    GAsyncResult *result,
                                    gpointer      user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfcAws, afc_aws_free)

/* The tables @aws resolved; the buckets follow AUDITFLOW_DESK_ENV unless
 * AUDITFLOW_DESK_RAW_BUCKET / AUDITFLOW_DESK_PROCESSED_BUCKET name them. */
AfWorkspaceNames *afc_aws_workspace_names (AfcAws   *aws);
/* A sync over @store with the same endpoints, tables and buckets for every write
 * command; the connection it uses comes back in @out_aws. */
AfSync           *afc_aws_connect_sync    (AfcAws  **out_aws,
                                           AfStore  *store,
                                           GError  **error);

G_END_DECLS
