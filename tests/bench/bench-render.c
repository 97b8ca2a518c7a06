/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-render: how much the app's page renderer (its one render thread, its queue,
 * the texture hand-off back to the main loop) costs over bare poppler rendering the
 * same page at the same scale, in the same run — for every fixture PDF and for a
 * 12-page PDF generated here. Then, when a display is available, the longest
 * main-loop stall while the document viewer scrolls through all 12 pages.
 *
 *   bench-render [--repeat N]        (AF_FIXTURES_DIR names the fixture directory)
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <cairo-pdf.h>
#include <math.h>
#include <poppler.h>
#include <time.h>

#include "af-codec.h"
#include "af-demo.h"
#include "afd-document-viewer.h"
#include "afd-page-renderer.h"
#include "afd-renderer-choice.h"

static int repeat = 7;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        int     n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return values[n / 2];
}

/* ---- the two ways of rendering ---- */

static double
time_bare_poppler (PopplerDocument *document,
                   int              index,
                   double           zoom)
{
  gint64 start = g_get_monotonic_time ();
  PopplerPage *page = poppler_document_get_page (document, index);
  double scale = zoom * 96.0 / 72.0, w, h;
  cairo_surface_t *surface;
  cairo_t *cr;

  poppler_page_get_size (page, &w, &h);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (w * scale), (int) ceil (h * scale));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);
  g_object_unref (page);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* From the request on the main thread to the texture back on the main thread. */
static double
time_renderer (AfdPageRenderer *renderer,
               int              index,
               double           zoom)
{
  GAsyncResult *result = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 start = g_get_monotonic_time ();

  afd_page_renderer_render_async (renderer, index, zoom, AFD_RENDER_PRIORITY_VISIBLE, NULL,
                                  on_result, &result);
  texture = afd_page_renderer_render_finish (renderer, wait_for (&result), NULL);
  g_assert (texture != NULL);
  g_object_unref (result);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static AfdPageRenderer *
open_renderer (const char *path)
{
  AfdPageRenderer *renderer = afd_page_renderer_new ();
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  afd_page_renderer_open_async (renderer, path, NULL, NULL, on_result, &result);
  if (!afd_page_renderer_open_finish (renderer, wait_for (&result), &error))
    g_error ("%s: %s", path, error->message);
  g_object_unref (result);
  return renderer;
}

static void
bench_page (const char *label,
            const char *path,
            int         index)
{
  g_autoptr(AfdPageRenderer) renderer = open_renderer (path);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  /* poppler-glib 22 has no autoptr for its types. */
  PopplerDocument *document = poppler_document_new_from_file (uri, NULL, NULL);
  const double zooms[] = { 1.0, 2.0 };

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    {
      g_autofree double *app = g_new (double, repeat);
      g_autofree double *bare = g_new (double, repeat);
      double a, b;

      /* Warm both paths (fonts, caches), then interleave them so neither gains. */
      time_renderer (renderer, index, zooms[z]);
      time_bare_poppler (document, index, zooms[z]);
      for (int r = 0; r < repeat; r++)
        {
          app[r] = time_renderer (renderer, index, zooms[z]);
          bare[r] = time_bare_poppler (document, index, zooms[z]);
        }
      a = median (app, repeat);
      b = median (bare, repeat);
      g_print ("%-34s p%-2d %4.0f %%  renderer %7.2f ms  bare poppler %7.2f ms  ratio %.2fx\n",
               label, index + 1, zooms[z] * 100, a, b, a / b);
    }
  g_object_unref (document);
}

/* ---- a 12-page document ---- */

static char *
write_twelve_pages (const char *dir)
{
  char *path = g_build_filename (dir, "twelve-pages.pdf", NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 612, 792);
  cairo_t *cr = cairo_create (surface);

  for (int page = 1; page <= 12; page++)
    {
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 18);
      cairo_move_to (cr, 54, 72);
      cairo_show_text (cr, "Statement of account — synthetic benchmark page");
      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 9);
      /* A dense table, as in a bank statement: text is what poppler spends time on. */
      for (int row = 0; row < 55; row++)
        {
          char line[128];

          g_snprintf (line, sizeof line, "2024-09-%02d   CARD PURCHASE %05d   MERCHANT %03d   %9.2f   %10.2f",
                      row % 28 + 1, page * 100 + row, row * 7 % 997, row * 13.37, 10000 - row * 42.5);
          cairo_move_to (cr, 54, 110 + row * 11.5);
          cairo_show_text (cr, line);
          cairo_rectangle (cr, 50, 101 + row * 11.5, 512, 11.5);
          cairo_set_line_width (cr, 0.3);
          cairo_stroke (cr);
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return path;
}

/* ---- scrolling stalls ---- */

/* CPU time of the calling thread: on a loaded machine a dispatch's wall time also
 * counts the time the kernel gave the CPU to someone else. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static gboolean
is_loaded (AfdDocumentViewer *viewer)
{
  return afd_document_viewer_is_loaded (viewer) || afd_document_viewer_get_error_message (viewer);
}

static void
bench_scroll (const char *path)
{
  g_autoptr(AfValue) item = af_value_new_map ();
  GtkWidget *window = gtk_window_new ();
  AfdDocumentViewer *viewer = AFD_DOCUMENT_VIEWER (afd_document_viewer_new ());
  GtkAdjustment *adjustment;
  double longest = 0, longest_cpu = 0, total = 0;
  guint over_50 = 0, cpu_over_50 = 0;
  gint64 end;
  int steps = 0;

  af_value_map_set (item, "document_id", af_value_new_s ("bench"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (viewer));
  gtk_window_present (GTK_WINDOW (window));
  afd_document_viewer_set_document (viewer, NULL, item, path);
  while (!is_loaded (viewer))
    g_main_context_iteration (NULL, TRUE);
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (afd_document_viewer_get_page_view (viewer)));
  /* The first frames compile shaders (Mesa, cold cache): that is start-up, not scrolling. */
  end = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);

  /* 40 px every 16 ms, top to bottom: a steady two-finger scroll. Every main-loop
   * dispatch is timed; a stall is the longest one. */
  while (gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)
         < gtk_adjustment_get_upper (adjustment) - 1)
    {
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + 40);
      end = g_get_monotonic_time () + 16000;
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
          ms = (g_get_monotonic_time () - start) / 1000.0;
          cpu = thread_cpu_ms () - cpu;
          over_50 += ms >= 50 ? 1 : 0;
          cpu_over_50 += cpu >= 50 ? 1 : 0;
          longest = MAX (longest, ms);
          longest_cpu = MAX (longest_cpu, cpu);
        }
      steps++;
      total += 16;
    }
  g_print ("scrolling 12 pages (fit width, 1200x800 window): %d steps over %.1f s\n"
           "  longest main-loop dispatch %.1f ms wall (%u at 50 ms or more), %.1f ms of main-thread CPU "
           "(%u at 50 ms or more; target < 50 ms)\n", steps, total / 1000, longest, over_50, longest_cpu,
           cpu_over_50);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_dir_make_tmp ("bench-render-XXXXXX", &error);
  const char *fixtures = g_getenv ("AF_FIXTURES_DIR");
  g_autofree char *table = NULL;
  g_autofree char *json = NULL;
  g_autofree char *twelve = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--repeat"))
    repeat = MAX (1, atoi (argv[2]));
  if (fixtures == NULL)
    g_error ("Set AF_FIXTURES_DIR to the fixture directory");
  table = g_build_filename (fixtures, "dynamodb", "AuditFlow-Documents.json", NULL);
  if (!g_file_get_contents (table, &json, NULL, &error) ||
      (items = af_codec_parse_items_page (json, -1, NULL, &error)) == NULL)
    g_error ("%s", error->message);

  g_print ("Median of %d renders each; renderer = request on the main thread -> texture back on it\n", repeat);
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *item = g_ptr_array_index (items, i);
      g_autofree char *path = NULL;

      if (g_strcmp0 (af_item_get_s (item, "file_format"), "PDF") != 0)
        continue;
      path = af_demo_resolve_item_object (fixtures, item, NULL, NULL, NULL);
      if (path != NULL)
        bench_page (af_item_get_s (item, "file_name"), path, 0);
    }
  twelve = write_twelve_pages (scratch);
  bench_page ("twelve-pages.pdf (generated)", twelve, 0);
  bench_page ("twelve-pages.pdf (generated)", twelve, 11);

  g_free (afd_renderer_choice_apply ());   /* as main.c does: cairo where GL is software */
  if (gtk_init_check ())
    {
      adw_init ();
      bench_scroll (twelve);
    }
  else
    g_print ("no display: the scrolling stall is not measured (run under xvfb-run)\n");

  g_unlink (twelve);
  g_rmdir (scratch);
  return 0;
}
