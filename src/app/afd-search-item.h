/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-search-item.h — one line of the search results: a group's header ("Documents · 12"),
 * a result (an AfdQueueRow), the "Show More" line that ends a capped group, or the note
 * under a group that has more matches than it can show.
 *
 * The results are one flat GListModel of these (GTK 4.8's list view has no sections),
 * so that a group arrives as one items-changed and the list view recycles its rows.
 * The list never shrinks: lines past the results are spare, kept with their widgets.
 */
#pragma once

#include <glib-object.h>

#include "af-table.h"
#include "afd-queue-row.h"

G_BEGIN_DECLS

typedef enum
{
  AFD_SEARCH_ITEM_HEADER,
  AFD_SEARCH_ITEM_RESULT,
  AFD_SEARCH_ITEM_MORE,
  AFD_SEARCH_ITEM_NOTE,
  /* A line kept past the end of the results for its widget, shown hidden (no row, no
   * focus, nothing for a screen reader): the next, longer results reuse it. */
  AFD_SEARCH_ITEM_SPARE,
} AfdSearchItemKind;

/* A group's count stops past this many matches, shown as "1000+": beyond a few pages a
 * reviewer types more letters, and counting every match of a common word read every
 * matching row (af_store_count ()'s count_at_most). */
#define AFD_SEARCH_ITEM_TOTAL_MAX 1000

#define AFD_TYPE_SEARCH_ITEM (afd_search_item_get_type ())

G_DECLARE_FINAL_TYPE (AfdSearchItem, afd_search_item, AFD, SEARCH_ITEM, GObject)

/* The header of @table's group of @total matches (more than AFD_SEARCH_ITEM_TOTAL_MAX:
 * "1000+"). */
AfdSearchItem     *afd_search_item_new_header (AfTable         table,
                                               gint64          total);
/* @row is referenced. */
AfdSearchItem     *afd_search_item_new_result (AfdQueueRow    *row);
/* The line under @table's capped group of @total matches that shows @n_more more. */
AfdSearchItem     *afd_search_item_new_more   (AfTable         table,
                                               gint64          total,
                                               guint           n_more);

/* The note under @table's group when only @n_shown of its @total matches are shown. */
AfdSearchItem     *afd_search_item_new_note   (AfTable         table,
                                               gint64          total,
                                               guint           n_shown);

/* A spare line (AFD_SEARCH_ITEM_SPARE). */
AfdSearchItem     *afd_search_item_new_spare  (void);

AfdSearchItemKind  afd_search_item_get_kind   (AfdSearchItem  *self);
AfTable            afd_search_item_get_table  (AfdSearchItem  *self);
/* The result's row; NULL for a header or a "Show All" line. */
AfdQueueRow       *afd_search_item_get_row    (AfdSearchItem  *self);
/* The group's number of matches (headers and "Show All" lines). */
gint64             afd_search_item_get_total  (AfdSearchItem  *self);
/* What the line says: "Documents · 12", "Show 7 More", or the row's title. */
const char        *afd_search_item_get_label  (AfdSearchItem  *self);

/* Makes @self show what @from shows, in place, so that the widget showing it is kept
 * (a new search reuses the lines of the last one). Emits "changed" and returns TRUE
 * when what the line shows differs; a result's row is taken from @from either way. */
gboolean           afd_search_item_update     (AfdSearchItem  *self,
                                               AfdSearchItem  *from);

/* "Audits", "Documents" or "Artworks". */
const char        *afd_search_item_kind_name  (AfTable         table);

G_END_DECLS
