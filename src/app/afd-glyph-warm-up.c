/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-glyph-warm-up"

#include "config.h"

#include "afd-glyph-warm-up.h"

/* The first search of a session showed its results in a frame of 10-14 ms of the main
 * thread's CPU (bench-stalls, typing, every session cold or warm), the longest of the
 * typing: perf put a third of it in FreeType's TrueType hinting interpreter and most
 * of the rest in HarfBuzz and Pango, the headers' and badges' sizes (0.9 em, 0.8 em
 * bold) being new to the window, each of their glyphs rasterized there for the first
 * time. Cairo keeps a font's glyphs once rasterized, whatever surface they are drawn
 * on next: a label's own layout drawn into a small image surface fills the cache the
 * window's renderer reads. Printable ASCII covers names, ids and file names; the
 * ellipsis ends a label cut short. With it (bench-stalls, typing, cairo, cold and warm
 * sessions, 3 rounds alternating, load 0.6-1.3): the most main CPU in a dispatch 8.6 ms
 * median (8.0-11.2) against 10.7 (8.2-12.7); perf, FreeType's samples in the first
 * results' dispatch 14 against 2. The warm-up takes 0.3-6.5 ms an idle, ~20 ms in all,
 * after the first frame. The longest gaps (18-61 ms either way) are this shared
 * machine's: they did not follow the change. */
#define WARM_UP_TEXT " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ" \
                     "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u2026\u00b7\u2013\u00e9"

static void
draw_label (GtkLabel *label)
{
  PangoLayout *layout;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  gtk_label_set_text (label, WARM_UP_TEXT);
  layout = gtk_label_get_layout (label);
  pango_layout_get_pixel_size (layout, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, MAX (width, 1), MAX (height, 1));
  cr = cairo_create (surface);
  pango_cairo_show_layout (cr, layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static gboolean
draw_next_cb (gpointer data)
{
  GPtrArray *labels = data;
  gint64 start = g_get_monotonic_time ();

  if (labels->len == 0)
    return G_SOURCE_REMOVE;
  draw_label (GTK_LABEL (labels->pdata[labels->len - 1]));
  g_ptr_array_set_size (labels, labels->len - 1);
  g_debug ("a style's glyphs drawn in %.1f ms", (g_get_monotonic_time () - start) / 1e3);
  return labels->len > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

void
afd_glyph_warm_up_start (GPtrArray *labels)
{
  g_return_if_fail (labels != NULL);

  g_ptr_array_set_free_func (labels, g_object_unref);
  for (guint i = 0; i < labels->len; i++)
    {
      g_return_if_fail (GTK_IS_LABEL (labels->pdata[i]));
      g_object_ref_sink (labels->pdata[i]);
    }
  g_idle_add_full (G_PRIORITY_LOW, draw_next_cb, labels, (GDestroyNotify) g_ptr_array_unref);
}
