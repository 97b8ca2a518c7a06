/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-metadata-values.h — how af-image-metadata turns exiv2's values into what exiftool
 * prints for the same tags, parses their dates, and recognises editors by name.
 * Internal to the forensics module.
 */
#pragma once

#include <gexiv2/gexiv2.h>
#include <glib.h>

G_BEGIN_DECLS

/* The value of @key as exiftool prints it, or NULL when exiv2 has none. */
char      *af_metadata_value_for     (GExiv2Metadata *exiv2,
                                      const char     *key);
/* A GPS tag (@name, the key's last part) from exiv2's @raw value as exiftool prints it:
 * 45 deg 45' 0.00", 170 m, North, 08:59:58, 2.3.0.0; NULL when it has no such print
 * or @raw does not parse (af-metadata-gps.c). */
char      *af_metadata_gps_print     (const char     *name,
                                      const char     *raw);
/* "2024:03:01 10:00:00", "2024:03:01 10:00:00+02:00", XMP's "2024-03-01T10:00:00Z"… */
GDateTime *af_metadata_parse_date    (const char     *text);
/* Appends to @found (g_free'd strings) each known editor that @text names, once. */
void       af_metadata_find_editors  (const char     *text,
                                      GPtrArray      *found);

G_END_DECLS
