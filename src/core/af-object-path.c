/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-object-path"

#include <string.h>

#include "af-object-path.h"

gboolean
af_sha256_hex_is_valid (const char *text)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && (text[i] < 'a' || text[i] > 'f'))
      return FALSE;   /* also stops at the terminating NUL of a shorter text */
  return text[64] == '\0';
}

char *
af_object_path (const char *objects_dir,
                const char *sha256)
{
  char prefix[3];

  g_return_val_if_fail (objects_dir != NULL, NULL);

  if (!af_sha256_hex_is_valid (sha256))
    return NULL;
  prefix[0] = sha256[0];
  prefix[1] = sha256[1];
  prefix[2] = '\0';
  return g_build_filename (objects_dir, prefix, sha256, NULL);
}
