/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-label-place.h — where a field's tag ("⚠ Employer EIN") goes beside its box.
 *
 * Forms print a box's caption on the line just above the value ("b Employer
 * identification number (EIN)" over "72-9813483"), so a tag drawn above the box
 * hides the very words a reviewer compares the value with. The tag goes beside the
 * box on its own line instead: to the right, flipped to the left near the page's
 * right edge, below the box when neither side has room; never over the box, and
 * not over another field's box when some other place is free. A pure function, so
 * that the page view draws and the tests check the same arithmetic.
 */
#pragma once

#include <glib.h>

#include "af-bbox.h"

G_BEGIN_DECLS

/* The gap between the box and its tag, beyond the box's outline. */
#define AF_LABEL_GAP 6.0

typedef enum
{
  AF_LABEL_RIGHT,
  AF_LABEL_LEFT,
  AF_LABEL_BELOW,
} AfLabelSide;

/* Places a @width × @height tag for @box on @page (all in the same device units),
 * avoiding the @n_obstacles rectangles (other fields' boxes) where possible.
 * Returns the side chosen; @out_rect receives the tag's rectangle. */
AfLabelSide af_label_place (const AfRect *box,
                            double        width,
                            double        height,
                            const AfRect *page,
                            const AfRect *obstacles,
                            guint         n_obstacles,
                            AfRect       *out_rect);

G_END_DECLS
