/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store-thread"

#include <string.h>

#include "af-store-async.h"
#include "af-store-thread-private.h"

/* The arguments of one call, copied: the caller's strings may be gone by the time the
 * job runs. Which fields a call uses is its own business. */
typedef struct
{
  AfTable       table;
  char         *id;
  char         *text[3];
  int           region[4];
  gboolean      has_region;
  AfResolution  resolution;
  AfQuery       query;       /* its strings point into @owned */
  AfStoreCursor *cursor;     /* (owned) (nullable) */
  GPtrArray    *owned;       /* (owned) (nullable) the query's strings */
} Args;

static void
args_free (gpointer data)
{
  Args *args = data;

  g_free (args->id);
  for (guint i = 0; i < G_N_ELEMENTS (args->text); i++)
    g_free (args->text[i]);
  g_clear_pointer (&args->owned, g_ptr_array_unref);
  af_store_cursor_free (args->cursor);
  g_free (args);
}

static Args *
args_new (const char *id,
          const char *text0,
          const char *text1,
          const char *text2)
{
  Args *args = g_new0 (Args, 1);

  args->id = g_strdup (id);
  args->text[0] = g_strdup (text0);
  args->text[1] = g_strdup (text1);
  args->text[2] = g_strdup (text2);
  return args;
}

static const char *
keep (Args       *args,
      const char *text)
{
  char *copy = g_strdup (text);

  if (copy != NULL)
    g_ptr_array_add (args->owned, copy);
  return copy;
}

static Args *
args_new_query (const AfQuery *query)
{
  Args *args = args_new (NULL, NULL, NULL, NULL);

  args->owned = g_ptr_array_new_with_free_func (g_free);
  args->query = *query;
  args->query.status = keep (args, query->status);
  args->query.loan_id = keep (args, query->loan_id);
  args->query.user_id = keep (args, query->user_id);
  args->query.verdict = keep (args, query->verdict);
  args->query.search = keep (args, query->search);
  return args;
}

/* A boolean call's result: non-NULL for success, NULL (with the error set) for failure. */
static gpointer
done (gboolean ok)
{
  return GINT_TO_POINTER (ok);
}

static gpointer
count_result (gint64 n)
{
  return n < 0 ? NULL : g_memdup2 (&n, sizeof n);
}

static void
queue_read (AfStoreThread       *self,
            gpointer             tag,
            AfStoreJobFunc       func,
            Args                *args,
            GDestroyNotify       result_free,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));
  af_store_thread_queue (self, tag, AF_STORE_JOB_READ, func, args, args_free, result_free,
                         cancellable, callback, user_data);
}

static void
queue_edit (AfStoreThread       *self,
            gpointer             tag,
            AfStoreJobFunc       func,
            Args                *args,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_return_if_fail (AF_IS_STORE_THREAD (self));
  af_store_thread_queue (self, tag, AF_STORE_JOB_WRITE, func, args, args_free, NULL,
                         cancellable, callback, user_data);
}

/* ---- Items -------------------------------------------------------------------------- */

static gpointer
get_item_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return af_store_get_item (store, args->table, args->id, error);
}

void
af_store_thread_get_item_async (AfStoreThread       *self,
                                AfTable              table,
                                const char          *id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Args *args = args_new (id, NULL, NULL, NULL);

  args->table = table;
  queue_read (self, af_store_thread_get_item_async, get_item_job, args,
              (GDestroyNotify) af_value_unref, cancellable, callback, user_data);
}

AfValue *
af_store_thread_get_item_finish (AfStoreThread  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  return af_store_thread_finish_tagged (self, result, af_store_thread_get_item_async, error);
}

typedef struct
{
  AfValue *item;   /* (owned) */
  AfTable  table;
} Found;

static void
found_free (gpointer data)
{
  Found *found = data;

  af_value_unref (found->item);
  g_free (found);
}

static gpointer
find_item_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;
  AfTable table = AF_TABLE_AUDITS;
  AfValue *item = af_store_find_item (store, args->id, &table, error);
  Found *found;

  if (item == NULL)
    return NULL;
  found = g_new0 (Found, 1);
  found->item = item;
  found->table = table;
  return found;
}

void
af_store_thread_find_item_async (AfStoreThread       *self,
                                 const char          *id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  queue_read (self, af_store_thread_find_item_async, find_item_job,
              args_new (id, NULL, NULL, NULL), found_free, cancellable, callback, user_data);
}

AfValue *
af_store_thread_find_item_finish (AfStoreThread  *self,
                                  GAsyncResult   *result,
                                  AfTable        *out_table,
                                  GError        **error)
{
  Found *found = af_store_thread_finish_tagged (self, result, af_store_thread_find_item_async,
                                                error);
  AfValue *item;

  if (found == NULL)
    return NULL;
  if (out_table != NULL)
    *out_table = found->table;
  item = g_steal_pointer (&found->item);
  g_free (found);
  return item;
}

static gpointer
user_by_email_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return af_store_user_by_email (store, args->id, error);
}

void
af_store_thread_user_by_email_async (AfStoreThread       *self,
                                     const char          *email,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  queue_read (self, af_store_thread_user_by_email_async, user_by_email_job,
              args_new (email, NULL, NULL, NULL), (GDestroyNotify) af_value_unref,
              cancellable, callback, user_data);
}

AfValue *
af_store_thread_user_by_email_finish (AfStoreThread  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return af_store_thread_finish_tagged (self, result, af_store_thread_user_by_email_async,
                                        error);
}

/* ---- Lists and counts ----------------------------------------------------------------- */

static gpointer
audit_history_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_audit_history (store, ((Args *) data)->id, error);
}

static gpointer
documents_for_loan_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_documents_for_loan (store, ((Args *) data)->id, error);
}

static gpointer
query_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_query (store, &((Args *) data)->query, error);
}

static gpointer
conflict_list_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_conflict_list (store, error);
}

static gpointer
outbox_list_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_outbox_list (store, error);
}

/* Every list call shares one tag: af_store_thread_list_finish() takes any of them. */
static void
queue_list (AfStoreThread       *self,
            AfStoreJobFunc       func,
            Args                *args,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  queue_read (self, af_store_thread_list_finish, func, args,
              (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

void
af_store_thread_audit_history_async (AfStoreThread       *self,
                                     const char          *loan_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  queue_list (self, audit_history_job, args_new (loan_id, NULL, NULL, NULL), cancellable,
              callback, user_data);
}

void
af_store_thread_documents_for_loan_async (AfStoreThread       *self,
                                          const char          *loan_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  queue_list (self, documents_for_loan_job, args_new (loan_id, NULL, NULL, NULL), cancellable,
              callback, user_data);
}

void
af_store_thread_query_async (AfStoreThread       *self,
                             const AfQuery       *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  queue_list (self, query_job, args_new_query (query), cancellable, callback, user_data);
}

void
af_store_thread_conflict_list_async (AfStoreThread       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  queue_list (self, conflict_list_job, args_new (NULL, NULL, NULL, NULL), cancellable,
              callback, user_data);
}

void
af_store_thread_outbox_list_async (AfStoreThread       *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  queue_list (self, outbox_list_job, args_new (NULL, NULL, NULL, NULL), cancellable,
              callback, user_data);
}

GPtrArray *
af_store_thread_list_finish (AfStoreThread  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return af_store_thread_finish_tagged (self, result, af_store_thread_list_finish, error);
}

/* A page travels with the cursor after it. */
typedef struct
{
  GPtrArray     *rows;
  AfStoreCursor *next;
} Page;

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->rows);
  af_store_cursor_free (page->next);
  g_free (page);
}

static gpointer
query_page_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;
  AfStoreCursor *next = NULL;
  GPtrArray *rows = af_store_query_page (store, &args->query, args->cursor, &next, error);
  Page *page;

  if (rows == NULL)
    return NULL;
  page = g_new0 (Page, 1);
  page->rows = rows;
  page->next = next;
  return page;
}

void
af_store_thread_query_page_async (AfStoreThread       *self,
                                  const AfQuery       *query,
                                  const AfStoreCursor *after,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  Args *args = args_new_query (query);

  args->cursor = af_store_cursor_copy (after);
  queue_read (self, af_store_thread_query_page_finish, query_page_job, args, page_free,
              cancellable, callback, user_data);
}

GPtrArray *
af_store_thread_query_page_finish (AfStoreThread   *self,
                                   GAsyncResult    *result,
                                   AfStoreCursor  **out_next,
                                   GError         **error)
{
  Page *page = af_store_thread_finish_tagged (self, result, af_store_thread_query_page_finish,
                                              error);
  GPtrArray *rows;

  if (out_next != NULL)
    *out_next = NULL;
  if (page == NULL)
    return NULL;
  rows = g_steal_pointer (&page->rows);
  if (out_next != NULL)
    *out_next = g_steal_pointer (&page->next);
  af_store_cursor_free (page->next);
  g_free (page);
  return rows;
}

static gpointer
count_job (AfStore *store, gpointer data, GError **error)
{
  return count_result (af_store_count (store, &((Args *) data)->query, error));
}

static gpointer
outbox_length_job (AfStore *store, gpointer data, GError **error)
{
  return count_result (af_store_outbox_length (store, error));
}

void
af_store_thread_count_async (AfStoreThread       *self,
                             const AfQuery       *query,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  queue_read (self, af_store_thread_count_finish, count_job, args_new_query (query), g_free,
              cancellable, callback, user_data);
}

void
af_store_thread_outbox_length_async (AfStoreThread       *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  queue_read (self, af_store_thread_count_finish, outbox_length_job,
              args_new (NULL, NULL, NULL, NULL), g_free, cancellable, callback, user_data);
}

gint64
af_store_thread_count_finish (AfStoreThread  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_autofree gint64 *n = af_store_thread_finish_tagged (self, result,
                                                        af_store_thread_count_finish, error);

  return n != NULL ? *n : -1;
}

/* ---- Conflicts and state ---------------------------------------------------------------- */

static gpointer
conflict_get_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_conflict_get (store, ((Args *) data)->id, error);
}

void
af_store_thread_conflict_get_async (AfStoreThread       *self,
                                    const char          *item_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  queue_read (self, af_store_thread_conflict_get_async, conflict_get_job,
              args_new (item_id, NULL, NULL, NULL), (GDestroyNotify) af_conflict_free,
              cancellable, callback, user_data);
}

AfConflict *
af_store_thread_conflict_get_finish (AfStoreThread  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return af_store_thread_finish_tagged (self, result, af_store_thread_conflict_get_async, error);
}

static gpointer
get_state_job (AfStore *store, gpointer data, GError **error)
{
  return af_store_get_state (store, ((Args *) data)->id, error);
}

void
af_store_thread_get_state_async (AfStoreThread       *self,
                                 const char          *key,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  queue_read (self, af_store_thread_get_state_async, get_state_job,
              args_new (key, NULL, NULL, NULL), g_free, cancellable, callback, user_data);
}

char *
af_store_thread_get_state_finish (AfStoreThread  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return af_store_thread_finish_tagged (self, result, af_store_thread_get_state_async, error);
}

/* ---- Edits ------------------------------------------------------------------------------ */

static gpointer
set_state_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_set_state (store, args->id, args->text[0], error));
}

void
af_store_thread_set_state_async (AfStoreThread       *self,
                                 const char          *key,
                                 const char          *value,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  queue_edit (self, af_store_thread_set_state_async, set_state_job,
              args_new (key, value, NULL, NULL), cancellable, callback, user_data);
}

static gpointer
set_review_notes_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_set_review_notes (store, args->id, args->text[0], error));
}

void
af_store_thread_set_review_notes_async (AfStoreThread       *self,
                                        const char          *audit_record_id,
                                        const char          *text,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  queue_edit (self, af_store_thread_set_review_notes_async, set_review_notes_job,
              args_new (audit_record_id, text, NULL, NULL), cancellable, callback, user_data);
}

static gpointer
mark_reviewed_job (AfStore *store, gpointer data, GError **error)
{
  return done (af_store_mark_reviewed (store, ((Args *) data)->id, error));
}

void
af_store_thread_mark_reviewed_async (AfStoreThread       *self,
                                     const char          *audit_record_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  queue_edit (self, af_store_thread_mark_reviewed_async, mark_reviewed_job,
              args_new (audit_record_id, NULL, NULL, NULL), cancellable, callback, user_data);
}

static gpointer
add_correction_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_add_correction (store, args->id, args->text[0], args->text[1],
                                        args->text[2], error));
}

void
af_store_thread_add_correction_async (AfStoreThread       *self,
                                      const char          *document_id,
                                      const char          *field,
                                      const char          *value,
                                      const char          *note,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  queue_edit (self, af_store_thread_add_correction_async, add_correction_job,
              args_new (document_id, field, value, note), cancellable, callback, user_data);
}

static gpointer
set_appraisal_note_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_set_appraisal_note (store, args->id, args->text[0], error));
}

void
af_store_thread_set_appraisal_note_async (AfStoreThread       *self,
                                          const char          *request_id,
                                          const char          *text,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  queue_edit (self, af_store_thread_set_appraisal_note_async, set_appraisal_note_job,
              args_new (request_id, text, NULL, NULL), cancellable, callback, user_data);
}

static gpointer
set_verdict_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_set_verdict (store, args->id, args->text[0], error));
}

void
af_store_thread_set_verdict_async (AfStoreThread       *self,
                                   const char          *request_id,
                                   const char          *verdict,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  queue_edit (self, af_store_thread_set_verdict_async, set_verdict_job,
              args_new (request_id, verdict, NULL, NULL), cancellable, callback, user_data);
}

static gpointer
mark_finding_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_mark_finding (store, args->id, args->text[0],
                                      args->has_region ? args->region : NULL, args->text[1],
                                      args->text[2], error));
}

void
af_store_thread_mark_finding_async (AfStoreThread       *self,
                                    const char          *request_id,
                                    const char          *kind,
                                    const int           *region,
                                    const char          *status,
                                    const char          *comment,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  Args *args = args_new (request_id, kind, status, comment);

  args->has_region = region != NULL;
  if (region != NULL)
    memcpy (args->region, region, sizeof args->region);
  queue_edit (self, af_store_thread_mark_finding_async, mark_finding_job, args, cancellable,
              callback, user_data);
}

static gpointer
conflict_resolve_job (AfStore *store, gpointer data, GError **error)
{
  Args *args = data;

  return done (af_store_conflict_resolve (store, args->id, args->resolution, args->text[0],
                                          error));
}

void
af_store_thread_conflict_resolve_async (AfStoreThread       *self,
                                        const char          *item_id,
                                        AfResolution         resolution,
                                        const char          *text,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Args *args = args_new (item_id, text, NULL, NULL);

  args->resolution = resolution;
  queue_edit (self, af_store_thread_conflict_resolve_async, conflict_resolve_job, args,
              cancellable, callback, user_data);
}

gboolean
af_store_thread_edit_finish (AfStoreThread  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  /* Any edit's tag: they all deliver a boolean. */
  return af_store_thread_finish_tagged (self, result, NULL, error) != NULL;
}
