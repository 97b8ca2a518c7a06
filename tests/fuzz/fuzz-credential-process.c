/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the Version 1 JSON a credential_process prints. Read or refused,
 * an error never quotes the input (it holds the secret).
 */
#include <stdint.h>
#include <string.h>

#include "af-credential-process.h"
#include "af-credentials.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  AfProcessKeys keys;

  if (af_credential_process_parse ((const char *) data, size, &keys, &error))
    {
      g_assert (keys.access_key_id != NULL && keys.secret_access_key != NULL);
      g_assert (g_utf8_validate (keys.secret_access_key, -1, NULL));
      af_process_keys_clear (&keys);
      return 0;
    }
  g_assert (error != NULL && error->domain == AF_CREDENTIALS_ERROR);
  g_assert (keys.secret_access_key == NULL);
  return 0;
}
