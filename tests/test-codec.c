/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DynamoDB JSON codec: every fixture item round-trips byte for byte (after
 * canonical ordering), numbers keep every digit, and bad input is a GError that
 * names the problem.
 */
#include <json-glib/json-glib.h>

#include "af-codec.h"

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", name, NULL);
}

/* The reference canonical form, made by json-glib independently of our writer:
 * members sorted by name at every level, compact. */
static JsonNode *
sorted_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) names = g_list_sort (json_object_get_members (object), (GCompareFunc) g_strcmp0);
      JsonObject *sorted = json_object_new ();
      JsonNode *result = json_node_new (JSON_NODE_OBJECT);

      for (GList *l = names; l != NULL; l = l->next)
        json_object_set_member (sorted, l->data, sorted_node (json_object_get_member (object, l->data)));
      json_node_take_object (result, sorted);
      return result;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *copy = json_array_new ();
      JsonNode *result = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (copy, sorted_node (json_array_get_element (array, i)));
      json_node_take_array (result, copy);
      return result;
    }
  return json_node_copy (node);
}

static char *
reference_canonical (JsonNode *item_node)
{
  g_autoptr(JsonNode) sorted = sorted_node (item_node);

  return json_to_string (sorted, FALSE);
}

static void
test_fixture_round_trip (gconstpointer data)
{
  const char *file = data;
  g_autofree char *path = fixture_path (file);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *reference;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  items = af_codec_parse_items_page (contents, length, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (json_parser_load_from_data (parser, contents, length, &error));
  reference = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "Items");
  g_assert_cmpuint (items->len, ==, json_array_get_length (reference));
  g_assert_cmpuint (items->len, >, 0);

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *ours = af_codec_item_to_string (g_ptr_array_index (items, i));
      g_autofree char *theirs = reference_canonical (json_array_get_element (reference, i));
      g_autoptr(AfValue) again = af_codec_parse_item (ours, -1, &error);
      g_autofree char *twice = NULL;
      g_autoptr(AfValue) from_node = af_codec_item_from_node (json_array_get_element (reference, i), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (ours, ==, theirs);
      twice = af_codec_item_to_string (again);
      g_assert_cmpstr (ours, ==, twice);
      g_assert_true (af_value_equal (again, g_ptr_array_index (items, i)));
      g_assert_true (af_value_equal (from_node, again));
    }
}

static void
test_every_type (void)
{
  const char *doc =
    "{\"s\":{\"S\":\"caf\\u00e9 \\\"q\\\"\\n\"},\"n\":{\"N\":\"1234567.89\"},"
    "\"big\":{\"N\":\"12345678901234567890123456789012345678\"},"
    "\"b\":{\"B\":\"AAEC/w==\"},\"t\":{\"BOOL\":true},\"f\":{\"BOOL\":false},"
    "\"z\":{\"NULL\":true},\"m\":{\"M\":{\"y\":{\"N\":\"-0.5\"},\"x\":{\"S\":\"\"}}},"
    "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"L\":[]}]},\"ss\":{\"SS\":[\"b\",\"a\"]},"
    "\"ns\":{\"NS\":[\"1\",\"2.50\"]},\"bs\":{\"BS\":[\"AA==\"]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_codec_parse_item (doc, -1, &error);
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *canonical = NULL;
  g_autoptr(AfValue) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_n (item, "n"), ==, "1234567.89");
  g_assert_cmpstr (af_item_get_n (item, "big"), ==, "12345678901234567890123456789012345678");
  g_assert_cmpstr (af_item_get_s (item, "s"), ==, "café \"q\"\n");
  g_assert_cmpint (af_value_get_kind (af_value_map_get (item, "z")), ==, AF_TYPE_NULL);
  g_assert_cmpint (af_value_get_kind (af_value_map_get (item, "bs")), ==, AF_TYPE_BS);

  canonical = af_codec_item_to_string (item);
  again = af_codec_parse_item (canonical, -1, &error);
  g_assert_no_error (error);
  g_assert_true (af_value_equal (item, again));

  af_codec_write_plain (plain, item);
  g_assert_nonnull (strstr (plain->str, "\"n\":1234567.89"));
  g_assert_nonnull (strstr (plain->str, "\"big\":12345678901234567890123456789012345678"));
  g_assert_nonnull (strstr (plain->str, "\"ns\":[1,2.50]"));
  g_assert_nonnull (strstr (plain->str, "\"z\":null"));
  g_assert_nonnull (strstr (plain->str, "\"m\":{\"x\":\"\",\"y\":-0.5}"));
  /* The plain form is valid JSON. */
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_data (parser, plain->str, -1, &error));
    g_assert_no_error (error);
  }
}

static void
test_plain_numbers (void)
{
  const char *cases[][2] = {
    { "+5", "5" }, { ".5", "0.5" }, { "5.", "5" }, { "007", "7" }, { "-0.25", "-0.25" },
    { "1E+5", "1e5" }, { "0", "0" }, { "100", "100" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AfValue) value = af_value_new_n (cases[i][0]);
      g_autoptr(GString) out = g_string_new (NULL);

      af_codec_write_plain (out, value);
      g_assert_cmpstr (out->str, ==, cases[i][1]);
    }
}

static void
test_numbers_validated (void)
{
  g_assert_true (af_number_is_valid ("0"));
  g_assert_true (af_number_is_valid ("-12.5e-3"));
  g_assert_true (af_number_is_valid ("99999999999999999999999999999999999999"));
  g_assert_true (af_number_is_valid ("1000000000000000000000000000000000000000000"));
  g_assert_false (af_number_is_valid ("999999999999999999999999999999999999999"));
  g_assert_false (af_number_is_valid (""));
  g_assert_false (af_number_is_valid ("1.2.3"));
  g_assert_false (af_number_is_valid ("abc"));
  g_assert_false (af_number_is_valid ("1e"));
  g_assert_false (af_number_is_valid ("NaN"));
}

static void
assert_item_error (const char  *doc,
                   int          code,
                   const char  *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_codec_parse_item (doc, -1, &error);

  g_assert_null (item);
  g_assert_error (error, AF_CODEC_ERROR, code);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message '%s' does not mention '%s'", error->message, fragment);
}

/* The writer copies runs between escapes; every byte must still come out as JSON
 * wants it: the two-letter escapes, \u00XX for the other control characters, and
 * everything else (UTF-8 included) as it is. */
static void
test_string_escapes (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new ("\"");
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint c = 1; c < 0x80; c++)
    {
      g_string_append_c (text, c);
      if (c == '"' || c == '\\')
        g_string_append_printf (expected, "\\%c", c);
      else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
        g_string_append_printf (expected, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r'
                                                   : c == '\t' ? 't' : c == '\b' ? 'b' : 'f');
      else if (c < 0x20)
        g_string_append_printf (expected, "\\u%04x", c);
      else
        g_string_append_c (expected, c);
    }
  g_string_append (text, "caf\xc3\xa9 \xe2\x82\xac");
  g_string_append (expected, "caf\xc3\xa9 \xe2\x82\xac\"");

  af_codec_write_json_string (out, text->str);
  g_assert_cmpstr (out->str, ==, expected->str);
  g_assert_cmpuint (out->len, ==, strlen (out->str));
}

/* The writer scans sixteen aligned bytes at a time: an escape and the end of the text
 * are found wherever the text starts in its block and wherever they stand. */
static void
test_string_escape_positions (void)
{
  char buffer[96];

  for (guint start = 0; start < 16; start++)
    for (guint at = 0; at < 40; at++)
      {
        g_autoptr(GString) out = g_string_new (NULL);
        g_autofree char *before = g_strnfill (at, 'a');
        g_autofree char *expected = g_strdup_printf ("\"%s\\n%sb\"", before, before);
        char *text = buffer + start;

        memset (buffer, '"', sizeof buffer);
        memset (text, 'a', at);
        text[at] = '\n';
        memset (text + at + 1, 'a', at);
        text[2 * at + 1] = 'b';
        text[2 * at + 2] = '\0';
        af_codec_write_json_string (out, text);
        g_assert_cmpstr (out->str, ==, expected);
      }
}

/* Strings are validated as UTF-8 only when a byte has its high bit; that must not let
 * a broken sequence after plain ASCII through. */
static void
test_utf8_after_ascii (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_codec_parse_item ("{\"caf\xc3\xa9\":{\"S\":\"d\xc3\xa9j\xc3\xa0\"}}", -1,
                                                 &error);

  g_assert_no_error (error);
  g_assert_cmpstr (af_item_get_s (item, "caf\xc3\xa9"), ==, "d\xc3\xa9j\xc3\xa0");
  assert_item_error ("{\"a\":{\"S\":\"plain ascii then \xc3\"}}", AF_CODEC_ERROR_MALFORMED, "UTF-8");
  assert_item_error ("{\"ascii \xe2\x82\":{\"S\":\"x\"}}", AF_CODEC_ERROR_MALFORMED, "UTF-8");
}

/* The reader skips plain string content sixteen or eight bytes at a time: whatever ends
 * a run (a quote, an escape, a control character) or needs UTF-8 validation must be
 * seen at every position, in the first, middle or last bytes of a block and in the
 * tail. */
static void
test_string_scan_positions (void)
{
  static const struct { const char *json; const char *decoded; } accepted[] = {
    { "\\\"", "\"" }, { "\\\\", "\\" }, { "\\n", "\n" }, { "\\u00e9", "\xc3\xa9" },
    { "\xc3\xa9", "\xc3\xa9" }, { "\x7f", "\x7f" }, { " ", " " },
  };
  static const char * const refused[] = { "\x01", "\x1f", "\n", "\xc3", "\xff", "\xe2\x82" };

  for (guint offset = 0; offset < 40; offset++)
    {
      g_autofree char *pad = g_strnfill (offset, 'x');

      for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
        {
          g_autofree char *json = g_strdup_printf ("{\"k\":{\"S\":\"%s%s%s\"}}", pad,
                                                   accepted[i].json, pad);
          g_autofree char *expected = g_strconcat (pad, accepted[i].decoded, pad, NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(AfValue) item = af_codec_parse_item (json, -1, &error);

          g_assert_no_error (error);
          g_assert_cmpstr (af_item_get_s (item, "k"), ==, expected);
        }
      for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
        {
          g_autofree char *json = g_strdup_printf ("{\"k\":{\"S\":\"%s%s%s\"}}", pad, refused[i],
                                                   pad);

          assert_item_error (json, AF_CODEC_ERROR_MALFORMED, "");
        }
    }
  /* A string cut short inside a word is unterminated, not read past its end. */
  assert_item_error ("{\"k\":{\"S\":\"0123456789abcdef", AF_CODEC_ERROR_MALFORMED, "unterminated");
}

/* The reader keeps the members of the maps being read on a stack of its own, which
 * grows past its first 64 and takes members out of order at their sorted place: an
 * item of 150 attributes written in reverse order, each an M of two, reads back sorted. */
static void
test_many_members_out_of_order (void)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(GString) expected = g_string_new ("{");
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autofree char *written = NULL;

  for (int i = 149; i >= 0; i--)
    g_string_append_printf (json, "%s\"a%03d\":{\"M\":{\"z\":{\"N\":\"%d\"},\"y\":{\"S\":\"v%d\"}}}",
                            i == 149 ? "" : ",", i, i, i);
  g_string_append (json, "}");
  for (int i = 0; i < 150; i++)
    g_string_append_printf (expected, "%s\"a%03d\":{\"M\":{\"y\":{\"S\":\"v%d\"},\"z\":{\"N\":\"%d\"}}}",
                            i == 0 ? "" : ",", i, i, i);
  g_string_append (expected, "}");

  item = af_codec_parse_item (json->str, json->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (af_value_map_size (item), ==, 150);
  written = af_codec_item_to_string (item);
  g_assert_cmpstr (written, ==, expected->str);
  assert_item_error ("{\"b\":{\"S\":\"1\"},\"a\":{\"S\":\"2\"},\"b\":{\"S\":\"3\"}}",
                     AF_CODEC_ERROR_MALFORMED, "appears twice");
}

/* The items of a page share their attribute names; changing, copying or freeing one
 * item must leave the others as they were. */
static void
test_page_shares_names (void)
{
  const char *page = "{\"Items\":[{\"id\":{\"S\":\"1\"},\"m\":{\"M\":{\"id\":{\"N\":\"2\"}}}},"
                     "{\"m\":{\"M\":{\"id\":{\"N\":\"4\"}}},\"id\":{\"S\":\"3\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_codec_parse_items_page (page, -1, NULL, &error);
  g_autoptr(AfValue) copy = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  copy = af_value_copy (g_ptr_array_index (items, 0));
  af_value_map_remove (g_ptr_array_index (items, 0), "id");
  af_value_map_set (g_ptr_array_index (items, 0), "id", af_value_new_s ("5"));
  g_ptr_array_remove_index (items, 0);

  first = af_codec_item_to_string (copy);
  second = af_codec_item_to_string (g_ptr_array_index (items, 0));
  g_assert_cmpstr (first, ==, "{\"id\":{\"S\":\"1\"},\"m\":{\"M\":{\"id\":{\"N\":\"2\"}}}}");
  g_assert_cmpstr (second, ==, "{\"id\":{\"S\":\"3\"},\"m\":{\"M\":{\"id\":{\"N\":\"4\"}}}}");
}

static void
test_malformed (void)
{
  assert_item_error ("{\"a\":{\"X\":\"1\"}}", AF_CODEC_ERROR_TYPE, "unknown type tag 'X'");
  assert_item_error ("{\"risk\":{\"N\":\"12abc\"}}", AF_CODEC_ERROR_NUMBER, "attribute 'risk'");
  assert_item_error ("{\"risk\":{\"N\":12}}", AF_CODEC_ERROR_TYPE, "N needs a JSON string");
  assert_item_error ("{\"b\":{\"B\":\"***\"}}", AF_CODEC_ERROR_BASE64, "base64");
  assert_item_error ("{\"a\":{\"S\":\"x\",\"N\":\"1\"}}", AF_CODEC_ERROR_MALFORMED, "exactly one");
  assert_item_error ("{\"a\":{\"S\":\"x\"}", AF_CODEC_ERROR_MALFORMED, "expected '}'");
  assert_item_error ("{\"a\":{\"S\":\"unterminated}}", AF_CODEC_ERROR_MALFORMED, "unterminated");
  assert_item_error ("{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}", AF_CODEC_ERROR_MALFORMED, "twice");
  assert_item_error ("{\"a\":{\"L\":[{\"S\":\"ok\"},{\"BOOL\":\"yes\"}]}}", AF_CODEC_ERROR_TYPE, "[1]");
  assert_item_error ("{\"a\":{\"NULL\":false}}", AF_CODEC_ERROR_TYPE, "NULL needs true");
  assert_item_error ("{\"a\":{\"S\":\"\\ud800\"}}", AF_CODEC_ERROR_MALFORMED, "surrogate");
  assert_item_error ("{\"a\":{\"S\":\"\xff\"}}", AF_CODEC_ERROR_MALFORMED, "UTF-8");
  assert_item_error ("{\"a\":{\"S\":\"x\"}} trailing", AF_CODEC_ERROR_MALFORMED, "trailing");
  assert_item_error ("[]", AF_CODEC_ERROR_MALFORMED, "object");
  assert_item_error ("", AF_CODEC_ERROR_MALFORMED, "object");
}

static char *
nested_document (guint levels)
{
  GString *doc = g_string_new ("{\"deep\":");

  for (guint i = 0; i < levels; i++)
    g_string_append (doc, "{\"M\":{\"x\":");
  g_string_append (doc, "{\"S\":\"leaf\"}");
  for (guint i = 0; i < levels; i++)
    g_string_append (doc, "}}");
  g_string_append_c (doc, '}');
  return g_string_free (doc, FALSE);
}

static void
test_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ok = nested_document (31);
  g_autofree char *too_deep = nested_document (32);
  g_autofree char *hostile = nested_document (200000);
  g_autoptr(AfValue) item = af_codec_parse_item (ok, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (item);
  assert_item_error (too_deep, AF_CODEC_ERROR_DEPTH, "32 levels");
  /* Far deeper than any stack would survive if the reader recursed blindly. */
  assert_item_error (hostile, AF_CODEC_ERROR_DEPTH, "32 levels");
}

static void
test_page_errors_name_the_item (void)
{
  const char *doc = "{\"Count\":2,\"Items\":[{\"a\":{\"S\":\"ok\"}},{\"a\":{\"Q\":\"bad\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = af_codec_parse_items_page (doc, -1, NULL, &error);

  g_assert_null (items);
  g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_TYPE);
  g_assert_nonnull (strstr (error->message, "item 1: attribute 'a'"));
}

static void
test_page_last_key (void)
{
  const char *doc = "{\"Items\":[],\"Count\":0,\"ScannedCount\":7,\"ConsumedCapacity\":{\"x\":[1,2.5,null]},"
                    "\"LastEvaluatedKey\":{\"id\":{\"S\":\"k\"},\"n\":{\"N\":\"3\"}}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) last_key = NULL;
  g_autoptr(GPtrArray) items = af_codec_parse_items_page (doc, -1, &last_key, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 0);
  g_assert_cmpstr (af_item_get_s (last_key, "id"), ==, "k");

  g_clear_pointer (&items, g_ptr_array_unref);
  items = af_codec_parse_items_page ("{\"Count\":0}", -1, NULL, &error);
  g_assert_null (items);
  g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED);
}

static void
test_node_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"a\":{\"N\":\"x1\"}}", &error);
  g_autoptr(AfValue) item = NULL;

  g_assert_no_error (error);
  item = af_codec_item_from_node (node, &error);
  g_assert_null (item);
  g_assert_error (error, AF_CODEC_ERROR, AF_CODEC_ERROR_NUMBER);
  g_assert_nonnull (strstr (error->message, "attribute 'a'"));
}

/* The member of a response that holds an item (UpdateItem's Attributes, GetItem's Item),
 * read without a JSON tree: the others skipped, absent is no error, bad text is. */
static void
test_member_item (void)
{
  static const char *bad[] = {
    "", "[]", "{\"Attributes\": [1]}", "{\"Attributes\": {\"a\": {\"S\": 1}}}",
    "{\"Attributes\": {}} trailing", "{\"ConsumedCapacity\": {\"x\": }", "{\"Item\" {}}",
  };
  const char *answer = "{\"ConsumedCapacity\": {\"TableName\": \"t\", \"Units\": [1.5, true,"
                       " null]}, \"Attributes\": {\"version\": {\"N\": \"7\"}, \"corrections\":"
                       " {\"L\": [{\"M\": {\"field\": {\"S\": \"amount\"}}}]}}, \"x\": \"}\"}";
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;
  AfValue *none = NULL;

  g_assert_true (af_codec_parse_member_item (answer, strlen (answer), "Attributes", &item,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (af_value_map_size (item), ==, 2);
  g_assert_cmpstr (af_item_get_n (item, "version"), ==, "7");
  g_assert_cmpuint (af_value_list_length (af_value_map_get (item, "corrections")), ==, 1);
  g_assert_true (af_codec_parse_member_item (answer, strlen (answer), "Item", &none, &error));
  g_assert_null (none);
  g_assert_true (af_codec_parse_member_item ("{}", 2, "Item", &none, &error));
  g_assert_null (none);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;

      g_assert_false (af_codec_parse_member_item (bad[i], strlen (bad[i]), "Attributes", &none,
                                                  &bad_error));
      g_assert_nonnull (bad_error);
      g_assert_null (none);
    }
}

int
main (int argc, char *argv[])
{
  static const char *files[] = {
    "AuditFlow-Documents.json", "AuditFlow-AuditRecords.json",
    "artguard-image-analysis-dev.json", "artguard-users-dev.json",
  };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name = g_strdup_printf ("/codec/round-trip/%s", files[i]);
      g_test_add_data_func (name, files[i], test_fixture_round_trip);
    }
  g_test_add_func ("/codec/every-type", test_every_type);
  g_test_add_func ("/codec/plain-numbers", test_plain_numbers);
  g_test_add_func ("/codec/numbers-validated", test_numbers_validated);
  g_test_add_func ("/codec/string-escapes", test_string_escapes);
  g_test_add_func ("/codec/string-escape-positions", test_string_escape_positions);
  g_test_add_func ("/codec/utf8-after-ascii", test_utf8_after_ascii);
  g_test_add_func ("/codec/string-scan-positions", test_string_scan_positions);
  g_test_add_func ("/codec/many-members-out-of-order", test_many_members_out_of_order);
  g_test_add_func ("/codec/page-shares-names", test_page_shares_names);
  g_test_add_func ("/codec/malformed", test_malformed);
  g_test_add_func ("/codec/depth", test_depth);
  g_test_add_func ("/codec/page-errors-name-the-item", test_page_errors_name_the_item);
  g_test_add_func ("/codec/page-last-key", test_page_last_key);
  g_test_add_func ("/codec/node-errors", test_node_errors);
  g_test_add_func ("/codec/member-item", test_member_item);

  return g_test_run ();
}
