/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writing half of the codec: canonical DynamoDB JSON and plain JSON.
 */
#define G_LOG_DOMAIN "af-codec"

#include "af-codec.h"

#include <string.h>

void
af_codec_write_json_string (GString    *out,
                            const char *text)
{
  const char *run = text;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
write_members (GString       *out,
               const AfValue *map,
               void         (*write_member) (GString *, const AfValue *))
{
  guint n = af_value_map_size (map);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      af_codec_write_json_string (out, af_value_map_name_at (map, i));
      g_string_append_c (out, ':');
      write_member (out, af_value_map_value_at (map, i));
    }
  g_string_append_c (out, '}');
}

static void
write_elements (GString       *out,
                const AfValue *list,
                void         (*write_element) (GString *, const AfValue *))
{
  guint n = af_value_list_length (list);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_element (out, af_value_list_nth (list, i));
    }
  g_string_append_c (out, ']');
}

/* Set members are bare strings inside the tagged array: {"SS": ["a", "b"]}. */
static void
write_set_element (GString       *out,
                   const AfValue *element)
{
  af_codec_write_json_string (out, af_value_get_string (element));
}

static void
write_payload (GString       *out,
               const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S: case AF_TYPE_N: case AF_TYPE_B:
      af_codec_write_json_string (out, af_value_get_string (value));
      break;
    case AF_TYPE_BOOL:
      g_string_append (out, af_value_get_bool (value) ? "true" : "false");
      break;
    case AF_TYPE_NULL:
      g_string_append (out, "true");
      break;
    case AF_TYPE_M:
      write_members (out, value, af_codec_write_value);
      break;
    case AF_TYPE_L:
      write_elements (out, value, af_codec_write_value);
      break;
    case AF_TYPE_SS: case AF_TYPE_NS: case AF_TYPE_BS:
      write_elements (out, value, write_set_element);
      break;
    }
}

void
af_codec_write_value (GString       *out,
                      const AfValue *value)
{
  g_string_append (out, "{\"");
  g_string_append (out, af_type_to_tag (af_value_get_kind (value)));
  g_string_append (out, "\":");
  write_payload (out, value);
  g_string_append_c (out, '}');
}

void
af_codec_write_item (GString       *out,
                     const AfValue *item)
{
  g_return_if_fail (af_value_get_kind (item) == AF_TYPE_M);
  write_members (out, item, af_codec_write_value);
}

char *
af_codec_item_to_string (const AfValue *item)
{
  GString *out = g_string_sized_new (1024);

  af_codec_write_item (out, item);
  return g_string_free (out, FALSE);
}

/* DynamoDB accepts numbers JSON does not ("+5", ".5", "5.", "007"); write the same
 * digits in JSON's grammar without ever converting to a double. */
static void
write_plain_number (GString    *out,
                    const char *text)
{
  const char *p = text;

  if (*p == '+')
    p++;
  else if (*p == '-')
    g_string_append_c (out, *p++);

  while (p[0] == '0' && g_ascii_isdigit (p[1]))
    p++;
  if (*p == '.')
    g_string_append_c (out, '0');

  for (; *p != '\0'; p++)
    {
      /* "5." and "5.e3": JSON needs a digit after the point. */
      if (*p == '.' && !g_ascii_isdigit (p[1]))
        continue;
      if ((*p == 'e' || *p == 'E') && p[1] == '+')
        {
          g_string_append_c (out, 'e');
          p++;
          continue;
        }
      g_string_append_c (out, *p);
    }
}

void
af_codec_write_plain (GString       *out,
                      const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S: case AF_TYPE_B:
      af_codec_write_json_string (out, af_value_get_string (value));
      break;
    case AF_TYPE_N:
      write_plain_number (out, af_value_get_string (value));
      break;
    case AF_TYPE_BOOL:
      g_string_append (out, af_value_get_bool (value) ? "true" : "false");
      break;
    case AF_TYPE_NULL:
      g_string_append (out, "null");
      break;
    case AF_TYPE_M:
      write_members (out, value, af_codec_write_plain);
      break;
    default:
      write_elements (out, value, af_codec_write_plain);
      break;
    }
}
