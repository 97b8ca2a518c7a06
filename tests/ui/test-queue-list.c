/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The queue list keeps the audit selected through a reload that moves it (a pull adding
 * audits at the top, a review moving one out): the real AfdQueueList over an
 * AfdQueueModel, in-process under Xvfb. The model tells the list of the rows that moved
 * a chunk at a time as their pages are read again, each a new object; the list selects
 * the audit again where it comes back, and opens nothing ("row-selected" is what opens
 * an item on the right); an audit the user's own review takes out of the queue gives
 * its place to the next, which opens. The SQL guard is FATAL: a statement on the main thread while
 * the test runs its main loop aborts it.
 */
#include "config.h"

#include <math.h>

#include <adwaita.h>

#include "af-store.h"
#include "af-store-guard.h"
#include "afd-queue-list.h"
#include "afd-queue-model.h"
#include "afd-queue-row.h"
#include "afd-queue-row-view.h"
#include "ui/afd-test-widgets.h"

#define TIMEOUT_SECONDS 60
/* 12 pages: far enough down for a page of the first ones to be dropped. */
#define N_AUDITS (12 * AFD_QUEUE_MODEL_PAGE_SIZE)

typedef struct
{
  char          *dir;
  char          *path;
  AfStoreThread *thread;
  AfStore       *writer;    /* the test's own connection, as a pull writes */
  GtkWidget     *window;
  AfdQueueList  *list;
  AfdQueueModel *model;
  guint          opened;    /* "row-selected" emissions: items opened on the right */
  char          *opened_id; /* the last item opened */
} Fixture;

static AfValue *
audit_new (guint       i,
           const char *when)
{
  AfValue *item = af_value_new_map ();
  g_autofree char *id = g_strdup_printf ("audit-%06u", i);
  g_autofree char *name = g_strdup_printf ("Applicant %u", i);
  g_autofree char *spread = g_strdup_printf ("2024-11-%02uT10:%02u:%02u.000Z", 1 + i % 28,
                                            (i / 60) % 60, i % 60);

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "applicant_name", af_value_new_s (name));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when != NULL ? when : spread));
  af_value_map_set (item, "status", af_value_new_s (i % 10 == 0 ? "IN_PROGRESS" : "COMPLETED"));
  af_value_map_set (item, "risk_score", af_value_new_n_int ((i * 7919) % 101));
  return item;
}

static void
row_selected_cb (AfdQueueList *list,
                 AfdQueueRow  *row,
                 Fixture      *f)
{
  f->opened++;
  g_free (f->opened_id);
  f->opened_id = g_strdup (afd_queue_row_get_item_id (row));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  AfStore *store;

  f->dir = g_dir_make_tmp ("afd-queue-list-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "cache.db", NULL);
  store = af_store_open (f->path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_AUDITS; i++)
    g_ptr_array_add (items, audit_new (i, NULL));
  g_assert_true (af_store_put_remote_items (store, AF_TABLE_AUDITS, items, &error));
  g_assert_no_error (error);
  f->thread = af_store_thread_new (store);
  f->writer = af_store_open (f->path, &error);
  g_assert_no_error (error);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 420, 700);
  f->list = g_object_new (AFD_TYPE_QUEUE_LIST, NULL);
  g_signal_connect (f->list, "row-selected", G_CALLBACK (row_selected_cb), f);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->list));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->model);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->writer);
  af_store_thread_close (f->thread);
  g_clear_object (&f->thread);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, 0);
  af_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->opened_id);
}

static gboolean
model_settled (gpointer data)
{
  return !afd_queue_model_is_loading (data);
}

/* Until every page is read and every row told, then the idles after. */
static void
wait_settled (Fixture *f)
{
  afd_test_wait_until (model_settled, f->model, TIMEOUT_SECONDS);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
show_queue (Fixture    *f,
            const char *status)
{
  AfQuery query = { .table = AF_TABLE_AUDITS, .status = status };

  f->model = afd_queue_model_new (f->thread, &query);
  afd_queue_list_set_model (f->list, f->model, NULL, "Nothing");
  wait_settled (f);
}

/* The rows around @position read, as a list that shows them asks for them. */
static void
look_at (Fixture *f,
         guint    position)
{
  g_object_unref (g_list_model_get_item (G_LIST_MODEL (f->model), position));
  wait_settled (f);
}

/* The queue's list view (the search results' is after it). */
static GtkWidget *
list_view (Fixture *f)
{
  return afd_test_find_widget (f->window, GTK_TYPE_LIST_VIEW);
}

/* A click on the row at @position: it opens its audit. Returns the audit's id. */
static char *
click_row (Fixture *f,
           guint    position)
{
  GtkSingleSelection *selection = afd_queue_list_get_selection (f->list);
  AfdQueueRow *row;

  look_at (f, position);
  f->opened = 0;
  gtk_single_selection_set_selected (selection, position);
  g_assert_cmpuint (f->opened, ==, 1);
  row = gtk_single_selection_get_selected_item (selection);
  g_assert_nonnull (afd_queue_row_get_item_id (row));
  f->opened = 0;
  return g_strdup (afd_queue_row_get_item_id (row));
}

/* @n audits newer than all: they head the queue, every other row moves @n down. */
static void
pull_newest (Fixture *f,
             guint    n)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *when = g_strdup_printf ("2030-01-01T00:00:%02u.000Z", i);

      g_ptr_array_add (added, audit_new (N_AUDITS + i, when));
    }
  g_assert_true (af_store_put_remote_items (f->writer, AF_TABLE_AUDITS, added, &error));
  g_assert_no_error (error);
}

static void
reload (Fixture *f)
{
  afd_queue_list_reload (f->list);
  g_assert_true (afd_queue_model_is_loading (f->model));
  wait_settled (f);
}

/* The selection is @item_id at @position, in the list and in the model. */
static void
assert_selected (Fixture    *f,
                 const char *item_id,
                 guint       position)
{
  GtkSingleSelection *selection = afd_queue_list_get_selection (f->list);
  g_autoptr(AfdQueueRow) there = g_list_model_get_item (G_LIST_MODEL (f->model), position);

  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, position);
  g_assert_cmpstr (afd_queue_row_get_item_id (gtk_single_selection_get_selected_item (selection)),
                   ==, item_id);
  g_assert_true (gtk_single_selection_get_selected_item (selection) == (gpointer) there);
}

/* Far down (page 9), where its new place (3 further) is in the next chunk of rows told:
 * the old row is told first and the selection drops, then the new one is told and the
 * audit is selected again there. Nothing opened meanwhile. */
static void
test_follow_far (Fixture       *f,
                 gconstpointer  data)
{
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + AFD_QUEUE_MODEL_TELL_CHUNK - 2;
  g_autofree char *id = NULL;

  show_queue (f, NULL);
  id = click_row (f, far);

  pull_newest (f, 3);
  reload (f);
  g_assert_cmpuint (afd_queue_list_get_n_items (f->list), ==, N_AUDITS + 3);
  assert_selected (f, id, far + 3);
  g_assert_cmpuint (f->opened, ==, 0);
}

/* At the top, the selected audit pushed past the first page (row 198 to 201): found
 * where the second page's rows are told, not only in the first page. */
static void
test_follow_past_first_page (Fixture       *f,
                             gconstpointer  data)
{
  guint near_end = AFD_QUEUE_MODEL_PAGE_SIZE - 2;
  g_autofree char *id = NULL;

  show_queue (f, NULL);
  /* The list shows row 198: it holds rows of the second page too. */
  look_at (f, AFD_QUEUE_MODEL_PAGE_SIZE + 40);
  id = click_row (f, near_end);

  pull_newest (f, 3);
  reload (f);
  assert_selected (f, id, near_end + 3);
  g_assert_cmpuint (f->opened, ==, 0);
}

/* A pull (or the page on the right, stored) sets @attribute of the audit @id to @value. */
static void
change_audit (Fixture    *f,
              const char *id,
              const char *attribute,
              const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_store_get_remote_item (f->writer, AF_TABLE_AUDITS, id, &error);
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  g_assert_no_error (error);
  g_ptr_array_add (changed, af_value_copy (item));
  af_value_map_set (g_ptr_array_index (changed, 0), attribute, af_value_new_s (value));
  g_assert_true (af_store_put_remote_items (f->writer, AF_TABLE_AUDITS, changed, &error));
  g_assert_no_error (error);
}

/* A pull gives the audit @id another time: it moves to where that time sorts. */
static void
retime (Fixture    *f,
        const char *id,
        const char *when)
{
  change_audit (f, id, "audit_timestamp", when);
}

/* The audit selected far down gets the oldest time (a pull): it moves to the end of the
 * queue, into a page the model never read, where no row is told. Its place is asked of
 * the store and its page read: it is selected there, nothing opened. */
static void
test_follow_into_unread_page (Fixture       *f,
                              gconstpointer  data)
{
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE + 17;
  g_autofree char *id = NULL;

  show_queue (f, NULL);
  id = click_row (f, far);

  retime (f, id, "2000-01-01T00:00:00.000Z");
  reload (f);
  assert_selected (f, id, N_AUDITS - 1);
  g_assert_cmpuint (f->opened, ==, 0);

  /* With AFD_SCREENSHOT_DIR set: the end of the queue, the audit selected there. */
  gtk_widget_activate_action (list_view (f), "list.scroll-to-item", "u", N_AUDITS - 1);
  afd_test_settle (f->window, 3);
  afd_test_screenshot (f->window, "queue-followed-to-the-end.png");
}

/* The list view shows the row at @position, drawn. */
static void
scroll_to (Fixture *f,
           guint    position)
{
  gtk_widget_activate_action (list_view (f), "list.scroll-to-item", "u", position);
  afd_test_settle (f->window, 3);
  wait_settled (f);
  afd_test_settle (f->window, 2);
}

/* The position of the row @item (a child of the list view) shows: where it is drawn in
 * the list, every row being as high (its margins included). */
static guint
position_of (Fixture   *f,
             GtkWidget *item)
{
  GtkAdjustment *scrolled = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view (f)));
  graphene_point_t top;
  double pitch;

  g_assert_true (gtk_widget_compute_point (item, list_view (f), &GRAPHENE_POINT_INIT (0, 0), &top));
  pitch = gtk_adjustment_get_upper (scrolled) / g_list_model_get_n_items (G_LIST_MODEL (f->model));

  return (guint) floor ((top.y + gtk_adjustment_get_value (scrolled)) / pitch);
}

/* Every row widget on screen shows the audit the queue has where the row is. */
static void
assert_rows_shown_in_place (Fixture *f)
{
  AfQuery all = { .table = AF_TABLE_AUDITS };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) queue = af_store_query (f->writer, &all, &error);
  guint shown = 0;

  g_assert_no_error (error);
  for (GtkWidget *item = gtk_widget_get_first_child (list_view (f)); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *view = afd_test_find_widget (item, AFD_TYPE_QUEUE_ROW_VIEW);
      AfdQueueRow *row = view != NULL ? afd_queue_row_view_get_row (AFD_QUEUE_ROW_VIEW (view)) : NULL;
      guint position;

      if (row == NULL || !gtk_widget_get_child_visible (item))
        continue;
      position = position_of (f, item);
      g_assert_cmpuint (position, <, queue->len);
      g_assert_cmpstr (afd_queue_row_get_item_id (row), ==,
                       af_item_get_s (queue->pdata[position], "audit_record_id"));
      shown++;
    }
  g_assert_cmpuint (shown, >, 10);
}

/* The list shows rows far down; reads it did not ask for drop their pages from the
 * model (here the test reads four other pages; in the app a walk far down or a locate
 * does); a pull then moves every row. Each row on screen shows the audit now at its
 * place: none keeps the one that was there before the pull (until scrolled). */
static void
test_rows_of_dropped_pages (Fixture       *f,
                            gconstpointer  data)
{
  guint far = 9 * AFD_QUEUE_MODEL_PAGE_SIZE - 10;

  show_queue (f, NULL);
  scroll_to (f, far);
  assert_rows_shown_in_place (f);
  for (guint page = 2; page < 2 + AFD_QUEUE_MODEL_MAX_PAGES; page++)
    look_at (f, page * AFD_QUEUE_MODEL_PAGE_SIZE);

  pull_newest (f, 3);
  reload (f);
  afd_test_settle (f->window, 3);
  assert_rows_shown_in_place (f);
}

/* The queue's audit at @position, as the store has it now. */
static char *
audit_at (Fixture       *f,
          const AfQuery *queue,
          guint          position)
{
  AfQuery at = *queue;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  at.offset = position;
  at.limit = 1;
  found = af_store_query (f->writer, &at, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  return g_strdup (af_item_get_s (g_ptr_array_index (found, 0), "audit_record_id"));
}

/* Moves the audit at @position of the in-progress queue out of it (completed). */
static void
complete_at (Fixture *f,
             guint    position)
{
  AfQuery in_progress = { .table = AF_TABLE_AUDITS, .status = "IN_PROGRESS" };
  g_autofree char *id = audit_at (f, &in_progress, position);

  change_audit (f, id, "status", "COMPLETED");
}

/* The selected audit leaves the queue (and one above it too) by a pull, not by the
 * user's act: the selection is cleared, no other audit is selected or opened (the page
 * on the right stays on it). */
static void
test_moved_out (Fixture       *f,
                gconstpointer  data)
{
  guint position = AFD_QUEUE_MODEL_PAGE_SIZE + 10;
  guint n;
  g_autofree char *id = NULL;

  show_queue (f, "IN_PROGRESS");
  n = afd_queue_list_get_n_items (f->list);
  g_assert_cmpuint (n, ==, N_AUDITS / 10);
  id = click_row (f, position);

  complete_at (f, position);
  complete_at (f, 10);
  reload (f);
  g_assert_cmpuint (afd_queue_list_get_n_items (f->list), ==, n - 2);
  g_assert_cmpuint (gtk_single_selection_get_selected (afd_queue_list_get_selection (f->list)),
                    ==, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (f->opened, ==, 0);
}

/* The audit @id marked reviewed, as the review of the page on the right stores it. */
static void
review (Fixture    *f,
        const char *id)
{
  change_audit (f, id, "reviewed_by", "ann@example.com");
}

/* Until the item the list moved on to is opened (its row read and "row-selected"). */
static gboolean
opened_one (gpointer data)
{
  Fixture *f = data;

  return f->opened > 0;
}

/* The audit open at @position of a queue of audits not yet reviewed is reviewed there:
 * it leaves the queue, and the audit that followed it (or, from the last row, the one
 * before) is selected at its place and opened, once. */
static void
check_move_on (Fixture *f,
               guint    position,
               gboolean last)
{
  AfQuery queue = { .table = AF_TABLE_AUDITS, .reviewed = AF_REVIEWED_NO };
  GtkSingleSelection *selection = afd_queue_list_get_selection (f->list);
  g_autofree char *id = NULL;
  g_autofree char *next = NULL;
  guint n;

  f->model = afd_queue_model_new (f->thread, &queue);
  afd_queue_list_set_model (f->list, f->model, NULL, "Nothing");
  wait_settled (f);
  n = afd_queue_list_get_n_items (f->list);
  if (last)
    position = n - 1;
  id = click_row (f, position);
  next = audit_at (f, &queue, last ? position - 1 : position + 1);

  review (f, id);
  afd_queue_list_reload_moving_on (f->list, id);
  wait_settled (f);
  afd_test_wait_until (opened_one, f, TIMEOUT_SECONDS);
  g_assert_cmpuint (afd_queue_list_get_n_items (f->list), ==, n - 1);
  assert_selected (f, next, last ? position - 1 : position);
  g_assert_cmpuint (f->opened, ==, 1);
  g_assert_cmpstr (f->opened_id, ==, next);
  g_assert_cmpstr (afd_queue_row_get_item_id (gtk_single_selection_get_selected_item (selection)),
                   ==, next);

  /* With AFD_SCREENSHOT_DIR set: the next audit selected where the reviewed one was. */
  afd_test_settle (f->window, 3);
  afd_test_screenshot (f->window, last ? "queue-moved-on-to-previous.png" : "queue-moved-on.png");
}

/* Past the first page, where the reload's first page does not hold it. */
static void
test_move_on (Fixture       *f,
              gconstpointer  data)
{
  check_move_on (f, AFD_QUEUE_MODEL_PAGE_SIZE + 10, FALSE);
}

/* In the first page, where the reload's first page tells the rows. */
static void
test_move_on_in_first_page (Fixture       *f,
                            gconstpointer  data)
{
  check_move_on (f, 3, FALSE);
}

static void
test_move_on_from_last (Fixture       *f,
                        gconstpointer  data)
{
  check_move_on (f, 0, TRUE);
}

/* Reviewed where it stays in the queue (All audits): selected again, nothing opened. */
static void
test_move_on_stays (Fixture       *f,
                    gconstpointer  data)
{
  guint position = AFD_QUEUE_MODEL_PAGE_SIZE + 10;
  g_autofree char *id = NULL;

  show_queue (f, NULL);
  id = click_row (f, position);
  review (f, id);
  afd_queue_list_reload_moving_on (f->list, id);
  wait_settled (f);
  assert_selected (f, id, position);
  g_assert_cmpuint (f->opened, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  af_store_guard_install ();
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  g_test_add ("/queue-list/follow-far", Fixture, NULL, fixture_set_up, test_follow_far,
              fixture_tear_down);
  g_test_add ("/queue-list/follow-past-first-page", Fixture, NULL, fixture_set_up,
              test_follow_past_first_page, fixture_tear_down);
  g_test_add ("/queue-list/moved-out", Fixture, NULL, fixture_set_up, test_moved_out,
              fixture_tear_down);
  g_test_add ("/queue-list/move-on", Fixture, NULL, fixture_set_up, test_move_on,
              fixture_tear_down);
  g_test_add ("/queue-list/move-on-in-first-page", Fixture, NULL, fixture_set_up,
              test_move_on_in_first_page, fixture_tear_down);
  g_test_add ("/queue-list/move-on-from-last", Fixture, NULL, fixture_set_up,
              test_move_on_from_last, fixture_tear_down);
  g_test_add ("/queue-list/move-on-stays", Fixture, NULL, fixture_set_up, test_move_on_stays,
              fixture_tear_down);
  g_test_add ("/queue-list/follow-into-unread-page", Fixture, NULL, fixture_set_up,
              test_follow_into_unread_page, fixture_tear_down);
  g_test_add ("/queue-list/rows-of-dropped-pages", Fixture, NULL, fixture_set_up,
              test_rows_of_dropped_pages, fixture_tear_down);
  return g_test_run ();
}
