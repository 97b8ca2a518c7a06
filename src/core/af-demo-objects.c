/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-demo-objects.c — the demo's S3 objects, found through s3-manifest.json.
 *
 * A key is only ever compared with the manifest's keys, never joined onto a path:
 * the file comes from the manifest entry, and is checked to stay inside the demo.
 */
#define G_LOG_DOMAIN "af-demo"

#include "af-demo.h"
#include "af-demo-private.h"

#include <stdlib.h>
#include <string.h>

/* A manifest's "file" must be a plain relative path inside the demo directory. */
static gboolean
manifest_file_is_safe (const char *file)
{
  g_auto(GStrv) parts = NULL;

  if (file == NULL || *file == '\0' || g_path_is_absolute (file) || strchr (file, '\\') != NULL)
    return FALSE;

  parts = g_strsplit (file, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], ".."))
        return FALSE;
    }
  return TRUE;
}

/* The path of @file under @demo_dir, with symbolic links resolved and checked to stay
 * inside it. */
static char *
resolve_inside (const char  *demo_dir,
                const char  *file,
                GError     **error)
{
  g_autofree char *joined = g_build_filename (demo_dir, file, NULL);
  g_autofree char *real_dir = realpath (demo_dir, NULL);
  g_autofree char *real_file = realpath (joined, NULL);
  g_autofree char *prefix = NULL;

  if (real_dir == NULL || real_file == NULL
      || !g_file_test (real_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "The demo file %s is missing", file);
      return NULL;
    }
  prefix = g_strconcat (real_dir, G_DIR_SEPARATOR_S, NULL);
  if (!g_str_has_prefix (real_file, prefix))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNSAFE_PATH,
                   "The demo file %s lies outside the demo workspace", file);
      return NULL;
    }
  return g_steal_pointer (&real_file);
}

/* The manifest entry of @bucket/@key; borrowed from @root. */
static JsonObject *
find_manifest_entry (JsonNode   *root,
                     const char *bucket,
                     const char *key,
                     GError    **error)
{
  JsonNode *objects = json_object_get_member (json_node_get_object (root), "objects");
  JsonArray *array;

  if (objects == NULL || !JSON_NODE_HOLDS_ARRAY (objects))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                   "s3-manifest.json: no objects array");
      return NULL;
    }
  array = json_node_get_array (objects);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      if (g_strcmp0 (af_demo_json_get_string (entry, "bucket"), bucket) == 0
          && g_strcmp0 (af_demo_json_get_string (entry, "key"), key) == 0)
        return entry;
    }

  /* The key is not echoed: it may be anything a server sent. */
  g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNKNOWN_OBJECT,
               "The demo workspace has no such object in bucket %s", bucket);
  return NULL;
}

char *
af_demo_resolve_object (const char  *demo_dir,
                        const char  *bucket,
                        const char  *key,
                        char       **out_content_type,
                        GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *entry;
  const char *file;
  char *path;

  g_return_val_if_fail (demo_dir != NULL, NULL);
  g_return_val_if_fail (bucket != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  root = af_demo_load_json (demo_dir, "s3-manifest.json", error);
  if (root == NULL)
    return NULL;
  entry = find_manifest_entry (root, bucket, key, error);
  if (entry == NULL)
    return NULL;

  file = af_demo_json_get_string (entry, "file");
  if (!manifest_file_is_safe (file))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNSAFE_PATH,
                   "s3-manifest.json: the file of an object in %s is not a safe relative path",
                   bucket);
      return NULL;
    }
  path = resolve_inside (demo_dir, file, error);
  if (path != NULL && out_content_type != NULL)
    *out_content_type = g_strdup (af_demo_json_get_string (entry, "content_type"));
  return path;
}

gboolean
af_demo_parse_s3_url (const char  *url,
                      char       **out_bucket,
                      char       **out_key)
{
  const char *rest;
  const char *slash;

  if (url == NULL || !g_str_has_prefix (url, "s3://"))
    return FALSE;
  rest = url + strlen ("s3://");
  slash = strchr (rest, '/');
  if (slash == NULL || slash == rest || slash[1] == '\0')
    return FALSE;

  *out_bucket = g_strndup (rest, slash - rest);
  *out_key = g_strdup (slash + 1);
  return TRUE;
}

char *
af_demo_resolve_item_object (const char     *demo_dir,
                             const AfValue  *item,
                             const char     *attribute,
                             char          **out_content_type,
                             GError        **error)
{
  g_autofree char *bucket = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (item != NULL, NULL);

  if (attribute == NULL)
    {
      bucket = g_strdup (af_item_get_s (item, "s3_bucket"));
      key = g_strdup (af_item_get_s (item, "s3_key"));
    }
  else
    {
      af_demo_parse_s3_url (af_item_get_s (item, attribute), &bucket, &key);
    }

  if (bucket == NULL || key == NULL)
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_UNKNOWN_OBJECT,
                   "The item names no S3 object in %s",
                   attribute != NULL ? attribute : "s3_bucket/s3_key");
      return NULL;
    }
  return af_demo_resolve_object (demo_dir, bucket, key, out_content_type, error);
}
