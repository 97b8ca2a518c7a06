/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the XML reader behind S3's key lists, multipart answers and errors
 * (af-xml.h). Every text it returns is UTF-8 without a NUL.
 */
#include <stdint.h>
#include <string.h>

#include "af-xml.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char * const paths[] = {
  "ListBucketResult/Contents/Key",
  "ListBucketResult/IsTruncated",
  "ListBucketResult/NextContinuationToken",
  "InitiateMultipartUploadResult/UploadId",
  "CompleteMultipartUploadResult/ETag",
  "Error/Code",
  "Error/Message",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(AfXml) xml = af_xml_parse ((const char *) data, size, NULL);

  if (xml == NULL)
    return 0;
  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autoptr(GPtrArray) all = af_xml_all (xml, paths[p]);

      for (guint i = 0; i < all->len; i++)
        g_assert (g_utf8_validate (all->pdata[i], -1, NULL));
      g_assert ((all->len > 0) == (af_xml_first (xml, paths[p]) != NULL));
    }
  return 0;
}
