/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-search-rank.h — how well a folded search text matches a query's words.
 *
 * The search ranks its matches itself rather than by FTS5's bm25: bm25 reads, for
 * each phrase of the query, every row of the index that holds it (the documents'
 * frequency), which cost 40–90 ms a query at a million rows, where the match alone
 * costs under one. What a reviewer expects first is simpler anyway: the name typed
 * as a whole word, then a word that starts with it, then one that holds it; a text
 * that starts with the first word before one that has it further on. The newest row
 * breaks a tie (the caller's part: it knows the rowids).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a word was found in a text: a rank class, lower is better. */
typedef enum
{
  AF_SEARCH_WHOLE_WORD = 0,   /* bounded on both sides by the text's ends or punctuation */
  AF_SEARCH_WORD_START = 1,   /* a word of the text starts with it */
  AF_SEARCH_IN_WORD = 2,      /* inside a word */
  AF_SEARCH_ABSENT = 3,
} AfSearchClass;

/* TRUE for a byte of a word: an ASCII letter or digit, or any byte of a multi-byte
 * character. Any other byte (space, punctuation) parts words. */
gboolean      af_search_is_word_byte (char                c);

/* The best place @word (folded, non-empty) has in @text (folded): its class, and in
 * *@out_offset (nullable) the byte offset of that place (the first one of that class). */
AfSearchClass af_search_rank_word   (const char         *text,
                                     const char         *word,
                                     gsize              *out_offset);

/* The rank of @text for @words (@n_words folded, non-empty words), lower is better:
 * the sum of the words' classes, times two, plus one when the first word is not at the
 * start of @text. G_MAXUINT when @text is NULL. */
guint         af_search_rank_text   (const char         *text,
                                     const char * const *words,
                                     guint               n_words);

G_END_DECLS
