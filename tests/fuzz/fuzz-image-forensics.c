/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: untrusted picture bytes through the local forensics (af-forensics.h):
 * the type sniff and pixel limits, libjpeg / gdk-pixbuf decoding, the quantisation
 * tables, exiv2's metadata (EXIF, XMP, IPTC, the EXIF thumbnail and its comparison), the
 * ICC profile's name, the ELA, the clone detector and the findings.
 *
 * Pictures over a quarter megapixel are measured and refused by their headers only, so
 * that each run stays fast; the limits themselves are exercised on every input.
 *
 * Seeds: tests/fuzz/corpus/image-forensics (a plain JPEG, PNG and TIFF, and a JPEG with
 * EXIF, XMP, IPTC and a thumbnail). Built and run by build-aux/run-fuzz.sh
 * (tests/fuzz/README.md).
 */
#include <stdint.h>

#include "af-file-check.h"
#include "af-forensics.h"

#define FUZZ_MAX_PIXELS 250000

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (!af_image_check_limits (data, size, FUZZ_MAX_PIXELS, NULL, NULL))
    {
      /* Still through the public entry point: it must refuse, with a message. */
      report = af_forensics_inspect (bytes, 0, NULL, NULL, NULL, &error);
      if (report == NULL)
        g_assert (error != NULL && error->message[0] != '\0');
      return 0;
    }
  report = af_forensics_inspect (bytes, 0, NULL, NULL, NULL, &error);
  g_assert ((report == NULL) != (error == NULL));
  /* Every input is new: the cache would only grow. */
  af_forensics_cache_clear ();
  return 0;
}
