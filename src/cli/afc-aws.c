/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-aws"

#include "config.h"

#include "afc-aws.h"
#include "afc-context.h"

#include "af-config.h"
#include "af-credentials.h"
#include "af-endpoint.h"

static const char * const table_variables[AF_N_TABLES] = {
  "AUDITFLOW_DESK_TABLE_DOCUMENTS", "AUDITFLOW_DESK_TABLE_AUDITS",
  "AUDITFLOW_DESK_TABLE_ANALYSES", "AUDITFLOW_DESK_TABLE_USERS",
};

void
afc_aws_free (AfcAws *aws)
{
  if (aws == NULL)
    return;
  g_clear_pointer (&aws->connection, af_connection_free);
  for (guint t = 0; t < AF_N_TABLES; t++)
    g_free (aws->table_names[t]);
  g_free (aws);
}

static void
resolve_table_names (AfcAws *aws)
{
  const char *env = g_getenv ("AUDITFLOW_DESK_ENV");

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      const char *name = g_getenv (table_variables[t]);

      aws->table_names[t] = name != NULL && *name != '\0'
                            ? g_strdup (name)
                            : af_table_default_name (t, env != NULL && *env ? env : NULL);
    }
}

/* Without a region there is nothing to sign for nor (without an endpoint override)
 * anywhere to connect to: say which setting is missing before the credential lookup
 * answers with whatever the keyring or D-Bus had to say. */
static gboolean
check_region (GError **error)
{
  g_autofree char *region = af_credentials_resolve_region (NULL, NULL);

  if (region != NULL)
    return TRUE;
  g_set_error_literal (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID,
                       "no AWS region: set AWS_REGION or region in ~/.aws/config");
  return FALSE;
}

AfcAws *
afc_aws_connect (GError **error)
{
  g_autoptr(AfcAws) aws = NULL;

  if (!check_region (error))
    return NULL;
  aws = g_new0 (AfcAws, 1);
  aws->connection = af_connection_open (AFC_PROGRAM_NAME, NULL, NULL, NULL, NULL, error);
  if (aws->connection == NULL)
    return NULL;
  resolve_table_names (aws);
  return g_steal_pointer (&aws);
}

void
afc_aws_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

GAsyncResult *
afc_aws_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* NULL when unset or empty. */
static const char *
nonempty_env (const char *variable)
{
  const char *value = g_getenv (variable);

  return value != NULL && *value != '\0' ? value : NULL;
}

AfWorkspaceNames *
afc_aws_workspace_names (AfcAws *aws)
{
  AfWorkspaceNames *names = af_workspace_names_new (nonempty_env ("AUDITFLOW_DESK_ENV"));

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_workspace_names_set_table (names, t, aws->table_names[t]);
  af_workspace_names_set_buckets (names, nonempty_env ("AUDITFLOW_DESK_RAW_BUCKET"),
                                  nonempty_env ("AUDITFLOW_DESK_PROCESSED_BUCKET"));
  return names;
}

AfSync *
afc_aws_connect_sync (AfcAws  **out_aws,
                      AfStore  *store,
                      GError  **error)
{
  g_autoptr(AfcAws) aws = afc_aws_connect (error);
  g_autoptr(AfWorkspaceNames) names = NULL;
  AfSync *sync;

  if (aws == NULL)
    return NULL;
  names = afc_aws_workspace_names (aws);
  sync = af_connection_new_sync (aws->connection, store, names);
  af_pull_set_refresh_interval (af_sync_get_pull (sync), af_config_get_refresh_interval ());
  *out_aws = g_steal_pointer (&aws);
  return sync;
}
