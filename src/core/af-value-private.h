/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-value-private.h — the codec's fast paths into the value tree.
 */
#pragma once

#include <string.h>

#include "af-arena.h"
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

/* The codec's constructors. With @arena NULL they make ordinary values. With an arena
 * the value lives there (af-arena.h): ref and unref do nothing and no setter accepts it,
 * so it must not outlive the arena's reset — only the import pipeline builds these.
 * build_map takes the members' values (and @members' order: sorted, distinct names);
 * their names are GRefStrings, acquired by an ordinary map, borrowed by an arena's (they
 * must outlive it). build_list takes the elements. */
AfValue  *af_value_build_text     (AfArena         *arena,
                                   AfType           type,
                                   const char      *text,
                                   gsize            length);
/* BOOL, or NULL (@boolean ignored). */
AfValue  *af_value_build_bool     (AfArena         *arena,
                                   AfType           type,
                                   gboolean         boolean);
AfValue  *af_value_build_map      (AfArena         *arena,
                                   const AfMember  *members,
                                   guint            n);
AfValue  *af_value_build_list     (AfArena         *arena,
                                   AfType           type,
                                   AfValue * const *elements,
                                   guint            n);
gboolean  af_value_is_in_arena    (const AfValue   *value);
/* Where the canonical text of @value (in an arena) stands in the document the codec
 * read it from: the @length bytes at @span are what af_codec_write_value() writes (or,
 * for an item, af_codec_write_item()), so a writer may copy them. Borrowed from the
 * document, which must outlive the value. get gives NULL when there is none. */
void         af_value_set_span    (AfValue         *value,
                                   const char      *span,
                                   gsize            length);
const char  *af_value_get_span    (const AfValue   *value,
                                   gsize           *out_length);

/* Standard base64 with its padding, as DynamoDB's B and BS carry binary. */
gboolean  af_base64_is_valid      (const char    *text);

/* The parser reads a tag for every value: the one-letter tags, nearly all of them,
 * are told by that letter, inline: a call per value to af_type_from_tag_len () was
 * ~2 % of an import's instructions (callgrind, the CLI importing 10,000 items of the
 * benchmark's files: 1,354.2 M instructions before, 1,330.0 M after). */
static inline gboolean
af_type_from_letter (char     letter,
                     AfType  *out_type)
{
  switch (letter)
    {
    case 'S': *out_type = AF_TYPE_S; return TRUE;
    case 'N': *out_type = AF_TYPE_N; return TRUE;
    case 'M': *out_type = AF_TYPE_M; return TRUE;
    case 'L': *out_type = AF_TYPE_L; return TRUE;
    case 'B': *out_type = AF_TYPE_B; return TRUE;
    default: return FALSE;
    }
}

/* strcmp () for attribute names, which mostly differ in their first byte: no call for
 * those. In map lookups and in placing the members a parser reads, strcmp () was
 * ~9 % of an import's reading thread. */
static inline int
af_name_compare (const char *a,
                 const char *b)
{
  int first = (guchar) a[0] - (guchar) b[0];

  return first != 0 ? first : strcmp (a, b);
}

G_END_DECLS
