/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-connection"

#include "config.h"

#include "af-connection.h"

/* A hung connection fails a request after this long (then retried, af-aws-error.h). */
#define REQUEST_TIMEOUT_SECONDS 60
/* One connection per push lane: libsoup's default of 2 a host would queue the rest. */
#define CONNECTIONS_PER_HOST AF_PUSH_DEFAULT_LANES
/* DynamoDB and S3 are two hosts. */
#define CONNECTIONS (2 * CONNECTIONS_PER_HOST)

void
af_connection_free (AfConnection *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->s3);
  g_clear_object (&self->session);
  g_free (self);
}

AfConnection *
af_connection_open (const char    *program,
                    const char    *region,
                    const char    *endpoint_dynamodb,
                    const char    *endpoint_s3,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(AfConnection) self = g_new0 (AfConnection, 1);
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(AfEndpoint) dynamodb = NULL;
  g_autoptr(AfEndpoint) s3 = NULL;
  g_autofree char *resolved_region = af_credentials_resolve_region (NULL, region);
  g_autofree char *user_agent = g_strdup_printf ("%s/%s", program, PACKAGE_VERSION);

  /* The endpoints first: a bad one is found without touching the keyring. */
  dynamodb = af_endpoint_resolve (AF_SERVICE_DYNAMODB, resolved_region, endpoint_dynamodb, error);
  if (dynamodb == NULL)
    return NULL;
  s3 = af_endpoint_resolve (AF_SERVICE_S3, resolved_region, endpoint_s3, error);
  if (s3 == NULL)
    return NULL;
  credentials = af_credentials_resolve (NULL, cancellable, error);
  if (credentials == NULL)
    return NULL;

  self->session = soup_session_new_with_options ("user-agent", user_agent,
                                                 "timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "max-conns-per-host", CONNECTIONS_PER_HOST,
                                                 "max-conns", CONNECTIONS, NULL);
  self->dynamodb = af_dynamodb_client_new (self->session, dynamodb, credentials);
  self->s3 = af_s3_client_new (self->session, s3, credentials);
  return g_steal_pointer (&self);
}

AfSync *
af_connection_new_sync (AfConnection     *self,
                        AfStore          *store,
                        AfWorkspaceNames *names)
{
  AfSync *sync = af_sync_new (store, self->dynamodb, self->s3);

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    af_sync_set_table_name (sync, t, af_workspace_names_get_table (names, t));
  af_sync_set_buckets (sync, af_workspace_names_get_raw_bucket (names),
                       af_workspace_names_get_processed_bucket (names));
  return sync;
}
