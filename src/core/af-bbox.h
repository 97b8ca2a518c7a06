/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-bbox.h — where an extracted field sits on its page, and where that is on screen.
 *
 * The pipeline gives each field a bbox in fractions of the page with the origin at the
 * top-left (Textract's convention). These are pure functions: validation of a bbox
 * against the document, and the mapping from a bbox to a device rectangle for a page
 * drawn at a zoom and a rotation. Both the page view and the tests use them, so the
 * highlight drawn and the highlight checked come from the same arithmetic.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double left;
  double top;
  double width;
  double height;
} AfBbox;

typedef struct
{
  double x;
  double y;
  double width;
  double height;
} AfRect;

typedef enum
{
  AF_BBOX_OK,
  AF_BBOX_MISSING,         /* no bbox, or a member is not a number */
  AF_BBOX_EMPTY,           /* zero or negative width or height */
  AF_BBOX_OUTSIDE_PAGE,    /* not within [0, 1] on both axes */
  AF_BBOX_NO_SUCH_PAGE,    /* page < 1 or page > the document's page count */
} AfBboxProblem;

/* Is the box drawable on @page of a document of @page_count pages? @page_count 0 means
 * "not known yet" and skips the page check. */
AfBboxProblem  af_bbox_validate          (const AfBbox  *bbox,
                                          int            page,
                                          int            page_count);
/* A sentence for the fields panel, translated. */
const char    *af_bbox_problem_to_string (AfBboxProblem  problem);

/* Rotation must be 0, 90, 180 or 270 (clockwise); anything else is normalised. */
int            af_rotation_normalize     (int            degrees);

/* The size of a page of @page_width × @page_height units drawn at @zoom and @rotation. */
void           af_page_device_size       (double         page_width,
                                          double         page_height,
                                          double         zoom,
                                          int            rotation,
                                          double        *out_width,
                                          double        *out_height);

/* @bbox on that page, in device units relative to the page's top-left corner as drawn. */
AfRect         af_bbox_to_device         (const AfBbox  *bbox,
                                          double         page_width,
                                          double         page_height,
                                          double         zoom,
                                          int            rotation);

/* The inverse for a point: device point (relative to the drawn page) → page fractions. */
void           af_device_to_fraction     (double         x,
                                          double         y,
                                          double         page_width,
                                          double         page_height,
                                          double         zoom,
                                          int            rotation,
                                          double        *out_fx,
                                          double        *out_fy);

G_END_DECLS
