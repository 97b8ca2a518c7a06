/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-value.h — one DynamoDB attribute value, as a small immutable-by-convention tree.
 *
 * Numbers (N, NS) stay decimal strings end to end: a value never goes through a
 * double, so `1234567.89` and 38-digit numbers come back exactly as they went in.
 * Maps keep their members sorted by name, which makes the serialised form canonical.
 * An *item* is simply a value of type AF_TYPE_M at the top level.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  AF_TYPE_S,
  AF_TYPE_N,
  AF_TYPE_B,
  AF_TYPE_BOOL,
  AF_TYPE_NULL,
  AF_TYPE_M,
  AF_TYPE_L,
  AF_TYPE_SS,
  AF_TYPE_NS,
  AF_TYPE_BS,
} AfType;

/* DynamoDB allows 32 levels of nesting; deeper input is refused. */
#define AF_VALUE_MAX_DEPTH 32

typedef struct _AfValue AfValue;

#define AF_TYPE_VALUE (af_value_get_type ())
GType        af_value_get_type        (void) G_GNUC_CONST;

const char  *af_type_to_tag           (AfType          type);
gboolean     af_type_from_tag         (const char     *tag,
                                       AfType         *out_type);

AfValue     *af_value_ref             (AfValue        *value);
void         af_value_unref           (AfValue        *value);

/* Scalars. af_value_new_n() does not validate; use af_number_is_valid() first
 * when the text comes from outside. */
AfValue     *af_value_new_s           (const char     *text);
AfValue     *af_value_new_n           (const char     *decimal);
AfValue     *af_value_new_b           (const char     *base64);
AfValue     *af_value_new_bool        (gboolean        boolean);
AfValue     *af_value_new_null        (void);
AfValue     *af_value_new_n_int       (gint64          number);

/* Containers: M, and the ordered kinds L, SS, NS, BS. */
AfValue     *af_value_new_map         (void);
AfValue     *af_value_new_list        (AfType          type);

AfType       af_value_get_kind        (const AfValue  *value);
/* The text of S, N or B (base64); NULL for any other type. */
const char  *af_value_get_string      (const AfValue  *value);
gboolean     af_value_get_bool        (const AfValue  *value);

/* Maps. set takes ownership of @member and replaces an existing one. */
void         af_value_map_set         (AfValue        *map,
                                       const char     *name,
                                       AfValue        *member);
gboolean     af_value_map_remove      (AfValue        *map,
                                       const char     *name);
AfValue     *af_value_map_get         (const AfValue  *map,
                                       const char     *name);
guint        af_value_map_size        (const AfValue  *map);
const char  *af_value_map_name_at     (const AfValue  *map,
                                       guint           index);
AfValue     *af_value_map_value_at    (const AfValue  *map,
                                       guint           index);

/* L, SS, NS, BS. append takes ownership of @element. */
void         af_value_list_append     (AfValue        *list,
                                       AfValue        *element);
guint        af_value_list_length     (const AfValue  *list);
AfValue     *af_value_list_nth        (const AfValue  *list,
                                       guint           index);

AfValue     *af_value_copy            (const AfValue  *value);
/* A new map (list) sharing every member (element) of @map (@list) but one, which is
 * @member (@element, taken): changing one leaf of a large item without copying it. */
AfValue     *af_value_with_member     (const AfValue  *map,
                                       const char     *name,
                                       AfValue        *member);
AfValue     *af_value_with_element    (const AfValue  *list,
                                       guint           index,
                                       AfValue        *element);
gboolean     af_value_equal           (const AfValue  *a,
                                       const AfValue  *b);

/* Convenience for items: the attribute's text when it exists with that type. */
const char  *af_item_get_s            (const AfValue  *item,
                                       const char     *name);
const char  *af_item_get_n            (const AfValue  *item,
                                       const char     *name);
/* A number attribute as a double, for sorting and display only; @fallback when absent. */
double       af_item_get_double       (const AfValue  *item,
                                       const char     *name,
                                       double          fallback);
gboolean     af_item_get_bool         (const AfValue  *item,
                                       const char     *name,
                                       gboolean        fallback);

/* A DynamoDB number: optional sign, digits, optional fraction, optional exponent,
 * at most 38 significant digits. */
gboolean     af_number_is_valid       (const char     *text);
/* A DynamoDB number that is an integer within [@min, @max] ("1700000000", "1.7e9"),
 * into *@out. FALSE for anything else — "1e300", "2.5", "abc" — with *@out untouched:
 * casting a double out of range is undefined behaviour, and a huge `ttl` once became
 * INT64_MIN and had retention delete the item. */
gboolean     af_number_to_int64       (const char     *text,
                                       gint64          min,
                                       gint64          max,
                                       gint64         *out);
/* The range of an integral N read as a timestamp, size, count or version: what a double
 * holds exactly, far beyond any real one. */
#define AF_NUMBER_INT_MIN (-(G_GINT64_CONSTANT (1) << 53))
#define AF_NUMBER_INT_MAX (G_GINT64_CONSTANT (1) << 53)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfValue, af_value_unref)

G_END_DECLS
