/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-view"

#include "config.h"

#include <glib/gi18n.h>

#include "af-bbox.h"
#include "af-label-place.h"
#include "afd-page-view-private.h"
#include "afd-pii-mask.h"
#include "afd-format.h"

/* The highlight palette, from the GNOME HIG colours. Colour is never the only cue:
 * low-confidence boxes are also dashed and carry a text label, reviewed ones a tick. */
static const GdkRGBA accent = { 0.208, 0.518, 0.894, 1 };   /* blue 3 */
static const GdkRGBA warning = { 0.902, 0.380, 0.000, 1 };  /* orange 5 */
static const GdkRGBA success = { 0.149, 0.635, 0.412, 1 };  /* green 5 */
static const GdkRGBA page_border = { 0, 0, 0, 0.18 };
static const GdkRGBA paper = { 1, 1, 1, 1 };

static void
set_source (cairo_t       *cr,
            const GdkRGBA *colour,
            double         alpha)
{
  cairo_set_source_rgba (cr, colour->red, colour->green, colour->blue, colour->alpha * alpha);
}

static const GdkRGBA *
field_colour (AfField *field)
{
  if (af_field_is_reviewed (field))
    return &success;
  return af_field_is_low_confidence (field) ? &warning : &accent;
}

/* The tag's text: "⚠" only for low confidence (a selected field at 95 % is no warning),
 * "✓" once reviewed, else the label alone. */
char *
afd_page_view_dup_box_label (AfField *field)
{
  g_autofree char *title = afd_field_label (af_field_get_name (field));

  if (af_field_is_reviewed (field))
    return g_strconcat ("✓ ", title, NULL);
  if (af_field_is_low_confidence (field))
    return g_strconcat ("⚠ ", title, NULL);
  return g_steal_pointer (&title);
}

static AfRect
to_af_rect (const graphene_rect_t *rect)
{
  return (AfRect) { rect->origin.x, rect->origin.y, rect->size.width, rect->size.height };
}

/* A small tag beside the box: "⚠ Employer EIN", "✓ Employer EIN". Returns the layout
 * and where it goes (af-label-place.h): on the box's own line, so that the form's
 * caption printed above the box stays readable, and clear of the page's other boxes
 * (@others) where there is room. */
static PangoLayout *
label_layout (AfdPageView           *self,
              AfField               *field,
              const graphene_rect_t *box,
              const graphene_rect_t *page,
              GArray                *others,
              graphene_rect_t       *out_rect)
{
  g_autofree char *text = afd_page_view_dup_box_label (field);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold 8");
  AfRect af_box = to_af_rect (box), af_page = to_af_rect (page), tag;
  int tw, th;

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_get_pixel_size (layout, &tw, &th);
  af_label_place (&af_box, tw + 6, th + 2, &af_page, (const AfRect *) others->data, others->len,
                  &tag);
  graphene_rect_init (out_rect, tag.x, tag.y, tag.width, tag.height);
  return layout;
}

static void
draw_label (cairo_t               *cr,
            AfField               *field,
            PangoLayout           *layout,
            const graphene_rect_t *rect)
{
  set_source (cr, field_colour (field), 1);
  cairo_rectangle (cr, rect->origin.x, rect->origin.y, rect->size.width, rect->size.height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, rect->origin.x + 3, rect->origin.y + 1);
  pango_cairo_show_layout (cr, layout);
}

/* One small cairo node per box (and its tag): a node the size of the page would be
 * rasterised and uploaded again on every frame of a scroll. */
static void
draw_box (AfdPageView           *self,
          GtkSnapshot           *snapshot,
          AfField               *field,
          const graphene_rect_t *box,
          const graphene_rect_t *page,
          GArray                *others,
          gboolean               selected,
          gboolean               hovered)
{
  static const double dashes[] = { 5, 3 };
  const GdkRGBA *colour = field_colour (field);
  gboolean low = af_field_is_low_confidence (field) && !af_field_is_reviewed (field);
  gboolean covered = afd_pii_mask_covers (field, self->pii_revealed);
  g_autoptr(PangoLayout) layout = NULL;
  graphene_rect_t bounds, label;
  double pad = 2;
  cairo_t *cr;

  graphene_rect_inset_r (box, -(pad + 2), -(pad + 2), &bounds);
  /* A covered box is its own frame; an outline round it would make a button of it. */
  if (covered && !low && !selected && !hovered)
    return;
  if (low || selected || hovered || af_field_is_reviewed (field))
    {
      layout = label_layout (self, field, box, page, others, &label);
      graphene_rect_union (&bounds, &label, &bounds);
    }
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_rectangle (cr, box->origin.x - pad, box->origin.y - pad,
                   box->size.width + 2 * pad, box->size.height + 2 * pad);
  /* A covered box keeps its outline and tag, but no tint over the block. */
  if (!covered)
    {
      set_source (cr, colour, selected ? 0.28 : hovered ? 0.2 : 0.08);
      cairo_fill_preserve (cr);
    }
  set_source (cr, colour, low || selected || hovered ? 1 : 0.55);
  cairo_set_line_width (cr, selected ? 3 : low ? 2 : 1);
  cairo_set_dash (cr, dashes, low && !selected ? G_N_ELEMENTS (dashes) : 0, 0);
  cairo_stroke (cr);
  if (layout != NULL)
    draw_label (cr, field, layout, &label);
  cairo_destroy (cr);
}

/* Every box on @page in widget coordinates, which the tags keep clear of. */
static GArray *
page_boxes (AfdPageView *self,
            guint        page)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (AfRect));

  for (guint i = 0; i < n; i++)
    {
      graphene_rect_t box;
      AfRect rect;

      if (af_field_get_page (af_field_list_get_field (self->fields, i)) != (int) page + 1 ||
          !afd_page_view_get_field_rect (self, i, &box))
        continue;
      rect = to_af_rect (&box);
      g_array_append_val (boxes, rect);
    }
  return boxes;
}

static void
draw_highlights (AfdPageView *self,
                 GtkSnapshot *snapshot,
                 guint        page,
                 double       page_x,
                 double       page_y,
                 double       page_w,
                 double       page_h)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->fields));
  int selected = af_field_list_get_selected (self->fields);
  graphene_rect_t view, page_rect = GRAPHENE_RECT_INIT (page_x, page_y, page_w, page_h);
  g_autoptr(GArray) others = page_boxes (self, page);

  graphene_rect_init (&view, -32, -32, gtk_widget_get_width (GTK_WIDGET (self)) + 64,
                      gtk_widget_get_height (GTK_WIDGET (self)) + 64);
  /* Selected and hovered last, so that they are drawn on top. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        AfField *field = af_field_list_get_field (self->fields, i);
        gboolean on_top = (int) i == selected || (int) i == self->hovered;
        graphene_rect_t box;

        if (on_top != (pass == 1) || af_field_get_page (field) != (int) page + 1 ||
            !afd_page_view_get_field_rect (self, i, &box) || !graphene_rect_intersection (&box, &view, NULL))
          continue;
        draw_box (self, snapshot, field, &box, &page_rect, others, (int) i == selected,
                  (int) i == self->hovered);
      }
}

/* The text selection, as the text views of GNOME draw theirs: a translucent accent. */
static void
draw_selection (AfdPageView       *self,
                GtkSnapshot       *snapshot,
                const AfdPageSlot *slot,
                double             x,
                double             y)
{
  GdkRGBA colour = accent;
  AfBbox box;
  AfRect r;
  double rect[4];
  int page;

  if (!afd_page_view_get_text_selection (self, &page, rect) || slot != &g_array_index (self->pages, AfdPageSlot, page))
    return;
  box = (AfBbox) { rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1] };
  r = af_bbox_to_device (&box, slot->width, slot->height, self->zoom, self->rotation);
  colour.alpha = 0.25;
  gtk_snapshot_append_color (snapshot, &colour, &GRAPHENE_RECT_INIT (x + r.x, y + r.y, r.width, r.height));
}

/* The page's pixels, then the blocks over its personal data, both in the page's own
 * (unrotated, zoomed) coordinates so that they turn and scale together. */
static void
draw_page (AfdPageView       *self,
           GtkSnapshot       *snapshot,
           guint              index,
           const AfdPageSlot *slot,
           double             x,
           double             y,
           double             w,
           double             h)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  /* Rotate clockwise about the corner, then move the page back into its box: the
   * same transform af_bbox_to_device applies to the boxes. */
  switch (self->rotation)
    {
    case 90:
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (w, 0));
      break;
    case 180:
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (w, h));
      break;
    case 270:
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, h));
      break;
    default:
      break;
    }
  gtk_snapshot_rotate (snapshot, self->rotation);
  if (slot->texture != NULL)
    gtk_snapshot_append_texture (snapshot, slot->texture,
                                 &GRAPHENE_RECT_INIT (0, 0, slot->width * self->zoom,
                                                      slot->height * self->zoom));
  afd_pii_mask_snapshot_page (snapshot, self->fields, (int) index, slot->width, slot->height,
                              self->zoom, self->pii_revealed);
  gtk_snapshot_restore (snapshot);
}

void
afd_page_view_snapshot_pages (AfdPageView *self,
                              GtkSnapshot *snapshot)
{
  double view_h = gtk_widget_get_height (GTK_WIDGET (self));

  for (guint i = 0; i < self->pages->len; i++)
    {
      const AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, i);
      double x, y, w, h;

      afd_page_view_page_geometry (self, i, &x, &y, &w, &h);
      if (y + h < -24 || y > view_h + 24)
        continue;
      gtk_snapshot_append_color (snapshot, &page_border, &GRAPHENE_RECT_INIT (x - 1, y - 1, w + 2, h + 2));
      gtk_snapshot_append_color (snapshot, &paper, &GRAPHENE_RECT_INIT (x, y, w, h));
      draw_page (self, snapshot, i, slot, x, y, w, h);
      draw_selection (self, snapshot, slot, x, y);
      if (self->fields != NULL)
        draw_highlights (self, snapshot, i, x, y, w, h);
    }
}
