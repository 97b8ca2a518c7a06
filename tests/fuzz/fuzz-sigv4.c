/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the SigV4 canonical request and signature. The input is split at
 * newlines: method, path, query string, then "name:value" headers; after a blank line,
 * the payload. Whatever the request, signing succeeds with a 64-hex signature and the
 * canonical request names the signed headers.
 */
#include <stdint.h>
#include <string.h>

#include "af-sigv4.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
add_headers (AfSigv4Request  *request,
             char           **lines)
{
  for (guint i = 3; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon != NULL && colon != lines[i])
        {
          *colon = '\0';
          af_sigv4_request_add_header (request, lines[i], colon + 1);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", 64);
  g_autoptr(AfCredentials) credentials = af_credentials_new ("AKIDEXAMPLE", "secret", "token");
  g_autoptr(GDateTime) time = g_date_time_new_utc (2015, 8, 30, 12, 36, 0);
  g_autoptr(AfSigv4Request) request = NULL;
  g_autoptr(AfSigv4Signature) signature = NULL;
  const char *payload = strstr (text, "\n\n");

  if (g_strv_length (lines) < 3 || !g_utf8_validate (text, -1, NULL))
    return 0;
  request = af_sigv4_request_new (lines[0][0] ? lines[0] : "GET", lines[1], "s3", "us-east-1");
  af_sigv4_request_set_query_string (request, lines[2]);
  af_sigv4_request_set_time (request, time);
  add_headers (request, lines);
  if (payload != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (payload + 2, strlen (payload + 2));

      af_sigv4_request_set_payload (request, bytes);
    }
  signature = af_sigv4_request_sign (request, credentials);
  g_assert (signature != NULL && strlen (signature->signature) == 64);
  g_assert (strstr (signature->canonical_request, signature->signed_headers) != NULL);
  return 0;
}
