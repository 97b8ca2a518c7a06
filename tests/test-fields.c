/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The document review model, without a display: fields read from the fixture items,
 * review order against expected.json, bbox validation, the bbox → device geometry at
 * every rotation, and the file checks (type sniffing, pixel limits read from headers,
 * whole PNG chunk chains and JPEG scans, checksums) on the fixture files and on bad
 * files made here, most of them from the fixtures' own bytes.
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
  /* Within the limits, but a made-up header (its CRC is 0xdeadbeef) is no picture. */
  g_clear_pointer (&sizes, g_array_unref);
  sizes = af_image_read_sizes (fine->data, fine->len, &error);
  g_assert_no_error (error);
  g_assert_false (af_image_check_limits (fine->data, fine->len, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED);
  g_clear_error (&error);

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

/* A 16×16 TIFF that first says 23000×23000: libtiff decodes the first of two equal
 * tags, so the check must not measure the last (issue 11, finding 5). */
static void
test_tiff_duplicate_tags (void)
{
  guint8 tiff[8 + 2 + 4 * 12 + 4] = { 'I', 'I', 42, 0 };
  const guint32 tags[4][2] = { { 256, 23000 }, { 257, 23000 }, { 256, 16 }, { 257, 16 } };
  g_autoptr(GError) error = NULL;

  put32 (tiff + 4, 8);
  put16 (tiff + 8, 4);
  for (guint i = 0; i < 4; i++)
    {
      guint8 *entry = tiff + 10 + i * 12;

      put16 (entry, tags[i][0]); put16 (entry + 2, 4); put32 (entry + 4, 1);
      put32 (entry + 8, tags[i][1]);
    }
  g_assert_false (af_image_check_limits (tiff, sizeof tiff, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Out of order (height before width) is refused as well; in order, the size holds. */
  put16 (tiff + 10, 257); put16 (tiff + 22, 256);
  put16 (tiff + 8, 2);
  g_assert_false (af_image_check_limits (tiff, sizeof tiff, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED);
  g_clear_error (&error);
  put16 (tiff + 10, 256); put16 (tiff + 22, 257);
  put32 (tiff + 10 + 2 * 12, 0);   /* no next page */
  g_assert_false (af_image_check_limits (tiff, sizeof tiff, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TOO_LARGE);
}

/* ---- whole files: PNG chunk chains, JPEG scans ---- */

static GBytes *
demo_object (const char *relative)
{
  g_autofree char *path = g_build_filename (fixtures_dir (), "s3", relative, NULL);
  g_autoptr(GError) error = NULL;
  char *bytes = NULL;
  gsize length = 0;

  g_file_get_contents (path, &bytes, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (bytes, length);
}

#define DEMO_PNG "auditflow-documents-dev/loans/LOAN-2024-072470/" \
                 "23d8cc19-5eed-4d21-8e35-619a2ef6eeee/drivers_license_front.png"
#define DEMO_JPEG "auditflow-documents-dev/loans/LOAN-2024-259508/" \
                  "d75b3a67-1fd3-40d8-b770-df99633123fb/IMG_4821.JPG"
#define DEMO_ARTWORK "artguard-images-raw-dev/inference/b954ed57-756b-4913-b520-0e02397bfa11/" \
                     "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd/harbour_boats_1889.jpg"

/* Checks exactly @length bytes of @data, copied so that AddressSanitizer sees any read
 * past them, and returns the error code, or -1 when the file passes. */
static int
check_code (const guint8 *data,
            gsize         length)
{
  g_autofree guint8 *copy = g_memdup2 (data, length);
  g_autoptr(GError) error = NULL;

  if (af_image_check_limits (copy, length, AF_IMAGE_MAX_PIXELS, NULL, &error))
    return -1;
  g_assert_nonnull (error);
  g_assert_true (error->domain == AF_FILE_CHECK_ERROR);
  g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", length, error->message);
  return error->code;
}

/* Every prefix is refused: a stride through the file and the last bytes one by one. */
static void
assert_every_cut_refused (const guint8 *data,
                          gsize         length)
{
  for (gsize cut = 0; cut < length; cut += cut + 40 < length ? 997 : 1)
    g_assert_cmpint (check_code (data, cut), !=, -1);
}

/* The offset of the first chunk of @type in a PNG whose chain is whole. */
static gsize
png_chunk (const guint8 *png,
           gsize         length,
           const char   *type)
{
  for (gsize pos = 8; pos + 12 <= length;
       pos += 12 + ((guint32) png[pos] << 24 | png[pos + 1] << 16 | png[pos + 2] << 8 | png[pos + 3]))
    if (memcmp (png + pos + 4, type, 4) == 0)
      return pos;
  g_assert_not_reached ();
}

static void
set_be32 (guint8 *p, guint32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static void
test_png_complete (void)
{
  g_autoptr(GBytes) bytes = demo_object (DEMO_PNG);
  gsize length;
  const guint8 *png = g_bytes_get_data (bytes, &length);
  gsize idat = png_chunk (png, length, "IDAT");
  gsize iend = png_chunk (png, length, "IEND");
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* The fixture, whole, and with bytes after IEND that no decoder reads. */
  g_assert_true (af_image_check_complete (png, length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_code (png, length), ==, -1);
  g_byte_array_append (edited, png, length);
  g_byte_array_append (edited, (const guint8 *) "\0\0\0\0trailing", 12);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, -1);

  /* Cut in half: the header is whole, the data is not. */
  g_assert_false (af_image_check_limits (png, length / 2, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "PNG"));
  g_clear_error (&error);
  /* Every chunk whole, but no IEND. */
  g_assert_cmpuint (iend + 12, ==, length);
  g_assert_cmpint (check_code (png, iend), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
  assert_every_cut_refused (png, length);

  /* An IDAT whose length points one byte past the end of the file. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, png, length);
  set_be32 (edited->data + idat, length - idat - 12 + 1);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
  /* The largest length the specification allows, then hostile ones past it. */
  set_be32 (edited->data + idat, 0x7fffffff);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
  set_be32 (edited->data + idat, 0x80000000);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);
  set_be32 (edited->data + idat, 0xffffffff);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);
  /* Same with IEND's own length: the chain must end inside the file too. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, png, length);
  set_be32 (edited->data + iend, 0xffffffff);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);

  /* One byte of the image data changed: its chunk's CRC no longer matches. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, png, length);
  edited->data[idat + 8 + 100] ^= 0x01;
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);

  /* Signature, IHDR, the rest up to IDAT, then IEND straight away: nothing to show. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, png, idat);
  g_byte_array_append (edited, png + iend, 12);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);
}

static void
test_jpeg_complete (void)
{
  g_autoptr(GBytes) bytes = demo_object (DEMO_JPEG);
  g_autoptr(GBytes) other = demo_object (DEMO_ARTWORK);
  gsize length, other_length;
  const guint8 *jpeg = g_bytes_get_data (bytes, &length);
  const guint8 *second = g_bytes_get_data (other, &other_length);
  /* An APP1 segment holding a little JPEG of its own, as an EXIF thumbnail does. */
  static const guint8 thumbnail[] = { 0xff, 0xe1, 0, 14, 'E', 'x', 'i', 'f', 0, 0,
                                      0xff, 0xd8, 0xff, 0xda, 0xff, 0xd9 };
  g_autoptr(GByteArray) edited = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize sos = 0;

  g_assert_true (af_image_check_complete (jpeg, length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (check_code (jpeg, length), ==, -1);
  g_assert_cmpint (check_code (second, other_length), ==, -1);

  /* Cut in half, and cut just before its EOI. */
  g_assert_false (af_image_check_limits (jpeg, length / 2, AF_IMAGE_MAX_PIXELS, NULL, &error));
  g_assert_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "JPEG"));
  g_clear_error (&error);
  g_assert_cmpint (check_code (jpeg, length - 2), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
  g_assert_cmpint (check_code (jpeg, length - 1), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
  assert_every_cut_refused (jpeg, length);

  /* After EOI anything goes, as cameras write it: a second image (MPF), zero padding,
   * a few stray bytes. The decoder stops at EOI, so none of it is shown. */
  g_byte_array_append (edited, jpeg, length);
  g_byte_array_append (edited, second, other_length);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, -1);
  g_byte_array_set_size (edited, length + 4096);
  memset (edited->data + length, 0, 4096);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, -1);
  g_byte_array_set_size (edited, length);
  g_byte_array_append (edited, (const guint8 *) "\r\nxyz", 5);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, -1);
  /* But a whole second image does not make up for a first one cut in half. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, jpeg, length / 2);
  g_byte_array_append (edited, second, other_length);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_TRUNCATED);

  /* The thumbnail's EOI is inside a segment: it does not pass a main image cut short. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, jpeg, 2);
  g_byte_array_append (edited, thumbnail, sizeof thumbnail);
  g_byte_array_append (edited, jpeg + 2, length - 2);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, -1);
  g_assert_cmpint (check_code (edited->data, edited->len / 2), ==, AF_FILE_CHECK_ERROR_TRUNCATED);

  /* Every header up to the scan, then EOI: no image data at all. */
  for (gsize i = 2; i + 1 < length && sos == 0; i++)
    if (jpeg[i] == 0xff && jpeg[i + 1] == 0xda)
      sos = i;
  g_assert_cmpuint (sos, >, 0);
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, jpeg, sos);
  g_byte_array_append (edited, (const guint8 *) "\xff\xd9", 2);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_MALFORMED);
  /* And a segment whose length runs past the end of the file. */
  g_byte_array_set_size (edited, 0);
  g_byte_array_append (edited, jpeg, sos + 2);
  g_byte_array_append (edited, (const guint8 *) "\xff\xff", 2);
  g_assert_cmpint (check_code (edited->data, edited->len), ==, AF_FILE_CHECK_ERROR_TRUNCATED);
}

/* Every PNG and JPEG of the demo workspace, artworks included, is whole. */
static void
collect_images (const char *dir,
                GPtrArray  *paths)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *lower = g_ascii_strdown (name, -1);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_images (path, paths);
      else if (g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".jpg") ||
               g_str_has_suffix (lower, ".jpeg"))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static void
test_demo_images_complete (void)
{
  g_autofree char *root = g_build_filename (fixtures_dir (), "s3", NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  collect_images (root, paths);
  g_assert_cmpuint (paths->len, >=, 10);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *bytes = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      g_file_get_contents (path, &bytes, &length, &error);
      g_assert_no_error (error);
      if (!af_image_check_limits ((guint8 *) bytes, length, AF_IMAGE_MAX_PIXELS, NULL, &error))
        g_test_message ("%s: %s", path, error->message);
      g_assert_no_error (error);
    }
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
  g_test_add_func ("/file-check/tiff-duplicate-tags", test_tiff_duplicate_tags);
  g_test_add_func ("/file-check/png-complete", test_png_complete);
  g_test_add_func ("/file-check/jpeg-complete", test_jpeg_complete);
  g_test_add_func ("/file-check/demo-images-complete", test_demo_images_complete);
  g_test_add_func ("/file-check/sniff", test_sniff);
  g_test_add_func ("/file-check/checksum", test_checksum);

  return g_test_run ();
}
