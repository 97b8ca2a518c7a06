/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-credentials"

#include <string.h>

#include "af-aws-config.h"
#include "af-credential-process.h"
#include "af-credentials.h"
#include "af-secret-memory.h"

struct _AfCredentials
{
  GObject              parent_instance;

  char                *access_key_id;      /* (owned) */
  char                *secret_access_key;  /* (owned) wiped on finalize */
  char                *session_token;      /* (owned) (nullable) wiped on finalize */
  char                *profile;            /* (owned) (nullable) */
  AfCredentialsSource  source;

  /* From a credential_process: the keys above change on refresh, under @lock. The keys
   * they replace stay (wiped) until finalize, so that a pointer a getter returned stays
   * valid. */
  GMutex               lock;
  char                *command;            /* (owned) (nullable) */
  gint64               expiration;         /* unix seconds, 0 = never */
  gint64               obtained;           /* unix seconds */
  GPtrArray           *retired;            /* (owned) (nullable) secrets, wiped */
};

G_DEFINE_FINAL_TYPE (AfCredentials, af_credentials, G_TYPE_OBJECT)
G_DEFINE_QUARK (af-credentials-error-quark, af_credentials_error)

/* The keyring item holds the three values on separate lines behind a version tag, so that
 * one lookup gives all of them and a later format can be told apart. */
#define KEYRING_FORMAT "auditflow-aws-v1"

static void
af_credentials_finalize (GObject *object)
{
  AfCredentials *self = AF_CREDENTIALS (object);

  g_free (self->access_key_id);
  af_secret_memory_free (self->secret_access_key);
  af_secret_memory_free (self->session_token);
  g_free (self->profile);
  g_free (self->command);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (af_credentials_parent_class)->finalize (object);
}

static void
af_credentials_class_init (AfCredentialsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = af_credentials_finalize;
}

static void
af_credentials_init (AfCredentials *self)
{
  g_mutex_init (&self->lock);
}

static AfCredentials *
credentials_new_full (const char          *access_key_id,
                      const char          *secret_access_key,
                      const char          *session_token,
                      AfCredentialsSource  source,
                      const char          *profile)
{
  AfCredentials *self = g_object_new (AF_TYPE_CREDENTIALS, NULL);

  self->access_key_id = g_strdup (access_key_id);
  self->secret_access_key = g_strdup (secret_access_key);
  if (session_token != NULL && *session_token != '\0')
    self->session_token = g_strdup (session_token);
  self->source = source;
  self->profile = g_strdup (profile);
  return self;
}

AfCredentials *
af_credentials_new (const char *access_key_id,
                    const char *secret_access_key,
                    const char *session_token)
{
  g_return_val_if_fail (access_key_id != NULL && *access_key_id != '\0', NULL);
  g_return_val_if_fail (secret_access_key != NULL && *secret_access_key != '\0', NULL);

  return credentials_new_full (access_key_id, secret_access_key, session_token,
                               AF_CREDENTIALS_SOURCE_EXPLICIT, NULL);
}

const char *
af_credentials_get_access_key_id (AfCredentials *self)
{
  const char *value;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), NULL);
  g_mutex_lock (&self->lock);
  value = self->access_key_id;
  g_mutex_unlock (&self->lock);
  return value;
}

const char *
af_credentials_get_secret_access_key (AfCredentials *self)
{
  const char *value;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), NULL);
  g_mutex_lock (&self->lock);
  value = self->secret_access_key;
  g_mutex_unlock (&self->lock);
  return value;
}

const char *
af_credentials_get_session_token (AfCredentials *self)
{
  const char *value;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), NULL);
  g_mutex_lock (&self->lock);
  value = self->session_token;
  g_mutex_unlock (&self->lock);
  return value;
}

AfCredentialsSource
af_credentials_get_source (AfCredentials *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIALS (self), AF_CREDENTIALS_SOURCE_EXPLICIT);
  return self->source;
}

const char *
af_credentials_get_profile (AfCredentials *self)
{
  g_return_val_if_fail (AF_IS_CREDENTIALS (self), NULL);
  return self->profile;
}

/* ---- From a credential_process --------------------------------------------------- */

/* Takes @keys' strings; the old ones are kept (see the struct). Under @lock. */
static void
replace_keys (AfCredentials *self,
              AfProcessKeys *keys,
              gint64         now_unix)
{
  if (self->retired == NULL)
    self->retired = g_ptr_array_new_with_free_func ((GDestroyNotify) af_secret_memory_free);
  g_ptr_array_add (self->retired, g_steal_pointer (&self->access_key_id));
  g_ptr_array_add (self->retired, g_steal_pointer (&self->secret_access_key));
  if (self->session_token != NULL)
    g_ptr_array_add (self->retired, g_steal_pointer (&self->session_token));
  self->access_key_id = g_steal_pointer (&keys->access_key_id);
  self->secret_access_key = g_steal_pointer (&keys->secret_access_key);
  self->session_token = g_steal_pointer (&keys->session_token);
  self->expiration = keys->expiration;
  self->obtained = now_unix;
}

AfCredentials *
af_credentials_new_from_process (const char  *command,
                                 const char  *profile,
                                 GError     **error)
{
  AfProcessKeys keys = { 0 };
  AfCredentials *self;

  g_return_val_if_fail (command != NULL, NULL);

  if (!af_credential_process_run (command, &keys, error))
    {
      g_prefix_error (error, "Profile “%s”: ", profile ? profile : "default");
      return NULL;
    }
  self = credentials_new_full ("", "", NULL, AF_CREDENTIALS_SOURCE_PROCESS, profile);
  self->command = g_strdup (command);
  replace_keys (self, &keys, g_get_real_time () / G_USEC_PER_SEC);
  af_process_keys_clear (&keys);
  return self;
}

gint64
af_credentials_get_expiration (AfCredentials *self)
{
  gint64 expiration;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), 0);
  g_mutex_lock (&self->lock);
  expiration = self->expiration;
  g_mutex_unlock (&self->lock);
  return expiration;
}

/* Five minutes ahead, as the SDKs do; a credential living less than ten minutes is
 * refreshed when half its life is gone. */
static gboolean
expires_soon (AfCredentials *self,
              gint64         now_unix)
{
  gint64 margin = MIN (300, (self->expiration - self->obtained) / 2);

  return self->expiration != 0 && now_unix >= self->expiration - margin;
}

gboolean
af_credentials_refresh (AfCredentials  *self,
                        gint64          now_unix,
                        GError        **error)
{
  AfProcessKeys keys = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), FALSE);

  if (self->command == NULL)
    return TRUE;
  /* One refresh at a time; the others wait for it and find the new keys. */
  g_mutex_lock (&self->lock);
  if (expires_soon (self, now_unix))
    {
      g_debug ("credentials of profile %s expire at %" G_GINT64_FORMAT "; running its "
               "credential_process", self->profile, self->expiration);
      ok = af_credential_process_run (self->command, &keys, error);
      if (ok)
        replace_keys (self, &keys, now_unix);
      else
        g_prefix_error (error, "Refreshing the credentials of profile “%s”: ", self->profile);
      af_process_keys_clear (&keys);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

AfCredentials *
af_credentials_dup_current (AfCredentials *self)
{
  AfCredentials *copy;

  g_return_val_if_fail (AF_IS_CREDENTIALS (self), NULL);

  if (self->command == NULL)
    return g_object_ref (self);
  g_mutex_lock (&self->lock);
  copy = credentials_new_full (self->access_key_id, self->secret_access_key,
                               self->session_token, self->source, self->profile);
  copy->expiration = self->expiration;
  g_mutex_unlock (&self->lock);
  return copy;
}

static gboolean
is_set (const char *value)
{
  return value != NULL && *value != '\0';
}

char *
af_credentials_dup_profile_name (void)
{
  const char *profile = g_getenv ("AWS_PROFILE");

  return g_strdup (is_set (profile) ? profile : "default");
}

/* Both halves, or neither: half a key pair is a mistake worth reporting, not skipping
 * (the SDKs raise a "partial credentials" error too). */
static AfCredentials *
from_pair (const char           *access_key_id,
           const char           *secret_access_key,
           const char           *session_token,
           AfCredentialsSource   source,
           const char           *profile,
           const char           *where,
           GError              **error)
{
  if (!is_set (access_key_id) && !is_set (secret_access_key))
    return NULL;
  if (!is_set (access_key_id) || !is_set (secret_access_key))
    {
      g_set_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_INVALID,
                   "%s has an access key id without a secret access key, or the reverse",
                   where);
      return NULL;
    }
  return credentials_new_full (access_key_id, secret_access_key, session_token, source,
                               profile);
}

AfCredentials *
af_credentials_from_environment (GError **error)
{
  return from_pair (g_getenv ("AWS_ACCESS_KEY_ID"), g_getenv ("AWS_SECRET_ACCESS_KEY"),
                    g_getenv ("AWS_SESSION_TOKEN"), AF_CREDENTIALS_SOURCE_ENVIRONMENT, NULL,
                    "The environment", error);
}

AfCredentials *
af_credentials_from_profile (const char  *profile,
                             GError     **error)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autoptr(GHashTable) values = NULL;
  g_autofree char *where = NULL;
  AfCredentials *credentials;

  values = af_aws_config_load_profile (name, error);
  if (values == NULL)
    return NULL;

  where = g_strdup_printf ("The AWS profile “%s”", name);
  credentials = from_pair (g_hash_table_lookup (values, "aws_access_key_id"),
                           g_hash_table_lookup (values, "aws_secret_access_key"),
                           g_hash_table_lookup (values, "aws_session_token"),
                           AF_CREDENTIALS_SOURCE_PROFILE, name, where, error);
  /* Static keys first, then the process: botocore's order. */
  if (credentials == NULL && (error == NULL || *error == NULL) &&
      is_set (g_hash_table_lookup (values, "credential_process")))
    return af_credentials_new_from_process (g_hash_table_lookup (values, "credential_process"),
                                            name, error);
  if (credentials == NULL && g_hash_table_size (values) > 0)
    g_debug ("profile %s has neither static keys nor credential_process (SSO and roles "
             "are not supported)", name);
  return credentials;
}

/* A keyring failure does not hide what the user needs to hear: that nothing was found. */
static void
set_not_found (GError     **error,
               const char  *profile,
               GError      *keyring_error)
{
  if (keyring_error != NULL)
    g_set_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_NOT_FOUND,
                 "No AWS credentials in the environment or profile “%s”. %s", profile,
                 keyring_error->message);
  else
    g_set_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_NOT_FOUND,
                 "No AWS credentials in the environment, profile “%s” or the keyring",
                 profile);
}

AfCredentials *
af_credentials_resolve (const char    *profile,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  AfCredentials *credentials;

  credentials = af_credentials_from_environment (&local_error);
  if (credentials == NULL && local_error == NULL)
    credentials = af_credentials_from_profile (name, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (credentials == NULL)
    credentials = af_credentials_lookup_sync (name, cancellable, &keyring_error);
  if (credentials == NULL)
    set_not_found (error, name, keyring_error);
  else
    g_debug ("credentials for %s from source %d", name, credentials->source);
  return credentials;
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  AfCredentials *credentials = af_credentials_resolve (task_data, cancellable, &error);

  if (credentials == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credentials, g_object_unref);
}

void
af_credentials_resolve_async (const char          *profile,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_credentials_resolve_async);
  g_task_set_task_data (task, g_strdup (profile), g_free);
  g_task_run_in_thread (task, resolve_thread);
}

AfCredentials *
af_credentials_resolve_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
af_credentials_resolve_region (const char *profile,
                               const char *fallback)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autoptr(GHashTable) values = NULL;
  g_autoptr(GError) error = NULL;
  const char *region;

  if (is_set (g_getenv ("AWS_REGION")))
    return g_strdup (g_getenv ("AWS_REGION"));
  if (is_set (g_getenv ("AWS_DEFAULT_REGION")))
    return g_strdup (g_getenv ("AWS_DEFAULT_REGION"));

  values = af_aws_config_load_profile (name, &error);
  if (error != NULL)
    g_warning ("Could not read the AWS config files: %s", error->message);
  region = values ? g_hash_table_lookup (values, "region") : NULL;
  if (is_set (region))
    return g_strdup (region);
  return is_set (fallback) ? g_strdup (fallback) : NULL;
}

/* Keyring */

const SecretSchema *
af_credentials_get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.auditflow.Desk.Credentials", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static char *
keyring_encode (AfCredentials *credentials)
{
  return g_strdup_printf (KEYRING_FORMAT "\n%s\n%s\n%s\n", credentials->access_key_id,
                          credentials->secret_access_key,
                          credentials->session_token ? credentials->session_token : "");
}

static AfCredentials *
keyring_decode (const char  *secret,
                const char  *profile,
                GError     **error)
{
  char **lines = g_strsplit (secret, "\n", 5);
  AfCredentials *credentials = NULL;

  if (g_strv_length (lines) >= 3 && g_str_equal (lines[0], KEYRING_FORMAT))
    credentials = from_pair (lines[1], lines[2], lines[3], AF_CREDENTIALS_SOURCE_KEYRING,
                             profile, "The keyring item", error);
  if (credentials == NULL && (error == NULL || *error == NULL))
    g_set_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_KEYRING,
                 "The keyring item for profile “%s” is not in a known format", profile);
  for (guint i = 0; lines[i] != NULL; i++)
    af_secret_memory_wipe (lines[i], strlen (lines[i]));
  g_strfreev (lines);
  return credentials;
}

static void
set_keyring_error (GError     **error,
                   GError      *cause,
                   const char  *action)
{
  g_set_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_KEYRING,
               "Could not %s the credentials in the keyring: %s", action, cause->message);
}

static char *
keyring_label (const char *profile)
{
  return g_strdup_printf ("AuditFlow Desk AWS credentials (profile %s)", profile);
}

gboolean
af_credentials_store_sync (AfCredentials  *credentials,
                           const char     *profile,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autofree char *label = keyring_label (name);
  g_autoptr(GError) local_error = NULL;
  char *secret;
  gboolean ok;

  g_return_val_if_fail (AF_IS_CREDENTIALS (credentials), FALSE);

  secret = keyring_encode (credentials);
  ok = secret_password_store_sync (af_credentials_get_schema (), SECRET_COLLECTION_DEFAULT,
                                   label, secret, cancellable, &local_error,
                                   "profile", name, NULL);
  af_secret_memory_free (secret);
  if (!ok)
    set_keyring_error (error, local_error, "store");
  return ok;
}

AfCredentials *
af_credentials_lookup_sync (const char    *profile,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autoptr(GError) local_error = NULL;
  char *secret;
  AfCredentials *credentials;

  secret = secret_password_lookup_sync (af_credentials_get_schema (), cancellable,
                                        &local_error, "profile", name, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error, "read");
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  credentials = keyring_decode (secret, name, error);
  secret_password_free (secret);
  return credentials;
}

gboolean
af_credentials_clear_sync (const char    *profile,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  g_autoptr(GError) local_error = NULL;

  secret_password_clear_sync (af_credentials_get_schema (), cancellable, &local_error,
                              "profile", name, NULL);
  if (local_error != NULL)
    {
      set_keyring_error (error, local_error, "remove");
      return FALSE;
    }
  return TRUE;
}

/* The async variants: libsecret's own async calls, wrapped in a GTask so that the results
 * come back as AfCredentials and AF_CREDENTIALS_ERROR like the sync ones. */

static void
store_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GError *wrapped = NULL;

  if (secret_password_store_finish (result, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  set_keyring_error (&wrapped, error, "store");
  g_task_return_error (task, wrapped);
}

void
af_credentials_store_async (AfCredentials       *credentials,
                            const char          *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  GTask *task = NULL;
  char *secret;

  g_return_if_fail (AF_IS_CREDENTIALS (credentials));

  name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  label = keyring_label (name);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_credentials_store_async);
  secret = keyring_encode (credentials);
  secret_password_store (af_credentials_get_schema (), SECRET_COLLECTION_DEFAULT, label,
                         secret, cancellable, store_done, task, "profile", name, NULL);
  af_secret_memory_free (secret);
}

gboolean
af_credentials_store_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GError *wrapped = NULL;
  char *secret = secret_password_lookup_finish (result, &error);
  AfCredentials *credentials = NULL;

  if (error != NULL)
    {
      set_keyring_error (&wrapped, error, "read");
      g_task_return_error (task, wrapped);
      return;
    }
  if (secret != NULL)
    credentials = keyring_decode (secret, g_task_get_task_data (task), &wrapped);
  secret_password_free (secret);
  if (wrapped != NULL)
    g_task_return_error (task, wrapped);
  else
    g_task_return_pointer (task, credentials, g_object_unref);
}

void
af_credentials_lookup_async (const char          *profile,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_credentials_lookup_async);
  g_task_set_task_data (task, name, g_free);
  secret_password_lookup (af_credentials_get_schema (), cancellable, lookup_done, task,
                          "profile", name, NULL);
}

/* NULL without error when nothing is stored. */
AfCredentials *
af_credentials_lookup_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GError *wrapped = NULL;

  secret_password_clear_finish (result, &error);
  if (error == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  set_keyring_error (&wrapped, error, "remove");
  g_task_return_error (task, wrapped);
}

void
af_credentials_clear_async (const char          *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autofree char *name = profile ? g_strdup (profile) : af_credentials_dup_profile_name ();
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, af_credentials_clear_async);
  secret_password_clear (af_credentials_get_schema (), cancellable, clear_done, task,
                         "profile", name, NULL);
}

gboolean
af_credentials_clear_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
