/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-output.h — how auditflow-cli writes what it prints: a table for lists, an
 * indented dump for one item, conflicts, and JSON for --json.
 *
 * Everything printed for humans goes through a filter that replaces control
 * characters: the text comes from the cloud and must not drive the terminal.
 * JSON output needs no such filter, JSON's own escapes cover it.
 *
 * JSON: the CLI's own documents (counts, summaries) are built with JsonBuilder and
 * written by JsonGenerator. A document that carries remote attribute values (items,
 * conflicts, the outbox's changes) is an AfValue written by the codec's plain writer:
 * a DynamoDB number keeps all its digits (up to 38), which a JsonNode (int64 or
 * double) cannot hold.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "af-pull.h"
#include "af-store-sync.h"
#include "af-table.h"
#include "af-value.h"

G_BEGIN_DECLS

/* The text of a scalar attribute for one table cell or dump line; containers as
 * compact plain JSON. Absent (NULL) prints as "-". */
char *afc_output_value_text        (const AfValue      *value);

/* "audit" or "audits" (and so on) for @count items of @table. */
const char *afc_output_table_noun  (AfTable             table,
                                    guint               count);

/* Appends "12 documents, 1 audit" (the tables with a count), or "nothing". */
void  afc_output_append_counts     (GString            *out,
                                    const guint         counts[AF_N_TABLES]);

/* "removed 5 expired items (5 analyses past their retention date)", or NULL when
 * @removed is all zero: retention never removes items silently. */
char *afc_output_expired_notice    (const guint         removed[AF_N_TABLES]);

/* @columns: attribute names, NULL-terminated; @items: AfValue maps. */
void  afc_output_table             (GString            *out,
                                    const char * const *columns,
                                    GPtrArray          *items);

/* Every attribute, one per line, nested values indented under their name. */
void  afc_output_dump              (GString            *out,
                                    const AfValue      *map,
                                    guint               indent);

/* ---- JSON ---- */

/* The document built in @builder, on one line. */
void  afc_output_json              (GString            *out,
                                    JsonBuilder        *builder);
/* A member @name: {"documents": n, "audits": n, …}; all zero when @counts is NULL. */
void  afc_output_json_add_counts   (JsonBuilder        *builder,
                                    const char         *name,
                                    const guint        *counts);
/* The pull's members (pulled, read, refreshed, deleted, objects, integrity_failures),
 * zero when @pull is NULL (a push-only sync). */
void  afc_output_json_add_pull     (JsonBuilder        *builder,
                                    const AfPullResult *pull);
/* "read: documents stream (3 requests, 2.9 kB), …" and a "note:" line per notice. */
void afc_output_text_add_pull_cost (GString            *out,
                                    const AfPullResult *pull);
/* Each of @strings (NULL: none) as a string value of the array being built. */
void  afc_output_json_add_strings  (JsonBuilder        *builder,
                                    GPtrArray          *strings);

/* An AfValue document (an item, or a map holding remote values), on one line. */
void  afc_output_json_value        (GString            *out,
                                    const AfValue      *value);
/* A JSON array of items, one item per line. */
void  afc_output_json_items        (GString            *out,
                                    GPtrArray          *items);
/* One item's own attributes, then the members of @facts (app-local, named "_…")
 * in the same object. @facts may be NULL. */
void  afc_output_json_item         (GString            *out,
                                    const AfValue      *item,
                                    const AfValue      *facts);

/* ---- Conflicts ---- */

/* @conflict's values on one side (@side: its mine or theirs map) for each of its
 * attributes, null where that side has none. */
AfValue *afc_output_conflict_side  (const AfConflict   *conflict,
                                    const AfValue      *side);
/* {id, table, kind, attributes, mine, theirs, detected_at}, for `conflicts --json`. */
AfValue *afc_output_conflict_value (const AfConflict   *conflict);
/* The item, its table and kind, then each attribute with mine and theirs. */
void  afc_output_conflict_text     (GString            *out,
                                    const AfConflict   *conflict);
/* `show`: the conflict as one line of text… */
void  afc_output_conflict_line     (GString            *out,
                                    const AfConflict   *conflict);
/* …or as the facts _conflict_attributes and _conflict_theirs added to @facts. */
void  afc_output_conflict_facts    (AfValue            *facts,
                                    const AfConflict   *conflict);

G_END_DECLS
