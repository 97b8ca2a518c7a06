/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-conflict-banner.c — a conflict recorded in the cache (as the push records it)
 * shows the banner over its item and a row in the sidebar's conflict list; Keep Mine
 * and Take Theirs resolve it through the store, and the Edit… dialog starts from both
 * values and its text is what the item keeps. In-process under Xvfb.
 *
 * With AFD_CONFLICT_DB set, it also leaves a cache with the demo's audits and one
 * conflict at that path, for a screenshot of the whole window.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "af-store-async.h"
#include "af-store-guard.h"
#include "afd-conflict-banner.h"
#include "afd-conflict-list.h"
#include "afd-test-widgets.h"

#define AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"

typedef struct
{
  char      *dir;
  AfStore   *store;          /* the test's own look at the cache */
  AfStoreThread *thread;     /* the widgets' connection */
  GtkWidget *window;
  AfdConflictBanner *banner;
  AfdConflictList   *list;
  char      *resolved;
} Fixture;

static AfStore *
store_with_conflict (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (path, &error);
  g_autofree char *audits = g_build_filename (AFD_DEMO_DIR, "dynamodb",
                                              "AuditFlow-AuditRecords.json", NULL);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AfValue) base = NULL;
  g_autoptr(AfValue) theirs = NULL;
  g_autoptr(AfValue) changes = NULL;
  const char *names[] = { "review_notes", NULL };

  g_assert_no_error (error);
  af_store_set_identity (store, "ann@example.com");
  af_store_import_file (store, audits, NULL, &error);
  g_assert_no_error (error);
  af_store_set_review_notes (store, AUDIT, "Income verified against the W2.", &error);
  g_assert_no_error (error);
  outbox = af_store_outbox_list (store, &error);
  g_assert_no_error (error);
  base = af_store_get_remote_item (store, AF_TABLE_AUDITS, AUDIT, &error);
  g_assert_no_error (error);
  /* The other reviewer's copy: the same item, another note, one version on. */
  theirs = af_value_copy (base);
  af_value_map_set (theirs, "review_notes",
                    af_value_new_s ("Bank statement balance does not match; asked for a new one."));
  af_value_map_set (theirs, "version", af_value_new_n ("1"));
  af_store_conflict_add (store, outbox->pdata[0], names, base, theirs, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

static void
resolved_cb (AfdConflictBanner *banner,
             const char        *item_id,
             Fixture           *fixture)
{
  g_free (fixture->resolved);
  fixture->resolved = g_strdup (item_id);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  fixture->dir = g_dir_make_tmp ("afd-test-conflict-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = store_with_conflict (db);
  fixture->thread = af_store_thread_new (af_store_open (db, &error));
  g_assert_no_error (error);

  fixture->banner = g_object_new (AFD_TYPE_CONFLICT_BANNER, NULL);
  fixture->list = g_object_new (AFD_TYPE_CONFLICT_LIST, NULL);
  g_signal_connect (fixture->banner, "resolved", G_CALLBACK (resolved_cb), fixture);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->banner));
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 720, 300);
  gtk_window_set_child (GTK_WINDOW (fixture->window), box);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *db = g_build_filename (fixture->dir, "cache.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_clear_object (&fixture->store);
  af_store_thread_close (fixture->thread);
  g_clear_object (&fixture->thread);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->resolved);
}

static const char *
notes (Fixture  *fixture,
       AfValue **holder)
{
  g_autoptr(GError) error = NULL;

  *holder = af_store_get_item (fixture->store, AF_TABLE_AUDITS, AUDIT, &error);
  g_assert_no_error (error);
  return af_item_get_s (*holder, "review_notes");
}

static gboolean
banner_revealed (gpointer data)
{
  return afd_conflict_banner_is_revealed (((Fixture *) data)->banner);
}

static gboolean
listed (gpointer data)
{
  return gtk_widget_get_visible (GTK_WIDGET (((Fixture *) data)->list));
}

static gboolean
resolved (gpointer data)
{
  return ((Fixture *) data)->resolved != NULL;
}

/* Shows the banner over AUDIT once the store's thread has read its conflict. */
static void
show_banner (Fixture *fixture)
{
  afd_conflict_banner_set_item (fixture->banner, fixture->thread, AUDIT);
  afd_test_wait_until (banner_revealed, fixture, 20);
}

static void
test_shown (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *merge = NULL;

  show_banner (fixture);
  afd_conflict_list_refresh (fixture->list, fixture->thread);
  afd_test_wait_until (listed, fixture, 20);
  afd_test_run_for (400);
  g_assert_true (afd_conflict_banner_is_revealed (fixture->banner));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->banner)));
  g_assert_cmpuint (afd_conflict_list_get_count (fixture->list), ==, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->list)));
  g_assert_nonnull (afd_test_find_button (GTK_WIDGET (fixture->banner), "Keep _Mine"));
  g_assert_nonnull (afd_test_find_button (GTK_WIDGET (fixture->banner), "Take _Theirs"));
  /* The merged text starts from both values. */
  merge = afd_conflict_banner_dup_merge_text (fixture->banner);
  g_assert_nonnull (strstr (merge, "Income verified"));
  g_assert_nonnull (strstr (merge, "Bank statement balance"));
  afd_test_screenshot (GTK_WIDGET (fixture->banner), "conflict-banner.png");

  /* Another item has no conflict: no banner. */
  afd_conflict_banner_set_item (fixture->banner, fixture->thread, "no-such-item");
  afd_test_run_for (200);
  g_assert_false (afd_conflict_banner_is_revealed (fixture->banner));
}

static void
test_resolve (Fixture       *fixture,
              gconstpointer  data)
{
  AfResolution resolution = GPOINTER_TO_INT (data);
  g_autoptr(AfValue) local = NULL;
  const char *action = resolution == AF_RESOLVE_MINE ? "conflict.keep-mine"
                                                     : "conflict.take-theirs";

  show_banner (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->banner), action, NULL));
  /* Folded away at once; ::resolved once committed. */
  g_assert_false (afd_conflict_banner_is_revealed (fixture->banner));
  afd_test_wait_until (resolved, fixture, 20);
  g_assert_cmpstr (fixture->resolved, ==, AUDIT);
  g_assert_false (afd_conflict_banner_is_revealed (fixture->banner));
  g_assert_cmpint (af_store_conflict_count (fixture->store, NULL), ==, 0);
  g_assert_cmpstr (notes (fixture, &local), ==,
                   resolution == AF_RESOLVE_MINE ? "Income verified against the W2."
                                                 : "Bank statement balance does not match; "
                                                   "asked for a new one.");
  /* Mine goes out again over the new version; theirs leaves nothing to send. */
  g_assert_cmpint (af_store_outbox_length (fixture->store, NULL), ==,
                   resolution == AF_RESOLVE_MINE ? 1 : 0);
  afd_conflict_list_refresh (fixture->list, fixture->thread);
  afd_test_run_for (300);
  g_assert_cmpuint (afd_conflict_list_get_count (fixture->list), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->list)));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Edit…: a dialog prefilled with both values; its text is what the item keeps. */
static void
test_edit (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(AfValue) local = NULL;
  AdwMessageDialog *dialog;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;
  g_autofree char *prefilled = NULL;

  show_banner (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->banner), "conflict.edit", NULL));
  afd_test_run_for (200);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (adw_message_dialog_get_extra_child (dialog)));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  prefilled = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (prefilled, "Income verified"));
  g_assert_nonnull (strstr (prefilled, "Bank statement balance"));

  gtk_text_buffer_set_text (buffer, "Income verified; new bank statement requested.", -1);
  adw_message_dialog_response (dialog, "apply");
  afd_test_wait_until (resolved, fixture, 20);
  g_assert_cmpstr (fixture->resolved, ==, AUDIT);
  g_assert_cmpint (af_store_conflict_count (fixture->store, NULL), ==, 0);
  g_assert_cmpstr (notes (fixture, &local), ==, "Income verified; new bank statement requested.");
  g_assert_cmpint (af_store_outbox_length (fixture->store, NULL), ==, 1);
}

/* Not a test of its own: a cache to open the whole window on, for a screenshot. */
static void
write_screenshot_db (const char *path)
{
  g_autoptr(AfStore) store = store_with_conflict (path);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The widgets' SQL runs on the store's thread: any on this one while its main loop
   * runs aborts the test (the test's own checks run between iterations). */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  if (g_getenv ("AFD_CONFLICT_DB") != NULL)
    write_screenshot_db (g_getenv ("AFD_CONFLICT_DB"));
  g_test_add ("/conflict-banner/shown", Fixture, NULL, fixture_set_up, test_shown,
              fixture_tear_down);
  g_test_add ("/conflict-banner/keep-mine", Fixture, GINT_TO_POINTER (AF_RESOLVE_MINE),
              fixture_set_up, test_resolve, fixture_tear_down);
  g_test_add ("/conflict-banner/take-theirs", Fixture, GINT_TO_POINTER (AF_RESOLVE_THEIRS),
              fixture_set_up, test_resolve, fixture_tear_down);
  g_test_add ("/conflict-banner/edit", Fixture, NULL, fixture_set_up, test_edit,
              fixture_tear_down);
  return g_test_run ();
}
