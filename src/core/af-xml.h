/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-xml.h — the small XML documents S3 answers with (ListObjectsV2, the multipart
 * calls, errors), read with GMarkup.
 *
 * One reader for all of them, so that entities, character references, UTF-8 and NUL are
 * handled once: GMarkup decodes the predefined entities and character references and
 * refuses what XML does not allow (&#0;, invalid UTF-8), and a text that would still
 * hold a NUL is refused here. Each element that holds text (no child elements) is kept
 * under its path from the root: "ListBucketResult/Contents/Key".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AF_XML_ERROR (af_xml_error_quark ())
GQuark af_xml_error_quark (void);

typedef enum
{
  AF_XML_ERROR_MALFORMED,   /* not well-formed XML, or too large or deep */
} AfXmlError;

typedef struct _AfXml AfXml;

/* Refuses documents over 64 MiB, with more than 1,000,000 elements, or nested deeper
 * than 64 levels: S3's answers are small and flat. */
AfXml      *af_xml_parse (const char  *data,
                          gsize        length,
                          GError     **error);
void        af_xml_free  (AfXml       *xml);

/* The text of the first element at @path, or NULL. */
const char *af_xml_first (const AfXml *xml,
                          const char  *path);
/* Every text at @path, in document order (element-type utf8, transfer container). */
GPtrArray  *af_xml_all   (const AfXml *xml,
                          const char  *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfXml, af_xml_free)

G_END_DECLS
