/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-label-place"

#include "af-label-place.h"

static gboolean
rects_overlap (const AfRect *a,
               const AfRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

static gboolean
inside_page (const AfRect *rect,
             const AfRect *page)
{
  return rect->x >= page->x && rect->x + rect->width <= page->x + page->width &&
         rect->y >= page->y && rect->y + rect->height <= page->y + page->height;
}

static gboolean
hits_obstacle (const AfRect *rect,
               const AfRect *obstacles,
               guint         n_obstacles)
{
  for (guint i = 0; i < n_obstacles; i++)
    if (rects_overlap (rect, &obstacles[i]))
      return TRUE;
  return FALSE;
}

/* The tag's top follows the box's top (not its centre): a tag taller than the box
 * then grows downwards, away from the caption line above. Kept on the page. */
static double
row_top (const AfRect *box,
         double        height,
         const AfRect *page)
{
  double y = box->y;

  if (y + height > page->y + page->height)
    y = page->y + page->height - height;
  return MAX (y, page->y);
}

static AfRect
candidate (AfLabelSide   side,
           const AfRect *box,
           double        width,
           double        height,
           const AfRect *page)
{
  switch (side)
    {
    case AF_LABEL_RIGHT:
      return (AfRect) { box->x + box->width + AF_LABEL_GAP, row_top (box, height, page),
                        width, height };
    case AF_LABEL_LEFT:
      return (AfRect) { box->x - AF_LABEL_GAP - width, row_top (box, height, page),
                        width, height };
    case AF_LABEL_BELOW:
    default:
      {
        /* Under the box, slid left as far as the page's right edge needs. */
        double x = MIN (box->x, page->x + page->width - width);

        return (AfRect) { MAX (x, page->x), box->y + box->height + AF_LABEL_GAP, width, height };
      }
    }
}

AfLabelSide
af_label_place (const AfRect *box,
                double        width,
                double        height,
                const AfRect *page,
                const AfRect *obstacles,
                guint         n_obstacles,
                AfRect       *out_rect)
{
  static const AfLabelSide order[] = { AF_LABEL_RIGHT, AF_LABEL_LEFT, AF_LABEL_BELOW };
  int first_on_page = -1;

  g_return_val_if_fail (box != NULL && page != NULL && out_rect != NULL, AF_LABEL_RIGHT);

  /* The first side that is on the page and clear of the other boxes; else the first
   * that is on the page; else below (a box as wide as the page, or at its foot). */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      AfRect rect = candidate (order[i], box, width, height, page);

      if (!inside_page (&rect, page))
        continue;
      if (!hits_obstacle (&rect, obstacles, n_obstacles))
        {
          *out_rect = rect;
          return order[i];
        }
      if (first_on_page < 0)
        first_on_page = (int) i;
    }
  if (first_on_page < 0)
    first_on_page = G_N_ELEMENTS (order) - 1;
  *out_rect = candidate (order[first_on_page], box, width, height, page);
  return order[first_on_page];
}
