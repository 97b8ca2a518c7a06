/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The queue model serves 100,000 audits without holding them all: its count comes from
 * the cache, rows are read in pages, and only a few pages stay in memory. Every read
 * runs on the store's thread: the SQL guard is armed FATAL while the tests wait for
 * pages on the main context, so one statement there would abort the test.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "af-store.h"
#include "af-store-guard.h"
#include "af-store-thread.h"
#include "afd-queue.h"
#include "afd-queue-model.h"
#include "afd-queue-row.h"

#define N_AUDITS 100000

typedef struct
{
  char          *dir;
  AfStoreThread *thread;
} Fixture;

/* Runs the main context until @model has nothing on its way. */
static void
wait_loaded (AfdQueueModel *model)
{
  while (afd_queue_model_is_loading (model))
    g_main_context_iteration (NULL, TRUE);
}

/* The row at @position once its page has arrived: the model first hands out a
 * placeholder (no item id) and asks the store's thread for the page. */
static AfdQueueRow *
get_row (AfdQueueModel *model,
         guint          position)
{
  AfdQueueRow *row = g_list_model_get_item (G_LIST_MODEL (model), position);

  if (row == NULL || afd_queue_row_get_item_id (row) != NULL)
    return row;
  g_object_unref (row);
  wait_loaded (model);
  return g_list_model_get_item (G_LIST_MODEL (model), position);
}

static AfdQueueModel *
model_new_loaded (AfStoreThread *thread,
                  const AfQuery *query)
{
  AfdQueueModel *model = afd_queue_model_new (thread, query);

  /* Nothing is read on the caller's thread: the model is empty until "loaded". */
  g_assert_true (afd_queue_model_is_counting (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  wait_loaded (model);
  g_assert_false (afd_queue_model_is_counting (model));
  return model;
}

static AfStoreThread *
thread_new (AfStore *store)
{
  /* From here on, SQL on the main thread while it runs the main context is fatal. */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);
  return af_store_thread_new (store);
}

static AfValue *
audit_new (guint i)
{
  AfValue *item = af_value_new_map ();
  g_autofree char *id = g_strdup_printf ("audit-%06u", i);
  g_autofree char *loan = g_strdup_printf ("LOAN-2024-%06u", i);
  g_autofree char *name = g_strdup_printf ("Applicant %u", i);
  g_autofree char *when = g_strdup_printf ("2024-11-%02uT10:%02u:%02u.000Z", 1 + i % 28,
                                          (i / 60) % 60, i % 60);

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "applicant_name", af_value_new_s (name));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when));
  af_value_map_set (item, "status", af_value_new_s (i % 10 == 0 ? "IN_PROGRESS" : "COMPLETED"));
  /* Scores 0..100 spread over the items, so that the order is not the insertion order. */
  af_value_map_set (item, "risk_score", af_value_new_n_int ((i * 7919) % 101));
  return item;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *path = NULL;
  AfStore *store;

  fixture->dir = g_dir_make_tmp ("afd-queue-model-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cache.db", NULL);
  store = af_store_open (path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_AUDITS; i++)
    g_ptr_array_add (items, audit_new (i));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);
  fixture->thread = thread_new (g_steal_pointer (&store));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = g_strdup (af_store_thread_get_path (fixture->thread));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  af_store_thread_close (fixture->thread);
  g_clear_object (&fixture->thread);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, 0);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* A row made from the item OFFSET @position gives (read on @reader, a connection of the
 * test's). */
static AfdQueueRow *
row_made_at (AfStore *reader,
             guint    position)
{
  AfQuery one = { .table = AF_TABLE_AUDITS, .offset = position, .limit = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = af_store_query (reader, &one, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 1);
  return afd_queue_row_new_for_item (AF_TABLE_AUDITS, g_ptr_array_index (expected, 0));
}

/* @row is the one OFFSET @position gives. */
static void
assert_row_is_at (AfStore     *reader,
                  AfdQueueRow *row,
                  guint        position)
{
  g_autoptr(AfdQueueRow) made = row_made_at (reader, position);

  g_assert_nonnull (row);
  g_assert_cmpstr (afd_queue_row_get_item_id (row), ==, afd_queue_row_get_item_id (made));
}

/* @row shows all that a row made from the item OFFSET @position gives shows. */
static void
assert_row_shows_item_at (AfStore     *reader,
                          AfdQueueRow *row,
                          guint        position)
{
  g_autoptr(AfdQueueRow) made = row_made_at (reader, position);

  g_assert_cmpstr (afd_queue_row_get_title (row), ==, afd_queue_row_get_title (made));
  g_assert_cmpstr (afd_queue_row_get_subtitle (row), ==, afd_queue_row_get_subtitle (made));
  g_assert_cmpstr (afd_queue_row_get_badge (row), ==, afd_queue_row_get_badge (made));
  g_assert_true (afd_queue_row_equal (row, made));
}

static void
test_all_audits_bounded (Fixture       *fixture,
                         gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);

  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_AUDITS);
  /* The count comes with the first page only. */
  g_assert_cmpuint (afd_queue_model_get_n_loaded (model), ==, AFD_QUEUE_MODEL_PAGE_SIZE);

  for (guint i = 0; i < 500; i++)
    {
      guint position = g_rand_int_range (rand, 0, N_AUDITS);
      g_autoptr(AfdQueueRow) row = get_row (model, position);

      /* The keyset pages hold the rows OFFSET would give, at the same positions. */
      assert_row_is_at (reader, row, position);
      g_assert_cmpuint (afd_queue_model_get_n_loaded (model), <=,
                        AFD_QUEUE_MODEL_MAX_PAGES * AFD_QUEUE_MODEL_PAGE_SIZE);
    }
  g_assert_null (g_list_model_get_item (list, N_AUDITS));
  g_test_message ("pages read: %u, rows held: %u", afd_queue_model_get_pages_read (model),
                  afd_queue_model_get_n_loaded (model));
}

static void
test_high_risk_order (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AfdQueueModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = NULL;
  AfQuery query;
  gint64 expected;
  guint n;

  afd_queue_build_query (AFD_QUEUE_HIGH_RISK, 50, NULL, &query);
  reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  g_assert_no_error (error);
  expected = af_store_count (reader, &query, &error);
  g_assert_no_error (error);
  model = model_new_loaded (fixture->thread, &query);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpint (n, ==, expected);
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <, N_AUDITS);

  /* The riskiest first: a score of 100 heads the queue, and the tail is above 50. */
  {
    g_autoptr(AfdQueueRow) head = get_row (model, 0);
    g_autoptr(AfdQueueRow) tail = get_row (model, n - 1);

    g_assert_cmpstr (afd_queue_row_get_badge (head), ==, "CRITICAL 100");
    g_assert_cmpstr (afd_queue_row_get_badge (tail), ==, "HIGH 51");
  }
  g_assert_cmpuint (afd_queue_model_get_n_loaded (model), <=,
                    AFD_QUEUE_MODEL_MAX_PAGES * AFD_QUEUE_MODEL_PAGE_SIZE);
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  AfQuery query;
  g_autoptr(AfdQueueModel) model = NULL;
  g_autoptr(AfdQueueRow) row = NULL;

  afd_queue_build_query (AFD_QUEUE_REVIEWED, 50, NULL, &query);
  query.reviewed = AF_REVIEWED_ANY;
  query.search = "LOAN-2024-012345";
  model = model_new_loaded (fixture->thread, &query);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  row = get_row (model, 0);
  g_assert_cmpstr (afd_queue_row_get_title (row), ==, "Applicant 12345");
  g_assert_cmpstr (afd_queue_row_get_item_id (row), ==, "audit-012345");
}

/* A test's own cache, its WAL and the folder, gone. */
static void
remove_cache (const char *dir,
              const char *path)
{
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strconcat (path, (const char *[]) { "", "-wal", "-shm" }[i], NULL);

      g_unlink (file);
    }
  g_rmdir (dir);
}

static AfValue *
small_audit (const char *id,
             const char *when,
             int         risk,
             const char *reviewed_by)
{
  AfValue *item = af_value_new_map ();

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "applicant_name", af_value_new_s (id));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when));
  af_value_map_set (item, "status", af_value_new_s ("COMPLETED"));
  af_value_map_set (item, "risk_score", af_value_new_n_int (risk));
  if (reviewed_by != NULL)
    af_value_map_set (item, "reviewed_by", af_value_new_s (reviewed_by));
  return item;
}

/* The rows of @queue: their ids, and "+" after each reviewed one. */
static char *
queue_rows (AfStoreThread *thread,
            AfdQueue       queue)
{
  g_autoptr(AfdQueueModel) model = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  AfQuery query;

  afd_queue_build_query (queue, 50, NULL, &query);
  model = model_new_loaded (thread, &query);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr(AfdQueueRow) row = get_row (model, i);

      g_string_append_printf (out, "%s%s ", afd_queue_row_get_item_id (row),
                              afd_queue_row_get_reviewed (row) ? "+" : "");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* All Loans: every audit newest first, beside High Risk; a reviewed audit says so in
 * every queue it is in (issue 16 item 5). */
static void
test_all_loans_reviewed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-queue-model-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(AfStore) store = af_store_open (path, &error);
  g_autoptr(AfStoreThread) thread = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *all = NULL;
  g_autofree char *high = NULL;
  g_autofree char *reviewed = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (items, small_audit ("old-low", "2024-01-10T10:00:00.000Z", 10, "a@example.com"));
  g_ptr_array_add (items, small_audit ("new-high", "2024-03-10T10:00:00.000Z", 90, "b@example.com"));
  g_ptr_array_add (items, small_audit ("mid", "2024-02-10T10:00:00.000Z", 60, NULL));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);

  g_assert_cmpint (AFD_QUEUE_ALL_LOANS, ==, AFD_QUEUE_HIGH_RISK + 1);
  g_assert_cmpstr (afd_queue_get_id (AFD_QUEUE_ALL_LOANS), ==, "all-loans");
  thread = thread_new (g_steal_pointer (&store));
  all = queue_rows (thread, AFD_QUEUE_ALL_LOANS);
  high = queue_rows (thread, AFD_QUEUE_HIGH_RISK);
  reviewed = queue_rows (thread, AFD_QUEUE_REVIEWED);
  g_assert_cmpstr (all, ==, "new-high+ mid old-low+ ");
  g_assert_cmpstr (high, ==, "new-high+ mid ");
  g_assert_cmpstr (reviewed, ==, "new-high+ old-low+ ");

  af_store_thread_close (thread);
  g_clear_object (&thread);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, 0);
  remove_cache (dir, path);
}

static AfValue *
small_document (const char *id,
                const char *status)
{
  AfValue *item = af_value_new_map ();

  af_value_map_set (item, "document_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s ("LOAN-2024-000001"));
  af_value_map_set (item, "file_name", af_value_new_s (id));
  af_value_map_set (item, "upload_timestamp", af_value_new_s ("2024-03-10T10:00:00.000Z"));
  af_value_map_set (item, "processing_status", af_value_new_s (status));
  return item;
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gint64 *counts = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (afd_queue_count_all_finish (AF_STORE_THREAD (source), result, counts, &error));
  g_assert_no_error (error);
}

/* The Failed queue lists the documents whose processing failed after the failed audits,
 * and counts both (issue 16 item 7): a failed document made no audit, and the queue
 * said "No Failed Audits" while it sat there. */
static void
test_failed_documents (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-queue-model-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(AfStore) store = af_store_open (path, &error);
  g_autoptr(AfStoreThread) thread = NULL;
  g_autoptr(GPtrArray) audits = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(AfdQueueModel) more = NULL;
  g_autoptr(AfdQueueRow) row = NULL;
  gint64 counts[AFD_N_QUEUES] = { 0 };
  AfQuery query;
  AfValue *failed;

  g_assert_no_error (error);
  failed = small_audit ("audit-failed", "2024-01-10T10:00:00.000Z", 10, NULL);
  af_value_map_set (failed, "status", af_value_new_s ("FAILED"));
  g_ptr_array_add (audits, failed);
  g_ptr_array_add (audits, small_audit ("audit-done", "2024-02-10T10:00:00.000Z", 90, NULL));
  g_ptr_array_add (documents, small_document ("doc-failed", "FAILED"));
  g_ptr_array_add (documents, small_document ("doc-pending", "PENDING"));
  g_ptr_array_add (documents, small_document ("doc-done", "COMPLETED"));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, audits, &error));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, documents, &error));
  g_assert_no_error (error);
  thread = thread_new (g_steal_pointer (&store));

  counts[AFD_QUEUE_FAILED] = -2;
  afd_queue_count_all_async (thread, 50, NULL, counted_cb, counts);
  while (counts[AFD_QUEUE_FAILED] == -2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (counts[AFD_QUEUE_FAILED], ==, 2);
  g_assert_cmpint (counts[AFD_QUEUE_PENDING_DOCUMENTS], ==, 1);

  /* The audits first, as before; then the documents, in the same list. */
  g_assert_cmpstr (queue_rows (thread, AFD_QUEUE_FAILED), ==, "audit-failed ");
  g_assert_true (afd_queue_build_more_query (AFD_QUEUE_FAILED, NULL, &query));
  more = model_new_loaded (thread, &query);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (more)), ==, 1);
  row = get_row (more, 0);
  g_assert_cmpstr (afd_queue_row_get_item_id (row), ==, "doc-failed");
  g_assert_cmpint (afd_queue_row_get_table (row), ==, AF_TABLE_DOCUMENTS);
  g_assert_false (afd_queue_build_more_query (AFD_QUEUE_HIGH_RISK, NULL, &query));
  g_assert_false (afd_queue_build_more_query (AFD_QUEUE_PENDING_DOCUMENTS, NULL, &query));

  g_clear_object (&more);
  af_store_thread_close (thread);
  g_clear_object (&thread);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, 0);
  remove_cache (dir, path);
}

/* A row far down is reached by walking past the pages before it on the store's thread
 * (50 at a time), not by one read each through the main thread; the row is the one
 * OFFSET gives. */
static void
test_far_row_walks_past (Fixture       *fixture,
                         gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  guint position = 400 * AFD_QUEUE_MODEL_PAGE_SIZE + 7;
  g_autoptr(AfdQueueRow) row = get_row (model, position);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  g_autoptr(AfdQueueRow) before = NULL;

  g_assert_no_error (error);
  /* The first page, then 400 pages walked past in reads of at most 50 + 1. */
  g_assert_cmpuint (afd_queue_model_get_pages_read (model), <=, 1 + 400 / 50 + 1);
  assert_row_is_at (reader, row, position);
  /* The pages walked past are known: one before it is read from its own start. */
  before = get_row (model, position - 3 * AFD_QUEUE_MODEL_PAGE_SIZE);
  assert_row_is_at (reader, before, position - 3 * AFD_QUEUE_MODEL_PAGE_SIZE);
}

typedef struct
{
  guint position, removed, added, emissions;
} Change;

static void
items_changed_cb (GListModel *list,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Change     *change)
{
  *change = (Change) { position, removed, added, change->emissions + 1 };
}

/* Reloads @model and waits for the count and first page. */
static void
reload (AfdQueueModel *model,
        Change        *change)
{
  *change = (Change) { 0 };
  afd_queue_model_reload (model);
  wait_loaded (model);
}

/* Gives the audit at @position (as OFFSET finds it) another applicant name. */
static void
rename_at (AfStore    *writer,
           guint       position,
           const char *name)
{
  AfQuery at = { .table = AF_TABLE_AUDITS, .offset = position, .limit = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = af_store_query (writer, &at, &error);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  g_assert_no_error (error);
  g_ptr_array_add (changed, af_value_copy (g_ptr_array_index (found, 0)));
  af_value_map_set (g_ptr_array_index (changed, 0), "applicant_name", af_value_new_s (name));
  g_assert_true (af_store_put_remote_items (writer, AF_TABLE_AUDITS, changed, &error));
  g_assert_no_error (error);
}

/* A reload (after a pull, a review, a note) that finds as many items keeps the rows that
 * did not change as the same objects, and the row of an item that changed where it was
 * takes its new texts in place: the list is told of nothing, and GTK's list view keeps
 * its row widgets (no binding and measuring ~200 again, no widget made for a row told). */
static void
test_reload_keeps_rows (Fixture       *fixture,
                        gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) writer = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  g_autoptr(AfdQueueRow) first = g_list_model_get_item (list, 0);
  g_autoptr(AfdQueueRow) fifth = g_list_model_get_item (list, 5);
  g_autoptr(AfdQueueRow) last_of_page = g_list_model_get_item (list, AFD_QUEUE_MODEL_PAGE_SIZE - 1);
  g_autoptr(AfdQueueRow) after = NULL;
  g_autoptr(AfdQueueRow) fifth_after = NULL;
  Change change = { 0 };

  g_assert_no_error (error);
  g_assert_nonnull (afd_queue_row_get_item_id (last_of_page));
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &change);

  /* Nothing changed: the rows stay, and the list is told of nothing. */
  reload (model, &change);
  g_assert_cmpuint (change.emissions, ==, 0);
  after = g_list_model_get_item (list, 0);
  g_assert_true (after == first);
  g_clear_object (&after);
  after = g_list_model_get_item (list, AFD_QUEUE_MODEL_PAGE_SIZE - 1);
  g_assert_true (after == last_of_page);
  g_clear_object (&after);

  /* The audit at position 5 gets another name: the row the list holds says it. */
  rename_at (writer, 5, "Renamed Applicant");
  reload (model, &change);
  g_assert_cmpuint (change.emissions, ==, 0);
  after = g_list_model_get_item (list, 0);
  g_assert_true (after == first);
  g_clear_object (&after);
  after = g_list_model_get_item (list, AFD_QUEUE_MODEL_PAGE_SIZE - 1);
  g_assert_true (after == last_of_page);
  fifth_after = g_list_model_get_item (list, 5);
  g_assert_true (fifth_after == fifth);
  g_assert_cmpstr (afd_queue_row_get_title (fifth), ==, "Renamed Applicant");
  assert_row_shows_item_at (writer, fifth, 5);
}

/* A list scrolled far down keeps showing its rows through a reload that finds as many
 * items (no "Loading…" placeholders, no ~200 rows bound again): the page is read again
 * on the store's thread and the row that changed takes its new texts in place. A reload that finds
 * another count moves the rows (see the reload-count-* tests for what the list is told). */
static void
test_reload_refreshes_far_page (Fixture       *fixture,
                                gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) writer = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  guint far = 3 * AFD_QUEUE_MODEL_PAGE_SIZE + 10;
  g_autoptr(AfdQueueRow) row = get_row (model, far);
  g_autoptr(AfdQueueRow) next = g_list_model_get_item (list, far + 1);
  g_autoptr(AfdQueueRow) during = NULL;
  g_autoptr(AfdQueueRow) after = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  Change change = { 0 };

  g_assert_no_error (error);
  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &change);
  rename_at (writer, far, "Renamed Far Applicant");

  afd_queue_model_reload (model);
  while (afd_queue_model_is_counting (model))
    g_main_context_iteration (NULL, TRUE);
  /* The count and first page are in; the far page is not read again yet: its rows,
   * stale, are still what the list gets. */
  during = g_list_model_get_item (list, far);
  g_assert_true (during == row);
  wait_loaded (model);
  g_assert_cmpuint (change.emissions, ==, 0);
  after = g_list_model_get_item (list, far);
  g_assert_true (after == row);
  g_assert_cmpstr (afd_queue_row_get_title (row), ==, "Renamed Far Applicant");
  g_clear_object (&after);
  after = g_list_model_get_item (list, far + 1);
  g_assert_true (after == next);
  g_clear_object (&after);

  /* One audit more, newer than all: every row moves, and the list is told so. */
  g_ptr_array_add (added, audit_new (N_AUDITS));
  af_value_map_set (g_ptr_array_index (added, 0), "audit_timestamp",
                    af_value_new_s ("2030-01-01T00:00:00.000Z"));
  g_assert_true (af_store_put_remote_items (writer, AF_TABLE_AUDITS, added, &error));
  g_assert_no_error (error);
  reload (model, &change);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, N_AUDITS + 1);
  g_clear_object (&after);
  after = get_row (model, far + 1);
  g_assert_cmpstr (afd_queue_row_get_title (after), ==, "Renamed Far Applicant");
}

typedef struct
{
  guint    largest;   /* the most rows told of at once */
  guint    watched;   /* a position */
  gboolean told;      /* whether a change covered it */
} Changes;

static void
changes_cb (GListModel *list,
            guint       position,
            guint       removed,
            guint       added,
            Changes    *changes)
{
  changes->largest = MAX (changes->largest, MAX (removed, added));
  changes->told |= position <= changes->watched && changes->watched < position + added;
}

/* A list's view of the model: the objects it was told of, at every position, and the
 * rows it holds (asked for) in [low, high), as GTK's list view holds the rows it shows. */
typedef struct
{
  AfdQueueModel *model;
  GPtrArray     *held;       /* of (nullable) AfdQueueRow, one per position */
  guint          low, high;
  guint          largest;    /* the most rows told of at once */
  guint          told;       /* rows told of (removed + added) since last reset */
} Mirror;

static void
unref_nullable (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
mirror_ask (Mirror *mirror,
            guint   position)
{
  if (position < mirror->low || position >= mirror->high || position >= mirror->held->len)
    return;
  unref_nullable (g_ptr_array_index (mirror->held, position));
  g_ptr_array_index (mirror->held, position) =
      g_list_model_get_item (G_LIST_MODEL (mirror->model), position);
}

static void
mirror_changed_cb (GListModel *list,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Mirror     *mirror)
{
  mirror->largest = MAX (mirror->largest, MAX (removed, added));
  mirror->told += removed + added;
  g_ptr_array_remove_range (mirror->held, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->held, position + i, NULL);
  for (guint i = 0; i < added; i++)
    mirror_ask (mirror, position + i);
}

static void
mirror_init (Mirror        *mirror,
             AfdQueueModel *model,
             guint          low,
             guint          high)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  *mirror = (Mirror) { model, g_ptr_array_new_full (n, unref_nullable), low, high, 0, 0 };
  g_ptr_array_set_size (mirror->held, n);
  for (guint i = low; i < high; i++)
    g_object_unref (get_row (model, i));
  for (guint i = low; i < high; i++)
    mirror_ask (mirror, i);
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_changed_cb), mirror);
}

static void
mirror_clear (Mirror *mirror)
{
  g_signal_handlers_disconnect_by_data (mirror->model, mirror);
  g_clear_pointer (&mirror->held, g_ptr_array_unref);
}

/* Once the model settled, the list holds in [low, high) the rows OFFSET finds there in
 * @query (@reader: the test's connection), none a placeholder, each the model's very
 * row where the model holds its page (a page read again far away may have dropped it:
 * the list still holds the rows it was told of). */
static void
mirror_assert_settled (Mirror        *mirror,
                       AfStore       *reader,
                       const AfQuery *query)
{
  g_assert_cmpuint (mirror->held->len, ==, g_list_model_get_n_items (G_LIST_MODEL (mirror->model)));
  for (guint i = mirror->low; i < mirror->high; i++)
    {
      g_autoptr(AfdQueueRow) row = g_list_model_get_item (G_LIST_MODEL (mirror->model), i);
      AfdQueueRow *held = g_ptr_array_index (mirror->held, i);
      AfQuery one = *query;
      g_autoptr(GPtrArray) expected = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (held);
      g_assert_true (afd_queue_row_get_item_id (row) == NULL || held == row);
      one.offset = i;
      one.limit = 1;
      expected = af_store_query (reader, &one, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (afd_queue_row_get_item_id (held), ==,
                       af_value_get_string (af_value_map_get (g_ptr_array_index (expected, 0),
                                                              "audit_record_id")));
    }
}

/* Reloads and returns how many rows the list was told of in the reload's own dispatch
 * (the count and first page arriving), then waits until all is told. */
static guint
reload_told_at_once (AfdQueueModel *model,
                     Mirror        *mirror)
{
  guint told;

  mirror->told = 0;
  mirror->largest = 0;
  afd_queue_model_reload (model);
  while (afd_queue_model_is_counting (model))
    g_main_context_iteration (NULL, TRUE);
  told = mirror->told;
  wait_loaded (model);
  return told;
}

static void
put_newest_audits (AfStore *writer,
                   guint    first,
                   guint    n)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *when = g_strdup_printf ("2030-01-01T00:00:%02u.000Z", i);

      g_ptr_array_add (added, audit_new (first + i));
      af_value_map_set (g_ptr_array_index (added, i), "audit_timestamp", af_value_new_s (when));
    }
  g_assert_true (af_store_put_remote_items (writer, AF_TABLE_AUDITS, added, &error));
  g_assert_no_error (error);
}

typedef struct
{
  gboolean  done;
  guint     position;
  GError   *error;
} Located;

static void
located_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Located *located = user_data;

  located->position = afd_queue_model_locate_finish (AFD_QUEUE_MODEL (source), result,
                                                     &located->error);
  located->done = TRUE;
}

static void
wait_located (Located *located)
{
  while (!located->done)
    g_main_context_iteration (NULL, TRUE);
}

/* Where @id is in @model's queue now; fails the test on an error. */
static guint
locate (AfdQueueModel *model,
        const char    *id)
{
  Located located = { FALSE };

  afd_queue_model_locate_async (model, id, NULL, located_cb, &located);
  wait_located (&located);
  g_assert_no_error (located.error);
  return located.position;
}

/* The audit at @position of @query (as OFFSET finds it), read on @reader. */
static char *
id_at (AfStore       *reader,
       const AfQuery *query,
       guint          position)
{
  AfQuery at = *query;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  at.offset = position;
  at.limit = 1;
  found = af_store_query (reader, &at, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  return g_strdup (af_item_get_s (g_ptr_array_index (found, 0), "audit_record_id"));
}

/* Reviews the audit @id: it leaves the in-progress queue. */
static void
complete (AfStore    *writer,
          const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_store_get_remote_item (writer, AF_TABLE_AUDITS, id, &error);
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  g_assert_no_error (error);
  g_ptr_array_add (moved, af_value_copy (item));
  af_value_map_set (g_ptr_array_index (moved, 0), "status", af_value_new_s ("COMPLETED"));
  g_assert_true (af_store_put_remote_items (writer, AF_TABLE_AUDITS, moved, &error));
  g_assert_no_error (error);
}

/* A queue shown by a list holding its rows [low, high), and the test's own connection
 * to change the cache as a pull or a review does. */
typedef struct
{
  AfQuery        query;
  AfdQueueModel *model;
  AfStore       *writer;
  Mirror         mirror;
} Shown;

static void
shown_clear (Shown *shown)
{
  if (shown->mirror.held != NULL)
    mirror_clear (&shown->mirror);
  g_clear_object (&shown->model);
  g_clear_object (&shown->writer);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Shown, shown_clear)

/* The list looks at [@low, @high); far from the top, it scrolled there through the
 * pages before, so that the first page was dropped. */
static void
shown_init (Shown         *shown,
            Fixture       *fixture,
            const AfQuery *query,
            guint          low,
            guint          high)
{
  g_autoptr(GError) error = NULL;
  guint first = low / AFD_QUEUE_MODEL_PAGE_SIZE;

  shown->query = *query;
  shown->model = model_new_loaded (fixture->thread, query);
  shown->writer = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  g_assert_no_error (error);
  for (guint page = first > AFD_QUEUE_MODEL_MAX_PAGES ? first - AFD_QUEUE_MODEL_MAX_PAGES : first;
       page < first; page++)
    g_object_unref (get_row (shown->model, page * AFD_QUEUE_MODEL_PAGE_SIZE + 7));
  mirror_init (&shown->mirror, shown->model, low, high);
}

/* The cache changed: a reload tells the list of a page of rows at most in its own
 * dispatch and of a chunk at most at once, and once settled the list holds exactly the
 * queue's rows where it looks, @n_items of them in all. */
static void
shown_reload (Shown *shown,
              guint  n_items)
{
  g_assert_cmpuint (reload_told_at_once (shown->model, &shown->mirror), <=, AFD_QUEUE_MODEL_PAGE_SIZE);
  g_assert_cmpuint (shown->mirror.largest, <=, AFD_QUEUE_MODEL_TELL_CHUNK);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (shown->model)), ==, n_items);
  mirror_assert_settled (&shown->mirror, shown->writer, &shown->query);
}

/* A pull adds audits at the top while the list looks far from it (its first page
 * dropped): the list is told of the new count at the end and of the rows that moved a
 * chunk at a time as their pages are read again, never of every row (GTK 4.8's list
 * view then rebuilt its ~200 row widgets in one dispatch: 181 ms at 200,000 audits). */
static void
test_reload_count_grew_far (Fixture       *fixture,
                            gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 7;
  g_auto(Shown) shown = { 0 };

  shown_init (&shown, fixture, &query, far - 40, far + 40);
  put_newest_audits (shown.writer, N_AUDITS, 3);
  shown_reload (&shown, N_AUDITS + 3);
}

/* Reviews move audits out of a queue shown far from its top: the list is told of the
 * shorter count at the end and of the rows that moved a chunk at a time. */
static void
test_reload_count_shrank_far (Fixture       *fixture,
                              gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS, .status = "IN_PROGRESS" };
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 7;
  g_auto(Shown) shown = { 0 };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *held = NULL;

  shown_init (&shown, fixture, &query, far - 40, far + 40);
  /* The first two of the queue and one among the rows the list holds are reviewed. */
  first = id_at (shown.writer, &query, 0);
  second = id_at (shown.writer, &query, 1);
  held = id_at (shown.writer, &query, far + 1);
  complete (shown.writer, first);
  complete (shown.writer, second);
  complete (shown.writer, held);
  shown_reload (&shown, N_AUDITS / 10 - 3);
}

/* At the top of the list a new audit appears at position 0 and the others one further
 * down; the list is told of a chunk at a time. */
static void
test_reload_count_grew_top (Fixture       *fixture,
                            gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_auto(Shown) shown = { 0 };
  g_autoptr(AfdQueueRow) was_first = NULL;
  g_autoptr(AfdQueueRow) second = NULL;
  g_autoptr(AfdQueueRow) first = NULL;

  shown_init (&shown, fixture, &query, 0, 40);
  was_first = g_list_model_get_item (G_LIST_MODEL (shown.model), 0);
  put_newest_audits (shown.writer, N_AUDITS, 1);
  shown_reload (&shown, N_AUDITS + 1);
  first = g_list_model_get_item (G_LIST_MODEL (shown.model), 0);
  g_assert_cmpstr (afd_queue_row_get_item_id (first), ==, "audit-100000");
  second = g_list_model_get_item (G_LIST_MODEL (shown.model), 1);
  g_assert_cmpstr (afd_queue_row_get_item_id (second), ==, afd_queue_row_get_item_id (was_first));
}

/* The pages a list holds rows of are dropped by reads it did not ask for (the audit it
 * follows located far down: the walk there keeps a page every 50), then a pull moves
 * every row: the list is told of the rows it holds all the same, which would otherwise
 * show the audits that were there before until scrolled away and back. */
static void
test_reload_count_grew_dropped_page (Fixture       *fixture,
                                     gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 7;
  guint further = 300 * AFD_QUEUE_MODEL_PAGE_SIZE + 11;
  g_auto(Shown) shown = { 0 };
  g_autofree char *id = NULL;

  shown_init (&shown, fixture, &query, far - 40, far + 40);
  id = id_at (shown.writer, &query, further);
  g_assert_cmpuint (locate (shown.model, id), ==, further);
  put_newest_audits (shown.writer, N_AUDITS, 3);
  shown_reload (&shown, N_AUDITS + 3);
}

/* A reload that finds the same count while the list looks far from the top (its first
 * page dropped long ago) keeps the rows there and tells the list of a page at most at a
 * time, never of every row (GTK 4.8's list view then rebuilt itself: 180 ms at 200,000
 * audits); the "Loading…" rows whose read it cancelled are read all the same, and
 * filled in place. */
static void
test_reload_far_from_top (Fixture       *fixture,
                          gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 7;
  guint waiting = 12 * AFD_QUEUE_MODEL_PAGE_SIZE + 3;
  g_autoptr(AfdQueueRow) row = NULL;
  g_autoptr(AfdQueueRow) placeholder = NULL;
  g_autoptr(AfdQueueRow) after = NULL;
  Changes changes = { 0, waiting, FALSE };

  /* More pages than are kept: the first is dropped. */
  for (guint page = 5; page <= 9; page++)
    g_object_unref (get_row (model, page * AFD_QUEUE_MODEL_PAGE_SIZE + 7));
  row = get_row (model, far);
  g_assert_cmpuint (afd_queue_model_get_n_loaded (model), ==,
                    AFD_QUEUE_MODEL_MAX_PAGES * AFD_QUEUE_MODEL_PAGE_SIZE);

  g_signal_connect (model, "items-changed", G_CALLBACK (changes_cb), &changes);
  /* A placeholder handed out, its page's read under way when the reload cancels it. */
  placeholder = g_list_model_get_item (list, waiting);
  g_assert_null (afd_queue_row_get_item_id (placeholder));
  afd_queue_model_reload (model);
  wait_loaded (model);

  g_assert_cmpuint (changes.largest, >, 0);
  g_assert_cmpuint (changes.largest, <=, AFD_QUEUE_MODEL_PAGE_SIZE);
  after = g_list_model_get_item (list, far);
  g_assert_true (after == row);
  /* The placeholder's page was read: the placeholder the list holds shows its row, and
   * the list was told of nothing there. */
  g_assert_false (changes.told);
  g_assert_nonnull (afd_queue_row_get_item_id (placeholder));
  g_clear_object (&after);
  after = g_list_model_get_item (list, waiting);
  g_assert_true (after == placeholder);
}

static void
told_cb (GListModel *list,
         guint       position,
         guint       removed,
         guint       added,
         guint      *emissions)
{
  (*emissions)++;
}

static void
notified_cb (GObject    *row,
             GParamSpec *pspec,
             GPtrArray  *notified)
{
  if (!g_ptr_array_find (notified, row, NULL))
    g_ptr_array_add (notified, row);
}

/* The "Loading…" rows a list holds for a page are filled in place when it is read: the
 * very objects the list was handed take the rows' texts and notify them, the model hands
 * out those objects from then on, and the list is told of nothing (GTK 4.8's list view
 * would drop and make a row widget for each row told, and lay the whole window out again:
 * 729 toplevel relayouts in 299 frames of a drag to the end of 200,000 audits). Asked for
 * twice, a position not read yet gives the same placeholder. */
static void
test_placeholders_filled_in_place (Fixture       *fixture,
                                   gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  guint page = 2 * AFD_QUEUE_MODEL_PAGE_SIZE;
  g_autoptr(GPtrArray) placeholders = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) notified = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  g_autoptr(AfdQueueRow) again = NULL;
  guint pages_read = afd_queue_model_get_pages_read (model);
  guint emissions = 0;

  g_assert_no_error (error);
  g_signal_connect (model, "items-changed", G_CALLBACK (told_cb), &emissions);
  /* The list asks for the rows it holds: here rows 80 to 159 of the page. */
  for (guint i = 80; i < 160; i++)
    {
      AfdQueueRow *placeholder = g_list_model_get_item (list, page + i);

      g_assert_null (afd_queue_row_get_item_id (placeholder));
      g_assert_cmpstr (afd_queue_row_get_title (placeholder), ==, "Loading…");
      g_signal_connect (placeholder, "notify::title", G_CALLBACK (notified_cb), notified);
      g_ptr_array_add (placeholders, placeholder);
    }
  again = g_list_model_get_item (list, page + 80);
  g_assert_true (again == g_ptr_array_index (placeholders, 0));
  g_clear_object (&again);

  while (afd_queue_model_get_pages_read (model) < pages_read + 1)
    g_main_context_iteration (NULL, TRUE);
  wait_loaded (model);
  g_assert_cmpuint (emissions, ==, 0);
  g_assert_cmpuint (notified->len, ==, placeholders->len);
  for (guint i = 0; i < placeholders->len; i++)
    {
      AfdQueueRow *placeholder = g_ptr_array_index (placeholders, i);

      assert_row_is_at (reader, placeholder, page + 80 + i);
      assert_row_shows_item_at (reader, placeholder, page + 80 + i);
      again = g_list_model_get_item (list, page + 80 + i);
      g_assert_true (again == placeholder);
      g_clear_object (&again);
    }
  /* The rows no placeholder was handed out for are the page's own. */
  again = g_list_model_get_item (list, page + 10);
  assert_row_is_at (reader, again, page + 10);
  for (guint i = 0; i < placeholders->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (placeholders, i), notified);
}

/* A page evicted (more than AFD_QUEUE_MODEL_MAX_PAGES read) is freed in an idle after the
 * read that evicted it, not in it, and is freed: its rows do not outlive it. */
static void
test_evicted_page_freed_later (Fixture       *fixture,
                               gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  GListModel *list = G_LIST_MODEL (model);
  AfdQueueRow *first = g_list_model_get_item (list, 0);

  g_assert_nonnull (afd_queue_row_get_item_id (first));
  g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
  g_object_unref (first);
  g_assert_nonnull (first);          /* the model's page holds it */
  for (guint page = 1; page <= AFD_QUEUE_MODEL_MAX_PAGES; page++)
    {
      g_autoptr(AfdQueueRow) row = get_row (model, page * AFD_QUEUE_MODEL_PAGE_SIZE);

      g_assert_nonnull (afd_queue_row_get_item_id (row));
    }
  while (first != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (afd_queue_model_get_n_loaded (model), ==,
                    AFD_QUEUE_MODEL_MAX_PAGES * AFD_QUEUE_MODEL_PAGE_SIZE);
}

/* The list follows the audit selected through a reload by looking for it among the rows
 * it is told of, in the rows the model holds only: nothing is read, a row not held is
 * not found, and a range as long as the queue costs the pages held, not a read. */
static void
test_find_held (Fixture       *fixture,
                gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  g_autoptr(AfdQueueRow) fifth = get_row (model, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  AfQuery far = { .table = AF_TABLE_AUDITS, .offset = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 7,
                  .limit = 1 };
  g_autoptr(GPtrArray) far_rows = NULL;
  const char *far_id;
  guint pages_read = afd_queue_model_get_pages_read (model);
  guint n_loaded = afd_queue_model_get_n_loaded (model);
  const char *id = afd_queue_row_get_item_id (fifth);

  g_assert_no_error (error);
  far_rows = af_store_query (reader, &far, &error);
  g_assert_no_error (error);
  far_id = af_value_get_string (af_value_map_get (g_ptr_array_index (far_rows, 0),
                                                  "audit_record_id"));

  g_assert_cmpuint (afd_queue_model_find_held (model, id, 0, N_AUDITS), ==, 5);
  g_assert_cmpuint (afd_queue_model_find_held (model, id, 5, 1), ==, 5);
  g_assert_cmpuint (afd_queue_model_find_held (model, id, 6, N_AUDITS), ==, G_MAXUINT);
  g_assert_cmpuint (afd_queue_model_find_held (model, id, 0, 5), ==, G_MAXUINT);
  g_assert_cmpuint (afd_queue_model_find_held (model, far_id, 0, N_AUDITS), ==, G_MAXUINT);
  g_assert_cmpuint (afd_queue_model_find_held (model, NULL, 0, N_AUDITS), ==, G_MAXUINT);
  g_assert_cmpuint (afd_queue_model_find_held (model, id, N_AUDITS, 10), ==, G_MAXUINT);
  g_assert_false (afd_queue_model_is_loading (model));
  g_assert_cmpuint (afd_queue_model_get_pages_read (model), ==, pages_read);
  g_assert_cmpuint (afd_queue_model_get_n_loaded (model), ==, n_loaded);
  /* Once its page is read, the far row is found. */
  g_object_unref (get_row (model, far.offset));
  g_assert_cmpuint (afd_queue_model_find_held (model, far_id, 0, N_AUDITS), ==, far.offset);
  g_assert_cmpuint (afd_queue_model_find_read (model, far_id), ==, far.offset);

  /* A reload's first page is read, the far page stale until read again: its rows are
   * where get_item() gives them, but not read since (find_read passes them over). */
  afd_queue_model_reload (model);
  while (afd_queue_model_is_counting (model))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (afd_queue_model_find_read (model, id), ==, 5);
  g_assert_cmpuint (afd_queue_model_find_read (model, far_id), ==, G_MAXUINT);
  g_assert_cmpuint (afd_queue_model_find_held (model, far_id, 0, N_AUDITS), ==, far.offset);
  wait_loaded (model);
  g_assert_cmpuint (afd_queue_model_find_read (model, far_id), ==, far.offset);
}

/* The list asks where the audit it follows is after a reload: its position (the rows
 * before its sort key counted on the store's thread), its page read by keyset (the
 * pages before it walked past, not one read each), so that the model gives its row
 * there at once. An audit the queue does not hold has none; a reload cancels a locate
 * under way (the position was another count's). */
static void
test_locate (Fixture       *fixture,
             gconstpointer  data)
{
  AfQuery query = { .table = AF_TABLE_AUDITS, .status = "IN_PROGRESS" };
  g_autoptr(AfdQueueModel) model = model_new_loaded (fixture->thread, &query);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) reader = af_store_open (af_store_thread_get_path (fixture->thread), &error);
  AfQuery far = query;
  g_autoptr(GPtrArray) far_rows = NULL;
  g_autoptr(AfdQueueRow) row = NULL;
  const char *far_id;
  guint pages_read = afd_queue_model_get_pages_read (model);
  Located located = { FALSE };

  g_assert_no_error (error);
  far.offset = 40 * AFD_QUEUE_MODEL_PAGE_SIZE + 11;
  far.limit = 1;
  far_rows = af_store_query (reader, &far, &error);
  g_assert_no_error (error);
  far_id = af_value_get_string (af_value_map_get (g_ptr_array_index (far_rows, 0),
                                                  "audit_record_id"));

  g_assert_cmpuint (locate (model, far_id), ==, far.offset);
  g_assert_cmpuint (afd_queue_model_get_pages_read (model), <=, pages_read + 40 / 50 + 1);
  row = g_list_model_get_item (G_LIST_MODEL (model), far.offset);
  g_assert_cmpstr (afd_queue_row_get_item_id (row), ==, far_id);
  /* Held already: no read. */
  pages_read = afd_queue_model_get_pages_read (model);
  g_assert_cmpuint (locate (model, far_id), ==, far.offset);
  g_assert_cmpuint (afd_queue_model_get_pages_read (model), ==, pages_read);

  /* Completed (i % 10 != 0): not in the in-progress queue; no such audit at all. */
  g_assert_cmpuint (locate (model, "audit-000001"), ==, G_MAXUINT);
  g_assert_cmpuint (locate (model, "no-such-audit"), ==, G_MAXUINT);

  far.offset += 3 * AFD_QUEUE_MODEL_PAGE_SIZE;
  g_clear_pointer (&far_rows, g_ptr_array_unref);
  far_rows = af_store_query (reader, &far, &error);
  g_assert_no_error (error);
  afd_queue_model_locate_async (model,
                                af_value_get_string (af_value_map_get (g_ptr_array_index (far_rows, 0),
                                                                       "audit_record_id")),
                                NULL, located_cb, &located);
  afd_queue_model_reload (model);
  wait_located (&located);
  g_assert_error (located.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&located.error);
  wait_loaded (model);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  af_store_guard_install ();

  g_test_add ("/queue-model/100000-audits-bounded", Fixture, NULL,
              fixture_set_up, test_all_audits_bounded, fixture_tear_down);
  g_test_add ("/queue-model/high-risk-order", Fixture, NULL,
              fixture_set_up, test_high_risk_order, fixture_tear_down);
  g_test_add ("/queue-model/search", Fixture, NULL,
              fixture_set_up, test_search, fixture_tear_down);
  g_test_add ("/queue-model/far-row-walks-past", Fixture, NULL,
              fixture_set_up, test_far_row_walks_past, fixture_tear_down);
  g_test_add ("/queue-model/reload-keeps-rows", Fixture, NULL,
              fixture_set_up, test_reload_keeps_rows, fixture_tear_down);
  g_test_add ("/queue-model/reload-refreshes-far-page", Fixture, NULL,
              fixture_set_up, test_reload_refreshes_far_page, fixture_tear_down);
  g_test_add ("/queue-model/reload-far-from-top", Fixture, NULL,
              fixture_set_up, test_reload_far_from_top, fixture_tear_down);
  g_test_add ("/queue-model/reload-count-grew-far", Fixture, NULL,
              fixture_set_up, test_reload_count_grew_far, fixture_tear_down);
  g_test_add ("/queue-model/reload-count-shrank-far", Fixture, NULL,
              fixture_set_up, test_reload_count_shrank_far, fixture_tear_down);
  g_test_add ("/queue-model/reload-count-grew-top", Fixture, NULL,
              fixture_set_up, test_reload_count_grew_top, fixture_tear_down);
  g_test_add ("/queue-model/reload-count-grew-dropped-page", Fixture, NULL,
              fixture_set_up, test_reload_count_grew_dropped_page, fixture_tear_down);
  g_test_add ("/queue-model/placeholders-filled-in-place", Fixture, NULL,
              fixture_set_up, test_placeholders_filled_in_place, fixture_tear_down);
  g_test_add ("/queue-model/evicted-page-freed-later", Fixture, NULL,
              fixture_set_up, test_evicted_page_freed_later, fixture_tear_down);
  g_test_add ("/queue-model/find-held", Fixture, NULL,
              fixture_set_up, test_find_held, fixture_tear_down);
  g_test_add ("/queue-model/locate", Fixture, NULL,
              fixture_set_up, test_locate, fixture_tear_down);
  g_test_add_func ("/queue-model/all-loans-reviewed", test_all_loans_reviewed);
  g_test_add_func ("/queue-model/failed-documents", test_failed_documents);

  return g_test_run ();
}
