/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-value-private.h — the codec's fast paths into the value tree.
 */
#pragma once

#include "af-value.h"

G_BEGIN_DECLS

/* A member of an M, as the map keeps them: sorted by name. */
typedef struct
{
  char    *name;   /* (owned) a GRefString: the items of a page share their names */
  AfValue *value;  /* (owned) */
} AfMember;

/* The members of @map (M) and their number, for the writer's hot loop: one call per
 * map rather than three checked calls per member. Valid until @map changes. */
const AfMember  *af_value_map_members    (const AfValue *map,
                                          guint         *out_n);
/* The elements of @list (L, SS, NS, BS) and their number, likewise. */
AfValue * const *af_value_list_elements  (const AfValue *list,
                                          guint         *out_n);

/* af_type_from_tag() for @length bytes of @tag (not NUL-terminated). */
gboolean  af_type_from_tag_len    (const char    *tag,
                                   gsize          length,
                                   AfType        *out_type);

/* S, N or B from @length bytes of @text (not validated). */
AfValue  *af_value_new_text_len   (AfType         type,
                                   const char    *text,
                                   gsize          length);
/* TRUE and the member's index when @name is present, else FALSE and where it goes. */
gboolean  af_value_map_find       (const AfValue *map,
                                   const char    *name,
                                   guint         *out_index);
/* Inserts at an index af_value_map_find() gave; takes @name (a GRefString) and @member. */
void      af_value_map_insert_at  (AfValue       *map,
                                   guint          index,
                                   char          *name,
                                   AfValue       *member);

/* Standard base64 with its padding, as DynamoDB's B and BS carry binary. */
gboolean  af_base64_is_valid      (const char    *text);

G_END_DECLS
