/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the reader of `auditflow-cli import` (af-store-import.c), which
 * builds each chunk's items in an arena (af-arena.h), against the codec's ordinary
 * trees. The bytes are a Query/Scan page read item by item twice, with and without an
 * arena: both must give the same items (equal, and the same canonical text), stop at
 * the same item, and fail with the same error, or both read to the end; the import's
 * writer, which copies the canonical parts of the text where they stand, must write
 * what the codec writes of the ordinary tree. The arena is
 * reset after each item, as the import resets a chunk's, so AddressSanitizer reports
 * any item that still points into it. Where json-glib (an independent parser, with the
 * codec over its nodes) takes the whole page as well, its items are the same.
 */
#include <stdint.h>
#include <string.h>

#include "af-codec.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
compare_items (const AfValue *plain,
               const AfValue *fast)
{
  g_autofree char *plain_text = af_codec_item_to_string (plain);
  g_autofree char *fast_text = af_codec_item_to_string (fast);

  g_autoptr(GString) copied = g_string_new (NULL);

  g_assert (af_value_equal (plain, fast));
  g_assert (strcmp (plain_text, fast_text) == 0);
  /* The import's writer copies what stands canonical in the document already. */
  af_codec_write_item_replacing (copied, fast, NULL, 0);
  g_assert (strcmp (plain_text, copied->str) == 0);
}

static void
compare_errors (const GError *plain,
                const GError *fast)
{
  g_assert ((plain == NULL) == (fast == NULL));
  if (plain == NULL)
    return;
  g_assert (plain->domain == fast->domain && plain->code == fast->code);
  g_assert (strcmp (plain->message, fast->message) == 0);
}

/* The same page read by an independent parser: json-glib, then the codec over its
 * nodes (what BatchGetItem reads); its items, when it takes the whole page too. */
static GPtrArray *
read_with_json_glib (const char *json,
                     gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  JsonNode *root, *array;

  if (!af_codec_check_json_depth (json, length, NULL)
      || !json_parser_load_from_data (parser, json, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  array = json_object_get_member (json_node_get_object (root), "Items");
  if (array == NULL || !JSON_NODE_HOLDS_ARRAY (array))
    return NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (array)); i++)
    {
      AfValue *item = af_codec_item_from_node (json_array_get_element (json_node_get_array (array), i),
                                               NULL);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *json = (const char *) data;
  g_autoptr(AfCodecPageStream) plain = af_codec_page_stream_new (json, size);
  g_autoptr(AfCodecPageStream) fast = af_codec_page_stream_new (json, size);
  g_autoptr(AfArena) arena = af_arena_new ();
  g_autoptr(GError) plain_error = NULL;
  g_autoptr(GError) fast_error = NULL;

  g_autoptr(GPtrArray) other = read_with_json_glib (json, size);
  guint index = 0;

  af_codec_page_stream_set_arena (fast, arena);
  for (;; index++)
    {
      g_autoptr(AfValue) a = af_codec_page_stream_next (plain, &plain_error);
      g_autoptr(AfValue) b = af_codec_page_stream_next (fast, &fast_error);

      g_assert ((a == NULL) == (b == NULL));
      if (a == NULL)
        break;
      compare_items (a, b);
      /* Where json-glib took every item too, they are the same items. */
      if (other != NULL && index < other->len)
        g_assert (af_value_equal (a, g_ptr_array_index (other, index)));
      g_clear_pointer (&b, af_value_unref);
      af_arena_reset (arena);
    }
  compare_errors (plain_error, fast_error);
  if (other != NULL && plain_error == NULL)
    g_assert (index == other->len);
  g_assert (af_codec_page_stream_is_done (plain) == af_codec_page_stream_is_done (fast));
  return 0;
}
