/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local forensics on pictures made here with the truth planted: a copy-move found
 * (both regions), clean textures without one, a pasted patch standing out in the ELA,
 * the JPEG quality read back, an edited picture's thumbnail, dates and software, an
 * AI-generated declaration, a file without metadata; the progress, cancellation and
 * cache of the asynchronous inspection.
 */
#include <gio/gio.h>

#include "af-forensics.h"
#include "forensics-images.h"

static AfForensicsReport *
inspect_bytes (GBytes *bytes,
               int     ela_quality)
{
  g_autoptr(GError) error = NULL;
  AfForensicsReport *report = af_forensics_inspect (bytes, ela_quality, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static guint
count_kind (AfForensicsReport *report,
            AfFindingKind      kind)
{
  GListModel *findings = af_forensics_report_get_findings (report);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      count += af_finding_get_kind (finding) == kind;
    }
  return count;
}

static AfFinding *
first_of_kind (AfForensicsReport *report,
               AfFindingKind      kind)
{
  GListModel *findings = af_forensics_report_get_findings (report);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      if (af_finding_get_kind (finding) == kind)
        return g_steal_pointer (&finding);
    }
  return NULL;
}

/* A region copied off the 8 × 8 grid, then the whole picture saved once as a JPEG:
 * both the original region and its copy are found. */
static void
test_copy_move_found (gconstpointer data)
{
  TextureKind kind = GPOINTER_TO_INT (data);
  g_autoptr(AfImageBuffer) image = forensics_texture (kind, 640, 480, 11);
  AfImageRect from = { 45, 283, 100, 84 };
  AfImageRect to = { 389, 61, 100, 84 };
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(AfFinding) finding = NULL;
  const AfImageRect *source, *target;
  double iou_direct, iou_swapped;

  forensics_copy_region (image, &from, to.x, to.y);
  jpeg = forensics_jpeg (image, 85);
  report = inspect_bytes (jpeg, 0);
  finding = first_of_kind (report, AF_FINDING_KIND_COPY_MOVE);
  g_assert_nonnull (finding);
  source = af_finding_get_source (finding);
  target = af_finding_get_target (finding);
  g_assert_nonnull (source);
  g_assert_nonnull (target);
  iou_direct = MIN (forensics_iou (source, &from), forensics_iou (target, &to));
  iou_swapped = MIN (forensics_iou (source, &to), forensics_iou (target, &from));
  g_test_message ("source %d,%d %dx%d target %d,%d %dx%d IoU %.2f", source->x, source->y,
                  source->width, source->height, target->x, target->y, target->width,
                  target->height, MAX (iou_direct, iou_swapped));
  g_assert_cmpfloat (MAX (iou_direct, iou_swapped), >=, 0.5);
  g_assert_cmpuint (af_finding_get_severity (finding), ==, AF_FINDING_SEVERITY_WARNING);
}

/* Five untouched textures, one with a flat sky: no copy-move. */
static void
test_clean_textures (void)
{
  for (int kind = 0; kind < N_TEXTURES; kind++)
    {
      g_autoptr(AfImageBuffer) image = forensics_texture (kind, 640, 480, 23 + kind);
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, 88);
      g_autoptr(AfForensicsReport) report = inspect_bytes (jpeg, 0);

      g_test_message ("texture %d: %u copy-move", kind,
                      count_kind (report, AF_FINDING_KIND_COPY_MOVE));
      g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_COPY_MOVE), ==, 0);
    }
}

/* The JPEG quality read from the quantisation tables, within 3 of the one used. */
static void
test_jpeg_quality (void)
{
  const int qualities[] = { 30, 50, 65, 75, 82, 90, 95, 100 };
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 128, 96, 3);

  for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, qualities[i]);
      int estimated = af_forensics_jpeg_quality (jpeg);

      g_test_message ("saved at %d, estimated %d", qualities[i], estimated);
      g_assert_cmpint (ABS (estimated - qualities[i]), <=, 3);
    }
}

static double
mean_error (AfImageBuffer     *ela,
            const AfImageRect *inside,
            gboolean           want_inside)
{
  const guint8 *data = af_image_buffer_get_data (ela);
  gsize stride = af_image_buffer_get_stride (ela);
  double sum = 0;
  gsize n = 0;

  for (int y = 0; y < af_image_buffer_get_height (ela); y++)
    for (int x = 0; x < af_image_buffer_get_width (ela); x++)
      {
        gboolean in = x >= inside->x && x < inside->x + inside->width && y >= inside->y
                      && y < inside->y + inside->height;

        if (in != want_inside)
          continue;
        for (int c = 0; c < 3; c++)
          sum += data[(gsize) y * stride + (gsize) x * 3 + c];
        n += 3;
      }
  return sum / n;
}

/* A never-compressed patch pasted into a JPEG saved three times at one quality: its
 * mean error is at least twice the rest's, and an ELA region covers it. */
static void
test_ela_patch (void)
{
  g_autoptr(AfImageBuffer) base = forensics_texture (TEXTURE_BLOBS, 512, 384, 5);
  g_autoptr(AfImageBuffer) once = forensics_resave (base, 80);
  g_autoptr(AfImageBuffer) twice = forensics_resave (once, 80);
  g_autoptr(AfImageBuffer) thrice = forensics_resave (twice, 80);
  g_autoptr(AfImageBuffer) patch = forensics_texture (TEXTURE_FOLIAGE, 96, 80, 9);
  g_autoptr(AfImageBuffer) ela = NULL;
  g_autoptr(GError) error = NULL;
  AfImageRect where = { 301, 157, 96, 80 };
  double inside, outside;

  forensics_paste (thrice, patch, where.x, where.y);
  ela = af_forensics_ela (thrice, 80, NULL, &error);
  g_assert_no_error (error);
  inside = mean_error (ela, &where, TRUE);
  outside = mean_error (ela, &where, FALSE);
  g_test_message ("ELA inside %.2f, outside %.2f", inside, outside);
  g_assert_cmpfloat (inside, >=, 2 * outside);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/forensics/copy-move/fractal", GINT_TO_POINTER (TEXTURE_FRACTAL),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/foliage", GINT_TO_POINTER (TEXTURE_FOLIAGE),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/blobs", GINT_TO_POINTER (TEXTURE_BLOBS),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/wood", GINT_TO_POINTER (TEXTURE_WOOD),
                        test_copy_move_found);
  g_test_add_func ("/forensics/copy-move/clean-textures", test_clean_textures);
  g_test_add_func ("/forensics/jpeg-quality", test_jpeg_quality);
  g_test_add_func ("/forensics/ela/patch", test_ela_patch);
  return g_test_run ();
}
