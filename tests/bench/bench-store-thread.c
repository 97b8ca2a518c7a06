/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-store-thread — the window's main loop while notes are saved during a 10,000-item
 * pull (issue 13): the longest gap between two frames of a window's frame clock, and the
 * longest single main-loop dispatch, in four runs of the same length:
 *
 *   idle              nothing but the frames (the baseline of this machine and display)
 *   thread, no pull   a note saved every 50 ms through the store's thread
 *   thread + pull     the same while another connection writes 10,000 items in pages
 *   main + pull       the note saved on the main thread, as the app did before issue 13
 *
 * Figures only, no assertion (the target: a stall under 20 ms with the thread).
 *   tests/run-xvfb.sh build/tests/bench/bench-store-thread
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <time.h>

#include "af-codec.h"
#include "af-store-async.h"
#include "afd-renderer-choice.h"

#define AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define PULL_PAGES 100
#define PULL_PAGE_ITEMS 100
#define NOTE_EVERY_MS 50
#define RUN_SECONDS 3

typedef enum
{
  RUN_IDLE,
  RUN_THREAD,
  RUN_THREAD_PULL,
  RUN_MAIN_PULL,
} RunKind;

typedef struct
{
  gint64  last_frame;     /* µs, monotonic */
  gint64  longest_frame;  /* µs between two frames */
  gint64  longest_dispatch;
  double  longest_dispatch_cpu;   /* ms of the main thread's own CPU */
  gint64  longest_save;   /* µs from queueing a note to its answer */
  guint   frames;
  guint   notes;
  guint   pending;
} Figures;

static GPtrArray *audits;   /* fixture audits the pull copies */
static char *cache_path;

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  Figures *figures = user_data;
  gint64 now = g_get_monotonic_time ();

  /* The first frames after the callback is added restart the clock: not counted. */
  if (figures->last_frame != 0 && figures->frames > 3)
    figures->longest_frame = MAX (figures->longest_frame, now - figures->last_frame);
  figures->last_frame = now;
  figures->frames++;
  return G_SOURCE_CONTINUE;
}

/* ---- The pull: another connection, pages of 100 items, as the sync worker writes ---- */

static GPtrArray *
pull_page (guint page)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (guint i = 0; i < PULL_PAGE_ITEMS; i++)
    {
      guint n = page * PULL_PAGE_ITEMS + i;
      AfValue *item = af_value_copy (g_ptr_array_index (audits, n % audits->len));
      g_autofree char *id = g_strdup_printf ("pulled-%05u", n);

      af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      g_ptr_array_add (items, item);
    }
  return items;
}

static gpointer
pull_thread (gpointer data)
{
  gint *done = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (cache_path, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  for (guint p = 0; p < PULL_PAGES; p++)
    {
      g_autoptr(GPtrArray) items = pull_page (p);
      g_autofree char *mark = g_strdup_printf ("%u", p);

      if (!af_store_put_remote_page (store, AF_TABLE_AUDITS, items, "bench-pull", mark, &error))
        g_error ("%s", error->message);
    }
  g_atomic_int_set (done, TRUE);
  return NULL;
}

/* ---- Saving notes ---------------------------------------------------------------- */

typedef struct
{
  Figures *figures;
  gint64   queued;
} Saving;

static void
note_saved_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Saving *saving = user_data;
  g_autoptr(GError) error = NULL;

  if (!af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error))
    g_error ("%s", error->message);
  saving->figures->longest_save = MAX (saving->figures->longest_save,
                                       g_get_monotonic_time () - saving->queued);
  saving->figures->pending--;
  g_free (saving);
}

static void
save_note (RunKind        kind,
           AfStoreThread *thread,
           AfStore       *main_store,
           Figures       *figures)
{
  g_autofree char *text = g_strdup_printf ("note %u", figures->notes++);
  g_autoptr(GError) error = NULL;
  Saving *saving;
  gint64 start = g_get_monotonic_time ();

  if (kind == RUN_MAIN_PULL)
    {
      if (!af_store_set_review_notes (main_store, AUDIT, text, &error))
        g_error ("%s", error->message);
      figures->longest_save = MAX (figures->longest_save, g_get_monotonic_time () - start);
      return;
    }
  saving = g_new0 (Saving, 1);
  saving->figures = figures;
  saving->queued = start;
  figures->pending++;
  af_store_thread_set_review_notes_async (thread, AUDIT, text, NULL, note_saved_cb, saving);
}

/* ---- One run ------------------------------------------------------------------------ */

/* CPU time of the calling thread: on a loaded machine (the pull's threads are busy too)
 * a dispatch's wall time also counts the time the kernel gave the CPU to another. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void
iterate_timed (Figures *figures)
{
  gint64 start = g_get_monotonic_time ();
  double cpu = thread_cpu_ms ();

  if (!g_main_context_iteration (NULL, FALSE))
    {
      g_usleep (500);
      return;
    }
  figures->longest_dispatch = MAX (figures->longest_dispatch, g_get_monotonic_time () - start);
  figures->longest_dispatch_cpu = MAX (figures->longest_dispatch_cpu, thread_cpu_ms () - cpu);
}

static void
run (RunKind        kind,
     const char    *name,
     GtkWidget     *widget,
     AfStoreThread *thread,
     AfStore       *main_store)
{
  Figures figures = { 0 };
  gint pull_done = FALSE;
  GThread *pull = NULL;
  gint64 end = g_get_monotonic_time () + RUN_SECONDS * G_USEC_PER_SEC;
  gint64 next_note = 0;
  guint tick = gtk_widget_add_tick_callback (widget, tick_cb, &figures, NULL);

  if (kind == RUN_THREAD_PULL || kind == RUN_MAIN_PULL)
    pull = g_thread_new ("pull", pull_thread, &pull_done);
  while (g_get_monotonic_time () < end || (pull != NULL && !g_atomic_int_get (&pull_done)) ||
         figures.pending > 0)
    {
      if (kind != RUN_IDLE && g_get_monotonic_time () >= next_note &&
          (pull == NULL || !g_atomic_int_get (&pull_done)))
        {
          save_note (kind, thread, main_store, &figures);
          next_note = g_get_monotonic_time () + NOTE_EVERY_MS * 1000;
        }
      iterate_timed (&figures);
    }
  if (pull != NULL)
    g_thread_join (pull);
  gtk_widget_remove_tick_callback (widget, tick);
  g_print ("%-16s %4u frames, longest gap %6.1f ms | longest dispatch %6.1f ms wall, "
           "%5.1f ms CPU | %3u notes, longest save %6.1f ms%s\n", name, figures.frames,
           figures.longest_frame / 1000.0, figures.longest_dispatch / 1000.0,
           figures.longest_dispatch_cpu, figures.notes,
           figures.longest_save / 1000.0,
           kind == RUN_MAIN_PULL ? " (on the main thread)" : kind == RUN_IDLE ? "" : " (queue → answer)");
}

static void
open_fixtures (AfStore *store)
{
  g_autofree char *file = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb",
                                            "AuditFlow-AuditRecords.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  if (!af_store_import_file (store, file, NULL, &error) ||
      !g_file_get_contents (file, &json, NULL, &error) ||
      (audits = af_codec_parse_items_page (json, -1, NULL, &error)) == NULL)
    g_error ("%s", error->message);
  af_store_set_identity (store, "bench@example.com");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scratch = g_dir_make_tmp ("bench-store-thread-XXXXXX", &error);
  g_autoptr(AfStore) main_store = NULL;
  g_autoptr(AfStoreThread) thread = NULL;
  GtkWidget *window, *spinner;

  if (g_getenv ("AF_FIXTURES_DIR") == NULL)
    g_error ("Set AF_FIXTURES_DIR to the fixture directory");
  g_free (afd_renderer_choice_apply ());   /* as main.c does: cairo where GL is software */
  if (!gtk_init_check ())
    {
      g_print ("no display: nothing measured (run under tests/run-xvfb.sh)\n");
      return 0;
    }
  adw_init ();
  cache_path = g_build_filename (scratch, "cache.db", NULL);
  main_store = af_store_open (cache_path, &error);
  if (main_store == NULL)
    g_error ("%s", error->message);
  open_fixtures (main_store);
  thread = af_store_thread_new (af_store_open (cache_path, &error));
  af_store_thread_set_identity (thread, "bench@example.com");

  /* A spinner keeps the frame clock ticking, as any animation would. */
  window = gtk_window_new ();
  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_window_set_child (GTK_WINDOW (window), spinner);
  gtk_window_set_default_size (GTK_WINDOW (window), 400, 300);
  gtk_window_present (GTK_WINDOW (window));
  for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);   /* shaders and the first frames */

  g_print ("A note saved every %d ms for %d s; the pull writes %d items in pages of %d "
           "on its own connection\n", NOTE_EVERY_MS, RUN_SECONDS, PULL_PAGES * PULL_PAGE_ITEMS,
           PULL_PAGE_ITEMS);
  run (RUN_IDLE, "idle", spinner, thread, main_store);
  run (RUN_THREAD, "thread, no pull", spinner, thread, main_store);
  run (RUN_THREAD_PULL, "thread + pull", spinner, thread, main_store);
  run (RUN_MAIN_PULL, "main + pull", spinner, thread, main_store);

  gtk_window_destroy (GTK_WINDOW (window));
  af_store_thread_close (thread);
  g_clear_object (&main_store);
  g_clear_object (&thread);
  {
    g_autofree char *wal = g_strconcat (cache_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (cache_path, "-shm", NULL);

    g_unlink (cache_path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (scratch);
  }
  g_free (cache_path);
  g_ptr_array_unref (audits);
  return 0;
}
