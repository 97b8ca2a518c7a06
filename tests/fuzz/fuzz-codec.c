/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the DynamoDB JSON the client reads. The first byte picks the reader:
 * an item and a Query/Scan page through the codec's own parser, and a whole response
 * body the way BatchGetItem reads it (the depth check, then json-glib, then the codec
 * over its nodes) and the way GetItem and the writes read it (af_codec_parse_member_item). Whatever is read must write back and read
 * again to the same value.
 */
#include <stdint.h>
#include <string.h>

#include "af-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
round_trip (const AfValue *item)
{
  g_autofree char *text = af_codec_item_to_string (item);
  g_autoptr(AfValue) again = af_codec_parse_item (text, -1, NULL);

  g_assert (again != NULL && af_value_equal (item, again));
}

static void
read_response (const char *json,
               gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(AfValue) member = NULL;
  JsonNode *root;

  if (af_codec_parse_member_item (json, length, "Item", &member, NULL) && member != NULL)
    round_trip (member);

  if (!af_codec_check_json_depth (json, length, NULL) ||
      !json_parser_load_from_data (parser, json, length, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *item = json_object_get_member (json_node_get_object (root), "Item");
      g_autoptr(AfValue) value = item ? af_codec_item_from_node (item, NULL) : NULL;

      if (value != NULL)
        round_trip (value);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *json = (const char *) data + 1;
  gsize length = size - 1;

  if (size < 1)
    return 0;
  switch (data[0] % 3)
    {
    case 0:
      {
        g_autoptr(AfValue) item = af_codec_parse_item (json, length, NULL);

        if (item != NULL)
          round_trip (item);
        break;
      }
    case 1:
      {
        g_autoptr(AfValue) last_key = NULL;
        g_autoptr(GPtrArray) items = af_codec_parse_items_page (json, length, &last_key, NULL);

        for (guint i = 0; items != NULL && i < items->len; i++)
          round_trip (g_ptr_array_index (items, i));
        break;
      }
    default:
      read_response (json, length);
    }
  return 0;
}
