/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Background work yields the cores to the window (af-thread-priority.h): a thread that
 * lowers itself runs at background priority afterwards (read back from the kernel)
 * while the main thread keeps its own, the main thread cannot be lowered, the threads
 * a background thread starts (the store's serializer workers as it writes a large
 * page) are background too, and a task run in the background runs on a lowered thread
 * of its own with its callback on the main thread. That a sync runs
 * there is test-sync-panel's /sync-panel/background.
 */
/* gettid () */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include "af-store.h"
#include "af-value.h"
#include "af-test-util.h"
#include "af-thread-priority.h"

typedef struct
{
  int nice;
  int policy;
} Priority;

static Priority
priority_of (int tid)
{
  Priority priority;

  errno = 0;
  priority.nice = getpriority (PRIO_PROCESS, tid);
  g_assert_cmpint (errno, ==, 0);
  priority.policy = sched_getscheduler (tid);
  g_assert_cmpint (priority.policy, >=, 0);
  return priority;
}

static void
assert_main_thread_unchanged (const Priority *before)
{
  Priority now = priority_of (getpid ());

  g_assert_cmpint (now.nice, ==, before->nice);
  g_assert_cmpint (now.policy, ==, before->policy);
  g_assert_false (af_thread_priority_is_background (getpid ()));
}

static Priority main_before;

typedef struct
{
  gboolean before;
  gboolean lowered;
  gboolean after;
  Priority priority;
} Lowering;

static gpointer
lowering_thread (gpointer data)
{
  Lowering *lowering = data;

  lowering->before = af_thread_priority_is_background (0);
  lowering->lowered = af_thread_priority_lower_self ();
  lowering->after = af_thread_priority_is_background (gettid ());
  lowering->priority = priority_of (gettid ());
  /* The main thread, read from here: still its own priority. */
  assert_main_thread_unchanged (&main_before);
  return NULL;
}

static void
test_lower_self (void)
{
  Lowering lowering = { FALSE, };

  g_thread_join (g_thread_new ("lowering", lowering_thread, &lowering));
  g_assert_false (lowering.before);
  g_assert_true (lowering.lowered);
  g_assert_true (lowering.after);
  g_assert_cmpint (lowering.priority.nice, ==, 19);
  g_assert_cmpint (lowering.priority.policy, ==, main_before.policy);
  assert_main_thread_unchanged (&main_before);
}

static void
test_main_thread_refused (void)
{
  g_test_expect_message ("af-thread-priority", G_LOG_LEVEL_CRITICAL, "*is_main_thread*");
  g_assert_false (af_thread_priority_lower_self ());
  g_test_assert_expected_messages ();
  assert_main_thread_unchanged (&main_before);
}

/* Eight times the serializer's threshold for workers (MIN_ITEMS_FOR_WORKERS, 256): the
 * poll below sees them hundreds of times still. It was 20,000: at nice 19 the put gets
 * ~1.5 % of a core that another process wants, and under ASan, beside the other tests
 * of the suite, this test took 81 s (1.9 s in a plain build). */
#define PUT_ITEMS 2000

typedef struct
{
  char     *path;
  gint      done;
  gboolean  child_background;
} Put;

static gpointer
child_thread (gpointer data)
{
  return GINT_TO_POINTER (af_thread_priority_is_background (0));
}

/* A pull's page as the sync writes it, large enough for the store's serializer to
 * prepare its rows on worker threads (af-store-serializer.c). */
static gpointer
put_thread (gpointer data)
{
  Put *put = data;
  g_autoptr(GPtrArray) audits = af_test_fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (put->path, &error);

  g_assert_no_error (error);
  put->child_background = GPOINTER_TO_INT (g_thread_join (g_thread_new ("child", child_thread,
                                                                         NULL)));
  for (guint i = 0; i < PUT_ITEMS; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (audits, i % audits->len));
      g_autofree char *id = g_strdup_printf ("put-%05u", i);

      af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      g_ptr_array_add (items, item);
    }
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&put->done, TRUE);
  return NULL;
}

/* The threads a background thread starts are background work too: a thread of its
 * own, and the store's serializer workers while it writes a large page. */
static void
test_threads_inherit (void)
{
  g_autofree char *path = af_test_scratch ("cache.db");
  Put put = { path, FALSE, FALSE };
  GThread *thread = af_thread_priority_new_background ("background-put", put_thread, &put);
  guint workers_seen = 0, workers_background = 0;

  while (!g_atomic_int_get (&put.done))
    {
      int worker = af_test_find_thread ("af-store-write");

      if (worker != 0)
        {
          workers_seen++;
          workers_background += af_thread_priority_is_background (worker);
        }
      g_usleep (500);
    }
  g_thread_join (thread);
  g_test_message ("serializer workers seen %u times", workers_seen);
  g_assert_true (put.child_background);
  g_assert_cmpuint (workers_seen, >, 0);
  g_assert_cmpuint (workers_background, ==, workers_seen);
  assert_main_thread_unchanged (&main_before);
}

typedef struct
{
  int      tid;
  gboolean background;
  gboolean returned;
  gboolean on_main_thread;
} TaskRun;

static void
task_func (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  TaskRun *run = task_data;

  run->tid = gettid ();
  run->background = af_thread_priority_is_background (0);
  g_task_return_boolean (task, TRUE);
}

static void
task_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TaskRun *run = user_data;
  g_autoptr(GError) error = NULL;

  run->returned = g_task_propagate_boolean (G_TASK (result), &error);
  g_assert_no_error (error);
  run->on_main_thread = gettid () == getpid ();
}

static void
test_run_task (void)
{
  TaskRun run = { 0, };
  g_autoptr(GTask) task = g_task_new (NULL, NULL, task_done_cb, &run);

  g_task_set_task_data (task, &run, NULL);
  af_thread_priority_run_task (task, task_func);
  while (!run.returned)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (run.tid, !=, getpid ());
  g_assert_true (run.background);
  g_assert_true (run.on_main_thread);
  assert_main_thread_unchanged (&main_before);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  af_test_scratch_init ("af-test-thread-priority-XXXXXX");
  main_before = priority_of (getpid ());
  /* A process started at background priority could not show a thread lowered. */
  g_assert_false (af_thread_priority_is_background (getpid ()));

  g_test_add_func ("/thread-priority/lower-self", test_lower_self);
  g_test_add_func ("/thread-priority/main-thread-refused", test_main_thread_refused);
  g_test_add_func ("/thread-priority/threads-inherit", test_threads_inherit);
  g_test_add_func ("/thread-priority/run-task", test_run_task);
  status = g_test_run ();
  af_test_scratch_remove ();
  return status;
}
