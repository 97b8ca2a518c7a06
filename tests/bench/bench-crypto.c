/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-crypto — what encryption at rest costs, against the same work without it, in
 * one run (issue 10's targets: import ≤ 10 % slower, opening a PDF page ≤ 1.1×):
 *
 * - import: the fixtures' documents and audits cloned to N items with new ids, stored
 *   by af_store_put_remote_items() into a cache with its key and into one without
 *   (af_store_open_unencrypted(), for this comparison only), alternately, median of runs;
 * - page open: a fixture PDF read from the object cache sealed (af_objects_read) or in
 *   clear, opened by poppler and its first page rendered, median of runs.
 *
 *   bench-crypto [--items N] [--runs N]
 */
#define G_LOG_DOMAIN "bench-crypto"

#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "af-codec.h"
#include "af-objects.h"
#include "af-store-private.h"
#include "af-test-util.h"

static int n_items = 40000;
static int n_runs = 5;

static const GOptionEntry entries[] = {
  { "items", 0, 0, G_OPTION_ARG_INT, &n_items, "Items per import", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &n_runs, "Runs of each measure", "N" },
  { NULL }
};

/* @count items of @table, each a fixture item under a new key. */
static GPtrArray *
clone_items (GPtrArray  *templates,
             const char *key,
             int         count)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (int i = 0; i < count; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (templates, i % templates->len));
      g_autofree char *id = g_strdup_printf ("bench-%08d-%s", i, key);

      af_value_map_set (item, key, af_value_new_s (id));
      g_ptr_array_add (items, item);
    }
  return items;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static double
time_import (const char *dir,
             gboolean    encrypted,
             int         run,
             GPtrArray  *documents,
             GPtrArray  *audits)
{
  g_autofree char *name = g_strdup_printf ("%s-%d.db", encrypted ? "sealed" : "plain", run);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = encrypted ? af_store_open (path, &error)
                                       : af_store_open_unencrypted (path, &error);
  gint64 start;

  if (store == NULL)
    g_error ("%s", error->message);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < documents->len; i += 5000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint j = i; j < MIN (i + 5000, documents->len); j++)
        g_ptr_array_add (batch, documents->pdata[j]);
      if (!af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, batch, &error))
        g_error ("%s", error->message);
    }
  if (!af_store_put_remote_items (store, AF_TABLE_AUDITS, audits, &error))
    g_error ("%s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_page_open (AfCacheKey *key,
                const char *objects_dir,
                const char *sha256,
                const char *plain_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gint64 start = g_get_monotonic_time ();
  PopplerDocument *document;
  PopplerPage *page;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (key != NULL)
    bytes = af_objects_read (key, objects_dir, sha256, &error);
  else
    {
      char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (plain_path, &contents, &length, &error))
        bytes = g_bytes_new_take (contents, length);
    }
  if (bytes == NULL)
    g_error ("%s", error->message);
  document = poppler_document_new_from_bytes (bytes, NULL, &error);
  if (document == NULL)
    g_error ("%s", error->message);
  page = poppler_document_get_page (document, 0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1275, 1650);
  cr = cairo_create (surface);
  cairo_scale (cr, 1275 / 612.0, 1650 / 792.0);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  g_object_unref (page);
  g_object_unref (document);
  return (g_get_monotonic_time () - start) / 1e6;
}

/* The largest fixture PDF, sealed into @objects_dir; its path in clear in @out_plain. */
static char *
seal_fixture_pdf (AfCacheKey  *key,
                  const char  *objects_dir,
                  char       **out_plain)
{
  const char *candidates[] = {
    "s3/auditflow-documents-dev/loans/LOAN-2024-163671/54a14ec9-1bf1-47c7-b873-37d703d4d921/"
    "Sept_2024_statement.pdf",
  };
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  char *sha256;
  gsize length = 0;

  *out_plain = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), candidates[0], NULL);
  if (!g_file_get_contents (*out_plain, &contents, &length, &error))
    g_error ("%s", error->message);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!af_objects_write (key, objects_dir, sha256, bytes, &error))
    g_error ("%s", error->message);
  return sha256;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- encryption at rest, its cost");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-crypto-XXXXXX", NULL);
  g_autofree char *objects_dir = g_build_filename (dir, "objects", NULL);
  g_autofree char *plain_pdf = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GPtrArray) document_templates = af_test_fixture_items ("AuditFlow-Documents.json");
  g_autoptr(GPtrArray) audit_templates = af_test_fixture_items ("AuditFlow-AuditRecords.json");
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) audits = NULL;
  g_autoptr(GArray) plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sealed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_plain = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) open_sealed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(AfCacheKey) key = af_cache_key_new_random ();
  double p, s;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  documents = clone_items (document_templates, "document_id", n_items * 4 / 5);
  audits = clone_items (audit_templates, "audit_record_id", n_items / 5);
  for (int run = 0; run < n_runs; run++)
    {
      double a = time_import (dir, run % 2 == 0, run, documents, audits);
      double b = time_import (dir, run % 2 != 0, run, documents, audits);

      g_array_append_val (run % 2 == 0 ? sealed : plain, a);
      g_array_append_val (run % 2 == 0 ? plain : sealed, b);
    }
  p = median (plain);
  s = median (sealed);
  g_print ("import %d items: without encryption %.3f s (%.0f items/s), with %.3f s "
           "(%.0f items/s): %+.1f %%\n", n_items, p, n_items / p, s, n_items / s,
           (s / p - 1) * 100);

  sha256 = seal_fixture_pdf (key, objects_dir, &plain_pdf);
  for (int run = 0; run < n_runs * 20; run++)
    {
      double a = time_page_open (NULL, objects_dir, sha256, plain_pdf);
      double b = time_page_open (key, objects_dir, sha256, plain_pdf);

      g_array_append_val (open_plain, a);
      g_array_append_val (open_sealed, b);
    }
  p = median (open_plain);
  s = median (open_sealed);
  g_print ("open + render page 1 of a PDF: in clear %.2f ms, sealed %.2f ms: %.3fx\n",
           p * 1000, s * 1000, s / p);

  {
    g_autofree char *rm = g_strdup_printf ("rm -rf '%s'", dir);

    g_spawn_command_line_sync (rm, NULL, NULL, NULL, NULL);
  }
  return 0;
}
