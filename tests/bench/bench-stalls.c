/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-stalls — the window's longest main-loop stall at 200,000 audits + 800,000
 * documents (issue 13): the application's own window over a cache of that size, driven
 * as a user would, with three measures in each phase:
 *   - the longest gap between two ticks of the window's frame clock, and its p99;
 *   - the longest single main-loop dispatch (wall), its p99, and the main thread's own
 *     CPU during that dispatch (on a loaded machine, wall minus CPU is somebody else);
 * and, before each phase, the same measures while the window does nothing (the
 * baseline of this machine and display in the same run).
 *
 * Next to each raw gap, its lateness: how much longer than the frame interval the clock
 * aims at (gdk_frame_clock_get_refresh_info: 16.7 ms under Xvfb, whose frames GDK paces
 * with a timer, so that an idle window's gaps are 17-22 ms, not 16.7). The raw gap is the
 * figure of the target; the lateness tells a late frame from the timer's own slack.
 * Each phase also counts the window's relayouts (GdkToplevel::compute-size: any
 * queue_resize in the window brings one at the next frame, and under X11 it costs a few
 * round trips to the X server that the main thread waits for) and gives a frame's longest
 * layout and longest snapshot + render. --slow MS lists every dispatch longer than MS,
 * with its main-thread CPU, whether it drew a frame, and its CLOCK_MONOTONIC span for
 * `perf script --time` (perf record -k CLOCK_MONOTONIC; a dispatch far longer than its
 * CPU waited: for the X server, for a core, see `perf record -e sched:sched_switch`).
 *
 * The phases:
 *   typing    win.search (Ctrl+F), then words of 6 letters typed as real key events
 *             (XTest, 110 ms apart), the results awaited, Ctrl+A + BackSpace, awaited;
 *   scrolling All Loans dragged top to bottom in 240 frames (as the scrollbar does),
 *             then until the rows at the bottom are read;
 *   note+pull an audit opened, letters typed into its notes (XTest) while another
 *             connection writes 10,000 audits in pages of 100 on a thread at background
 *             priority (as the app's sync job), then the window told, as the sync panel
 *             does at the end of a pull; then the same pull with nothing typed ("pull,
 *             nothing typed"), the baseline of the phase under the same load.
 *
 * Each window is a session of its own, a child process with its own Mesa shader cache
 * (bench-session.h): llvmpipe compiles a shader on the main thread the first time it
 * draws with it, a stall of a machine's first run only. "cold" sessions get a new, empty
 * MESA_SHADER_CACHE_DIR; "warm" ones the directory the last cold session filled (every
 * later run on a machine). The phases' lines of every session are repeated side by side
 * at the end.
 *
 * Each phase's line also gives a frame's own work (update, layout and paint, from the
 * frame clock's before-paint to its after-paint). Under Xvfb, Mesa's EGL and GLX offer
 * no buffer age (EGL_EXT_buffer_age, GLX_EXT_buffer_age), so GTK 4.8's GL renderer has
 * llvmpipe draw the whole window at every frame (a blinking text cursor included), and
 * that bounds the GL frame gap whatever the app does; the cairo renderer draws only the
 * damaged region (the idle phases' "frame work max" is a blinking cursor's frame: the
 * whole window under GL, a few pixels under cairo; a frame whose render nodes did not
 * change is not drawn at all). A headless Wayland compositor is no better on a machine
 * without a GPU: Mesa 22.3's EGL on Wayland with software rendering has neither buffer
 * age nor swap-with-damage either (checked under weston 10, mutter 43 --headless and
 * sway 1.7: the GL frame of a blinking cursor is the whole window there too), and no
 * /dev/dri means no DRI3 for an Xorg. Each session prints the display it ran on and
 * whether its GL has a buffer age. --renderers runs every session under each renderer
 * named and puts the lines side by side.
 * One run at a time: a lock in the cache's directory refuses a second.
 *
 * What the figures showed (2 cores, another benchmark and test suites running, load 1-6):
 * a long dispatch is mostly waiting, not the app's CPU. Dispatches of 90-160 ms used
 * 0.2-2 ms of the main thread's CPU, in the idle baselines and in "pull, nothing typed"
 * as in the phases; the main thread's sched_switch stacks show it waiting in
 * xcb_wait_for_reply (the toplevel relayout's X round trips: XGetGeometry,
 * XTranslateCoordinates, XInternAtom, XGetWindowProperty for the monitor's work area,
 * asked anew each time with no window manager under Xvfb; a text cursor's
 * XIGetClientPointer at each snapshot of an entry) and runnable without a core. Scrolling
 * relayouts the window at every frame (GTK 4.8's list view makes and drops row widgets,
 * each a queue_resize): ~2.4 compute-size a frame. Compare the main CPU figures before
 * and after a change; the gaps vary with the load from run to run.
 * The scrolling relayouts are GTK 4.8's, not the rows': a bare GtkListView of 100,000
 * fixed-height GtkDrawingAreas (bound to nothing but a queue_draw), and a GtkViewport of
 * a box of 2,000 of them, scrolled 120 frames under Xvfb, brought 247-360 compute-size
 * (5 px a frame, a row, a page or 833 rows a frame alike; none once still), and filling
 * "Loading…" rows in place instead of telling them (afd-queue-model.c) left the drag's
 * 2.57 a frame at 2.71. What the app can take out is its own CPU in a frame: the drag's
 * busiest dispatch went 12.5 -> 7.1 ms (median of 3) with the in-place fill, the reload
 * after a pull 10.1 -> 4.8 ms with changed rows filled in place too.
 *
 * The cache is built once (about a minute) under the build directory and reused:
 *   tests/run-xvfb.sh build/tests/bench/bench-stalls [--rebuild] [--sessions cold,warm]
 *     [--phases typing,scrolling,pull] [--renderers gl,cairo] [--window-size 960x600]
 * (about a minute and a half for each session; LP_NUM_THREADS passes on to them).
 * Figures only, no assertion; the target is a stall under 20 ms in each phase.
 */
#define G_LOG_DOMAIN "bench-stalls"

#include "config.h"

#include <X11/extensions/XTest.h>
#include <epoxy/egl.h>
#include <epoxy/gl.h>
#include <epoxy/glx.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "af-store-async.h"
#include "af-store-private.h"
#include "af-thread-priority.h"
#include "afd-application.h"
#include "afd-audit-page.h"
#include "afd-queue-list.h"
#include "afd-queue-model.h"
#include "afd-renderer-choice.h"
#include "afd-search-results.h"
#include "afd-window.h"
#include "bench-session.h"

#define N_AUDITS 200000
#define N_DOCUMENTS 800000
#define PULL_PAGES 100
#define PULL_PAGE_ITEMS 100
#define KEY_EVERY_MS 110
#define IDLE_SECONDS 3
#define SCROLL_FRAMES 240
#define PHASE_NAME_WIDTH 22

static gboolean rebuild;
static int backtraces;
static double slow_ms;
static char *phases = (char *) "typing,scrolling,pull";
static char *sessions = (char *) "cold,warm";
static char *renderers = (char *) "default";
static char *window_size;
static gboolean session;

static const GOptionEntry entries[] = {
  { "rebuild", 0, 0, G_OPTION_ARG_NONE, &rebuild, "Build the cache again", NULL },
  { "phases", 0, 0, G_OPTION_ARG_STRING, &phases,
    "The phases to run (default typing,scrolling,pull)", "LIST" },
  { "backtraces", 0, 0, G_OPTION_ARG_INT, &backtraces,
    "Print the main thread's stack (gdb) in up to N dispatches longer than 60 ms", "N" },
  { "slow", 0, 0, G_OPTION_ARG_DOUBLE, &slow_ms,
    "List every dispatch of a phase longer than MS (wall), with its CLOCK_MONOTONIC span "
    "for `perf script --time`", "MS" },
  { "sessions", 0, 0, G_OPTION_ARG_STRING, &sessions,
    "The sessions to run, in order: cold (an empty Mesa shader cache) or warm (the one the "
    "last cold session filled), e.g. cold,warm,warm (default cold,warm)", "LIST" },
  { "renderers", 0, 0, G_OPTION_ARG_STRING, &renderers,
    "Run the sessions under each of these GSK renderers in turn (GSK_RENDERER: gl, ngl, "
    "cairo…; \"default\" leaves the app's choice: cairo where GL is drawn in software), e.g. "
    "gl,cairo (default: default)", "LIST" },
  { "window-size", 0, 0, G_OPTION_ARG_STRING, &window_size,
    "The window's size, e.g. 960x600 (default: the app's own, 1200x780)", "WxH" },
  { "session", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &session,
    "Measure the window in this process (a session the others run)", NULL },
  { NULL }
};

/* ---- The cache, built once ------------------------------------------------------ */

static const char * const given[] = {
  "Emily", "José", "Carter", "Wei", "Ingrid", "Kofi", "Zoë", "Priya", "Mateo", "Aiko",
  "Olga", "Rafael", "Amara", "Lars", "Chloé", "Tomasz",
};
static const char * const family[] = {
  "Garcia", "Nguyen", "Müller", "Okafor", "Carter", "Tanaka", "Smith", "Johansson",
  "Dubois", "Singh", "Novák", "Mensah", "Larsen", "Moreau", "Haddad", "Sato", "Costa",
};

static char *
audit_id (guint i)
{
  return g_strdup_printf ("%08x-5a1e-4000-8000-%012x", i, i * 2654435761u);
}

static AfValue *
make_audit (guint i)
{
  static const char * const statuses[] = { "COMPLETED", "COMPLETED", "COMPLETED",
                                           "IN_PROGRESS", "FAILED" };
  AfValue *item = af_value_new_map ();
  g_autofree char *id = audit_id (i);
  g_autofree char *loan = g_strdup_printf ("LN-%07u", i);
  g_autofree char *name = g_strdup_printf ("%s %s", given[i % G_N_ELEMENTS (given)],
                                           family[(i / 5) % G_N_ELEMENTS (family)]);
  g_autofree char *when = g_strdup_printf ("2025-%02u-%02uT%02u:%02u:%02u.000Z", 1 + i % 12,
                                          1 + (i / 12) % 28, (i / 7) % 24, i % 60,
                                          (i / 3) % 60);

  af_value_map_set (item, "audit_record_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "applicant_name", af_value_new_s (name));
  af_value_map_set (item, "audit_timestamp", af_value_new_s (when));
  af_value_map_set (item, "status", af_value_new_s (statuses[i % G_N_ELEMENTS (statuses)]));
  af_value_map_set (item, "risk_score", af_value_new_n_int ((i * 7919) % 101));
  return item;
}

static AfValue *
make_document (guint i)
{
  static const char * const kinds[] = { "Paystub", "W2", "BankStatement", "Passport",
                                        "Appraisal", "Lease" };
  AfValue *item = af_value_new_map ();
  g_autofree char *id = g_strdup_printf ("%08x-d0c5-4000-8000-%012x", i, i * 40503u);
  g_autofree char *loan = g_strdup_printf ("LN-%07u", i / 4);
  g_autofree char *file = g_strdup_printf ("%s_%s_%u.pdf", kinds[i % G_N_ELEMENTS (kinds)],
                                           family[(i / 20) % G_N_ELEMENTS (family)], i);
  g_autofree char *when = g_strdup_printf ("2025-%02u-%02uT10:%02u:00.000Z", 1 + i % 12,
                                          1 + i % 28, i % 60);

  af_value_map_set (item, "document_id", af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, "file_name", af_value_new_s (file));
  af_value_map_set (item, "upload_timestamp", af_value_new_s (when));
  af_value_map_set (item, "processing_status", af_value_new_s (i % 7 == 0 ? "PENDING"
                                                                          : "COMPLETED"));
  return item;
}

static void
fill (AfStore  *store,
      AfTable   table,
      guint     count,
      AfValue *(*make) (guint))
{
  g_autoptr(GError) error = NULL;

  for (guint start = 0; start < count; start += 20000)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

      for (guint i = start; i < MIN (count, start + 20000); i++)
        g_ptr_array_add (items, make (i));
      if (!af_store_put_remote_items (store, table, items, &error))
        g_error ("filling the cache: %s", error->message);
    }
}

/* One run at a time on the cache: two runs' pulls and windows writing it at once left it
 * "malformed" (each run's sessions are its children: they do not take the lock again). */
static void
lock_cache_dir (void)
{
  g_autofree char *dir = g_build_filename (BENCH_CACHE_DIR, "bench-stalls-cache", NULL);
  g_autofree char *lock = g_build_filename (dir, "lock", NULL);
  int fd;

  g_mkdir_with_parents (dir, 0700);
  fd = open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) != 0)
    g_error ("%s: another bench-stalls is using this cache (wait for it to end)", lock);
  /* fd stays open (and locked) until the process ends. */
}

/* Built under another name and renamed when whole: a run cut short leaves no half cache. */
static char *
ensure_cache (void)
{
  g_autofree char *dir = g_build_filename (BENCH_CACHE_DIR, "bench-stalls-cache", NULL);
  char *path = g_build_filename (dir, "cache.db", NULL);
  g_autofree char *building = g_build_filename (dir, "building.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;
  gint64 start = g_get_monotonic_time ();
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  if (!rebuild && g_file_test (path, G_FILE_TEST_EXISTS) &&
      (store = af_store_open (path, &error)) != NULL)
    return path;    /* the cache opens with this build's key */
  g_clear_error (&error);
  g_clear_object (&store);
  g_mkdir_with_parents (dir, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *old = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *partial = g_strconcat (building, suffixes[i], NULL);

      g_unlink (old);
      g_unlink (partial);
    }
  g_print ("# building the cache (once): %d audits + %d documents in %s\n",
           N_AUDITS, N_DOCUMENTS, dir);
  store = af_store_open (building, &error);
  if (store == NULL || !af_store_search_suspend (store, &error))
    g_error ("%s", error->message);
  fill (store, AF_TABLE_AUDITS, N_AUDITS, make_audit);
  fill (store, AF_TABLE_DOCUMENTS, N_DOCUMENTS, make_document);
  if (!af_store_search_resume (store, &error))
    g_error ("%s", error->message);
  g_clear_object (&store);
  if (g_rename (building, path) != 0)
    g_error ("Could not rename %s: %s", building, g_strerror (errno));
  g_print ("# built in %.0f s\n", (g_get_monotonic_time () - start) / 1e6);
  return path;
}

/* ---- auditflow-cli list at two sizes (issue 13 item 5) ------------------------------ */

static char *
ensure_small_cache (void)
{
  char *path = g_build_filename (BENCH_CACHE_DIR, "bench-stalls-cache", "small.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS) && (store = af_store_open (path, &error)) != NULL)
    return path;
  g_clear_error (&error);
  g_unlink (path);
  store = af_store_open (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  fill (store, AF_TABLE_AUDITS, 1000, make_audit);
  return path;
}

/* The median of 7 runs of `auditflow-cli --db PATH list audits --limit 50 [--count]`, ms. */
static double
time_cli_list (const char *path,
               gboolean    count)
{
  double ms[7];

  for (guint run = 0; run < G_N_ELEMENTS (ms); run++)
    {
      const char *argv[] = { AF_CLI_PATH, "--db", path, "list", "audits", "--limit", "50",
                             count ? "--count" : NULL, NULL };
      g_autoptr(GError) error = NULL;
      int status = 0;
      gint64 start = g_get_monotonic_time ();

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                         NULL, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, &error))
        g_error ("auditflow-cli list: %s", error->message);
      ms[run] = (g_get_monotonic_time () - start) / 1000.0;
    }
  for (guint i = 1; i < G_N_ELEMENTS (ms); i++)
    for (guint j = i; j > 0 && ms[j - 1] > ms[j]; j--)
      {
        double t = ms[j];

        ms[j] = ms[j - 1];
        ms[j - 1] = t;
      }
  return ms[G_N_ELEMENTS (ms) / 2];
}

static void
bench_cli_list (const char *large)
{
  g_autofree char *small = ensure_small_cache ();
  double small_ms = time_cli_list (small, FALSE);
  double large_ms = time_cli_list (large, FALSE);
  double small_count_ms = time_cli_list (small, TRUE);
  double large_count_ms = time_cli_list (large, TRUE);

  g_print ("auditflow-cli list audits --limit 50 (median of 7, process start included):\n"
           "  1,000 items %6.1f ms | 1,000,000 items %6.1f ms | ratio %.2f\n"
           "  with --count (\"50 of N\", as every page was before): %6.1f ms | %6.1f ms | "
           "ratio %.2f\n", small_ms, large_ms,
           large_ms / small_ms, small_count_ms, large_count_ms, large_count_ms / small_count_ms);
}

/* ---- Measuring -------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  GArray     *gaps;          /* gint64 µs between two ticks */
  GArray     *paints;        /* gint64 µs from a frame's before-paint to its after-paint */
  GArray     *dispatches;    /* gint64 µs of one dispatch */
  GArray     *slow;          /* Slow: the dispatches longer than --slow */
  GArray     *lateness;      /* gint64 µs a tick came after the frame interval (>= 0) */
  gint64      longest_layout; /* µs, a frame's longest layout phase */
  gint64      longest_draw;  /* µs, a frame's longest snapshot and render (paint phase) */
  guint       relayouts;     /* the window's toplevel layouts (GdkToplevel::compute-size) */
  gint64      last_tick;
  guint       ticks;
  gint64      longest;       /* µs, the longest dispatch */
  double      longest_cpu;   /* ms of the main thread's CPU during it */
  gint64      longest_at;    /* CLOCK_MONOTONIC µs when it started */
  gint64      longest_gap;   /* µs, the longest gap between two ticks */
  gint64      longest_gap_at; /* CLOCK_MONOTONIC µs of the tick that ended it */
  double      most_cpu;      /* ms, the most CPU the main thread used in one dispatch */
  gint64      most_cpu_at;   /* CLOCK_MONOTONIC µs when that dispatch started */
  gint64      most_cpu_took; /* µs of wall time it took */
  gint64      started;       /* CLOCK_MONOTONIC µs, the phase's first dispatch */
} Phase;

/* A dispatch longer than --slow. */
typedef struct
{
  gint64 start;   /* CLOCK_MONOTONIC µs */
  gint64 took;    /* µs */
  double cpu;     /* ms of the main thread's CPU */
  gboolean frame; /* a frame was drawn in it */
} Slow;

static Phase *phase;   /* what the tick callback and the loop record into */

static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static GdkFrameClock *frame_clock;

/* The frame interval the window's clock aims at (µs): under Xvfb, no vblank, GDK's own
 * timer at the display's refresh rate (60 Hz: 16.7 ms). */
static gint64
refresh_interval (void)
{
  gint64 interval = 0;

  gdk_frame_clock_get_refresh_info (frame_clock, 0, &interval, NULL);
  return interval > 0 ? interval : 16667;
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  gint64 now = g_get_monotonic_time ();

  if (phase == NULL)
    return G_SOURCE_CONTINUE;
  /* The first ticks of a phase restart the clock: not counted. */
  if (phase->ticks++ > 2)
    {
      gint64 gap = now - phase->last_tick;

      gint64 late = MAX (0, gap - refresh_interval ());

      g_array_append_val (phase->gaps, gap);
      g_array_append_val (phase->lateness, late);
      if (gap > phase->longest_gap)
        {
          phase->longest_gap = gap;
          phase->longest_gap_at = now;
        }
    }
  phase->last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* A frame's own work: its update, layout and paint phases (the paint includes the
 * renderer's drawing and the copy to the X server), timed from the frame clock's
 * before-paint to its after-paint. The idle figure tells a full redraw from a redraw of
 * the damaged region only (a blinking text cursor). */
static gint64 paint_started;
static guint paints;    /* frames drawn so far */

static void
before_paint_cb (GdkFrameClock *clock)
{
  paint_started = g_get_monotonic_time ();
}

/* The frame's layout and paint phases apart: these handlers run after GTK's own (the
 * window's layout, the surface's paint), connected once the window is shown. */
static gint64 phase_mark;

static void
update_done_cb (GdkFrameClock *clock)
{
  phase_mark = g_get_monotonic_time ();
}

static void
layout_done_cb (GdkFrameClock *clock)
{
  gint64 now = g_get_monotonic_time ();

  if (phase != NULL && phase_mark != 0)
    phase->longest_layout = MAX (phase->longest_layout, now - phase_mark);
  phase_mark = now;
}

static void
paint_done_cb (GdkFrameClock *clock)
{
  if (phase != NULL && phase_mark != 0)
    phase->longest_draw = MAX (phase->longest_draw, g_get_monotonic_time () - phase_mark);
  phase_mark = 0;
}

/* GDK asks the window for its size (GdkToplevel::compute-size) at each layout of the
 * toplevel, which a queue_resize anywhere in the window brings about (a queue_allocate
 * does not): under X11 that is a few round trips to the X server (the monitor's
 * geometry and work area), which the main thread waits for. */
static void
compute_size_cb (GdkToplevel *toplevel)
{
  if (phase != NULL)
    phase->relayouts++;
}

static void
after_paint_cb (GdkFrameClock *clock)
{
  gint64 took = g_get_monotonic_time () - paint_started;

  paints++;
  if (phase != NULL && paint_started != 0)
    g_array_append_val (phase->paints, took);
  paint_started = 0;
}

/* --backtraces: a watchdog thread asks gdb for the main thread's stack when a dispatch
 * has used 40 ms of the main thread's CPU, to find our own work in the stalls. */
static gpointer dispatch_started;   /* main thread CPU µs as a pointer, NULL outside */
static clockid_t main_cpu_clock;

static gint64
main_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (main_cpu_clock, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000) + ts.tv_nsec / 1000 + 1;
}

static gpointer
watchdog_thread (gpointer data)
{
  pid_t pid = getpid ();

  while (backtraces > 0)
    {
      gint64 started = (gint64) GPOINTER_TO_SIZE (g_atomic_pointer_get (&dispatch_started));

      if (started != 0 && main_cpu_us () - started > 40000)
        {
          g_autofree char *command = g_strdup_printf (
            "gdb -q -batch -p %d -ex 'thread 1' -ex 'bt 40' 2>/dev/null | grep '^#'", (int) pid);
          const char *argv[] = { "/bin/sh", "-c", command, NULL };
          g_autofree char *out = NULL;

          g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                        NULL, NULL);
          g_print ("#   --- main thread, %.0f ms of its CPU into a dispatch:\n%s",
                   (main_cpu_us () - started) / 1000.0, out != NULL ? out : "(no gdb)\n");
          backtraces--;
          while (g_atomic_pointer_get (&dispatch_started) == GSIZE_TO_POINTER ((gsize) started))
            g_usleep (1000);
        }
      g_usleep (5000);
    }
  return NULL;
}

/* One main-loop iteration, its dispatch timed (the poll is not: it is waiting). */
static void
iterate (void)
{
  static GPollFD *fds;
  static gint n_fds;
  GMainContext *context = g_main_context_default ();
  gint max_priority, timeout, n;

  g_main_context_prepare (context, &max_priority);
  while ((n = g_main_context_query (context, max_priority, &timeout, fds, n_fds)) > n_fds)
    {
      n_fds = n;
      fds = g_renew (GPollFD, fds, n_fds);
    }
  /* Wake up at least every 2 ms for the script (keys, scroll steps). */
  timeout = timeout < 0 ? 2 : MIN (timeout, 2);
  g_main_context_get_poll_func (context) (fds, n, timeout);
  if (g_main_context_check (context, max_priority, fds, n))
    {
      gint64 start = g_get_monotonic_time ();
      double cpu = thread_cpu_ms ();
      guint paints_before = paints;
      gint64 took;

      if (backtraces > 0)
        g_atomic_pointer_set (&dispatch_started, GSIZE_TO_POINTER ((gsize) main_cpu_us ()));
      g_main_context_dispatch (context);
      g_atomic_pointer_set (&dispatch_started, NULL);
      took = g_get_monotonic_time () - start;
      cpu = thread_cpu_ms () - cpu;
      if (phase != NULL)
        {
          if (phase->started == 0)
            phase->started = start;
          if (cpu > phase->most_cpu)
            {
              phase->most_cpu = cpu;
              phase->most_cpu_at = start;
              phase->most_cpu_took = took;
            }
          g_array_append_val (phase->dispatches, took);
          if (slow_ms > 0 && took >= slow_ms * 1000)
            {
              Slow slow = { start, took, cpu, paints != paints_before };

              g_array_append_val (phase->slow, slow);
            }
          if (took > phase->longest)
            {
              phase->longest = took;
              phase->longest_cpu = cpu;
              phase->longest_at = start;
            }
        }
    }
}

static void
run_for_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    iterate ();
}

static Phase *
phase_new (const char *name)
{
  Phase *p = g_new0 (Phase, 1);

  p->name = name;
  p->gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->paints = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->dispatches = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->slow = g_array_new (FALSE, FALSE, sizeof (Slow));
  p->lateness = g_array_new (FALSE, FALSE, sizeof (gint64));
  return p;
}

static void
phase_free (Phase *p)
{
  g_array_unref (p->gaps);
  g_array_unref (p->paints);
  g_array_unref (p->dispatches);
  g_array_unref (p->slow);
  g_array_unref (p->lateness);
  g_free (p);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static double
percentile_ms (GArray *values,
               guint   pc)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_gint64);
  return g_array_index (values, gint64, MIN (values->len - 1, values->len * pc / 100)) / 1000.0;
}

static void
phase_print (Phase *p)
{
  g_print ("%-*s %4u frames  gap max %6.1f p99 %6.1f ms (late max %5.1f p99 %5.1f) | "
           "dispatch max %6.1f ms (main CPU %5.1f ms) p99 %5.1f ms | most main CPU in a "
           "dispatch %5.1f ms | frame work max %5.1f p50 %5.1f ms | %3u relayouts\n",
           PHASE_NAME_WIDTH, p->name, p->gaps->len, percentile_ms (p->gaps, 100),
           percentile_ms (p->gaps, 99), percentile_ms (p->lateness, 100),
           percentile_ms (p->lateness, 99), p->longest / 1000.0, p->longest_cpu,
           percentile_ms (p->dispatches, 99), p->most_cpu, percentile_ms (p->paints, 100),
           percentile_ms (p->paints, 50), p->relayouts);
  /* Where in the phase the outliers were (a one-off long dispatch among hundreds): the
   * offset from the phase's first dispatch. */
  g_print ("#   %s: longest gap %.1f ms ended at +%.3f s | longest dispatch %.1f ms at +%.3f s "
           "(main CPU %.1f ms) | most main CPU %.1f ms in a dispatch of %.1f ms at +%.3f s\n",
           p->name, p->longest_gap / 1000.0, (p->longest_gap_at - p->started) / 1e6,
           p->longest / 1000.0, (p->longest_at - p->started) / 1e6, p->longest_cpu,
           p->most_cpu, p->most_cpu_took / 1000.0, (p->most_cpu_at - p->started) / 1e6);
  g_print ("#   %s: a frame's longest layout %.1f ms, longest snapshot and render %.1f ms; "
           "frame interval %.1f ms\n", p->name, p->longest_layout / 1000.0,
           p->longest_draw / 1000.0, refresh_interval () / 1000.0);
  /* For a profile taken with `perf record -k CLOCK_MONOTONIC`: `perf script --time` cuts
   * its samples to that dispatch. */
  g_print ("#   %s: from %.6f s; its busiest dispatch %.6f,%.6f s (CLOCK_MONOTONIC)\n", p->name,
           p->started / 1e6, p->most_cpu_at / 1e6, (p->most_cpu_at + p->most_cpu_took) / 1e6);
  for (guint i = 0; i < p->slow->len; i++)
    {
      Slow *slow = &g_array_index (p->slow, Slow, i);

      g_print ("#   %s: slow dispatch %5.1f ms (main CPU %5.1f ms, %s) at +%.3f s: %.6f,%.6f s\n",
               p->name, slow->took / 1000.0, slow->cpu, slow->frame ? "a frame" : "no frame",
               (slow->start - p->started) / 1e6, slow->start / 1e6,
               (slow->start + slow->took) / 1e6);
    }
}

/* The window doing nothing for a while: the baseline printed before each phase. */
static void
measure_idle (const char *name)
{
  Phase *idle = phase_new (name);

  phase = idle;
  run_for_ms (IDLE_SECONDS * 1000);
  phase = NULL;
  phase_print (idle);
  phase_free (idle);
}

/* ---- Finding the window's parts ---------------------------------------------------- */

static GtkWidget *
find_widget (GtkWidget *root,
             GType      type,
             gboolean (*accept) (GtkWidget *))
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type) && (accept == NULL || accept (child)))
        return child;
      if ((found = find_widget (child, type, accept)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_queue_view (GtkWidget *widget)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (GTK_LIST_VIEW (widget));

  return GTK_IS_SINGLE_SELECTION (selection) &&
         AFD_IS_QUEUE_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)));
}

static GtkListView *
queue_view (GtkWidget *window)
{
  GtkWidget *list = find_widget (window, AFD_TYPE_QUEUE_LIST, NULL);

  return GTK_LIST_VIEW (find_widget (list != NULL ? list : window, GTK_TYPE_LIST_VIEW,
                                     is_queue_view));
}

static AfdQueueModel *
queue_model (GtkWidget *window)
{
  GtkSelectionModel *selection = gtk_list_view_get_model (queue_view (window));

  return AFD_QUEUE_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)));
}

/* Until the queue's count and first page are there (at most @ms). */
static gboolean
wait_loaded (GtkWidget *window,
             guint      ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      GtkListView *view = queue_view (window);

      if (view != NULL && !afd_queue_model_is_loading (queue_model (window)))
        return TRUE;
      iterate ();
    }
  return FALSE;
}

/* ---- Real key events (XTest) ------------------------------------------------------- */

static Display *
x_display (GtkWidget *window)
{
  return gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
}

static void
key (GtkWidget  *window,
     const char *keysym_name,
     gboolean    press)
{
  Display *display = x_display (window);
  KeyCode code = XKeysymToKeycode (display, XStringToKeysym (keysym_name));

  XTestFakeKeyEvent (display, code, press, CurrentTime);
  XFlush (display);
}

static void
tap (GtkWidget  *window,
     const char *keysym_name)
{
  key (window, keysym_name, TRUE);
  key (window, keysym_name, FALSE);
}

static void
focus_window (GtkWidget *window)
{
  Display *display = x_display (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  /* No window manager under Xvfb: the window takes the keyboard focus itself. */
  XSetInputFocus (display, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XFlush (display);
  run_for_ms (200);
}

/* The GL driver behind the window's surface (glGetString (GL_RENDERER)), e.g. llvmpipe. */
static char *
gl_renderer_name (GtkWidget *window)
{
  g_autoptr(GdkGLContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *name;

  context = gdk_surface_create_gl_context (gtk_native_get_surface (GTK_NATIVE (window)),
                                           &error);
  if (context == NULL || !gdk_gl_context_realize (context, &error))
    return g_strdup_printf ("no GL (%s)", error->message);
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

/* Whether GTK's GL renderer can redraw only the damage: GTK 4.8 does so only with a buffer
 * age (GLX_EXT_buffer_age or EGL_EXT_buffer_age, whichever of GLX and EGL it chose);
 * without one, every GL frame is the whole window. */
static char *
describe_gl (GtkWidget *window)
{
  GdkDisplay *display = gtk_widget_get_display (window);
  Display *x = gdk_x11_display_get_xdisplay (display);
  EGLDisplay egl = gdk_x11_display_get_egl_display (display);
  g_autofree char *driver = gl_renderer_name (window);
  const char *api = "GLX", *age_name = "GLX_EXT_buffer_age", *extensions;

  if (egl != NULL)
    {
      api = "EGL";
      age_name = "EGL_EXT_buffer_age";
      extensions = eglQueryString (egl, EGL_EXTENSIONS);
    }
  else
    extensions = glXQueryExtensionsString (x, DefaultScreen (x));
  return g_strdup_printf ("GL through %s on %s, %s %s", api, driver, age_name,
                          extensions != NULL && strstr (extensions, age_name) != NULL
                          ? "yes (GL can redraw the damage alone)"
                          : "no (GL draws the whole window at every frame)");
}

/* The display the frames go to, and how they are drawn. A cairo session does not touch GL
 * here: preparing it would add to the process what the measured renderer does not use
 * (GTK 4.8's gsk/gl/gskglrenderer.h cannot be included, hence the test for cairo). */
static char *
describe_display (GtkWidget *window)
{
  Display *x = gdk_x11_display_get_xdisplay (gtk_widget_get_display (window));
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autofree char *drawing = GSK_IS_CAIRO_RENDERER (renderer)
                             ? g_strdup ("drawn by cairo (the damaged region only, no GL)")
                             : describe_gl (window);
  int opcode, event, x_error;

  return g_strdup_printf ("X11 %s (%s %d, DRI3 %s), %s", DisplayString (x), ServerVendor (x),
                          VendorRelease (x),
                          XQueryExtension (x, "DRI3", &opcode, &event, &x_error) ? "yes" : "no",
                          drawing);
}

static const char *
focused_text (GtkWidget *window)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  return focus != NULL && GTK_IS_EDITABLE (focus) ? gtk_editable_get_text (GTK_EDITABLE (focus))
                                                  : "(no text has the focus)";
}

/* Each letter as a key press and release, KEY_EVERY_MS apart. */
static void
type_word (GtkWidget  *window,
           const char *word)
{
  for (const char *c = word; *c != '\0'; c++)
    {
      char name[2] = { *c, '\0' };

      tap (window, name);
      run_for_ms (KEY_EVERY_MS);
    }
}

/* ---- Phase (a): typing a search ------------------------------------------------------ */

/* The rows the search results show (headers and "Show More" lines included). */
static guint
search_rows (GtkWidget *window)
{
  GtkWidget *results = find_widget (window, AFD_TYPE_SEARCH_RESULTS, NULL);
  AfdSearchModel *model = results != NULL
                          ? afd_search_results_get_model (AFD_SEARCH_RESULTS (results)) : NULL;

  return model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (model)) : 0;
}

static void
bench_typing (GtkWidget *window)
{
  static const char * const words[] = { "carter", "garcia", "nguyen" };
  Phase *typing = phase_new ("typing a search");

  measure_idle ("idle (before typing)");
  gtk_widget_activate_action (window, "win.search", NULL);
  run_for_ms (200);
  phase = typing;
  for (guint w = 0; w < G_N_ELEMENTS (words); w++)
    {
      type_word (window, words[w]);
      run_for_ms (1500);     /* the results arrive */
      g_print ("#   typed \"%s\": the search box shows \"%s\", the results %u rows\n", words[w],
               focused_text (window), search_rows (window));
      key (window, "Control_L", TRUE);
      tap (window, "a");
      key (window, "Control_L", FALSE);
      tap (window, "BackSpace");
      run_for_ms (1500);     /* the whole queue again */
    }
  phase = NULL;
  phase_print (typing);
  phase_free (typing);
}

/* ---- Phase (b): scrolling a queue top to bottom -------------------------------------- */

static void
bench_scrolling (GtkWidget *window)
{
  GtkAdjustment *adjustment;
  Phase *scrolling = phase_new ("scrolling top→bottom");
  gint64 start;
  gboolean loaded;

  measure_idle ("idle (before scroll)");
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (queue_view (window)));
  phase = scrolling;
  start = g_get_monotonic_time ();
  for (guint frame = 1; frame <= SCROLL_FRAMES; frame++)
    {
      double bottom = gtk_adjustment_get_upper (adjustment) -
                      gtk_adjustment_get_page_size (adjustment);

      gtk_adjustment_set_value (adjustment, bottom * frame / SCROLL_FRAMES);
      run_for_ms (1000 / 60);
    }
  loaded = wait_loaded (window, 60000);
  phase = NULL;
  g_print ("#   %u rows dragged through in %u frames; the bottom rows %s %.1f s after the "
           "start\n", g_list_model_get_n_items (G_LIST_MODEL (queue_model (window))),
           SCROLL_FRAMES, loaded ? "were read" : "were NOT read",
           (g_get_monotonic_time () - start) / 1e6);
  phase_print (scrolling);
  phase_free (scrolling);
}

/* ---- Phase (c): a note typed during a pull ------------------------------------------- */

typedef struct
{
  char *path;
  gint  done;
} Pull;

/* Another connection writes pages of 100 items, as the sync worker does, and on a
 * thread at background priority as the sync worker's (af-thread-priority.h): audits of
 * the cache with a new status, so that the cache keeps its size from run to run. */
static gpointer
pull_thread (gpointer data)
{
  Pull *pull = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = af_store_open (pull->path, &error);
  static guint round;

  if (store == NULL)
    g_error ("%s", error->message);
  round++;
  for (guint p = 0; p < PULL_PAGES; p++)
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
      g_autofree char *mark = g_strdup_printf ("%u", p);

      for (guint i = 0; i < PULL_PAGE_ITEMS; i++)
        {
          AfValue *item = make_audit (p * PULL_PAGE_ITEMS + i);

          af_value_map_set (item, "risk_score", af_value_new_n_int ((i + round) % 101));
          g_ptr_array_add (items, item);
        }
      if (!af_store_put_remote_page (store, AF_TABLE_AUDITS, items, "bench-pull", mark, &error))
        g_error ("%s", error->message);
    }
  g_atomic_int_set (&pull->done, TRUE);
  return NULL;
}

/* A queue's first page read through the window's store thread while the pull writes:
 * how long a read waits (item 1's "readers as needed": a reader connection is only
 * wanted if this waits on the writes). */
typedef struct
{
  gint64  queued;
  gint64 *longest;
  guint  *pending;
} PageRead;

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PageRead *read = user_data;
  g_autoptr(GError) error = NULL;
  AfStoreCursor *next = NULL;
  g_autoptr(GPtrArray) rows = af_store_thread_query_page_finish (AF_STORE_THREAD (source),
                                                                 result, &next, &error);

  if (rows == NULL)
    g_error ("%s", error->message);
  af_store_cursor_free (next);
  *read->longest = MAX (*read->longest, g_get_monotonic_time () - read->queued);
  (*read->pending)--;
  g_free (read);
}

static void
read_first_page (GtkWidget *window,
                 gint64    *longest,
                 guint     *pending)
{
  AfdWorkspace *workspace = afd_window_get_workspace (AFD_WINDOW (window));
  AfQuery query = { .table = AF_TABLE_AUDITS, .limit = AFD_QUEUE_MODEL_PAGE_SIZE };
  PageRead *read = g_new0 (PageRead, 1);

  read->queued = g_get_monotonic_time ();
  read->longest = longest;
  read->pending = pending;
  (*pending)++;
  af_store_thread_query_page_async (afd_workspace_get_store_thread (workspace), &query, NULL,
                                    NULL, page_read_cb, read);
}

static gboolean
is_editable_text_view (GtkWidget *widget)
{
  return gtk_text_view_get_editable (GTK_TEXT_VIEW (widget));
}

/* A first queue page read every 150 ms through the window's store thread, for the length
 * of a pull on another connection (or 3 s without one), with a letter typed into the
 * focused notes each time if @type; returns the longest wait for a read, µs. */
static gint64
reads_while (GtkWidget  *window,
             const char *path,
             gboolean    pull_too,
             gboolean    type,
             guint      *keys)
{
  Pull pull = { (char *) path, FALSE };
  GThread *thread = pull_too ? af_thread_priority_new_background ("pull", pull_thread, &pull)
                              : NULL;
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  gint64 longest_read = 0;
  guint reads_pending = 0;

  while (pull_too ? !g_atomic_int_get (&pull.done) : g_get_monotonic_time () < end)
    {
      if (type)
        tap (window, (*keys)++ % 8 == 7 ? "space" : "n");
      read_first_page (window, &longest_read, &reads_pending);
      run_for_ms (150);
    }
  if (thread != NULL)
    g_thread_join (thread);
  while (reads_pending > 0)
    iterate ();
  return longest_read;
}

static void
bench_note_during_pull (GtkWidget  *window,
                        const char *path)
{
  g_autofree char *opened = audit_id (N_AUDITS / 2);
  Phase *pulling = phase_new ("note during a pull");
  Phase *idle_pull;
  GtkWidget *page, *notes;
  gint64 start, longest_read, reads_alone, reads_pull;
  guint letters = 0;

  afd_window_open_id (AFD_WINDOW (window), opened);
  run_for_ms (1500);     /* the audit page opens and reads its audit */
  page = find_widget (window, AFD_TYPE_AUDIT_PAGE, NULL);
  notes = page != NULL ? find_widget (page, GTK_TYPE_TEXT_VIEW, is_editable_text_view) : NULL;
  if (notes == NULL)
    {
      g_print ("#   no notes to type into: the audit page %s\n",
               page == NULL ? "did not open" : "has no editable text");
      phase_free (pulling);
      return;
    }
  gtk_widget_grab_focus (notes);
  measure_idle ("idle (before the pull)");
  phase = pulling;
  start = g_get_monotonic_time ();
  longest_read = reads_while (window, path, TRUE, TRUE, &letters);
  g_print ("#   the pull wrote %d items in %.1f s; %u keys typed into the notes\n",
           PULL_PAGES * PULL_PAGE_ITEMS, (g_get_monotonic_time () - start) / 1e6, letters);
  /* What the sync panel does when a pull ends: counts and the queue read again. */
  afd_workspace_changed (afd_window_get_workspace (AFD_WINDOW (window)), TRUE);
  run_for_ms (2500);
  phase = NULL;
  phase_print (pulling);
  phase_free (pulling);

  /* Item 1's "readers as needed": does a read on the store's thread wait on the pull? */
  reads_alone = reads_while (window, path, FALSE, FALSE, &letters);
  /* The same pull with nothing typed: the machine's and the pull's own stalls, the
   * baseline of the phase above (a gap here is not the notes' doing). */
  idle_pull = phase_new ("pull, nothing typed");
  phase = idle_pull;
  reads_pull = reads_while (window, path, TRUE, FALSE, &letters);
  phase = NULL;
  phase_print (idle_pull);
  phase_free (idle_pull);
  g_print ("#   a first queue page read through the store's thread answered in at most: "
           "%.1f ms alone | %.1f ms during a pull | %.1f ms during a pull with notes typed\n",
           reads_alone / 1000.0, reads_pull / 1000.0, longest_read / 1000.0);
}

/* ---- The run ------------------------------------------------------------------------ */

typedef struct
{
  char      *path;
  GtkWidget *window;
  gint64     launched;
} Run;

static gboolean
bench_cb (gpointer user_data)
{
  Run *run = user_data;
  GtkWidget *window = run->window;
  g_autofree char *display = NULL;

  if (!wait_loaded (window, 60000))
    g_error ("the queue never loaded");
  g_print ("# window open, first queue page shown %.1f s after launch; %u audits in "
           "All Loans\n", (g_get_monotonic_time () - run->launched) / 1e6,
           g_list_model_get_n_items (G_LIST_MODEL (queue_model (window))));
  g_print ("# renderer %s (GSK_RENDERER=%s), window %d x %d, LP_NUM_THREADS=%s\n",
           G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
           g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "(unset)",
           gtk_widget_get_width (window), gtk_widget_get_height (window),
           g_getenv ("LP_NUM_THREADS") != NULL ? g_getenv ("LP_NUM_THREADS") : "(unset)");
  display = describe_display (window);
  g_print ("# display %s\n", display);
  focus_window (window);
  run_for_ms (2000);    /* the sidebar's counts, the focus and the first frames settle */
  gtk_widget_add_tick_callback (window, tick_cb, NULL, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "before-paint",
                    G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  frame_clock = gtk_widget_get_frame_clock (window);
  g_signal_connect_after (frame_clock, "update", G_CALLBACK (update_done_cb), NULL);
  g_signal_connect_after (frame_clock, "layout", G_CALLBACK (layout_done_cb), NULL);
  g_signal_connect_after (frame_clock, "paint", G_CALLBACK (paint_done_cb), NULL);
  g_signal_connect (gtk_native_get_surface (GTK_NATIVE (window)), "compute-size",
                    G_CALLBACK (compute_size_cb), NULL);
  pthread_getcpuclockid (pthread_self (), &main_cpu_clock);
  if (backtraces > 0)
    g_thread_unref (g_thread_new ("watchdog", watchdog_thread, NULL));

  if (strstr (phases, "typing") != NULL)
    bench_typing (window);
  wait_loaded (window, 30000);
  if (strstr (phases, "scrolling") != NULL)
    bench_scrolling (window);
  if (strstr (phases, "pull") != NULL)
    bench_note_during_pull (window, run->path);

  g_application_quit (g_application_get_default ());
  return G_SOURCE_REMOVE;
}

static void
workspace_shown_cb (GtkWidget *window,
                    Run       *run)
{
  g_signal_handlers_disconnect_by_func (window, workspace_shown_cb, run);
  run->window = window;
  g_idle_add (bench_cb, run);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 Run            *run)
{
  if (AFD_IS_WINDOW (window) && run->window == NULL)
    g_signal_connect (window, "workspace-shown", G_CALLBACK (workspace_shown_cb), run);
}

/* ---- The sessions ------------------------------------------------------------------ */

static gboolean
is_phase_line (const char *line)
{
  return line[0] != '#' && strstr (line, " frames  gap max ") != NULL;
}

/* What a session's header line starting with @prefix says, up to any of @stops. */
static char *
session_header (const char *output,
                const char *prefix,
                const char *stops)
{
  g_autofree char *line_start = g_strconcat ("\n", prefix, NULL);
  const char *at = strstr (output, line_start);

  if (at == NULL)
    return g_strdup ("(not printed)");
  at += strlen (line_start);
  return g_strstrip (g_strndup (at, strcspn (at, stops)));
}

/* The phases' lines of every session, one phase after the other. */
static void
print_side_by_side (GPtrArray *labels,
                    GPtrArray *outputs)
{
  g_auto(GStrv) first = g_strsplit (g_ptr_array_index (outputs, 0), "\n", -1);

  g_print ("# what each session ran on:\n");
  for (guint s = 0; s < outputs->len; s++)
    {
      g_autofree char *renderer = session_header (g_ptr_array_index (outputs, s), "# renderer ",
                                                  "(\n");
      g_autofree char *display = session_header (g_ptr_array_index (outputs, s), "# display ",
                                                 "\n");

      printf ("%-13s %s on %s\n", (const char *) g_ptr_array_index (labels, s), renderer,
              display);
    }
  g_print ("# every phase, session by session (the first %d characters name the phase):\n",
           PHASE_NAME_WIDTH);
  for (guint l = 0; first[l] != NULL; l++)
    {
      if (!is_phase_line (first[l]))
        continue;
      for (guint s = 0; s < outputs->len; s++)
        {
          g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (outputs, s), "\n", -1);

          for (guint m = 0; lines[m] != NULL; m++)
            if (is_phase_line (lines[m]) &&
                strncmp (lines[m], first[l], PHASE_NAME_WIDTH) == 0)
              printf ("%-13s %s\n", (const char *) g_ptr_array_index (labels, s), lines[m]);
        }
    }
}

/* Every session of --sessions under one renderer, each a child process measuring one
 * window; their outputs and labels ("gl/cold") are added to @outputs and @labels. */
static void
run_renderer_sessions (const char *renderer,
                       const char *dir,
                       GPtrArray  *labels,
                       GPtrArray  *outputs)
{
  g_auto(GStrv) kinds = g_strsplit (sessions, ",", -1);
  g_autofree char *mesa_dir = NULL;
  g_autofree char *backtraces_arg = g_strdup_printf ("%d", backtraces);
  g_autofree char *slow_arg = g_strdup_printf ("%g", slow_ms);
  const char *const args[] = { "--session", "--phases", phases, "--backtraces", backtraces_arg,
                               "--slow", slow_arg,
                               "--window-size", window_size != NULL ? window_size : "",
                               NULL };
  gboolean chosen = !g_str_equal (renderer, "default");
  const char *const env[] = { chosen ? "GSK_RENDERER" : NULL, renderer, NULL };

  for (guint k = 0; kinds[k] != NULL; k++)
    {
      gboolean cold = g_str_equal (kinds[k], "cold");
      gint64 start = g_get_monotonic_time ();
      char *out;

      if (!cold && (!g_str_equal (kinds[k], "warm") || mesa_dir == NULL))
        g_error ("--sessions: \"%s\" is not cold or warm after a cold one", kinds[k]);
      if (cold)
        {
          g_free (mesa_dir);
          mesa_dir = g_strdup_printf ("%s/%s-cold-%u", dir, renderer, k);
          g_mkdir_with_parents (mesa_dir, 0700);
        }
      g_print ("## session %u under the %s renderer: %s (MESA_SHADER_CACHE_DIR %s)\n",
               labels->len + 1, renderer, cold ? "cold, a new empty Mesa shader cache"
               : "warm, the cache the last cold session filled", cold ? "new" : "reused");
      out = bench_session_run (mesa_dir, chosen ? env : NULL, args);
      /* As the session wrote it: g_print() would convert it to the locale's charset again. */
      fputs (out, stdout);
      g_print ("# the session took %.0f s\n", (g_get_monotonic_time () - start) / 1e6);
      g_ptr_array_add (labels, g_strdup_printf ("%s/%s", renderer, kinds[k]));
      g_ptr_array_add (outputs, out);
    }
}

/* Every renderer of --renderers, each with every session of --sessions. */
static void
run_sessions (void)
{
  g_auto(GStrv) names = g_strsplit (renderers, ",", -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-stalls-mesa-XXXXXX", &error);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func (g_free);

  if (dir == NULL)
    g_error ("%s", error->message);
  for (guint r = 0; names[r] != NULL; r++)
    run_renderer_sessions (names[r], dir, labels, outputs);
  if (outputs->len > 0)
    print_side_by_side (labels, outputs);
  bench_remove_tree (dir);
}

/* --window-size WxH: the size the window opens at (its settings, as if last closed so). */
static void
set_window_size (GSettings *settings)
{
  int width = 0, height = 0;

  if (window_size == NULL || window_size[0] == '\0')
    return;
  if (sscanf (window_size, "%dx%d", &width, &height) != 2 || width < 360 || height < 294)
    g_error ("--window-size: \"%s\" is not WIDTHxHEIGHT (at least 360x294)", window_size);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— the window's longest stalls");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfdApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  Run run = { 0 };
  char *app_argv[4] = { argv[0], (char *) "--db", NULL, NULL };
  gint64 start = g_get_monotonic_time ();

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  /* Run by hand (not by `meson test --benchmark`): the cache's key in a file beside it,
   * not in a keyring that would prompt, and this build's settings schema. */
  g_setenv ("AUDITFLOW_DESK_KEY_FILE", BENCH_CACHE_DIR "/cache-bench.key", FALSE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", BENCH_SCHEMA_DIR, FALSE);
  if (!session)
    lock_cache_dir ();
  run.path = ensure_cache ();
  if (!session)
    bench_cli_list (run.path);
  if (g_getenv ("DISPLAY") == NULL)
    {
      g_print ("no X display: the window is not measured (run under tests/run-xvfb.sh)\n");
      g_free (run.path);
      return 0;
    }
  if (!session)
    {
      run_sessions ();
      g_print ("# the run took %.0f s\n", (g_get_monotonic_time () - start) / 1e6);
      g_free (run.path);
      return 0;
    }
  gdk_set_allowed_backends ("x11");     /* XTest types the keys */
  /* As the program's main () does: cairo where GL is drawn in software. */
  g_free (afd_renderer_choice_apply ());
  app_argv[2] = run.path;

  /* Edits are signed without asking; the queue shown first is All Loans. */
  settings = g_settings_new ("io.github.auditflow.Desk");
  g_settings_set_string (settings, "identity", "bench@example.com");
  g_settings_set_string (settings, "last-queue", "all-loans");
  set_window_size (settings);

  app = afd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_COMMAND_LINE |
                                                G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &run);
  run.launched = g_get_monotonic_time ();
  g_application_run (G_APPLICATION (app), 3, app_argv);
  g_free (run.path);
  return 0;
}
