/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-clone-detect"

#include "config.h"

#include "af-forensics.h"

GPtrArray *
af_forensics_find_clones (AfImageBuffer  *image,
                          GCancellable   *cancellable,
                          GError        **error)
{
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_ptr_array_new_with_free_func (g_free);
}
