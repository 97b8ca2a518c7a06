/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-thread-priority.h — background work yields the cores to the window.
 *
 * On a machine of two cores, a pull's writer (or a forensic inspection) running beside
 * the window takes one core, and the window's main thread, the X server and the GL
 * renderer's threads share the other: a frame then waits for a core, though the main
 * thread itself has little to do. A thread doing bulk background work lowers its own
 * scheduling priority, so that the scheduler hands the core to the window the moment it
 * wakes up; the background work still gets every cycle the window leaves.
 *
 * The priority is a thread's own under Linux, and its threads inherit it (a store's
 * checkpointer and serializer workers started from such a thread are background work
 * too). A process without CAP_SYS_NICE cannot raise a thread back (RLIMIT_NICE is 0 on
 * desktops), so a lowered thread stays lowered until it ends: lower only a thread of
 * your own, never a pool thread (GTask's pool), the main thread, or the store thread
 * the window waits on for its reads. af_thread_priority_new_background() and
 * af_thread_priority_run_task() give such work a thread of its own.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  af_thread_priority_lower_self     (void);
gboolean  af_thread_priority_is_background  (int              tid);
GThread  *af_thread_priority_new_background (const char      *name,
                                             GThreadFunc      func,
                                             gpointer         data);
void      af_thread_priority_run_task       (GTask           *task,
                                             GTaskThreadFunc  func);

G_END_DECLS
