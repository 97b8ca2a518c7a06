/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-value-private.h — the codec's fast paths into the value tree.
 */
#pragma once

#include "af-value.h"

G_BEGIN_DECLS

/* S, N or B from @length bytes of @text (not validated). */
AfValue  *af_value_new_text_len   (AfType         type,
                                   const char    *text,
                                   gsize          length);
/* TRUE and the member's index when @name is present, else FALSE and where it goes. */
gboolean  af_value_map_find       (const AfValue *map,
                                   const char    *name,
                                   guint         *out_index);
/* Inserts at an index af_value_map_find() gave; takes @name and @member. */
void      af_value_map_insert_at  (AfValue       *map,
                                   guint          index,
                                   char          *name,
                                   AfValue       *member);

/* Standard base64 with its padding, as DynamoDB's B and BS carry binary. */
gboolean  af_base64_is_valid      (const char    *text);

G_END_DECLS
