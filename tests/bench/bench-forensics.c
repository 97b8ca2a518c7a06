/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local forensics on a 24-megapixel JPEG, against libjpeg-turbo's own tools in the
 * same run: djpeg + cjpeg + djpeg of the same file (the round trip an ELA needs) is the
 * baseline. Prints the ELA (decode, re-encode, decode, difference) and the whole
 * inspection (metadata, quality, ELA, clones, thumbnail, findings) as ratios of it
 * (targets: ELA ≤ 1.5×, inspection ≤ 8×), and the inspection's peak memory, measured in
 * a child process, as a multiple of the decoded picture (target ≤ 4×).
 *
 *   build/tests/bench/bench-forensics [--width W --height H] [--quality Q]
 */
#include <stdio.h>
#include <string.h>

#include "af-forensics.h"
#include "../forensics-images.h"

#define RUNS 3

static int width = 6000;
static int height = 4000;
static int quality = 90;
static char *child_file;

/* Resident set, and its peak, of this process in KiB (/proc/self/status). */
static gint64
status_kib (const char *field)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  line = strstr (text, field);
  return line != NULL ? g_ascii_strtoll (line + strlen (field) + 1, NULL, 10) : -1;
}

/* The picture: a 1500 × 1000 texture enlarged 4× with fine noise on top, so that every
 * 8 × 8 block has detail (a plain enlargement would compress unrealistically well). */
static AfImageBuffer *
make_picture (void)
{
  g_autoptr(AfImageBuffer) small = forensics_texture (TEXTURE_FRACTAL, width / 4, height / 4, 7);
  AfImageBuffer *big = af_image_buffer_new (width, height);
  const guint8 *src = af_image_buffer_get_data (small);
  guint8 *dst = af_image_buffer_get_mutable_data (big);
  gsize src_stride = af_image_buffer_get_stride (small);
  guint32 state = 12345;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < 3; c++)
        {
          int v = src[(gsize) (y / 4) * src_stride + (gsize) (x / 4) * 3 + c];

          state = state * 1664525u + 1013904223u;
          v += (int) (state >> 28) - 8;
          dst[((gsize) y * width + x) * 3 + c] = (guint8) CLAMP (v, 0, 255);
        }
  return big;
}

static double
run_shell (const char *command)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("failed: %s", command);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
baseline_seconds (const char *jpeg_path,
                  const char *folder)
{
  g_autofree char *command = g_strdup_printf (
    "djpeg '%s' > '%s/a.ppm' && cjpeg -quality %d '%s/a.ppm' > '%s/b.jpg' && "
    "djpeg '%s/b.jpg' > /dev/null", jpeg_path, folder, quality, folder, folder, folder);
  double best = G_MAXDOUBLE;

  for (int i = 0; i < RUNS; i++)
    best = MIN (best, run_shell (command));
  return best;
}

static double
ela_seconds (GBytes *bytes)
{
  double best = G_MAXDOUBLE;

  for (int i = 0; i < RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(AfImageBuffer) image = af_forensics_decode (bytes, NULL, NULL);
      g_autoptr(AfImageBuffer) ela = af_forensics_ela (image, quality, NULL, NULL);

      g_assert_nonnull (ela);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
    }
  return best;
}

static double
inspect_seconds (GBytes *bytes)
{
  double best = G_MAXDOUBLE;

  for (int i = 0; i < RUNS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfForensicsReport) report = NULL;
      gint64 start;

      af_forensics_cache_clear ();
      start = g_get_monotonic_time ();
      report = af_forensics_inspect (bytes, 0, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
    }
  return best;
}

/* In the child: one inspection of @child_file, the growth of the peak resident set. */
static int
measure_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (child_file, FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  gint64 before;

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (mapped);
  before = status_kib ("VmRSS:");
  report = af_forensics_inspect (bytes, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  printf ("%" G_GINT64_FORMAT "\n", status_kib ("VmHWM:") - before);
  return 0;
}

static double
peak_mib (const char *self,
          const char *jpeg_path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *argv[] = { self, "--child", jpeg_path, NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  return g_ascii_strtod (out, NULL) / 1024.0;
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Picture width", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Picture height", "H" },
    { "quality", 0, 0, G_OPTION_ARG_INT, &quality, "JPEG quality of the file and the ELA", "Q" },
    { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &child_file, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— forensics benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfImageBuffer) picture = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autofree char *remove_folder = NULL;
  double decoded_mib, round_trip, ela, inspection, peak;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (child_file != NULL)
    return measure_child ();

  picture = make_picture ();
  jpeg = forensics_jpeg (picture, quality);
  g_clear_pointer (&picture, af_image_buffer_unref);
  folder = g_dir_make_tmp ("bench-forensics-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (folder, "picture.jpg", NULL);
  g_file_set_contents (path, g_bytes_get_data (jpeg, NULL), (gssize) g_bytes_get_size (jpeg),
                       &error);
  g_assert_no_error (error);
  decoded_mib = (double) width * height * 3 / (1024 * 1024);

  printf ("picture: %d × %d (%.1f MP), JPEG quality %d, %.1f MB; decoded RGB %.0f MiB\n",
          width, height, width * (double) height / 1e6, quality,
          g_bytes_get_size (jpeg) / 1e6, decoded_mib);
  round_trip = baseline_seconds (path, folder);
  printf ("baseline  djpeg + cjpeg + djpeg:  %.3f s (best of %d)\n", round_trip, RUNS);
  ela = ela_seconds (jpeg);
  printf ("ELA       decode + ELA:           %.3f s  = %.2f× baseline (target ≤ 1.5×)\n",
          ela, ela / round_trip);
  inspection = inspect_seconds (jpeg);
  printf ("inspect   whole inspection:       %.3f s  = %.2f× baseline (target ≤ 8×)\n",
          inspection, inspection / round_trip);
  peak = peak_mib (argv[0], path);
  printf ("memory    inspection peak growth: %.0f MiB = %.2f× the decoded picture (target ≤ 4×)\n",
          peak, peak / decoded_mib);
  remove_folder = g_strdup_printf ("rm -rf '%s'", folder);
  run_shell (remove_folder);
  return 0;
}
