/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-bbox"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "af-bbox.h"

/* Coordinates from the pipeline are printed with four decimals; a box that ends at
 * 1.00004 is on the page, not outside it. */
#define EPSILON 1e-4

static gboolean
is_finite_bbox (const AfBbox *bbox)
{
  return isfinite (bbox->left) && isfinite (bbox->top) &&
         isfinite (bbox->width) && isfinite (bbox->height);
}

AfBboxProblem
af_bbox_validate (const AfBbox *bbox,
                  int           page,
                  int           page_count)
{
  if (bbox == NULL || !is_finite_bbox (bbox))
    return AF_BBOX_MISSING;
  if (page < 1 || (page_count > 0 && page > page_count))
    return AF_BBOX_NO_SUCH_PAGE;
  if (bbox->width <= 0 || bbox->height <= 0)
    return AF_BBOX_EMPTY;
  if (bbox->left < -EPSILON || bbox->top < -EPSILON ||
      bbox->left + bbox->width > 1 + EPSILON ||
      bbox->top + bbox->height > 1 + EPSILON)
    return AF_BBOX_OUTSIDE_PAGE;
  return AF_BBOX_OK;
}

const char *
af_bbox_problem_to_string (AfBboxProblem problem)
{
  switch (problem)
    {
    case AF_BBOX_OK:
      return "";
    case AF_BBOX_MISSING:
      return _("No position on the page was recorded for this field");
    case AF_BBOX_EMPTY:
      return _("The recorded position has no size, so it is not shown");
    case AF_BBOX_OUTSIDE_PAGE:
      return _("The recorded position lies outside the page, so it is not shown");
    case AF_BBOX_NO_SUCH_PAGE:
      return _("The recorded page does not exist in this document");
    default:
      g_return_val_if_reached ("");
    }
}

int
af_rotation_normalize (int degrees)
{
  int r = ((degrees % 360) + 360) % 360;

  /* Round to the nearest quarter turn. */
  return ((r + 45) / 90 % 4) * 90;
}

void
af_page_device_size (double  page_width,
                     double  page_height,
                     double  zoom,
                     int     rotation,
                     double *out_width,
                     double *out_height)
{
  gboolean sideways = af_rotation_normalize (rotation) % 180 != 0;

  *out_width = (sideways ? page_height : page_width) * zoom;
  *out_height = (sideways ? page_width : page_height) * zoom;
}

AfRect
af_bbox_to_device (const AfBbox *bbox,
                   double        page_width,
                   double        page_height,
                   double        zoom,
                   int           rotation)
{
  double pw = page_width * zoom;
  double ph = page_height * zoom;
  double x = bbox->left * pw;
  double y = bbox->top * ph;
  double w = bbox->width * pw;
  double h = bbox->height * ph;

  /* Clockwise rotation of the page about its own corner, then moved back so the
   * rotated page starts at (0, 0) again. */
  switch (af_rotation_normalize (rotation))
    {
    case 90:
      return (AfRect) { ph - (y + h), x, h, w };
    case 180:
      return (AfRect) { pw - (x + w), ph - (y + h), w, h };
    case 270:
      return (AfRect) { y, pw - (x + w), h, w };
    default:
      return (AfRect) { x, y, w, h };
    }
}

void
af_device_to_fraction (double  x,
                       double  y,
                       double  page_width,
                       double  page_height,
                       double  zoom,
                       int     rotation,
                       double *out_fx,
                       double *out_fy)
{
  double pw = page_width * zoom;
  double ph = page_height * zoom;
  double ux, uy;

  switch (af_rotation_normalize (rotation))
    {
    case 90:
      ux = y;
      uy = ph - x;
      break;
    case 180:
      ux = pw - x;
      uy = ph - y;
      break;
    case 270:
      ux = pw - y;
      uy = x;
      break;
    default:
      ux = x;
      uy = y;
      break;
    }

  *out_fx = pw > 0 ? ux / pw : 0;
  *out_fy = ph > 0 ? uy / ph : 0;
}
