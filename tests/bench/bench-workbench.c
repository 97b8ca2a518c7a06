/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-workbench — panning a 40-megapixel JPEG at 100 % in the appraiser's workbench:
 * the longest main-loop dispatch (wall time and main-thread CPU) while the picture
 * moves 40 px every 16 ms, for the tiled and mipmapped AfdImageView and, in the same
 * run, for the whole picture as one GdkTexture in a GtkPicture (what the artwork page
 * did before). Also the decode + pyramid time off the main thread, and where the time
 * of the dispatches goes (median, 99th percentile, the five longest and their step).
 * A smaller picture is panned first, both ways, so that Mesa's shader variants are
 * compiled before the measured run (its figures are printed as the cold case).
 *
 *   tests/run-xvfb.sh build/tests/bench/bench-workbench [--megapixels N]
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "afd-image-view.h"

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Texture everywhere, so that the JPEG is as large as a photo's. */
static char *
write_picture (const char *dir,
               const char *name,
               int         width,
               int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
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

typedef struct
{
  double wall;
  double cpu;
  int    step;
} Dispatch;

typedef struct
{
  GArray *dispatches;       /* (element-type Dispatch) every one while panning */
  double first_frame;       /* the longest dispatch while the picture first shows */
  double first_frame_cpu;
  double longest;
  double longest_cpu;
  guint  over_50;
  guint  cpu_over_50;
  int    steps;
} Stalls;

static void
iterate_for (gint64  usec,
             Stalls *stalls)
{
  gint64 end = g_get_monotonic_time () + usec;

  while (g_get_monotonic_time () < end)
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = thread_cpu_ms ();
      double ms;

      if (!g_main_context_iteration (NULL, FALSE))
        {
          g_usleep (500);
          continue;
        }
      if (stalls == NULL)
        continue;
      ms = (g_get_monotonic_time () - start) / 1000.0;
      cpu = thread_cpu_ms () - cpu;
      stalls->over_50 += ms >= 50 ? 1 : 0;
      stalls->cpu_over_50 += cpu >= 50 ? 1 : 0;
      stalls->longest = MAX (stalls->longest, ms);
      stalls->longest_cpu = MAX (stalls->longest_cpu, cpu);
      if (stalls->dispatches != NULL)
        g_array_append_val (stalls->dispatches, ((Dispatch) { ms, cpu, stalls->steps }));
    }
}

/* The picture's first frame (counted: it is when a single texture is uploaded), then
 * right along a band, down, and left: 40 px every 16 ms, every dispatch timed. */
static Stalls
pan (GtkScrolledWindow *scroller)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (scroller);
  GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (scroller);
  Stalls stalls = { 0 };

  iterate_for (G_USEC_PER_SEC / 2, &stalls);
  stalls.first_frame = stalls.longest;
  stalls.first_frame_cpu = stalls.longest_cpu;
  stalls.longest = stalls.longest_cpu = 0;
  stalls.over_50 = stalls.cpu_over_50 = 0;
  stalls.dispatches = g_array_new (FALSE, FALSE, sizeof (Dispatch));
  for (int leg = 0; leg < 3; leg++)
    for (int i = 0; i < 120; i++)
      {
        if (leg == 1)
          gtk_adjustment_set_value (v, gtk_adjustment_get_value (v) + 40);
        else
          gtk_adjustment_set_value (h, gtk_adjustment_get_value (h) + (leg == 0 ? 40 : -40));
        iterate_for (16000, &stalls);
        stalls.steps++;
      }
  return stalls;
}

static int
by_wall (gconstpointer a,
         gconstpointer b)
{
  double x = ((const Dispatch *) a)->wall, y = ((const Dispatch *) b)->wall;

  return x < y ? 1 : x > y ? -1 : 0;
}

static int
by_cpu (gconstpointer a,
        gconstpointer b)
{
  double x = ((const Dispatch *) a)->cpu, y = ((const Dispatch *) b)->cpu;

  return x < y ? 1 : x > y ? -1 : 0;
}

/* Where the time goes: the median and 99th percentile dispatch, and the five longest
 * with the panning step they fell in (a new row or column of tiles comes into view
 * every 512 / 40 ≈ 13 steps). */
static void
print_distribution (const char *what,
                    GArray     *dispatches,
                    GCompareFunc order,
                    gboolean     cpu)
{
  GString *top = g_string_new (NULL);
  guint n = dispatches->len;

  g_array_sort (dispatches, order);
  for (guint i = 0; i < MIN (5, n); i++)
    {
      Dispatch *d = &g_array_index (dispatches, Dispatch, i);

      g_string_append_printf (top, " %.1f (step %d)", cpu ? d->cpu : d->wall, d->step);
    }
#define AT(q) (cpu ? g_array_index (dispatches, Dispatch, (guint) ((n - 1) * (1 - (q)))).cpu \
                   : g_array_index (dispatches, Dispatch, (guint) ((n - 1) * (1 - (q)))).wall)
  g_print ("    %s over %u dispatches: median %.1f ms, 99th percentile %.1f ms; longest:%s\n",
           what, n, AT (0.5), AT (0.99), top->str);
#undef AT
  g_string_free (top, TRUE);
}

static void
print_stalls (const char   *what,
              const Stalls *stalls)
{
  g_print ("  %-36s first frame %6.1f ms wall, %6.1f ms CPU; panning: longest dispatch "
           "%6.1f ms wall (%u ≥ 50 ms), %6.1f ms main-thread CPU (%u ≥ 50 ms)\n",
           what, stalls->first_frame, stalls->first_frame_cpu, stalls->longest, stalls->over_50,
           stalls->longest_cpu, stalls->cpu_over_50);
  print_distribution ("wall", stalls->dispatches, by_wall, FALSE);
  print_distribution ("main-thread CPU", stalls->dispatches, by_cpu, TRUE);
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

/* The window is shown, and its shaders compiled (Mesa, cold cache: start-up, not
 * panning), before the picture is put in. */
static GtkWidget *
window_with (GtkWidget          *child,
             GtkScrolledWindow **out_scroller)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), child);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  iterate_for (G_USEC_PER_SEC, NULL);
  *out_scroller = GTK_SCROLLED_WINDOW (scroller);
  return window;
}

static Stalls
bench_tiles (const char *path)
{
  AfdImageView *view = AFD_IMAGE_VIEW (afd_image_view_new ());
  GtkScrolledWindow *scroller;
  GtkWidget *window = window_with (GTK_WIDGET (view), &scroller);
  g_autoptr(AfdImageTiles) tiles = NULL;
  gint64 start = g_get_monotonic_time ();
  double main_cpu = thread_cpu_ms ();
  Stalls stalls;

  afd_image_tiles_load_async (path, NULL, on_tiles, &tiles);
  while (tiles == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_print ("  decode + %u-level pyramid on a worker: %.0f ms (main thread busy %.1f ms meanwhile)\n",
           afd_image_tiles_get_n_levels (tiles), (g_get_monotonic_time () - start) / 1000.0,
           thread_cpu_ms () - main_cpu);
  afd_image_view_set_image (view, tiles);
  afd_image_view_set_zoom (view, 1.0);
  stalls = pan (scroller);
  gtk_window_destroy (GTK_WINDOW (window));
  return stalls;
}

/* The baseline: one texture of the whole picture, drawn by GtkPicture at its size. */
static Stalls
bench_one_texture (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_file (file, &error);
  GtkWidget *picture = gtk_picture_new ();
  GtkScrolledWindow *scroller;
  GtkWidget *window = window_with (picture, &scroller);
  Stalls stalls;

  if (texture == NULL)
    g_error ("%s", error->message);
  g_print ("  decode to one texture (the baseline decodes on the main thread here): %.0f ms\n",
           (g_get_monotonic_time () - start) / 1000.0);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  stalls = pan (scroller);
  gtk_window_destroy (GTK_WINDOW (window));
  return stalls;
}

/* Wall time also counts the waits for a CPU: the machine's load says how many. */
static void
load_average (void)
{
  g_autofree char *text = NULL;

  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    g_print ("  (load average %s)\n", g_strchomp (text));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-workbench-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *warm = NULL;
  double megapixels = 40;
  int width, height;
  Stalls tiled, single;

  if (argc == 3 && g_str_equal (argv[1], "--megapixels"))
    megapixels = CLAMP (atof (argv[2]), 1, 99);
  if (!gtk_init_check ())
    {
      g_print ("no display: run under xvfb-run (tests/run-xvfb.sh)\n");
      return 0;
    }
  adw_init ();
  width = (int) sqrt (megapixels * 1e6 * 3 / 2);
  height = (int) (megapixels * 1e6 / width);
  path = write_picture (dir, "measured.jpg", width, height);
  warm = write_picture (dir, "first.jpg", 2400, 1600);
  g_print ("Panning a %d × %d JPEG (%.1f megapixels) at 100 %% in a 1200 × 800 window, "
           "its first frame, then 40 px every 16 ms, 360 steps (target: no dispatch over 50 ms)\n",
           width, height, width * (double) height / 1e6);
  load_average ();
  /* Mesa's llvmpipe compiles a shader variant the first time a draw needs it, on the
   * thread that draws (50–200 ms each; kept in ~/.cache/mesa_shader_cache after). The
   * tests' HOME is new on every run: a first, smaller picture is panned the same way
   * with both views, so that the measured run is a session's next picture, not the
   * renderer's start-up. Its figures are printed too. */
  g_print ("A first picture (2400 × 1600) on a cold renderer, both ways:\n");
  tiled = bench_tiles (warm);
  single = bench_one_texture (warm);
  print_stalls ("AfdImageView (tiles, mipmaps):", &tiled);
  print_stalls ("GtkPicture (one texture, baseline):", &single);
  g_array_unref (tiled.dispatches);
  g_array_unref (single.dispatches);
  g_print ("The measured picture:\n");
  tiled = bench_tiles (path);
  single = bench_one_texture (path);
  print_stalls ("AfdImageView (tiles, mipmaps):", &tiled);
  print_stalls ("GtkPicture (one texture, baseline):", &single);
  g_print ("  ratios tiles / one texture: first frame %.2f wall, %.2f CPU; panning %.2f wall, %.2f CPU\n",
           tiled.first_frame / MAX (single.first_frame, 0.001),
           tiled.first_frame_cpu / MAX (single.first_frame_cpu, 0.001),
           tiled.longest / MAX (single.longest, 0.001),
           tiled.longest_cpu / MAX (single.longest_cpu, 0.001));
  load_average ();
  g_array_unref (tiled.dispatches);
  g_array_unref (single.dispatches);
  g_unlink (path);
  g_unlink (warm);
  g_rmdir (dir);
  return 0;
}
