/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-workbench — panning a 40-megapixel JPEG at 100 % in the appraiser's workbench:
 * the longest main-loop dispatch (wall time and main-thread CPU) while the picture
 * moves 40 px every 16 ms, for the tiled and mipmapped AfdImageView and, in the same
 * run, for the whole picture as one GdkTexture in a GtkPicture (what the artwork page
 * did before). Also the decode + pyramid time off the main thread.
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
               int         width,
               int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "forty.jpg", NULL);
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

static void
print_stalls (const char   *what,
              const Stalls *stalls)
{
  g_print ("  %-36s first frame %6.1f ms wall, %6.1f ms CPU; panning: longest dispatch "
           "%6.1f ms wall (%u ≥ 50 ms), %6.1f ms main-thread CPU (%u ≥ 50 ms)\n",
           what, stalls->first_frame, stalls->first_frame_cpu, stalls->longest, stalls->over_50,
           stalls->longest_cpu, stalls->cpu_over_50);
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

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-workbench-XXXXXX", &error);
  g_autofree char *path = NULL;
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
  path = write_picture (dir, width, height);
  g_print ("Panning a %d × %d JPEG (%.1f megapixels) at 100 %% in a 1200 × 800 window, "
           "its first frame, then 40 px every 16 ms, 360 steps (target: no dispatch over 50 ms)\n",
           width, height, width * (double) height / 1e6);
  tiled = bench_tiles (path);
  single = bench_one_texture (path);
  print_stalls ("AfdImageView (tiles, mipmaps):", &tiled);
  print_stalls ("GtkPicture (one texture, baseline):", &single);
  g_print ("  ratios tiles / one texture: first frame %.2f wall, %.2f CPU; panning %.2f wall, %.2f CPU\n",
           tiled.first_frame / MAX (single.first_frame, 0.001),
           tiled.first_frame_cpu / MAX (single.first_frame_cpu, 0.001),
           tiled.longest / MAX (single.longest, 0.001),
           tiled.longest_cpu / MAX (single.longest_cpu, 0.001));
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
