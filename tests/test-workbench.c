/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The appraiser's workbench in-process, under Xvfb, on the demo workspace's forged
 * artwork: the picture opens fitted, goes to 100 % and zooms with the keys the help
 * lists, the loupe magnifies 4× where the keyboard puts it (checked in the drawn
 * pixels), a 40-megapixel picture is drawn from a few tiles of the right level,
 * a bomb and a cut JPEG give a message in place.
 */
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "af-demo.h"
#include "af-store-guard.h"
#include "afd-artwork-page.h"
#include "afd-image-view-private.h"
#include "afd-image-workbench.h"
#include "afd-submit-dialog.h"
#include "ui/afd-test-widgets.h"

#define TIMEOUT_SECONDS 30

/* harbour_boats_1889.jpg, LIKELY_FORGED in the demo: 1400 × 1050 pixels uploaded. */
static const char *forged_artwork = "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd";
static const char *appraiser = "appraiser@example.com";

typedef struct
{
  char           *scratch;
  AfdWorkspace   *workspace;
  GtkWidget      *window;
  AfdArtworkPage *page;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->scratch = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_assert_no_error (error);
  f->workspace = afd_test_open_demo (f->scratch, TIMEOUT_SECONDS);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 780);
  f->page = g_object_new (AFD_TYPE_ARTWORK_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->workspace);
  af_test_remove_tree (f->scratch);
  g_free (f->scratch);
}

static gboolean
workbench_settled (gpointer data)
{
  AfdImageWorkbench *workbench = data;

  return afd_image_workbench_is_loaded (workbench)
         || afd_image_workbench_get_error_message (workbench) != NULL;
}

static AfdImageWorkbench *
open_artwork (Fixture    *f,
              const char *request_id)
{
  AfdImageWorkbench *workbench;

  afd_artwork_page_load (f->page, f->workspace, request_id);
  workbench = AFD_IMAGE_WORKBENCH (afd_test_find_widget (GTK_WIDGET (f->page),
                                                         AFD_TYPE_IMAGE_WORKBENCH));
  g_assert_nonnull (workbench);
  afd_test_wait_until (workbench_settled, workbench, TIMEOUT_SECONDS);
  afd_test_settle (f->window, 4);
  return workbench;
}

/* Presses @keyval on @widget: the widget's own key table (its class shortcuts) says
 * which action the key runs, and that action runs. Fails when the key is not bound. */
static void
press (GtkWidget       *widget,
       guint            keyval,
       GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action)
              || gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) != keyval
              || gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) != modifiers)
            continue;
          g_assert_true (gtk_widget_activate_action_variant (
            widget, gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
            gtk_shortcut_get_arguments (shortcut)));
          afd_test_settle (widget, 4);
          return;
        }
    }
  g_error ("no key binding for %s", gdk_keyval_name (keyval));
}

/* ---- the image view on pictures made here ---- */

#define BLOCK 50

/* Blocks of BLOCK pixels, each its own colour: a pixel's block is known from its colour. */
static GdkPixbuf *
make_blocks (int width,
             int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guchar *p = pixels + y * stride + x * 3;

        p[0] = (x / BLOCK) * 37 % 256;
        p[1] = (y / BLOCK) * 53 % 256;
        p[2] = ((x / BLOCK) + (y / BLOCK)) % 2 ? 200 : 40;
      }
  return pixbuf;
}

static char *
save_blocks (const char *dir,
             int         width,
             int         height)
{
  g_autoptr(GdkPixbuf) pixbuf = make_blocks (width, height);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "blocks.png", NULL);

  gdk_pixbuf_save (pixbuf, path, "png", &error, "compression", "1", NULL);
  g_assert_no_error (error);
  return path;
}

/* The view's drawing, read back: the colour at widget point (@x, @y). */
static guint32
pixel_at (GtkWidget *widget,
          int        x,
          int        y)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  guchar *p;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, width * 4);
  p = data + (y * width + x) * 4;   /* B G R A, premultiplied (opaque here) */
  return (p[2] << 16) | (p[1] << 8) | p[0];
}

typedef struct
{
  GtkWidget     *window;
  AfdImageView  *view;
  AfdImageTiles *tiles;
  GError        *error;
  gboolean       done;
} ViewFixture;

static void
on_tiles (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  ViewFixture *v = user_data;

  v->tiles = afd_image_tiles_load_finish (result, &v->error);
  v->done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
view_open (ViewFixture *v,
           const char  *path)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  v->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (v->window), 800, 600);
  v->view = AFD_IMAGE_VIEW (afd_image_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (v->view));
  gtk_window_set_child (GTK_WINDOW (v->window), scroller);
  gtk_window_present (GTK_WINDOW (v->window));
  afd_image_tiles_load_async (path, NULL, on_tiles, v);
  afd_test_wait_until (flag_set, &v->done, TIMEOUT_SECONDS);
  if (v->tiles != NULL)
    afd_image_view_set_image (v->view, v->tiles);
  afd_test_settle (v->window, 4);
}

static void
view_close (ViewFixture *v)
{
  gtk_window_destroy (GTK_WINDOW (v->window));
  g_clear_object (&v->tiles);
  g_clear_error (&v->error);
}

/* Widget coordinates of image point (@x, @y). */
static void
to_widget (AfdImageView *view,
           double        x,
           double        y,
           int          *wx,
           int          *wy)
{
  double origin_x, origin_y;

  afd_image_view_origin (view, &origin_x, &origin_y);
  *wx = (int) round (origin_x + x * afd_image_view_get_zoom (view));
  *wy = (int) round (origin_y + y * afd_image_view_get_zoom (view));
}

static void
test_keys_and_loupe (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_autofree char *path = save_blocks (dir, 3000, 2000);
  ViewFixture v = { 0 };
  GtkWidget *widget;
  double zoom, lx, ly;
  int wx, wy;
  guint32 under, beside, far, magnified;

  view_open (&v, path);
  g_assert_no_error (v.error);
  widget = GTK_WIDGET (v.view);
  /* 3000 × 2000 is halved to 1500, 750, 375: four levels. */
  g_assert_cmpuint (afd_image_tiles_get_n_levels (v.tiles), ==, 4);
  g_assert_true (afd_image_view_get_fit (v.view));
  zoom = afd_image_view_get_zoom (v.view);
  g_assert_cmpfloat (fabs (zoom - MIN (800.0 / 3000, 600.0 / 2000)), <, 0.01);
  /* Fitted, the 750-pixel level is drawn (one level pixel or more per screen pixel). */
  g_assert_cmpuint (afd_image_tiles_level_for_scale (v.tiles, zoom), ==, 1);

  press (widget, GDK_KEY_1, 0);
  g_assert_cmpfloat (afd_image_view_get_zoom (v.view), ==, 1.0);
  g_assert_false (afd_image_view_get_fit (v.view));
  /* At 100 % only the tiles in sight are drawn: at most 3 × 3 of the 6 × 4. */
  g_assert_cmpuint (v.view->last_frame.drawn, <=, 9);
  g_assert_cmpuint (v.view->last_frame.drawn, >=, 2);
  press (widget, GDK_KEY_plus, 0);
  g_assert_cmpfloat (afd_image_view_get_zoom (v.view), >, 1.0);
  press (widget, GDK_KEY_minus, 0);
  press (widget, GDK_KEY_minus, 0);
  g_assert_cmpfloat (afd_image_view_get_zoom (v.view), <, 1.0);
  press (widget, GDK_KEY_0, 0);
  g_assert_true (afd_image_view_get_fit (v.view));
  press (widget, GDK_KEY_1, 0);

  /* The arrows pan. */
  {
    GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (v.view));
    double before = gtk_adjustment_get_value (h);

    press (widget, GDK_KEY_Right, 0);
    g_assert_cmpfloat (gtk_adjustment_get_value (h), >, before);
  }

  /* The loupe, from the keyboard: at the point, 4×. A point in the right part of a block:
   * 20 screen pixels to its right is the next block without the loupe, 80 with it. */
  afd_image_view_set_loupe_point (v.view, 1640, 1025);
  to_widget (v.view, 1640, 1025, &wx, &wy);
  under = pixel_at (widget, wx, wy);
  beside = pixel_at (widget, wx + 20, wy);
  far = pixel_at (widget, wx + 80, wy);
  g_assert_cmpuint (beside, !=, under);
  g_assert_cmpuint (far, !=, beside);
  press (widget, GDK_KEY_l, 0);
  g_assert_true (afd_image_view_get_loupe (v.view));
  g_assert_true (afd_image_view_get_loupe_point (v.view, &lx, &ly));
  g_assert_cmpfloat (lx, ==, 1640);
  to_widget (v.view, lx, ly, &wx, &wy);
  magnified = pixel_at (widget, wx + 80, wy);
  g_assert_cmpuint (magnified, ==, beside);
  g_assert_cmpuint (pixel_at (widget, wx, wy), ==, under);
  afd_test_screenshot (widget, "workbench-loupe.png");
  /* With the loupe on, the arrows move it (and it stays 4×). */
  press (widget, GDK_KEY_Right, 0);
  g_assert_true (afd_image_view_get_loupe_point (v.view, &lx, &ly));
  g_assert_cmpfloat (lx, ==, 1640 + 40);
  press (widget, GDK_KEY_l, 0);
  g_assert_false (afd_image_view_get_loupe (v.view));

  view_close (&v);
  af_test_remove_tree (dir);
}

/* A decompression bomb and a cut JPEG: a message, no picture, no crash. */
static void
test_bad_pictures (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_autofree char *bomb = g_build_filename (dir, "bomb.png", NULL);
  g_autofree char *cut = g_build_filename (dir, "cut.jpg", NULL);
  g_autoptr(GdkPixbuf) small = make_blocks (300, 200);
  g_autofree char *jpeg = NULL;
  gsize length;
  /* A PNG header claiming 60000 × 60000 pixels (3.6 gigapixels), and nothing after. */
  static const guint8 bomb_bytes[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60, 8, 2, 0, 0, 0, 0x00, 0x00, 0x00, 0x00,
  };
  ViewFixture v = { 0 };

  g_assert_true (g_file_set_contents (bomb, (const char *) bomb_bytes, sizeof bomb_bytes, NULL));
  g_assert_true (gdk_pixbuf_save_to_buffer (small, &jpeg, &length, "jpeg", &error, NULL));
  g_assert_true (g_file_set_contents (cut, jpeg, length / 2, NULL));

  view_open (&v, bomb);
  g_assert_null (v.tiles);
  g_assert_nonnull (v.error);
  g_test_message ("bomb: %s", v.error->message);
  view_close (&v);

  v = (ViewFixture) { 0 };
  view_open (&v, cut);
  g_assert_null (v.tiles);
  g_assert_nonnull (v.error);
  g_test_message ("cut: %s", v.error->message);
  view_close (&v);
  af_test_remove_tree (dir);
}

static gboolean
overlay_shown (gpointer data)
{
  return AFD_IMAGE_VIEW (data)->overlay != NULL;
}

/* Texture everywhere (a clone detector matches flat areas with anything): smooth
 * random waves and grain, then a 96-pixel block copied off the 8 × 8 grid. */
static char *
save_copy_move (const char *dir)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  g_autoptr(GRand) rand = g_rand_new_with_seed (12);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "copy-move.jpg", NULL);

  for (int y = 0; y < 480; y++)
    for (int x = 0; x < 640; x++)
      for (int c = 0; c < 3; c++)
        {
          double v = 128 + 50 * sin (x * (0.05 + 0.02 * c) + y * 0.031) * cos (y * 0.043 - x * 0.017 * c)
                     + g_rand_double_range (rand, -40, 40);

          pixels[y * stride + x * 3 + c] = (guchar) CLAMP (v, 0, 255);
        }
  for (int y = 0; y < 96; y++)
    memmove (pixels + (261 + y) * stride + 403 * 3, pixels + (125 + y) * stride + 107 * 3, 96 * 3);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "92", NULL);
  g_assert_no_error (error);
  return path;
}

static gboolean
workbench_inspected (gpointer data)
{
  AfdImageWorkbench *workbench = data;

  return afd_image_workbench_is_loaded (workbench) && !afd_image_workbench_is_inspecting (workbench);
}

/* The workbench inspects what it shows: a copy-move finding is outlined as a pair
 * joined by a line, in sight, over the ELA. */
static void
test_copy_move_shown (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_autofree char *path = save_copy_move (dir);
  GtkWidget *window = gtk_window_new ();
  AfdImageWorkbench *workbench = g_object_new (AFD_TYPE_IMAGE_WORKBENCH, NULL);
  AfdImageView *view = afd_image_workbench_get_view (workbench);
  AfForensicsReport *report;
  GListModel *findings;
  AfFinding *pair = NULL;
  graphene_rect_t bounds;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (workbench));
  gtk_window_present (GTK_WINDOW (window));
  afd_image_workbench_load (workbench, path);
  afd_test_wait_until (workbench_inspected, workbench, TIMEOUT_SECONDS);
  report = afd_image_workbench_get_report (workbench);
  g_assert_nonnull (report);
  g_assert_cmpint (af_forensics_report_get_jpeg_quality (report), >=, 89);
  g_assert_cmpint (af_forensics_report_get_jpeg_quality (report), <=, 95);
  findings = af_forensics_report_get_findings (report);
  for (guint i = 0; i < g_list_model_get_n_items (findings) && pair == NULL; i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      if (af_finding_get_kind (finding) == AF_FINDING_KIND_COPY_MOVE)
        pair = finding;
    }
  g_assert_nonnull (pair);

  gtk_widget_activate_action (GTK_WIDGET (workbench), "workbench.toggle-ela", NULL);
  afd_test_wait_until (overlay_shown, view, TIMEOUT_SECONDS);
  press (GTK_WIDGET (view), GDK_KEY_1, 0);
  afd_image_workbench_show_finding (workbench, pair);
  afd_test_settle (window, 4);
  g_assert_cmpuint (afd_image_view_get_n_regions (view), ==, 2);
  g_assert_true (afd_image_view_get_regions_bounds (view, &bounds));
  /* Both regions, as found, at 100 %: their union spans source to target. */
  {
    const AfImageRect *source = af_finding_get_source (pair), *target = af_finding_get_target (pair);
    double origin_x, origin_y;

    afd_image_view_origin (view, &origin_x, &origin_y);
    g_assert_cmpfloat (bounds.origin.x, ==, origin_x + MIN (source->x, target->x));
    g_assert_cmpfloat (bounds.size.width, ==,
                       MAX (source->x + source->width, target->x + target->width) - MIN (source->x, target->x));
  }
  g_assert_true (graphene_rect_intersection (&bounds, &GRAPHENE_RECT_INIT (0, 0,
                   gtk_widget_get_width (GTK_WIDGET (view)), gtk_widget_get_height (GTK_WIDGET (view))),
                   NULL));
  afd_test_screenshot (GTK_WIDGET (workbench), "workbench-copy-move.png");
  afd_image_workbench_show_finding (workbench, NULL);
  g_assert_cmpuint (afd_image_view_get_n_regions (view), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  af_test_remove_tree (dir);
}

static gboolean
dialog_inspected (gpointer data)
{
  return afd_submit_dialog_get_report (data) != NULL;
}

/* The submit dialog inspects the new picture before it is sent: its findings are shown
 * (without marks: nothing to mark before the analysis exists), and the report is the one
 * the artwork page gets again from the cache while the cloud's analysis is PENDING. */
static void
test_submit_dialog_inspects (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_autofree char *path = save_copy_move (dir);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AfForensicsReport) again = NULL;
  AfdSubmitDialog *dialog = afd_submit_dialog_new (GTK_WINDOW (f->window), f->workspace, file);
  AfForensicsReport *report;
  AfdFindingsList *list = afd_submit_dialog_get_findings_list (dialog);

  gtk_window_present (GTK_WINDOW (dialog));
  afd_test_wait_until (dialog_inspected, dialog, TIMEOUT_SECONDS);
  afd_test_settle (GTK_WIDGET (dialog), 4);
  report = afd_submit_dialog_get_report (dialog);
  g_assert_cmpuint (afd_findings_list_get_n_findings (list), ==,
                    g_list_model_get_n_items (af_forensics_report_get_findings (report)));
  g_assert_cmpuint (afd_findings_list_get_n_findings (list), >, 0);
  g_assert_null (afd_findings_list_get_status (list, 0));
  afd_test_screenshot (GTK_WIDGET (dialog), "workbench-submit.png");

  bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  again = af_forensics_inspect (bytes, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == report);
  gtk_window_destroy (GTK_WINDOW (dialog));
  af_test_remove_tree (dir);
}

static void
on_inspected (AfdImageWorkbench *workbench,
              AfForensicsReport *report,
              const char        *message,
              char             **out_message)
{
  g_assert_null (report);
  *out_message = g_strdup (message);
}

/* The stop button ends an inspection in flight: no report, a message, the ELA
 * controls left off; the picture stays. The help lists the picture's keys. */
static void
test_inspection_stopped (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("afd-workbench-XXXXXX", &error);
  g_autofree char *path = save_copy_move (dir);
  g_autofree char *message = NULL;
  g_autoptr(GtkBuilder) help = NULL;
  GtkWidget *window = gtk_window_new ();
  AfdImageWorkbench *workbench = g_object_new (AFD_TYPE_IMAGE_WORKBENCH, NULL);

  af_forensics_cache_clear ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (workbench));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (workbench, "inspected", G_CALLBACK (on_inspected), &message);
  afd_image_workbench_load (workbench, path);
  afd_test_wait_until ((gboolean (*) (gpointer)) afd_image_workbench_is_loaded, workbench,
                       TIMEOUT_SECONDS);
  g_assert_true (afd_image_workbench_is_inspecting (workbench));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (workbench), "workbench.cancel-inspection", NULL));
  g_assert_false (afd_image_workbench_is_inspecting (workbench));
  g_assert_null (afd_image_workbench_get_report (workbench));
  g_assert_cmpstr (message, ==, "The inspection was stopped.");
  afd_test_run_for (300);
  g_assert_null (afd_image_workbench_get_report (workbench));
  g_assert_nonnull (afd_image_view_get_image (afd_image_workbench_get_view (workbench)));
  gtk_window_destroy (GTK_WINDOW (window));
  af_test_remove_tree (dir);

  help = gtk_builder_new_from_resource ("/io/github/auditflow/Desk/gtk/help-overlay.ui");
  g_assert_nonnull (gtk_builder_get_object (help, "help_overlay"));
}

/* ---- the artwork page ---- */

static void
test_artwork_opens (Fixture       *f,
                    gconstpointer  data)
{
  AfdImageWorkbench *workbench = open_artwork (f, forged_artwork);
  AfdImageView *view = afd_image_workbench_get_view (workbench);
  AfdImageTiles *tiles = afd_image_view_get_image (view);

  g_assert_nonnull (tiles);
  /* The upload, not the 1024-pixel processed copy. */
  g_assert_cmpint (afd_image_tiles_get_width (tiles), ==, 1400);
  g_assert_cmpint (afd_image_tiles_get_height (tiles), ==, 1050);
  g_assert_true (afd_image_view_get_fit (view));
  g_assert_cmpfloat (afd_image_view_get_zoom (view), <, 1.0);
  afd_test_screenshot (GTK_WIDGET (f->page), "workbench-fit.png");
  press (GTK_WIDGET (view), GDK_KEY_1, 0);
  g_assert_cmpfloat (afd_image_view_get_zoom (view), ==, 1.0);
  afd_test_screenshot (GTK_WIDGET (f->page), "workbench-100.png");
}

static gboolean
only_ours (gpointer data)
{
  return G_OBJECT (data)->ref_count == 1;
}

static void
count_inspected (AfdImageWorkbench *workbench,
                 AfForensicsReport *report,
                 const char        *message,
                 guint             *count)
{
  (*count)++;
}

/* The page closed while its picture is still being inspected (what the tests before
 * this one leave behind): the inspection holds the workbench, never the page; it is
 * stopped and reports to no one — before, it finished later and called the disposed
 * page (a critical, or a crash once the page was freed). */
static void
test_artwork_closed_while_inspecting (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(AfdImageWorkbench) workbench = NULL;
  guint reports = 0;

  af_forensics_cache_clear ();
  afd_artwork_page_load (f->page, f->workspace, forged_artwork);
  workbench = g_object_ref (AFD_IMAGE_WORKBENCH (afd_test_find_widget (GTK_WIDGET (f->page),
                                                              AFD_TYPE_IMAGE_WORKBENCH)));
  /* The inspection starts as the picture is shown. */
  afd_test_wait_until ((gboolean (*) (gpointer)) afd_image_workbench_is_inspecting, workbench,
                       TIMEOUT_SECONDS);
  g_signal_connect (workbench, "inspected", G_CALLBACK (count_inspected), &reports);
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  /* Until the work in flight has let go of the workbench: ours is the last reference. */
  afd_test_wait_until (only_ours, workbench, TIMEOUT_SECONDS);
  g_assert_cmpuint (reports, ==, 0);
}

static gboolean
inspected (gpointer data)
{
  AfdImageWorkbench *workbench = data;

  return !afd_image_workbench_is_inspecting (workbench);
}

/* The mark is written by the store's thread on its connection: this one sees it committed. */
static gboolean
outbox_filled (gpointer data)
{
  return af_store_outbox_length (data, NULL) > 0;
}

/* The forged artwork's error level stands out around the right-hand boat: that finding,
 * activated, is outlined where it is, over the ELA, the whole picture in view; in the
 * light and the dark style (screenshots: workbench-ela-region*.png). */
static void
show_ela_region (Fixture         *f,
                 AfdImageView    *view,
                 AfdFindingsList *list,
                 GListModel      *findings)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  guint n = g_list_model_get_n_items (findings), at = n;
  const AfImageRect *where = NULL;
  graphene_rect_t bounds;
  double origin_x, origin_y, zoom;

  for (guint i = 0; i < n && at == n; i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      if (af_finding_get_kind (finding) == AF_FINDING_KIND_ELA_REGION)
        {
          at = i;
          where = af_finding_get_region (finding);
        }
    }
  g_assert_cmpuint (at, <, n);
  g_assert_nonnull (where);
  press (GTK_WIDGET (view), GDK_KEY_l, 0);
  press (GTK_WIDGET (view), GDK_KEY_0, 0);
  afd_findings_list_activate (list, at);
  afd_test_settle (f->window, 4);
  g_assert_cmpuint (afd_image_view_get_n_regions (view), ==, 1);
  /* Drawn where the finding says, at the view's zoom. */
  zoom = afd_image_view_get_zoom (view);
  afd_image_view_origin (view, &origin_x, &origin_y);
  g_assert_true (afd_image_view_get_regions_bounds (view, &bounds));
  g_assert_cmpfloat (fabs (bounds.origin.x - (origin_x + where->x * zoom)), <, 4);
  g_assert_cmpfloat (fabs (bounds.origin.y - (origin_y + where->y * zoom)), <, 4);
  g_assert_cmpfloat (fabs (bounds.size.width - where->width * zoom), <, 8);
  afd_test_screenshot (GTK_WIDGET (f->page), "workbench-ela-region.png");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  afd_test_settle (f->window, 4);
  afd_test_screenshot (GTK_WIDGET (f->page), "workbench-ela-region-dark.png");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  afd_test_settle (f->window, 4);
}

/* The whole appraisal on the forged artwork: 100 %, loupe on, ELA on, a finding with a
 * region activated and outlined, a mark saved and found in the outbox. */
static void
test_artwork_appraisal (Fixture       *f,
                        gconstpointer  data)
{
  AfdImageWorkbench *workbench = open_artwork (f, forged_artwork);
  AfdImageView *view = afd_image_workbench_get_view (workbench);
  AfdFindingsList *list = afd_artwork_page_get_findings_list (f->page);
  AfdMetadataView *metadata = afd_artwork_page_get_metadata_view (f->page);
  AfForensicsReport *report;
  GListModel *findings;
  AfFinding *finding;
  guint index = 0, n_tags;
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  AfOutboxEntry *entry;
  AfValue *marks, *mark;

  /* The marks are written by the store's thread, which signs with its own identity. */
  af_store_thread_set_identity (afd_workspace_get_store_thread (f->workspace), appraiser);
  afd_test_wait_until (inspected, workbench, TIMEOUT_SECONDS);
  report = afd_image_workbench_get_report (workbench);
  g_assert_nonnull (report);
  findings = af_forensics_report_get_findings (report);
  g_assert_cmpuint (afd_findings_list_get_n_findings (list), ==, g_list_model_get_n_items (findings));
  g_assert_cmpuint (g_list_model_get_n_items (findings), >, 0);

  /* 100 %, the loupe, the error level analysis. */
  press (GTK_WIDGET (view), GDK_KEY_1, 0);
  g_assert_cmpfloat (afd_image_view_get_zoom (view), ==, 1.0);
  press (GTK_WIDGET (view), GDK_KEY_l, 0);
  g_assert_true (afd_image_view_get_loupe (view));
  gtk_widget_activate_action (GTK_WIDGET (workbench), "workbench.toggle-ela", NULL);
  afd_test_wait_until (overlay_shown, view, TIMEOUT_SECONDS);
  g_assert_cmpint (afd_image_tiles_get_width (view->overlay), ==, 1400);

  /* The demo's findings here are the metadata's (editing software, dates): no region,
   * so activating one clears the outlines (regions: /workbench/inspection/copy-move). */
  finding = g_list_model_get_item (findings, index);
  g_object_unref (finding);   /* the report keeps it */
  afd_findings_list_activate (list, index);
  afd_test_settle (f->window, 4);
  g_assert_cmpuint (afd_image_view_get_n_regions (view), ==, 0);
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_STACK)),
                                    "findings");
  afd_test_settle (f->window, 4);
  afd_test_screenshot (GTK_WIDGET (f->page), "workbench-findings.png");
  show_ela_region (f, view, list, findings);

  /* The metadata: searchable; a value copied. */
  n_tags = afd_metadata_view_get_n_visible (metadata);
  g_assert_cmpuint (n_tags, >, 0);
  afd_metadata_view_set_search (metadata, "exif.image.software");
  g_assert_cmpuint (afd_metadata_view_get_n_visible (metadata), ==, 1);
  g_assert_true (afd_metadata_view_copy_value (metadata, "Exif.Image.Software"));
  afd_metadata_view_set_search (metadata, NULL);
  g_assert_cmpuint (afd_metadata_view_get_n_visible (metadata), ==, n_tags);

  /* The appraiser's mark, saved through the outbox. */
  afd_findings_list_set_mark (list, index, "WARNING", "pasted from another picture (UI test)");
  /* The test's own connection, never the app's: read between main-loop iterations. */
  store = af_store_open (af_store_thread_get_path (afd_workspace_get_store_thread (f->workspace)),
                         &error);
  g_assert_no_error (error);
  afd_test_wait_until (outbox_filled, store, TIMEOUT_SECONDS);
  outbox = af_store_outbox_list (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  entry = g_ptr_array_index (outbox, 0);
  g_assert_cmpint (entry->kind, ==, AF_OP_APPRAISAL_FINDINGS);
  g_assert_cmpstr (entry->item_id, ==, forged_artwork);
  marks = af_value_map_get (entry->changes, "appraisal_findings");
  g_assert_cmpuint (af_value_list_length (marks), ==, 1);
  mark = af_value_list_nth (marks, 0);
  g_assert_cmpstr (af_item_get_s (mark, "kind"), ==,
                   af_finding_kind_to_string (af_finding_get_kind (finding)));
  g_assert_cmpstr (af_item_get_s (mark, "status"), ==, "WARNING");
  g_assert_cmpstr (af_item_get_s (mark, "comment"), ==, "pasted from another picture (UI test)");
  g_assert_cmpstr (af_item_get_s (mark, "marked_by"), ==, appraiser);
  g_assert_nonnull (af_item_get_s (mark, "marked_at"));

  /* Opened again, the mark is shown on its finding. */
  afd_artwork_page_load (f->page, f->workspace, forged_artwork);
  afd_test_wait_until (workbench_settled, workbench, TIMEOUT_SECONDS);
  afd_test_wait_until (inspected, workbench, TIMEOUT_SECONDS);
  g_assert_cmpstr (afd_findings_list_get_status (list, index), ==, "WARNING");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GSETTINGS_SCHEMA_DIR", AFD_BUILD_SCHEMA_DIR, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The page's SQL runs on the store's thread: any on this one while its main loop runs
   * aborts the test. */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  g_test_add_func ("/workbench/view/keys-and-loupe", test_keys_and_loupe);
  g_test_add_func ("/workbench/view/bad-pictures", test_bad_pictures);
  g_test_add_func ("/workbench/inspection/copy-move", test_copy_move_shown);
  g_test_add_func ("/workbench/inspection/stopped", test_inspection_stopped);
  g_test_add ("/workbench/artwork/opens", Fixture, NULL, fixture_set_up, test_artwork_opens,
              fixture_tear_down);
  g_test_add ("/workbench/artwork/closed-while-inspecting", Fixture, NULL, fixture_set_up,
              test_artwork_closed_while_inspecting, fixture_tear_down);
  g_test_add ("/workbench/submit/inspects", Fixture, NULL, fixture_set_up,
              test_submit_dialog_inspects, fixture_tear_down);
  g_test_add ("/workbench/artwork/appraisal", Fixture, NULL, fixture_set_up,
              test_artwork_appraisal, fixture_tear_down);
  return g_test_run ();
}
