/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-push.c — pushing a large outbox against DynamoDB Local (through its verifying
 * front): 1,000 documents, five corrections each (a correction never folds into another,
 * and each one changes the item), 5,000 entries. Prints edits per second and requests per edit
 * (the target: one request per edit, at least 500 edits/s on this machine).
 *
 *   tests/peers/run-with-peers.sh build/tests/aws/bench-push [N_ITEMS [LANES]]
 */
#define G_LOG_DOMAIN "bench-push"

#include <glib/gstdio.h>
#include <stdio.h>

#include "aws-fixture.h"
#include "af-push.h"
#include "af-store.h"

#define EDITS_PER_ITEM 5

static GPtrArray *
make_documents (guint n)
{
  g_autoptr(GPtrArray) all = aws_fixture_items (AF_TABLE_DOCUMENTS);
  g_autoptr(GPtrArray) fixtures = g_ptr_array_new ();
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  /* Only documents with extracted fields can be corrected. */
  for (guint i = 0; i < all->len; i++)
    {
      AfValue *extracted = af_value_map_get (g_ptr_array_index (all, i), "extracted_data");

      if (extracted != NULL && af_value_map_size (extracted) > 0)
        g_ptr_array_add (fixtures, g_ptr_array_index (all, i));
    }

  for (guint i = 0; i < n; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (fixtures, i % fixtures->len));
      g_autofree char *id = g_strdup_printf ("bench-document-%05u", i);

      af_value_map_set (item, "document_id", af_value_new_s (id));
      g_ptr_array_add (items, item);
    }
  return items;
}

/* The first extracted field of each document, corrected five times. */
static void
queue_edits (AfStore   *store,
             GPtrArray *items)
{
  for (guint e = 0; e < EDITS_PER_ITEM; e++)
    for (guint i = 0; i < items->len; i++)
      {
        const AfValue *item = g_ptr_array_index (items, i);
        const char *id = af_item_get_s (item, "document_id");
        const char *field = af_value_map_name_at (af_value_map_get (item, "extracted_data"), 0);
        g_autofree char *value = g_strdup_printf ("bench value %u", e);
        g_autoptr(GError) error = NULL;

        af_store_add_correction (store, id, field, value, NULL, &error);
        g_assert_no_error (error);
      }
}

int
main (int   argc,
      char *argv[])
{
  const char *url = aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL");
  guint n_items = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 1000;
  guint lanes = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 16;
  /* As many connections as the push has lanes (libsoup allows 2 a host by default). */
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 64,
                                                                  "max-conns", 64, NULL);
  g_autoptr(AfDynamodbClient) client = NULL;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(AfPush) push = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AfPushResult) pushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *suffix = g_strdup_printf ("bench%u", g_random_int ());
  g_autofree char *table = aws_fixture_table_name (AF_TABLE_DOCUMENTS, suffix);
  gint64 outbox, start, elapsed;

  if (url == NULL)
    {
      printf ("1..0 # SKIP DynamoDB Local is not running (tests/peers/run-with-peers.sh)\n");
      return 0;
    }
  client = aws_fixture_dynamodb (session, url);
  aws_fixture_create_tables (client, suffix);
  items = make_documents (n_items);
  aws_fixture_write_items (client, table, items);

  dir = g_dir_make_tmp ("af-bench-push-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "bench.db", NULL);
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_set_identity (store, "bench@example.com");
  af_store_put_remote_items (store, AF_TABLE_DOCUMENTS, items, &error);
  g_assert_no_error (error);
  queue_edits (store, items);
  outbox = af_store_outbox_length (store, NULL);

  push = af_push_new (store, client);
  af_push_set_table_name (push, AF_TABLE_DOCUMENTS, table);
  af_push_set_lanes (push, lanes);
  start = g_get_monotonic_time ();
  af_push_run_async (push, NULL, aws_fixture_store_result, &result);
  pushed = af_push_run_finish (push, aws_fixture_wait (&result), &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);

  printf ("# push: %" G_GINT64_FORMAT " queued edits on %u items, %u lanes\n", outbox, n_items,
          lanes);
  printf ("# pushed %u in %.2f s: %.0f edits/s, %.3f requests per edit (%u requests)\n",
          pushed->pushed, elapsed / 1e6, pushed->pushed / (elapsed / 1e6),
          (double) pushed->requests / MAX (pushed->pushed, 1), pushed->requests);
  printf ("# left in the outbox: %" G_GINT64_FORMAT ", conflicts %u, errors %u\n",
          af_store_outbox_length (store, NULL), pushed->conflicts, pushed->errors);
  printf ("1..1\n%s 1 push %" G_GINT64_FORMAT " edits\n",
          pushed->pushed == outbox ? "ok" : "not ok", outbox);
  g_unlink (db);
  return 0;
}
