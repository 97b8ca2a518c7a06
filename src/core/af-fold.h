/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-fold.h — text folded for search: accents and case ignored.
 *
 * SQLite 3.40's trigram tokenizer folds ASCII case only (remove_diacritics came in
 * 3.45), so the search index holds, and each query is matched as, a text folded here:
 * casefolded, decomposed (NFD) and stripped of its combining marks, so that "José",
 * "JOSE" and "jose" are one word. The same function folds both sides, which is what
 * makes a match exact.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @text folded (transfer full); NULL when @text is NULL or not UTF-8. */
char *af_fold_text  (const char          *text);

/* The non-NULL, non-empty ones of @parts (@n_parts of them) folded and joined by one
 * space, or NULL when there is none. */
char *af_fold_join  (const char * const  *parts,
                     guint                n_parts);

G_END_DECLS
