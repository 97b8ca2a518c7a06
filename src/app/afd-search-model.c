/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-search-model"

#include "config.h"

#include "af-store.h"
#include "afd-queue-row.h"
#include "afd-search-item.h"
#include "afd-search-model-private.h"

/* The groups, in the order they are shown and searched. */
static const AfTable group_tables[] = { AF_TABLE_AUDITS, AF_TABLE_DOCUMENTS, AF_TABLE_ANALYSES };

#define N_GROUPS G_N_ELEMENTS (group_tables)

typedef struct
{
  GPtrArray  *rows;       /* (owned) (nullable) AfdQueueRow, best first */
  gint64      total;      /* every match, beyond the rows read */
  gboolean    expanded;   /* "Show More" used: every row read is shown */
} Group;

struct _AfdSearchModel
{
  GObject        parent_instance;

  AfStoreThread *thread;       /* (owned) */
  GCancellable  *cancellable;  /* (owned) (nullable) the search under way */
  char          *text;         /* (owned) */
  GPtrArray     *items;        /* (owned) AfdSearchItem, the groups one after another */
  Group          groups[N_GROUPS];
  GError        *error;        /* (owned) (nullable) */
  guint          generation;   /* the search whose groups are taken in */
  guint          n_pending;    /* groups of that search still on their way */
  guint          n_started;
  guint          n_delivered;
  guint          n_shown;      /* the lines before the spare ones */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdSearchModel, afd_search_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  FINISHED,
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- GListModel ---------------------------------------------------------------------- */

static GType
get_item_type (GListModel *list)
{
  return AFD_TYPE_SEARCH_ITEM;
}

static guint
get_n_items (GListModel *list)
{
  return AFD_SEARCH_MODEL (list)->items->len;
}

static gpointer
get_item (GListModel *list,
          guint       position)
{
  AfdSearchModel *self = AFD_SEARCH_MODEL (list);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- The job on the store's thread ---------------------------------------------------- */

typedef struct
{
  AfTable  table;
  char    *text;
} SearchArgs;

typedef struct
{
  GPtrArray *rows;    /* AfdQueueRow */
  gint64     total;
} GroupResult;

static void
search_args_free (gpointer data)
{
  SearchArgs *args = data;

  g_free (args->text);
  g_free (args);
}

static void
group_result_free (gpointer data)
{
  GroupResult *result = data;

  g_ptr_array_unref (result->rows);
  g_free (result);
}

/* Only a full page needs counting: a shorter one is every match there is. */
static gint64
count_matches (AfStore     *store,
               SearchArgs  *args,
               guint        n_read,
               GError     **error)
{
  AfQuery query = { .table = args->table, .search = args->text,
                    .count_at_most = AFD_SEARCH_ITEM_TOTAL_MAX + 1 };
  gint64 total;

  if (n_read < AFD_SEARCH_MODEL_GROUP_MAX)
    return n_read;
  total = af_store_count (store, &query, error);
  return total < 0 ? -1 : MAX (total, (gint64) n_read);
}

/* Runs on the store's thread: the rows are built here too, so that the main thread only
 * splices them in. */
static gpointer
search_job (AfStore   *store,
            gpointer   data,
            GError   **error)
{
  SearchArgs *args = data;
  g_autoptr(GPtrArray) items = af_store_search (store, args->table, args->text,
                                                AFD_SEARCH_MODEL_GROUP_MAX, error);
  GroupResult *result;
  gint64 total;

  if (items == NULL)
    return NULL;
  total = count_matches (store, args, items->len, error);
  if (total < 0)
    return NULL;
  result = g_new0 (GroupResult, 1);
  result->rows = g_ptr_array_new_full (items->len, g_object_unref);
  result->total = total;
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (result->rows, afd_queue_row_new_for_item (args->table,
                                                               g_ptr_array_index (items, i)));
  return result;
}

/* ---- Groups in the flat list ----------------------------------------------------------- */

static GPtrArray *
group_build (Group   *group,
             AfTable  table)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_rows = group->rows != NULL ? group->rows->len : 0;
  guint n_shown = group->expanded ? n_rows : MIN (n_rows, AFD_SEARCH_MODEL_GROUP_CAP);

  if (n_rows == 0)
    return lines;
  g_ptr_array_add (lines, afd_search_item_new_header (table, group->total));
  for (guint i = 0; i < n_shown; i++)
    g_ptr_array_add (lines, afd_search_item_new_result (g_ptr_array_index (group->rows, i)));
  if (n_shown < n_rows)
    g_ptr_array_add (lines, afd_search_item_new_more (table, group->total, n_rows - n_shown));
  else if (group->total > n_rows)
    g_ptr_array_add (lines, afd_search_item_new_note (table, group->total, n_rows));
  return lines;
}

/* Every group's lines, one after another, as they should be shown now. */
static GPtrArray *
lines_build (AfdSearchModel *self)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < N_GROUPS; i++)
    {
      GPtrArray *group = group_build (&self->groups[i], group_tables[i]);

      g_ptr_array_extend_and_steal (lines, group);
    }
  return lines;
}

/* Tried for the typing phase of bench-stalls and left out (cairo, cold/warm sessions,
 * old and new alternating, load 1.2-3.0; the figure is the most main-thread CPU in one
 * dispatch, which is the frame after a word's first results):
 *   - the groups that arrive shown at the list's next frame, in its update phase, all
 *     together: 16.7/24.0 and 21.9/24.5 ms against 13.5/10.3 and 11.9/17.8 as below;
 *   - at most 3 lines changed a frame, the rest at the next frames: 15.3/11.3, 13.4/12.3,
 *     11.4/8.8 ms against 9.8/14.8, 8.6/8.3, 12.4/10.8.
 * That frame's cost is not the lines' number: it stays whatever their pace.
 * The list takes what the groups hold now. Every line is updated in place, so that the
 * list view keeps its widget and rebinds only the lines that show something else (GTK
 * 4.8 builds a new widget for every item added, and destroys a removed item's): the
 * lines past the results become spare, hidden, for the next longer results; lines are
 * only ever added, at the end. */
static void
lines_apply (AfdSearchModel *self)
{
  g_autoptr(GPtrArray) lines = lines_build (self);
  g_autoptr(AfdSearchItem) spare = afd_search_item_new_spare ();
  guint old_len = self->items->len;

  self->n_shown = lines->len;
  for (guint i = 0; i < old_len; i++)
    afd_search_item_update (g_ptr_array_index (self->items, i),
                            i < lines->len ? g_ptr_array_index (lines, i) : spare);
  if (lines->len > old_len)
    {
      for (guint i = old_len; i < lines->len; i++)
        g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (lines, i)));
      g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, lines->len - old_len);
    }
  g_signal_emit (self, signals[UPDATED], 0);
}

static void
group_set (AfdSearchModel *self,
           guint           index,
           GPtrArray      *rows,
           gint64          total)
{
  Group *group = &self->groups[index];

  g_clear_pointer (&group->rows, g_ptr_array_unref);
  group->rows = rows;
  group->total = rows != NULL ? total : 0;
  lines_apply (self);
}

static guint
group_index (AfTable table)
{
  for (guint i = 0; i < N_GROUPS; i++)
    if (group_tables[i] == table)
      return i;
  return N_GROUPS;
}

/* ---- Searching ------------------------------------------------------------------------- */

typedef struct
{
  AfdSearchModel *model;      /* valid unless the search was cancelled */
  guint           generation;
  guint           index;
} Delivery;

static void
group_done (AfdSearchModel *self)
{
  if (--self->n_pending == 0)
    {
      g_clear_object (&self->cancellable);
      g_signal_emit (self, signals[FINISHED], 0);
    }
}

static void
searched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree Delivery *delivery = user_data;
  g_autoptr(GError) error = NULL;
  GroupResult *group = af_store_thread_run_finish (AF_STORE_THREAD (source), result, &error);
  AfdSearchModel *self;

  /* Superseded, or the model went away: nothing of it may be touched. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = delivery->model;
  if (delivery->generation != self->generation)
    {
      g_clear_pointer (&group, group_result_free);
      return;
    }
  self->n_delivered++;
  if (group == NULL)
    {
      /* The kind of item and the code only: the message may quote what was typed. */
      g_debug ("Could not search the %s (%s %d)", af_table_nick (group_tables[delivery->index]),
               g_quark_to_string (error->domain), error->code);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      group_set (self, delivery->index, NULL, 0);
    }
  else
    {
      group_set (self, delivery->index, g_steal_pointer (&group->rows), group->total);
      g_free (group);
    }
  group_done (self);
}

static void
search_group (AfdSearchModel *self,
              guint           index)
{
  SearchArgs *args = g_new0 (SearchArgs, 1);
  Delivery *delivery = g_new0 (Delivery, 1);

  args->table = group_tables[index];
  args->text = g_strdup (self->text);
  delivery->model = self;
  delivery->generation = self->generation;
  delivery->index = index;
  af_store_thread_run_async (self->thread, search_job, args, search_args_free,
                             group_result_free, self->cancellable, searched_cb, delivery);
}

/* The search is cleared: its groups go, its lines become spare (their widgets stay, for
 * the next search's results), so that nothing of it shows when the next one starts. */
static void
clear_groups (AfdSearchModel *self)
{
  for (guint i = 0; i < N_GROUPS; i++)
    {
      g_clear_pointer (&self->groups[i].rows, g_ptr_array_unref);
      self->groups[i].total = 0;
    }
  lines_apply (self);
}

void
afd_search_model_cancel (AfdSearchModel *self)
{
  g_return_if_fail (AFD_IS_SEARCH_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;
  self->n_pending = 0;
}

/* Searches self->text again; the rows shown stay until the new ones replace them. */
static void
start (AfdSearchModel *self)
{
  afd_search_model_cancel (self);
  g_clear_error (&self->error);
  if (*self->text == '\0')
    {
      clear_groups (self);
      return;
    }
  self->cancellable = g_cancellable_new ();
  self->n_pending = N_GROUPS;
  self->n_started++;
  for (guint i = 0; i < N_GROUPS; i++)
    search_group (self, i);
}

void
afd_search_model_set_text (AfdSearchModel *self,
                           const char     *text)
{
  g_return_if_fail (AFD_IS_SEARCH_MODEL (self));

  g_free (self->text);
  self->text = g_strdup (text != NULL ? text : "");
  for (guint i = 0; i < N_GROUPS; i++)
    self->groups[i].expanded = FALSE;
  start (self);
}

void
afd_search_model_refresh (AfdSearchModel *self)
{
  g_return_if_fail (AFD_IS_SEARCH_MODEL (self));
  start (self);
}

void
afd_search_model_expand (AfdSearchModel *self,
                         AfTable         table)
{
  guint index = group_index (table);

  g_return_if_fail (AFD_IS_SEARCH_MODEL (self));
  g_return_if_fail (index < N_GROUPS);

  self->groups[index].expanded = TRUE;
  lines_apply (self);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
afd_search_model_dispose (GObject *object)
{
  AfdSearchModel *self = AFD_SEARCH_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  for (guint i = 0; i < N_GROUPS; i++)
    g_clear_pointer (&self->groups[i].rows, g_ptr_array_unref);
  g_clear_object (&self->thread);

  G_OBJECT_CLASS (afd_search_model_parent_class)->dispose (object);
}

static void
afd_search_model_finalize (GObject *object)
{
  AfdSearchModel *self = AFD_SEARCH_MODEL (object);

  g_ptr_array_unref (self->items);
  g_free (self->text);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (afd_search_model_parent_class)->finalize (object);
}

static void
afd_search_model_class_init (AfdSearchModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = afd_search_model_dispose;
  object_class->finalize = afd_search_model_finalize;

  /* Every group of the current search has arrived. */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
  /* The lines changed: some in place (AfdSearchItem::changed), maybe some added at the
   * end (items-changed). */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
afd_search_model_init (AfdSearchModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->text = g_strdup ("");
}

AfdSearchModel *
afd_search_model_new (AfStoreThread *thread)
{
  AfdSearchModel *self;

  g_return_val_if_fail (AF_IS_STORE_THREAD (thread), NULL);

  self = g_object_new (AFD_TYPE_SEARCH_MODEL, NULL);
  self->thread = g_object_ref (thread);
  return self;
}

AfStoreThread *
afd_search_model_get_thread (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), NULL);
  return self->thread;
}

const char *
afd_search_model_get_text (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), NULL);
  return self->text;
}

gboolean
afd_search_model_is_searching (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), FALSE);
  return self->n_pending > 0;
}

guint
afd_search_model_get_n_shown (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), 0);
  return self->n_shown;
}

gint64
afd_search_model_get_total (AfdSearchModel *self,
                            AfTable         table)
{
  guint index = group_index (table);

  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), 0);
  return index < N_GROUPS ? self->groups[index].total : 0;
}

const GError *
afd_search_model_get_error (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), NULL);
  return self->error;
}

guint
afd_search_model_get_n_started (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), 0);
  return self->n_started;
}

guint
afd_search_model_get_n_delivered (AfdSearchModel *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_MODEL (self), 0);
  return self->n_delivered;
}
