/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-key-error.h — what the window says when the cache's encryption key is not to be
 * had (no keyring and no key file, a key file others can read, a missing or wrong key):
 * a translated title and what to do, in place of the core's English message (which
 * the log and the CLI keep).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE, with a title and a description (Pango markup, escaped) for the user, when
 * @error is one of AF_CACHE_KEY_ERROR's; FALSE for any other error. */
gboolean afd_key_error_describe (const GError  *error,
                                 char         **out_title,
                                 char         **out_description);

G_END_DECLS
