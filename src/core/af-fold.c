/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-fold"

#include <string.h>

#include "af-fold.h"

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* Latin letters that Unicode does not decompose into a base and a mark, but that a
 * reader types as their base letter all the same ("Søren" is found as "soren"). The
 * text is casefolded already: lower case only. */
static const char *
base_letters (gunichar c)
{
  switch (c)
    {
    case 0x00F8: return "o";   /* ø */
    case 0x0142: return "l";   /* ł */
    case 0x0111: return "d";   /* đ */
    case 0x00F0: return "d";   /* ð */
    case 0x0127: return "h";   /* ħ */
    case 0x0131: return "i";   /* ı */
    case 0x00E6: return "ae";  /* æ */
    case 0x0153: return "oe";  /* œ */
    case 0x00FE: return "th";  /* þ */
    default: return NULL;
    }
}

/* Marks are dropped after the decomposition, so "é" (e + U+0301) leaves "e". */
static void
append_without_marks (GString    *out,
                      const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *base = base_letters (c);

      if (base != NULL)
        g_string_append (out, base);
      else if (!g_unichar_ismark (c))
        g_string_append_unichar (out, c);
    }
}

static void
append_folded (GString    *out,
               const char *text)
{
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;

  /* Most names, ids and file names are ASCII: a pull indexes a million of them. */
  if (is_ascii (text))
    {
      for (const char *p = text; *p != '\0'; p++)
        g_string_append_c (out, g_ascii_tolower (*p));
      return;
    }
  /* Casefold first: a folded letter may decompose into a base and a mark ("ǅ"). */
  folded = g_utf8_casefold (text, -1);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  if (decomposed != NULL)
    append_without_marks (out, decomposed);
}

char *
af_fold_text (const char *text)
{
  GString *out;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  out = g_string_sized_new (strlen (text));
  append_folded (out, text);
  return g_string_free (out, FALSE);
}

char *
af_fold_join (const char * const *parts,
              guint               n_parts)
{
  GString *out = NULL;

  for (guint i = 0; i < n_parts; i++)
    {
      const char *part = parts[i];

      if (part == NULL || *part == '\0' || !g_utf8_validate (part, -1, NULL))
        continue;
      if (out == NULL)
        out = g_string_sized_new (64);
      else
        g_string_append_c (out, ' ');
      append_folded (out, part);
    }
  return out != NULL ? g_string_free (out, FALSE) : NULL;
}
