/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-window-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);

  printf ("first-frame realtime-us=%" G_GINT64_FORMAT " rss-kb=%" G_GINT64_FORMAT "\n",
          g_get_real_time (), afd_window_bench_rss_kb ());
  fflush (stdout);

  if (g_strcmp0 (g_getenv ("AFD_BENCH_FIRST_FRAME"), "exit") == 0)
    gtk_window_destroy (GTK_WINDOW (window));
}

static void
map_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_handlers_disconnect_by_func (window, map_cb, NULL);
  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (after_paint_cb), window, 0);
}

void
afd_window_bench_watch_first_frame (GtkWidget *window)
{
  if (g_getenv ("AFD_BENCH_FIRST_FRAME") == NULL)
    return;
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
}
