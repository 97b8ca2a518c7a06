/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-search"

#include <string.h>

#include "af-search-rank.h"

/* Letters and digits make words; any byte of a multi-byte character is a letter (the
 * folded text keeps the letters it could not reduce to ASCII). Punctuation and spaces
 * part words: "w2_2023_carter.pdf" holds the words w2, 2023, carter and pdf. */
gboolean
af_search_is_word_byte (char c)
{
  return g_ascii_isalnum (c) || (guchar) c >= 0x80;
}

static AfSearchClass
class_at (const char *text,
          const char *at,
          gsize       length)
{
  gboolean starts = at == text || !af_search_is_word_byte (at[-1]) || !af_search_is_word_byte (at[0]);
  gboolean ends = at[length] == '\0' || !af_search_is_word_byte (at[length])
                  || !af_search_is_word_byte (at[length - 1]);

  if (!starts)
    return AF_SEARCH_IN_WORD;
  return ends ? AF_SEARCH_WHOLE_WORD : AF_SEARCH_WORD_START;
}

AfSearchClass
af_search_rank_word (const char *text,
                     const char *word,
                     gsize      *out_offset)
{
  gsize length = strlen (word);
  AfSearchClass best = AF_SEARCH_ABSENT;

  g_return_val_if_fail (length > 0, AF_SEARCH_ABSENT);

  for (const char *at = strstr (text, word); at != NULL && best > AF_SEARCH_WHOLE_WORD;
       at = strstr (at + 1, word))
    {
      AfSearchClass class = class_at (text, at, length);

      if (class >= best)
        continue;
      best = class;
      if (out_offset != NULL)
        *out_offset = at - text;
    }
  return best;
}

guint
af_search_rank_text (const char         *text,
                     const char * const *words,
                     guint               n_words)
{
  guint rank = 0;

  if (text == NULL)
    return G_MAXUINT;
  for (guint i = 0; i < n_words; i++)
    {
      gsize offset = 0;
      AfSearchClass class = af_search_rank_word (text, words[i], &offset);

      rank += 2 * class;
      if (i == 0 && (class == AF_SEARCH_ABSENT || offset > 0))
        rank += 1;
    }
  return rank;
}
