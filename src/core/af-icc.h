/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-icc.h — the name of an ICC colour profile ("sRGB IEC61966-2.1", "Adobe RGB (1998)"),
 * read from its 'desc' tag (ICC v2 textDescriptionType or v4 multiLocalizedUnicodeType).
 * The profile comes from an untrusted file: every offset is checked against its length.
 * exiv2 (gexiv2 0.14) does not give the profile of a JPEG; libjpeg does (af-jpeg.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The description as valid UTF-8, or NULL when @profile has none that can be read. */
char *af_icc_describe (const guint8 *profile,
                       gsize         length);

G_END_DECLS
