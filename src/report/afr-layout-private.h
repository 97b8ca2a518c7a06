/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-layout-private.h — what pagination (afr-layout.c) hands to drawing
 * (afr-layout-draw.c): the placed pieces of every page, and the page's measures.
 */
#pragma once

#include "afr-layout.h"

G_BEGIN_DECLS

/* Measures, in points. */
#define AFR_MARGIN          50.0
#define AFR_FOOTER_HEIGHT   28.0
#define AFR_CELL_PAD         3.5
#define AFR_BLOCK_GAP        7.0
#define AFR_HEADING_GAP     12.0
/* A heading needs this much room below it, or it moves to the next page. */
#define AFR_KEEP_WITH_NEXT  46.0

typedef enum
{
  AFR_PIECE_LINES,    /* lines [first_line, first_line + n_lines) of a text layout */
  AFR_PIECE_NOTICE,   /* a framed text */
  AFR_PIECE_ROW,      /* one table row, or its header */
  AFR_PIECE_IMAGE,    /* a picture with its regions */
} AfrPieceKind;

typedef struct
{
  AfrPieceKind     kind;
  guint            page;
  double           y;          /* the top, from the page's top edge */
  double           height;

  PangoLayout     *layout;     /* (owned) (nullable) LINES, NOTICE */
  int              first_line; /* LINES */
  int              n_lines;    /* LINES */

  GPtrArray       *cells;      /* (owned) (nullable) ROW: one PangoLayout per column */
  const AfrTable  *table;      /* ROW */
  gboolean         header;     /* ROW */
  gboolean         flagged;    /* ROW */

  const AfrBlock  *block;      /* IMAGE */
  double           scale;      /* IMAGE: points per pixel */
} AfrPiece;

struct _AfrLayout
{
  AfrReport        *report;    /* (owned) */
  double            page_width;
  double            page_height;

  PangoContext     *context;   /* (owned) (nullable) the one paginated with */
  GPtrArray        *pieces;    /* (owned) of AfrPiece, in page order */
  guint             n_pages;

  /* the cursor while paginating */
  guint             page;
  double            y;
};

double  afr_layout_body_top     (AfrLayout *self);
double  afr_layout_body_bottom  (AfrLayout *self);
double  afr_layout_body_width   (AfrLayout *self);

G_END_DECLS
