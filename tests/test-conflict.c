/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-conflict.c — the push's judgement of an entry against an item another writer
 * moved (af-conflict.h), and conflicts kept and resolved in the cache (af-store-sync.h).
 * Headless, no network.
 */
#define G_LOG_DOMAIN "test-conflict"

#include <glib/gstdio.h>

#include "af-codec.h"
#include "af-conflict.h"
#include "af-store-sync.h"

#define AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"

static AfValue *
item (const char *json)
{
  g_autoptr(GError) error = NULL;
  AfValue *value = af_codec_parse_item (json, -1, &error);

  g_assert_no_error (error);
  return value;
}

static AfOutboxEntry *
entry (AfOpKind    kind,
       const char *changes)
{
  AfOutboxEntry *entry = g_new0 (AfOutboxEntry, 1);

  entry->op_id = g_strdup ("op-ours");
  entry->item_id = g_strdup (AUDIT);
  entry->table = kind == AF_OP_CORRECTION ? AF_TABLE_DOCUMENTS : AF_TABLE_AUDITS;
  entry->kind = kind;
  entry->changes = item (changes);
  entry->created_at = g_strdup ("2024-11-08T09:00:00.000Z");
  return entry;
}

static void
test_changed_attributes (void)
{
  g_autoptr(AfValue) base = item ("{\"a\":{\"S\":\"1\"},\"b\":{\"S\":\"2\"},\"version\":{\"N\":\"1\"}}");
  g_autoptr(AfValue) now = item ("{\"a\":{\"S\":\"1\"},\"c\":{\"S\":\"3\"},\"version\":{\"N\":\"2\"},"
                                 "\"last_op_id\":{\"S\":\"x\"}}");
  g_auto(GStrv) changed = af_conflict_changed_attributes (base, now);

  /* b removed, c added; version and last_op_id never count */
  g_assert_cmpuint (g_strv_length (changed), ==, 2);
  g_assert_cmpstr (changed[0], ==, "b");
  g_assert_cmpstr (changed[1], ==, "c");
}

static void
test_judge (void)
{
  g_autoptr(AfOutboxEntry) note = entry (AF_OP_NOTE, "{\"review_notes\":{\"S\":\"mine\"}}");
  g_autoptr(AfValue) base = item ("{\"review_notes\":{\"S\":\"old\"},\"version\":{\"N\":\"1\"}}");
  g_autoptr(AfValue) other_attribute = item ("{\"review_notes\":{\"S\":\"old\"},\"reviewed_by\":"
                                             "{\"S\":\"b@x\"},\"version\":{\"N\":\"2\"}}");
  g_autoptr(AfValue) same_attribute = item ("{\"review_notes\":{\"S\":\"theirs\"},"
                                            "\"version\":{\"N\":\"2\"}}");
  g_autoptr(AfValue) ours_there = item ("{\"review_notes\":{\"S\":\"x\"},\"version\":{\"N\":\"2\"},"
                                        "\"last_op_id\":{\"S\":\"op-ours\"}}");
  g_auto(GStrv) attributes = NULL;

  g_assert_cmpint (af_conflict_judge (note, base, other_attribute, NULL), ==, AF_JUDGEMENT_MERGE);
  g_assert_cmpint (af_conflict_judge (note, base, same_attribute, &attributes), ==,
                   AF_JUDGEMENT_CONFLICT);
  g_assert_cmpstr (attributes[0], ==, "review_notes");
  g_assert_null (attributes[1]);
  g_assert_cmpint (af_conflict_judge (note, base, ours_there, NULL), ==, AF_JUDGEMENT_APPLIED);
}

static void
test_corrections (void)
{
  const char *ours = "{\"field\":{\"S\":\"name\"},\"corrected_value\":{\"S\":\"B\"}}";
  const char *theirs = "{\"field\":{\"S\":\"ssn\"},\"corrected_value\":{\"S\":\"C\"}}";
  g_autofree char *changes = g_strdup_printf ("{\"corrections\":{\"L\":[{\"M\":%s}]}}", ours);
  g_autofree char *appended = g_strdup_printf ("{\"corrections\":{\"L\":[{\"M\":%s}]}}", theirs);
  g_autofree char *both = g_strdup_printf ("{\"corrections\":{\"L\":[{\"M\":%s},{\"M\":%s}]}}",
                                           theirs, ours);
  g_autoptr(AfOutboxEntry) correction = entry (AF_OP_CORRECTION, changes);
  g_autoptr(AfValue) base = item ("{\"document_id\":{\"S\":\"d\"}}");
  g_autoptr(AfValue) other = item (appended);
  g_autoptr(AfValue) with_ours = item (both);
  g_autoptr(AfValue) rewritten = item ("{\"corrections\":{\"L\":[]}}");
  g_autoptr(AfValue) base_with_one = item (appended);

  /* Another writer's appends never overlap with ours. */
  g_assert_cmpint (af_conflict_judge (correction, base, other, NULL), ==, AF_JUDGEMENT_MERGE);
  /* Our very correction already there (a lost answer): never appended twice. */
  g_assert_cmpint (af_conflict_judge (correction, base, with_ours, NULL), ==,
                   AF_JUDGEMENT_APPLIED);
  /* A list shortened behind our back is a real conflict. */
  g_assert_cmpint (af_conflict_judge (correction, base_with_one, rewritten, NULL), ==,
                   AF_JUDGEMENT_CONFLICT);
}

/* ---- In the cache ------------------------------------------------------------------ */

typedef struct
{
  char    *dir;
  AfStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  fixture->dir = g_dir_make_tmp ("af-test-conflict-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_set_identity (fixture->store, "ann@example.com");
  g_ptr_array_add (items, item ("{\"audit_record_id\":{\"S\":\"" AUDIT "\"},"
                                "\"review_notes\":{\"S\":\"old\"},\"extra\":{\"S\":\"kept\"}}"));
  af_store_put_remote_items (fixture->store, AF_TABLE_AUDITS, items, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "cache.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_clear_object (&fixture->store);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

/* A note, then the cloud says "theirs" on version 1: the conflict is recorded. */
static AfOutboxEntry *
make_conflict (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AfValue) base = NULL;
  g_autoptr(AfValue) theirs = item ("{\"audit_record_id\":{\"S\":\"" AUDIT "\"},"
                                    "\"review_notes\":{\"S\":\"theirs\"},\"extra\":{\"S\":\"kept\"},"
                                    "\"version\":{\"N\":\"1\"},\"last_op_id\":{\"S\":\"other\"}}");
  const char *names[] = { "review_notes", NULL };

  af_store_set_review_notes (fixture->store, AUDIT, "mine", &error);
  g_assert_no_error (error);
  outbox = af_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  base = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS, AUDIT, &error);
  g_assert_no_error (error);
  af_store_conflict_add (fixture->store, outbox->pdata[0], names, base, theirs, &error);
  g_assert_no_error (error);
  return g_ptr_array_steal_index (outbox, 0);
}

static const char *
notes (Fixture    *fixture,
       gboolean    remote,
       AfValue   **holder)
{
  g_autoptr(GError) error = NULL;

  *holder = remote ? af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS, AUDIT, &error)
                   : af_store_get_item (fixture->store, AF_TABLE_AUDITS, AUDIT, &error);
  g_assert_no_error (error);
  return af_item_get_s (*holder, "review_notes");
}

static void
test_conflict_kept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AfOutboxEntry) entry = make_conflict (fixture);
  g_autoptr(AfValue) local = NULL;
  g_autoptr(AfValue) remote = NULL;
  g_autoptr(GPtrArray) conflicts = af_store_conflict_list (fixture->store, NULL);
  AfConflict *conflict = conflicts->pdata[0];

  g_assert_cmpint (af_store_conflict_count (fixture->store, NULL), ==, 1);
  g_assert_true (af_store_conflict_is_open (fixture->store, AF_TABLE_AUDITS, AUDIT, NULL));
  g_assert_cmpstr (af_item_get_s (conflict->mine, "review_notes"), ==, "mine");
  g_assert_cmpstr (af_item_get_s (conflict->theirs, "review_notes"), ==, "theirs");
  /* Nothing overwritten: the user still sees theirs under mine, both are kept. */
  g_assert_cmpstr (notes (fixture, FALSE, &local), ==, "mine");
  g_assert_cmpstr (notes (fixture, TRUE, &remote), ==, "theirs");
  g_assert_cmpint (af_store_outbox_length (fixture->store, NULL), ==, 1);
}

static void
test_resolve (Fixture       *fixture,
              gconstpointer  data)
{
  AfResolution resolution = GPOINTER_TO_INT (data);
  g_autoptr(AfOutboxEntry) entry = make_conflict (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) local = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  const char *expected[] = { [AF_RESOLVE_MINE] = "mine", [AF_RESOLVE_THEIRS] = "theirs",
                             [AF_RESOLVE_EDIT] = "merged" };

  af_store_conflict_resolve (fixture->store, AUDIT, resolution,
                             resolution == AF_RESOLVE_EDIT ? "merged" : NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (af_store_conflict_count (fixture->store, NULL), ==, 0);
  g_assert_cmpstr (notes (fixture, FALSE, &local), ==, expected[resolution]);
  g_assert_cmpstr (af_item_get_s (local, "extra"), ==, "kept");
  outbox = af_store_outbox_list (fixture->store, NULL);
  g_assert_cmpuint (outbox->len, ==, resolution == AF_RESOLVE_THEIRS ? 0 : 1);
  /* A second resolution finds nothing to resolve. */
  g_assert_false (af_store_conflict_resolve (fixture->store, AUDIT, resolution, "x", NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conflict/changed-attributes", test_changed_attributes);
  g_test_add_func ("/conflict/judge", test_judge);
  g_test_add_func ("/conflict/corrections", test_corrections);
  g_test_add ("/conflict/kept", Fixture, NULL, fixture_set_up, test_conflict_kept,
              fixture_tear_down);
  g_test_add ("/conflict/resolve-mine", Fixture, GINT_TO_POINTER (AF_RESOLVE_MINE),
              fixture_set_up, test_resolve, fixture_tear_down);
  g_test_add ("/conflict/resolve-theirs", Fixture, GINT_TO_POINTER (AF_RESOLVE_THEIRS),
              fixture_set_up, test_resolve, fixture_tear_down);
  g_test_add ("/conflict/resolve-edit", Fixture, GINT_TO_POINTER (AF_RESOLVE_EDIT),
              fixture_set_up, test_resolve, fixture_tear_down);
  return g_test_run ();
}
