/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The first page or image of a file, decoded off the main thread: a good PDF, TIFF and
 * JPEG give a texture; a damaged PDF, bytes that are no image and a decompression bomb
 * each give an error for that file — never a crash.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "afd-texture-loader.h"

typedef struct
{
  GMainLoop  *loop;
  GdkTexture *texture;
  GError     *error;
} Result;

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Result *out = user_data;

  out->texture = afd_texture_loader_load_finish (result, &out->error);
  g_main_loop_quit (out->loop);
}

static Result
load (const char *path)
{
  Result result = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  afd_texture_loader_load_async (path, 800, NULL, loaded_cb, &result);
  g_main_loop_run (result.loop);
  g_main_loop_unref (result.loop);
  return result;
}

static char *
fixture (const char *relative)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), relative, NULL);
}

static char *
scratch_file (const char *name,
              const void *data,
              gsize       length)
{
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_assert_true (g_file_set_contents (path, data, length, NULL));
  return path;
}

static void
expect_texture (const char *relative)
{
  g_autofree char *path = fixture (relative);
  Result result = load (path);

  g_assert_no_error (result.error);
  g_assert_true (GDK_IS_TEXTURE (result.texture));
  g_assert_cmpint (gdk_texture_get_width (result.texture), >, 0);
  g_object_unref (result.texture);
}

static void
test_good_files (void)
{
  expect_texture ("s3/auditflow-documents-dev/loans/LOAN-2024-072470/"
                  "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb/W2_2023_Carter.pdf");
  expect_texture ("s3/artguard-images-processed-dev/inference/20241107_101818_c8a9fa.jpg");
}

static void
expect_error (const char *path,
              GQuark      domain)
{
  Result result = load (path);

  g_assert_null (result.texture);
  g_assert_nonnull (result.error);
  if (domain != 0)
    g_assert_true (result.error->domain == domain);
  g_test_message ("%s: %s", path, result.error->message);
  g_error_free (result.error);
  g_unlink (path);
}

static void
test_damaged_pdf (void)
{
  static const char pdf[] = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                            "trailer << /Root 1 0 R >>\n";
  char *path = scratch_file ("afd-damaged.pdf", pdf, sizeof pdf - 1);

  expect_error (path, 0);
  g_free (path);
}

static void
test_not_an_image (void)
{
  static const char junk[] = "these bytes are neither a PDF nor an image";
  char *path = scratch_file ("afd-junk.png", junk, sizeof junk - 1);

  expect_error (path, AFD_TEXTURE_LOADER_ERROR);
  g_free (path);
}

/* A PNG header that claims 60000 × 60000 pixels: refused before any decoding. */
/* Cut in half, a JPEG still decodes, as the top of the picture: refused instead. */
static void
test_truncated_image (void)
{
  g_autofree char *source = fixture ("s3/artguard-images-processed-dev/inference/20241107_101818_c8a9fa.jpg");
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  gsize length = 0;
  Result result;

  g_assert_true (g_file_get_contents (source, &data, &length, NULL));
  path = scratch_file ("afd-half.jpg", data, length / 2);
  result = load (path);
  g_assert_null (result.texture);
  g_assert_error (result.error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_BROKEN);
  g_test_message ("%s", result.error->message);
  g_error_free (result.error);
  g_unlink (path);
}

static void
test_decompression_bomb (void)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60,   /* 60000 × 60000, 8-bit RGB */
    8, 2, 0, 0, 0,
    0x0f, 0xb0, 0xe2, 0x15,
    /* A tiny IDAT and the IEND: enough for the header probe to report the size. */
    0, 0, 0, 0x0b, 'I', 'D', 'A', 'T',
    0x78, 0x9c, 0x63, 0x60, 0x80, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x01,
    0x7f, 0x80, 0x74, 0x5e,
    0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
  };
  char *path = scratch_file ("afd-bomb.png", png, sizeof png);
  Result result = load (path);

  g_assert_null (result.texture);
  g_assert_error (result.error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_TOO_LARGE);
  g_error_free (result.error);
  g_unlink (path);
  g_free (path);
}

static void
test_missing_file (void)
{
  expect_error ("/nonexistent/afd/file.pdf", 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/texture-loader/good-files", test_good_files);
  g_test_add_func ("/texture-loader/damaged-pdf", test_damaged_pdf);
  g_test_add_func ("/texture-loader/not-an-image", test_not_an_image);
  g_test_add_func ("/texture-loader/truncated-image", test_truncated_image);
  g_test_add_func ("/texture-loader/decompression-bomb", test_decompression_bomb);
  g_test_add_func ("/texture-loader/missing-file", test_missing_file);

  return g_test_run ();
}
