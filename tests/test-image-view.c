/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The image view's drawing against the decoded picture, under Xvfb: at 100 % at a
 * few scroll positions (the edges too, where tiles are padded), every sampled pixel is
 * the picture's own (a seam or an offset of one pixel fails); fitted and between, the
 * drawing matches the picture scaled down and stops at its edges; a frame uploads at
 * most AFD_IMAGE_VIEW_UPLOADS_PER_FRAME new tiles, draws the others from a smaller
 * level meanwhile (close to the picture already), and the next frames finish them.
 * Each case is drawn by the cairo renderer (the app's on a machine without a GPU) and by
 * the GL one, at 100 % with an opaque picture and with one whose alpha changes every
 * pixel (premultiplied as the renderer gives it).
 */
#include <adwaita.h>
#include <gsk/gl/gskglrenderer.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>

#include "afd-image-tiles-cairo.h"
#include "afd-image-view-private.h"
#include "ui/afd-test-widgets.h"

#define TIMEOUT_SECONDS 30
/* Not a multiple of 512 either way: the right column and bottom row are padded. */
#define PICTURE_WIDTH 1700
#define PICTURE_HEIGHT 1250

/* Red and green follow x and y in steps of 8 pixels wrapped every 256 (an offset of one
 * pixel changes what a pixel on a step's edge shows); blue changes every pixel, and so
 * does alpha when there is one (never below 64: the colour must still show). */
static GdkPixbuf *
make_picture (gboolean alpha)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, PICTURE_WIDTH, PICTURE_HEIGHT);
  guchar *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int bpp = alpha ? 4 : 3;

  for (int y = 0; y < PICTURE_HEIGHT; y++)
    for (int x = 0; x < PICTURE_WIDTH; x++)
      {
        guchar *p = pixels + (gsize) y * stride + x * bpp;

        p[0] = (guchar) ((x / 8 * 8) & 0xff);
        p[1] = (guchar) ((y / 8 * 8) & 0xff);
        p[2] = (guchar) ((x * 7 + y * 13) & 0xff);
        if (alpha)
          p[3] = (guchar) (64 + (x * 3 + y * 5) % 192);
      }
  return pixbuf;
}

/* A case: the picture's alpha, and the renderer that draws it (the tiles are made for
 * it: cairo surfaces or GdkTextures, afd_renderer_is_cairo ()). */
typedef struct
{
  gboolean    alpha;
  const char *renderer;   /* "cairo" or "gl" */
} Case;

typedef struct
{
  char          *dir;
  GdkPixbuf     *picture;
  GskRenderer   *renderer;
  GtkWidget     *window;
  AfdImageView  *view;
  AfdImageTiles *tiles;
  GError        *error;
  gboolean       done;
} Fixture;

static void
on_tiles (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fixture *f = user_data;

  f->tiles = afd_image_tiles_load_finish (result, &f->error);
  f->done = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const Case *test_case = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkWidget *scroller = gtk_scrolled_window_new ();

  f->dir = g_dir_make_tmp ("afd-image-view-XXXXXX", &error);
  g_assert_no_error (error);
  f->picture = make_picture (test_case->alpha);
  path = g_build_filename (f->dir, "picture.png", NULL);
  gdk_pixbuf_save (f->picture, path, "png", &error, "compression", "1", NULL);
  g_assert_no_error (error);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  f->view = AFD_IMAGE_VIEW (afd_image_view_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->view));
  gtk_window_set_child (GTK_WINDOW (f->window), scroller);
  gtk_window_present (GTK_WINDOW (f->window));
  if (g_str_equal (test_case->renderer, "cairo"))
    f->renderer = gsk_cairo_renderer_new ();
  else
    f->renderer = gsk_gl_renderer_new ();
  gsk_renderer_realize (f->renderer, gtk_native_get_surface (GTK_NATIVE (f->window)), &error);
  g_assert_no_error (error);
  g_setenv ("GSK_RENDERER", test_case->renderer, TRUE);
  afd_image_tiles_load_async (path, NULL, on_tiles, f);
  afd_test_wait_until (flag_set, &f->done, TIMEOUT_SECONDS);
  g_assert_no_error (f->error);
  g_unlink (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gsk_renderer_unrealize (f->renderer);
  g_clear_object (&f->renderer);
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->tiles);
  g_clear_object (&f->picture);
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* One frame of the view (its own snapshot, now), drawn by the case's renderer:
 * B G R A bytes, premultiplied. */
static guchar *
render (Fixture *f)
{
  GtkWidget *widget = GTK_WIDGET (f->view);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  guchar *data = g_malloc0 ((gsize) width * height * 4);

  /* Behind the view: transparent, so that what it draws beyond the picture shows. */
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 0 },
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  afd_image_view_snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (f->renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, width * 4);
  return data;
}

/* Renders until no tile is put off any more (each frame uploads a few). */
static guchar *
render_complete (Fixture *f)
{
  for (int i = 0; i < 50; i++)
    {
      g_autofree guchar *data = render (f);

      if (f->view->last_frame.deferred == 0)
        return g_steal_pointer (&data);
      g_assert_cmpuint (f->view->last_frame.uploaded, <=, AFD_IMAGE_VIEW_UPLOADS_PER_FRAME);
    }
  g_assert_not_reached ();
}

/* The picture's pixel as the renderer gives it: R, G, B premultiplied by its alpha. */
static void
picture_pixel (Fixture *f,
               int      x,
               int      y,
               guchar   rgb[3])
{
  gboolean alpha = gdk_pixbuf_get_has_alpha (f->picture);
  const guchar *p = gdk_pixbuf_read_pixels (f->picture)
                    + (gsize) y * gdk_pixbuf_get_rowstride (f->picture) + x * (alpha ? 4 : 3);
  guint a = alpha ? p[3] : 255;

  for (int i = 0; i < 3; i++)
    rgb[i] = (guchar) ((p[i] * a + 127) / 255);
}

/* At 100 %: every 7th pixel of the view, across tile seams, equals the picture's. */
static void
assert_exact (Fixture      *f,
              const guchar *data)
{
  int width = gtk_widget_get_width (GTK_WIDGET (f->view));
  int height = gtk_widget_get_height (GTK_WIDGET (f->view));
  double origin_x, origin_y;
  guint checked = 0;

  afd_image_view_origin (f->view, &origin_x, &origin_y);
  for (int wy = 0; wy < height; wy += 7)
    for (int wx = 0; wx < width; wx += 7)
      {
        int x = wx - (int) origin_x, y = wy - (int) origin_y;
        const guchar *p = data + ((gsize) wy * width + wx) * 4;
        guchar rgb[3];

        if (x < 0 || y < 0 || x >= PICTURE_WIDTH || y >= PICTURE_HEIGHT)
          {
            /* Beyond the picture: nothing drawn (the tiles' padding is cut off). */
            g_assert_cmpuint (p[3], ==, 0);
            continue;
          }
        picture_pixel (f, x, y, rgb);
        if (abs (p[2] - rgb[0]) > 1 || abs (p[1] - rgb[1]) > 1 || abs (p[0] - rgb[2]) > 1)
          g_error ("at 100 %%, view (%d, %d) = picture (%d, %d) shows %02x%02x%02x, not %02x%02x%02x",
                   wx, wy, x, y, p[2], p[1], p[0], rgb[0], rgb[1], rgb[2]);
        checked++;
      }
  g_assert_cmpuint (checked, >, 1000);
}

/* Smaller than 100 %: the mean red and green difference against the picture scaled
 * down (a misplaced tile or a wrong level is off by far more), and the drawing stops
 * at the picture's edges. Blue changes every pixel: it is not compared. */
static void
assert_close (Fixture      *f,
              const guchar *data,
              double        most)
{
  int width = gtk_widget_get_width (GTK_WIDGET (f->view));
  int height = gtk_widget_get_height (GTK_WIDGET (f->view));
  double zoom = afd_image_view_get_zoom (f->view);
  double origin_x, origin_y, sum = 0;
  guint n = 0;

  afd_image_view_origin (f->view, &origin_x, &origin_y);
  for (int wy = 2; wy < height - 2; wy += 5)
    for (int wx = 2; wx < width - 2; wx += 5)
      {
        double x = (wx + 0.5 - origin_x) / zoom, y = (wy + 0.5 - origin_y) / zoom;
        const guchar *p = data + ((gsize) wy * width + wx) * 4;
        guchar rgb[3];

        /* Beyond the picture by more than a pixel: nothing drawn. */
        if (x < -1 / zoom || y < -1 / zoom || x >= PICTURE_WIDTH + 1 / zoom
            || y >= PICTURE_HEIGHT + 1 / zoom)
          {
            g_assert_cmpuint (p[3], ==, 0);
            continue;
          }
        /* Within a few pixels of a step of 256 (red or green wraps): left out. */
        if (x < 0 || y < 0 || x >= PICTURE_WIDTH || y >= PICTURE_HEIGHT
            || fmod (x, 256) < 4 / zoom || fmod (x, 256) > 256 - 4 / zoom
            || fmod (y, 256) < 4 / zoom || fmod (y, 256) > 256 - 4 / zoom)
          continue;
        picture_pixel (f, (int) x, (int) y, rgb);
        g_assert_cmpuint (p[3], ==, 255);
        sum += abs (p[2] - rgb[0]) + abs (p[1] - rgb[1]);
        n++;
      }
  g_assert_cmpuint (n, >, 500);
  if (sum / (2 * n) > most)
    g_error ("at zoom %.3f the drawing differs from the picture by %.1f on average (at most %.1f)",
             zoom, sum / (2 * n), most);
}

static void
scroll_to (Fixture *f,
           double   x,
           double   y)
{
  GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (f->view));
  GtkAdjustment *v = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (f->view));

  gtk_adjustment_set_value (h, x);
  gtk_adjustment_set_value (v, y);
  g_assert_cmpfloat (gtk_adjustment_get_value (h), ==, MIN (x, gtk_adjustment_get_upper (h)
                                                                 - gtk_adjustment_get_page_size (h)));
}

/* The picture shown, then at 100 %. */
static void
show_at_100 (Fixture *f)
{
  afd_image_view_set_image (f->view, f->tiles);
  afd_test_settle (f->window, 2);
  afd_image_view_set_zoom (f->view, 1.0);
}

static void
test_pixels_at_100 (Fixture       *f,
                    gconstpointer  data)
{
  /* Top left, across the first seams, the bottom-right corner (padded tiles), and
   * an odd position. */
  const double positions[][2] = { { 0, 0 }, { 300, 250 }, { 5000, 5000 }, { 613, 77 } };

  show_at_100 (f);
  afd_test_settle (f->window, 2);
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree guchar *pixels = NULL;

      scroll_to (f, positions[i][0], positions[i][1]);
      pixels = render_complete (f);
      assert_exact (f, pixels);
    }
  /* A picture's first frames draw the loupe's, the overlay's and 100 %'s shaders under
   * its corner: hidden, not one pixel changed. */
  f->view->warm_up_stage = 0;
  for (guint i = 0; i < AFD_IMAGE_VIEW_WARM_UP_STAGES; i++)
    {
      g_autofree guchar *pixels = render (f);

      assert_exact (f, pixels);
    }
  g_assert_cmpuint (f->view->warm_up_stage, ==, AFD_IMAGE_VIEW_WARM_UP_STAGES);
}

static void
test_pixels_zoomed (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree guchar *fitted = NULL;

  afd_image_view_set_image (f->view, f->tiles);
  afd_test_settle (f->window, 2);
  g_assert_true (afd_image_view_get_fit (f->view));
  /* Fitted, 1700 pixels in about 800: the level of 850, scaled by about 0.94. */
  g_assert_cmpuint (afd_image_tiles_level_for_scale (f->tiles, afd_image_view_get_zoom (f->view)),
                    ==, 1);
  fitted = render_complete (f);
  assert_close (f, fitted, 6);
  f->view->warm_up_stage = 0;
  for (guint i = 0; i < AFD_IMAGE_VIEW_WARM_UP_STAGES; i++)
    {
      g_autofree guchar *pixels = render (f);

      assert_close (f, pixels, 6);
    }
  g_assert_cmpuint (f->view->warm_up_stage, ==, AFD_IMAGE_VIEW_WARM_UP_STAGES);
  /* Zoom steps in, each compared (the level changes on the way), then out again. */
  for (int i = 0; i < 3; i++)
    {
      g_autofree guchar *pixels = NULL;

      afd_image_view_zoom_in (f->view);
      scroll_to (f, 137 * i, 91 * i);
      pixels = render_complete (f);
      assert_close (f, pixels, 6);
    }
  for (int i = 0; i < 5; i++)
    {
      g_autofree guchar *pixels = NULL;

      afd_image_view_zoom_out (f->view);
      pixels = render_complete (f);
      assert_close (f, pixels, 6);
    }
}

/* A jump to a part never seen at 100 %: the first frame uploads the budget and draws
 * the rest from a smaller level (already near the picture); then the frames the view
 * asks for itself finish the job, and the drawing is exact. */
static void
test_upload_budget (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree guchar *first = NULL;
  g_autofree guchar *done = NULL;
  AfdTileFrame frame;

  show_at_100 (f);
  /* 800 × 600 from (400, 400): three columns and two rows of 512-pixel tiles. */
  scroll_to (f, 400, 400);
  first = render (f);
  frame = f->view->last_frame;
  g_assert_cmpuint (frame.uploaded, <=, AFD_IMAGE_VIEW_UPLOADS_PER_FRAME);
  g_assert_cmpuint (frame.deferred, >, 0);
  assert_close (f, first, 24);

  /* The view's own frames (a tick callback asks for them) upload the rest. */
  for (int i = 0; i < 20 && f->view->last_frame.deferred > 0; i++)
    {
      afd_test_settle (f->window, 1);
      g_assert_cmpuint (f->view->last_frame.uploaded, <=, AFD_IMAGE_VIEW_UPLOADS_PER_FRAME);
    }
  g_assert_cmpuint (f->view->last_frame.deferred, ==, 0);
  done = render (f);
  g_assert_cmpuint (f->view->last_frame.uploaded, ==, 0);
  assert_exact (f, done);
}

/* Under cairo nothing is uploaded: a jump to a part never seen draws it all, exactly, in
 * its first frame. */
static void
test_all_at_once (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree guchar *first = NULL;

  show_at_100 (f);
  scroll_to (f, 400, 400);
  first = render (f);
  g_assert_cmpuint (f->view->last_frame.deferred, ==, 0);
  g_assert_cmpuint (f->view->last_frame.drawn, >=, 6);
  assert_exact (f, first);
}

/* The tiles drawn twice at one place and scale give the same node, which GTK does not
 * paint again; anywhere else, another one. */
static GskRenderNode *
tiles_node (Fixture               *f,
            const graphene_rect_t *area)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderNode *tiles;
  AfdTileFrame frame = { .uploads_left = G_MAXUINT };

  afd_image_tiles_snapshot (f->tiles, snapshot, 0.75, 1, area, &frame);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  /* Clipped to the picture, unless the clip cut nothing off. */
  tiles = gsk_render_node_get_node_type (node) == GSK_CLIP_NODE ? gsk_clip_node_get_child (node)
                                                                 : node;
  g_assert_cmpint (gsk_render_node_get_node_type (tiles), ==, GSK_CAIRO_NODE);
  return gsk_render_node_ref (tiles);
}

static void
test_same_frame_same_node (Fixture       *f,
                           gconstpointer  data)
{
  graphene_rect_t area = GRAPHENE_RECT_INIT (100, 100, 800, 600);
  g_autoptr(GskRenderNode) first = tiles_node (f, &area);
  g_autoptr(GskRenderNode) again = tiles_node (f, &area);
  g_autoptr(GskRenderNode) moved = NULL;

  g_assert_true (first == again);
  area.origin.x += 40;
  moved = tiles_node (f, &area);
  g_assert_true (moved != first);
}

/* GTK's cairo renderer draws an opacity (the error levels' overlay) into a group, where
 * cairo 1.16 replays a cairo node's recording in place, clipped to the window's damage:
 * a recorded command clipped to a tile that meets none of the damage's rectangles, though
 * it lies between them, wrote into cairo's read-only "all clipped" clip and crashed the
 * workbench (seen under ASan in CI). Two rectangles at opposite corners of the picture:
 * the tiles between them are drawn nowhere, the corners are the picture's. */
static void
test_group_clipped_apart (Fixture       *f,
                          gconstpointer  data)
{
  const cairo_rectangle_int_t corners[] = { { 0, 0, 10, 10 }, { 1200, 900, 10, 10 } };
  g_autoptr(GskRenderNode) tiles = tiles_node (f, &GRAPHENE_RECT_INIT (0, 0, PICTURE_WIDTH,
                                                                        PICTURE_HEIGHT));
  g_autoptr(GskRenderNode) group = gsk_opacity_node_new (tiles, 0.99f);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1275, 938);
  cairo_region_t *damage = cairo_region_create_rectangles (corners, G_N_ELEMENTS (corners));
  cairo_t *cr = cairo_create (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *pixels;
  guchar rgb[3];

  gdk_cairo_region (cr, damage);
  cairo_clip (cr);
  gsk_render_node_draw (group, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  /* A corner's pixel is the picture's (at 0.75, 4 × 4 pixels of it); between, nothing. */
  picture_pixel (f, 4, 4, rgb);
  g_assert_cmpint (abs (pixels[3 * stride + 3 * 4 + 2] - rgb[0]), <=, 4);
  g_assert_cmpint (abs (pixels[3 * stride + 3 * 4 + 1] - rgb[1]), <=, 4);
  g_assert_cmpuint (pixels[905 * stride + 1205 * 4 + 3], >, 240);
  g_assert_cmpuint (pixels[200 * stride + 500 * 4 + 3], ==, 0);
  cairo_region_destroy (damage);
  cairo_surface_destroy (surface);
}

/* A tile under a pixel wide on screen paints nothing, and the next one still paints (a
 * matrix onto it would not be invertible, which would stop the whole node's drawing). */
static void
test_tile_under_a_pixel (void)
{
  g_autoptr(GdkPixbuf) picture = make_picture (FALSE);
  cairo_surface_t *tile = afd_image_tiles_cut_cairo (picture, 0, 0, 128);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 64, 64);
  cairo_t *cr = cairo_create (surface);
  const guchar *pixels;

  afd_image_tiles_paint_cairo (cr, tile, 128, &GRAPHENE_RECT_INIT (0, 0, 0, 64));
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  afd_image_tiles_paint_cairo (cr, tile, 128, &GRAPHENE_RECT_INIT (0, 0, 64, 64));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  g_assert_cmpuint (pixels[10 * cairo_image_surface_get_stride (surface) + 10 * 4 + 3], ==, 255);
  cairo_surface_destroy (surface);
  cairo_surface_destroy (tile);
}

static const Case cases[] = {
  { FALSE, "cairo" }, { TRUE, "cairo" }, { FALSE, "gl" }, { TRUE, "gl" },
};

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *suffix = g_strdup_printf ("%s/%s", c->renderer, c->alpha ? "alpha" : "opaque");
      g_autofree char *at_100 = g_strconcat ("/image-view/pixels-at-100/", suffix, NULL);
      g_autofree char *zoomed = g_strconcat ("/image-view/pixels-zoomed/", suffix, NULL);
      g_autofree char *budget = g_strconcat ("/image-view/upload-budget/", suffix, NULL);
      g_autofree char *all_at_once = g_strconcat ("/image-view/all-at-once/", suffix, NULL);

      g_test_add (at_100, Fixture, c, fixture_set_up, test_pixels_at_100, fixture_tear_down);
      if (c->alpha)
        continue;   /* the two below compare colours without alpha */
      g_test_add (zoomed, Fixture, c, fixture_set_up, test_pixels_zoomed, fixture_tear_down);
      if (g_str_equal (c->renderer, "gl"))
        g_test_add (budget, Fixture, c, fixture_set_up, test_upload_budget, fixture_tear_down);
      else
        {
          g_autofree char *same = g_strconcat ("/image-view/same-frame-same-node/", suffix, NULL);
          g_autofree char *apart = g_strconcat ("/image-view/group-clipped-apart/", suffix, NULL);

          g_test_add (all_at_once, Fixture, c, fixture_set_up, test_all_at_once, fixture_tear_down);

          g_test_add (same, Fixture, c, fixture_set_up, test_same_frame_same_node,
                      fixture_tear_down);
          g_test_add (apart, Fixture, c, fixture_set_up, test_group_clipped_apart,
                      fixture_tear_down);
        }
    }
  g_test_add_func ("/image-view/tile-under-a-pixel", test_tile_under_a_pixel);
  return g_test_run ();
}
