/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-table.h — one table of a report: column titles and widths, rows of text cells.
 *
 * Only the content: AfrLayout wraps each cell's text to its column, breaks the table
 * between rows at the end of a page and repeats the header row on the next. A table
 * with no titles (facts: label, value) has no header to repeat.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AfrTable AfrTable;

/* @n_columns ≥ 1. Every column starts untitled with weight 1. */
AfrTable    *afr_table_new            (guint           n_columns);
void         afr_table_free           (AfrTable       *self);

/* @weight: the column's share of the table's width, relative to the others. */
void         afr_table_set_column     (AfrTable       *self,
                                       guint           column,
                                       const char     *title,
                                       double          weight);
/* A row of @n_columns cells (NULL-terminated arguments; missing ones stay empty).
 * @flagged rows are set apart (a pending edit, an open conflict). */
void         afr_table_add_row        (AfrTable       *self,
                                       gboolean        flagged,
                                       const char     *first_cell,
                                       ...) G_GNUC_NULL_TERMINATED;
void         afr_table_add_rowv       (AfrTable       *self,
                                       gboolean        flagged,
                                       const char * const *cells);

guint        afr_table_get_n_columns  (const AfrTable *self);
guint        afr_table_get_n_rows     (const AfrTable *self);
gboolean     afr_table_has_header     (const AfrTable *self);
const char  *afr_table_get_title      (const AfrTable *self,
                                       guint           column);
/* The column's share of the width: its weight over the sum of the weights. */
double       afr_table_get_fraction   (const AfrTable *self,
                                       guint           column);
const char  *afr_table_get_cell       (const AfrTable *self,
                                       guint           row,
                                       guint           column);
gboolean     afr_table_row_is_flagged (const AfrTable *self,
                                       guint           row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfrTable, afr_table_free)

G_END_DECLS
