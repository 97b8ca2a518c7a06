/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-serializer.c — preparing a large batch's rows on the other cores.
 *
 * The thread that holds the transaction is what limits an import: everything it does
 * besides SQLite's insert makes the import slower. So a pull's rows — the canonical
 * DynamoDB JSON of each item and the texts of its indexed columns — are prepared by
 * worker threads (item i by worker i mod n), a little ahead of the inserts, which take
 * them in order on the calling thread. The items are only read meanwhile (AfValue is
 * reference counted atomically).
 */
#define G_LOG_DOMAIN "af-store"

#include "af-codec.h"
#include "af-pii.h"
#include "af-store-private.h"

/* ---- Items to rows ------------------------------------------------------------------ */

/* The indexed columns of each table and the attribute each one is read from.
 *
 * Reading is tolerant: an attribute of the wrong type (risk_score as S, say) leaves
 * its column NULL and the item is stored all the same, whole, so nothing is lost;
 * the item then simply does not appear in the queries that filter on that column.
 * af_store_check_item() names such attributes for whoever wants to report them. */
static const AfStoreColumn columns[AF_N_TABLES][AF_STORE_MAX_COLUMNS] = {
  [AF_TABLE_DOCUMENTS] = {
    { "document_id", "document_id", AF_STORE_COLUMN_TEXT },
    { "loan_application_id", "loan_application_id", AF_STORE_COLUMN_TEXT },
    { "upload_timestamp", "upload_timestamp", AF_STORE_COLUMN_TEXT },
    { "processing_status", "processing_status", AF_STORE_COLUMN_TEXT },
    { "file_name", "file_name", AF_STORE_COLUMN_TEXT },
    { "expires_at", "ttl", AF_STORE_COLUMN_INT },
  },
  [AF_TABLE_AUDITS] = {
    { "audit_record_id", "audit_record_id", AF_STORE_COLUMN_TEXT },
    { "loan_application_id", "loan_application_id", AF_STORE_COLUMN_TEXT },
    { "audit_timestamp", "audit_timestamp", AF_STORE_COLUMN_TEXT },
    { "status", "status", AF_STORE_COLUMN_TEXT },
    { "risk_score", "risk_score", AF_STORE_COLUMN_REAL },
    { "applicant_name", "applicant_name", AF_STORE_COLUMN_TEXT },
    { "reviewed_by", "reviewed_by", AF_STORE_COLUMN_TEXT },
    { "expires_at", "ttl", AF_STORE_COLUMN_INT },
  },
  [AF_TABLE_ANALYSES] = {
    { "request_id", "request_id", AF_STORE_COLUMN_TEXT },
    { "created_at", "created_at", AF_STORE_COLUMN_INT },
    { "user_id", "user_id", AF_STORE_COLUMN_TEXT },
    { "status", "status", AF_STORE_COLUMN_TEXT },
    { "verdict", "verdict", AF_STORE_COLUMN_TEXT },
    { "filename", "filename", AF_STORE_COLUMN_TEXT },
    { "expires_at", "auto_delete_date", AF_STORE_COLUMN_INT },
  },
  [AF_TABLE_USERS] = {
    { "user_id", "user_id", AF_STORE_COLUMN_TEXT },
    { "email", "email", AF_STORE_COLUMN_TEXT },
  },
};

const AfStoreColumn *
af_store_columns (AfTable  table,
                  guint   *out_n)
{
  guint n = 0;

  while (n < AF_STORE_MAX_COLUMNS && columns[table][n].column != NULL)
    n++;
  *out_n = n;
  return columns[table];
}

static const char *
column_text (const AfStoreColumn *column,
             const AfValue       *item)
{
  if (column->kind == AF_STORE_COLUMN_TEXT)
    return af_item_get_s (item, column->attribute);
  return af_item_get_n (item, column->attribute);
}

void
af_store_row_init (AfRow         *row,
                   AfTable        table,
                   const AfValue *item)
{
  guint n = 0;
  const AfStoreColumn *table_columns = af_store_columns (table, &n);

  for (guint i = 0; i < n; i++)
    row->columns[i] = column_text (&table_columns[i], item);
  /* Folded here, on the serializer's workers when there are some, not under the lock. */
  row->search_text = af_store_search_text (table, item);
}

/* ---- The workers ------------------------------------------------------------------- */

/* Below this a thread costs more than it saves. */
#define MIN_ITEMS_FOR_WORKERS 256
#define MAX_WORKERS 4
/* A worker announces its progress every this many items, not every item, so that
 * the lock is not what the two sides spend their time on. */
#define PUBLISH_EVERY 32

typedef struct
{
  AfSerializer *serializer;  /* borrowed */
  guint         first;       /* this worker writes first, first + n_workers, … */
  gint          done;        /* atomic, changed under the lock: how many of those are
                              * written (the atomics also tell ThreadSanitizer, which
                              * does not see GMutex's futex, that the texts are there) */
  GThread      *thread;      /* (owned) */
} Worker;

struct _AfSerializer
{
  GPtrArray *items;          /* (owned) */
  AfTable    table;          /* of every item, unless @tables */
  const AfTable *tables;     /* (nullable) borrowed: one per item */
  AfCacheKey *key;           /* (owned) (nullable) seals the personal values */
  AfRow     *rows;           /* (owned) one per item, their texts taken as they are */
  GMutex     lock;
  GCond      cond;
  gint       cancelled;      /* atomic */
  guint      n_workers;      /* 0: texts are written by af_serializer_take() */
  Worker     workers[MAX_WORKERS];
  gsize      size_hint;      /* without workers */
};

/* Like af_codec_item_to_string(), but the buffer starts at the size of the previous
 * text: the items of one pull are alike, and growing a GString from 1 KiB to 4 KiB
 * for each of them is a good part of the cost of writing them. */
static char *
item_to_string (const AfValue *item,
                gsize         *size_hint,
                gsize         *out_length)
{
  GString *out = g_string_sized_new (*size_hint);

  af_codec_write_item (out, item);
  *out_length = out->len;
  *size_hint = out->len + 64;
  return g_string_free (out, FALSE);
}

void
af_store_row_prepare (AfCacheKey    *key,
                      AfTable        table,
                      const AfValue *item,
                      gsize         *size_hint,
                      AfRow         *row)
{
  if (key != NULL)
    {
      g_autofree char *ad = af_store_item_ad (item);
      g_autoptr(AfValue) sealed = af_pii_seal (key, table, item, ad);

      row->text = item_to_string (sealed, size_hint, &row->length);
    }
  else
    row->text = item_to_string (item, size_hint, &row->length);
  af_store_row_init (row, table, item);
}

static void
replacements_clear (AfCodecReplacement *replacement)
{
  af_value_unref (replacement->replacement);
}

void
af_store_row_prepare_parsed (AfCacheKey    *key,
                             AfTable        table,
                             const AfValue *item,
                             gsize         *size_hint,
                             AfRow         *row)
{
  g_autoptr(GArray) sealed = g_array_sized_new (FALSE, FALSE, sizeof (AfCodecReplacement), 8);
  GString *out;

  g_array_set_clear_func (sealed, (GDestroyNotify) replacements_clear);
  if (key != NULL)
    {
      g_autofree char *ad = af_store_item_ad (item);

      af_pii_seal_leaves (key, table, item, ad, sealed);
    }
  out = g_string_sized_new (*size_hint);
  af_codec_write_item_replacing (out, item, (const AfCodecReplacement *) (gpointer) sealed->data,
                                 sealed->len);
  row->length = out->len;
  *size_hint = out->len + 64;
  row->text = g_string_free (out, FALSE);
  af_store_row_init (row, table, item);
}

void
af_store_row_clear (AfRow *row)
{
  g_clear_pointer (&row->text, g_free);
  g_clear_pointer (&row->search_text, g_free);
}

static void
prepare_row (AfSerializer *self,
             guint         index,
             gsize        *size_hint)
{
  AfTable table = self->tables != NULL ? self->tables[index] : self->table;

  af_store_row_prepare (self->key, table, g_ptr_array_index (self->items, index), size_hint,
                        &self->rows[index]);
}

static void
publish (Worker *worker,
         gint    done)
{
  AfSerializer *self = worker->serializer;

  g_mutex_lock (&self->lock);
  g_atomic_int_set (&worker->done, done);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  AfSerializer *self = worker->serializer;
  guint n = self->items->len;
  gsize size_hint = 1024;
  gint done = 0;

  for (guint i = worker->first; i < n && !g_atomic_int_get (&self->cancelled); i += self->n_workers)
    {
      prepare_row (self, i, &size_hint);
      done++;
      if (done % PUBLISH_EVERY == 0 || i + self->n_workers >= n)
        publish (worker, done);
    }
  return NULL;
}

AfSerializer *
af_serializer_new (GPtrArray     *items,
                   AfTable        table,
                   const AfTable *tables,
                   AfCacheKey    *key)
{
  AfSerializer *self = g_new0 (AfSerializer, 1);

  self->key = key != NULL ? af_cache_key_ref (key) : NULL;
  self->items = g_ptr_array_ref (items);
  self->table = table;
  self->tables = tables;
  self->rows = g_new0 (AfRow, MAX (items->len, 1));
  self->size_hint = 1024;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  /* The inserting thread keeps a core of its own: preparing a row costs about half of
   * inserting it, so on two cores one worker keeps ahead, and a second one only
   * competes with the inserts for the CPU (measured: ~10 % slower). */
  if (items->len >= MIN_ITEMS_FOR_WORKERS)
    self->n_workers = CLAMP (g_get_num_processors () - 1, 1, MAX_WORKERS);

  for (guint w = 0; w < self->n_workers; w++)
    {
      self->workers[w].serializer = self;
      self->workers[w].first = w;
      self->workers[w].thread = g_thread_new ("af-store-write", worker_thread, &self->workers[w]);
    }
  return self;
}

static void
wait_for_row (AfSerializer *self,
              guint         index)
{
  Worker *worker = &self->workers[index % self->n_workers];

  g_mutex_lock (&self->lock);
  while ((guint) g_atomic_int_get (&worker->done) <= index / self->n_workers)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

void
af_serializer_take (AfSerializer *self,
                    guint         index,
                    AfRow        *out_row)
{
  g_return_if_fail (index < self->items->len);

  if (self->n_workers == 0)
    prepare_row (self, index, &self->size_hint);
  else
    wait_for_row (self, index);
  *out_row = self->rows[index];
  self->rows[index].text = NULL;
  self->rows[index].search_text = NULL;
}

void
af_serializer_free (AfSerializer *self)
{
  if (self == NULL)
    return;

  g_atomic_int_set (&self->cancelled, TRUE);
  for (guint w = 0; w < self->n_workers; w++)
    g_thread_join (self->workers[w].thread);
  for (guint i = 0; i < self->items->len; i++)
    af_store_row_clear (&self->rows[i]);
  g_free (self->rows);
  g_ptr_array_unref (self->items);
  af_cache_key_unref (self->key);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
