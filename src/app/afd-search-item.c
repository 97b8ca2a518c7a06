/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-search-item"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-search-item.h"

struct _AfdSearchItem
{
  GObject            parent_instance;

  AfdSearchItemKind  kind;
  AfTable            table;
  gint64             total;
  AfdQueueRow       *row;     /* (owned) (nullable) results only */
  char              *label;   /* (owned) (nullable) headers and "Show All" lines */
};

G_DEFINE_FINAL_TYPE (AfdSearchItem, afd_search_item, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
afd_search_item_finalize (GObject *object)
{
  AfdSearchItem *self = AFD_SEARCH_ITEM (object);

  g_clear_object (&self->row);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (afd_search_item_parent_class)->finalize (object);
}

static void
afd_search_item_class_init (AfdSearchItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_search_item_finalize;

  /* The line now says something else (afd_search_item_update()). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
afd_search_item_init (AfdSearchItem *self)
{
}

const char *
afd_search_item_kind_name (AfTable table)
{
  switch (table)
    {
    case AF_TABLE_AUDITS:
      return _("Audits");
    case AF_TABLE_DOCUMENTS:
      return _("Documents");
    case AF_TABLE_ANALYSES:
      return _("Artworks");
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return _("Users");
    }
}

static AfdSearchItem *
item_new (AfdSearchItemKind kind,
          AfTable           table,
          gint64            total)
{
  AfdSearchItem *self = g_object_new (AFD_TYPE_SEARCH_ITEM, NULL);

  self->kind = kind;
  self->table = table;
  self->total = total;
  return self;
}

AfdSearchItem *
afd_search_item_new_header (AfTable table,
                            gint64  total)
{
  AfdSearchItem *self = item_new (AFD_SEARCH_ITEM_HEADER, table, total);

  if (total > AFD_SEARCH_ITEM_TOTAL_MAX)
    /* TRANSLATORS: a group of search results with more than a thousand of them, e.g.
     * "Documents · 1000+" */
    self->label = g_strdup_printf (_("%s · %d+"), afd_search_item_kind_name (table),
                                   AFD_SEARCH_ITEM_TOTAL_MAX);
  else
    /* TRANSLATORS: a group of search results and how many there are, e.g. "Documents · 12" */
    self->label = g_strdup_printf (_("%s · %d"), afd_search_item_kind_name (table),
                                   (int) total);
  return self;
}

AfdSearchItem *
afd_search_item_new_result (AfdQueueRow *row)
{
  AfdSearchItem *self = item_new (AFD_SEARCH_ITEM_RESULT, afd_queue_row_get_table (row), 0);

  self->row = g_object_ref (row);
  return self;
}

AfdSearchItem *
afd_search_item_new_more (AfTable table,
                          gint64  total,
                          guint   n_more)
{
  AfdSearchItem *self = item_new (AFD_SEARCH_ITEM_MORE, table, total);

  /* TRANSLATORS: the button under a capped group of search results */
  self->label = g_strdup_printf (ngettext ("Show %u More", "Show %u More", n_more), n_more);
  return self;
}

AfdSearchItem *
afd_search_item_new_note (AfTable table,
                          gint64  total,
                          guint   n_shown)
{
  AfdSearchItem *self = item_new (AFD_SEARCH_ITEM_NOTE, table, total);

  /* TRANSLATORS: under a group of search results that has more matches than it shows */
  self->label = g_strdup_printf (ngettext ("Only the first %u is shown: type more to narrow "
                                           "the search.",
                                           "Only the first %u are shown: type more to narrow "
                                           "the search.", n_shown), n_shown);
  return self;
}

AfdSearchItem *
afd_search_item_new_spare (void)
{
  return item_new (AFD_SEARCH_ITEM_SPARE, AF_TABLE_AUDITS, 0);
}

AfdSearchItemKind
afd_search_item_get_kind (AfdSearchItem *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), AFD_SEARCH_ITEM_HEADER);
  return self->kind;
}

AfTable
afd_search_item_get_table (AfdSearchItem *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), AF_TABLE_AUDITS);
  return self->table;
}

AfdQueueRow *
afd_search_item_get_row (AfdSearchItem *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), NULL);
  return self->row;
}

gint64
afd_search_item_get_total (AfdSearchItem *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), 0);
  return self->total;
}

const char *
afd_search_item_get_label (AfdSearchItem *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), NULL);
  return self->row != NULL ? afd_queue_row_get_title (self->row) : self->label;
}

/* What the line shows, compared: a result's row by what it shows, not by identity (each
 * search builds new rows). */
static gboolean
shows_the_same (AfdSearchItem *self,
                AfdSearchItem *from)
{
  if (self->kind != from->kind || self->table != from->table || self->total != from->total ||
      g_strcmp0 (self->label, from->label) != 0)
    return FALSE;
  if (self->row == NULL || from->row == NULL)
    return self->row == from->row;
  return afd_queue_row_equal (self->row, from->row);
}

gboolean
afd_search_item_update (AfdSearchItem *self,
                        AfdSearchItem *from)
{
  gboolean same;

  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (self), FALSE);
  g_return_val_if_fail (AFD_IS_SEARCH_ITEM (from), FALSE);

  if (self == from)
    return FALSE;
  same = shows_the_same (self, from);
  self->kind = from->kind;
  self->table = from->table;
  self->total = from->total;
  /* The newest row even when it shows the same: it is the one a result opens. */
  g_set_object (&self->row, from->row);
  g_free (self->label);
  self->label = g_strdup (from->label);
  if (!same)
    g_signal_emit (self, signals[CHANGED], 0);
  return !same;
}
