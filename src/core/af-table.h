/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-table.h — the four cloud tables the app mirrors, and their keys.
 */
#pragma once

#include "af-value.h"

G_BEGIN_DECLS

typedef enum
{
  AF_TABLE_DOCUMENTS,   /* AuditFlow-Documents, key document_id */
  AF_TABLE_AUDITS,      /* AuditFlow-AuditRecords, key audit_record_id */
  AF_TABLE_ANALYSES,    /* artguard-image-analysis-{env}, key request_id + created_at */
  AF_TABLE_USERS,       /* artguard-users-{env}, key user_id */
  AF_N_TABLES
} AfTable;

/* "documents", "audits", "analyses", "users": the CLI's words and the SQLite table names. */
const char *af_table_nick           (AfTable         table);
gboolean    af_table_from_nick      (const char     *nick,
                                     AfTable        *out_table);
/* The partition key attribute: document_id, audit_record_id, request_id, user_id. */
const char *af_table_key_name       (AfTable         table);
/* @item's DynamoDB key: its partition key and, for analyses, its sort key created_at;
 * NULL when @item lacks either (such an item cannot be addressed in the cloud). The one
 * place a key is built: push, pull, forget and the store ask here. */
AfValue    *af_table_item_key       (AfTable         table,
                                     const AfValue  *item);
/* The seeds' default remote name; @env fills artguard's {env} (NULL = "dev"). */
char       *af_table_default_name   (AfTable         table,
                                     const char     *env);
/* Which table an item belongs to, judged by its key attributes. */
gboolean    af_table_guess_for_item (const AfValue  *item,
                                     AfTable        *out_table);

G_END_DECLS
