/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-endpoint"

#include <string.h>

#include "af-endpoint.h"
#include "af-sigv4.h"

struct _AfEndpoint
{
  GObject    parent_instance;

  AfService  service;
  char      *region;   /* (owned) */
  GUri      *uri;      /* (owned) scheme, host, port; no path */
  char      *url;      /* (owned) */
  gboolean   custom;
};

G_DEFINE_FINAL_TYPE (AfEndpoint, af_endpoint, G_TYPE_OBJECT)
G_DEFINE_QUARK (af-endpoint-error-quark, af_endpoint_error)

static void
af_endpoint_finalize (GObject *object)
{
  AfEndpoint *self = AF_ENDPOINT (object);

  g_free (self->region);
  g_clear_pointer (&self->uri, g_uri_unref);
  g_free (self->url);

  G_OBJECT_CLASS (af_endpoint_parent_class)->finalize (object);
}

static void
af_endpoint_class_init (AfEndpointClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_endpoint_finalize;
}

static void
af_endpoint_init (AfEndpoint *self)
{
}

const char *
af_service_signing_name (AfService service)
{
  return service == AF_SERVICE_S3 ? "s3" : "dynamodb";
}

static const char *
service_variable (AfService service)
{
  return service == AF_SERVICE_S3 ? "AWS_ENDPOINT_URL_S3" : "AWS_ENDPOINT_URL_DYNAMODB";
}

gboolean
af_endpoint_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *bare = NULL;
  gsize length;

  if (host == NULL || *host == '\0')
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  length = strlen (host);
  bare = host[0] == '[' && host[length - 1] == ']' ? g_strndup (host + 1, length - 2)
                                                   : g_strdup (host);
  address = g_inet_address_new_from_string (bare);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static GUri *
parse_url (const char  *url,
           GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &parse_error);
  const char *scheme;

  if (uri == NULL)
    {
      g_set_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID,
                   "“%s” is not a valid endpoint URL: %s", url, parse_error->message);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if ((g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID,
                   "“%s” is not an http:// or https:// URL with a host", url);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

/* Plain HTTP would hand the signed requests and the documents to anyone on the path; it is
 * only acceptable when the path never leaves the machine. */
static gboolean
check_secure (GUri        *uri,
              const char  *url,
              GError     **error)
{
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  if (af_endpoint_host_is_loopback (g_uri_get_host (uri)))
    return TRUE;
  g_set_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INSECURE,
               "Refusing the plain HTTP endpoint “%s”: use https://, or http:// only to "
               "this machine (localhost, 127.0.0.1, ::1)", url);
  return FALSE;
}

/* Keeps scheme, host and port, with the path "/": a path in an endpoint URL is not supported
 * by S3's path-style addressing, and DynamoDB posts to "/". */
static GUri *
base_uri (GUri *uri)
{
  g_autofree char *scheme = g_ascii_strdown (g_uri_get_scheme (uri), -1);

  return g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, g_uri_get_host (uri),
                      g_uri_get_port (uri), "/", NULL, NULL);
}

/* "http://127.0.0.1:8000", without the trailing "/". */
static char *
base_url (GUri *uri)
{
  g_autofree char *text = g_uri_to_string (uri);

  if (g_str_has_suffix (text, "/"))
    text[strlen (text) - 1] = '\0';
  return g_steal_pointer (&text);
}

static AfEndpoint *
endpoint_new (AfService    service,
              const char  *region,
              const char  *url,
              gboolean     custom,
              GError     **error)
{
  g_autoptr(GUri) uri = parse_url (url, error);
  AfEndpoint *self;

  if (uri == NULL || !check_secure (uri, url, error))
    return NULL;

  self = g_object_new (AF_TYPE_ENDPOINT, NULL);
  self->service = service;
  self->region = g_strdup (region);
  self->uri = base_uri (uri);
  self->url = base_url (self->uri);
  self->custom = custom;
  return self;
}

AfEndpoint *
af_endpoint_new_for_url (AfService    service,
                         const char  *region,
                         const char  *url,
                         GError     **error)
{
  g_return_val_if_fail (url != NULL, NULL);

  return endpoint_new (service, region, url, TRUE, error);
}

static const char *
first_set (const char *a,
           const char *b,
           const char *c)
{
  if (a != NULL && *a != '\0')
    return a;
  if (b != NULL && *b != '\0')
    return b;
  if (c != NULL && *c != '\0')
    return c;
  return NULL;
}

AfEndpoint *
af_endpoint_resolve (AfService    service,
                     const char  *region,
                     const char  *settings_url,
                     GError     **error)
{
  const char *custom = first_set (g_getenv (service_variable (service)),
                                  g_getenv ("AWS_ENDPOINT_URL"), settings_url);
  g_autofree char *url = NULL;

  if (custom != NULL)
    return endpoint_new (service, region, custom, TRUE, error);

  if (region == NULL || *region == '\0' || strpbrk (region, "/:@?#[] ") != NULL)
    {
      g_set_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID,
                   "No AWS region is set, so there is no %s endpoint to talk to",
                   af_service_signing_name (service));
      return NULL;
    }
  url = g_strdup_printf ("https://%s.%s.amazonaws.com", af_service_signing_name (service),
                         region);
  return endpoint_new (service, region, url, FALSE, error);
}

const char *
af_endpoint_get_region (AfEndpoint *self)
{
  g_return_val_if_fail (AF_IS_ENDPOINT (self), NULL);
  return self->region;
}

GUri *
af_endpoint_get_uri (AfEndpoint *self)
{
  g_return_val_if_fail (AF_IS_ENDPOINT (self), NULL);
  return self->uri;
}

const char *
af_endpoint_get_url (AfEndpoint *self)
{
  g_return_val_if_fail (AF_IS_ENDPOINT (self), NULL);
  return self->url;
}

gboolean
af_endpoint_is_custom (AfEndpoint *self)
{
  g_return_val_if_fail (AF_IS_ENDPOINT (self), FALSE);
  return self->custom;
}

gboolean
af_endpoint_uses_path_style (AfEndpoint *self)
{
  g_return_val_if_fail (AF_IS_ENDPOINT (self), FALSE);
  return self->custom;
}

/* A bucket name that can be a host label under a wildcard certificate: no dots (they would
 * add labels the certificate does not cover), no upper case or underscores. Others are
 * addressed path-style even on AWS, as the SDKs do. */
static gboolean
bucket_is_virtual_hostable (const char *bucket)
{
  gsize length = strlen (bucket);

  if (length < 3 || length > 63 || bucket[0] == '-' || bucket[length - 1] == '-')
    return FALSE;
  for (const char *p = bucket; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  return TRUE;
}

GUri *
af_endpoint_build_object_uri (AfEndpoint *self,
                              const char *bucket,
                              const char *key,
                              const char *query)
{
  g_autofree char *encoded_key = key ? af_sigv4_uri_encode (key, FALSE) : g_strdup ("");
  g_autofree char *encoded_bucket = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (AF_IS_ENDPOINT (self), NULL);
  g_return_val_if_fail (bucket != NULL && *bucket != '\0', NULL);

  if (self->custom || !bucket_is_virtual_hostable (bucket))
    {
      encoded_bucket = af_sigv4_uri_encode (bucket, TRUE);
      path = key ? g_strdup_printf ("/%s/%s", encoded_bucket, encoded_key)
                 : g_strdup_printf ("/%s", encoded_bucket);
      host = g_strdup (g_uri_get_host (self->uri));
    }
  else
    {
      path = g_strdup_printf ("/%s", encoded_key);
      host = g_strdup_printf ("%s.%s", bucket, g_uri_get_host (self->uri));
    }
  return g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (self->uri), NULL, host,
                      g_uri_get_port (self->uri), path, query, NULL);
}
