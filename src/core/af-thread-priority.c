/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gettid () */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "af-thread-priority"

#include "config.h"

#include "af-thread-priority.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

/* The nice value of background work: the lowest, a weight of 15 against the window's
 * 1024 under the kernel's fair scheduler, which also runs a waking thread of the window
 * before it. Measured against SCHED_IDLE (bench-stalls, pull phase, 3 runs of each
 * alternating, load 6-7.6 on 2 cores): about the same for the window under cairo (p99
 * frame gap during a pull 33.6/32.8 ms cold/warm at nice 19, 24.5/39.3 at SCHED_IDLE,
 * 50.6/47.9 before), but SCHED_IDLE starved the pull under GL (10,000 items in 13.5/20.6 s
 * against 14.4/7.4 at nice 19 and 6.4/5.7 before), and a SCHED_IDLE writer holding the
 * cache's write lock is one the window's own edits could wait on for a long time.
 * Full runs (5 of each alternating, load 3.3-6.1) kept that: cairo p99 gap during the
 * pull 40.6/33.0 ms before, 31.3/28.6 at nice 19; a queue page read on the store's thread
 * during it 44.7/57.8 ms before, 23.5/25.9 after. The longest gaps stayed within the
 * noise of other work on the machine (the idle window's own reached 20-88 ms). */
#define BACKGROUND_NICE 19

static gboolean
is_main_thread (void)
{
  return gettid () == getpid ();
}

/* Lowers the calling thread for the rest of its life (see the header: it cannot be
 * raised back). Refuses the main thread. FALSE when the system refused; the work
 * then simply runs at the priority it had. */
gboolean
af_thread_priority_lower_self (void)
{
  g_return_val_if_fail (!is_main_thread (), FALSE);

  /* Per thread: under Linux PRIO_PROCESS with a thread's id sets that thread only. */
  if (setpriority (PRIO_PROCESS, gettid (), BACKGROUND_NICE) != 0)
    {
      g_debug ("nice %d refused: %s", BACKGROUND_NICE, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Whether thread @tid of this process (0: the calling one) runs at background
 * priority, as the kernel says. */
gboolean
af_thread_priority_is_background (int tid)
{
  int nice;

  errno = 0;
  nice = getpriority (PRIO_PROCESS, tid != 0 ? tid : gettid ());
  return errno == 0 && nice >= BACKGROUND_NICE;
}

typedef struct
{
  GThreadFunc     func;
  gpointer        data;
  GTask          *task;        /* or this and */
  GTaskThreadFunc task_func;
} Background;

static gpointer
background_thread (gpointer user_data)
{
  Background *background = user_data;
  gpointer result = NULL;

  af_thread_priority_lower_self ();
  if (background->task != NULL)
    {
      GTask *task = background->task;

      background->task_func (task, g_task_get_source_object (task), g_task_get_task_data (task),
                             g_task_get_cancellable (task));
      g_object_unref (task);
    }
  else
    result = background->func (background->data);
  g_free (background);
  return result;
}

/* A new thread that lowers itself (af_thread_priority_lower_self()) before it runs
 * @func with @data; join it or unref it as any GThread. */
GThread *
af_thread_priority_new_background (const char  *name,
                                   GThreadFunc  func,
                                   gpointer     data)
{
  Background *background = g_new0 (Background, 1);

  background->func = func;
  background->data = data;
  return g_thread_new (name, background_thread, background);
}

/* g_task_run_in_thread(), on a thread of the task's own at background priority
 * instead of one of GTask's pool (which other work reuses, and which could not be
 * raised back); the thread is named after the task (g_task_set_name()). @func returns
 * the task's value as it would there, but the callback may run as soon as it has:
 * return it last. */
void
af_thread_priority_run_task (GTask           *task,
                             GTaskThreadFunc  func)
{
  Background *background = g_new0 (Background, 1);
  const char *name = g_task_get_name (task);

  background->task = g_object_ref (task);
  background->task_func = func;
  g_thread_unref (g_thread_new (name != NULL ? name : "af-background", background_thread,
                                background));
}
