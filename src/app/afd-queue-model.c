/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-model"

#include "config.h"

#include "afd-queue-model.h"
#include "afd-queue-row.h"

typedef struct
{
  guint      index;
  guint64    last_used;
  GPtrArray *rows;      /* (owned) of AfdQueueRow */
} Page;

struct _AfdQueueModel
{
  GObject     parent_instance;

  /* owned references */
  AfStore    *store;
  AfQuery     query;    /* its strings are owned */
  GHashTable *pages;    /* page index -> (owned) Page */
  GError     *error;    /* (nullable) */

  guint       n_items;
  guint64     clock;
  guint       pages_read;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdQueueModel, afd_queue_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void
free_query_strings (AfQuery *query)
{
  g_free ((char *) query->status);
  g_free ((char *) query->loan_id);
  g_free ((char *) query->user_id);
  g_free ((char *) query->verdict);
  g_free ((char *) query->search);
}

static void
afd_queue_model_finalize (GObject *object)
{
  AfdQueueModel *self = AFD_QUEUE_MODEL (object);

  free_query_strings (&self->query);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (afd_queue_model_parent_class)->finalize (object);
}

static void
afd_queue_model_class_init (AfdQueueModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_queue_model_finalize;
}

static void
afd_queue_model_init (AfdQueueModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
}

static void
remember_error (AfdQueueModel *self,
                GError        *error)
{
  g_warning ("Could not read the queue: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
}

static void
evict_least_recently_used (AfdQueueModel *self)
{
  GHashTableIter iter;
  Page *page;
  Page *oldest = NULL;

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    if (oldest == NULL || page->last_used < oldest->last_used)
      oldest = page;
  if (oldest != NULL)
    g_hash_table_remove (self->pages, GUINT_TO_POINTER (oldest->index));
}

static Page *
read_page (AfdQueueModel *self,
           guint          index)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  AfQuery query = self->query;
  Page *page;

  query.offset = index * AFD_QUEUE_MODEL_PAGE_SIZE;
  query.limit = AFD_QUEUE_MODEL_PAGE_SIZE;
  items = af_store_query (self->store, &query, &error);
  if (items == NULL)
    {
      remember_error (self, g_steal_pointer (&error));
      return NULL;
    }

  if (g_hash_table_size (self->pages) >= AFD_QUEUE_MODEL_MAX_PAGES)
    evict_least_recently_used (self);

  page = g_new0 (Page, 1);
  page->index = index;
  page->rows = g_ptr_array_new_full (items->len, g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (page->rows, afd_queue_row_new_for_item (self->query.table,
                                                             g_ptr_array_index (items, i)));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  self->pages_read++;
  return page;
}

static GType
afd_queue_model_get_item_type (GListModel *model)
{
  return AFD_TYPE_QUEUE_ROW;
}

static guint
afd_queue_model_get_n_items (GListModel *model)
{
  return AFD_QUEUE_MODEL (model)->n_items;
}

static gpointer
afd_queue_model_get_item (GListModel *model,
                          guint       position)
{
  AfdQueueModel *self = AFD_QUEUE_MODEL (model);
  guint index = position / AFD_QUEUE_MODEL_PAGE_SIZE;
  guint offset = position % AFD_QUEUE_MODEL_PAGE_SIZE;
  Page *page;

  if (position >= self->n_items)
    return NULL;

  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    page = read_page (self, index);

  /* The cache may have shrunk under us (a sync deleted items): a list must still get
   * an object for every position it was told about, until the next reload. */
  if (page == NULL || offset >= page->rows->len)
    return afd_queue_row_new_unreadable (self->query.table);

  page->last_used = ++self->clock;
  return g_object_ref (g_ptr_array_index (page->rows, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = afd_queue_model_get_item_type;
  iface->get_n_items = afd_queue_model_get_n_items;
  iface->get_item = afd_queue_model_get_item;
}

static guint
count_items (AfdQueueModel *self)
{
  g_autoptr(GError) error = NULL;
  gint64 count = af_store_count (self->store, &self->query, &error);

  if (count < 0)
    {
      remember_error (self, g_steal_pointer (&error));
      return 0;
    }
  return (guint) MIN (count, G_MAXUINT);
}

AfdQueueModel *
afd_queue_model_new (AfStore       *store,
                     const AfQuery *query)
{
  AfdQueueModel *self;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  self = g_object_new (AFD_TYPE_QUEUE_MODEL, NULL);
  self->store = g_object_ref (store);
  self->query = *query;
  self->query.status = g_strdup (query->status);
  self->query.loan_id = g_strdup (query->loan_id);
  self->query.user_id = g_strdup (query->user_id);
  self->query.verdict = g_strdup (query->verdict);
  self->query.search = g_strdup (query->search);
  self->query.offset = 0;
  self->query.limit = 0;
  self->n_items = count_items (self);
  return self;
}

void
afd_queue_model_reload (AfdQueueModel *self)
{
  guint old_n_items;

  g_return_if_fail (AFD_IS_QUEUE_MODEL (self));

  old_n_items = self->n_items;
  g_hash_table_remove_all (self->pages);
  g_clear_error (&self->error);
  self->n_items = count_items (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, self->n_items);
}

const GError *
afd_queue_model_get_error (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), NULL);
  return self->error;
}

guint
afd_queue_model_get_n_loaded (AfdQueueModel *self)
{
  GHashTableIter iter;
  Page *page;
  guint n = 0;

  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), 0);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    n += page->rows->len;
  return n;
}

guint
afd_queue_model_get_pages_read (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), 0);
  return self->pages_read;
}
