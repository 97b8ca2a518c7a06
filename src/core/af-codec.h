/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-codec.h — DynamoDB JSON in and out.
 *
 * Reading uses a small hand-written parser (no intermediate JSON tree), so that an
 * import of hundreds of thousands of items is bound by SQLite, not by parsing. Every
 * error names what was wrong and where ("item 3: attribute 'risk_score': ...").
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "af-arena.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AF_CODEC_ERROR (af_codec_error_quark ())
GQuark af_codec_error_quark (void);

typedef enum
{
  AF_CODEC_ERROR_MALFORMED,   /* not JSON, or not the expected shape */
  AF_CODEC_ERROR_TYPE,        /* unknown type tag, or a value of the wrong JSON type */
  AF_CODEC_ERROR_DEPTH,       /* nested deeper than AF_VALUE_MAX_DEPTH */
  AF_CODEC_ERROR_NUMBER,      /* an N that is not a DynamoDB number */
  AF_CODEC_ERROR_BASE64,      /* a B that is not base64 */
} AfCodecError;

/* One typed value: {"S": "text"}, {"M": {...}}, ... (a sealed value's plaintext, af-pii.c) */
AfValue   *af_codec_parse_value       (const char     *json,
                                       gssize          length,
                                       GError        **error);
/* One item: {"name": {"S": "..."}, ...}; returns a value of type M. */
AfValue   *af_codec_parse_item        (const char     *json,
                                       gssize          length,
                                       GError        **error);
/* The same page read one item at a time, so that a large file's items can be stored
 * (and freed) as they are read: af_codec_page_stream_next() returns the next item of
 * "Items" (transfer full), or NULL — at the end, once the whole document was checked
 * (af_codec_page_stream_is_done()), or on an error, which names the item's index. The
 * same checks as af_codec_parse_items_page() (depth, UTF-8, types), which uses it.
 * @json must outlive the stream. */
typedef struct _AfCodecPageStream AfCodecPageStream;

AfCodecPageStream *af_codec_page_stream_new       (const char         *json,
                                                   gsize               length);
AfValue           *af_codec_page_stream_next      (AfCodecPageStream  *self,
                                                   GError            **error);
gboolean           af_codec_page_stream_is_done   (AfCodecPageStream  *self);
/* Items read from now on are built in @arena (NULL, the default: ordinary values).
 * Such items ignore ref and unref and are freed by the arena's reset, and their names
 * belong to the stream: they must outlive neither (af-value-private.h). For the import
 * pipeline, which frees a chunk's items at once. The LastEvaluatedKey is never in it. */
void               af_codec_page_stream_set_arena (AfCodecPageStream  *self,
                                                   AfArena            *arena);
/* The LastEvaluatedKey read so far (transfer full) (nullable). */
AfValue           *af_codec_page_stream_steal_last_key (AfCodecPageStream *self);
void               af_codec_page_stream_free      (AfCodecPageStream  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfCodecPageStream, af_codec_page_stream_free)

/* What `aws dynamodb scan` / Query print: {"Items": [...], "LastEvaluatedKey": {...}, ...}.
 * Other top-level members are ignored. @out_last_key may be NULL; it receives the
 * LastEvaluatedKey item when present. Errors name the index of the bad item. */
GPtrArray *af_codec_parse_items_page  (const char     *json,
                                       gssize          length,
                                       AfValue       **out_last_key,
                                       GError        **error);

/* A response object's @member ("Attributes", "Item") as an item, the other members
 * skipped (checked as JSON, not kept): *@out_item is NULL when it is absent. For the
 * small answers of single-item operations, without building a JSON tree first. */
gboolean   af_codec_parse_member_item (const char     *json,
                                       gsize           length,
                                       const char     *member,
                                       AfValue       **out_item,
                                       GError        **error);

/* How deep any JSON the client reads may nest: an item's AF_VALUE_MAX_DEPTH levels
 * (two JSON levels each: {"M": {…}}) inside a response's envelope. */
#define AF_CODEC_MAX_JSON_DEPTH (AF_VALUE_MAX_DEPTH * 2 + 8)

/* Refuses (AF_CODEC_ERROR_DEPTH) a document whose objects and arrays nest deeper than
 * AF_CODEC_MAX_JSON_DEPTH, without parsing it: json-glib recurses without a limit, and
 * a 100,000-deep body from a server would overflow the stack. Run it on every JSON
 * text before json-glib sees it. Other errors are left to the parser. */
gboolean   af_codec_check_json_depth  (const char     *json,
                                       gsize           length,
                                       GError        **error);

AfValue   *af_codec_item_from_node    (JsonNode       *node,
                                       GError        **error);

/* Canonical DynamoDB JSON: compact, map members sorted by name. */
void       af_codec_write_value       (GString        *out,
                                       const AfValue  *value);
void       af_codec_write_item        (GString        *out,
                                       const AfValue  *item);
char      *af_codec_item_to_string    (const AfValue  *item);

/* A value of a tree and what to write in its place. */
typedef struct
{
  const AfValue *leaf;          /* borrowed: told by identity */
  AfValue       *replacement;   /* (owned by whoever made the array) */
} AfCodecReplacement;

/* af_codec_write_item() of @item with each of @replacements' leaves written as its
 * replacement: the text of an item changed in a few places, without building it.
 * What an import's reader built in an arena is copied from the document where it
 * stands canonical already (af-value-private.h). */
void       af_codec_write_item_replacing (GString                  *out,
                                          const AfValue            *item,
                                          const AfCodecReplacement *replacements,
                                          guint                     n_replacements);

/* Plain JSON: S as strings, N as JSON numbers with every digit they have, B as a
 * base64 string, sets as arrays, M as objects. This is what `--json` prints. */
void       af_codec_write_plain       (GString        *out,
                                       const AfValue  *value);

/* A JSON string literal with the escapes JSON requires. */
void       af_codec_write_json_string (GString        *out,
                                       const char     *text);

G_END_DECLS
