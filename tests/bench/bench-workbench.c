/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-workbench — main-loop stalls of the appraiser's workbench (AfdImageView) on a
 * 40-megapixel JPEG, in one run:
 *   idle       the picture shown at fit, redrawn every 16 ms, nothing moving (GTK
 *              finds nothing changed: the main loop's and the machine's own hiccups);
 *   1 px       at 100 %, moved 1 px right and back every 16 ms: full frames that
 *              upload nothing new, the baseline of what llvmpipe's drawing costs now;
 *   first show the picture put in the view, fitted, its first second of frames;
 *   pan 100 %  40 px every 16 ms right, down to the bottom edge, and left (360 steps);
 *   zoom steps from fit to 100 % by 1.25× steps and back, 150 ms each;
 *   pan mid    panning at fit × 1.25², a smaller mipmap level, right then left;
 *   loupe      the loupe turned on and moved, then an overlay (as the error level
 *              analysis) shown at 70 %: their first frames.
 * For each: the longest dispatch of the main loop (wall), the 99th percentile, the
 * main thread's CPU in that longest dispatch and the process's (every thread: llvmpipe
 * draws on threads of its own), the longest main-thread CPU, the number
 * of dispatches of 50 ms or more, and the most tiles uploaded in one frame.
 *
 * Mesa's llvmpipe compiles shader variants on first use and keeps them in its disk cache
 * (MESA_SHADER_CACHE_DIR). Every measured session is a child process: "cold" ones get a
 * new, empty cache directory each; "warm" ones share the directory the first cold session
 * filled (the case of any session after the first on a machine). The figures are the
 * medians over the sessions of each kind; a third kind, warm with 256-pixel tiles
 * (AFD_IMAGE_TILE_SIZE), compares tile sizes. Target: no stall over 50 ms.
 *
 * The sessions draw as the program would (afd-renderer-choice.h): with cairo where GL is
 * software, as under Xvfb, where the Mesa cache plays no part and nothing is uploaded;
 * GSK_RENDERER=gl in the environment measures GL on llvmpipe instead.
 *
 *   tests/run-xvfb.sh build/tests/bench/bench-workbench [--runs N] [--megapixels M] [--no-256]
 * (N = 3: nine sessions of 20–40 s each; --no-256 leaves out the 256-pixel tiles.)
 */
#include <adwaita.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "afd-image-view-private.h"
#include "afd-renderer-choice.h"
#include "bench-session.h"

#define N_SCENARIOS 7
static const char *const scenario_names[N_SCENARIOS] = {
  "idle", "jiggle", "first-show", "pan-100", "zoom-steps", "pan-mid", "loupe-overlay",
};
static const char *const scenario_titles[N_SCENARIOS] = {
  "idle (redrawn, nothing moves)", "1 px back and forth (100 %)", "first show, fitted",
  "pan at 100 %", "zoom steps fit ↔ 100 %", "pan at fit × 1.56", "loupe, then overlay, first shown",
};

#define N_FIGURES 8
static const char *const figure_names[N_FIGURES] = {
  "longest", "p99", "cpu_of_longest", "longest_cpu", "over50", "max_uploads", "dispatches",
  "process_cpu_of_longest",
};

/* ---- one session (the child) ---- */

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
process_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

typedef struct
{
  double wall;
  double cpu;
  double process_cpu;   /* every thread: llvmpipe rasterises on its own threads */
} Dispatch;

typedef struct
{
  GArray       *dispatches;   /* (element-type Dispatch) */
  int           step;         /* panning or zoom steps so far */
  AfdImageView *view;
  guint         max_uploads;
} Scenario;

static void
iterate_for (gint64    usec,
             Scenario *scenario)
{
  gint64 end = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < end)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = thread_cpu_ms ();
      double process_cpu = process_cpu_ms ();
      Dispatch d;

      if (!g_main_context_iteration (NULL, FALSE))
        {
          g_usleep (500);
          continue;
        }
      if (scenario == NULL)
        continue;
      d.wall = (g_get_monotonic_time () - start) / 1000.0;
      d.cpu = thread_cpu_ms () - cpu;
      d.process_cpu = process_cpu_ms () - process_cpu;
      g_array_append_val (scenario->dispatches, d);
      /* For perf (record -k CLOCK_MONOTONIC): when each long dispatch was. */
      if (d.wall >= 50 || d.cpu >= 20)
        g_print ("STALL at %.6f s, step %d: %.1f ms wall, %.1f ms main-thread CPU\n", start / 1e6,
                 scenario->step, d.wall, d.cpu);
    }
}

/* After every frame: how many tiles it uploaded. */
static void
after_paint (GdkFrameClock *clock,
             Scenario      *scenario)
{
  if (scenario->view != NULL)
    scenario->max_uploads = MAX (scenario->max_uploads, scenario->view->last_frame.uploaded);
}

static int
by_wall (gconstpointer a,
         gconstpointer b)
{
  double x = ((const Dispatch *) a)->wall, y = ((const Dispatch *) b)->wall;

  return x < y ? 1 : x > y ? -1 : 0;
}

static void
report (guint     index,
        Scenario *scenario)
{
  GArray *d = scenario->dispatches;
  double longest_cpu = 0;
  guint over = 0;

  g_array_sort (d, by_wall);
  for (guint i = 0; i < d->len; i++)
    {
      longest_cpu = MAX (longest_cpu, g_array_index (d, Dispatch, i).cpu);
      over += g_array_index (d, Dispatch, i).wall >= 50 ? 1 : 0;
    }
  g_print ("RESULT %s longest=%.2f p99=%.2f cpu_of_longest=%.2f longest_cpu=%.2f over50=%u "
           "max_uploads=%u dispatches=%u process_cpu_of_longest=%.2f\n", scenario_names[index],
           d->len > 0 ? g_array_index (d, Dispatch, 0).wall : 0,
           d->len > 0 ? g_array_index (d, Dispatch, (guint) ((d->len - 1) * 0.01)).wall : 0,
           d->len > 0 ? g_array_index (d, Dispatch, 0).cpu : 0, longest_cpu, over,
           scenario->max_uploads, d->len, d->len > 0 ? g_array_index (d, Dispatch, 0).process_cpu : 0);
  g_array_set_size (d, 0);
  scenario->max_uploads = 0;
  scenario->step = 0;
}

static void
on_tiles (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AfdImageTiles **slot = user_data;
  g_autoptr(GError) error = NULL;

  *slot = afd_image_tiles_load_finish (result, &error);
  if (*slot == NULL)
    g_error ("%s", error->message);
}

static void
pan_steps (Scenario      *scenario,
           GtkAdjustment *adjustment,
           double         step,
           int            n)
{
  for (int i = 0; i < n; i++)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + step);
      scenario->step++;
      iterate_for (16000, scenario);
    }
}

static void
run_session (const char *path)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  AfdImageView *view = AFD_IMAGE_VIEW (afd_image_view_new ());
  GtkAdjustment *h, *v;
  g_autoptr(AfdImageTiles) tiles = NULL;
  Scenario scenario = { g_array_new (FALSE, FALSE, sizeof (Dispatch)), 0, view };
  gint64 start;
  double fit;
  int i;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  /* The window's own first frames (its shaders: start-up, not the picture). */
  iterate_for (G_USEC_PER_SEC, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint), &scenario);
  h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
  v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

  start = g_get_monotonic_time ();
  afd_image_tiles_load_async (path, NULL, on_tiles, &tiles);
  while (tiles == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_print ("INFO decode + %u-level pyramid on a worker: %.0f ms\n",
           afd_image_tiles_get_n_levels (tiles), (g_get_monotonic_time () - start) / 1000.0);

  afd_image_view_set_image (view, tiles);
  iterate_for (G_USEC_PER_SEC, &scenario);
  report (2, &scenario);

  for (i = 0; i < 120; i++)
    {
      gtk_widget_queue_draw (GTK_WIDGET (view));
      iterate_for (16000, &scenario);
    }
  report (0, &scenario);

  /* A full frame with nothing new to upload: what the renderer itself costs now. */
  afd_image_view_set_zoom (view, 1.0);
  iterate_for (G_USEC_PER_SEC / 2, NULL);
  for (i = 0; i < 120; i++)
    {
      gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) + (i % 2 == 0 ? 1 : -1));
      iterate_for (16000, &scenario);
    }
  report (1, &scenario);

  pan_steps (&scenario, h, 40, 120);
  pan_steps (&scenario, v, 40, 120);
  pan_steps (&scenario, h, -40, 120);
  report (3, &scenario);

  afd_image_view_zoom_fit (view);
  iterate_for (G_USEC_PER_SEC / 2, NULL);
  fit = afd_image_view_get_zoom (view);
  for (i = 0; afd_image_view_get_zoom (view) < 1.0 && i < 20; i++)
    {
      afd_image_view_zoom_in (view);
      scenario.step++;
      iterate_for (150000, &scenario);
    }
  while (!afd_image_view_get_fit (view) && afd_image_view_get_zoom (view) > fit * 1.01 && i-- > 0)
    {
      afd_image_view_zoom_out (view);
      scenario.step++;
      iterate_for (150000, &scenario);
    }
  report (4, &scenario);

  afd_image_view_set_zoom (view, fit * AFD_IMAGE_VIEW_ZOOM_STEP * AFD_IMAGE_VIEW_ZOOM_STEP);
  iterate_for (G_USEC_PER_SEC / 2, NULL);
  gtk_adjustment_set_value (h, 0);
  iterate_for (G_USEC_PER_SEC / 4, NULL);
  pan_steps (&scenario, h, 40, 60);
  pan_steps (&scenario, h, -40, 60);
  report (5, &scenario);

  afd_image_view_set_zoom (view, 1.0);
  iterate_for (G_USEC_PER_SEC / 2, NULL);
  afd_image_view_set_loupe (view, TRUE);
  for (i = 0; i < 40; i++)
    {
      afd_image_view_set_loupe_point (view, afd_image_tiles_get_width (tiles) / 2.0 + i * 10,
                                      afd_image_tiles_get_height (tiles) / 2.0);
      iterate_for (16000, &scenario);
    }
  afd_image_view_set_loupe (view, FALSE);
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 1000, 667);
    g_autoptr(AfdImageTiles) overlay = NULL;

    gdk_pixbuf_fill (pixbuf, 0x40a0e0ff);
    overlay = afd_image_tiles_new_for_pixbuf (pixbuf);
    afd_image_view_set_overlay (view, overlay);
    afd_image_view_set_overlay_opacity (view, 0.7);
    pan_steps (&scenario, h, 40, 40);
  }
  report (6, &scenario);

  scenario.view = NULL;
  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (scenario.dispatches);
}

/* ---- the runs (the parent) ---- */

/* Texture everywhere, so that the JPEG is as large as a photo's. */
static char *
write_picture (const char *dir,
               int         width,
               int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "measured.jpg", NULL);
  guint32 seed = 7;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + (gsize) y * stride + x * 3;

        seed = seed * 1664525u + 1013904223u;
        p[0] = (guchar) ((x * 255 / width + (seed >> 27)) & 0xff);
        p[1] = (guchar) ((y * 255 / height + (seed >> 26)) & 0xff);
        p[2] = (guchar) (((x ^ y) & 0x7f) + (seed >> 28));
      }
  if (!gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL))
    g_error ("%s", error->message);
  return path;
}

#define N_KINDS 3
static const char *const kind_titles[N_KINDS] = {
  "cold Mesa cache, 512 tiles", "warm Mesa cache, 512 tiles", "warm Mesa cache, 256 tiles",
};

typedef struct
{
  GArray *values[N_SCENARIOS][N_FIGURES];   /* (element-type double) one per session */
} Kind;

static void
parse_result (Kind       *kind,
              const char *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  int scenario = -1;

  for (int s = 0; s < N_SCENARIOS && words[0] != NULL && words[1] != NULL; s++)
    if (g_str_equal (words[1], scenario_names[s]))
      scenario = s;
  if (scenario < 0)
    return;
  for (int w = 2; words[w] != NULL; w++)
    for (int f = 0; f < N_FIGURES; f++)
      if (g_str_has_prefix (words[w], figure_names[f])
          && words[w][strlen (figure_names[f])] == '=')
        {
          double value = g_ascii_strtod (words[w] + strlen (figure_names[f]) + 1, NULL);

          g_array_append_val (kind->values[scenario][f], value);
        }
}

static void
run_child (Kind       *kind,
           const char *picture,
           const char *cache_dir,
           const char *tile_size)
{
  const char *const env[] = { "AFD_IMAGE_TILE_SIZE", tile_size, NULL };
  const char *const args[] = { "--session", picture, NULL };
  g_autofree char *out = bench_session_run (cache_dir, env, args);
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "RESULT "))
      parse_result (kind, lines[i]);
    else if (g_str_has_prefix (lines[i], "INFO ") && kind->values[0][0]->len == 0)
      g_print ("  %s\n", lines[i] + 5);
}

static int
ascending (gconstpointer a,
           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_copy (values);

  if (sorted->len == 0)
    return NAN;
  g_array_sort (sorted, ascending);
  return (g_array_index (sorted, double, sorted->len / 2)
          + g_array_index (sorted, double, (sorted->len - 1) / 2)) / 2;
}

static double
largest (GArray *values)
{
  double most = 0;

  for (guint i = 0; i < values->len; i++)
    most = MAX (most, g_array_index (values, double, i));
  return most;
}

static void
print_kind (const Kind *kind,
            const char *title,
            int         runs)
{
  g_print ("%s — medians over %d sessions (worst session in brackets):\n", title, runs);
  g_print ("  %-32s %17s %15s %15s %15s %17s %8s %8s\n", "", "longest stall ms", "p99 ms",
           "main CPU of it", "all CPU of it", "longest main CPU", "≥ 50 ms", "uploads");
  for (int s = 0; s < N_SCENARIOS; s++)
    {
      GArray *const *v = kind->values[s];

      g_print ("  %-32s %7.1f (%7.1f) %6.1f (%6.1f) %6.1f (%6.1f) %6.1f (%6.1f) %7.1f (%7.1f) %8.1f %8.0f\n",
               scenario_titles[s], median (v[0]), largest (v[0]), median (v[1]), largest (v[1]),
               median (v[2]), largest (v[2]), median (v[7]), largest (v[7]), median (v[3]),
               largest (v[3]), median (v[4]), largest (v[5]));
    }
  g_print ("  longest stall against the 1 px baseline (medians): pan 100 %% %.2f×, zoom steps %.2f×, "
           "pan mid %.2f×\n",
           median (kind->values[3][0]) / MAX (median (kind->values[1][0]), 0.001),
           median (kind->values[4][0]) / MAX (median (kind->values[1][0]), 0.001),
           median (kind->values[5][0]) / MAX (median (kind->values[1][0]), 0.001));
}

static void
load_average (void)
{
  g_autofree char *text = NULL;

  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    g_print ("(load average %s)\n", g_strchomp (text));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *warm_cache = NULL;
  double megapixels = 40;
  int runs = 3, width, height, n_kinds = N_KINDS;
  Kind kinds[N_KINDS];
  gint64 start = g_get_monotonic_time ();

  /* As the program's main () does: cairo where GL is drawn in software (GSK_RENDERER=gl
   * measures GL there). */
  g_free (afd_renderer_choice_apply ());
  if (!gtk_init_check ())
    {
      g_print ("no display: run under xvfb-run (tests/run-xvfb.sh)\n");
      return 0;
    }
  adw_init ();
  if (argc == 3 && g_str_equal (argv[1], "--session"))
    {
      run_session (argv[2]);
      return 0;
    }
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--no-256"))
      n_kinds = N_KINDS - 1;
  for (int i = 1; i + 1 < argc; i += 2)
    if (g_str_equal (argv[i], "--megapixels"))
      megapixels = CLAMP (atof (argv[i + 1]), 1, 99);
    else if (g_str_equal (argv[i], "--runs"))
      runs = CLAMP (atoi (argv[i + 1]), 1, 20);

  dir = g_dir_make_tmp ("bench-workbench-XXXXXX", &error);
  g_assert_no_error (error);
  width = (int) sqrt (megapixels * 1e6 * 3 / 2);
  height = (int) (megapixels * 1e6 / width);
  path = write_picture (dir, width, height);
  g_print ("A %d × %d JPEG (%.1f megapixels) in a 1200 × 800 window; %d sessions of each kind. "
           "Target: no main-loop stall over 50 ms.\n", width, height,
           width * (double) height / 1e6, runs);
  load_average ();
  for (int k = 0; k < N_KINDS; k++)
    for (int s = 0; s < N_SCENARIOS; s++)
      for (int f = 0; f < N_FIGURES; f++)
        kinds[k].values[s][f] = g_array_new (FALSE, FALSE, sizeof (double));

  /* Cold: a new cache directory each (the first one is kept as the warm cache). */
  for (int r = 0; r < runs; r++)
    {
      g_autofree char *name = g_strdup_printf ("mesa-cold-%d", r);
      g_autofree char *cache = g_build_filename (dir, name, NULL);

      run_child (&kinds[0], path, cache, "512");
      if (r == 0)
        warm_cache = g_steal_pointer (&cache);
      else
        bench_remove_tree (cache);
    }
  for (int r = 0; r < runs; r++)
    {
      run_child (&kinds[1], path, warm_cache, "512");
      if (n_kinds == N_KINDS)
        run_child (&kinds[2], path, warm_cache, "256");
    }
  for (int k = 0; k < n_kinds; k++)
    print_kind (&kinds[k], kind_titles[k], runs);
  load_average ();
  g_print ("(%d sessions in %.0f s)\n", runs * n_kinds,
           (g_get_monotonic_time () - start) / 1e6);
  bench_remove_tree (dir);
  return 0;
}
