/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes a cache with N audits (default 100,000) for bench-first-frame:
 *   bench-first-frame-populate FILE [N]
 * Scores, statuses and names vary so that every queue has something in it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "af-store.h"

static AfValue *
audit_new (guint i)
{
  AfValue *item = af_value_new_map ();
  g_autofree char *id = g_strdup_printf ("bench-audit-%07u", i);
  g_autofree char *loan = g_strdup_printf ("LOAN-2025-%07u", i);
  g_autofree char *name = g_strdup_printf ("Applicant %u", i);
  g_autofree char *when = g_strdup_printf ("2025-%02u-%02uT%02u:%02u:00.000Z", 1 + i % 12,
                                          1 + i % 28, i % 24, i % 60);
  static const char * const statuses[] = { "COMPLETED", "COMPLETED", "COMPLETED",
                                           "IN_PROGRESS", "FAILED" };

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "applicant_name", af_value_new_s (name));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when));
  af_value_map_set (item, "status", af_value_new_s (statuses[i % G_N_ELEMENTS (statuses)]));
  af_value_map_set (item, "risk_score", af_value_new_n_int ((i * 7919) % 101));
  if (i % 9 == 0)
    af_value_map_set (item, "reviewed_by", af_value_new_s ("bench@example.com"));
  return item;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 100000;

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s FILE [N]\n", argv[0]);
      return 2;
    }
  store = af_store_open (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, audit_new (i));
  if (!af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  return 0;
}
