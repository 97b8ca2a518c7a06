/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-render-warm-up"

#include "config.h"

#include <string.h>

#include "afd-render-warm-up.h"

/* GTK 4.8's GL renderer links each of its programs three times: unclipped, inside a
 * rectangular clip, inside a rounded one; Mesa's llvmpipe compiles a program when it
 * first draws with it, 30–120 ms of the main thread, and not all of that comes from its
 * disk cache in a later run. The window's first frames use few of them; typing a search
 * used more (a list's row under the pointer, clipped by its scrolled window; a scrollbar
 * fading in, drawn offscreen and blended back; the entry's focus ring): bench-stalls
 * measured 50–120 ms frames in the typing, the renderer compiling. Each stage draws one
 * kind of node (a fill, text, a border, a recoloured icon, an offscreen blend) in one
 * clip, 12 px wide, under an opaque child: one compile per frame while the window is
 * new, rather than in the middle of the first search. */

typedef enum
{
  DRAW_COLOR,
  DRAW_TEXT,
  DRAW_BORDER,
  DRAW_ICON,
  DRAW_BLEND,
  N_DRAWS
} Draw;

typedef enum
{
  CLIP_NONE,
  CLIP_RECT,
  CLIP_ROUNDED,
  N_CLIPS
} Clip;

G_STATIC_ASSERT (N_DRAWS * N_CLIPS == AFD_RENDER_WARM_UP_STAGES);

#define SIZE 12.0f

static GdkTexture *
icon_texture (void)
{
  static GdkTexture *texture;

  if (texture == NULL)
    {
      guchar pixels[16 * 16 * 4];
      g_autoptr(GBytes) bytes = NULL;

      memset (pixels, 0x80, sizeof pixels);
      bytes = g_bytes_new (pixels, sizeof pixels);
      texture = gdk_memory_texture_new (16, 16, GDK_MEMORY_DEFAULT, bytes, 16 * 4);
    }
  return texture;
}

static void
draw_icon (GtkSnapshot           *snapshot,
           const graphene_rect_t *area)
{
  graphene_matrix_t matrix;
  graphene_vec4_t offset;

  graphene_matrix_init_scale (&matrix, 0.5f, 0.5f, 0.5f);
  graphene_vec4_init (&offset, 0, 0, 0, 0);
  gtk_snapshot_push_color_matrix (snapshot, &matrix, &offset);
  gtk_snapshot_append_texture (snapshot, icon_texture (), area);
  gtk_snapshot_pop (snapshot);
}

static void
draw (GtkWidget             *widget,
      GtkSnapshot           *snapshot,
      const graphene_rect_t *area,
      Draw                   what)
{
  GdkRGBA grey = { 0.5f, 0.5f, 0.5f, 0.5f };
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, area, SIZE / 4);
  switch (what)
    {
    case DRAW_COLOR:
      gtk_snapshot_append_color (snapshot, &grey, area);
      break;
    case DRAW_TEXT:
      {
        g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, "Ag");

        gtk_snapshot_save (snapshot);
        gtk_snapshot_translate (snapshot, &area->origin);
        gtk_snapshot_append_layout (snapshot, layout, &grey);
        gtk_snapshot_restore (snapshot);
      }
      break;
    case DRAW_BORDER:
      gtk_snapshot_append_border (snapshot, &rounded, (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { grey, grey, grey, grey });
      break;
    case DRAW_ICON:
      draw_icon (snapshot, area);
      break;
    case DRAW_BLEND:
    case N_DRAWS:
    default:
      /* An opacity over more than one node: drawn offscreen, then blended back. */
      gtk_snapshot_push_opacity (snapshot, 0.5);
      gtk_snapshot_append_color (snapshot, &grey, area);
      gtk_snapshot_append_border (snapshot, &rounded, (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { grey, grey, grey, grey });
      gtk_snapshot_pop (snapshot);
      break;
    }
}

void
afd_render_warm_up_snapshot (GtkWidget             *widget,
                             GtkSnapshot           *snapshot,
                             const graphene_rect_t *under,
                             guint                  stage)
{
  graphene_rect_t area, clip;
  GskRoundedRect rounded;
  Clip how = stage % N_CLIPS;

  if (stage >= AFD_RENDER_WARM_UP_STAGES ||
      under->size.width < 4 * SIZE || under->size.height < 4 * SIZE)
    return;
  graphene_rect_init (&area, under->origin.x + SIZE, under->origin.y + SIZE, SIZE, SIZE);
  /* Smaller than the node, so that the node is clipped for real. */
  graphene_rect_inset_r (&area, SIZE / 4, SIZE / 4, &clip);
  gsk_rounded_rect_init_from_rect (&rounded, &clip, SIZE / 4);
  if (how == CLIP_RECT)
    gtk_snapshot_push_clip (snapshot, &clip);
  else if (how == CLIP_ROUNDED)
    gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  draw (widget, snapshot, &area, stage / N_CLIPS);
  if (how != CLIP_NONE)
    gtk_snapshot_pop (snapshot);
}

gboolean
afd_render_warm_up_wanted (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer == NULL || !GSK_IS_CAIRO_RENDERER (renderer);
}
