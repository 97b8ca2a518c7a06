/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-output"

#include "afc-output.h"

#include "af-codec.h"
#include "afc-context.h"

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

void
afc_output_append_counts (GString     *out,
                          const guint  counts[AF_N_TABLES])
{
  gboolean any = FALSE;

  for (guint t = 0; t < AF_N_TABLES; t++)
    {
      if (counts[t] == 0)
        continue;
      g_string_append_printf (out, "%s%u %s", any ? ", " : "", counts[t],
                              afc_output_table_noun (t, counts[t]));
      any = TRUE;
    }
  if (!any)
    g_string_append (out, "nothing");
}

char *
afc_output_expired_notice (const guint removed[AF_N_TABLES])
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint total = 0;

  for (guint t = 0; t < AF_N_TABLES; t++)
    total += removed[t];
  if (total == 0)
    return NULL;
  g_string_append_printf (out, "removed %u expired %s (", total, total == 1 ? "item" : "items");
  afc_output_append_counts (out, removed);
  g_string_append_printf (out, " past %s retention date: ttl or auto_delete_date)",
                          total == 1 ? "its" : "their");
  return g_string_free (g_steal_pointer (&out), FALSE);
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
afc_output_json (GString     *out,
                 JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
  g_string_append_c (out, '\n');
}

void
afc_output_json_add_counts (JsonBuilder *builder,
                            const char  *name,
                            const guint *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      json_builder_set_member_name (builder, af_table_nick (t));
      json_builder_add_int_value (builder, counts != NULL ? counts[t] : 0);
    }
  json_builder_end_object (builder);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* Per table: how it was read (stream, refresh or full) and what that cost. */
static void
add_pull_tables (JsonBuilder        *builder,
                 const AfPullResult *pull)
{
  json_builder_set_member_name (builder, "tables");
  json_builder_begin_object (builder);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      json_builder_set_member_name (builder, af_table_nick (t));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder,
                                     af_pull_path_to_string (pull ? pull->path[t]
                                                                  : AF_PULL_PATH_NONE));
      add_int_member (builder, "requests", pull ? pull->requests[t] : 0);
      add_int_member (builder, "bytes", pull ? (gint64) pull->bytes[t] : 0);
      json_builder_set_member_name (builder, "reset");
      json_builder_add_boolean_value (builder, pull ? pull->reset[t] : FALSE);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

void
afc_output_json_add_pull (JsonBuilder        *builder,
                          const AfPullResult *pull)
{
  afc_output_json_add_counts (builder, "pulled", pull ? pull->pulled : NULL);
  afc_output_json_add_counts (builder, "read", pull ? pull->read : NULL);
  afc_output_json_add_counts (builder, "refreshed", pull ? pull->refreshed : NULL);
  afc_output_json_add_counts (builder, "deleted", pull ? pull->deleted : NULL);
  json_builder_set_member_name (builder, "objects");
  json_builder_begin_object (builder);
  add_int_member (builder, "fetched", pull ? pull->objects_fetched : 0);
  add_int_member (builder, "cached", pull ? pull->objects_cached : 0);
  /* A cache's bytes stay far below 2^63: the int64 node holds them exactly. */
  add_int_member (builder, "bytes", pull ? (gint64) pull->object_bytes : 0);
  json_builder_end_object (builder);
  add_int_member (builder, "integrity_failures", pull ? pull->integrity_failures : 0);
  add_pull_tables (builder, pull);
  json_builder_set_member_name (builder, "notices");
  json_builder_begin_array (builder);
  afc_output_json_add_strings (builder, pull ? pull->notices : NULL);
  json_builder_end_array (builder);
}

void
afc_output_text_add_pull_cost (GString            *out,
                               const AfPullResult *pull)
{
  g_string_append (out, "read:");
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autofree char *bytes = g_format_size (pull->bytes[t]);

      g_string_append_printf (out, "%s %s %s (%u requests, %s)", t > 0 ? "," : "",
                              af_table_nick (t), af_pull_path_to_string (pull->path[t]),
                              pull->requests[t], bytes);
    }
  g_string_append_c (out, '\n');
  for (guint i = 0; i < pull->notices->len; i++)
    g_string_append_printf (out, "note: %s\n", (const char *) g_ptr_array_index (pull->notices, i));
}

void
afc_output_json_add_strings (JsonBuilder *builder,
                             GPtrArray   *strings)
{
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (strings, i));
}

void
afc_output_json_value (GString       *out,
                       const AfValue *value)
{
  af_codec_write_plain (out, value);
  g_string_append_c (out, '\n');
}

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

/* ---- Conflicts ------------------------------------------------------------------ */

AfValue *
afc_output_conflict_side (const AfConflict *conflict,
                          const AfValue    *side)
{
  AfValue *values = af_value_new_map ();

  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (side, conflict->attributes[i]);

      af_value_map_set (values, conflict->attributes[i],
                        value != NULL ? af_value_copy (value) : af_value_new_null ());
    }
  return values;
}

static AfValue *
attribute_list (const AfConflict *conflict)
{
  AfValue *attributes = af_value_new_list (AF_TYPE_L);

  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    af_value_list_append (attributes, af_value_new_s (conflict->attributes[i]));
  return attributes;
}

AfValue *
afc_output_conflict_value (const AfConflict *conflict)
{
  AfValue *value = af_value_new_map ();

  af_value_map_set (value, "id", af_value_new_s (conflict->item_id));
  af_value_map_set (value, "table", af_value_new_s (af_table_nick (conflict->table)));
  af_value_map_set (value, "kind", af_value_new_s (af_op_kind_to_string (conflict->kind)));
  af_value_map_set (value, "attributes", attribute_list (conflict));
  af_value_map_set (value, "mine", afc_output_conflict_side (conflict, conflict->mine));
  af_value_map_set (value, "theirs", afc_output_conflict_side (conflict, conflict->theirs));
  af_value_map_set (value, "detected_at", af_value_new_s (conflict->created_at));
  return value;
}

void
afc_output_conflict_text (GString          *out,
                          const AfConflict *conflict)
{
  g_string_append_printf (out, "%s  %s  %s\n", conflict->item_id, af_table_nick (conflict->table),
                          af_op_kind_to_string (conflict->kind));
  for (guint i = 0; conflict->attributes[i] != NULL; i++)
    {
      const char *name = conflict->attributes[i];
      g_autofree char *mine = afc_output_value_text (af_value_map_get (conflict->mine, name));
      g_autofree char *theirs = afc_output_value_text (af_value_map_get (conflict->theirs, name));

      g_string_append_printf (out, "  %s\n    mine:   %s\n    theirs: %s\n", name, mine, theirs);
    }
}

void
afc_output_conflict_line (GString          *out,
                          const AfConflict *conflict)
{
  g_autofree char *names = g_strjoinv (", ", conflict->attributes);

  g_string_append_printf (out, "conflict: %s changed on both sides (see '"
                          AFC_PROGRAM_NAME " conflicts')\n", names);
}

void
afc_output_conflict_facts (AfValue          *facts,
                           const AfConflict *conflict)
{
  af_value_map_set (facts, "_conflict_attributes", attribute_list (conflict));
  af_value_map_set (facts, "_conflict_theirs",
                    afc_output_conflict_side (conflict, conflict->theirs));
}
