/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-mapped-guard.c — a registered mapping cut short by ftruncate () reads as zeros, its
 * registration says it was cut; a fault outside every registration still kills.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "af-mapped-guard.h"

/* A file of @n_pages pages and a half of 'x', open read-write in @out_fd (removed from
 * its folder already: nothing is left behind, even by a subprocess that dies), mapped. */
static GMappedFile *
map_temporary_file (gsize  n_pages,
                    int   *out_fd)
{
  gsize length = n_pages * sysconf (_SC_PAGESIZE) + sysconf (_SC_PAGESIZE) / 2;
  g_autofree char *contents = g_malloc (length);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  GMappedFile *mapped;

  *out_fd = g_file_open_tmp ("test-mapped-guard-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_unlink (path);
  memset (contents, 'x', length);
  g_assert_cmpint (write (*out_fd, contents, length), ==, (gssize) length);
  mapped = g_mapped_file_new_from_fd (*out_fd, FALSE, &error);
  g_assert_no_error (error);
  return mapped;
}

/* Reads @length bytes of @data through a volatile pointer (the reads must happen). */
static gsize
count_zeros (const char *data,
             gsize       length)
{
  const volatile char *bytes = data;
  gsize zeros = 0;

  for (gsize i = 0; i < length; i++)
    zeros += bytes[i] == '\0';
  return zeros;
}

static void
test_cut_reads_zeros (void)
{
  gsize page = sysconf (_SC_PAGESIZE);
  int fd = -1;
  g_autoptr(GMappedFile) mapped = map_temporary_file (8, &fd);
  const char *data = g_mapped_file_get_contents (mapped);
  gsize length = g_mapped_file_get_length (mapped);
  AfMappedGuard *guard = af_mapped_guard_register (data, length);

  g_assert_nonnull (guard);
  g_assert_cmpuint (count_zeros (data, length), ==, 0);
  g_assert_false (af_mapped_guard_was_cut (guard));

  /* Two pages and a bit are left: the rest of the third page reads as zeros without a
   * fault (past a file's end within its last page), the pages after it fault. */
  g_assert_cmpint (ftruncate (fd, 2 * page + 100), ==, 0);
  g_assert_cmpuint (count_zeros (data, 2 * page + 100), ==, 0);
  g_assert_false (af_mapped_guard_was_cut (guard));
  g_assert_cmpuint (count_zeros (data + 2 * page + 100, length - 2 * page - 100), ==,
                    length - 2 * page - 100);
  g_assert_true (af_mapped_guard_was_cut (guard));
  /* What was left of the file still reads as it was. */
  g_assert_cmpuint (count_zeros (data, 2 * page + 100), ==, 0);

  af_mapped_guard_unregister (guard);
  close (fd);
}

/* A slot given back is taken again, its flag cleared. */
static void
test_slots_reused (void)
{
  static char bytes[64];

  for (guint i = 0; i < 1000; i++)
    {
      AfMappedGuard *guard = af_mapped_guard_register (bytes, sizeof bytes);

      g_assert_nonnull (guard);
      g_assert_false (af_mapped_guard_was_cut (guard));
      af_mapped_guard_unregister (guard);
    }
}

/* Outside every registration a SIGBUS goes on to the handler before ours (the sanitizer's)
 * or the default: the process dies as it would have without the guard. */
static void
test_unregistered_still_dies (void)
{
  if (g_test_subprocess ())
    {
      gsize page = sysconf (_SC_PAGESIZE);
      int fd = -1;
      GMappedFile *mapped = map_temporary_file (4, &fd);
      const char *data = g_mapped_file_get_contents (mapped);
      AfMappedGuard *guard = af_mapped_guard_register (data, page);

      /* Only the first page is registered: the handler is installed, the fault is not ours. */
      g_assert_cmpint (ftruncate (fd, 100), ==, 0);
      count_zeros (data + 2 * page, page);
      af_mapped_guard_unregister (guard);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapped-guard/cut-reads-zeros", test_cut_reads_zeros);
  g_test_add_func ("/mapped-guard/slots-reused", test_slots_reused);
  g_test_add_func ("/mapped-guard/unregistered-still-dies", test_unregistered_still_dies);
  return g_test_run ();
}
