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
 * any item that still points into it.
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

  af_codec_page_stream_set_arena (fast, arena);
  for (;;)
    {
      g_autoptr(AfValue) a = af_codec_page_stream_next (plain, &plain_error);
      g_autoptr(AfValue) b = af_codec_page_stream_next (fast, &fast_error);

      g_assert ((a == NULL) == (b == NULL));
      if (a == NULL)
        break;
      compare_items (a, b);
      g_clear_pointer (&b, af_value_unref);
      af_arena_reset (arena);
    }
  compare_errors (plain_error, fast_error);
  g_assert (af_codec_page_stream_is_done (plain) == af_codec_page_stream_is_done (fast));
  return 0;
}
