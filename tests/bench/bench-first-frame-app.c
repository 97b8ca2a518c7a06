/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * auditflow-desk as bench-first-frame times it: the application's own library and
 * start-up, with probes on its first window that print (bench-frame-probe.h), after
 * the first frame is painted, a "first-frame" line, and after the first frame that
 * shows the workspace's queues, a "content-frame" line; with AFD_BENCH_FIRST_FRAME=exit
 * the application then quits. The shipped program carries none of this.
 */
#define G_LOG_DOMAIN "bench-first-frame-app"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "afd-application.h"
#include "afd-renderer-choice.h"
#include "bench-frame-probe.h"

/* One window is timed: the first the application opens. */
static struct
{
  GtkWidget *window;           /* (unowned) */
  gboolean   first_done;       /* its first frame is reported */
  gboolean   content_wanted;   /* the workspace came before the window was mapped */
} probe;

static void
first_paint_cb (GdkFrameClock *clock,
                GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, window);
  bench_frame_report ("first-frame");
  probe.first_done = TRUE;
}

static void
content_paint_cb (GdkFrameClock *clock,
                  GtkWidget     *window)
{
  /* The content frame is the first one after the workspace arrived, never before
   * the first frame itself. */
  if (!probe.first_done)
    return;
  g_signal_handlers_disconnect_by_func (clock, content_paint_cb, window);
  bench_frame_report ("content-frame");
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
  if (probe.content_wanted)
    watch_paint (window, G_CALLBACK (content_paint_cb));
}

static void
workspace_shown_cb (GtkWidget *window)
{
  /* Before the window is mapped, map_cb connects both probes. */
  if (!gtk_widget_get_mapped (window))
    probe.content_wanted = TRUE;
  else
    watch_paint (window, G_CALLBACK (content_paint_cb));
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  if (probe.window != NULL)
    return;
  probe.window = GTK_WIDGET (window);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
  g_signal_connect (window, "workspace-shown", G_CALLBACK (workspace_shown_cb), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AfdApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_free (afd_renderer_choice_apply ());   /* as main.c does */
  app = afd_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
