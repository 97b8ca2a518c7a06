/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the file check (af-file-check.h) on untrusted bytes — the type
 * sniff, the PNG / JPEG / TIFF headers of every page, the pixel limits and the check
 * that a PNG or JPEG is whole. Sizes it returns must agree with its limit check.
 */
#include <stdint.h>

#include "af-file-check.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;
  guint pages = 0;
  gboolean within;

  af_file_type_to_string (af_file_sniff (data, size));
  sizes = af_image_read_sizes (data, size, NULL);
  within = af_image_check_limits (data, size, AF_IMAGE_MAX_PIXELS, &pages, &error);
  g_assert (within == (error == NULL));
  if (within)
    {
      g_assert (sizes != NULL && sizes->len == pages);
      for (guint i = 0; i < sizes->len; i++)
        {
          const AfImageSize *page = &g_array_index (sizes, AfImageSize, i);

          g_assert ((guint64) page->width * page->height <= AF_IMAGE_MAX_PIXELS);
        }
    }
  af_image_check_complete (data, size, NULL);
  return 0;
}
