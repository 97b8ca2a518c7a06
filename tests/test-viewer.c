/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The document review workspace in-process, under Xvfb, on the fixture documents:
 * highlights land on the fixture's bbox (checked in the drawn pixels too) at two zooms
 * and a rotation; F8 visits exactly the fields expected.json lists, in order, each
 * brought into view; a correction made through the keyboard actions reaches the cache
 * and its outbox with the original kept; bad files each give a message, never a crash
 * (build-aux/run-tests.sh also runs this test under ASan and UBSan). Personal data is
 * covered on the page, its thumbnails and in what is copied until it is revealed.
 */
#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <math.h>

#if HAVE_LIBTIFF
#include <tiffio.h>
#endif

#include "af-demo.h"
#include "af-store-guard.h"
#include "af-store-test-private.h"
#include "afd-document-viewer.h"
#include "afd-masked-page.h"
#include "afd-page-view-private.h"
#include "afd-pii-mask.h"
#include "ui/afd-test-widgets.h"

#define TIMEOUT_SECONDS 20

typedef struct
{
  AfStore           *store;    /* the test's own look at the cache */
  AfStoreThread     *thread;   /* the viewer's connection, as the window gives it */
  GtkWidget         *window;
  AfdDocumentViewer *viewer;
  char              *demo_dir;
  char              *scratch;
  GPtrArray         *toasts;   /* what the viewer asked the window to show */
} Fixture;

static const char *carter_w2 = "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb";

/* ---- helpers ---- */

static gboolean
viewer_settled (gpointer data)
{
  AfdDocumentViewer *viewer = data;

  return afd_document_viewer_is_loaded (viewer) || afd_document_viewer_get_error_message (viewer) != NULL;
}

static void
drain (void)
{
  /* Let allocation and drawing catch up. */
  for (int i = 0; i < 50; i++)
    while (g_main_context_iteration (NULL, FALSE))
      ;
}

static AfValue *
get_document (Fixture    *f,
              const char *id)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_store_get_item (f->store, AF_TABLE_DOCUMENTS, id, &error);

  g_assert_no_error (error);
  return item;
}

static void
open_document (Fixture       *f,
               const AfValue *item,
               const char    *path)
{
  afd_document_viewer_set_document (f->viewer, f->thread, item, path);
  afd_test_wait_until (viewer_settled, f->viewer, TIMEOUT_SECONDS);
  drain ();
  gtk_test_widget_wait_for_draw (GTK_WIDGET (f->viewer));
}

static void
open_fixture_document (Fixture    *f,
                       const char *id)
{
  g_autoptr(AfValue) item = get_document (f, id);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = af_demo_resolve_item_object (f->demo_dir, item, NULL, NULL, &error);

  g_assert_no_error (error);
  open_document (f, item, path);
  g_assert_null (afd_document_viewer_get_error_message (f->viewer));
  g_assert_true (afd_document_viewer_is_loaded (f->viewer));
}

static void
assert_no_toast_holds (Fixture    *f,
                       const char *value)
{
  for (guint i = 0; i < f->toasts->len; i++)
    g_assert_null (strstr (g_ptr_array_index (f->toasts, i), value));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;

  f->scratch = g_dir_make_tmp ("afd-viewer-XXXXXX", &error);
  g_assert_no_error (error);
  f->demo_dir = g_strdup (g_getenv ("AF_FIXTURES_DIR"));
  cache = g_build_filename (f->scratch, "demo.sqlite", NULL);
  f->store = af_demo_open (f->demo_dir, cache, &error);
  g_assert_no_error (error);
  af_store_set_identity (f->store, "officer@example.com");
  f->thread = af_store_thread_new (af_store_open (cache, &error));
  g_assert_no_error (error);
  af_store_thread_set_identity (f->thread, "officer@example.com");

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  f->viewer = AFD_DOCUMENT_VIEWER (afd_document_viewer_new ());
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->viewer));
  f->toasts = afd_test_record_toasts (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  drain ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{

  gtk_window_destroy (GTK_WINDOW (f->window));
  drain ();
  af_store_thread_close (f->thread);
  g_clear_object (&f->thread);
  g_clear_object (&f->store);
  g_clear_pointer (&f->toasts, g_ptr_array_unref);
  af_test_remove_tree (f->scratch);
  g_free (f->scratch);
  g_free (f->demo_dir);
}

/* ---- highlights at their true position ---- */

/* The fixture's bbox on the page rectangle, rotated clockwise by @rotation: computed
 * here from the fractions, independently of af_bbox_to_device(). */
static graphene_rect_t
expected_rect (const graphene_rect_t *page,
               double l, double t, double w, double h,
               int rotation)
{
  double pw = page->size.width, ph = page->size.height;

  switch (rotation)
    {
    case 90:
      return GRAPHENE_RECT_INIT (page->origin.x + (1 - t - h) * pw, page->origin.y + l * ph, h * pw, w * ph);
    case 180:
      return GRAPHENE_RECT_INIT (page->origin.x + (1 - l - w) * pw, page->origin.y + (1 - t - h) * ph, w * pw, h * ph);
    default:
      return GRAPHENE_RECT_INIT (page->origin.x + l * pw, page->origin.y + t * ph, w * pw, h * ph);
    }
}

static void
assert_rect_close (const graphene_rect_t *got,
                   const graphene_rect_t *want)
{
  g_assert_cmpfloat (fabs (got->origin.x - want->origin.x), <=, 2);
  g_assert_cmpfloat (fabs (got->origin.y - want->origin.y), <=, 2);
  g_assert_cmpfloat (fabs (got->origin.x + got->size.width - want->origin.x - want->size.width), <=, 2);
  g_assert_cmpfloat (fabs (got->origin.y + got->size.height - want->origin.y - want->size.height), <=, 2);
}

/* Draws the page view into a texture and returns its pixels (BGRA, premultiplied). */
static GBytes *
render_view (AfdPageView *view,
             int         *out_width,
             int         *out_height,
             gsize       *out_stride)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (GTK_WIDGET (view)));
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  int height = gtk_widget_get_height (GTK_WIDGET (view));
  guchar *pixels;

  afd_page_view_snapshot_pages (view, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (g_getenv ("AFD_TEST_SAVE_RENDER") != NULL)
    gdk_texture_save_to_png (texture, g_getenv ("AFD_TEST_SAVE_RENDER"));
  *out_stride = (gsize) width * 4;
  pixels = g_malloc (*out_stride * height);
  gdk_texture_download (texture, pixels, *out_stride);
  *out_width = width;
  *out_height = height;
  return g_bytes_new_take (pixels, *out_stride * height);
}

static gboolean
is_stroke_pixel (const guchar *p)
{
  /* The selected box's opaque outline: HIG orange 5 (230, 97, 0) for a low-confidence
   * field, blue 3 (53, 132, 228) for the others. */
  return (abs (p[2] - 230) < 40 && abs (p[1] - 97) < 45 && p[0] < 70) ||
         (abs (p[2] - 53) < 30 && abs (p[1] - 132) < 30 && abs (p[0] - 228) < 30);
}

/* The centre of the outline's run crossing row @y nearest to @x. */
static double
find_stroke_x (GBytes *pixels, gsize stride, int width, int y, double x)
{
  const guchar *data = g_bytes_get_data (pixels, NULL);
  int first = -1, last = -1;

  for (int px = MAX (0, (int) x - 8); px <= MIN (width - 1, (int) x + 8); px++)
    {
      if (!is_stroke_pixel (data + y * stride + px * 4))
        {
          if (first >= 0)
            break;
          continue;
        }
      if (first < 0)
        first = px;
      last = px;
    }
  if (first < 0)
    {
      const guchar *p = data + y * stride + (int) x * 4;

      g_test_message ("no outline near x=%.1f y=%d: pixel %u,%u,%u,%u", x, y, p[2], p[1], p[0], p[3]);
    }
  g_assert_cmpint (first, >=, 0);
  return (first + last + 1) / 2.0;
}

static void
check_field_geometry (Fixture *f,
                      guint    position,
                      double   zoom,
                      int      rotation)
{
  AfdPageView *view = afd_document_viewer_get_page_view (f->viewer);
  AfField *field = af_field_list_get_field (afd_document_viewer_get_fields (f->viewer), position);
  const AfBbox *b = af_field_get_bbox (field);
  graphene_rect_t page, got, want;
  g_autoptr(GBytes) pixels = NULL;
  int width, height, y;
  gsize stride;

  afd_document_viewer_reveal_field (f->viewer, af_field_get_name (field));
  afd_page_view_set_rotation (view, rotation);
  afd_page_view_set_zoom (view, zoom);
  afd_page_view_center_field (view, position);
  drain ();
  g_assert_cmpfloat (afd_page_view_get_zoom (view), ==, zoom);
  g_assert_cmpint (af_field_list_get_selected (afd_document_viewer_get_fields (f->viewer)), ==, position);

  /* A US letter page is 612 × 792 pt, 816 × 1056 px at 100 % (96 dpi). */
  g_assert_true (afd_page_view_get_page_rect (view, 0, &page));
  g_assert_cmpfloat (fabs (page.size.width - (rotation % 180 ? 1056 : 816) * zoom), <=, 1);
  g_assert_cmpfloat (fabs (page.size.height - (rotation % 180 ? 816 : 1056) * zoom), <=, 1);

  g_assert_true (afd_page_view_get_field_rect (view, position, &got));
  want = expected_rect (&page, b->left, b->top, b->width, b->height, rotation);
  assert_rect_close (&got, &want);

  /* And in the pixels: the selected box's outline is drawn 2 px outside the box. */
  pixels = render_view (view, &width, &height, &stride);
  y = (int) (want.origin.y + want.size.height / 2);
  g_assert_cmpint (y, >, 0);
  g_assert_cmpint (y, <, height);
  g_assert_cmpfloat (fabs (find_stroke_x (pixels, stride, width, y, want.origin.x - 2) - (want.origin.x - 2)), <=, 2);
  g_assert_cmpfloat (fabs (find_stroke_x (pixels, stride, width, y, want.origin.x + want.size.width + 2)
                           - (want.origin.x + want.size.width + 2)), <=, 2);
}

static void
test_highlight_geometry (Fixture       *f,
                         gconstpointer  data)
{
  AfFieldList *fields;
  guint ein, ssn;

  open_fixture_document (f, carter_w2);
  fields = afd_document_viewer_get_fields (f->viewer);
  g_assert_nonnull (af_field_list_lookup (fields, "employer_ein", &ein));
  g_assert_nonnull (af_field_list_lookup (fields, "employee_ssn", &ssn));

  check_field_geometry (f, ein, 1.0, 0);
  check_field_geometry (f, ein, 2.0, 0);
  check_field_geometry (f, ein, 1.5, 90);
  check_field_geometry (f, ssn, 1.25, 180);
}

/* ---- keyboard review ---- */

static JsonObject *
expected_documents (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "expected.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *loans, *result = json_object_new ();
  g_autoptr(GList) names = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  loans = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                         "loan_applications");
  names = json_object_get_members (loans);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *docs = json_object_get_array_member (json_object_get_object_member (loans, l->data), "documents");

      for (guint i = 0; i < json_array_get_length (docs); i++)
        {
          JsonObject *doc = json_array_get_object_element (docs, i);

          json_object_set_object_member (result, json_object_get_string_member (doc, "document_id"),
                                         json_object_ref (doc));
        }
    }
  return result;
}

static void
assert_box_in_view (AfdPageView *view,
                    guint        position)
{
  graphene_rect_t rect;
  double w = gtk_widget_get_width (GTK_WIDGET (view));
  double h = gtk_widget_get_height (GTK_WIDGET (view));

  g_assert_true (afd_page_view_get_field_rect (view, position, &rect));
  g_assert_cmpfloat (rect.origin.x, >=, 0);
  g_assert_cmpfloat (rect.origin.y, >=, 0);
  g_assert_cmpfloat (rect.origin.x + rect.size.width, <=, w);
  g_assert_cmpfloat (rect.origin.y + rect.size.height, <=, h);
  /* Readable: the text in the box is at least 14 px tall. */
  g_assert_cmpfloat (MIN (rect.size.width, rect.size.height), >=, 13.9);
}

static void
test_next_low_confidence (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) expected = expected_documents (parser);
  g_autoptr(GList) ids = json_object_get_members (expected);
  guint visited_docs = 0;

  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *doc = json_object_get_object_member (expected, l->data);
      JsonArray *low = json_object_get_array_member (doc, "low_confidence_fields");
      AfFieldList *fields;

      if (g_strcmp0 (json_object_get_string_member (doc, "processing_status"), "FAILED") == 0)
        continue;
      open_fixture_document (f, l->data);
      fields = afd_document_viewer_get_fields (f->viewer);
      for (guint k = 0; k < json_array_get_length (low); k++)
        {
          int selected;

          gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
          drain ();
          selected = af_field_list_get_selected (fields);
          g_assert_cmpint (selected, >=, 0);
          g_assert_cmpstr (af_field_get_name (af_field_list_get_field (fields, selected)), ==,
                           json_array_get_string_element (low, k));
          assert_box_in_view (afd_document_viewer_get_page_view (f->viewer), selected);
        }
      /* Exactly those: one more F8 wraps round to the first (or stays on none). */
      gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
      drain ();
      g_assert_cmpint (af_field_list_get_selected (fields), ==, json_array_get_length (low) > 0 ? 0 : -1);
      if (json_array_get_length (low) > 0)
        {
          gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.previous", NULL);
          g_assert_cmpstr (af_field_get_name (af_field_list_get_field (fields, af_field_list_get_selected (fields))),
                           ==, json_array_get_string_element (low, json_array_get_length (low) - 1));
        }
      visited_docs++;
    }
  g_assert_cmpuint (visited_docs, ==, 11);
}

/* ---- corrections through the keyboard path ---- */

static AfValue *
last_correction (Fixture *f)
{
  g_autoptr(AfValue) item = get_document (f, carter_w2);
  AfValue *corrections = af_value_map_get (item, "corrections");

  if (corrections == NULL)
    return NULL;
  return af_value_ref (af_value_list_nth (corrections, af_value_list_length (corrections) - 1));
}

typedef struct
{
  Fixture *f;
  gint64   length;
} OutboxWait;

static gboolean
outbox_reached (gpointer data)
{
  OutboxWait *wait = data;

  return af_store_outbox_length (wait->f->store, NULL) == wait->length;
}

/* An edit commits on the store's thread: the test waits for its outbox entry. */
static void
wait_outbox_length (Fixture *f,
                    gint64   length)
{
  OutboxWait wait = { f, length };

  afd_test_wait_until (outbox_reached, &wait, TIMEOUT_SECONDS);
}

static void
test_keyboard_correction (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) correction = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  AfFieldList *fields;
  AfdFieldRow *row;
  AfField *ein;
  gint64 before;

  open_fixture_document (f, carter_w2);
  fields = afd_document_viewer_get_fields (f->viewer);
  before = af_store_outbox_length (f->store, &error);
  g_assert_no_error (error);

  /* F8 → employer_ein; F2; type; Escape: nothing is written. */
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.edit", NULL);
  row = afd_fields_panel_get_selected_row (afd_document_viewer_get_fields_panel (f->viewer));
  g_assert_true (afd_field_row_is_editing (row));
  gtk_editable_set_text (afd_field_row_get_editable (row), "00-0000000");
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.cancel", NULL);
  g_assert_false (afd_field_row_is_editing (row));
  g_assert_cmpint (af_store_outbox_length (f->store, NULL), ==, before);

  /* F2; type; Enter: a correction in the cache and in the outbox. */
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.edit", NULL);
  gtk_editable_set_text (afd_field_row_get_editable (row), "46-5624256");
  gtk_editable_set_text (afd_field_row_get_note_editable (row), "EIN checked against the IRS letter");
  /* What Enter does in the entry: its text widget activates, and the entry with it. */
  g_signal_emit_by_name (gtk_editable_get_delegate (afd_field_row_get_editable (row)), "activate");
  drain ();
  g_assert_false (afd_field_row_is_editing (row));

  wait_outbox_length (f, before + 1);
  correction = last_correction (f);
  g_assert_nonnull (correction);
  g_assert_cmpstr (af_item_get_s (correction, "field"), ==, "employer_ein");
  g_assert_cmpstr (af_item_get_s (correction, "original_value"), ==, "46-5624255");
  g_assert_cmpstr (af_item_get_s (correction, "corrected_value"), ==, "46-5624256");
  g_assert_cmpstr (af_item_get_s (correction, "corrected_by"), ==, "officer@example.com");
  g_assert_cmpstr (af_item_get_s (correction, "note"), ==, "EIN checked against the IRS letter");
  g_assert_nonnull (af_item_get_s (correction, "corrected_at"));

  g_assert_cmpint (af_store_outbox_length (f->store, NULL), ==, before + 1);
  outbox = af_store_outbox_list (f->store, &error);
  g_assert_no_error (error);
  {
    AfOutboxEntry *entry = g_ptr_array_index (outbox, outbox->len - 1);

    g_assert_cmpint (entry->kind, ==, AF_OP_CORRECTION);
    g_assert_cmpstr (entry->item_id, ==, carter_w2);
  }

  /* The panel shows the corrected value, keeps the original, and the document is reviewed. */
  ein = af_field_list_lookup (fields, "employer_ein", NULL);
  g_assert_cmpstr (af_field_get_corrected_value (ein), ==, "46-5624256");
  g_assert_cmpstr (af_field_get_value (ein), ==, "46-5624255");
  g_assert_true (af_field_list_is_reviewed (fields));
}

static gboolean
toast_says_not_saved (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < f->toasts->len; i++)
    if (strstr (g_ptr_array_index (f->toasts, i), "Could not save the correction") != NULL)
      return TRUE;
  return FALSE;
}

/* A correction whose commit fails: shown at once, then told (naming the field and the
 * document, never the value) and taken back; nothing reaches the cache or its outbox. */
static void
test_correction_fails (Fixture       *f,
                       gconstpointer  data)
{
  AfdFieldRow *row;
  AfField *ein;
  gint64 before;

  open_fixture_document (f, carter_w2);
  ein = af_field_list_lookup (afd_document_viewer_get_fields (f->viewer), "employer_ein", NULL);
  before = af_store_outbox_length (f->store, NULL);
  af_store_thread_inject_failure (f->thread, "after-item-update");

  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.edit", NULL);
  row = afd_fields_panel_get_selected_row (afd_document_viewer_get_fields_panel (f->viewer));
  gtk_editable_set_text (afd_field_row_get_editable (row), "46-5624256");
  g_signal_emit_by_name (gtk_editable_get_delegate (afd_field_row_get_editable (row)), "activate");
  g_assert_cmpstr (af_field_get_corrected_value (ein), ==, "46-5624256");   /* at once */

  afd_test_wait_until (toast_says_not_saved, f, TIMEOUT_SECONDS);
  g_assert_null (af_field_get_corrected_value (ein));
  g_assert_cmpstr (af_field_get_current_value (ein), ==, "46-5624255");
  assert_no_toast_holds (f, "46-5624256");
  g_assert_null (last_correction (f));
  g_assert_cmpint (af_store_outbox_length (f->store, NULL), ==, before);
}

static void
test_keyboard_confirm (Fixture       *f,
                       gconstpointer  data)
{
  AfFieldList *fields;

  open_fixture_document (f, "38df24e7-2df3-49b7-9034-36c4664353bf");
  fields = afd_document_viewer_get_fields (f->viewer);
  g_assert_false (af_field_list_is_reviewed (fields));
  for (int i = 0; i < 2; i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
      gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.confirm", NULL);
    }
  g_assert_true (af_field_list_is_reviewed (fields));

  /* Confirmations survive reopening the document. */
  open_fixture_document (f, carter_w2);
  open_fixture_document (f, "38df24e7-2df3-49b7-9034-36c4664353bf");
  g_assert_true (af_field_list_is_reviewed (afd_document_viewer_get_fields (f->viewer)));
}

/* ---- inconsistencies lead to their source ---- */

static void
test_inconsistency_source (Fixture       *f,
                           gconstpointer  data)
{
  /* The CRITICAL ssn inconsistency of LOAN-2024-259508: the W-2 says 915-99-3776, the
   * 1040 915-99-3767. Each document opens at its own box, revealed in view. */
  struct { const char *document_id, *value, *field; } sources[] = {
    { "094b4686-f66b-4f95-94fb-d3836b75ea53", "915-99-3776", "employee_ssn" },
    { "3ba2f83e-2836-4f2d-bfcd-ce9ceea279cb", "915-99-3767", "ssn" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      g_autoptr(AfValue) item = get_document (f, sources[i].document_id);
      g_autofree char *path = af_demo_resolve_item_object (f->demo_dir, item, NULL, NULL, NULL);
      AfFieldList *fields;
      int selected;

      /* Asked for before the file is open, as the audit page does. */
      afd_document_viewer_set_document (f->viewer, f->thread, item, path);
      g_assert_true (afd_document_viewer_reveal_source (f->viewer, "ssn", sources[i].value));
      afd_test_wait_until (viewer_settled, f->viewer, TIMEOUT_SECONDS);
      drain ();
      gtk_test_widget_wait_for_draw (GTK_WIDGET (f->viewer));
      drain ();
      fields = afd_document_viewer_get_fields (f->viewer);
      selected = af_field_list_get_selected (fields);
      g_assert_cmpstr (af_field_get_name (af_field_list_get_field (fields, selected)), ==, sources[i].field);
      assert_box_in_view (afd_document_viewer_get_page_view (f->viewer), selected);
    }
}

/* ---- field names ---- */

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The fields list says "Employer EIN", not "Employer ein"; the raw name is its tooltip. */
static void
test_field_labels (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *ein, *ssn;

  open_fixture_document (f, carter_w2);
  ein = find_label (GTK_WIDGET (f->viewer), "Employer EIN");
  ssn = find_label (GTK_WIDGET (f->viewer), "Employee SSN");
  g_assert_nonnull (ein);
  g_assert_nonnull (ssn);
  g_assert_null (find_label (GTK_WIDGET (f->viewer), "Employer ein"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ein), ==, "employer_ein");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ssn), ==, "employee_ssn");
}

/* The tag on the page warns only at low confidence: the SSN read at 96 % gets none. */
static void
test_box_labels (Fixture       *f,
                 gconstpointer  data)
{
  AfFieldList *fields;
  g_autofree char *ein = NULL;
  g_autofree char *ssn = NULL;

  open_fixture_document (f, carter_w2);
  fields = afd_document_viewer_get_fields (f->viewer);
  g_assert_true (af_field_is_low_confidence (af_field_list_lookup (fields, "employer_ein", NULL)));
  g_assert_false (af_field_is_low_confidence (af_field_list_lookup (fields, "employee_ssn", NULL)));
  ein = afd_page_view_dup_box_label (af_field_list_lookup (fields, "employer_ein", NULL));
  ssn = afd_page_view_dup_box_label (af_field_list_lookup (fields, "employee_ssn", NULL));
  g_assert_cmpstr (ein, ==, "⚠ Employer EIN");
  g_assert_cmpstr (ssn, ==, "Employee SSN");
}

/* ---- copying the text under a box ---- */

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **slot = user_data;

  *slot = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*slot == NULL)
    *slot = g_strdup ("");
}

static gboolean
string_arrived (gpointer data)
{
  return *(char **) data != NULL;
}

static gboolean
clipboard_is_text (gpointer data)
{
  GdkContentFormats *formats = gdk_clipboard_get_formats (GDK_CLIPBOARD (data));

  return gdk_content_formats_contain_gtype (formats, G_TYPE_STRING);
}

static char *
read_clipboard (GdkClipboard *clipboard)
{
  char *text = NULL;

  afd_test_wait_until (clipboard_is_text, clipboard, TIMEOUT_SECONDS);
  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text, &text);
  afd_test_wait_until (string_arrived, &text, TIMEOUT_SECONDS);
  return text;
}

/* Drags a selection over the field's bbox (a little larger, as a hand would) and
 * returns what reached the clipboard. */
static char *
copy_text_under (Fixture    *f,
                 const char *field_name)
{
  AfField *field = af_field_list_lookup (afd_document_viewer_get_fields (f->viewer), field_name, NULL);
  const AfBbox *b = af_field_get_bbox (field);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->viewer));

  gdk_clipboard_set_content (clipboard, NULL);
  g_signal_emit_by_name (afd_document_viewer_get_page_view (f->viewer), "text-selected",
                         af_field_get_page (field) - 1, b->left - 0.002, b->top - 0.002,
                         b->left + b->width + 0.002, b->top + b->height + 0.002);
  return read_clipboard (clipboard);
}

static void
test_copy_text (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *ein = NULL;
  g_autofree char *withheld = NULL;

  open_fixture_document (f, carter_w2);
  ein = copy_text_under (f, "employer_ein");
  g_assert_cmpstr (g_strstrip (ein), ==, "46-5624255");

  /* The planted OCR misread: the page says 11088.00 where the pipeline read 11088.80. */
  open_fixture_document (f, "38df24e7-2df3-49b7-9034-36c4664353bf");
  withheld = copy_text_under (f, "federal_tax_withheld");
  g_assert_cmpstr (g_strstrip (withheld), ==, "11088.00");
  g_assert_cmpstr (af_field_get_value (af_field_list_lookup (afd_document_viewer_get_fields (f->viewer),
                                                             "federal_tax_withheld", NULL)), ==, "11088.80");
}

/* ---- personal data covered on the page ---- */

typedef struct
{
  GBytes *bytes;
  int     width;
  int     height;
  gsize   stride;
} Pixels;

static void
pixels_clear (Pixels *p)
{
  g_clear_pointer (&p->bytes, g_bytes_unref);
}

static const guchar *
pixel_at (const Pixels *p,
          int           x,
          int           y)
{
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, p->width);
  g_assert_cmpint (y, <, p->height);
  return (const guchar *) g_bytes_get_data (p->bytes, NULL) + y * p->stride + x * 4;
}

/* BGRA against a colour, each channel within @tolerance of 255. */
static gboolean
pixel_is (const guchar  *px,
          const GdkRGBA *colour,
          int            tolerance)
{
  return abs (px[2] - (int) round (colour->red * 255)) <= tolerance &&
         abs (px[1] - (int) round (colour->green * 255)) <= tolerance &&
         abs (px[0] - (int) round (colour->blue * 255)) <= tolerance;
}

static gboolean
pixels_close (const guchar *a,
              const guchar *b,
              int           tolerance)
{
  return abs (a[0] - b[0]) <= tolerance && abs (a[1] - b[1]) <= tolerance && abs (a[2] - b[2]) <= tolerance;
}

static gboolean
is_ink (const guchar *px)
{
  return px[0] + px[1] + px[2] < 3 * 110;
}

static gboolean
page_rendered (gpointer data)
{
  AfdPageView *view = data;
  AfdPageSlot *slot = &g_array_index (view->pages, AfdPageSlot, 0);

  return slot->texture != NULL && slot->pending == NULL;
}

static void
render_pixels (AfdPageView *view,
               Pixels      *out)
{
  drain ();
  pixels_clear (out);
  out->bytes = render_view (view, &out->width, &out->height, &out->stride);
}

/* The page's own pixels under the view's pixel (@x, @y): the renderer's texture, as
 * the view draws it at this zoom. */
static void
document_pixel (AfdPageView           *view,
                const Pixels          *texture,
                const graphene_rect_t *page,
                int                    x,
                int                    y,
                guchar                 out[4])
{
  AfdPageSlot *slot = &g_array_index (view->pages, AfdPageSlot, 0);
  double units_x = (x + 0.5 - page->origin.x) / view->zoom;
  double units_y = (y + 0.5 - page->origin.y) / view->zoom;
  int tx = (int) (units_x * texture->width / slot->width);
  int ty = (int) (units_y * texture->height / slot->height);

  memcpy (out, pixel_at (texture, CLAMP (tx, 0, texture->width - 1), CLAMP (ty, 0, texture->height - 1)), 4);
}

static void
download (GdkTexture *texture,
          Pixels     *out)
{
  guchar *data;

  out->width = gdk_texture_get_width (texture);
  out->height = gdk_texture_get_height (texture);
  out->stride = (gsize) out->width * 4;
  data = g_malloc (out->stride * out->height);
  gdk_texture_download (texture, data, out->stride);
  out->bytes = g_bytes_new_take (data, out->stride * out->height);
}

/* Masked, the bbox is the block: its two ends wholly the fill colour (the label sits
 * in the middle), most of it that colour, and where the document has ink (the SSN's
 * digits) the block's fill, not the ink, is drawn. */
static void
assert_masked (AfdPageView           *view,
               const Pixels          *shown,
               const Pixels          *texture,
               const graphene_rect_t *box,
               const graphene_rect_t *page,
               const GdkRGBA         *fill)
{
  int x0 = (int) ceil (box->origin.x) + 1, x1 = (int) floor (box->origin.x + box->size.width) - 1;
  int y0 = (int) ceil (box->origin.y) + 1, y1 = (int) floor (box->origin.y + box->size.height) - 1;
  int band = MAX (1, (int) (box->size.width * 0.1));
  guint n = 0, n_fill = 0, n_ink = 0, n_ink_covered = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        const guchar *px = pixel_at (shown, x, y);
        guchar doc[4];

        if (x < x0 + band || x > x1 - band)
          {
            if (!pixel_is (px, fill, 3))
              g_test_message ("(%d, %d) is %u,%u,%u", x, y, px[2], px[1], px[0]);
            g_assert_true (pixel_is (px, fill, 3));
          }
        n++;
        n_fill += pixel_is (px, fill, 3);
        document_pixel (view, texture, page, x, y, doc);
        if (is_ink (doc))
          {
            n_ink++;
            n_ink_covered += pixel_is (px, fill, 3);
          }
      }
  g_test_message ("masked: %u of %u pixels the fill, %u of %u ink pixels covered", n_fill, n, n_ink_covered, n_ink);
  g_assert_cmpuint (n_ink, >, 40);
  g_assert_cmpuint (n_fill * 10, >=, n * 6);
  g_assert_cmpuint (n_ink_covered * 10, >=, n_ink * 7);
}

/* Revealed, the bbox shows the document: each pixel the page's own (under the faint
 * tint every box has), none the fill colour. */
static void
assert_revealed (AfdPageView           *view,
                 const Pixels          *shown,
                 const Pixels          *texture,
                 const graphene_rect_t *box,
                 const graphene_rect_t *page,
                 const GdkRGBA         *fill)
{
  guint n = 0, n_same = 0, n_ink = 0;

  for (int y = (int) ceil (box->origin.y) + 1; y < (int) floor (box->origin.y + box->size.height) - 1; y++)
    for (int x = (int) ceil (box->origin.x) + 1; x < (int) floor (box->origin.x + box->size.width) - 1; x++)
      {
        const guchar *px = pixel_at (shown, x, y);
        guchar doc[4];

        document_pixel (view, texture, page, x, y, doc);
        n++;
        n_same += pixels_close (px, doc, 40);
        n_ink += is_ink (px);
      }
  g_test_message ("revealed: %u of %u pixels the document's, %u ink", n_same, n, n_ink);
  g_assert_cmpuint (n_ink, >, 40);
  g_assert_cmpuint (n_same * 100, >=, n * 95);
}

static void
collect_thumbnails (GtkWidget *widget,
                    GPtrArray *found)
{
  if (GTK_IS_PICTURE (widget) && gtk_widget_has_css_class (widget, "afd-thumbnail"))
    g_ptr_array_add (found, gtk_picture_get_paintable (GTK_PICTURE (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_thumbnails (child, found);
}

static gboolean
thumbnail_rendered (gpointer data)
{
  return afd_masked_page_get_texture (data) != NULL;
}

/* The first page's thumbnail drawn as its picture draws it (@width wide). */
static void
render_thumbnail (Fixture      *f,
                  GdkPaintable *paintable,
                  double        width,
                  Pixels       *out)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  /* A renderer of its own: the window's GL renderer may answer from its cache for a
   * node at the address of one it drew before. */
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GError) error = NULL;
  double height = width / gdk_paintable_get_intrinsic_aspect_ratio (paintable);

  gsk_renderer_realize (renderer, gtk_native_get_surface (GTK_NATIVE (f->window)), &error);
  g_assert_no_error (error);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  pixels_clear (out);
  download (texture, out);
}

static void
check_thumbnail (Fixture       *f,
                 AfField       *ssn,
                 gboolean       revealed,
                 const GdkRGBA *fill)
{
  g_autoptr(GPtrArray) thumbnails = g_ptr_array_new ();
  const AfBbox *b = af_field_get_bbox (ssn);
  Pixels shown = { 0 };
  GdkPaintable *first;

  collect_thumbnails (GTK_WIDGET (f->viewer), thumbnails);
  g_assert_cmpuint (thumbnails->len, ==, 1);
  first = g_ptr_array_index (thumbnails, 0);
  g_assert_true (AFD_IS_MASKED_PAGE (first));
  afd_test_wait_until (thumbnail_rendered, first, TIMEOUT_SECONDS);
  g_assert_cmpint (afd_masked_page_get_revealed (AFD_MASKED_PAGE (first)), ==, revealed);
  /* At the strip's own width, the middle of the box; and larger, all of it. */
  for (guint k = 0; k < 2; k++)
    {
      const guchar *px;

      render_thumbnail (f, first, k == 0 ? 96 : 400, &shown);
      px = pixel_at (&shown, (int) ((b->left + b->width / 2) * shown.width),
                     (int) ((b->top + b->height / 2) * shown.height));
      g_test_message ("thumbnail %d px wide: %u,%u,%u in the box", shown.width, px[2], px[1], px[0]);
      g_assert_cmpint (pixel_is (px, fill, 3), ==, !revealed);
    }
  pixels_clear (&shown);
}

static void
on_barrier_text (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(char **) user_data = afd_page_renderer_get_text_finish (AFD_PAGE_RENDERER (source), result, NULL);
}

/* Every text read asked for so far has been answered, and its answer handled: the
 * render thread takes jobs of one priority in order, and their answers come back to
 * the main context in that order. */
static void
wait_for_text_reads (AfdPageView *view)
{
  g_autofree char *text = NULL;

  afd_page_renderer_get_text_async (view->renderer, 0, 0, 0, 0.01, 0.01, NULL, NULL,
                                    on_barrier_text, &text);
  afd_test_wait_until (string_arrived, &text, TIMEOUT_SECONDS);
  drain ();
}

/* Masked, a drag over the SSN copies nothing (the clipboard keeps what it had), and a
 * drag over the whole page copies the rest but not the SSN; revealed, it copies. */
static void
check_copy (Fixture *f,
            AfField *ssn)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (f->viewer));
  AfdPageView *view = afd_document_viewer_get_page_view (f->viewer);
  const AfBbox *b = af_field_get_bbox (ssn);
  g_autofree char *kept = NULL;
  g_autofree char *page = NULL;
  g_autofree char *revealed = NULL;
  g_autofree char *expected = NULL;
  const char *value = af_field_get_value (ssn);

  gdk_clipboard_set_text (clipboard, "what was there");
  g_signal_emit_by_name (view, "text-selected", 0, b->left - 0.002, b->top - 0.002,
                         b->left + b->width + 0.002, b->top + b->height + 0.002);
  wait_for_text_reads (view);
  kept = read_clipboard (clipboard);
  g_assert_cmpstr (kept, ==, "what was there");

  gdk_clipboard_set_content (clipboard, NULL);
  g_signal_emit_by_name (view, "text-selected", 0, 0.0, 0.0, 1.0, 1.0);
  page = read_clipboard (clipboard);
  g_assert_nonnull (strstr (page, "46-5624255"));
  g_assert_null (strstr (page, value));

  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.reveal-pii", NULL);
  revealed = copy_text_under (f, af_field_get_name (ssn));
  /* The toast says how much was copied, never the SSN itself. */
  expected = g_strdup_printf ("Copied %ld characters", g_utf8_strlen (revealed, -1));
  g_assert_cmpstr (g_ptr_array_index (f->toasts, f->toasts->len - 1), ==, expected);
  g_assert_cmpstr (g_strstrip (revealed), ==, value);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.reveal-pii", NULL);
}

static void
test_pii_masked (Fixture       *f,
                 gconstpointer  data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  AfdPageView *view;
  AfField *ssn;
  AfdPiiMaskStyle light, dark;
  graphene_rect_t box, page;
  Pixels shown = { 0 }, texture = { 0 };
  guint position;
  gboolean revealed = TRUE;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
  open_fixture_document (f, carter_w2);
  view = afd_document_viewer_get_page_view (f->viewer);
  ssn = af_field_list_lookup (afd_document_viewer_get_fields (f->viewer), "employee_ssn", &position);
  g_assert_nonnull (ssn);
  g_assert_true (af_field_is_pii (ssn));
  g_object_get (f->viewer, "reveal-pii", &revealed, NULL);
  g_assert_false (revealed);
  g_assert_false (afd_page_view_get_pii_revealed (view));

  /* Nothing selected or hovered on the SSN, at a zoom that is not the fit. */
  afd_page_view_set_zoom (view, 1.5);
  afd_page_view_center_field (view, position);
  afd_test_wait_until (page_rendered, view, TIMEOUT_SECONDS);
  download (g_array_index (view->pages, AfdPageSlot, 0).texture, &texture);
  g_assert_true (afd_page_view_get_field_rect (view, position, &box));
  g_assert_true (afd_page_view_get_page_rect (view, 0, &page));
  afd_pii_mask_style_for (FALSE, FALSE, &light);
  afd_pii_mask_style_for (TRUE, FALSE, &dark);
  g_assert_false (gdk_rgba_equal (&light.fill, &dark.fill));

  render_pixels (view, &shown);
  assert_masked (view, &shown, &texture, &box, &page, &light.fill);
  check_thumbnail (f, ssn, FALSE, &light.fill);

  /* The block turns and scales with the page: at each zoom and rotation the box is
   * largely the fill and nowhere the paper (the light block's colours are all darker
   * than white). */
  {
    static const struct { double zoom; int rotation; } views[] = { { 3.0, 0 }, { 1.5, 90 }, { 1.0, 180 } };

    for (guint k = 0; k < G_N_ELEMENTS (views); k++)
      {
        graphene_rect_t turned;
        guint n = 0, n_fill = 0, n_paper = 0;
        static const GdkRGBA paper = { 1, 1, 1, 1 };

        afd_page_view_set_rotation (view, views[k].rotation);
        afd_page_view_set_zoom (view, views[k].zoom);
        afd_page_view_center_field (view, position);
        render_pixels (view, &shown);
        g_assert_true (afd_page_view_get_field_rect (view, position, &turned));
        for (int y = (int) ceil (turned.origin.y) + 1; y < (int) (turned.origin.y + turned.size.height) - 1; y++)
          for (int x = (int) ceil (turned.origin.x) + 1; x < (int) (turned.origin.x + turned.size.width) - 1; x++, n++)
            {
              n_fill += pixel_is (pixel_at (&shown, x, y), &light.fill, 3);
              n_paper += pixel_is (pixel_at (&shown, x, y), &paper, 12);
            }
        g_test_message ("%.0f %%, %d°: %u of %u pixels the fill, %u the paper", views[k].zoom * 100,
                        views[k].rotation, n_fill, n, n_paper);
        g_assert_cmpuint (n, >, 0);
        g_assert_cmpuint (n_fill * 100, >=, n * 45);
        g_assert_cmpuint (n_paper, ==, 0);
      }
    afd_page_view_set_rotation (view, 0);
    afd_page_view_set_zoom (view, 1.5);
    afd_page_view_center_field (view, position);
  }

  /* The dark style: the dark block. */
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  render_pixels (view, &shown);
  assert_masked (view, &shown, &texture, &box, &page, &dark.fill);
  check_thumbnail (f, ssn, FALSE, &dark.fill);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* One reveal for the document: Ctrl+Shift+P's action uncovers page and thumbnails. */
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.reveal-pii", NULL);
  g_assert_true (afd_page_view_get_pii_revealed (view));
  render_pixels (view, &shown);
  assert_revealed (view, &shown, &texture, &box, &page, &light.fill);
  check_thumbnail (f, ssn, TRUE, &light.fill);

  /* Another document opens covered; coming back, this one is covered again. */
  open_fixture_document (f, "38df24e7-2df3-49b7-9034-36c4664353bf");
  g_assert_false (afd_page_view_get_pii_revealed (view));
  open_fixture_document (f, carter_w2);
  g_assert_false (afd_page_view_get_pii_revealed (view));
  check_copy (f, af_field_list_lookup (afd_document_viewer_get_fields (f->viewer), "employee_ssn", NULL));
  assert_no_toast_holds (f, af_field_get_value (af_field_list_lookup (afd_document_viewer_get_fields (f->viewer),
                                                                      "employee_ssn", NULL)));

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  pixels_clear (&shown);
  pixels_clear (&texture);
}

/* ---- bad files ---- */

static char *
write_scratch (Fixture      *f,
               const char   *name,
               const guint8 *data,
               gsize         length)
{
  g_autofree char *path = g_build_filename (f->scratch, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) length, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
fixture_bytes (Fixture    *f,
               const char *id,
               gsize      *length)
{
  g_autoptr(AfValue) item = get_document (f, id);
  g_autofree char *path = af_demo_resolve_item_object (f->demo_dir, item, NULL, NULL, NULL);
  char *bytes = NULL;

  g_assert_true (g_file_get_contents (path, &bytes, length, NULL));
  return bytes;
}

/* Opens @data as document @id's object, with the item's checksum set to the file's
 * own (so that the content check, not the checksum, is what must catch it) unless
 * @keep_checksum. */
static void
open_bad (Fixture      *f,
          const char   *id,
          const char   *name,
          const guint8 *data,
          gsize         length,
          gboolean      keep_checksum,
          const char   *message_part)
{
  g_autoptr(AfValue) item = get_document (f, id);
  g_autofree char *path = write_scratch (f, name, data, length);
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  const char *message;

  if (!keep_checksum)
    af_value_map_set (item, "checksum", af_value_new_s (sum));
  open_document (f, item, path);
  message = afd_document_viewer_get_error_message (f->viewer);
  g_test_message ("%s: %s", name, message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, message_part));
  g_assert_false (afd_document_viewer_is_loaded (f->viewer));
  /* The fields are still there to review. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (afd_document_viewer_get_fields (f->viewer))), >, 0);
  g_assert_nonnull (afd_fields_panel_get_row (afd_document_viewer_get_fields_panel (f->viewer), 0));
}

/* A 64 × 64 grey TIFF whose header and directory are whole but whose one strip is cut
 * after 1000 of its 4096 bytes: the file check passes it, so libtiff's decoder is what
 * must refuse it. */
static GByteArray *
tiff_with_cut_strip (void)
{
  static const guint16 entries[][3] = {
    { 256, 4, 64 },     /* ImageWidth, LONG */
    { 257, 4, 64 },     /* ImageLength */
    { 258, 3, 8 },      /* BitsPerSample, SHORT */
    { 259, 3, 1 },      /* Compression: none */
    { 262, 3, 1 },      /* Photometric: black is zero */
    { 273, 4, 122 },    /* StripOffsets: right after the directory */
    { 277, 3, 1 },      /* SamplesPerPixel */
    { 278, 4, 64 },     /* RowsPerStrip */
    { 279, 4, 4096 },   /* StripByteCounts */
  };
  GByteArray *tiff = g_byte_array_new ();
  guint8 header[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, G_N_ELEMENTS (entries), 0 };
  guint8 zeros[4] = { 0 };

  g_byte_array_append (tiff, header, sizeof header);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      guint8 entry[12] = { entries[i][0] & 0xff, entries[i][0] >> 8, entries[i][1], 0, 1, 0, 0, 0,
                           entries[i][2] & 0xff, entries[i][2] >> 8, 0, 0 };

      g_byte_array_append (tiff, entry, sizeof entry);
    }
  g_byte_array_append (tiff, zeros, sizeof zeros);   /* no next directory */
  g_assert_cmpuint (tiff->len, ==, 122);
  for (guint i = 0; i < 1000; i++)
    {
      guint8 grey = i % 251;

      g_byte_array_append (tiff, &grey, 1);
    }
  return tiff;
}

static void
test_bad_files (Fixture       *f,
                gconstpointer  data)
{
  static const guint8 bomb[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                 'I', 'H', 'D', 'R', 0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0,
                                 8, 6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78,
                                 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };
  gsize pdf_length, tiff_length;
  g_autofree char *pdf = fixture_bytes (f, carter_w2, &pdf_length);
  g_autofree char *tiff = fixture_bytes (f, "f954ffcd-a67b-4d2e-8ca3-e61deafb0c0c", &tiff_length);
  g_autoptr(GByteArray) cut_strip = tiff_with_cut_strip ();
  g_autofree char *corrupt = g_strdup (pdf);

  /* A PDF cut in half and scribbled over: header intact, body and xref gone. */
  memset (corrupt + pdf_length / 3, 'x', pdf_length / 3);
  open_bad (f, carter_w2, "corrupt.pdf", (guint8 *) corrupt, pdf_length / 2, FALSE, "PDF");
  open_bad (f, "f954ffcd-a67b-4d2e-8ca3-e61deafb0c0c", "truncated.tif", (guint8 *) tiff,
            tiff_length / 3, FALSE, "TIFF");
#if HAVE_LIBTIFF
  open_bad (f, "f954ffcd-a67b-4d2e-8ca3-e61deafb0c0c", "cut-strip.tif", cut_strip->data, cut_strip->len,
            FALSE, "TIFF");
#endif
  open_bad (f, "23d8cc19-5eed-4d21-8e35-619a2ef6eeee", "bomb.png", bomb, sizeof bomb, FALSE,
            "too large");
  /* The right bytes for another document: the checksum names different ones. */
  open_bad (f, "38df24e7-2df3-49b7-9034-36c4664353bf", "swapped.pdf", (guint8 *) pdf, pdf_length,
            TRUE, "Integrity");

  /* And a good document opens fine afterwards. */
  open_fixture_document (f, carter_w2);
}

#if HAVE_LIBTIFF
/* A scan of several pages in one TIFF: every page is shown (gdk-pixbuf alone would
 * read only the first). */
static void
write_tiff_page (TIFF *tiff, guint32 width, guint32 height, guint8 red, guint8 blue)
{
  g_autofree guint8 *row = g_malloc (width * 3);

  for (guint32 x = 0; x < width; x++)
    {
      row[x * 3] = red;
      row[x * 3 + 1] = 0;
      row[x * 3 + 2] = blue;
    }
  TIFFSetField (tiff, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField (tiff, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField (tiff, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField (tiff, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tiff, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField (tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tiff, TIFFTAG_ROWSPERSTRIP, 16);
  for (guint32 y = 0; y < height; y++)
    TIFFWriteScanline (tiff, row, y, 0);
  TIFFWriteDirectory (tiff);
}

static gboolean
texture_arrived (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
on_rendered (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_multi_page_tiff (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->scratch, "two-pages.tif", NULL);
  g_autoptr(AfValue) item = get_document (f, "f954ffcd-a67b-4d2e-8ca3-e61deafb0c0c");
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *bytes = NULL;
  g_autofree char *sum = NULL;
  GAsyncResult *result = NULL;
  AfdPageView *view;
  gsize length;
  TIFF *tiff = TIFFOpen (path, "w");

  write_tiff_page (tiff, 200, 100, 255, 0);
  write_tiff_page (tiff, 100, 300, 0, 255);
  TIFFClose (tiff);
  g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guint8 *) bytes, length);
  af_value_map_set (item, "checksum", af_value_new_s (sum));
  af_value_map_set (item, "page_count", af_value_new_n_int (2));

  open_document (f, item, path);
  g_assert_null (afd_document_viewer_get_error_message (f->viewer));
  view = afd_document_viewer_get_page_view (f->viewer);
  g_assert_cmpint (afd_page_view_get_n_pages (view), ==, 2);

  /* Page 2 itself, from the renderer: its own size, its own pixels. */
  afd_page_renderer_render_async (view->renderer, 1, 1.0, AFD_RENDER_PRIORITY_VISIBLE, NULL,
                                  on_rendered, &result);
  afd_test_wait_until (texture_arrived, &result, TIMEOUT_SECONDS);
  texture = afd_page_renderer_render_finish (view->renderer, result, NULL);
  g_object_unref (result);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 100);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 300);
}
#endif

static void
test_failed_document (Fixture       *f,
                      gconstpointer  data)
{
  /* Processing FAILED, no extracted_data: the image is still shown. */
  open_fixture_document (f, "d75b3a67-1fd3-40d8-b770-df99633123fb");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (afd_document_viewer_get_fields (f->viewer))), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.confirm", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "review.edit", NULL);
  drain ();
}

static void
test_zoom_and_pages (Fixture       *f,
                     gconstpointer  data)
{
  AfdPageView *view;

  /* A three-page statement: page n of m follows the scroll. */
  open_fixture_document (f, "54a14ec9-1bf1-47c7-b873-37d703d4d921");
  view = afd_document_viewer_get_page_view (f->viewer);
  g_assert_cmpint (afd_page_view_get_n_pages (view), ==, 3);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "viewer.zoom-fit-page", NULL);
  g_assert_cmpint (afd_page_view_get_zoom_mode (view), ==, AFD_ZOOM_FIT_PAGE);
  afd_page_view_scroll_to_page (view, 2);
  drain ();
  g_assert_cmpint (afd_page_view_get_current_page (view), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "viewer.zoom-original", NULL);
  g_assert_cmpfloat (afd_page_view_get_zoom (view), ==, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "viewer.zoom-in", NULL);
  g_assert_cmpfloat (afd_page_view_get_zoom (view), >, 1.0);
  gtk_widget_activate_action (GTK_WIDGET (f->viewer), "viewer.rotate-right", NULL);
  g_assert_cmpint (afd_page_view_get_rotation (view), ==, 90);
  drain ();
}

int
main (int    argc,
      char **argv)
{
  /* Not G_TEST_OPTION_ISOLATE_DIRS: GTK needs the system's GSettings schemas; the
   * runner gives the test a throw-away HOME and XDG directories instead. */
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("Bail out! no display: run this test through tests/run-xvfb.sh\n");
      return 1;
    }
  adw_init ();
  /* The viewer's SQL runs on the store's thread: any on this one while its main loop
   * runs aborts the test (the test's own checks run between iterations). */
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/viewer/highlight-geometry", test_highlight_geometry);
  ADD ("/viewer/next-low-confidence", test_next_low_confidence);
  ADD ("/viewer/keyboard-correction", test_keyboard_correction);
  ADD ("/viewer/keyboard-confirm", test_keyboard_confirm);
  ADD ("/viewer/correction-fails", test_correction_fails);
  ADD ("/viewer/inconsistency-source", test_inconsistency_source);
  ADD ("/viewer/copy-text", test_copy_text);
  ADD ("/viewer/field-labels", test_field_labels);
  ADD ("/viewer/box-labels", test_box_labels);
  ADD ("/viewer/pii-masked", test_pii_masked);
  ADD ("/viewer/bad-files", test_bad_files);
  ADD ("/viewer/failed-document", test_failed_document);
#if HAVE_LIBTIFF
  ADD ("/viewer/multi-page-tiff", test_multi_page_tiff);
#endif
  ADD ("/viewer/zoom-and-pages", test_zoom_and_pages);
#undef ADD

  return g_test_run ();
}
