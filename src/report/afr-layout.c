/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-layout"

#include "config.h"

#include "afr-layout-private.h"

/* A cell or a notice never grows past this share of a page's body: a server's
 * megabyte of text is cut with an ellipsis rather than stopping the pagination. */
#define MAX_BOX_SHARE 0.8
/* A picture takes at most this share of the body's height. */
#define MAX_IMAGE_SHARE 0.55

static const char *
font_for (AfrBlockKind kind)
{
  switch (kind)
    {
    case AFR_BLOCK_TITLE:
      return "Sans Bold 19";
    case AFR_BLOCK_HEADING:
      return "Sans Bold 12.5";
    case AFR_BLOCK_NOTICE:
      return "Sans Bold 9";
    case AFR_BLOCK_PARAGRAPH:
    case AFR_BLOCK_TABLE:
    case AFR_BLOCK_IMAGE:
    default:
      return "Sans 9";
    }
}

static void
piece_free (gpointer data)
{
  AfrPiece *piece = data;

  g_clear_object (&piece->layout);
  g_clear_pointer (&piece->cells, g_ptr_array_unref);
  g_free (piece);
}

AfrLayout *
afr_layout_new (AfrReport *report,
                double     page_width,
                double     page_height)
{
  AfrLayout *self = g_new0 (AfrLayout, 1);

  g_return_val_if_fail (AFR_IS_REPORT (report), NULL);

  self->report = g_object_ref (report);
  self->page_width = page_width;
  self->page_height = page_height;
  self->pieces = g_ptr_array_new_with_free_func (piece_free);
  return self;
}

void
afr_layout_free (AfrLayout *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->report);
  g_clear_object (&self->context);
  g_ptr_array_unref (self->pieces);
  g_free (self);
}

double
afr_layout_body_top (AfrLayout *self)
{
  return AFR_MARGIN;
}

double
afr_layout_body_bottom (AfrLayout *self)
{
  return self->page_height - AFR_MARGIN - AFR_FOOTER_HEIGHT;
}

double
afr_layout_body_width (AfrLayout *self)
{
  return self->page_width - 2 * AFR_MARGIN;
}

static PangoLayout *
text_layout (AfrLayout  *self,
             const char *text,
             const char *font,
             double      width,
             double      max_height)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) description = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, description);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  if (max_height > 0)
    {
      pango_layout_set_height (layout, (int) (max_height * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static void
new_page (AfrLayout *self)
{
  self->page++;
  self->y = afr_layout_body_top (self);
}

/* Moves to a new page unless @height fits below the cursor; a page that is still
 * empty takes anything (what does not fit there fits nowhere). */
static void
ensure_room (AfrLayout *self,
             double     height)
{
  if (self->y + height > afr_layout_body_bottom (self) && self->y > afr_layout_body_top (self))
    new_page (self);
}

static AfrPiece *
add_piece (AfrLayout    *self,
           AfrPieceKind  kind,
           double        height)
{
  AfrPiece *piece = g_new0 (AfrPiece, 1);

  piece->kind = kind;
  piece->page = self->page;
  piece->y = self->y;
  piece->height = height;
  self->y += height;
  g_ptr_array_add (self->pieces, piece);
  return piece;
}

/* The lines of @layout from the cursor on, as many per page as fit. */
static void
place_lines (AfrLayout   *self,
             PangoLayout *layout)
{
  int n_lines = pango_layout_get_line_count (layout);
  int first = 0;

  while (first < n_lines)
    {
      double room = afr_layout_body_bottom (self) - self->y;
      double height = 0;
      int count = 0;

      for (int i = first; i < n_lines; i++)
        {
          PangoRectangle logical;

          pango_layout_line_get_extents (pango_layout_get_line_readonly (layout, i), NULL,
                                         &logical);
          if (count > 0 && height + (double) logical.height / PANGO_SCALE > room)
            break;
          height += (double) logical.height / PANGO_SCALE;
          count++;
        }
      if (height > room && self->y > afr_layout_body_top (self))
        {
          new_page (self);
          continue;
        }
      {
        AfrPiece *piece = add_piece (self, AFR_PIECE_LINES, height);

        piece->layout = g_object_ref (layout);
        piece->first_line = first;
        piece->n_lines = count;
      }
      first += count;
      if (first < n_lines)
        new_page (self);
    }
}

static void
place_text (AfrLayout  *self,
            const char *text,
            const char *font,
            double      gap_after)
{
  g_autoptr(PangoLayout) layout = text_layout (self, text, font, afr_layout_body_width (self), 0);

  place_lines (self, layout);
  self->y += gap_after;
}

static void
place_title (AfrLayout      *self,
             const AfrBlock *block)
{
  place_text (self, block->text, font_for (AFR_BLOCK_TITLE), 2);
  if (block->subtitle != NULL)
    place_text (self, block->subtitle, "Sans 12", 0);
  self->y += AFR_HEADING_GAP;
}


static void
place_notice (AfrLayout      *self,
              const AfrBlock *block)
{
  double inner = afr_layout_body_width (self) - 4 * AFR_CELL_PAD - 3;
  double max_height = (afr_layout_body_bottom (self) - afr_layout_body_top (self)) * MAX_BOX_SHARE;
  g_autoptr(PangoLayout) layout = text_layout (self, block->text, font_for (AFR_BLOCK_NOTICE),
                                               inner, max_height);
  double height = layout_height (layout) + 2 * AFR_CELL_PAD;

  ensure_room (self, height);
  add_piece (self, AFR_PIECE_NOTICE, height)->layout = g_steal_pointer (&layout);
  self->y += AFR_BLOCK_GAP;
}

/* One row's cells wrapped to their columns; returns the row's height. */
static GPtrArray *
row_layouts (AfrLayout      *self,
             const AfrTable *table,
             int             row,        /* -1: the header */
             double         *out_height)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_object_unref);
  double max_height = (afr_layout_body_bottom (self) - afr_layout_body_top (self)) * MAX_BOX_SHARE;
  gboolean facts = !afr_table_has_header (table);

  *out_height = 0;
  for (guint c = 0; c < afr_table_get_n_columns (table); c++)
    {
      double width = afr_table_get_fraction (table, c) * afr_layout_body_width (self);
      const char *text = row < 0 ? afr_table_get_title (table, c)
                                 : afr_table_get_cell (table, row, c);
      /* A header, and the labels of a facts table, are bold. */
      const char *font = (row < 0 || (facts && c == 0)) ? "Sans Bold 9" : "Sans 9";
      PangoLayout *layout = text_layout (self, text, font, width - 2 * AFR_CELL_PAD, max_height);

      *out_height = MAX (*out_height, layout_height (layout) + 2 * AFR_CELL_PAD);
      g_ptr_array_add (cells, layout);
    }
  return cells;
}

static void
add_row_piece (AfrLayout      *self,
               const AfrTable *table,
               int             row,
               GPtrArray      *cells,    /* (transfer full) */
               double          height)
{
  AfrPiece *piece = add_piece (self, AFR_PIECE_ROW, height);

  piece->cells = cells;
  piece->table = table;
  piece->header = row < 0;
  piece->flagged = row >= 0 && afr_table_row_is_flagged (table, row);
}

static void
place_header (AfrLayout      *self,
              const AfrTable *table)
{
  double height;
  GPtrArray *cells = row_layouts (self, table, -1, &height);

  add_row_piece (self, table, -1, cells, height);
}

/* Rows one by one; at a page break the header row is repeated above the next row.
 * The header never stays alone: it needs the room of the first row below it. */
static void
place_table (AfrLayout      *self,
             const AfrBlock *block)
{
  const AfrTable *table = block->table;
  gboolean header = afr_table_has_header (table);
  double header_height = 0;

  if (header)
    g_ptr_array_unref (row_layouts (self, table, -1, &header_height));
  for (guint r = 0; r < afr_table_get_n_rows (table); r++)
    {
      double height;
      GPtrArray *cells = row_layouts (self, table, (int) r, &height);
      guint page = self->page;

      ensure_room (self, height + (r == 0 ? header_height : 0));
      if (header && (r == 0 || self->page != page))
        place_header (self, table);
      add_row_piece (self, table, (int) r, cells, height);
    }
  self->y += AFR_BLOCK_GAP;
}

/* Points per pixel: the body's width, or a share of its height, whichever is less. */
static double
image_scale (AfrLayout      *self,
             const AfrBlock *block)
{
  double width = cairo_image_surface_get_width (block->image);
  double height = cairo_image_surface_get_height (block->image);
  double body = afr_layout_body_bottom (self) - afr_layout_body_top (self);

  if (width <= 0 || height <= 0)
    return 0;
  return MIN (afr_layout_body_width (self) / width, body * MAX_IMAGE_SHARE / height);
}

static void
place_image (AfrLayout      *self,
             const AfrBlock *block)
{
  double height = cairo_image_surface_get_height (block->image);
  double scale = image_scale (self, block);

  if (scale <= 0)
    return;
  ensure_room (self, height * scale + 40);
  {
    AfrPiece *piece = add_piece (self, AFR_PIECE_IMAGE, height * scale);

    piece->block = block;
    piece->scale = scale;
  }
  self->y += AFR_CELL_PAD;
  if (block->text != NULL)
    place_text (self, block->text, "Sans Italic 8.5", 0);
  self->y += AFR_BLOCK_GAP;
}

/* How much of @block must follow a heading on its page: a table's header and first
 * row, a picture or a notice whole, else a few lines. */
static double
first_part_height (AfrLayout      *self,
                   const AfrBlock *block)
{
  double height = AFR_KEEP_WITH_NEXT;

  if (block == NULL)
    return 0;
  if (block->kind == AFR_BLOCK_TABLE && afr_table_get_n_rows (block->table) > 0)
    {
      double header = 0, row = 0;

      if (afr_table_has_header (block->table))
        g_ptr_array_unref (row_layouts (self, block->table, -1, &header));
      g_ptr_array_unref (row_layouts (self, block->table, 0, &row));
      height = header + row;
    }
  else if (block->kind == AFR_BLOCK_IMAGE)
    height = 40 + MIN (cairo_image_surface_get_height (block->image) * image_scale (self, block),
                       afr_layout_body_bottom (self) - afr_layout_body_top (self));
  return height;
}

static void
place_heading (AfrLayout      *self,
               const AfrBlock *block,
               const AfrBlock *next)   /* (nullable) */
{
  g_autoptr(PangoLayout) layout = text_layout (self, block->text, font_for (AFR_BLOCK_HEADING),
                                               afr_layout_body_width (self), 0);

  self->y += AFR_HEADING_GAP / 2;
  ensure_room (self, layout_height (layout) + AFR_BLOCK_GAP / 2 + first_part_height (self, next));
  place_lines (self, layout);
  self->y += AFR_BLOCK_GAP / 2;
}

static void
place_block (AfrLayout      *self,
             const AfrBlock *block,
             const AfrBlock *next)   /* (nullable) */
{
  switch (block->kind)
    {
    case AFR_BLOCK_TITLE:
      place_title (self, block);
      break;
    case AFR_BLOCK_HEADING:
      place_heading (self, block, next);
      break;
    case AFR_BLOCK_PARAGRAPH:
      place_text (self, block->text, font_for (block->kind), AFR_BLOCK_GAP);
      break;
    case AFR_BLOCK_NOTICE:
      place_notice (self, block);
      break;
    case AFR_BLOCK_TABLE:
      place_table (self, block);
      break;
    case AFR_BLOCK_IMAGE:
    default:
      place_image (self, block);
      break;
    }
}

guint
afr_layout_paginate (AfrLayout    *self,
                     PangoContext *context)
{
  guint n_blocks = afr_report_get_n_blocks (self->report);

  g_return_val_if_fail (PANGO_IS_CONTEXT (context), 0);

  g_set_object (&self->context, context);
  g_ptr_array_set_size (self->pieces, 0);
  self->page = 0;
  self->y = afr_layout_body_top (self);
  for (guint i = 0; i < n_blocks; i++)
    place_block (self, afr_report_get_block (self->report, i),
                 i + 1 < n_blocks ? afr_report_get_block (self->report, i + 1) : NULL);
  self->n_pages = self->page + 1;
  return self->n_pages;
}

guint
afr_layout_get_n_pages (AfrLayout *self)
{
  return self->n_pages;
}
