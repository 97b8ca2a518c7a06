/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-sigv4"

#include <string.h>

#include "af-sigv4.h"
#include "af-secret-memory.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define SHA256_LENGTH 32

typedef struct
{
  char *name;
  char *value;
} Pair;

struct _AfSigv4Request
{
  char      *method;
  char      *path;              /* (owned) on-the-wire form */
  char      *service;
  char      *region;
  GPtrArray *query;             /* (owned) (element-type Pair) encoded */
  GPtrArray *headers;           /* (owned) (element-type Pair) lower-case name, trimmed value */
  char      *payload_hash;      /* (owned) */
  gboolean   content_sha256_header;
  GDateTime *time;              /* (owned) (nullable) NULL = now */
};

/* Headers that proxies and HTTP stacks add, drop or rewrite on the way: signing them
 * would break the signature for reasons that have nothing to do with the request. */
static const char * const unsignable_headers[] = {
  "authorization", "connection", "expect", "keep-alive", "proxy-authorization",
  "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "user-agent",
  "x-amzn-trace-id", NULL,
};

static Pair *
pair_new (char *name,
          char *value)
{
  Pair *pair = g_new (Pair, 1);

  pair->name = name;
  pair->value = value;
  return pair;
}

static void
pair_free (gpointer data)
{
  Pair *pair = data;

  g_free (pair->name);
  /* One of them may be X-Amz-Security-Token. */
  af_secret_memory_free (pair->value);
  g_free (pair);
}

static int
pair_compare (gconstpointer a,
              gconstpointer b)
{
  const Pair *pa = *(const Pair * const *) a;
  const Pair *pb = *(const Pair * const *) b;
  int by_name = strcmp (pa->name, pb->name);

  return by_name != 0 ? by_name : strcmp (pa->value, pb->value);
}

/* Stable: repeated headers keep the order they were added in. */
static int
pair_compare_names (gconstpointer a,
                    gconstpointer b)
{
  const Pair *pa = *(const Pair * const *) a;
  const Pair *pb = *(const Pair * const *) b;

  return strcmp (pa->name, pb->name);
}

/* A copy of @array that does not own its elements (a copy inherits the free function). */
static GPtrArray *
borrowed_copy (GPtrArray *array)
{
  GPtrArray *copy = g_ptr_array_copy (array, NULL, NULL);

  g_ptr_array_set_free_func (copy, NULL);
  return copy;
}

void
af_sigv4_signature_free (AfSigv4Signature *self)
{
  if (self == NULL)
    return;
  g_free (self->authorization);
  g_free (self->amz_date);
  af_secret_memory_free (self->security_token);
  g_free (self->content_sha256);
  g_free (self->signature);
  g_free (self->signed_headers);
  af_secret_memory_free (self->canonical_request);   /* holds the session token */
  g_free (self->string_to_sign);
  g_free (self);
}

char *
af_sigv4_uri_encode (const char *text,
                     gboolean    encode_slash)
{
  GString *out = g_string_sized_new (strlen (text) * 3 / 2 + 1);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~'
          || (*p == '/' && !encode_slash))
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

char *
af_sigv4_format_host (const char *scheme,
                      const char *host,
                      int         port)
{
  gboolean is_default = port <= 0
    || (port == 443 && g_ascii_strcasecmp (scheme, "https") == 0)
    || (port == 80 && g_ascii_strcasecmp (scheme, "http") == 0);
  /* An IPv6 literal needs its brackets back: GUri hands the host without them. */
  gboolean ipv6 = strchr (host, ':') != NULL;
  g_autofree char *name = ipv6 ? g_strdup_printf ("[%s]", host) : g_strdup (host);

  if (is_default)
    return g_steal_pointer (&name);
  return g_strdup_printf ("%s:%d", name, port);
}

char *
af_sigv4_hex_sha256 (const guint8 *data,
                     gsize         length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

AfSigv4Request *
af_sigv4_request_new (const char *method,
                      const char *path,
                      const char *service,
                      const char *region)
{
  AfSigv4Request *self;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (region != NULL, NULL);

  self = g_new0 (AfSigv4Request, 1);
  self->method = g_ascii_strup (method, -1);
  self->path = g_strdup (path != NULL && *path != '\0' ? path : "/");
  self->service = g_strdup (service);
  self->region = g_strdup (region);
  self->query = g_ptr_array_new_with_free_func (pair_free);
  self->headers = g_ptr_array_new_with_free_func (pair_free);
  self->payload_hash = g_strdup (AF_SIGV4_EMPTY_PAYLOAD_HASH);
  self->content_sha256_header = g_str_equal (service, "s3");
  return self;
}

void
af_sigv4_request_free (AfSigv4Request *self)
{
  if (self == NULL)
    return;
  g_free (self->method);
  g_free (self->path);
  g_free (self->service);
  g_free (self->region);
  g_ptr_array_unref (self->query);
  g_ptr_array_unref (self->headers);
  g_free (self->payload_hash);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self);
}

void
af_sigv4_request_set_raw_path (AfSigv4Request *self,
                               const char     *raw_path)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (raw_path != NULL);

  g_free (self->path);
  self->path = *raw_path != '\0' ? af_sigv4_uri_encode (raw_path, FALSE) : g_strdup ("/");
}

void
af_sigv4_request_add_query (AfSigv4Request *self,
                            const char     *name,
                            const char     *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->query, pair_new (af_sigv4_uri_encode (name, TRUE),
                                          af_sigv4_uri_encode (value ? value : "", TRUE)));
}

/* Decodes one query component; a malformed escape is kept literally, as it went out. */
static char *
query_unescape (const char *text,
                gssize      length)
{
  g_autofree char *raw = length < 0 ? g_strdup (text) : g_strndup (text, length);
  char *decoded = g_uri_unescape_string (raw, NULL);

  return decoded != NULL ? decoded : g_steal_pointer (&raw);
}

void
af_sigv4_request_set_query_string (AfSigv4Request *self,
                                   const char     *query)
{
  g_auto(GStrv) parts = NULL;

  g_return_if_fail (self != NULL);

  g_ptr_array_set_size (self->query, 0);
  if (query == NULL)
    return;

  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *equals = strchr (parts[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*parts[i] == '\0')
        continue;
      name = query_unescape (parts[i], equals ? equals - parts[i] : -1);
      value = equals ? query_unescape (equals + 1, -1) : g_strdup ("");
      af_sigv4_request_add_query (self, name, value);
    }
}

/* AWS: trim, and turn each run of spaces inside into one space. */
static char *
canonical_header_value (const char *value)
{
  GString *out = g_string_sized_new (strlen (value));
  gboolean in_space = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        {
          in_space = TRUE;
          continue;
        }
      if (in_space && out->len > 0)
        g_string_append_c (out, ' ');
      in_space = FALSE;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
remove_header (GPtrArray  *headers,
               const char *lower_name)
{
  for (guint i = headers->len; i > 0; i--)
    {
      const Pair *pair = g_ptr_array_index (headers, i - 1);

      if (g_str_equal (pair->name, lower_name))
        g_ptr_array_remove_index (headers, i - 1);
    }
}

void
af_sigv4_request_add_header (AfSigv4Request *self,
                             const char     *name,
                             const char     *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && value != NULL);

  g_ptr_array_add (self->headers, pair_new (g_ascii_strdown (name, -1),
                                            canonical_header_value (value)));
}

void
af_sigv4_request_set_payload (AfSigv4Request *self,
                              GBytes         *payload)
{
  gsize length = 0;
  const guint8 *data = payload ? g_bytes_get_data (payload, &length) : NULL;

  g_return_if_fail (self != NULL);

  g_free (self->payload_hash);
  self->payload_hash = af_sigv4_hex_sha256 (data ? data : (const guint8 *) "", length);
}

void
af_sigv4_request_set_payload_hash (AfSigv4Request *self,
                                   const char     *hex_sha256)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (hex_sha256 != NULL);

  g_free (self->payload_hash);
  self->payload_hash = g_strdup (hex_sha256);
}

void
af_sigv4_request_set_time (AfSigv4Request *self,
                           GDateTime      *time)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->time, g_date_time_unref);
  if (time != NULL)
    self->time = g_date_time_to_utc (time);
}

/* Non-S3 services: remove "." and ".." segments and empty ones (RFC 3986 5.2.4), keeping
 * the leading and trailing slash. */
static char *
normalise_path (const char *path)
{
  g_auto(GStrv) segments = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GString *out = g_string_new (path[0] == '/' ? "/" : "");
  gsize length = strlen (path);

  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (*segments[i] == '\0' || g_str_equal (segments[i], "."))
        continue;
      if (g_str_equal (segments[i], ".."))
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }
      g_ptr_array_add (kept, segments[i]);
    }
  for (guint i = 0; i < kept->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? "/" : "", (char *) g_ptr_array_index (kept, i));
  if (kept->len > 0 && length > 1 && path[length - 1] == '/')
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

static char *
canonical_uri (AfSigv4Request *self)
{
  g_autofree char *normalised = NULL;

  /* S3: the wire path is the canonical path; a key may hold "//" or "..". */
  if (g_str_equal (self->service, "s3"))
    return g_strdup (self->path);

  normalised = normalise_path (self->path);
  return af_sigv4_uri_encode (normalised, FALSE);
}

static char *
canonical_query (AfSigv4Request *self)
{
  g_autoptr(GPtrArray) sorted = borrowed_copy (self->query);
  GString *out = g_string_new (NULL);

  g_ptr_array_sort (sorted, pair_compare);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Pair *pair = g_ptr_array_index (sorted, i);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", pair->name, pair->value);
    }
  return g_string_free (out, FALSE);
}

/* Fills @canonical ("name:value\n" each) and @signed_names ("a;b"); headers of the same name
 * become one, their values joined by ",". */
static void
canonical_headers (GPtrArray  *headers,
                   GString    *canonical,
                   GString    *signed_names)
{
  g_autoptr(GPtrArray) sorted = borrowed_copy (headers);
  const char *previous = NULL;

  g_ptr_array_sort (sorted, pair_compare_names);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Pair *pair = g_ptr_array_index (sorted, i);

      /* Appends, not printf: g_string_append_printf formats into a buffer of its own
       * and frees it unwiped, and a value may be the session token. */
      if (previous != NULL && g_str_equal (previous, pair->name))
        {
          g_string_truncate (canonical, canonical->len - 1);
          g_string_append_c (canonical, ',');
          g_string_append (canonical, pair->value);
          g_string_append_c (canonical, '\n');
          continue;
        }
      g_string_append (canonical, pair->name);
      g_string_append_c (canonical, ':');
      g_string_append (canonical, pair->value);
      g_string_append_c (canonical, '\n');
      g_string_append_printf (signed_names, "%s%s", previous ? ";" : "", pair->name);
      previous = pair->name;
    }
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_length,
             const char   *data,
             guint8        out[SHA256_LENGTH])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  gsize length = SHA256_LENGTH;

  g_hmac_update (hmac, (const guchar *) data, -1);
  g_hmac_get_digest (hmac, out, &length);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request") */
static void
derive_signing_key (const char *secret,
                    const char *date,
                    const char *region,
                    const char *service,
                    guint8      key[SHA256_LENGTH])
{
  char *secret_key = g_strconcat ("AWS4", secret, NULL);
  guint8 step[SHA256_LENGTH];

  hmac_sha256 ((const guint8 *) secret_key, strlen (secret_key), date, key);
  af_secret_memory_free (secret_key);
  hmac_sha256 (key, SHA256_LENGTH, region, step);
  hmac_sha256 (step, SHA256_LENGTH, service, key);
  hmac_sha256 (key, SHA256_LENGTH, "aws4_request", step);
  memcpy (key, step, SHA256_LENGTH);
  af_secret_memory_wipe (step, sizeof step);
}

static char *
hex_encode (const guint8 *data,
            gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (length * 2 + 1);

  /* Not a printf per byte: every request is signed. */
  for (gsize i = 0; i < length; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[length * 2] = '\0';
  return out;
}

/* The signing headers, replacing any the caller set: a re-signed retry must not keep
 * the previous attempt's date. */
static GPtrArray *
headers_to_sign (AfSigv4Request *self)
{
  GPtrArray *headers = borrowed_copy (self->headers);

  remove_header (headers, "x-amz-date");
  remove_header (headers, "x-amz-security-token");
  remove_header (headers, "x-amz-content-sha256");
  remove_header (headers, "authorization");
  return headers;
}

static void
add_signing_headers (AfSigv4Signature *result,
                     GPtrArray        *headers,
                     GPtrArray        *owned)
{
  g_ptr_array_add (owned, pair_new (g_strdup ("x-amz-date"), g_strdup (result->amz_date)));
  if (result->security_token != NULL)
    g_ptr_array_add (owned, pair_new (g_strdup ("x-amz-security-token"),
                                      g_strdup (result->security_token)));
  if (result->content_sha256 != NULL)
    g_ptr_array_add (owned, pair_new (g_strdup ("x-amz-content-sha256"),
                                      g_strdup (result->content_sha256)));
  for (guint i = 0; i < owned->len; i++)
    g_ptr_array_add (headers, g_ptr_array_index (owned, i));
}

/* Room for every header's "name:value\n": a GString that grows frees its old buffer,
 * and the canonical headers hold the session token. */
static gsize
canonical_headers_size (GPtrArray *headers)
{
  gsize size = 1;

  for (guint i = 0; i < headers->len; i++)
    {
      const Pair *pair = g_ptr_array_index (headers, i);

      size += strlen (pair->name) + strlen (pair->value) + 2;
    }
  return size;
}

static void
secret_string_free (GString *text)
{
  af_secret_memory_wipe (text->str, text->allocated_len);
  g_string_free (text, TRUE);
}

static char *
build_canonical_request (AfSigv4Request   *self,
                         AfSigv4Signature *result)
{
  g_autoptr(GPtrArray) headers = headers_to_sign (self);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (pair_free);
  g_autoptr(GString) signed_names = g_string_new (NULL);
  g_autofree char *uri = canonical_uri (self);
  g_autofree char *query = canonical_query (self);
  const char *parts[6];
  GString *canonical;
  GString *request;

  add_signing_headers (result, headers, owned);
  canonical = g_string_sized_new (canonical_headers_size (headers));
  canonical_headers (headers, canonical, signed_names);
  result->signed_headers = g_strdup (signed_names->str);

  parts[0] = self->method, parts[1] = uri, parts[2] = query;
  parts[3] = canonical->str, parts[4] = signed_names->str, parts[5] = self->payload_hash;
  request = g_string_sized_new (strlen (self->method) + strlen (uri) + strlen (query) +
                                canonical->len + signed_names->len +
                                strlen (self->payload_hash) + 6);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (i > 0)
        g_string_append_c (request, '\n');
      g_string_append (request, parts[i]);
    }
  secret_string_free (canonical);
  return g_string_free (request, FALSE);
}

static char *
format_amz_date (AfSigv4Request *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (self->time != NULL)
    return g_date_time_format (self->time, "%Y%m%dT%H%M%SZ");
  now = g_date_time_new_now_utc ();
  return g_date_time_format (now, "%Y%m%dT%H%M%SZ");
}

static void
compute_signature (AfSigv4Request   *self,
                   AfSigv4Signature *result,
                   const char       *scope,
                   const char       *secret)
{
  g_autofree char *date = g_strndup (result->amz_date, 8);
  g_autofree char *request_hash = NULL;
  guint8 key[SHA256_LENGTH];
  guint8 signature[SHA256_LENGTH];

  request_hash = af_sigv4_hex_sha256 ((const guint8 *) result->canonical_request,
                                      strlen (result->canonical_request));
  result->string_to_sign = g_strdup_printf (ALGORITHM "\n%s\n%s\n%s", result->amz_date,
                                            scope, request_hash);
  derive_signing_key (secret, date, self->region, self->service, key);
  hmac_sha256 (key, SHA256_LENGTH, result->string_to_sign, signature);
  af_secret_memory_wipe (key, sizeof key);
  result->signature = hex_encode (signature, SHA256_LENGTH);
}

AfSigv4Signature *
af_sigv4_request_sign (AfSigv4Request *self,
                       AfCredentials  *credentials)
{
  g_autoptr(AfSigv4Signature) result = g_new0 (AfSigv4Signature, 1);
  g_autoptr(AfCredentials) current = NULL;
  const char *token = NULL;
  g_autofree char *date = NULL;
  g_autofree char *scope = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (AF_IS_CREDENTIALS (credentials), NULL);

  /* One set of keys for the whole signature, even if a refresh replaces them meanwhile. */
  current = af_credentials_dup_current (credentials);
  credentials = current;

  token = af_credentials_get_session_token (credentials);
  result->amz_date = format_amz_date (self);
  result->security_token = g_strdup (token);
  if (self->content_sha256_header)
    result->content_sha256 = g_strdup (self->payload_hash);
  result->canonical_request = build_canonical_request (self, result);

  date = g_strndup (result->amz_date, 8);
  scope = g_strdup_printf ("%s/%s/%s/aws4_request", date, self->region, self->service);
  compute_signature (self, result, scope,
                     af_credentials_get_secret_access_key (credentials));
  result->authorization = g_strdup_printf (ALGORITHM " Credential=%s/%s, SignedHeaders=%s, "
                                           "Signature=%s",
                                           af_credentials_get_access_key_id (credentials),
                                           scope, result->signed_headers, result->signature);
  return g_steal_pointer (&result);
}

static gboolean
is_unsignable (const char *name)
{
  for (guint i = 0; unsignable_headers[i] != NULL; i++)
    if (g_ascii_strcasecmp (name, unsignable_headers[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
add_message_header (const char *name,
                    const char *value,
                    gpointer    user_data)
{
  AfSigv4Request *request = user_data;

  if (!is_unsignable (name))
    af_sigv4_request_add_header (request, name, value);
}

/* The headers a previous signature of the same message left behind. */
static void
clear_signing_headers (SoupMessageHeaders *headers)
{
  soup_message_headers_remove (headers, "Authorization");
  soup_message_headers_remove (headers, "X-Amz-Date");
  soup_message_headers_remove (headers, "X-Amz-Security-Token");
  soup_message_headers_remove (headers, "X-Amz-Content-Sha256");
}

static void
apply_signature (SoupMessageHeaders     *headers,
                 const AfSigv4Signature *signature)
{
  soup_message_headers_replace (headers, "X-Amz-Date", signature->amz_date);
  if (signature->security_token != NULL)
    soup_message_headers_replace (headers, "X-Amz-Security-Token", signature->security_token);
  if (signature->content_sha256 != NULL)
    soup_message_headers_replace (headers, "X-Amz-Content-Sha256", signature->content_sha256);
  soup_message_headers_replace (headers, "Authorization", signature->authorization);
}

gboolean
af_sigv4_sign_message_full (SoupMessage   *message,
                            const char    *payload_hash,
                            const char    *service,
                            const char    *region,
                            AfCredentials *credentials,
                            GDateTime     *time)
{
  SoupMessageHeaders *headers = NULL;
  GUri *uri = NULL;
  g_autoptr(AfSigv4Request) request = NULL;
  g_autoptr(AfSigv4Signature) signature = NULL;
  g_autofree char *host = NULL;

  g_return_val_if_fail (SOUP_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (payload_hash != NULL, FALSE);

  uri = soup_message_get_uri (message);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;

  /* An empty path goes out as "/" only if the URI says so: libsoup sends it as it is. */
  if (*g_uri_get_path (uri) == '\0')
    {
      g_autoptr(GUri) rooted = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri),
                                            g_uri_get_userinfo (uri), g_uri_get_host (uri),
                                            g_uri_get_port (uri), "/", g_uri_get_query (uri),
                                            g_uri_get_fragment (uri));

      soup_message_set_uri (message, rooted);
      uri = soup_message_get_uri (message);
    }

  headers = soup_message_get_request_headers (message);
  clear_signing_headers (headers);
  /* Set Host ourselves: libsoup then sends exactly the value that was signed. */
  host = af_sigv4_format_host (g_uri_get_scheme (uri), g_uri_get_host (uri),
                               g_uri_get_port (uri));
  soup_message_headers_replace (headers, "Host", host);

  request = af_sigv4_request_new (soup_message_get_method (message), g_uri_get_path (uri),
                                  service, region);
  af_sigv4_request_set_query_string (request, g_uri_get_query (uri));
  af_sigv4_request_set_payload_hash (request, payload_hash);
  af_sigv4_request_set_time (request, time);
  soup_message_headers_foreach (headers, add_message_header, request);

  signature = af_sigv4_request_sign (request, credentials);
  apply_signature (headers, signature);
  /* Not the path: an S3 key may carry a borrower's name. */
  g_debug ("signed %s (%s)", soup_message_get_method (message), signature->signed_headers);
  return TRUE;
}

gboolean
af_sigv4_sign_message (SoupMessage   *message,
                       GBytes        *body,
                       const char    *service,
                       const char    *region,
                       AfCredentials *credentials)
{
  g_autofree char *hash = NULL;
  gsize length = 0;
  const guint8 *data = body ? g_bytes_get_data (body, &length) : NULL;

  hash = af_sigv4_hex_sha256 (data ? data : (const guint8 *) "", length);
  return af_sigv4_sign_message_full (message, hash, service, region, credentials, NULL);
}
