/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The codec over json-glib nodes, for envelopes already parsed with json-glib.
 * Every node type is checked before use: the server is not trusted.
 */
#define G_LOG_DOMAIN "af-codec"

#include "af-codec.h"
#include "af-value-private.h"

#include <string.h>

static AfValue *value_from_node (JsonNode *node, guint depth, GError **error);

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* "<tag> needs <what>": the one shape of a type error in this file. */
static AfValue *
type_error (GError    **error,
            const char *tag,
            const char *what)
{
  g_set_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_TYPE, "%s needs %s", tag, what);
  return NULL;
}

static AfValue *
scalar_from_node (AfType     type,
                  JsonNode  *node,
                  GError   **error)
{
  const char *text = node_string (node);

  if (text == NULL)
    return type_error (error, af_type_to_tag (type), "a JSON string");
  /* json-glib decodes a lone surrogate ("\ud800") into bytes that are not UTF-8. */
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED,
                           "string is not valid UTF-8");
      return NULL;
    }
  if (type == AF_TYPE_N && !af_number_is_valid (text))
    {
      g_set_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_NUMBER, "'%s' is not a DynamoDB number", text);
      return NULL;
    }
  if (type == AF_TYPE_B && !af_base64_is_valid (text))
    {
      g_set_error_literal (error, AF_CODEC_ERROR, AF_CODEC_ERROR_BASE64, "binary value is not base64");
      return NULL;
    }
  return af_value_new_text_len (type, text, strlen (text));
}

static AfValue *
members_from_object (JsonObject *object,
                     guint       depth,
                     GError    **error)
{
  g_autoptr(AfValue) map = af_value_new_map ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member_node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member_node))
    {
      AfValue *member;

      if (!g_utf8_validate (name, -1, NULL))
        {
          g_set_error_literal (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED,
                               "an attribute name is not valid UTF-8");
          return NULL;
        }
      member = value_from_node (member_node, depth, error);
      if (member == NULL)
        {
          g_prefix_error (error, "attribute '%s': ", name);
          return NULL;
        }
      af_value_map_set (map, name, member);
    }
  return g_steal_pointer (&map);
}

static AfValue *
list_from_array (AfType     type,
                 JsonArray *array,
                 guint      depth,
                 GError   **error)
{
  g_autoptr(AfValue) list = af_value_new_list (type);
  AfType element_type = type == AF_TYPE_SS ? AF_TYPE_S : type == AF_TYPE_NS ? AF_TYPE_N : AF_TYPE_B;
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *element_node = json_array_get_element (array, i);
      AfValue *element = type == AF_TYPE_L ? value_from_node (element_node, depth, error)
                                           : scalar_from_node (element_type, element_node, error);

      if (element == NULL)
        {
          g_prefix_error (error, "[%u]: ", i);
          return NULL;
        }
      af_value_list_append (list, element);
    }
  return g_steal_pointer (&list);
}

static AfValue *
payload_from_node (AfType     type,
                   JsonNode  *payload,
                   guint      depth,
                   GError   **error)
{
  switch (type)
    {
    case AF_TYPE_S: case AF_TYPE_N: case AF_TYPE_B:
      return scalar_from_node (type, payload, error);
    case AF_TYPE_BOOL: case AF_TYPE_NULL:
      if (!JSON_NODE_HOLDS_VALUE (payload) || json_node_get_value_type (payload) != G_TYPE_BOOLEAN ||
          (type == AF_TYPE_NULL && !json_node_get_boolean (payload)))
        return type_error (error, af_type_to_tag (type), "a JSON boolean");
      return type == AF_TYPE_BOOL ? af_value_new_bool (json_node_get_boolean (payload))
                                  : af_value_new_null ();
    case AF_TYPE_M:
      if (!JSON_NODE_HOLDS_OBJECT (payload))
        return type_error (error, "M", "a JSON object");
      return members_from_object (json_node_get_object (payload), depth, error);
    default:
      if (!JSON_NODE_HOLDS_ARRAY (payload))
        return type_error (error, af_type_to_tag (type), "a JSON array");
      return list_from_array (type, json_node_get_array (payload), depth, error);
    }
}

static AfValue *
value_from_node (JsonNode *node,
                 guint     depth,
                 GError  **error)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *tag;
  JsonNode *payload;
  AfType type;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      json_object_get_size (object = json_node_get_object (node)) != 1)
    return type_error (error, "a typed value", "exactly one type tag");

  json_object_iter_init (&iter, object);
  json_object_iter_next (&iter, &tag, &payload);
  if (!af_type_from_tag (tag, &type))
    {
      g_set_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_TYPE, "unknown type tag '%s'", tag);
      return NULL;
    }
  if ((type == AF_TYPE_M || type == AF_TYPE_L) && depth >= AF_VALUE_MAX_DEPTH)
    {
      g_set_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_DEPTH,
                   "nested deeper than %d levels", AF_VALUE_MAX_DEPTH);
      return NULL;
    }
  return payload_from_node (type, payload, depth + 1, error);
}

AfValue *
af_codec_item_from_node (JsonNode *node,
                         GError  **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED,
                           "an item must be a JSON object");
      return NULL;
    }
  return members_from_object (json_node_get_object (node), 1, error);
}

gboolean
af_codec_check_json_depth (const char  *json,
                           gsize        length,
                           GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = json[i];

      if (in_string)
        {
          if (c == '\\')
            i++;   /* whatever is escaped cannot end the string */
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '{' || c == '[') && ++depth > AF_CODEC_MAX_JSON_DEPTH)
        {
          g_set_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_DEPTH,
                       "JSON nested deeper than %d levels", AF_CODEC_MAX_JSON_DEPTH);
          return FALSE;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return TRUE;
}
