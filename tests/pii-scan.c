/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pii-scan.c — see pii-scan.h. */
#define _GNU_SOURCE  /* memmem */
#include <json-glib/json-glib.h>
#include <string.h>

#include "pii-scan.h"

static char *
fixture_path (const char *name)
{
  return g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", name, NULL);
}

/* ---- The fixtures' personal values, read independently of the code under test ---- */

static void
add_s_member (GPtrArray  *values,
              JsonObject *typed,
              const char *name)
{
  JsonObject *member = json_object_has_member (typed, name)
                       ? json_object_get_object_member (typed, name) : NULL;

  if (member != NULL && json_object_has_member (member, "S"))
    g_ptr_array_add (values, g_strdup (json_object_get_string_member (member, "S")));
}

static void
collect_documents (GPtrArray *values)
{
  g_autofree char *path = fixture_path ("AuditFlow-Documents.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *items;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "Items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *data, *fields;
      GList *names;

      if (!json_object_has_member (item, "extracted_data"))
        continue;
      data = json_object_get_object_member (item, "extracted_data");
      fields = json_object_get_object_member (data, "M");
      names = json_object_get_members (fields);

      for (GList *m = names; m != NULL; m = m->next)
        {
          JsonObject *field = json_object_get_object_member (
            json_object_get_object_member (fields, m->data), "M");

          if (json_object_has_member (field, "pii"))
            add_s_member (values, field, "value");
        }
      g_list_free (names);
    }
}

static void
collect_audits (GPtrArray *values)
{
  static const char * const personal[] = { "ssn", "date_of_birth", "bank_account_number", NULL };
  g_autofree char *path = fixture_path ("AuditFlow-AuditRecords.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *items;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "Items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonObject *golden = json_object_get_object_member (
        json_object_get_object_member (item, "golden_record"), "M");
      JsonArray *list = json_object_has_member (item, "inconsistencies")
        ? json_object_get_array_member (json_object_get_object_member (item, "inconsistencies"), "L")
        : NULL;

      for (guint p = 0; personal[p] != NULL; p++)
        if (json_object_has_member (golden, personal[p]))
          add_s_member (values, json_object_get_object_member (
                                  json_object_get_object_member (golden, personal[p]), "M"), "value");
      for (guint j = 0; list != NULL && j < json_array_get_length (list); j++)
        {
          JsonObject *inc = json_object_get_object_member (json_array_get_object_element (list, j), "M");
          const char *field = json_object_get_string_member (json_object_get_object_member (inc, "field"), "S");
          JsonObject *vals = json_object_get_object_member (json_object_get_object_member (inc, "values"), "M");
          GList *names;

          if (!g_strv_contains ((const char * const *) personal, field))
            continue;
          names = json_object_get_members (vals);

          for (GList *m = names; m != NULL; m = m->next)
            add_s_member (values, vals, m->data);
          g_list_free (names);
        }
    }
}

GPtrArray *
pii_scan_fixture_values (void)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  collect_documents (values);
  collect_audits (values);
  /* The correction the tests make. */
  g_ptr_array_add (values, g_strdup ("980-21-9158"));
  g_assert_cmpuint (values->len, >=, 20);
  return values;
}

/* ---- Scanning bytes -------------------------------------------------------------------- */

/* @value as its bytes would appear in UTF-8, UTF-16LE, base64 (at each of the three
 * alignments, the part that does not depend on the neighbours) and hex (both cases). */
GPtrArray *
pii_scan_encodings (const char *value)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize length = strlen (value);
  GString *utf16 = g_string_new (NULL);
  GString *hex = g_string_new (NULL);
  g_autofree char *upper = NULL;

  g_ptr_array_add (forms, g_bytes_new (value, length));
  for (gsize i = 0; i < length; i++)
    {
      g_string_append_c (utf16, value[i]);
      g_string_append_c (utf16, '\0');
      g_string_append_printf (hex, "%02x", (guchar) value[i]);
    }
  g_ptr_array_add (forms, g_bytes_new (utf16->str, utf16->len));
  g_ptr_array_add (forms, g_bytes_new (hex->str, hex->len));
  upper = g_ascii_strup (hex->str, -1);
  g_ptr_array_add (forms, g_bytes_new (upper, strlen (upper)));
  for (guint pad = 0; pad < 3; pad++)
    {
      g_autofree char *padded = g_strnfill (pad, 'x');
      g_autofree char *joined = g_strconcat (padded, value, NULL);
      g_autofree char *b64 = g_base64_encode ((const guchar *) joined, strlen (joined));
      /* Characters 0..4*ceil(pad/3) hold the padding, the last 4 may mix in '='. */
      gsize skip = pad == 0 ? 0 : 4;
      gsize stable = (strlen (joined) / 3) * 4;

      if (stable > skip + 4)
        g_ptr_array_add (forms, g_bytes_new (b64 + skip, stable - skip));
    }
  g_string_free (utf16, TRUE);
  g_string_free (hex, TRUE);
  return forms;
}

guint
pii_scan_file (const char *path,
              GPtrArray  *values)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint hits = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return 0;
  for (guint v = 0; v < values->len; v++)
    {
      g_autoptr(GPtrArray) forms = pii_scan_encodings (g_ptr_array_index (values, v));

      for (guint f = 0; f < forms->len; f++)
        {
          gsize n;
          const void *needle = g_bytes_get_data (g_ptr_array_index (forms, f), &n);

          if (memmem (contents, length, needle, n) != NULL)
            {
              g_test_message ("%s holds a fixture PII value (form %u)", path, f);
              hits++;
            }
        }
    }
  return hits;
}

