/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-output.h — how auditflow-cli writes items: a table for lists, an indented dump
 * for one item, plain JSON for --json.
 *
 * Everything printed for humans goes through a filter that replaces control
 * characters: the text comes from the cloud and must not drive the terminal.
 * JSON output needs no such filter, JSON's own escapes cover it.
 */
#pragma once

#include <glib.h>

#include "af-table.h"
#include "af-value.h"

G_BEGIN_DECLS

/* The text of a scalar attribute for one table cell or dump line; containers as
 * compact plain JSON. Absent (NULL) prints as "-". */
char *afc_output_value_text        (const AfValue      *value);

/* "audit" or "audits" (and so on) for @count items of @table. */
const char *afc_output_table_noun  (AfTable             table,
                                    guint               count);

/* @columns: attribute names, NULL-terminated; @items: AfValue maps. */
void  afc_output_table             (GString            *out,
                                    const char * const *columns,
                                    GPtrArray          *items);

/* Every attribute, one per line, nested values indented under their name. */
void  afc_output_dump              (GString            *out,
                                    const AfValue      *map,
                                    guint               indent);

/* A JSON array of items, one item per line. */
void  afc_output_json_items        (GString            *out,
                                    GPtrArray          *items);
/* One item's own attributes, then the members of @facts (app-local, named "_…")
 * in the same object. @facts may be NULL. */
void  afc_output_json_item         (GString            *out,
                                    const AfValue      *item,
                                    const AfValue      *facts);

G_END_DECLS
