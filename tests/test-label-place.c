/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-label-place.c — a field's tag on the page never covers its box nor the
 * form's caption printed above it (af-label-place.h), with the W-2 of the fixtures
 * (tests/fixtures … w2-2023.pdf, 612 × 792 points) as the page: its boxes and
 * captions are where pdftotext -bbox finds them.
 */
#define G_LOG_DOMAIN "test-label-place"

#include "af-label-place.h"

static const AfRect letter = { 0, 0, 612, 792 };
/* "72-9813483" and, above it, "b Employer identification number (EIN)". */
static const AfRect ein_box = { 42, 84.7, 60, 7.9 };
static const AfRect ein_caption = { 38.5, 75.0, 108.2, 5.8 };
/* "92400.00" (box 1, wages) and box 2's value, by the right edge. */
static const AfRect wages_box = { 403, 84.7, 48, 7.9 };
static const AfRect withheld_box = { 523, 84.7, 48, 7.9 };

static gboolean
overlap (const AfRect *a,
         const AfRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

static void
assert_on_page (const AfRect *rect)
{
  g_assert_cmpfloat (rect->x, >=, letter.x);
  g_assert_cmpfloat (rect->y, >=, letter.y);
  g_assert_cmpfloat (rect->x + rect->width, <=, letter.x + letter.width);
  g_assert_cmpfloat (rect->y + rect->height, <=, letter.y + letter.height);
}

/* The EIN's tag: beside the value, on its line, clear of the caption above. */
static void
test_caption_stays_visible (void)
{
  AfRect tag;

  g_assert_cmpint (af_label_place (&ein_box, 80, 12, &letter, NULL, 0, &tag), ==,
                   AF_LABEL_RIGHT);
  g_assert_false (overlap (&tag, &ein_caption));
  g_assert_false (overlap (&tag, &ein_box));
  g_assert_cmpfloat (tag.x, >=, ein_box.x + ein_box.width + AF_LABEL_GAP);
  g_assert_cmpfloat (tag.y, ==, ein_box.y);
  assert_on_page (&tag);
}

/* By the page's right edge the tag flips to the left of the box. */
static void
test_flips_at_right_edge (void)
{
  AfRect tag;

  g_assert_cmpint (af_label_place (&withheld_box, 90, 12, &letter, NULL, 0, &tag), ==,
                   AF_LABEL_LEFT);
  g_assert_cmpfloat (tag.x + tag.width, <=, withheld_box.x - AF_LABEL_GAP);
  g_assert_false (overlap (&tag, &withheld_box));
  assert_on_page (&tag);
}

/* Flipped left it would cover the wages value: it goes below the box instead. */
static void
test_avoids_other_boxes (void)
{
  AfRect tag;

  g_assert_cmpint (af_label_place (&withheld_box, 90, 12, &letter, &wages_box, 1, &tag), ==,
                   AF_LABEL_BELOW);
  g_assert_false (overlap (&tag, &wages_box));
  g_assert_false (overlap (&tag, &withheld_box));
  g_assert_cmpfloat (tag.y, >=, withheld_box.y + withheld_box.height);
  assert_on_page (&tag);
}

/* A box across the page has no room beside it: below, slid back onto the page. */
static void
test_wide_box_goes_below (void)
{
  const AfRect wide = { 20, 300, 585, 10 };
  AfRect tag;

  g_assert_cmpint (af_label_place (&wide, 120, 12, &letter, NULL, 0, &tag), ==, AF_LABEL_BELOW);
  g_assert_false (overlap (&tag, &wide));
  assert_on_page (&tag);
}

/* A box at the foot of the page: the tag moves up beside it, staying on the page. */
static void
test_bottom_edge (void)
{
  const AfRect low = { 100, 785, 50, 6 };
  AfRect tag;

  af_label_place (&low, 60, 12, &letter, NULL, 0, &tag);
  assert_on_page (&tag);
  g_assert_false (overlap (&tag, &low));
}

/* Any box, any tag: never over the box nor over the caption band just above it. */
static void
test_never_over_box_or_caption (void)
{
  for (guint i = 0; i < 5000; i++)
    {
      AfRect box = { g_test_rand_double_range (0, 580), g_test_rand_double_range (12, 780), 0, 0 };
      AfRect caption, tag;
      double width = g_test_rand_double_range (20, 160);

      box.width = g_test_rand_double_range (4, letter.width - box.x);
      box.height = g_test_rand_double_range (4, MIN (40, letter.height - box.y));
      caption = (AfRect) { box.x, box.y - 10, box.width, 10 };
      af_label_place (&box, width, 12, &letter, NULL, 0, &tag);
      if (overlap (&tag, &box) || overlap (&tag, &caption))
        g_error ("box %g,%g %gx%g: tag at %g,%g", box.x, box.y, box.width, box.height, tag.x,
                 tag.y);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/label-place/caption-visible", test_caption_stays_visible);
  g_test_add_func ("/label-place/right-edge", test_flips_at_right_edge);
  g_test_add_func ("/label-place/other-boxes", test_avoids_other_boxes);
  g_test_add_func ("/label-place/wide-box", test_wide_box_goes_below);
  g_test_add_func ("/label-place/bottom-edge", test_bottom_edge);
  g_test_add_func ("/label-place/never-over-box-or-caption", test_never_over_box_or_caption);
  return g_test_run ();
}
