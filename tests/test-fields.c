/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The document review model, without a display: fields read from the fixture items,
 * review order against expected.json, bbox validation, the bbox → device geometry at
 * every rotation, and the file checks (type sniffing, pixel limits read from headers,
 * checksums) on the fixture files and on bad files made here.
 */
#include <json-glib/json-glib.h>
#include <math.h>

#include "af-bbox.h"
#include "af-codec.h"
#include "af-demo.h"
#include "af-field-list.h"
#include "af-file-check.h"

static const char *
fixtures_dir (void)
{
  return g_getenv ("AF_FIXTURES_DIR");
}

static GPtrArray *
load_documents (void)
{
  g_autofree char *path = g_build_filename (fixtures_dir (), "dynamodb",
                                            "AuditFlow-Documents.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items;

  g_file_get_contents (path, &json, NULL, &error);
  g_assert_no_error (error);
  items = af_codec_parse_items_page (json, -1, NULL, &error);
  g_assert_no_error (error);
  return items;
}

static JsonObject *
expected_documents (JsonParser *parser)
{
  g_autofree char *path = g_build_filename (fixtures_dir (), "expected.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *root, *loans, *result = json_object_new ();
  g_autoptr(GList) loan_names = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  loans = json_object_get_object_member (root, "loan_applications");
  loan_names = json_object_get_members (loans);
  for (GList *l = loan_names; l != NULL; l = l->next)
    {
      JsonArray *docs = json_object_get_array_member (json_object_get_object_member (loans, l->data),
                                                      "documents");

      for (guint i = 0; i < json_array_get_length (docs); i++)
        {
          JsonObject *doc = json_array_get_object_element (docs, i);

          json_object_set_object_member (result, json_object_get_string_member (doc, "document_id"),
                                         json_object_ref (doc));
        }
    }
  return result;
}

/* ---- the model ---- */

static void
test_fields_match_expected (void)
{
  g_autoptr(GPtrArray) items = load_documents ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) expected = expected_documents (parser);

  g_assert_cmpuint (items->len, ==, 12);
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *item = g_ptr_array_index (items, i);
      g_autoptr(AfFieldList) list = af_field_list_new_from_item (item);
      JsonObject *doc = json_object_get_object_member (expected, af_item_get_s (item, "document_id"));
      JsonArray *low = json_object_get_array_member (doc, "low_confidence_fields");
      guint n_low = json_array_get_length (low);
      int position = -1;

      g_assert_nonnull (doc);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                        json_object_get_int_member (doc, "extracted_field_count"));
      g_assert_cmpuint (af_field_list_get_n_low_confidence (list), ==, n_low);
      g_assert_cmpint (af_field_list_get_page_count (list), ==,
                       json_object_get_int_member (doc, "page_count"));
      g_assert_cmpuint (af_field_list_get_n_problems (list), ==, 0);

      /* Stepping forward visits exactly the listed fields, in order, then wraps. */
      for (guint k = 0; k < n_low; k++)
        {
          position = af_field_list_step_low_confidence (list, position, TRUE);
          g_assert_cmpstr (af_field_get_name (af_field_list_get_field (list, position)), ==,
                           json_array_get_string_element (low, k));
        }
      if (n_low == 0)
        g_assert_cmpint (af_field_list_step_low_confidence (list, -1, TRUE), ==, -1);
      else
        g_assert_cmpint (af_field_list_step_low_confidence (list, position, TRUE), ==, 0);
      g_assert_true (af_field_list_is_reviewed (list) == (n_low == 0));
    }
}

static AfValue *
find_item (GPtrArray  *items,
           const char *document_id)
{
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (af_item_get_s (g_ptr_array_index (items, i), "document_id"), document_id) == 0)
      return g_ptr_array_index (items, i);
  g_assert_not_reached ();
}

static void
test_field_facts (void)
{
  g_autoptr(GPtrArray) items = load_documents ();
  AfValue *item = find_item (items, "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb");
  g_autoptr(AfFieldList) list = af_field_list_new_from_item (item);
  AfField *ssn = af_field_list_lookup (list, "employee_ssn", NULL);
  AfField *ein = af_field_list_get_field (list, 0);
  g_autofree char *masked = af_field_dup_masked_value (ssn);
  const AfBbox *bbox = af_field_get_bbox (ein);

  g_assert_cmpstr (af_field_list_get_document_type (list), ==, "W2");
  g_assert_cmpfloat_with_epsilon (af_field_list_get_classification_confidence (list), 0.963, 1e-9);
  g_assert_true (af_field_list_get_requires_manual_review (list));
  g_assert_true (af_field_is_pii (ssn));
  g_assert_cmpstr (masked, ==, "***-**-9185");
  g_assert_cmpstr (af_field_get_name (ein), ==, "employer_ein");
  g_assert_true (af_field_is_low_confidence (ein));
  g_assert_cmpfloat_with_epsilon (af_field_get_confidence (ein), 0.55, 1e-9);
  g_assert_cmpint (af_field_get_page (ein), ==, 1);
  g_assert_cmpfloat (bbox->left, ==, 0.0686);
  g_assert_cmpfloat (bbox->top, ==, 0.107);
  g_assert_cmpfloat (bbox->width, ==, 0.098);
  g_assert_cmpfloat (bbox->height, ==, 0.0099);
}

static void
test_failed_document (void)
{
  g_autoptr(GPtrArray) items = load_documents ();
  AfValue *item = find_item (items, "d75b3a67-1fd3-40d8-b770-df99633123fb");
  g_autoptr(AfFieldList) list = af_field_list_new_from_item (item);

  g_assert_cmpstr (af_field_list_get_processing_status (list), ==, "FAILED");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpint (af_field_list_step_low_confidence (list, -1, TRUE), ==, -1);
}

static AfValue *
number (double value)
{
  g_autofree char *text = g_strdup_printf ("%g", value);

  return af_value_new_n (text);
}

static AfValue *
make_field (const char *value,
            double      confidence,
            int         page,
            double      left,
            double      top,
            double      width,
            double      height)
{
  AfValue *field = af_value_new_map ();
  AfValue *bbox = af_value_new_map ();

  af_value_map_set (bbox, "left", number (left));
  af_value_map_set (bbox, "top", number (top));
  af_value_map_set (bbox, "width", number (width));
  af_value_map_set (bbox, "height", number (height));
  af_value_map_set (field, "value", af_value_new_s (value));
  af_value_map_set (field, "confidence", number (confidence));
  af_value_map_set (field, "page", af_value_new_n_int (page));
  af_value_map_set (field, "bbox", bbox);
  return field;
}

static AfValue *
make_correction (const char *field,
                 const char *original,
                 const char *corrected)
{
  AfValue *entry = af_value_new_map ();

  af_value_map_set (entry, "field", af_value_new_s (field));
  af_value_map_set (entry, "original_value", af_value_new_s (original));
  af_value_map_set (entry, "corrected_value", af_value_new_s (corrected));
  af_value_map_set (entry, "corrected_by", af_value_new_s ("officer@example.com"));
  af_value_map_set (entry, "corrected_at", af_value_new_s ("2024-11-08T09:00:00.000Z"));
  return entry;
}

/* A made-up document with every kind of bad box, an unlisted low field and corrections. */
static AfValue *
make_bad_item (void)
{
  AfValue *item = af_value_new_map ();
  AfValue *data = af_value_new_map ();
  AfValue *low = af_value_new_list (AF_TYPE_L);
  AfValue *corrections = af_value_new_list (AF_TYPE_L);

  af_value_map_set (data, "good", make_field ("A", 0.95, 1, 0.1, 0.1, 0.2, 0.05));
  af_value_map_set (data, "outside", make_field ("B", 0.95, 1, 0.9, 0.1, 0.2, 0.05));
  af_value_map_set (data, "negative", make_field ("C", 0.95, 1, -0.2, 0.1, 0.1, 0.05));
  af_value_map_set (data, "empty", make_field ("D", 0.95, 1, 0.1, 0.1, 0, 0.05));
  af_value_map_set (data, "page_nine", make_field ("E", 0.95, 9, 0.1, 0.1, 0.1, 0.05));
  af_value_map_set (data, "page_zero", make_field ("F", 0.95, 0, 0.1, 0.1, 0.1, 0.05));
  af_value_map_set (data, "unlisted_low", make_field ("G", 0.30, 2, 0.1, 0.1, 0.1, 0.05));
  af_value_map_set (data, "listed", make_field ("H", 0.85, 2, 0.1, 0.5, 0.1, 0.05));
  af_value_map_set (data, "no_box", af_value_new_map ());
  af_value_list_append (low, af_value_new_s ("listed"));
  af_value_list_append (corrections, make_correction ("listed", "H", "H1"));
  af_value_list_append (corrections, make_correction ("good", "A", "A1"));
  af_value_list_append (corrections, make_correction ("listed", "H", "H2"));
  af_value_map_set (item, "document_id", af_value_new_s ("doc-bad"));
  af_value_map_set (item, "page_count", af_value_new_n_int (2));
  af_value_map_set (item, "extracted_data", data);
  af_value_map_set (item, "low_confidence_fields", low);
  af_value_map_set (item, "corrections", corrections);
  return item;
}

static void
test_bad_boxes_and_corrections (void)
{
  g_autoptr(AfValue) item = make_bad_item ();
  g_autoptr(AfFieldList) list = af_field_list_new_from_item (item);
  struct { const char *name; AfBboxProblem problem; } cases[] = {
    { "good", AF_BBOX_OK },
    { "outside", AF_BBOX_OUTSIDE_PAGE },
    { "negative", AF_BBOX_OUTSIDE_PAGE },
    { "empty", AF_BBOX_EMPTY },
    { "page_nine", AF_BBOX_NO_SUCH_PAGE },
    { "page_zero", AF_BBOX_NO_SUCH_PAGE },
    { "no_box", AF_BBOX_MISSING },
  };
  AfField *listed;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AfField *field = af_field_list_lookup (list, cases[i].name, NULL);

      g_assert_cmpint (af_field_get_problem (field), ==, cases[i].problem);
      g_assert_true (af_field_is_drawable (field) == (cases[i].problem == AF_BBOX_OK));
    }

  /* Review order: the pipeline's list, then unlisted low ones; no_box has no
   * confidence at all, so it needs a human too. */
  g_assert_cmpuint (af_field_list_get_n_low_confidence (list), ==, 3);
  g_assert_cmpstr (af_field_get_name (af_field_list_get_field (list, 0)), ==, "listed");
  g_assert_cmpstr (af_field_get_name (af_field_list_get_field (list, 1)), ==, "no_box");
  g_assert_cmpstr (af_field_get_name (af_field_list_get_field (list, 2)), ==, "unlisted_low");
  g_assert_cmpint (af_field_list_step_low_confidence (list, -1, FALSE), ==, 2);
  g_assert_cmpint (af_field_list_step_low_confidence (list, 0, FALSE), ==, 2);

  /* The latest correction of a field wins; the original stays readable. */
  listed = af_field_list_lookup (list, "listed", NULL);
  g_assert_cmpstr (af_field_get_value (listed), ==, "H");
  g_assert_cmpstr (af_field_get_corrected_value (listed), ==, "H2");
  g_assert_cmpstr (af_field_get_current_value (listed), ==, "H2");

  /* Reviewed once every low field is confirmed or corrected. */
  g_assert_false (af_field_list_is_reviewed (list));
  af_field_set_confirmed (af_field_list_get_field (list, 1), TRUE);
  af_field_set_confirmed (af_field_list_get_field (list, 2), TRUE);
  g_assert_true (af_field_list_is_reviewed (list));

  /* A page count learnt from the file re-validates the boxes. */
  af_field_list_set_page_count (list, 12);
  g_assert_cmpint (af_field_get_problem (af_field_list_lookup (list, "page_nine", NULL)), ==,
                   AF_BBOX_OK);
}

/* Every inconsistency of the fixture audits leads to the field that holds the value
 * it quotes, in each document it names. */
static void
test_inconsistency_sources (void)
{
  g_autoptr(GPtrArray) items = load_documents ();
  g_autofree char *path = g_build_filename (fixtures_dir (), "dynamodb", "AuditFlow-AuditRecords.json", NULL);
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) audits = NULL;
  g_autoptr(GError) error = NULL;
  guint checked = 0;

  g_file_get_contents (path, &json, NULL, &error);
  g_assert_no_error (error);
  audits = af_codec_parse_items_page (json, -1, NULL, &error);
  g_assert_no_error (error);
  for (guint a = 0; a < audits->len; a++)
    {
      AfValue *list = af_value_map_get (g_ptr_array_index (audits, a), "inconsistencies");

      for (guint i = 0; list != NULL && i < af_value_list_length (list); i++)
        {
          AfValue *inconsistency = af_value_list_nth (list, i);
          AfValue *values = af_value_map_get (inconsistency, "values");
          const char *golden = af_item_get_s (inconsistency, "field");

          for (guint v = 0; v < af_value_map_size (values); v++)
            {
              g_autoptr(AfFieldList) fields =
                af_field_list_new_from_item (find_item (items, af_value_map_name_at (values, v)));
              const char *value = af_value_get_string (af_value_map_value_at (values, v));
              int position = af_field_list_find_source (fields, golden, value);

              g_assert_cmpint (position, >=, 0);
              g_assert_cmpstr (af_field_get_value (af_field_list_get_field (fields, position)), ==, value);
              checked++;
            }
        }
    }
  g_assert_cmpuint (checked, ==, 14);

  /* A value in two fields, or no value: the naming decides (income, not the AGI). */
  {
    g_autoptr(AfFieldList) fields = af_field_list_new_from_item (find_item (items, "3ba2f83e-2836-4f2d-bfcd-ce9ceea279cb"));
    int position = af_field_list_find_source (fields, "annual_income", "81,590");

    g_assert_cmpstr (af_field_get_name (af_field_list_get_field (fields, position)), ==, "total_income");
    position = af_field_list_find_source (fields, "ssn", NULL);
    g_assert_cmpstr (af_field_get_name (af_field_list_get_field (fields, position)), ==, "ssn");
    g_assert_cmpint (af_field_list_find_source (fields, "employer", NULL), ==, -1);
  }
}

/* ---- geometry ---- */

/* The reference: rotate the four corners with a rotation matrix and take their
 * bounding box — a different computation from the one under test. */
static AfRect
reference_rect (const AfBbox *b,
                double        pw,
                double        ph,
                double        zoom,
                int           rotation)
{
  double xs[4] = { b->left, b->left + b->width, b->left, b->left + b->width };
  double ys[4] = { b->top, b->top, b->top + b->height, b->top + b->height };
  double angle = rotation * G_PI / 180;
  double c = round (cos (angle)), s = round (sin (angle));
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  double ox = 0, oy = 0;

  /* Where the page's corners land decides the shift back to the origin. */
  double cx[4] = { 0, pw, 0, pw }, cy[4] = { 0, 0, ph, ph };
  for (int i = 0; i < 4; i++)
    {
      ox = MIN (ox, c * cx[i] * zoom - s * cy[i] * zoom);
      oy = MIN (oy, s * cx[i] * zoom + c * cy[i] * zoom);
    }
  for (int i = 0; i < 4; i++)
    {
      double x = xs[i] * pw * zoom, y = ys[i] * ph * zoom;
      double rx = c * x - s * y - ox, ry = s * x + c * y - oy;

      min_x = MIN (min_x, rx);
      max_x = MAX (max_x, rx);
      min_y = MIN (min_y, ry);
      max_y = MAX (max_y, ry);
    }
  return (AfRect) { min_x, min_y, max_x - min_x, max_y - min_y };
}

static void
test_geometry_fixture_boxes (void)
{
  g_autoptr(GPtrArray) items = load_documents ();
  const double zooms[] = { 0.5, 1.0, 1.5, 2.0 };
  guint checked = 0;

  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(AfFieldList) list = af_field_list_new_from_item (g_ptr_array_index (items, i));

      for (guint f = 0; f < g_list_model_get_n_items (G_LIST_MODEL (list)); f++)
        {
          const AfBbox *bbox = af_field_get_bbox (af_field_list_get_field (list, f));

          for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
            for (int rotation = 0; rotation < 360; rotation += 90)
              {
                AfRect got = af_bbox_to_device (bbox, 612, 792, zooms[z], rotation);
                AfRect want = reference_rect (bbox, 612, 792, zooms[z], rotation);

                g_assert_cmpfloat_with_epsilon (got.x, want.x, 1e-6);
                g_assert_cmpfloat_with_epsilon (got.y, want.y, 1e-6);
                g_assert_cmpfloat_with_epsilon (got.width, want.width, 1e-6);
                g_assert_cmpfloat_with_epsilon (got.height, want.height, 1e-6);
                checked++;
              }
        }
    }
  g_assert_cmpuint (checked, >, 500);
}

static void
test_geometry_known_box (void)
{
  /* employer_ein on the Carter W-2: a US letter page (612 × 792 pt). */
  AfBbox ein = { 0.0686, 0.107, 0.098, 0.0099 };
  AfRect r = af_bbox_to_device (&ein, 612, 792, 2.0, 0);
  double w, h, fx, fy;

  g_assert_cmpfloat_with_epsilon (r.x, 0.0686 * 612 * 2, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.y, 0.107 * 792 * 2, 1e-9);
  r = af_bbox_to_device (&ein, 612, 792, 1.0, 90);
  g_assert_cmpfloat_with_epsilon (r.x, 792 - (0.107 + 0.0099) * 792, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.y, 0.0686 * 612, 1e-9);
  g_assert_cmpfloat_with_epsilon (r.width, 0.0099 * 792, 1e-9);

  af_page_device_size (612, 792, 1.5, 270, &w, &h);
  g_assert_cmpfloat (w, ==, 792 * 1.5);
  g_assert_cmpfloat (h, ==, 612 * 1.5);

  /* The inverse brings the centre of the drawn box back to the centre of the bbox. */
  for (int rotation = 0; rotation < 360; rotation += 90)
    {
      r = af_bbox_to_device (&ein, 612, 792, 1.25, rotation);
      af_device_to_fraction (r.x + r.width / 2, r.y + r.height / 2, 612, 792, 1.25, rotation,
                             &fx, &fy);
      g_assert_cmpfloat_with_epsilon (fx, ein.left + ein.width / 2, 1e-9);
      g_assert_cmpfloat_with_epsilon (fy, ein.top + ein.height / 2, 1e-9);
    }
  g_assert_cmpint (af_rotation_normalize (-90), ==, 270);
  g_assert_cmpint (af_rotation_normalize (450), ==, 90);
}

/* ---- file checks ---- */

static void
test_fixture_files_pass (void)
{
  g_autoptr(GPtrArray) items = load_documents ();

  for (guint i = 0; i < items->len; i++)
    {
      AfValue *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *path = af_demo_resolve_item_object (fixtures_dir (), item, NULL, NULL, &error);
      g_autofree char *bytes = NULL;
      gsize length = 0;
      AfFileType type;
      guint n_pages = 0;

      g_assert_no_error (error);
      g_file_get_contents (path, &bytes, &length, &error);
      g_assert_no_error (error);
      type = af_file_sniff ((guint8 *) bytes, length);
      g_assert_cmpstr (af_file_type_to_string (type), ==, af_item_get_s (item, "file_format"));
      g_assert_true (af_file_verify_checksum ((guint8 *) bytes, length,
                                              af_item_get_s (item, "checksum"), &error));
      g_assert_no_error (error);
      if (type == AF_FILE_TYPE_PDF)
        continue;
      g_assert_true (af_image_check_limits ((guint8 *) bytes, length, AF_IMAGE_MAX_PIXELS,
                                            &n_pages, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n_pages, ==, 1);
    }
}

static GByteArray *
png_header (guint32 width,
            guint32 height)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                      0, 0, 0, 13, 'I', 'H', 'D', 'R' };
  GByteArray *png = g_byte_array_new ();
  guint8 dims[8] = { width >> 24, width >> 16, width >> 8, width,
                     height >> 24, height >> 16, height >> 8, height };
  static const guint8 rest[] = { 8, 6, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef };

  g_byte_array_append (png, signature, sizeof signature);
  g_byte_array_append (png, dims, sizeof dims);
  g_byte_array_append (png, rest, sizeof rest);
  return png;
}

static void
test_png_bomb (void)
{
  g_autoptr(GByteArray) bomb = png_header (100000, 100000);
  g_autoptr(GByteArray) fine = png_header (2550, 3300);
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (af_file_sniff (bomb->data, bomb->len), ==, AF_FILE_TYPE_PNG);
  sizes = af_image_read_sizes (bomb->data, bomb->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_array_index (sizes, AfImageSize, 0).width, ==, 100000);
  g_assert_false (af_image_check_limits (bomb->data, bomb->len, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
  g_clear_error (&error);
  g_assert_true (af_image_check_limits (fine->data, fine->len, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_no_error (error);

  /* Cut inside IHDR. */
  g_assert_false (af_image_check_limits (bomb->data, 20, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
}

static void
test_jpeg_headers (void)
{
  /* SOI, an APP0 segment, then SOF2 claiming 60000 × 50000. */
  static const guint8 huge[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F',
                                 0xff, 0xff, 0xc2, 0, 11, 8, 0xc3, 0x50, 0xea, 0x60, 3, 1, 0x22 };
  static const guint8 no_frame[] = { 0xff, 0xd8, 0xff, 0xda, 0, 2 };
  g_autoptr(GArray) sizes = NULL;
  g_autoptr(GError) error = NULL;

  sizes = af_image_read_sizes (huge, sizeof huge, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_array_index (sizes, AfImageSize, 0).width, ==, 60000);
  g_assert_cmpuint (g_array_index (sizes, AfImageSize, 0).height, ==, 50000);
  g_assert_false (af_image_check_limits (huge, sizeof huge, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (af_image_check_limits (no_frame, sizeof no_frame, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (af_image_check_limits (huge, 12, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
}

static void
put16 (guint8 *p, guint32 v) { p[0] = v; p[1] = v >> 8; }
static void
put32 (guint8 *p, guint32 v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }

/* A little-endian TIFF whose IFDs (two entries each: width, height) are chained
 * as @next says: next[i] is the offset of the IFD after IFD i. */
static GByteArray *
tiff_with_ifds (guint          n,
                const guint32 *widths,
                const guint32 *next)
{
  GByteArray *tiff = g_byte_array_new ();
  guint8 header[8] = { 'I', 'I', 42, 0 };

  put32 (header + 4, 8);
  g_byte_array_append (tiff, header, 8);
  for (guint i = 0; i < n; i++)
    {
      guint8 ifd[2 + 2 * 12 + 4] = { 0 };

      put16 (ifd, 2);
      put16 (ifd + 2, 256); put16 (ifd + 4, 4); put32 (ifd + 6, 1); put32 (ifd + 10, widths[i]);
      put16 (ifd + 14, 257); put16 (ifd + 16, 3); put32 (ifd + 18, 1); put16 (ifd + 22, 1000);
      put32 (ifd + 26, next[i]);
      g_byte_array_append (tiff, ifd, sizeof ifd);
    }
  return tiff;
}

static void
test_tiff_headers (void)
{
  const guint32 widths[] = { 800, 900, 40000 };
  const guint32 chain[] = { 8 + 30, 8 + 60, 0 };
  const guint32 loop[] = { 8 + 30, 8, 0 };
  g_autoptr(GByteArray) pages = tiff_with_ifds (2, widths, (const guint32[]) { 8 + 30, 0 });
  g_autoptr(GByteArray) bomb = tiff_with_ifds (3, widths, chain);
  g_autoptr(GByteArray) looping = tiff_with_ifds (2, widths, loop);
  g_autoptr(GError) error = NULL;
  guint n_pages = 0;

  g_assert_true (af_image_check_limits (pages->data, pages->len, AF_IMAGE_MAX_PIXELS, &n_pages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_pages, ==, 2);

  /* The third page is the bomb: every page is measured, not only the first. */
  g_assert_false (af_image_check_limits (bomb->data, bomb->len, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_false (af_image_check_limits (looping->data, looping->len, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Truncated: the second IFD is cut off. */
  g_assert_false (af_image_check_limits (pages->data, 8 + 30 + 10, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
  g_clear_error (&error);
  g_assert_false (af_image_check_limits (pages->data, 6, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
}

static void
test_sniff (void)
{
  static const char corrupt_pdf[] = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\ngarbage";
  static const char junk_pdf[] = "\n\n  %PDF-1.4\n";

  g_assert_cmpint (af_file_sniff ((const guint8 *) corrupt_pdf, strlen (corrupt_pdf)), ==, AF_FILE_TYPE_PDF);
  g_assert_cmpint (af_file_sniff ((const guint8 *) junk_pdf, strlen (junk_pdf)), ==, AF_FILE_TYPE_PDF);
  g_assert_cmpint (af_file_sniff ((const guint8 *) "GIF89a", 6), ==, AF_FILE_TYPE_UNKNOWN);
  g_assert_cmpint (af_file_sniff ((const guint8 *) "MM\0*", 4), ==, AF_FILE_TYPE_TIFF);
  g_assert_cmpint (af_file_sniff (NULL, 0), ==, AF_FILE_TYPE_UNKNOWN);
  g_assert_null (af_image_read_sizes ((const guint8 *) corrupt_pdf, strlen (corrupt_pdf), NULL));
}

static void
test_checksum (void)
{
  static const guint8 data[] = "abc";
  const char *good = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  g_autoptr(GError) error = NULL;

  g_assert_true (af_file_verify_checksum (data, 3, good, &error));
  g_assert_true (af_file_verify_checksum (data, 3, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", &error));
  g_assert_true (af_file_verify_checksum (data, 3, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (af_file_verify_checksum (data, 2, good, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_CHECKSUM);
  g_clear_error (&error);
  g_assert_false (af_file_verify_checksum (data, 3, "not-a-checksum", &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_CHECKSUM);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fields/expected", test_fields_match_expected);
  g_test_add_func ("/fields/facts", test_field_facts);
  g_test_add_func ("/fields/failed-document", test_failed_document);
  g_test_add_func ("/fields/bad-boxes-and-corrections", test_bad_boxes_and_corrections);
  g_test_add_func ("/fields/inconsistency-sources", test_inconsistency_sources);
  g_test_add_func ("/geometry/fixture-boxes", test_geometry_fixture_boxes);
  g_test_add_func ("/geometry/known-box", test_geometry_known_box);
  g_test_add_func ("/file-check/fixtures", test_fixture_files_pass);
  g_test_add_func ("/file-check/png-bomb", test_png_bomb);
  g_test_add_func ("/file-check/jpeg", test_jpeg_headers);
  g_test_add_func ("/file-check/tiff", test_tiff_headers);
  g_test_add_func ("/file-check/sniff", test_sniff);
  g_test_add_func ("/file-check/checksum", test_checksum);

  return g_test_run ();
}
