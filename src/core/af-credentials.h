/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-credentials.h — AWS credentials and region, found where the AWS SDKs look for them.
 *
 * Order: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN),
 * then the profile AWS_PROFILE (else "default") in ~/.aws/credentials and ~/.aws/config
 * (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE move them): its static keys, else its
 * credential_process (af-credential-process.h), then the keyring (libsecret, schema
 * "io.github.auditflow.Desk.Credentials", attribute "profile").
 *
 * Credentials from a credential_process expire: af_credentials_refresh () runs the
 * command again shortly before they do (the clients call it before each request, so a
 * long sync keeps going), and af_credentials_dup_current () gives one consistent set of
 * keys to sign with.
 *
 * The secret never reaches a log line, a property or a plain file, and its memory is wiped
 * when the object goes away.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define AF_CREDENTIALS_ERROR (af_credentials_error_quark ())

typedef enum
{
  AF_CREDENTIALS_ERROR_NOT_FOUND,  /* no source had credentials */
  AF_CREDENTIALS_ERROR_INVALID,    /* a source had half of them (a key id without secret…) */
  AF_CREDENTIALS_ERROR_KEYRING,    /* the secret service failed (not "nothing stored") */
  AF_CREDENTIALS_ERROR_PROCESS,    /* credential_process failed or printed no credentials */
} AfCredentialsError;

typedef enum
{
  AF_CREDENTIALS_SOURCE_EXPLICIT,     /* af_credentials_new () */
  AF_CREDENTIALS_SOURCE_ENVIRONMENT,
  AF_CREDENTIALS_SOURCE_PROFILE,      /* a shared credentials or config file */
  AF_CREDENTIALS_SOURCE_KEYRING,
  AF_CREDENTIALS_SOURCE_PROCESS,      /* a profile's credential_process */
} AfCredentialsSource;

#define AF_TYPE_CREDENTIALS (af_credentials_get_type ())
G_DECLARE_FINAL_TYPE (AfCredentials, af_credentials, AF, CREDENTIALS, GObject)

GQuark               af_credentials_error_quark           (void);

/* @session_token may be NULL or empty (long-term keys). */
AfCredentials       *af_credentials_new                   (const char           *access_key_id,
                                                           const char           *secret_access_key,
                                                           const char           *session_token);
const char          *af_credentials_get_access_key_id     (AfCredentials        *self);
const char          *af_credentials_get_secret_access_key (AfCredentials        *self);
/* NULL when there is none. */
const char          *af_credentials_get_session_token     (AfCredentials        *self);
AfCredentialsSource  af_credentials_get_source            (AfCredentials        *self);
/* The profile they came from (PROFILE and KEYRING sources), else NULL. */
const char          *af_credentials_get_profile           (AfCredentials        *self);

/* Runs @command now (blocking); the credentials it prints, refreshed by running it again. */
AfCredentials       *af_credentials_new_from_process      (const char           *command,
                                                           const char           *profile,
                                                           GError              **error);
/* When they expire (unix seconds); 0 = never. */
gint64               af_credentials_get_expiration        (AfCredentials        *self);
/* Runs the credential_process again when the credentials expire within five minutes (or
 * within half their lifetime, for short ones) of @now_unix. TRUE at once for credentials
 * that do not come from a process or do not expire. Blocking, thread-safe. */
gboolean             af_credentials_refresh               (AfCredentials        *self,
                                                           gint64                now_unix,
                                                           GError              **error);
/* The keys as they are now, in a new object that never changes (for one signature). */
AfCredentials       *af_credentials_dup_current           (AfCredentials        *self);

/* AWS_PROFILE, else "default". */
char                *af_credentials_dup_profile_name      (void);

/* Each source alone. NULL without error: that source has nothing. */
AfCredentials       *af_credentials_from_environment      (GError              **error);
/* @profile NULL = af_credentials_dup_profile_name (). */
AfCredentials       *af_credentials_from_profile          (const char           *profile,
                                                           GError              **error);

/* The whole chain; AF_CREDENTIALS_ERROR_NOT_FOUND when no source has any. Blocking
 * (files, D-Bus): use the async variant from the main thread. */
AfCredentials       *af_credentials_resolve               (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
void                 af_credentials_resolve_async         (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AfCredentials       *af_credentials_resolve_finish        (GAsyncResult         *result,
                                                           GError              **error);

/* The region: AWS_REGION, AWS_DEFAULT_REGION, the profile's "region" in the config file,
 * else @fallback (a settings value; may be NULL, and then so is the result). */
char                *af_credentials_resolve_region        (const char           *profile,
                                                           const char           *fallback);

/* The keyring. @profile NULL = af_credentials_dup_profile_name ().
 * lookup returns NULL without error when nothing is stored. */
const SecretSchema  *af_credentials_get_schema            (void);
gboolean             af_credentials_store_sync            (AfCredentials        *credentials,
                                                           const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
void                 af_credentials_store_async           (AfCredentials        *credentials,
                                                           const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             af_credentials_store_finish          (GAsyncResult         *result,
                                                           GError              **error);
AfCredentials       *af_credentials_lookup_sync           (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
void                 af_credentials_lookup_async          (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
AfCredentials       *af_credentials_lookup_finish         (GAsyncResult         *result,
                                                           GError              **error);
/* TRUE also when nothing was stored. */
gboolean             af_credentials_clear_sync            (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GError              **error);
void                 af_credentials_clear_async           (const char           *profile,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
gboolean             af_credentials_clear_finish          (GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
