/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-window-bench.h — the first-frame probe of tests/bench/bench-first-frame.
 *
 * With AFD_BENCH_FIRST_FRAME set, the window prints, after its first frame is painted,
 *   first-frame realtime-us=<g_get_real_time()> rss-kb=<VmRSS>
 * on stdout, and the same line starting "content-frame" after the first frame that
 * shows the workspace's queues; with AFD_BENCH_FIRST_FRAME=exit the application
 * then quits.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void afd_window_bench_watch_first_frame   (GtkWidget *window);
void afd_window_bench_watch_content_frame (GtkWidget *window);
/* VmRSS of this process in kB, from /proc/self/status; -1 when unknown. */
gint64 afd_window_bench_rss_kb          (void);

G_END_DECLS
