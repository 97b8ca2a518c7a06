/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-note-editor.c — AfdNoteEditor on the demo workspace, in-process under Xvfb:
 * rapid typing is saved once, after the debounce, with the whole text; Tab and
 * Shift+Tab (real key presses, through XTest) move the focus and type nothing; a save
 * that fails says so on the status line and in a toast, keeps the typed text, and the
 * next save goes through.
 */
#include "config.h"

#include <gdk/x11/gdkx.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include "af-store-async.h"
#include "af-store-guard.h"
#include "af-store-test-private.h"
#include "afd-note-editor.h"
#include "afd-test-widgets.h"

#define AUDIT "05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4"
#define STORED "Requested September bank statement and 2023 Form 1040 to verify income " \
               "and current address."
#define SAVED "Saved on this computer · waiting to sync"
#define TIMEOUT_SECONDS 60

typedef struct
{
  char          *scratch;
  AfdWorkspace  *workspace;
  GtkWidget     *window;
  AfdNoteEditor *editor;
  GtkTextView   *view;
  GtkLabel      *status;
  GtkWidget     *after;     /* the control Tab moves to */
  GPtrArray     *toasts;    /* what the editor asked the window to show */
  guint          saves;     /* edits the editor queued */
} Fixture;

static Fixture *current;    /* for the save function, which has no data of its own */

/* The audit page's edit, counted on its way to the store's thread. */
static void
counting_save (AfStoreThread       *thread,
               const char          *item_id,
               const char          *text,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  current->saves++;
  af_store_thread_set_review_notes_async (thread, item_id, text, cancellable, callback,
                                          user_data);
}

static char *
describe_failure (const char   *item_id,
                  const GError *error)
{
  return g_strdup_printf ("Could not save the notes of audit %s: %s", item_id, error->message);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GError) error = NULL;

  f->scratch = g_dir_make_tmp ("afd-note-editor-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = afd_test_open_demo (f->scratch, TIMEOUT_SECONDS);
  /* Signed without asking (and without the demo's toast about it). */
  af_store_thread_set_identity (afd_workspace_get_store_thread (f->workspace),
                                "officer@example.com");
  current = f;

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 600, 400);
  f->editor = AFD_NOTE_EDITOR (afd_note_editor_new ());
  g_object_set (f->editor, "label", "Review notes", NULL);
  f->after = gtk_button_new_with_label ("After");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->editor));
  gtk_box_append (GTK_BOX (box), f->after);
  gtk_window_set_child (GTK_WINDOW (f->window), box);
  f->toasts = afd_test_record_toasts (f->window);
  f->view = GTK_TEXT_VIEW (afd_test_find_widget (GTK_WIDGET (f->editor), GTK_TYPE_TEXT_VIEW));
  f->status = GTK_LABEL (afd_test_find_widget (GTK_WIDGET (f->editor), GTK_TYPE_LABEL));

  afd_note_editor_set_saver (f->editor, counting_save, describe_failure);
  afd_note_editor_set_item (f->editor, f->workspace, AUDIT);
  afd_note_editor_set_text (f->editor, STORED);
  gtk_window_present (GTK_WINDOW (f->window));
  afd_test_settle (f->window, 2);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  afd_test_run_for (50);
  g_clear_object (&f->workspace);
  g_clear_pointer (&f->toasts, g_ptr_array_unref);
  af_test_remove_tree (f->scratch);
  g_free (f->scratch);
  current = NULL;
}

static gpointer
read_notes_job (AfStore  *store,
                gpointer  data,
                GError  **error)
{
  g_autoptr(AfValue) audit = af_store_get_item (store, AF_TABLE_AUDITS, data, error);

  return audit != NULL ? g_strdup (af_item_get_s (audit, "review_notes")) : NULL;
}

/* The note as the cache holds it once every edit queued so far has run. */
static char *
stored_notes (Fixture *f)
{
  return afd_test_store_run (f->workspace, read_notes_job, (gpointer) AUDIT);
}

static char *
shown_text (Fixture *f)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (f->view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
type (Fixture    *f,
      const char *text)
{
  gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (f->view), text, -1);
}

static gboolean
status_is_saved (gpointer data)
{
  return g_strcmp0 (gtk_label_get_label (data), SAVED) == 0;
}

/* ---- rapid typing, one save ---- */

static void
test_debounce_coalesces (Fixture       *f,
                         gconstpointer  data)
{
  const char *words[] = { " Income", " checked", " against", " the", " W-2." };
  g_autofree char *stored = NULL;
  g_autofree char *expected = g_strconcat (STORED, " Income checked against the W-2.", NULL);
  GtkTextIter end;

  /* Showing the stored note is not an edit. */
  g_assert_cmpstr (gtk_label_get_label (f->status), ==,
                   "Notes are saved on this computer as you type.");
  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (f->view), &end);
  gtk_text_buffer_place_cursor (gtk_text_view_get_buffer (f->view), &end);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      type (f, words[i]);
      afd_test_run_for (150);   /* well inside the debounce */
      g_assert_cmpstr (gtk_label_get_label (f->status), ==, "Editing…");
    }
  g_assert_cmpuint (f->saves, ==, 0);
  afd_test_wait_until (status_is_saved, f->status, TIMEOUT_SECONDS);
  stored = stored_notes (f);
  g_assert_cmpstr (stored, ==, expected);
  /* A while later there is still only the one save. */
  afd_test_run_for (1000);
  g_assert_cmpuint (f->saves, ==, 1);
  g_assert_cmpuint (f->toasts->len, ==, 0);
}

/* A flush saves at once what waits for the debounce, once. */
static void
test_flush (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *stored = NULL;

  afd_note_editor_set_text (f->editor, "");
  type (f, "Flushed before the review.");
  afd_note_editor_flush (f->editor);
  g_assert_cmpuint (f->saves, ==, 1);
  g_assert_cmpstr (gtk_label_get_label (f->status), ==, SAVED);
  stored = stored_notes (f);
  g_assert_cmpstr (stored, ==, "Flushed before the review.");
  afd_test_run_for (1000);
  g_assert_cmpuint (f->saves, ==, 1);
}

/* ---- Tab moves the focus ---- */

static void
press_key (GtkWidget *widget,
           guint      keysym,
           gboolean   shift)
{
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  KeyCode shift_code = XKeysymToKeycode (display, XK_Shift_L);
  KeyCode code = XKeysymToKeycode (display, keysym);

  if (shift)
    XTestFakeKeyEvent (display, shift_code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, True, CurrentTime);
  XTestFakeKeyEvent (display, code, False, CurrentTime);
  if (shift)
    XTestFakeKeyEvent (display, shift_code, False, CurrentTime);
  XFlush (display);
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *focus;
} FocusWait;

static gboolean
focus_is (gpointer data)
{
  FocusWait *wait = data;

  return gtk_window_get_focus (wait->window) == wait->focus;
}

static void
wait_for_focus (Fixture   *f,
                GtkWidget *widget)
{
  FocusWait wait = { GTK_WINDOW (f->window), widget };

  afd_test_wait_until (focus_is, &wait, TIMEOUT_SECONDS);
}

/* Without a window manager the X focus is given by hand, as a manager would. */
static void
focus_window (Fixture *f)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));
  Display *display = gdk_x11_display_get_xdisplay (gtk_widget_get_display (f->window));

  XSetInputFocus (display, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XFlush (display);
  afd_test_run_for (200);
}

static void
test_tab_moves_focus (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *text = NULL;

  g_assert_false (gtk_text_view_get_accepts_tab (f->view));
  focus_window (f);
  gtk_widget_grab_focus (GTK_WIDGET (f->view));
  wait_for_focus (f, GTK_WIDGET (f->view));

  press_key (f->window, XK_Tab, FALSE);
  wait_for_focus (f, f->after);
  press_key (f->window, XK_Tab, TRUE);
  wait_for_focus (f, GTK_WIDGET (f->view));

  /* Nothing typed, nothing to save. */
  text = shown_text (f);
  g_assert_null (strchr (text, '\t'));
  g_assert_cmpstr (text, ==, STORED);
  afd_test_run_for (1000);
  g_assert_cmpuint (f->saves, ==, 0);
}

/* ---- a failed save ---- */

static gboolean
status_says_failed (gpointer data)
{
  return g_str_has_prefix (gtk_label_get_label (data),
                           "Could not save the notes of audit " AUDIT ": ");
}

static void
test_failed_save_reports (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *stored = NULL;
  g_autofree char *again = NULL;
  g_autofree char *shown = NULL;

  afd_note_editor_set_text (f->editor, "");
  af_store_thread_inject_failure (afd_workspace_get_store_thread (f->workspace),
                                  "after-item-update");
  type (f, "Lost in a failed commit");
  /* Shown as saved at once… */
  afd_note_editor_flush (f->editor);
  g_assert_cmpstr (gtk_label_get_label (f->status), ==, SAVED);
  /* …and taken back when the commit fails. */
  afd_test_wait_until (status_says_failed, f->status, TIMEOUT_SECONDS);
  g_assert_cmpuint (f->toasts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->toasts, 0), ==, gtk_label_get_label (f->status));
  stored = stored_notes (f);
  g_assert_cmpstr (stored, ==, STORED);
  /* The typed text stays, and the next save of it goes through. */
  shown = shown_text (f);
  g_assert_cmpstr (shown, ==, "Lost in a failed commit");
  type (f, ", then kept.");
  afd_test_wait_until (status_is_saved, f->status, TIMEOUT_SECONDS);
  again = stored_notes (f);
  g_assert_cmpstr (again, ==, "Lost in a failed commit, then kept.");
  g_assert_cmpuint (f->toasts->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The editor's SQL runs on the store's thread: any on this one while its main loop
   * runs aborts the test. */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  g_test_add ("/note-editor/debounce-coalesces", Fixture, NULL, fixture_set_up,
              test_debounce_coalesces, fixture_tear_down);
  g_test_add ("/note-editor/flush", Fixture, NULL, fixture_set_up, test_flush,
              fixture_tear_down);
  g_test_add ("/note-editor/tab-moves-focus", Fixture, NULL, fixture_set_up,
              test_tab_moves_focus, fixture_tear_down);
  g_test_add ("/note-editor/failed-save-reports", Fixture, NULL, fixture_set_up,
              test_failed_save_reports, fixture_tear_down);
  return g_test_run ();
}
