/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-output"

#include "afc-output.h"

#include "af-codec.h"

#define ABSENT "-"
#define COLUMN_GAP "  "

/* Appends @text with every control character (C0, DEL, C1) shown as '?', and
 * invalid UTF-8 repaired: an escape sequence in a file name must not reach the
 * terminal. */
static void
append_safe (GString    *out,
             const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
}

static gboolean
is_scalar (const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S:
    case AF_TYPE_N:
    case AF_TYPE_B:
    case AF_TYPE_BOOL:
    case AF_TYPE_NULL:
      return TRUE;
    case AF_TYPE_M:
    case AF_TYPE_L:
    case AF_TYPE_SS:
    case AF_TYPE_NS:
    case AF_TYPE_BS:
    default:
      return FALSE;
    }
}

/* The raw text of a value, before any filtering. */
static char *
raw_text (const AfValue *value)
{
  g_autoptr(GString) json = NULL;

  if (value == NULL)
    return g_strdup (ABSENT);
  if (af_value_get_string (value) != NULL)
    return g_strdup (af_value_get_string (value));
  if (af_value_get_kind (value) == AF_TYPE_BOOL)
    return g_strdup (af_value_get_bool (value) ? "true" : "false");
  if (af_value_get_kind (value) == AF_TYPE_NULL)
    return g_strdup ("null");

  json = g_string_new (NULL);
  af_codec_write_plain (json, value);
  return g_string_free (g_steal_pointer (&json), FALSE);
}

char *
afc_output_value_text (const AfValue *value)
{
  g_autofree char *raw = raw_text (value);
  GString *out = g_string_new (NULL);

  append_safe (out, raw);
  return g_string_free (out, FALSE);
}

/* ---- Tables ------------------------------------------------------------------- */

const char *
afc_output_table_noun (AfTable table,
                       guint   count)
{
  static const char * const singular[AF_N_TABLES] = {
    [AF_TABLE_DOCUMENTS] = "document",
    [AF_TABLE_AUDITS] = "audit",
    [AF_TABLE_ANALYSES] = "analysis",
    [AF_TABLE_USERS] = "user",
  };

  g_return_val_if_fail (table < AF_N_TABLES, NULL);
  return count == 1 ? singular[table] : af_table_nick (table);
}

static void
append_cell (GString    *out,
             const char *text,
             guint       width,
             gboolean    last)
{
  g_string_append (out, text);
  if (last)
    return;
  for (glong pad = width - g_utf8_strlen (text, -1); pad > 0; pad--)
    g_string_append_c (out, ' ');
  g_string_append (out, COLUMN_GAP);
}

/* The cells, row-major, header first; @widths receives each column's width. */
static GPtrArray *
collect_cells (const char * const *columns,
               guint               n_columns,
               GPtrArray          *items,
               guint              *widths)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

  for (guint c = 0; c < n_columns; c++)
    g_ptr_array_add (cells, g_strdup (columns[c]));

  for (guint i = 0; i < items->len; i++)
    for (guint c = 0; c < n_columns; c++)
      g_ptr_array_add (cells, afc_output_value_text (af_value_map_get (items->pdata[i],
                                                                        columns[c])));

  for (guint k = 0; k < cells->len; k++)
    widths[k % n_columns] = MAX (widths[k % n_columns],
                                 (guint) g_utf8_strlen (cells->pdata[k], -1));
  return cells;
}

void
afc_output_table (GString            *out,
                  const char * const *columns,
                  GPtrArray          *items)
{
  guint n_columns = g_strv_length ((char **) columns);
  g_autofree guint *widths = g_new0 (guint, n_columns);
  g_autoptr(GPtrArray) cells = collect_cells (columns, n_columns, items, widths);

  for (guint k = 0; k < cells->len; k++)
    {
      guint c = k % n_columns;

      append_cell (out, cells->pdata[k], widths[c], c + 1 == n_columns);
      if (c + 1 == n_columns)
        g_string_append_c (out, '\n');
    }
}

/* ---- Dump ----------------------------------------------------------------------- */

static void
append_indent (GString *out,
               guint    indent)
{
  for (guint i = 0; i < indent; i++)
    g_string_append_c (out, ' ');
}

/* A scalar after "name: "; the lines of a multi-line text (review notes) continue
 * under the first one rather than at the left margin. */
static void
append_scalar (GString       *out,
               const AfValue *value,
               guint          indent)
{
  g_autofree char *raw = raw_text (value);
  g_auto(GStrv) lines = g_strsplit (raw, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (i > 0)
        append_indent (out, indent + 2);
      append_safe (out, lines[i]);
      g_string_append_c (out, '\n');
    }
}

static void dump_children (GString       *out,
                           const AfValue *value,
                           guint          indent);

static void
dump_member (GString       *out,
             const char    *name,
             const AfValue *value,
             guint          indent)
{
  gboolean is_map = af_value_get_kind (value) == AF_TYPE_M;

  append_indent (out, indent);
  append_safe (out, name);
  g_string_append_c (out, ':');
  if (is_scalar (value))
    {
      g_string_append_c (out, ' ');
      append_scalar (out, value, indent);
    }
  else if ((is_map ? af_value_map_size (value) : af_value_list_length (value)) == 0)
    g_string_append (out, is_map ? " {}\n" : " []\n");
  else
    {
      g_string_append_c (out, '\n');
      dump_children (out, value, indent + 2);
    }
}

/* A container element of a list starts on the dash line: its children are dumped
 * two columns further in, and the dash overwrites the blanks of their first line. */
static void
dump_element (GString       *out,
              const AfValue *element,
              guint          indent)
{
  gsize start = out->len;

  if (is_scalar (element))
    {
      append_indent (out, indent);
      g_string_append (out, "- ");
      append_scalar (out, element, indent);
      return;
    }
  dump_children (out, element, indent + 2);
  if (out->len > start + indent + 1)
    out->str[start + indent] = '-';
  else
    g_string_append_printf (out, "%*s%s\n", (int) indent, "",
                            af_value_get_kind (element) == AF_TYPE_M ? "- {}" : "- []");
}

static void
dump_children (GString       *out,
               const AfValue *value,
               guint          indent)
{
  if (af_value_get_kind (value) == AF_TYPE_M)
    {
      for (guint i = 0; i < af_value_map_size (value); i++)
        dump_member (out, af_value_map_name_at (value, i),
                     af_value_map_value_at (value, i), indent);
      return;
    }
  for (guint i = 0; i < af_value_list_length (value); i++)
    dump_element (out, af_value_list_nth (value, i), indent);
}

void
afc_output_dump (GString       *out,
                 const AfValue *map,
                 guint          indent)
{
  g_return_if_fail (af_value_get_kind (map) == AF_TYPE_M);

  dump_children (out, map, indent);
}

/* ---- JSON --------------------------------------------------------------------- */

void
afc_output_json_items (GString   *out,
                       GPtrArray *items)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (out, i == 0 ? "\n  " : ",\n  ");
      af_codec_write_plain (out, items->pdata[i]);
    }
  g_string_append (out, items->len > 0 ? "\n]\n" : "]\n");
}

static void
append_json_members (GString       *out,
                     const AfValue *map,
                     gboolean      *first)
{
  for (guint i = 0; i < af_value_map_size (map); i++)
    {
      if (!*first)
        g_string_append_c (out, ',');
      *first = FALSE;
      af_codec_write_json_string (out, af_value_map_name_at (map, i));
      g_string_append_c (out, ':');
      af_codec_write_plain (out, af_value_map_value_at (map, i));
    }
}

/* The item's members are written one by one rather than merged into a copy: a
 * remote attribute is never shadowed or reordered by an app-local fact. */
void
afc_output_json_item (GString       *out,
                      const AfValue *item,
                      const AfValue *facts)
{
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  append_json_members (out, item, &first);
  if (facts != NULL)
    append_json_members (out, facts, &first);
  g_string_append (out, "}\n");
}
