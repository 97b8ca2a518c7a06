/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-search-selection"

#include "config.h"

#include "afd-search-item.h"
#include "afd-search-selection.h"

/* A result opens when it is selected. Selected again (assistive technology's Select,
 * a click after Back), GtkSingleSelection changes nothing and says nothing, so the
 * result would not open again: this model, between it and the list view, says so. */
struct _AfdSearchSelection
{
  GObject             parent_instance;

  GtkSingleSelection *selection;   /* (owned) */
};

static void list_model_iface_init (GListModelInterface *iface);
static void selection_model_iface_init (GtkSelectionModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdSearchSelection, afd_search_selection, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SELECTION_MODEL,
                                                      selection_model_iface_init))

enum {
  RESELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
get_item_type (GListModel *list)
{
  return g_list_model_get_item_type (G_LIST_MODEL (AFD_SEARCH_SELECTION (list)->selection));
}

static guint
get_n_items (GListModel *list)
{
  return g_list_model_get_n_items (G_LIST_MODEL (AFD_SEARCH_SELECTION (list)->selection));
}

static gpointer
get_item (GListModel *list,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (AFD_SEARCH_SELECTION (list)->selection), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static gboolean
is_selected (GtkSelectionModel *model,
             guint              position)
{
  return gtk_selection_model_is_selected (GTK_SELECTION_MODEL (AFD_SEARCH_SELECTION (model)->selection),
                                          position);
}

static GtkBitset *
get_selection_in_range (GtkSelectionModel *model,
                        guint              position,
                        guint              n_items)
{
  return gtk_selection_model_get_selection_in_range (
    GTK_SELECTION_MODEL (AFD_SEARCH_SELECTION (model)->selection), position, n_items);
}

static gboolean
select_item (GtkSelectionModel *model,
             guint              position,
             gboolean           unselect_rest)
{
  AfdSearchSelection *self = AFD_SEARCH_SELECTION (model);
  g_autoptr(AfdSearchItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  /* A spare line is hidden: nothing to select there (the list view's End, Page Down). */
  if (item == NULL || afd_search_item_get_kind (item) == AFD_SEARCH_ITEM_SPARE)
    return FALSE;
  if (gtk_single_selection_get_selected (self->selection) == position)
    {
      g_signal_emit (self, signals[RESELECTED], 0, position);
      return TRUE;
    }
  return gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position,
                                          unselect_rest);
}

static gboolean
unselect_item (GtkSelectionModel *model,
               guint              position)
{
  return gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (AFD_SEARCH_SELECTION (model)->selection),
                                            position);
}

static gboolean
unselect_all (GtkSelectionModel *model)
{
  return gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (AFD_SEARCH_SELECTION (model)->selection));
}

static void
selection_model_iface_init (GtkSelectionModelInterface *iface)
{
  iface->is_selected = is_selected;
  iface->get_selection_in_range = get_selection_in_range;
  iface->select_item = select_item;
  iface->unselect_item = unselect_item;
  iface->unselect_all = unselect_all;
}

static void
items_changed_cb (AfdSearchSelection *self,
                  guint               position,
                  guint               removed,
                  guint               added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
selection_changed_cb (AfdSearchSelection *self,
                      guint               position,
                      guint               n_items)
{
  gtk_selection_model_selection_changed (GTK_SELECTION_MODEL (self), position, n_items);
}

static void
afd_search_selection_dispose (GObject *object)
{
  AfdSearchSelection *self = AFD_SEARCH_SELECTION (object);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (afd_search_selection_parent_class)->dispose (object);
}

static void
afd_search_selection_class_init (AfdSearchSelectionClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = afd_search_selection_dispose;

  /* The item at the position given, selected already, was selected again. */
  signals[RESELECTED] = g_signal_new ("reselected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
afd_search_selection_init (AfdSearchSelection *self)
{
}

AfdSearchSelection *
afd_search_selection_new (GtkSingleSelection *selection)
{
  AfdSearchSelection *self;

  g_return_val_if_fail (GTK_IS_SINGLE_SELECTION (selection), NULL);

  self = g_object_new (AFD_TYPE_SEARCH_SELECTION, NULL);
  self->selection = g_object_ref (selection);
  g_signal_connect_swapped (selection, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_signal_connect_swapped (selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  return self;
}
