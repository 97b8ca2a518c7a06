/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one XML reader (af-xml.h) the S3 client uses for its lists, multipart answers and
 * errors: paths, entities and character references decoded once, and what must be
 * refused — &#0; (a NUL that cut a key short, issue 11 finding 10), invalid UTF-8,
 * documents that are not well-formed, too deep or empty.
 */
#include <string.h>

#include "af-aws-error.h"
#include "af-xml.h"

static AfXml *
parse (const char  *text,
       GError     **error)
{
  return af_xml_parse (text, strlen (text), error);
}

static void
test_list (void)
{
  const char *text =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>b</Name><IsTruncated>true</IsTruncated>"
    "<Contents><Key>a &amp; b/&lt;c&gt;&quot;&apos;</Key><Size>3</Size></Contents>"
    "<Contents><Key>tab&#x9;and &#233;</Key></Contents>"
    "<Contents><Key><![CDATA[x<y]]></Key></Contents>"
    "<NextContinuationToken>t0k</NextContinuationToken></ListBucketResult>";
  g_autoptr(GError) error = NULL;
  g_autoptr(AfXml) xml = parse (text, &error);
  g_autoptr(GPtrArray) keys = NULL;

  g_assert_no_error (error);
  keys = af_xml_all (xml, "ListBucketResult/Contents/Key");
  g_assert_cmpuint (keys->len, ==, 3);
  g_assert_cmpstr (keys->pdata[0], ==, "a & b/<c>\"'");
  g_assert_cmpstr (keys->pdata[1], ==, "tab\tand \xc3\xa9");
  g_assert_cmpstr (keys->pdata[2], ==, "x<y");
  g_assert_cmpstr (af_xml_first (xml, "ListBucketResult/IsTruncated"), ==, "true");
  g_assert_cmpstr (af_xml_first (xml, "ListBucketResult/NextContinuationToken"), ==, "t0k");
  /* Only the element at that path: Key elsewhere is not a listed key. */
  g_assert_null (af_xml_first (xml, "Key"));
  g_assert_null (af_xml_first (xml, "ListBucketResult/Contents"));
}

static void
test_refused (void)
{
  const char *refused[] = {
    "<L><Contents><Key>users/u1/a&#0;../../x</Key></Contents></L>",
    "<L><Contents><Key>a&#x0;b</Key></Contents></L>",
    "<L><Key>\xff\xfe</Key></L>",
    "<L><Key>a</L>",
    "<L><Key>&bogus;</Key></L>",
    "",
    "   ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfXml) xml = parse (refused[i], &error);

      g_assert_null (xml);
      g_assert_error (error, AF_XML_ERROR, AF_XML_ERROR_MALFORMED);
    }
}

/* A NUL byte in the text itself (not a reference) is refused as well. */
static void
test_raw_nul (void)
{
  static const char text[] = "<L><Key>a\0b</Key></L>";
  g_autoptr(GError) error = NULL;
  g_autoptr(AfXml) xml = af_xml_parse (text, sizeof text - 1, &error);

  g_assert_null (xml);
  g_assert_error (error, AF_XML_ERROR, AF_XML_ERROR_MALFORMED);
}

static void
test_deep (void)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AfXml) xml = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "<a>");
  xml = af_xml_parse (text->str, text->len, &error);
  g_assert_null (xml);
  g_assert_error (error, AF_XML_ERROR, AF_XML_ERROR_MALFORMED);
  g_string_free (text, TRUE);
}

/* The S3 error parser is the same reader: its entities decode, a NUL does not cut. */
static void
test_s3_error (void)
{
  const char *text = "<Error><Code>NoSuchKey</Code><Message>no &quot;key&quot;</Message></Error>";
  const char *nul = "<Error><Code>NoSuch&#0;Key</Code></Error>";
  g_autoptr(GError) a = af_aws_error_new_from_s3 (404, text, strlen (text));
  g_autoptr(GError) b = af_aws_error_new_from_s3 (400, nul, strlen (nul));

  g_assert_error (a, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (a->message, "no \"key\""));
  g_assert_error (b, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION);
  g_assert_null (strstr (b->message, "NoSuch"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/list", test_list);
  g_test_add_func ("/xml/refused", test_refused);
  g_test_add_func ("/xml/raw-nul", test_raw_nul);
  g_test_add_func ("/xml/deep", test_deep);
  g_test_add_func ("/xml/s3-error", test_s3_error);
  return g_test_run ();
}
