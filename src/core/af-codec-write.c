/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The writing half of the codec: canonical DynamoDB JSON and plain JSON.
 */
#define G_LOG_DOMAIN "af-codec"

#include "af-codec.h"

#include <string.h>

#include "af-codec-scan.h"
#include "af-value-private.h"

typedef void (*WriteFunc) (GString *out, const AfValue *value);

/* GLib 2.74's g_string_append_len() is a full g_string_insert_len() call, and an item
 * is written as hundreds of short pieces: growing the buffer here and copying with
 * memcpy() is a good part of what makes the writer fast. */
static void
grow (GString *out,
      gsize    length)
{
  gsize len = out->len;

  g_string_set_size (out, len + length);
  out->len = len;
}

static inline void
append (GString    *out,
        const char *data,
        gsize       length)
{
  if (G_UNLIKELY (out->len + length >= out->allocated_len))
    grow (out, length);
  memcpy (out->str + out->len, data, length);
  out->len += length;
  out->str[out->len] = '\0';
}

#define APPEND_LITERAL(out, literal) append ((out), (literal), sizeof (literal) - 1)

static void
write_escape (GString *out,
              guchar   c)
{
  switch (c)
    {
    case '"': APPEND_LITERAL (out, "\\\""); break;
    case '\\': APPEND_LITERAL (out, "\\\\"); break;
    case '\n': APPEND_LITERAL (out, "\\n"); break;
    case '\r': APPEND_LITERAL (out, "\\r"); break;
    case '\t': APPEND_LITERAL (out, "\\t"); break;
    case '\b': APPEND_LITERAL (out, "\\b"); break;
    case '\f': APPEND_LITERAL (out, "\\f"); break;
    default: g_string_append_printf (out, "\\u%04x", c); break;
    }
}

/* The first byte from @p on that needs an escape (or the NUL that ends the text).
 * Sixteen bytes at a time where SSE2 is (af-codec-scan.h): the loads are aligned, so
 * that none crosses into a page past the text's end; the bytes before @p in the first
 * block are masked off. Callgrind, the CLI importing 2,500 audits + 7,500 documents
 * (compact: most values are copied whole, see copy_span ()): af_codec_write_json_string ()
 * went from 43.6 M instructions to 31.8 M; from 157.7 M to 126.9 M on the same items
 * written with spaces after the colons and commas, where every value is written again.
 * Not under AddressSanitizer, which would see the aligned loads read outside the
 * text's block. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#endif

#if defined(AF_CODEC_SCAN_SSE2) && !defined(UNDER_ASAN)
static inline const guchar *
skip_unescaped (const guchar *p)
{
  guint offset = (guintptr) p & 15;
  const guchar *block = p - offset;
  int found = af_codec_scan_ends (_mm_load_si128 ((const __m128i *) block)) & (0xffff << offset);

  while (found == 0)
    {
      block += 16;
      found = af_codec_scan_ends (_mm_load_si128 ((const __m128i *) block));
    }
  return block + __builtin_ctz (found);
}
#else
/* The bytes a JSON string cannot hold as they are (the NUL ends the text): one table
 * lookup per byte rather than three comparisons. */
static const guint8 needs_escape[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static inline const guchar *
skip_unescaped (const guchar *p)
{
  while (!needs_escape[*p])
    p++;
  return p;
}
#endif

/* Copies the runs between escapes whole, so a text without any (nearly all of them)
 * costs one scan and one copy. */
void
af_codec_write_json_string (GString    *out,
                            const char *text)
{
  const guchar *p = (const guchar *) text;

  g_string_append_c (out, '"');
  for (;;)
    {
      const guchar *run = p;

      p = skip_unescaped (p);
      append (out, (const char *) run, p - run);
      if (*p == '\0')
        break;
      write_escape (out, *p++);
    }
  g_string_append_c (out, '"');
}

static void
write_members (GString       *out,
               const AfValue *map,
               WriteFunc      write_member)
{
  guint n;
  const AfMember *members = af_value_map_members (map, &n);

  g_string_append_c (out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      af_codec_write_json_string (out, members[i].name);
      g_string_append_c (out, ':');
      write_member (out, members[i].value);
    }
  g_string_append_c (out, '}');
}

static void
write_elements (GString       *out,
                const AfValue *list,
                WriteFunc      write_element)
{
  guint n;
  AfValue * const *elements = af_value_list_elements (list, &n);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_element (out, elements[i]);
    }
  g_string_append_c (out, ']');
}

/* Set members are bare strings inside the tagged array: {"SS": ["a", "b"]}. */
static void
write_set_element (GString       *out,
                   const AfValue *element)
{
  af_codec_write_json_string (out, af_value_get_string (element));
}

static void
write_payload (GString       *out,
               const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S: case AF_TYPE_N: case AF_TYPE_B:
      af_codec_write_json_string (out, af_value_get_string (value));
      break;
    case AF_TYPE_BOOL:
      if (af_value_get_bool (value))
        APPEND_LITERAL (out, "true");
      else
        APPEND_LITERAL (out, "false");
      break;
    case AF_TYPE_NULL:
      APPEND_LITERAL (out, "true");
      break;
    case AF_TYPE_M:
      write_members (out, value, af_codec_write_value);
      break;
    case AF_TYPE_L:
      write_elements (out, value, af_codec_write_value);
      break;
    case AF_TYPE_SS: case AF_TYPE_NS: case AF_TYPE_BS:
      write_elements (out, value, write_set_element);
      break;
    }
}

#define OPENER(tag) { "{\"" tag "\":", sizeof ("{\"" tag "\":") - 1 }

/* '{"S":' and the like, with their lengths, so the tag costs one copy. */
static const struct
{
  const char *text;
  gsize       length;
} openers[] = {
  [AF_TYPE_S] = OPENER ("S"), [AF_TYPE_N] = OPENER ("N"), [AF_TYPE_B] = OPENER ("B"),
  [AF_TYPE_BOOL] = OPENER ("BOOL"), [AF_TYPE_NULL] = OPENER ("NULL"), [AF_TYPE_M] = OPENER ("M"),
  [AF_TYPE_L] = OPENER ("L"), [AF_TYPE_SS] = OPENER ("SS"), [AF_TYPE_NS] = OPENER ("NS"),
  [AF_TYPE_BS] = OPENER ("BS"),
};

void
af_codec_write_value (GString       *out,
                      const AfValue *value)
{
  AfType type = af_value_get_kind (value);

  append (out, openers[type].text, openers[type].length);
  write_payload (out, value);
  g_string_append_c (out, '}');
}

void
af_codec_write_item (GString       *out,
                     const AfValue *item)
{
  g_return_if_fail (af_value_get_kind (item) == AF_TYPE_M);
  write_members (out, item, af_codec_write_value);
}

char *
af_codec_item_to_string (const AfValue *item)
{
  GString *out = g_string_sized_new (1024);

  af_codec_write_item (out, item);
  return g_string_free (out, FALSE);
}

typedef struct
{
  GString                  *out;
  const AfCodecReplacement *replacements;
  guint                     n;
  guint                     found;   /* once all are, the rest is written as it is */
} Replacing;

static void write_replacing (Replacing *w, const AfValue *value);

static gboolean
write_replacement (Replacing     *w,
                   const AfValue *value)
{
  for (guint i = 0; i < w->n; i++)
    if (w->replacements[i].leaf == value)
      {
        af_codec_write_value (w->out, w->replacements[i].replacement);
        w->found++;
        return TRUE;
      }
  return FALSE;
}

static void
write_members_replacing (Replacing     *w,
                         const AfValue *map)
{
  guint n;
  const AfMember *members = af_value_map_members (map, &n);

  g_string_append_c (w->out, '{');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (w->out, ',');
      af_codec_write_json_string (w->out, members[i].name);
      g_string_append_c (w->out, ':');
      write_replacing (w, members[i].value);
    }
  g_string_append_c (w->out, '}');
}

/* Whether a leaf to replace lies within @span (or may: one that does not know where
 * it stands). */
static gboolean
holds_replacement (Replacing  *w,
                   const char *span,
                   gsize       length)
{
  for (guint i = 0; i < w->n; i++)
    {
      gsize leaf_length;
      const char *leaf = af_value_get_span (w->replacements[i].leaf, &leaf_length);

      if (leaf == NULL || (leaf >= span && leaf < span + length))
        return TRUE;
    }
  return FALSE;
}

/* Copies the text @value was read from when it is canonical and holds nothing to
 * replace: the import's items are mostly canonical already (what this program or the
 * AWS CLI wrote, compact), and a copy costs a fraction of writing them. */
static gboolean
copy_span (Replacing     *w,
           const AfValue *value)
{
  gsize length;
  const char *span = af_value_get_span (value, &length);

  if (span == NULL || (w->found < w->n && holds_replacement (w, span, length)))
    return FALSE;
  append (w->out, span, length);
  return TRUE;
}

static void
write_replacing (Replacing     *w,
                 const AfValue *value)
{
  AfType type = af_value_get_kind (value);

  if (copy_span (w, value))
    return;
  if (w->found == w->n || (type != AF_TYPE_M && type != AF_TYPE_L))
    {
      if (w->found == w->n || !write_replacement (w, value))
        af_codec_write_value (w->out, value);
      return;
    }
  if (write_replacement (w, value))
    return;
  append (w->out, openers[type].text, openers[type].length);
  if (type == AF_TYPE_M)
    write_members_replacing (w, value);
  else
    {
      guint n;
      AfValue * const *elements = af_value_list_elements (value, &n);

      g_string_append_c (w->out, '[');
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append_c (w->out, ',');
          write_replacing (w, elements[i]);
        }
      g_string_append_c (w->out, ']');
    }
  g_string_append_c (w->out, '}');
}

void
af_codec_write_item_replacing (GString                  *out,
                               const AfValue            *item,
                               const AfCodecReplacement *replacements,
                               guint                     n_replacements)
{
  Replacing w = { out, replacements, n_replacements, 0 };

  g_return_if_fail (af_value_get_kind (item) == AF_TYPE_M);
  if (!copy_span (&w, item))
    write_members_replacing (&w, item);
}

/* DynamoDB accepts numbers JSON does not ("+5", ".5", "5.", "007"); write the same
 * digits in JSON's grammar without ever converting to a double. */
static void
write_plain_number (GString    *out,
                    const char *text)
{
  const char *p = text;

  if (*p == '+')
    p++;
  else if (*p == '-')
    g_string_append_c (out, *p++);

  while (p[0] == '0' && g_ascii_isdigit (p[1]))
    p++;
  if (*p == '.')
    g_string_append_c (out, '0');

  for (; *p != '\0'; p++)
    {
      /* "5." and "5.e3": JSON needs a digit after the point. */
      if (*p == '.' && !g_ascii_isdigit (p[1]))
        continue;
      if ((*p == 'e' || *p == 'E') && p[1] == '+')
        {
          g_string_append_c (out, 'e');
          p++;
          continue;
        }
      g_string_append_c (out, *p);
    }
}

void
af_codec_write_plain (GString       *out,
                      const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S: case AF_TYPE_B:
      af_codec_write_json_string (out, af_value_get_string (value));
      break;
    case AF_TYPE_N:
      write_plain_number (out, af_value_get_string (value));
      break;
    case AF_TYPE_BOOL:
      g_string_append (out, af_value_get_bool (value) ? "true" : "false");
      break;
    case AF_TYPE_NULL:
      g_string_append (out, "null");
      break;
    case AF_TYPE_M:
      write_members (out, value, af_codec_write_plain);
      break;
    default:
      write_elements (out, value, af_codec_write_plain);
      break;
    }
}
