/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-model"

#include "config.h"

#include "afd-queue-model.h"
#include "afd-queue-row.h"

#include "af-store-async.h"

#define NONE G_MAXUINT

/* Rows a reload changed that are told in one go (AFD_QUEUE_MODEL_TELL_CHUNK), one such
 * chunk a frame or so: GTK 4.8's list view builds, binds and measures a row widget for
 * each row it is told of (up to the ~200 it holds), ~20 ms a page on this machine, and
 * each row widget made or dropped is a queue_resize that lays the whole window out
 * again (under X11, round trips to the X server the main thread waits for).
 * "Loading…" rows are not told at all: the rows read fill them in place
 * (fill_placeholders()). */
#define TELL_CHUNK AFD_QUEUE_MODEL_TELL_CHUNK
#define TELL_INTERVAL_MS 16

typedef struct
{
  guint      index;
  guint64    last_used;
  GPtrArray *rows;      /* (owned) of AfdQueueRow */
  guint64    handed_at; /* last_used when a row was last handed out (0: never) */
} Page;

/* A page dropped whose rows a list was handed. */
typedef struct
{
  guint      index;
  guint64    handed_at;
} LetGo;

struct _AfdQueueModel
{
  GObject        parent_instance;

  /* owned references */
  AfStoreThread *thread;
  GCancellable  *cancellable;  /* the loads of the current count; replaced by a reload */
  AfQuery        query;        /* its strings are owned */
  GHashTable    *pages;        /* page index -> (owned) Page */
  GHashTable    *stale;        /* page index -> (owned) Page: the rows a reload found the
                                  count unchanged for, shown until their page is read again */
  GHashTable    *placeheld;    /* page indexes a placeholder row was handed out for */
  GHashTable    *placeholders; /* page index -> (owned) GPtrArray of (nullable)
                                  AfdQueueRow, a page long: the "Loading…" rows handed
                                  out, which the page's rows fill in place */
  GHashTable    *retold;       /* placeheld pages let go before a reload, whose old rows
                                  a list may hold: all their rows are told when read */
  GArray        *let_go;       /* LetGo: the pages dropped whose rows were handed out
                                  last (at most AFD_QUEUE_MODEL_MAX_PAGES), which a list
                                  may still hold: a reload reads and tells them again */
  GPtrArray     *starts;       /* (owned) AfStoreCursor where page i starts, i < len;
                                  [0] is NULL: the first page */
  GError        *error;        /* (nullable) */
  GPtrArray     *dropped;      /* (owned) Pages evicted, freed in a later idle */
  guint          drop_source;
  GArray        *untold;       /* guint: the first position of each chunk of rows read
                                  that a list still holds placeholders for */
  guint          tell_source;
  guint          asked_low;    /* the placeholders handed out since the last rows were */
  guint          asked_high;   /* told: their middle is about where the list looks */

  guint          n_items;
  guint64        clock;
  guint          pages_read;
  gboolean       counting;
  guint          loading;      /* the page index being read, or NONE */
  guint          wanted;       /* the page index a list asked for last, or NONE */
  GTask         *locating;     /* (owned) (nullable) a locate waiting for its page */
  guint          located;      /* its position in the queue */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfdQueueModel, afd_queue_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->rows);
  g_free (page);
}

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

/* The locate under way gets @position (G_MAXUINT: not in the queue), or @error. */
static void
end_locating (AfdQueueModel *self,
              GError        *error,
              guint          position)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->locating);

  if (task == NULL)
    g_clear_error (&error);
  else if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, position);
}

/* A reload or a new query: the position found was another count's. */
static void
cancel_locating (AfdQueueModel *self)
{
  if (self->locating != NULL)
    end_locating (self, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                     "The queue is being read again"), 0);
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
afd_queue_model_dispose (GObject *object)
{
  AfdQueueModel *self = AFD_QUEUE_MODEL (object);

  /* A load that arrives later must not touch this model. */
  g_cancellable_cancel (self->cancellable);
  cancel_locating (self);
  g_clear_handle_id (&self->tell_source, g_source_remove);
  g_clear_handle_id (&self->drop_source, g_source_remove);

  G_OBJECT_CLASS (afd_queue_model_parent_class)->dispose (object);
}

static void
afd_queue_model_finalize (GObject *object)
{
  AfdQueueModel *self = AFD_QUEUE_MODEL (object);

  free_query_strings (&self->query);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->stale, g_hash_table_unref);
  g_clear_pointer (&self->placeheld, g_hash_table_unref);
  g_clear_pointer (&self->placeholders, g_hash_table_unref);
  g_clear_pointer (&self->retold, g_hash_table_unref);
  g_clear_pointer (&self->let_go, g_array_unref);
  g_clear_pointer (&self->starts, g_ptr_array_unref);
  g_clear_pointer (&self->untold, g_array_unref);
  g_clear_pointer (&self->dropped, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thread);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (afd_queue_model_parent_class)->finalize (object);
}

static void
afd_queue_model_class_init (AfdQueueModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = afd_queue_model_dispose;
  object_class->finalize = afd_queue_model_finalize;

  /* The count and the first page of a new query or a reload have arrived (or failed). */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
reset_starts (AfdQueueModel *self)
{
  g_clear_pointer (&self->starts, g_ptr_array_unref);
  self->starts = g_ptr_array_new_with_free_func ((GDestroyNotify) af_store_cursor_free);
  g_ptr_array_add (self->starts, NULL);
}

static void
afd_queue_model_init (AfdQueueModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->stale = g_hash_table_new_full (NULL, NULL, NULL, page_free);
  self->placeheld = g_hash_table_new (NULL, NULL);
  self->placeholders = g_hash_table_new_full (NULL, NULL, NULL,
                                              (GDestroyNotify) g_ptr_array_unref);
  self->retold = g_hash_table_new (NULL, NULL);
  self->let_go = g_array_new (FALSE, FALSE, sizeof (LetGo));
  self->loading = NONE;
  self->wanted = NONE;
  self->untold = g_array_new (FALSE, FALSE, sizeof (guint));
  self->dropped = g_ptr_array_new_with_free_func (page_free);
  self->asked_low = NONE;
  self->asked_high = 0;
  reset_starts (self);
}

static void
remember_error (AfdQueueModel *self,
                GError        *error)
{
  g_warning ("Could not read the queue: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
}

/* A page dropped is freed in an idle of its own, one page a dispatch: finalizing its 200
 * rows (and the placeholders a list let go of with them) is work the dispatch that
 * reads the next page need not do. */
static gboolean
free_dropped_cb (gpointer user_data)
{
  AfdQueueModel *self = user_data;

  g_ptr_array_remove_index_fast (self->dropped, self->dropped->len - 1);
  if (self->dropped->len > 0)
    return G_SOURCE_CONTINUE;
  self->drop_source = 0;
  return G_SOURCE_REMOVE;
}

static void
drop_page (AfdQueueModel *self,
           GHashTable    *table,
           guint          index)
{
  Page *page;

  if (!g_hash_table_steal_extended (table, GUINT_TO_POINTER (index), NULL, (gpointer *) &page))
    return;
  g_ptr_array_add (self->dropped, page);
  if (self->drop_source == 0)
    self->drop_source = g_idle_add_full (G_PRIORITY_LOW, free_dropped_cb, self, NULL);
}

/* The page of @table looked at last (@newest) or longest ago, or NULL. */
static Page *
page_by_use (GHashTable *table,
             gboolean    newest)
{
  GHashTableIter iter;
  Page *page;
  Page *found = NULL;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    if (found == NULL || (newest ? page->last_used > found->last_used
                                 : page->last_used < found->last_used))
      found = page;
  return found;
}

static void
forget_let_go (AfdQueueModel *self,
               guint          index)
{
  for (guint i = self->let_go->len; i-- > 0;)
    if (g_array_index (self->let_go, LetGo, i).index == index)
      g_array_remove_index_fast (self->let_go, i);
}

/* A list holds the rows it was handed last (GTK 4.8: up to 200, two pages or three),
 * and the selection one: among the pages dropped, those handed out last are kept in
 * mind, the oldest forgotten. */
static void
remember_let_go (AfdQueueModel *self,
                 Page          *page)
{
  LetGo entry = { page->index, page->handed_at };
  guint oldest = 0;

  if (page->handed_at == 0)
    return;
  forget_let_go (self, page->index);
  if (self->let_go->len < AFD_QUEUE_MODEL_MAX_PAGES)
    {
      g_array_append_val (self->let_go, entry);
      return;
    }
  for (guint i = 1; i < self->let_go->len; i++)
    if (g_array_index (self->let_go, LetGo, i).handed_at <
        g_array_index (self->let_go, LetGo, oldest).handed_at)
      oldest = i;
  if (g_array_index (self->let_go, LetGo, oldest).handed_at < entry.handed_at)
    g_array_index (self->let_go, LetGo, oldest) = entry;
}

/* Reads a list did not ask for (a walk far down, a page located) may drop a page whose
 * rows it holds: it is remembered, so that a reload that moves its rows tells them. */
static void
evict_least_recently_used (AfdQueueModel *self)
{
  Page *oldest = page_by_use (self->pages, FALSE);

  if (oldest == NULL)
    return;
  remember_let_go (self, oldest);
  drop_page (self, self->pages, oldest->index);
}

/* Keeps @rows (AfdQueueRow, made on the store's thread) as page @index, and @next as
 * where the page after it starts. */
static Page *
keep_page (AfdQueueModel *self,
           guint          index,
           GPtrArray     *rows,
           AfStoreCursor *next)
{
  Page *page;

  if (index + 1 == self->starts->len && next != NULL)
    g_ptr_array_add (self->starts, next);
  else
    af_store_cursor_free (next);

  g_hash_table_remove (self->pages, GUINT_TO_POINTER (index));
  /* Held again: a reload finds it among the stale pages. */
  forget_let_go (self, index);
  if (g_hash_table_size (self->pages) >= AFD_QUEUE_MODEL_MAX_PAGES)
    evict_least_recently_used (self);

  page = g_new0 (Page, 1);
  page->index = index;
  page->last_used = ++self->clock;
  page->rows = g_ptr_array_ref (rows);
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (index), page);
  self->pages_read++;
  return page;
}

static void load_next (AfdQueueModel *self);

static gboolean tell_cb (gpointer user_data);

/* Rows to tell the list of, at most a chunk's worth (TELL_CHUNK) now and the others a
 * chunk a frame, nearest where the list looks first: a reload that finds another count
 * shifts every row of a page read again, and GTK 4.8's list view binds and measures
 * again each row it is told of. @budget is what may still be told now. */
static void
tell_rows (AfdQueueModel *self,
           guint          first,
           guint          n,
           guint         *budget)
{
  for (guint chunk = first; chunk < first + n; chunk += TELL_CHUNK)
    {
      guint size = MIN (TELL_CHUNK, first + n - chunk);

      if (size <= *budget)
        {
          *budget -= size;
          g_list_model_items_changed (G_LIST_MODEL (self), chunk, size, size);
        }
      else
        g_array_append_val (self->untold, chunk);
    }
}

static void
tell_later (AfdQueueModel *self)
{
  if (self->untold->len > 0 && self->tell_source == 0)
    self->tell_source = g_timeout_add (TELL_INTERVAL_MS, tell_cb, self);
}

/* The row @before a list holds shows @after (read again) as it is: the same row, or the
 * same item changed where it was (a pull's new score, a review), which @before takes
 * in place (afd_queue_row_fill(): no row widget dropped and made again). bench-stalls,
 * note typed during a pull of 10,000 audits, then the reload (cairo, 3 runs each
 * alternated, load 2.6-3.8): the most main-thread CPU in one dispatch (the reload's)
 * 10.1 ms (9.7-10.5) with the changed rows told, 4.8 ms (3.5-6.2) filled in place. */
static gboolean
keeps_row (AfdQueueRow *before,
           AfdQueueRow *after)
{
  if (before == NULL || after == NULL)
    return FALSE;
  if (afd_queue_row_equal (before, after))
    return TRUE;
  if (afd_queue_row_get_item_id (before) == NULL ||
      afd_queue_row_get_table (before) != afd_queue_row_get_table (after) ||
      g_strcmp0 (afd_queue_row_get_item_id (before), afd_queue_row_get_item_id (after)) != 0)
    return FALSE;
  afd_queue_row_fill (before, after);
  return TRUE;
}

/* @page read again replaces @old, row by row: a row that did not change, or whose item
 * changed where it was, stays the same object (keeps_row()), and the list is told only
 * of the runs of rows that hold another item now (a chunk at a time, tell_rows()). A
 * row that only moved (another count) is a new object: the list still holds the old one
 * where the chunks not told yet are, and GTK 4.8 warns of an item twice in a list. GTK
 * 4.8's list view binds, measures and lays out again every row it is told of (and makes
 * a row widget for it: a whole-window relayout): after a pull that moved a few rows of a
 * page, a few rows, not the ~200 the list holds. */
static void
refresh_rows (AfdQueueModel *self,
              Page          *page,
              GPtrArray     *old)
{
  guint first = page->index * AFD_QUEUE_MODEL_PAGE_SIZE;
  guint n = first < self->n_items ? MIN (AFD_QUEUE_MODEL_PAGE_SIZE, self->n_items - first) : 0;
  guint budget = TELL_CHUNK;
  guint run = 0;

  for (guint i = 0; i <= n; i++)
    {
      gpointer before = i < n && i < old->len ? g_ptr_array_index (old, i) : NULL;
      gpointer after = i < n && i < page->rows->len ? g_ptr_array_index (page->rows, i) : NULL;

      if (i < n && !keeps_row (before, after))
        {
          run++;
          continue;
        }
      if (after != NULL)
        {
          g_object_unref (after);
          g_ptr_array_index (page->rows, i) = g_object_ref (before);
        }
      if (run > 0)
        tell_rows (self, first + i - run, run, &budget);
      run = 0;
    }
  tell_later (self);
}

/* The chunk of rows read nearest to where the list looks replaces its placeholders. */
static void
tell_chunk (AfdQueueModel *self)
{
  guint middle = self->asked_low != NONE ? self->asked_low / 2 + self->asked_high / 2 : 0;
  guint best = 0;
  guint first, n;

  if (self->untold->len == 0)
    return;
  for (guint i = 1; i < self->untold->len; i++)
    {
      guint a = g_array_index (self->untold, guint, i) + TELL_CHUNK / 2;
      guint b = g_array_index (self->untold, guint, best) + TELL_CHUNK / 2;

      if ((a > middle ? a - middle : middle - a) < (b > middle ? b - middle : middle - b))
        best = i;
    }
  first = g_array_index (self->untold, guint, best);
  g_array_remove_index_fast (self->untold, best);
  if (self->untold->len == 0)
    {
      self->asked_low = NONE;
      self->asked_high = 0;
    }
  if (first >= self->n_items)
    return;
  n = MIN (TELL_CHUNK, self->n_items - first);
  g_list_model_items_changed (G_LIST_MODEL (self), first, n, n);
}

static gboolean
tell_cb (gpointer user_data)
{
  AfdQueueModel *self = user_data;

  tell_chunk (self);
  if (self->untold->len > 0)
    return G_SOURCE_CONTINUE;
  self->tell_source = 0;
  return G_SOURCE_REMOVE;
}

/* The "Loading…" rows handed out for @page take its rows' texts, in place, and stand
 * for them from now on (the model hands out the very objects the list holds). The list
 * is told of nothing: GTK 4.8's list view would drop each of their row widgets and make
 * another (a queue_resize each, the whole window laid out again at the next frame); a
 * row widget follows its row's notifications and is drawn again at the same height.
 * bench-stalls, dragging All Loans to the end of 200,000 audits (cairo, cold, 3 runs each
 * alternated, load 3.2-4.5): the most main-thread CPU in one dispatch 12.5 ms (7.9-22.7)
 * with the chunks told, 7.1 ms (6.4-13.3) filled in place; the gap max 126 (44-142) and
 * 87 ms (37-93), the load's more than ours. The drag's ~2.6 toplevel relayouts a frame
 * stayed (2.57 and 2.71): the list view's own rows moved and rebound as it scrolls make
 * them, not the rows told. */
static void
fill_placeholders (AfdQueueModel *self,
                   Page          *page)
{
  g_autoptr(GPtrArray) held = NULL;

  if (!g_hash_table_steal_extended (self->placeholders, GUINT_TO_POINTER (page->index), NULL,
                                    (gpointer *) &held))
    return;
  for (guint i = 0; i < MIN (held->len, page->rows->len); i++)
    {
      AfdQueueRow *placeholder = g_ptr_array_index (held, i);

      if (placeholder == NULL)
        continue;
      afd_queue_row_fill (placeholder, g_ptr_array_index (page->rows, i));
      g_object_unref (g_ptr_array_index (page->rows, i));
      g_ptr_array_index (page->rows, i) = g_object_ref (placeholder);
      /* Its rows are handed out: a reload tells them again if the page is let go. */
      page->handed_at = page->last_used;
    }
}

/* The rows of a page a list saw placeholders for fill them; the rows of a page read
 * again after a reload replace the ones that changed, and those of a page let go before
 * it all the rows a list may still hold. */
static void
show_page (AfdQueueModel *self,
           Page          *page)
{
  guint first = page->index * AFD_QUEUE_MODEL_PAGE_SIZE;
  Page *old = g_hash_table_lookup (self->stale, GUINT_TO_POINTER (page->index));
  guint n;

  if (old != NULL)
    {
      refresh_rows (self, page, old->rows);
      drop_page (self, self->stale, page->index);
    }
  fill_placeholders (self, page);
  if (!g_hash_table_remove (self->placeheld, GUINT_TO_POINTER (page->index)) ||
      !g_hash_table_remove (self->retold, GUINT_TO_POINTER (page->index)) ||
      first >= self->n_items)
    return;
  n = MIN (AFD_QUEUE_MODEL_PAGE_SIZE, self->n_items - first);
  for (guint chunk = first; chunk < first + n; chunk += TELL_CHUNK)
    g_array_append_val (self->untold, chunk);
  /* The rows where the list looks at once, the others a chunk a frame. */
  tell_chunk (self);
  tell_later (self);
}

/* A page read on the store's thread, with its rows made there too: formatting 200 rows
 * (dates, scores, labels) is work the main thread does not have to do. */
typedef struct
{
  gint64         count;   /* the first page of a count: the number of items; else -1 */
  GPtrArray     *passed;  /* (owned) AfStoreCursor where each page walked past ends */
  GPtrArray     *rows;    /* (owned) of AfdQueueRow: the page after those */
  AfStoreCursor *next;
} Read;

typedef struct
{
  AfQuery        query;   /* its strings are owned */
  AfStoreCursor *after;   /* (nullable) where the page starts; NULL for the first */
  gboolean       count;   /* count the items too */
  guint          skip;    /* pages to walk past (keyset, no rows made) before the one read */
} ReadArgs;

/* Pages walked past in one job at most, so that an edit queued meanwhile is not kept
 * waiting behind a long walk. */
#define MAX_SKIP 50

static void
read_free (gpointer data)
{
  Read *read = data;

  g_clear_pointer (&read->passed, g_ptr_array_unref);
  g_clear_pointer (&read->rows, g_ptr_array_unref);
  af_store_cursor_free (read->next);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Read, read_free)

static void
read_args_free (gpointer data)
{
  ReadArgs *args = data;

  free_query_strings (&args->query);
  af_store_cursor_free (args->after);
  g_free (args);
}

static void
query_copy_into (AfQuery       *copy,
                 const AfQuery *query)
{
  *copy = *query;
  copy->status = g_strdup (query->status);
  copy->loan_id = g_strdup (query->loan_id);
  copy->user_id = g_strdup (query->user_id);
  copy->verdict = g_strdup (query->verdict);
  copy->search = g_strdup (query->search);
  copy->offset = 0;
  copy->limit = 0;
}

static gpointer
read_job (AfStore  *store,        /* runs on the store's thread */
          gpointer  data,
          GError  **error)
{
  ReadArgs *args = data;
  g_autoptr(Read) read = g_new0 (Read, 1);
  g_autoptr(GPtrArray) items = NULL;
  const AfStoreCursor *after = args->after;

  read->count = args->count ? af_store_count (store, &args->query, error) : -1;
  if (args->count && read->count < 0)
    return NULL;
  args->query.limit = AFD_QUEUE_MODEL_PAGE_SIZE;
  /* Pages nobody looks at are walked past here, not one round trip to the main
   * thread each: dragging to the end of 200,000 rows walks 1,000 pages. */
  read->passed = g_ptr_array_new_with_free_func ((GDestroyNotify) af_store_cursor_free);
  for (guint i = 0; i < args->skip; i++)
    {
      AfStoreCursor *next = NULL;
      g_autoptr(GPtrArray) walked = af_store_query_page (store, &args->query, after, &next, error);

      if (walked == NULL)
        return NULL;
      if (next == NULL)
        break;                    /* the list is shorter now: its last page is read */
      g_ptr_array_add (read->passed, next);
      after = next;
    }
  items = af_store_query_page (store, &args->query, after, &read->next, error);
  if (items == NULL)
    return NULL;
  read->rows = g_ptr_array_new_full (items->len, g_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (read->rows, afd_queue_row_new_for_item (args->query.table,
                                                             g_ptr_array_index (items, i)));
  return g_steal_pointer (&read);
}

static void
queue_read (AfdQueueModel       *self,
            const AfStoreCursor *after,
            gboolean             count,
            guint                skip,
            GAsyncReadyCallback  callback)
{
  ReadArgs *args = g_new0 (ReadArgs, 1);

  query_copy_into (&args->query, &self->query);
  args->after = af_store_cursor_copy (after);
  args->count = count;
  args->skip = skip;
  af_store_thread_run_async (self->thread, read_job, args, read_args_free, read_free,
                             self->cancellable, callback, self);
}

/* The page of the position located is read: the locate ends (a page past the end, the
 * cache shrunk under the count: not in the queue). */
static void
locate_read (AfdQueueModel *self,
             Page          *page,
             gboolean       at_end)
{
  guint index = self->located / AFD_QUEUE_MODEL_PAGE_SIZE;

  if (self->locating == NULL)
    return;
  if (page->index == index)
    end_locating (self, NULL, self->located);
  else if (at_end && page->index < index)
    end_locating (self, NULL, G_MAXUINT);
}

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Read) read = af_store_thread_run_finish (AF_STORE_THREAD (source), result, &error);
  AfdQueueModel *self;
  gboolean at_end;
  Page *page;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;                       /* a reload or the model's end: not ours any more */
  self = AFD_QUEUE_MODEL (user_data);
  if (read == NULL)
    {
      self->loading = NONE;
      self->wanted = NONE;        /* no retry loop: the list shows the error */
      end_locating (self, g_error_copy (error), 0);
      remember_error (self, g_steal_pointer (&error));
      g_signal_emit (self, signals[LOADED], 0);
      return;
    }
  /* Where each page walked past ends is where the next one starts. */
  for (guint i = 0; i < read->passed->len; i++)
    if (self->loading + 1 + i == self->starts->len)
      g_ptr_array_add (self->starts, af_store_cursor_copy (g_ptr_array_index (read->passed, i)));
  at_end = read->next == NULL;
  page = keep_page (self, self->loading + read->passed->len, read->rows,
                    g_steal_pointer (&read->next));
  self->loading = NONE;
  /* Past the end (the cache shrank under the count): nothing further to read. */
  if (self->wanted == page->index || (at_end && self->wanted > page->index))
    self->wanted = NONE;
  show_page (self, page);
  locate_read (self, page, at_end);
  load_next (self);
}

/* The stale page last looked at (the one a list most likely shows), or NONE. */
static guint
most_recent_stale (AfdQueueModel *self)
{
  Page *newest = page_by_use (self->stale, TRUE);

  return newest != NULL ? newest->index : NONE;
}

/* A page a list holds "Loading…" rows for that is not read (a reload cancelled its read
 * and kept the rows around it), or NONE. */
static guint
unread_placeheld (AfdQueueModel *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->placeheld);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->pages, key))
      return GPOINTER_TO_UINT (key);
  return NONE;
}

/* Reads the page a list asked for, by keyset: from the nearest page whose start is
 * known, one page after the other (never by OFFSET). */
static void
load_next (AfdQueueModel *self)
{
  guint index;
  guint skip = 0;

  if (self->counting || self->loading != NONE)
    return;
  if (self->wanted == NONE)
    self->wanted = most_recent_stale (self);
  if (self->wanted == NONE)
    self->wanted = unread_placeheld (self);
  if (self->wanted == NONE && self->locating != NULL)
    self->wanted = self->located / AFD_QUEUE_MODEL_PAGE_SIZE;
  if (self->wanted == NONE)
    return;
  if (g_hash_table_contains (self->pages, GUINT_TO_POINTER (self->wanted)))
    {
      self->wanted = NONE;
      load_next (self);           /* a stale page, perhaps */
      return;
    }
  index = MIN (self->wanted, self->starts->len - 1);
  /* A page a list was shown "Loading…" or stale rows for is read on the way, not
   * walked past. */
  while (index + skip < self->wanted && skip < MAX_SKIP &&
         !g_hash_table_contains (self->placeheld, GUINT_TO_POINTER (index + skip)) &&
         !g_hash_table_contains (self->stale, GUINT_TO_POINTER (index + skip)))
    skip++;
  self->loading = index;
  queue_read (self, g_ptr_array_index (self->starts, index), FALSE, skip, page_read_cb);
}

/* A list holds rows only around what it shows (GTK 4.8: 200): placeholders handed out
 * far from the page asked for now were scrolled past, and their pages need not be read
 * on the way there (a list that comes back asks again). */
static void
forget_far_placeholders (AfdQueueModel *self,
                         guint          index)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->placeheld);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) + 2 < index || GPOINTER_TO_UINT (key) > index + 2)
      {
        g_hash_table_remove (self->placeholders, key);
        g_hash_table_remove (self->retold, key);
        g_hash_table_iter_remove (&iter);
      }
}

/* The "Loading…" row handed out for @position, the same one each time it is asked for
 * until its page is read. */
static AfdQueueRow *
placeholder_at (AfdQueueModel *self,
                guint          position)
{
  gpointer index = GUINT_TO_POINTER (position / AFD_QUEUE_MODEL_PAGE_SIZE);
  guint offset = position % AFD_QUEUE_MODEL_PAGE_SIZE;
  GPtrArray *held = g_hash_table_lookup (self->placeholders, index);

  if (held == NULL)
    {
      held = g_ptr_array_new_full (AFD_QUEUE_MODEL_PAGE_SIZE, unref_nullable);
      g_ptr_array_set_size (held, AFD_QUEUE_MODEL_PAGE_SIZE);
      g_hash_table_insert (self->placeholders, index, held);
    }
  if (g_ptr_array_index (held, offset) == NULL)
    g_ptr_array_index (held, offset) = afd_queue_row_new_loading (self->query.table);
  return g_object_ref (g_ptr_array_index (held, offset));
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
  if (page == NULL && (page = g_hash_table_lookup (self->stale, GUINT_TO_POINTER (index))) != NULL)
    {
      /* Shown as it was until its page, read again, says which rows changed. */
      self->wanted = index;
      load_next (self);
    }
  if (page == NULL)
    {
      /* Asked for, read on the store's thread; the rows replace the placeholder. */
      forget_far_placeholders (self, index);
      g_hash_table_add (self->placeheld, GUINT_TO_POINTER (index));
      self->asked_low = MIN (self->asked_low, position);
      self->asked_high = MAX (self->asked_high, position);
      self->wanted = index;
      load_next (self);
      return placeholder_at (self, position);
    }

  /* The cache may have shrunk under us (a sync deleted items): a list must still get
   * an object for every position it was told about, until the next reload. */
  if (offset >= page->rows->len)
    return afd_queue_row_new_unreadable (self->query.table);

  page->last_used = ++self->clock;
  page->handed_at = page->last_used;
  return g_object_ref (g_ptr_array_index (page->rows, offset));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = afd_queue_model_get_item_type;
  iface->get_n_items = afd_queue_model_get_n_items;
  iface->get_item = afd_queue_model_get_item;
}

/* A reload that finds the first rows as they were keeps their objects, and tells the
 * list only about the rows after them: GTK 4.8's list view would otherwise build its
 * ~200 row widgets again, as it matches rows by identity. Returns how many leading rows
 * are unchanged. (When the count changed: the rows after them may have moved.) */
static guint
keep_unchanged_rows (AfdQueueModel *self,
                     GPtrArray     *rows)
{
  Page *old = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (0));
  guint n = 0;

  if (old == NULL)
    return 0;
  while (n < MIN (old->rows->len, rows->len) &&
         afd_queue_row_equal (g_ptr_array_index (old->rows, n), g_ptr_array_index (rows, n)))
    {
      g_object_unref (g_ptr_array_index (rows, n));
      g_ptr_array_index (rows, n) = g_object_ref (g_ptr_array_index (old->rows, n));
      n++;
    }
  return n;
}

/* The pages and placeholders past the end of a queue that got shorter: nothing to read
 * or tell there any more. */
static void
forget_past_end (AfdQueueModel *self)
{
  guint n_pages = (self->n_items + AFD_QUEUE_MODEL_PAGE_SIZE - 1) / AFD_QUEUE_MODEL_PAGE_SIZE;
  GHashTableIter iter;
  gpointer key;
  g_autoptr(GArray) past = g_array_new (FALSE, FALSE, sizeof (guint));

  g_hash_table_iter_init (&iter, self->stale);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint index = GPOINTER_TO_UINT (key);

      if (index >= n_pages)
        g_array_append_val (past, index);
    }
  for (guint i = 0; i < past->len; i++)
    drop_page (self, self->stale, g_array_index (past, guint, i));
  g_hash_table_iter_init (&iter, self->placeheld);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) >= n_pages)
      {
        g_hash_table_remove (self->placeholders, key);
        g_hash_table_remove (self->retold, key);
        g_hash_table_iter_remove (&iter);
      }
}

/* Another count: the list is told of the rows added or removed at the end of the queue,
 * where it most likely holds no row widget, so that every position it holds keeps its
 * row; the pages read again then tell it which rows changed (refresh_rows()). */
static void
tell_count (AfdQueueModel *self,
            guint          old_n_items)
{
  if (self->n_items > old_n_items)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n_items, 0,
                                self->n_items - old_n_items);
  else if (self->n_items < old_n_items)
    g_list_model_items_changed (G_LIST_MODEL (self), self->n_items,
                                old_n_items - self->n_items, 0);
}

/* A reload keeps every row shown (a pull that changed, added or removed items, a note,
 * a review): the count difference is told at the end of the queue (tell_count()), the
 * first page's rows that changed replace theirs at once, the other pages' rows stay as
 * they were, stale, until each is read again (the page last looked at first) and its
 * changed rows replace theirs. The list is told of the rows that changed only, a chunk
 * at a time, never of all: also when the first page was dropped (the list scrolled far
 * from it), whose rows are then all told, where the list most likely holds no row
 * widget. (Telling the list of every row instead cost 180 ms of the main thread at
 * 200,000 audits: an automatic sync ending while the queue was dragged.) */
static void
refresh_in_place (AfdQueueModel *self,
                  Read          *first)
{
  GHashTableIter iter;
  gpointer key;
  Page *page;
  guint old_n_items = self->n_items;
  g_autoptr(GPtrArray) old_first = g_ptr_array_new ();

  /* The pages dropped whose rows the list may hold are read again and all their rows
   * told, as for "Loading…" rows: nothing says which of them changed. */
  for (guint i = 0; i < self->let_go->len; i++)
    {
      gpointer index = GUINT_TO_POINTER (g_array_index (self->let_go, LetGo, i).index);

      g_hash_table_add (self->placeheld, index);
      g_hash_table_add (self->retold, index);
    }
  g_array_set_size (self->let_go, 0);
  /* The stale pages not read again since the last reload stay: the list holds their
   * rows. */
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &page))
    {
      g_hash_table_iter_steal (&iter);
      g_hash_table_replace (self->stale, key, page);
    }
  /* What the list holds for the first page: "Loading…" rows if it was placeheld. */
  page = g_hash_table_lookup (self->stale, GUINT_TO_POINTER (0));
  if (page != NULL && !g_hash_table_contains (self->placeheld, GUINT_TO_POINTER (0)))
    {
      g_ptr_array_unref (old_first);
      old_first = g_ptr_array_ref (page->rows);
    }
  g_hash_table_remove (self->stale, GUINT_TO_POINTER (0));
  g_hash_table_remove (self->placeheld, GUINT_TO_POINTER (0));
  /* Its rows are all told below (old_first is empty): the list drops these. */
  g_hash_table_remove (self->placeholders, GUINT_TO_POINTER (0));
  g_hash_table_remove (self->retold, GUINT_TO_POINTER (0));
  reset_starts (self);
  self->n_items = (guint) MIN (first->count, G_MAXUINT);
  forget_past_end (self);
  page = keep_page (self, 0, first->rows, g_steal_pointer (&first->next));
  tell_count (self, old_n_items);
  refresh_rows (self, page, old_first);
}

/* Any other reload: the rows after the unchanged first ones are new. */
static void
replace_all (AfdQueueModel *self,
             Read          *first,
             GError        *error)
{
  guint old_n_items = self->n_items;
  guint same = 0;

  if (first != NULL)
    same = MIN (keep_unchanged_rows (self, first->rows), MIN (old_n_items, first->count));
  g_hash_table_remove_all (self->pages);
  g_hash_table_remove_all (self->stale);
  g_hash_table_remove_all (self->placeheld);
  g_hash_table_remove_all (self->placeholders);
  g_hash_table_remove_all (self->retold);
  g_array_set_size (self->let_go, 0);
  /* Told below with every row after the unchanged ones. */
  g_array_set_size (self->untold, 0);
  g_clear_handle_id (&self->tell_source, g_source_remove);
  reset_starts (self);
  if (first == NULL)
    {
      remember_error (self, error);
      self->n_items = 0;
    }
  else
    {
      self->n_items = (guint) MIN (first->count, G_MAXUINT);
      keep_page (self, 0, first->rows, g_steal_pointer (&first->next));
    }
  if (old_n_items != same || self->n_items != same)
    g_list_model_items_changed (G_LIST_MODEL (self), same, old_n_items - same,
                                self->n_items - same);
}

static void
first_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Read) first = af_store_thread_run_finish (AF_STORE_THREAD (source), result, &error);
  AfdQueueModel *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_QUEUE_MODEL (user_data);
  self->counting = FALSE;
  if (first != NULL && self->n_items > 0 && first->count > 0)
    refresh_in_place (self, first);
  else
    replace_all (self, first, g_steal_pointer (&error));
  g_signal_emit (self, signals[LOADED], 0);
  load_next (self);
}

/* Cancels the loads of the last count, then counts again on the store's thread. */
static void
start_loading (AfdQueueModel *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->counting = TRUE;
  self->loading = NONE;
  self->wanted = NONE;
  cancel_locating (self);
  g_clear_error (&self->error);
  queue_read (self, NULL, TRUE, 0, first_read_cb);
}

AfdQueueModel *
afd_queue_model_new (AfStoreThread *thread,
                     const AfQuery *query)
{
  AfdQueueModel *self;

  g_return_val_if_fail (AF_IS_STORE_THREAD (thread), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  self = g_object_new (AFD_TYPE_QUEUE_MODEL, NULL);
  self->thread = g_object_ref (thread);
  query_copy_into (&self->query, query);
  start_loading (self);
  return self;
}

void
afd_queue_model_reload (AfdQueueModel *self)
{
  g_return_if_fail (AFD_IS_QUEUE_MODEL (self));

  /* The rows shown stay until the new count and first page replace them at once. */
  start_loading (self);
}

void
afd_queue_model_cancel (AfdQueueModel *self)
{
  g_return_if_fail (AFD_IS_QUEUE_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  self->counting = FALSE;
  self->loading = NONE;
  self->wanted = NONE;
  cancel_locating (self);
}

gboolean
afd_queue_model_is_counting (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), FALSE);
  return self->counting;
}

gboolean
afd_queue_model_is_loading (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), FALSE);
  return self->counting || self->loading != NONE || self->untold->len > 0;
}

const GError *
afd_queue_model_get_error (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), NULL);
  return self->error;
}

/* @page's row of @item_id in [@first, @end), or G_MAXUINT. */
static guint
find_in_page (Page       *page,
              const char *item_id,
              guint       first,
              guint       end)
{
  guint page_first = page->index * AFD_QUEUE_MODEL_PAGE_SIZE;
  guint low = MAX (first, page_first);
  guint high = MIN (end, page_first + page->rows->len);

  for (guint position = low; position < high; position++)
    if (g_strcmp0 (afd_queue_row_get_item_id (g_ptr_array_index (page->rows,
                                                                 position - page_first)),
                   item_id) == 0)
      return position;
  return G_MAXUINT;
}

/* @item_id's row in [@first, @end) among the pages of @table (those also in @skip
 * passed over), or G_MAXUINT. */
static guint
find_in_pages (GHashTable *table,
               GHashTable *skip,
               const char *item_id,
               guint       first,
               guint       end)
{
  GHashTableIter iter;
  Page *page;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &page))
    {
      guint found;

      if (skip != NULL && g_hash_table_contains (skip, GUINT_TO_POINTER (page->index)))
        continue;
      found = find_in_page (page, item_id, first, end);
      if (found != G_MAXUINT)
        return found;
    }
  return G_MAXUINT;
}

/* Only the pages held (a few), never every position told: a reload that replaces all
 * rows tells the list of up to the whole queue at once. */
guint
afd_queue_model_find_held (AfdQueueModel *self,
                           const char    *item_id,
                           guint          first,
                           guint          n)
{
  guint end;
  guint found;

  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), G_MAXUINT);

  if (item_id == NULL || first >= self->n_items)
    return G_MAXUINT;
  end = first + MIN (n, self->n_items - first);
  found = find_in_pages (self->pages, NULL, item_id, first, end);
  /* A stale page's rows are what get_item() gives until its page is read again. */
  if (found == G_MAXUINT)
    found = find_in_pages (self->stale, self->pages, item_id, first, end);
  return found;
}

guint
afd_queue_model_find_read (AfdQueueModel *self,
                           const char    *item_id)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), G_MAXUINT);

  if (item_id == NULL)
    return G_MAXUINT;
  return find_in_pages (self->pages, NULL, item_id, 0, self->n_items);
}

typedef struct
{
  AfQuery  query;    /* its strings are owned */
  char    *item_id;
} LocateArgs;

static void
locate_args_free (gpointer data)
{
  LocateArgs *args = data;

  free_query_strings (&args->query);
  g_free (args->item_id);
  g_free (args);
}

static gpointer
locate_job (AfStore  *store,      /* runs on the store's thread */
            gpointer  data,
            GError  **error)
{
  LocateArgs *args = data;
  g_autoptr(GError) local_error = NULL;
  gint64 position = af_store_query_position (store, &args->query, args->item_id, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_memdup2 (&position, sizeof position);
}

/* The position arrived: its page is read (by keyset, as a list's), unless held. */
static void
located_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *position = af_store_thread_run_finish (AF_STORE_THREAD (source), result,
                                                            &error);
  AfdQueueModel *self = g_task_get_source_object (task);

  if (position == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (*position < 0 || *position >= self->n_items)
    {
      g_task_return_int (task, G_MAXUINT);
      return;
    }
  if (g_hash_table_contains (self->pages,
                             GUINT_TO_POINTER (*position / AFD_QUEUE_MODEL_PAGE_SIZE)))
    {
      g_task_return_int (task, *position);
      return;
    }
  cancel_locating (self);
  self->locating = g_steal_pointer (&task);
  self->located = (guint) *position;
  load_next (self);
}

void
afd_queue_model_locate_async (AfdQueueModel       *self,
                              const char          *item_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  LocateArgs *args;

  g_return_if_fail (AFD_IS_QUEUE_MODEL (self));
  g_return_if_fail (item_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, afd_queue_model_locate_async);
  args = g_new0 (LocateArgs, 1);
  query_copy_into (&args->query, &self->query);
  args->item_id = g_strdup (item_id);
  /* The model's cancellable: a reload cancels it, the position found being the last
   * count's. */
  af_store_thread_run_async (self->thread, locate_job, args, locate_args_free, g_free,
                             self->cancellable, located_cb, task);
}

guint
afd_queue_model_locate_finish (AfdQueueModel  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  gssize position;

  g_return_val_if_fail (g_task_is_valid (result, self), G_MAXUINT);

  position = g_task_propagate_int (G_TASK (result), error);
  return position < 0 ? G_MAXUINT : (guint) position;
}

AfTable
afd_queue_model_get_table (AfdQueueModel *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_MODEL (self), AF_TABLE_AUDITS);
  return self->query.table;
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
