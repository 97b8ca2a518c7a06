/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-glib-compat.h — what newer GLib has and the 2.74 we build against lacks.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* g_set_str() (GLib 2.76): *@slot becomes a copy of @value (nullable), the old string
 * freed after the copy, so that @value may point into it. */
static inline void
af_set_str (char       **slot,
            const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*slot);
  *slot = copy;
}

G_END_DECLS
