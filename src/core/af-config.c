/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-config"

#include "af-config.h"

#include <errno.h>

#define CONFIG_DIR_NAME "auditflow-desk"
#define CONFIG_FILE_NAME "config.ini"
#define IDENTITY_GROUP "identity"
#define IDENTITY_KEY "email"

G_DEFINE_QUARK (af-config-error-quark, af_config_error)

char *
af_config_get_path (void)
{
  return g_build_filename (g_get_user_config_dir (), CONFIG_DIR_NAME, CONFIG_FILE_NAME, NULL);
}

/* A blank value means "not set", so that `email=` in the file or an empty variable
 * does not become an identity that records nobody. */
static char *
normalize_email (const char *text)
{
  g_autofree char *copy = NULL;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return NULL;
  return g_steal_pointer (&copy);
}

/* Loads the file keeping its comments, for a rewrite that changes only our key.
 * A missing file is an empty key file, not an error. */
static GKeyFile *
load_key_file (const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, AF_CONFIG_ERROR, AF_CONFIG_ERROR_INVALID,
                       "cannot read %s: %s", path, local_error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&key_file);
}

char *
af_config_get_identity (GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *email = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  char *from_env;

  from_env = normalize_email (g_getenv (AF_CONFIG_ENV_USER));
  if (from_env != NULL)
    return from_env;

  path = af_config_get_path ();
  key_file = load_key_file (path, error);
  if (key_file == NULL)
    return NULL;

  /* A file without the group or key simply has no identity yet. */
  email = g_key_file_get_string (key_file, IDENTITY_GROUP, IDENTITY_KEY, NULL);
  return normalize_email (email);
}

guint
af_config_get_refresh_interval (void)
{
  g_autofree char *path = af_config_get_path ();
  g_autoptr(GKeyFile) key_file = load_key_file (path, NULL);
  g_autoptr(GError) error = NULL;
  gint value;

  if (key_file == NULL)
    return AF_CONFIG_DEFAULT_REFRESH_INTERVAL;
  value = g_key_file_get_integer (key_file, "sync", "refresh-interval", &error);
  if (error != NULL || value < 0)
    return AF_CONFIG_DEFAULT_REFRESH_INTERVAL;
  return value;
}

static gboolean
ensure_parent_directory (const char  *path,
                         GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  /* 0700: the file says who the reviewer is, which is nobody else's business. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, AF_CONFIG_ERROR, AF_CONFIG_ERROR_WRITE,
                   "cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
af_config_set_identity (const char  *email,
                        GError     **error)
{
  g_autofree char *path = af_config_get_path ();
  g_autofree char *normalized = normalize_email (email);
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GError) local_error = NULL;

  key_file = load_key_file (path, error);
  if (key_file == NULL)
    return FALSE;

  if (normalized != NULL)
    g_key_file_set_string (key_file, IDENTITY_GROUP, IDENTITY_KEY, normalized);
  else
    g_key_file_remove_key (key_file, IDENTITY_GROUP, IDENTITY_KEY, NULL);

  if (!ensure_parent_directory (path, error))
    return FALSE;
  if (!g_key_file_save_to_file (key_file, path, &local_error))
    {
      g_set_error (error, AF_CONFIG_ERROR, AF_CONFIG_ERROR_WRITE,
                   "cannot write %s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
