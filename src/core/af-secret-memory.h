/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-secret-memory.h — wiping secrets (keys, tokens, passwords) before their memory is freed,
 * so that they do not linger in freed heap pages, core dumps or swap.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Overwrites @length bytes with zeros; the compiler may not drop it as a dead store. */
void af_secret_memory_wipe (gpointer  data,
                            gsize     length);
/* Wipes a NUL-terminated string, then g_free ()s it. NULL is fine. */
void af_secret_memory_free (char     *text);

G_END_DECLS
