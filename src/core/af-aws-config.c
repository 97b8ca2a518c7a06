/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-aws-config"

#include <string.h>

#include "af-aws-config.h"
#include "af-secret-memory.h"

static GHashTable *
new_section (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) af_secret_memory_free);
}

/* "~/x" as the SDKs allow it in the path variables. */
static char *
path_from_env (const char *variable,
               const char *default_name)
{
  const char *value = g_getenv (variable);

  if (value == NULL || *value == '\0')
    return g_build_filename (g_get_home_dir (), ".aws", default_name, NULL);
  if (g_str_has_prefix (value, "~/"))
    return g_build_filename (g_get_home_dir (), value + 2, NULL);
  return g_strdup (value);
}

char *
af_aws_config_credentials_path (void)
{
  return path_from_env ("AWS_SHARED_CREDENTIALS_FILE", "credentials");
}

char *
af_aws_config_config_path (void)
{
  return path_from_env ("AWS_CONFIG_FILE", "config");
}

static gboolean
is_comment_or_blank (const char *line)
{
  return *line == '\0' || *line == '#' || *line == ';';
}

/* Handles "key = value"; @in_nested tracks "s3 =" followed by indented lines. */
static void
parse_property (GHashTable *section,
                const char *raw_line,
                char       *line,
                gboolean   *in_nested)
{
  char *equals = strchr (line, '=');
  gboolean indented = g_ascii_isspace (*raw_line);

  if (indented && *in_nested)
    return;
  *in_nested = FALSE;
  if (equals == NULL || section == NULL)
    return;

  *equals = '\0';
  g_strstrip (line);
  g_strstrip (equals + 1);
  if (*line == '\0')
    return;
  if (equals[1] == '\0')
    {
      *in_nested = TRUE;
      return;
    }
  g_hash_table_replace (section, g_ascii_strdown (line, -1), g_strdup (equals + 1));
}

static GHashTable *
open_section (GHashTable *sections,
              char       *line)
{
  char *end = strrchr (line, ']');
  GHashTable *section;

  if (end == NULL)
    return NULL;
  *end = '\0';
  g_strstrip (line + 1);
  section = g_hash_table_lookup (sections, line + 1);
  if (section == NULL)
    {
      section = new_section ();
      g_hash_table_insert (sections, g_strdup (line + 1), section);
    }
  return section;
}

GHashTable *
af_aws_config_parse (const char *text)
{
  GHashTable *sections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GHashTable *section = NULL;
  gboolean in_nested = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* The lengths before parsing: parse_property () cuts the line at its "=", and
       * g_strstrip () moves the text left; both would hide the secret's bytes from a
       * wipe measured afterwards. */
      gsize raw_length = strlen (lines[i]);
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (is_comment_or_blank (line))
        ;
      else if (*line == '[')
        {
          section = open_section (sections, line);
          in_nested = FALSE;
        }
      else
        parse_property (section, lines[i], line, &in_nested);
      af_secret_memory_wipe (lines[i], raw_length);
      af_secret_memory_wipe (line, raw_length);
    }
  return sections;
}

/* NULL when the file does not exist. */
static GHashTable *
load_file (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text = NULL;
  gsize length = 0;
  GHashTable *sections;

  if (!g_file_get_contents (path, &text, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  sections = af_aws_config_parse (text);
  af_secret_memory_wipe (text, length);
  g_free (text);
  return sections;
}

static void
merge_into (GHashTable *target,
            GHashTable *source)
{
  GHashTableIter iter;
  gpointer key, value;

  if (source == NULL)
    return;
  g_hash_table_iter_init (&iter, source);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_replace (target, g_strdup (key), g_strdup (value));
}

/* In the config file a profile is "[profile NAME]", and the default profile "[default]"
 * (the SDKs also accept "[profile default]"). */
static GHashTable *
config_section (GHashTable *sections,
                const char *profile)
{
  g_autofree char *name = g_strdup_printf ("profile %s", profile);
  GHashTable *section = g_hash_table_lookup (sections, name);

  if (section == NULL && g_str_equal (profile, "default"))
    section = g_hash_table_lookup (sections, "default");
  return section;
}

GHashTable *
af_aws_config_load_profile (const char  *profile,
                            GError     **error)
{
  g_autofree char *credentials_path = af_aws_config_credentials_path ();
  g_autofree char *config_path = af_aws_config_config_path ();
  g_autoptr(GHashTable) credentials = NULL;
  g_autoptr(GHashTable) config = NULL;
  GHashTable *from_config = NULL;
  GHashTable *from_credentials = NULL;
  GHashTable *merged = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (profile != NULL, NULL);

  config = load_file (config_path, &local_error);
  if (local_error == NULL)
    credentials = load_file (credentials_path, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  from_config = config ? config_section (config, profile) : NULL;
  from_credentials = credentials ? g_hash_table_lookup (credentials, profile) : NULL;
  if (from_config == NULL && from_credentials == NULL)
    return NULL;

  merged = new_section ();
  merge_into (merged, from_config);
  merge_into (merged, from_credentials);
  return merged;
}
