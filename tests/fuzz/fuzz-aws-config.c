/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the parser of ~/.aws/config and ~/.aws/credentials (INI sections,
 * "key = value", nested "s3 =" blocks, comments).
 */
#include <stdint.h>

#include "af-aws-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GHashTable) sections = af_aws_config_parse (text);
  GHashTableIter iter;
  gpointer name, section;

  g_assert (sections != NULL);
  g_hash_table_iter_init (&iter, sections);
  while (g_hash_table_iter_next (&iter, &name, &section))
    g_assert (section != NULL && g_hash_table_size (section) < size + 1);
  return 0;
}
