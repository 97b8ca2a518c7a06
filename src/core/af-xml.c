/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-xml"

#include <string.h>

#include "af-xml.h"

#define MAX_LENGTH   (64 * 1024 * 1024)
#define MAX_ELEMENTS 1000000
#define MAX_DEPTH    64

G_DEFINE_QUARK (af-xml-error-quark, af_xml_error)

typedef struct
{
  char *path;   /* (owned) */
  char *text;   /* (owned) */
} Leaf;

struct _AfXml
{
  GArray *leaves;   /* Leaf, in document order */
};

/* The parse's state: the open elements' path, and the text of the innermost one. */
typedef struct
{
  AfXml   *xml;
  GString *path;
  GArray  *path_lengths;   /* gsize: the path's length before each open element */
  GString *text;
  gboolean has_children;   /* the innermost open element holds elements */
  guint    elements;
} Reader;

static void
leaf_clear (Leaf *leaf)
{
  g_free (leaf->path);
  g_free (leaf->text);
}

void
af_xml_free (AfXml *xml)
{
  if (xml == NULL)
    return;
  g_array_unref (xml->leaves);
  g_free (xml);
}

static gboolean
refuse (GError    **error,
        const char *what)
{
  g_set_error_literal (error, AF_XML_ERROR, AF_XML_ERROR_MALFORMED, what);
  return FALSE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *name,
               const char          **attribute_names,
               const char          **attribute_values,
               gpointer              user_data,
               GError              **error)
{
  Reader *reader = user_data;
  gsize before = reader->path->len;

  if (++reader->elements > MAX_ELEMENTS)
    {
      refuse (error, "the XML document has too many elements");
      return;
    }
  if (reader->path_lengths->len >= MAX_DEPTH)
    {
      refuse (error, "the XML document is nested too deeply");
      return;
    }
  g_array_append_val (reader->path_lengths, before);
  if (before > 0)
    g_string_append_c (reader->path, '/');
  g_string_append (reader->path, name);
  g_string_truncate (reader->text, 0);
  reader->has_children = FALSE;
}

static void
end_element (GMarkupParseContext  *context,
             const char           *name,
             gpointer              user_data,
             GError              **error)
{
  Reader *reader = user_data;
  gsize before = g_array_index (reader->path_lengths, gsize, reader->path_lengths->len - 1);

  if (!reader->has_children)
    {
      Leaf leaf;

      /* GMarkup refuses &#0;; a NUL must never cut a key short (forget-user deletes
       * by key), whatever else lets one through. */
      if (memchr (reader->text->str, '\0', reader->text->len) != NULL)
        {
          refuse (error, "an XML text holds a NUL character");
          return;
        }
      leaf.path = g_strndup (reader->path->str, reader->path->len);
      leaf.text = g_strndup (reader->text->str, reader->text->len);
      g_array_append_val (reader->xml->leaves, leaf);
    }
  g_string_truncate (reader->path, before);
  g_array_set_size (reader->path_lengths, reader->path_lengths->len - 1);
  g_string_truncate (reader->text, 0);
  /* The parent now holds an element. */
  reader->has_children = TRUE;
}

static void
text (GMarkupParseContext  *context,
      const char           *data,
      gsize                 length,
      gpointer              user_data,
      GError              **error)
{
  Reader *reader = user_data;

  g_string_append_len (reader->text, data, length);
}

/* GMarkup hands over CDATA sections (and comments, processing instructions) unparsed. */
static void
passthrough (GMarkupParseContext  *context,
             const char           *data,
             gsize                 length,
             gpointer              user_data,
             GError              **error)
{
  Reader *reader = user_data;
  static const char open[] = "<![CDATA[", close[] = "]]>";

  if (length >= strlen (open) + strlen (close) && strncmp (data, open, strlen (open)) == 0)
    g_string_append_len (reader->text, data + strlen (open),
                         length - strlen (open) - strlen (close));
}

static const GMarkupParser parser = { start_element, end_element, text, passthrough, NULL };

AfXml *
af_xml_parse (const char  *data,
              gsize        length,
              GError     **error)
{
  g_autoptr(AfXml) xml = g_new0 (AfXml, 1);
  g_autoptr(GMarkupParseContext) context = NULL;
  Reader reader = { 0 };
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  xml->leaves = g_array_new (FALSE, FALSE, sizeof (Leaf));
  g_array_set_clear_func (xml->leaves, (GDestroyNotify) leaf_clear);
  if (length > MAX_LENGTH)
    {
      refuse (error, "the XML document is too large");
      return NULL;
    }
  /* GMarkup stops reading at a NUL byte and calls the rest of the document fine. */
  if (length > 0 && memchr (data, '\0', length) != NULL)
    {
      refuse (error, "the XML document holds a NUL byte");
      return NULL;
    }
  reader.xml = xml;
  reader.path = g_string_new (NULL);
  reader.path_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  reader.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &reader, NULL);
  ok = length > 0 && g_markup_parse_context_parse (context, data, length, error) &&
       g_markup_parse_context_end_parse (context, error);
  if (length == 0)
    refuse (error, "the XML document is empty");
  g_string_free (reader.path, TRUE);
  g_array_unref (reader.path_lengths);
  g_string_free (reader.text, TRUE);
  if (!ok)
    {
      if (error != NULL && *error != NULL && (*error)->domain != AF_XML_ERROR)
        {
          GError *markup = *error;

          *error = g_error_new (AF_XML_ERROR, AF_XML_ERROR_MALFORMED,
                                "the XML document is not well-formed: %s", markup->message);
          g_error_free (markup);
        }
      return NULL;
    }
  return g_steal_pointer (&xml);
}

const char *
af_xml_first (const AfXml *xml,
              const char  *path)
{
  g_return_val_if_fail (xml != NULL && path != NULL, NULL);

  for (guint i = 0; i < xml->leaves->len; i++)
    {
      const Leaf *leaf = &g_array_index (xml->leaves, Leaf, i);

      if (strcmp (leaf->path, path) == 0)
        return leaf->text;
    }
  return NULL;
}

GPtrArray *
af_xml_all (const AfXml *xml,
            const char  *path)
{
  GPtrArray *found = g_ptr_array_new ();

  g_return_val_if_fail (xml != NULL && path != NULL, found);

  for (guint i = 0; i < xml->leaves->len; i++)
    {
      const Leaf *leaf = &g_array_index (xml->leaves, Leaf, i);

      if (strcmp (leaf->path, path) == 0)
        g_ptr_array_add (found, leaf->text);
    }
  return found;
}
