/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-window-bench"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "afd-window-bench.h"

gint64
afd_window_bench_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

/* CPU time of every thread so far: on a loaded machine, steadier than wall time. */
static gint64
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_GINT64_CONSTANT (1000) +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

static void
report (const char *what)
{
  printf ("%s realtime-us=%" G_GINT64_FORMAT " rss-kb=%" G_GINT64_FORMAT
          " cpu-ms=%" G_GINT64_FORMAT "\n",
          what, g_get_real_time (), afd_window_bench_rss_kb (), cpu_ms ());
  fflush (stdout);
}

static void
first_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, window);
  report ("first-frame");
  g_object_set_data (G_OBJECT (window), "afd-bench-first-done", GINT_TO_POINTER (TRUE));
}

static void
content_paint_cb (GdkFrameClock *clock,
                  GtkWidget     *window)
{
  /* The content frame is the first one after the workspace arrived, never before
   * the first frame itself. */
  if (g_object_get_data (G_OBJECT (window), "afd-bench-first-done") == NULL)
    return;
  g_signal_handlers_disconnect_by_func (clock, content_paint_cb, window);
  report ("content-frame");
  if (g_strcmp0 (g_getenv ("AFD_BENCH_FIRST_FRAME"), "exit") == 0)
    gtk_window_destroy (GTK_WINDOW (window));
}

static void
watch_paint (GtkWidget *window,
             GCallback  callback)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock == NULL)
    return;
  g_signal_connect_object (clock, "after-paint", callback, window, 0);
  gtk_widget_queue_draw (window);
}

static void
map_cb (GtkWidget *window)
{
  g_signal_handlers_disconnect_by_func (window, map_cb, NULL);
  watch_paint (window, G_CALLBACK (first_paint_cb));
  if (g_object_get_data (G_OBJECT (window), "afd-bench-content") != NULL)
    watch_paint (window, G_CALLBACK (content_paint_cb));
}

void
afd_window_bench_watch_first_frame (GtkWidget *window)
{
  if (g_getenv ("AFD_BENCH_FIRST_FRAME") == NULL)
    return;
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
}

void
afd_window_bench_watch_content_frame (GtkWidget *window)
{
  if (g_getenv ("AFD_BENCH_FIRST_FRAME") == NULL)
    return;
  /* Before the window is mapped, map_cb connects both probes. */
  if (!gtk_widget_get_mapped (window))
    g_object_set_data (G_OBJECT (window), "afd-bench-content", GINT_TO_POINTER (TRUE));
  else
    watch_paint (window, G_CALLBACK (content_paint_cb));
}
