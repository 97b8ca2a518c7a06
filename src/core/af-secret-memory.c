/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-secret-memory"

#include <string.h>

#include "af-secret-memory.h"

/* Called through a volatile pointer: a plain memset right before g_free () is a dead store
 * that optimisers are allowed to remove. */
static void *(* volatile wipe_function) (void *, int, size_t) = memset;

void
af_secret_memory_wipe (gpointer data,
                       gsize    length)
{
  if (data != NULL && length > 0)
    wipe_function (data, 0, length);
}

void
af_secret_memory_free (char *text)
{
  if (text == NULL)
    return;
  af_secret_memory_wipe (text, strlen (text));
  g_free (text);
}
