/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-layout"

#include "config.h"

#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "afr-layout-private.h"

/* Black text on white paper, greys for rules; the flags are also said in words, never
 * by colour alone (a report is often printed in black and white). */
#define INK        0.13, 0.13, 0.13
#define RULE       0.72, 0.72, 0.72
#define HEADER_BG  0.92, 0.92, 0.92
#define FLAG_BG    1.00, 0.94, 0.80
#define FLAG_BAR   0.80, 0.45, 0.00
#define MARK       0.85, 0.10, 0.10

static void
draw_lines (cairo_t        *cr,
            const AfrPiece *piece)
{
  PangoLayoutIter *iter = pango_layout_get_iter (piece->layout);
  double top = -1;
  int index = 0;

  do
    {
      PangoRectangle logical;
      double baseline;

      if (index < piece->first_line)
        continue;
      if (index >= piece->first_line + piece->n_lines)
        break;
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      if (top < 0)
        top = (double) logical.y / PANGO_SCALE;
      cairo_move_to (cr, AFR_MARGIN + (double) logical.x / PANGO_SCALE,
                     piece->y + baseline - top);
      pango_cairo_show_layout_line (cr, pango_layout_iter_get_line_readonly (iter));
    }
  while (index++, pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
draw_notice (AfrLayout      *self,
             cairo_t        *cr,
             const AfrPiece *piece)
{
  double width = afr_layout_body_width (self);

  cairo_set_source_rgb (cr, FLAG_BG);
  cairo_rectangle (cr, AFR_MARGIN, piece->y, width, piece->height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, FLAG_BAR);
  cairo_rectangle (cr, AFR_MARGIN, piece->y, 3, piece->height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, INK);
  cairo_move_to (cr, AFR_MARGIN + 3 + 2 * AFR_CELL_PAD, piece->y + AFR_CELL_PAD);
  pango_cairo_show_layout (cr, piece->layout);
}

static void
draw_row (AfrLayout      *self,
          cairo_t        *cr,
          const AfrPiece *piece)
{
  double width = afr_layout_body_width (self);
  double x = AFR_MARGIN;

  if (piece->header || piece->flagged)
    {
      if (piece->header)
        cairo_set_source_rgb (cr, HEADER_BG);
      else
        cairo_set_source_rgb (cr, FLAG_BG);
      cairo_rectangle (cr, AFR_MARGIN, piece->y, width, piece->height);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, INK);
  for (guint c = 0; c < piece->cells->len; c++)
    {
      cairo_move_to (cr, x + AFR_CELL_PAD, piece->y + AFR_CELL_PAD);
      pango_cairo_show_layout (cr, g_ptr_array_index (piece->cells, c));
      x += afr_table_get_fraction (piece->table, c) * width;
    }
  cairo_set_source_rgb (cr, RULE);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, AFR_MARGIN, piece->y + piece->height);
  cairo_rel_line_to (cr, width, 0);
  cairo_stroke (cr);
}

static void
draw_region (AfrLayout       *self,
             cairo_t         *cr,
             const AfrPiece  *piece,
             const AfrRegion *region)
{
  double x = AFR_MARGIN + region->x * piece->scale;
  double y = piece->y + region->y * piece->scale;
  g_autoptr(PangoLayout) label = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold 8");
  int label_width, label_height;

  cairo_set_source_rgb (cr, MARK);
  cairo_set_line_width (cr, 1.5);
  cairo_rectangle (cr, x, y, MAX (region->width * piece->scale, 2),
                   MAX (region->height * piece->scale, 2));
  cairo_stroke (cr);

  pango_layout_set_font_description (label, font);
  pango_layout_set_text (label, region->label, -1);
  pango_layout_get_pixel_size (label, &label_width, &label_height);
  cairo_rectangle (cr, x, y, label_width + 4, label_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x + 2, y);
  pango_cairo_show_layout (cr, label);
}

static void
draw_image (AfrLayout      *self,
            cairo_t        *cr,
            const AfrPiece *piece)
{
  const AfrBlock *block = piece->block;

  cairo_save (cr);
  cairo_translate (cr, AFR_MARGIN, piece->y);
  cairo_scale (cr, piece->scale, piece->scale);
  cairo_set_source_surface (cr, block->image, 0, 0);
  cairo_paint (cr);
  cairo_restore (cr);
  for (guint i = 0; block->regions != NULL && i < block->regions->len; i++)
    draw_region (self, cr, piece, &g_array_index (block->regions, AfrRegion, i));
}

static void
draw_footer (AfrLayout *self,
             cairo_t   *cr,
             guint      page)
{
  g_autoptr(PangoLayout) left = pango_layout_new (self->context);
  g_autoptr(PangoLayout) right = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans 7.5");
  /* Translators: the page number in a report's footer. */
  g_autofree char *number = g_strdup_printf (_("Page %u of %u"), page + 1, self->n_pages);
  double top = self->page_height - AFR_MARGIN - AFR_FOOTER_HEIGHT + 10;
  int number_width;

  pango_layout_set_font_description (right, font);
  pango_layout_set_text (right, number, -1);
  pango_layout_get_pixel_size (right, &number_width, NULL);
  pango_layout_set_font_description (left, font);
  pango_layout_set_width (left, (int) ((afr_layout_body_width (self) - number_width - 12) *
                                       PANGO_SCALE));
  pango_layout_set_wrap (left, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (left, afr_report_get_footer (self->report) ?: "", -1);

  cairo_set_source_rgb (cr, RULE);
  cairo_set_line_width (cr, 0.5);
  cairo_move_to (cr, AFR_MARGIN, top - 4);
  cairo_rel_line_to (cr, afr_layout_body_width (self), 0);
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, INK);
  cairo_move_to (cr, AFR_MARGIN, top);
  pango_cairo_show_layout (cr, left);
  cairo_move_to (cr, AFR_MARGIN + afr_layout_body_width (self) - number_width, top);
  pango_cairo_show_layout (cr, right);
}

static void
draw_piece (AfrLayout      *self,
            cairo_t        *cr,
            const AfrPiece *piece)
{
  cairo_set_source_rgb (cr, INK);
  switch (piece->kind)
    {
    case AFR_PIECE_LINES:
      draw_lines (cr, piece);
      break;
    case AFR_PIECE_NOTICE:
      draw_notice (self, cr, piece);
      break;
    case AFR_PIECE_ROW:
      draw_row (self, cr, piece);
      break;
    case AFR_PIECE_IMAGE:
    default:
      draw_image (self, cr, piece);
      break;
    }
}

void
afr_layout_draw_page (AfrLayout *self,
                      cairo_t   *cr,
                      guint      page)
{
  g_return_if_fail (self != NULL && self->context != NULL);
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);
  for (guint i = 0; i < self->pieces->len; i++)
    {
      const AfrPiece *piece = g_ptr_array_index (self->pieces, i);

      if (piece->page == page)
        draw_piece (self, cr, piece);
    }
  draw_footer (self, cr, page);
  cairo_restore (cr);
}
