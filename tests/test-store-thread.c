/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store on a thread of its own (af-store-thread.h): jobs run in order (an edit is
 * seen by the read queued after it), a cancelled read is skipped but a cancelled edit
 * still commits, a failed commit is reported and leaves nothing behind, the main-thread
 * guard counts a statement run on the thread that owns the default main context and
 * none run through the store's thread, and a note saved while a pull writes 10,000
 * items commits before the pull ends and survives it.
 */
#include "af-codec.h"
#include "af-store-async.h"
#include "af-store-guard.h"
#include "af-store-test-private.h"
#include "af-test-util.h"

#define LOW_RISK_AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define W2_DOCUMENT "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"
#define REVIEWER "reviewer@example.com"

#define PULL_BATCHES 100
#define PULL_BATCH_ITEMS 100
#define PULL_EDITED_BATCH 60   /* the batch that carries the edited audit's new copy */

static char *
cache_path (void)
{
  return af_test_scratch ("cache.db");
}

static GPtrArray *
fixture_items (const char *file)
{
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", file,
                                            NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  GPtrArray *items;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  items = af_codec_parse_items_page (contents, length, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static AfStore *
open_with_fixtures (const char *path)
{
  static const char * const files[] = { "AuditFlow-Documents.json", "AuditFlow-AuditRecords.json" };
  g_autoptr(GError) error = NULL;
  AfStore *store = af_store_open (path, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *file = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb",
                                                files[i], NULL);

      g_assert_true (af_store_import_file (store, file, NULL, &error));
      g_assert_no_error (error);
    }
  af_store_set_identity (store, REVIEWER);
  return store;
}

static AfValue *
get_item (AfStoreThread *thread,
          AfTable        table,
          const char    *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AfValue *item;

  af_store_thread_get_item_async (thread, table, id, NULL, af_test_store_result, &result);
  item = af_store_thread_get_item_finish (thread, af_test_wait (&result), &error);
  g_assert_no_error (error);
  return item;
}

static gint64
outbox_length (AfStoreThread *thread)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n;

  af_store_thread_outbox_length_async (thread, NULL, af_test_store_result, &result);
  n = af_store_thread_count_finish (thread, af_test_wait (&result), &error);
  g_assert_no_error (error);
  return n;
}

/* ---- In order ----------------------------------------------------------------------------- */

static void
test_order (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStoreThread) thread = af_store_thread_new (open_with_fixtures (path));
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GAsyncResult) history = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) audits = NULL;
  g_autoptr(GError) error = NULL;
  AfTable table = AF_TABLE_USERS;

  g_assert_cmpstr (af_store_thread_get_identity (thread), ==, REVIEWER);
  af_store_thread_set_review_notes_async (thread, LOW_RISK_AUDIT, "first", NULL,
                                          af_test_store_result, &saved);
  af_store_thread_find_item_async (thread, LOW_RISK_AUDIT, NULL, af_test_store_result, &found);
  af_store_thread_audit_history_async (thread, "no-such-loan", NULL, af_test_store_result, &history);
  /* Nothing is delivered before the caller's context runs. */
  g_assert_null (saved);

  item = af_store_thread_find_item_finish (thread, af_test_wait (&found), &table, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);   /* delivered in the order queued */
  g_assert_true (af_store_thread_edit_finish (thread, saved, &error));
  g_assert_cmpint (table, ==, AF_TABLE_AUDITS);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "first");
  audits = af_store_thread_list_finish (thread, af_test_wait (&history), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (audits->len, ==, 0);
  g_assert_cmpint (outbox_length (thread), ==, 1);
}

/* A later identity is the one the next edit records. */
static void
test_identity (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStoreThread) thread = af_store_thread_new (open_with_fixtures (path));
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;

  af_store_thread_set_identity (thread, "second@example.com");
  g_assert_cmpstr (af_store_thread_get_identity (thread), ==, "second@example.com");
  af_store_thread_mark_reviewed_async (thread, LOW_RISK_AUDIT, NULL, af_test_store_result, &saved);
  g_assert_true (af_store_thread_edit_finish (thread, af_test_wait (&saved), &error));
  g_assert_no_error (error);
  item = get_item (thread, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "reviewed_by"), ==, "second@example.com");
}

/* ---- Cancelling -------------------------------------------------------------------------- */

static void
test_cancel (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStoreThread) thread = af_store_thread_new (open_with_fixtures (path));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) read = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) read_item = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autoptr(GError) save_error = NULL;

  g_cancellable_cancel (cancellable);
  af_store_thread_get_item_async (thread, AF_TABLE_AUDITS, LOW_RISK_AUDIT, cancellable,
                                  af_test_store_result, &read);
  af_store_thread_set_review_notes_async (thread, LOW_RISK_AUDIT, "kept although the page "
                                          "went away", cancellable, af_test_store_result, &saved);
  read_item = af_store_thread_get_item_finish (thread, af_test_wait (&read), &read_error);
  g_assert_error (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (read_item);
  g_assert_false (af_store_thread_edit_finish (thread, af_test_wait (&saved), &save_error));
  g_assert_error (save_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* The edit was made all the same, with its outbox entry. */
  item = get_item (thread, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "kept although the page went away");
  g_assert_cmpint (outbox_length (thread), ==, 1);
}

/* ---- A failed commit ------------------------------------------------------------------------ */

static void
test_failure_reported (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStoreThread) thread = af_store_thread_new (open_with_fixtures (path));
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(AfValue) before = NULL;
  g_autoptr(AfValue) after = NULL;
  g_autoptr(GError) error = NULL;

  before = get_item (thread, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  af_store_thread_inject_failure (thread, "after-item-update");
  af_store_thread_add_correction_async (thread, W2_DOCUMENT, "employer_ein", "12-3456789", NULL,
                                        NULL, af_test_store_result, &saved);
  g_assert_false (af_store_thread_edit_finish (thread, af_test_wait (&saved), &error));
  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INJECTED);

  after = get_item (thread, AF_TABLE_DOCUMENTS, W2_DOCUMENT);
  g_assert_true (af_value_equal (before, after));
  g_assert_cmpint (outbox_length (thread), ==, 0);
}

/* ---- The guard ---------------------------------------------------------------------------- */

static void
test_guard (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStore) direct = open_with_fixtures (path);
  g_autoptr(AfStoreThread) thread = af_store_thread_new (g_object_ref (direct));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  guint before;

  af_store_guard_arm (AF_STORE_GUARD_COUNT);
  before = af_store_guard_get_violations ();

  /* Through the store's thread, with the main context owned and running: none. */
  af_store_thread_get_state_async (thread, "anything", NULL, af_test_store_result, &result);
  value = af_store_thread_get_state_finish (thread, af_test_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, before);

  /* Close the thread first: the AfStore is used by one thread at a time. */
  af_store_thread_close (thread);
  g_assert_true (g_main_context_acquire (NULL));
  g_free (af_store_get_state (direct, "anything", NULL));
  g_main_context_release (NULL);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, before + 1);

  /* Not owning the main context (a worker, the CLI): not counted. */
  g_free (af_store_get_state (direct, "anything", NULL));
  g_assert_cmpuint (af_store_guard_get_violations (), ==, before + 1);
  af_store_guard_arm (AF_STORE_GUARD_OFF);
}

static void
test_guard_modes (void)
{
  g_assert_cmpint (af_store_guard_mode_from_string ("fatal", AF_STORE_GUARD_OFF), ==,
                   AF_STORE_GUARD_FATAL);
  g_assert_cmpint (af_store_guard_mode_from_string ("count", AF_STORE_GUARD_OFF), ==,
                   AF_STORE_GUARD_COUNT);
  g_assert_cmpint (af_store_guard_mode_from_string ("off", AF_STORE_GUARD_FATAL), ==,
                   AF_STORE_GUARD_OFF);
  g_assert_cmpint (af_store_guard_mode_from_string ("yes", AF_STORE_GUARD_COUNT), ==,
                   AF_STORE_GUARD_COUNT);
  g_assert_cmpint (af_store_guard_mode_from_string (NULL, AF_STORE_GUARD_OFF), ==,
                   AF_STORE_GUARD_OFF);
}

/* ---- A note during a pull --------------------------------------------------------------------- */

typedef struct
{
  char     *path;
  GPtrArray *audits;          /* fixture audits to copy */
  GMutex    lock;
  GCond     cond;
  gboolean  pull_started;     /* under @lock: the first batch is in */
  gboolean  note_started;     /* under @lock: the note's job runs */
  gint      batches_done;     /* atomic */
  gint      batches_at_note;  /* written by the note's job once it committed */
} Race;

static void
race_set (Race     *race,
          gboolean *flag)
{
  g_mutex_lock (&race->lock);
  *flag = TRUE;
  g_cond_broadcast (&race->cond);
  g_mutex_unlock (&race->lock);
}

static void
race_wait (Race     *race,
           gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&race->lock);
  while (!*flag)
    g_assert_true (g_cond_wait_until (&race->cond, &race->lock, deadline));
  g_mutex_unlock (&race->lock);
}

static GPtrArray *
pull_batch (Race  *race,
            guint  batch)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (guint i = 0; i < PULL_BATCH_ITEMS; i++)
    {
      guint n = batch * PULL_BATCH_ITEMS + i;
      AfValue *item = af_value_copy (g_ptr_array_index (race->audits, n % race->audits->len));
      g_autofree char *id = g_strdup_printf ("pulled-%05u", n);

      af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      if (batch == PULL_EDITED_BATCH && i == 0)
        {
          /* What the cloud says of the audit being annotated: a new risk, no note. */
          af_value_map_set (item, "audit_record_id", af_value_new_s (LOW_RISK_AUDIT));
          af_value_map_remove (item, "review_notes");
        }
      af_value_map_set (item, "risk_score", af_value_new_n_int (n % 97));
      g_ptr_array_add (items, item);
    }
  return items;
}

/* The sync worker's side: its own connection, page after page with its watermark. */
static gpointer
pull_thread (gpointer data)
{
  Race *race = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (race->path, &error);

  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  g_assert_no_error (error);
  /* Made up front, so that the pages follow each other as closely as they can. */
  for (guint b = 0; b < PULL_BATCHES; b++)
    g_ptr_array_add (batches, pull_batch (race, b));
  for (guint b = 0; b < PULL_BATCHES; b++)
    {
      g_autofree char *mark = g_strdup_printf ("%u", b);

      g_assert_true (af_store_put_remote_page (store, AF_TABLE_AUDITS,
                                               g_ptr_array_index (batches, b), "pull-mark", mark,
                                               &error));
      g_assert_no_error (error);
      g_atomic_int_inc (&race->batches_done);
      if (b == 0)
        {
          race_set (race, &race->pull_started);
          race_wait (race, &race->note_started);
        }
    }
  return NULL;
}

static gpointer
note_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  Race *race = data;

  race_set (race, &race->note_started);
  /* The pull is on its way again, committing page after page: the edit now competes
   * with it for the write lock. */
  while (g_atomic_int_get (&race->batches_done) < 2)
    g_usleep (100);
  if (!af_store_set_review_notes (store, LOW_RISK_AUDIT, "typed during the pull", error))
    return NULL;
  race->batches_at_note = g_atomic_int_get (&race->batches_done);
  return GINT_TO_POINTER (TRUE);
}

static void
test_note_during_pull (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(AfStoreThread) thread = af_store_thread_new (open_with_fixtures (path));
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;
  Race race = { .path = path, .audits = fixture_items ("AuditFlow-AuditRecords.json") };
  GThread *pull;

  g_mutex_init (&race.lock);
  g_cond_init (&race.cond);
  pull = g_thread_new ("pull", pull_thread, &race);
  race_wait (&race, &race.pull_started);

  af_store_thread_write_async (thread, note_job, &race, NULL, NULL, NULL, af_test_store_result,
                               &saved);
  g_assert_nonnull (af_store_thread_run_finish (thread, af_test_wait (&saved), &error));
  g_assert_no_error (error);
  g_thread_join (pull);

  /* The note went in between two pages: it did not wait for the pull to end. */
  g_test_message ("the note committed after %d of %d pages", race.batches_at_note,
                  PULL_BATCHES);
  g_assert_cmpint (race.batches_at_note, >=, 1);
  g_assert_cmpint (race.batches_at_note, <, PULL_BATCHES);

  /* The page that came later carried the cloud's copy: the note is still shown. */
  item = get_item (thread, AF_TABLE_AUDITS, LOW_RISK_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "typed during the pull");
  g_assert_cmpstr (af_item_get_n (item, "risk_score"), ==, "83");   /* 6000 % 97 */
  g_assert_cmpint (outbox_length (thread), ==, 1);

  g_ptr_array_unref (race.audits);
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.cond);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("test-store-thread-XXXXXX");

  g_test_add_func ("/store-thread/order", test_order);
  g_test_add_func ("/store-thread/identity", test_identity);
  g_test_add_func ("/store-thread/cancel", test_cancel);
  g_test_add_func ("/store-thread/failure-reported", test_failure_reported);
  g_test_add_func ("/store-thread/guard", test_guard);
  g_test_add_func ("/store-thread/guard-modes", test_guard_modes);
  g_test_add_func ("/store-thread/note-during-pull", test_note_during_pull);

  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
