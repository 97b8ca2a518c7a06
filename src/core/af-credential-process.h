/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-credential-process.h — `credential_process` in an AWS profile: the command
 * (aws-vault, granted, saml2aws, `aws configure export-credentials --format process`) is
 * run and prints the Version 1 JSON:
 *
 *   {"Version": 1, "AccessKeyId": "…", "SecretAccessKey": "…", "SessionToken": "…",
 *    "Expiration": "2026-12-01T23:00:00Z"}
 *
 * The command line is split into words as a shell would (quotes, backslashes) but never
 * run by one: no expansion, no redirection, no pipe. Its output holds secrets: it is
 * never logged nor put in an error, and its memory is wiped. On failure its stderr is
 * what the error says.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long a command may take before it is killed. */
#define AF_CREDENTIAL_PROCESS_TIMEOUT_S 60

typedef struct
{
  char   *access_key_id;       /* (owned) */
  char   *secret_access_key;   /* (owned) wiped */
  char   *session_token;       /* (owned) (nullable) wiped */
  gint64  expiration;          /* unix seconds; 0 when the credentials do not expire */
} AfProcessKeys;

void     af_process_keys_clear        (AfProcessKeys *keys);

/* Reads the Version 1 JSON. Errors name the member at fault, never a value. */
gboolean af_credential_process_parse  (const char    *json,
                                       gsize          length,
                                       AfProcessKeys *out,
                                       GError       **error);

/* Runs @command and parses what it prints. Blocking (a worker thread's call). */
gboolean af_credential_process_run    (const char    *command,
                                       AfProcessKeys *out,
                                       GError       **error);

G_END_DECLS
