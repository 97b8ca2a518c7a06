/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-report.c — the loan review and appraisal reports, read back with poppler.
 *
 * Each test builds a demo workspace from the fixtures, makes its edits through the
 * store (a note, corrections, a review, an appraisal), writes the PDF and reads its
 * text, its images, its fonts and its page size back with poppler-glib.
 */
#include <glib/gstdio.h>
#include <poppler.h>
#include <string.h>

#include "af-demo.h"
#include "af-store-sync.h"
#include "afd-format.h"
#include "afr-appraisal-report-private.h"
#include "afr-export.h"
#include "afr-paper.h"
#include "afr-pdf.h"
#include "afr-picture.h"
#include "af-test-util.h"

/* poppler-glib 22.12 declares no autoptr cleanups. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerFontInfo, g_object_unref)

#define CRITICAL_AUDIT   "fe11c43f-ccc8-4dca-a010-e19e7a19a348"
#define CRITICAL_LOAN    "LOAN-2024-259508"
#define W2_DOCUMENT      "094b4686-f66b-4f95-94fb-d3836b75ea53"
#define LICENSE_DOCUMENT "d75b3a67-1fd3-40d8-b770-df99633123fb"
#define FORGED_ANALYSIS  "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd"
#define REVIEWER         "reviewer@example.com"
#define APPLICANT        "José Núñez-Ölander"

typedef struct
{
  char    *dir;     /* (owned) this test's scratch folder */
  AfStore *store;   /* (owned) the demo workspace, in @dir */
} Fixture;

/* The PDF's text, page by page, as a reader's search would see it. */
typedef struct
{
  GPtrArray *pages;   /* (owned) of char* */
  char      *all;     /* (owned) every page, one after the other */
  PopplerDocument *document;  /* (owned) */
} Pdf;

static void
pdf_clear (Pdf *pdf)
{
  g_clear_pointer (&pdf->pages, g_ptr_array_unref);
  g_clear_pointer (&pdf->all, g_free);
  g_clear_object (&pdf->document);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Pdf, pdf_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cache = NULL;

  fixture->dir = g_dir_make_tmp ("test-report-XXXXXX", &error);
  g_assert_no_error (error);
  cache = g_build_filename (fixture->dir, "demo.sqlite", NULL);
  fixture->store = af_demo_open (g_getenv ("AF_FIXTURES_DIR"), cache, &error);
  g_assert_no_error (error);
  af_store_set_identity (fixture->store, REVIEWER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->store);
  af_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
write_report (Fixture    *fixture,
              const char *id,
              AfrPaper    paper)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, "report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  afr_export_write (fixture->store, id, paper, file, NULL, &error);
  g_assert_no_error (error);
  return path;
}

static void
read_pdf (const char *path,
          Pdf        *pdf)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &error);
  GString *all = g_string_new (NULL);

  g_assert_no_error (error);
  pdf->document = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  pdf->pages = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < poppler_document_get_n_pages (pdf->document); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf->document, i);
      char *text = poppler_page_get_text (page);

      g_ptr_array_add (pdf->pages, text);
      g_string_append_printf (all, "%s\n", text);
    }
  pdf->all = g_string_free (all, FALSE);
}

static char *
without_blanks (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* Text that wraps in a cell comes back with a line break where it wrapped: between
 * words (a space), or inside a word too long for its column (an id, then nothing). */
static gboolean
contains (const char *text,
          const char *needle)
{
  g_autofree char *flat = g_strdup (text);
  g_autofree char *flat_needle = g_strdup (needle);
  g_autofree char *bare = NULL;
  g_autofree char *bare_needle = NULL;

  g_strdelimit (flat, "\n", ' ');
  g_strdelimit (flat_needle, "\n", ' ');
  if (strstr (flat, flat_needle) != NULL)
    return TRUE;
  bare = without_blanks (text);
  bare_needle = without_blanks (needle);
  return strchr (needle, ' ') == NULL && strstr (bare, bare_needle) != NULL;
}

#define assert_contains(text, needle) \
  G_STMT_START { \
    if (!contains ((text), (needle))) \
      g_error ("the report does not say “%s”:\n%s", (needle), (const char *) (text)); \
  } G_STMT_END

/* A reader of the cloud's data gives the fixture's applicant a name beyond Latin-1. */
static void
rename_applicant (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) audit = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS,
                                                       CRITICAL_AUDIT, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  g_assert_no_error (error);
  af_value_map_set (audit, "applicant_name", af_value_new_s (APPLICANT));
  g_ptr_array_add (items, af_value_ref (audit));
  af_store_put_remote_items (fixture->store, AF_TABLE_AUDITS, items, &error);
  g_assert_no_error (error);
}

/* The correction as the store recorded it (for its time, formatted as the report does). */
static AfValue *
last_correction (Fixture    *fixture,
                 const char *document_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) document = af_store_get_item (fixture->store, AF_TABLE_DOCUMENTS,
                                                   document_id, &error);
  AfValue *list;

  g_assert_no_error (error);
  list = af_value_map_get (document, "corrections");
  g_assert_nonnull (list);
  return af_value_ref (af_value_list_nth (list, af_value_list_length (list) - 1));
}

static void
assert_page_numbers (const Pdf *pdf)
{
  guint n = pdf->pages->len;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *number = g_strdup_printf ("Page %u of %u", i + 1, n);

      assert_contains (g_ptr_array_index (pdf->pages, i), number);
    }
}

static void
assert_fonts_embedded (const Pdf *pdf)
{
  g_autoptr(PopplerFontInfo) info = poppler_font_info_new (pdf->document);
  PopplerFontsIter *iter = NULL;
  guint fonts = 0;

  while (poppler_font_info_scan (info, 5, &iter))
    {
      do
        {
          g_assert_true (poppler_fonts_iter_is_embedded (iter));
          fonts++;
        }
      while (poppler_fonts_iter_next (iter));
      g_clear_pointer (&iter, poppler_fonts_iter_free);
    }
  g_assert_cmpuint (fonts, >, 0);
}

static guint
count_images (const Pdf *pdf,
              guint      page_index)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (pdf->document, (int) page_index);
  GList *mapping = poppler_page_get_image_mapping (page);
  guint n = g_list_length (mapping);

  poppler_page_free_image_mapping (mapping);
  return n;
}

/* ---- The loan review report -------------------------------------------------------- */

static void
test_audit_report (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) audit = NULL;
  g_autoptr(AfValue) correction = NULL;
  g_autofree char *path = NULL;
  g_autofree char *corrected_at = NULL;
  g_autofree char *reviewed_at = NULL;
  g_auto(Pdf) pdf = { NULL };
  AfValue *list;

  rename_applicant (fixture);
  af_store_set_review_notes (fixture->store, CRITICAL_AUDIT,
                             "Called the employer: the W-2 is genuine. Ölander's 1040 needs "
                             "a second look.", &error);
  g_assert_no_error (error);
  af_store_add_correction (fixture->store, W2_DOCUMENT, "employer_name",
                           "Cobalt Ridge Manufacturing Company", "Name as on the letterhead",
                           &error);
  g_assert_no_error (error);
  correction = last_correction (fixture, W2_DOCUMENT);
  af_store_add_correction (fixture->store, W2_DOCUMENT, "employee_ssn", "915-99-3767", NULL,
                           &error);
  g_assert_no_error (error);
  af_store_mark_reviewed (fixture->store, CRITICAL_AUDIT, &error);
  g_assert_no_error (error);

  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_A4);
  read_pdf (path, &pdf);

  assert_contains (pdf.all, "Loan review report");
  assert_contains (pdf.all, APPLICANT);
  assert_contains (pdf.all, CRITICAL_LOAN);
  assert_contains (pdf.all, "CRITICAL — 91 of 100");
  assert_contains (pdf.all, "SSN mismatch");                 /* a risk factor */
  assert_contains (pdf.all, "Identity not verified");        /* an alert */

  audit = af_store_get_item (fixture->store, AF_TABLE_AUDITS, CRITICAL_AUDIT, &error);
  g_assert_no_error (error);
  list = af_value_map_get (audit, "inconsistencies");
  for (guint i = 0; i < af_value_list_length (list); i++)
    assert_contains (pdf.all, af_item_get_s (af_value_list_nth (list, i), "description"));

  /* The correction: original and new value, who and when, its note; pending. */
  assert_contains (pdf.all, "Cobalt Ridge Manufacturing Co");
  assert_contains (pdf.all, "Cobalt Ridge Manufacturing Company");
  assert_contains (pdf.all, "Name as on the letterhead");
  corrected_at = afd_format_iso_time (af_item_get_s (correction, "corrected_at"));
  assert_contains (pdf.all, corrected_at);
  assert_contains (pdf.all, "PENDING, not yet sent");
  assert_contains (pdf.all, "Pending: 2 corrections have not been sent");

  /* The note, and who marked the audit reviewed (pending too: never sent). */
  assert_contains (pdf.all, "Ölander's 1040 needs a second look.");
  reviewed_at = afd_format_iso_time (af_item_get_s (audit, "review_timestamp"));
  {
    g_autofree char *line = g_strdup_printf ("Marked reviewed by %s on %s.", REVIEWER, reviewed_at);

    assert_contains (pdf.all, line);
  }
  assert_contains (pdf.all, "Pending: the review notes below have not been sent");
  assert_contains (pdf.all, "Pending: marking this audit reviewed has not been sent");

  /* The documents with their status; who generated the report. */
  assert_contains (pdf.all, "Driver’s license");
  assert_contains (pdf.all, "Failed, needs manual review");
  assert_contains (pdf.all, "Generated by " REVIEWER);
  assert_page_numbers (&pdf);

  /* PII masked everywhere, as in the UI: never in full. */
  g_assert_null (strstr (pdf.all, "915-99-3776"));
  g_assert_null (strstr (pdf.all, "915-99-3767"));
  g_assert_null (strstr (pdf.all, "53308041433"));
  assert_contains (pdf.all, "***-**-3776");
  assert_contains (pdf.all, "***-**-3767");

  assert_fonts_embedded (&pdf);
}

/* A field the audit's pii_detected names is personal, as in the cache (where it is
 * encrypted): the report masks it like the SSN. The annual income is not otherwise. */
static void
test_audit_pii_detected (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) audit = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS,
                                                       CRITICAL_AUDIT, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *masked = afd_mask_pii ("annual_income", "71350.00");
  g_autofree char *path = NULL;
  g_auto(Pdf) before = { NULL };
  g_auto(Pdf) after = { NULL };
  AfValue *detected = af_value_new_list (AF_TYPE_L);

  g_assert_no_error (error);
  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_A4);
  read_pdf (path, &before);
  assert_contains (before.all, "71350.00");

  af_value_list_append (detected, af_value_new_s ("annual_income"));
  af_value_map_set (audit, "pii_detected", detected);
  g_ptr_array_add (items, af_value_ref (audit));
  af_store_put_remote_items (fixture->store, AF_TABLE_AUDITS, items, &error);
  g_assert_no_error (error);
  g_clear_pointer (&path, g_free);
  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_A4);
  read_pdf (path, &after);
  g_assert_null (strstr (after.all, "71350.00"));
  assert_contains (after.all, masked);
  /* The SSN and the account number stay masked, as before. */
  g_assert_null (strstr (after.all, "915-99-3776"));
  g_assert_null (strstr (after.all, "53308041433"));
}

/* An open conflict is said as such, with the attribute both sides changed. */
static void
test_audit_conflict (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(AfValue) theirs = NULL;
  g_autofree char *path = NULL;
  g_auto(Pdf) pdf = { NULL };
  const char * const attributes[] = { "review_notes", NULL };

  af_store_set_review_notes (fixture->store, CRITICAL_AUDIT, "Mine", &error);
  g_assert_no_error (error);
  outbox = af_store_outbox_list (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  theirs = af_store_get_remote_item (fixture->store, AF_TABLE_AUDITS, CRITICAL_AUDIT, &error);
  g_assert_no_error (error);
  af_value_map_set (theirs, "review_notes", af_value_new_s ("Theirs"));
  af_store_conflict_add (fixture->store, g_ptr_array_index (outbox, 0), attributes, NULL,
                         theirs, &error);
  g_assert_no_error (error);

  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_A4);
  read_pdf (path, &pdf);
  assert_contains (pdf.all, "Open conflict on this audit: another reviewer changed review_notes");
}

/* 200 corrections: every one once, the table's header on every page it runs over,
 * "Page N of M" on each, and no row cut between two pages. */
static void
test_audit_many_corrections (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto(Pdf) pdf = { NULL };
  guint table_pages = 0;

  for (guint i = 1; i <= 200; i++)
    {
      g_autofree char *value = g_strdup_printf ("Employer %03u", i);
      /* Every seventh note runs over several lines of its cell. */
      g_autofree char *note = i % 7 == 0
        ? g_strdup_printf ("Note %03u: checked against the employer's letter, the payroll "
                           "register and the bank's deposit record for the whole year", i)
        : g_strdup_printf ("Note %03u", i);

      af_store_add_correction (fixture->store, W2_DOCUMENT, "employer_name", value, note, &error);
      g_assert_no_error (error);
    }
  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_LETTER);
  read_pdf (path, &pdf);

  g_assert_cmpuint (pdf.pages->len, >=, 5);
  assert_page_numbers (&pdf);
  for (guint i = 1; i <= 200; i++)
    {
      g_autofree char *value = g_strdup_printf ("Employer %03u", i);
      g_autofree char *note = g_strdup_printf ("Note %03u", i);
      const char *first = strstr (pdf.all, note);

      /* Once only: no row drawn twice at a page break, none lost. */
      g_assert_nonnull (first);
      g_assert_null (strstr (first + 1, note));
      assert_contains (pdf.all, value);
    }
  for (guint p = 0; p < pdf.pages->len; p++)
    {
      const char *page = g_ptr_array_index (pdf.pages, p);

      if (strstr (page, "Note ") == NULL)
        continue;
      table_pages++;
      assert_contains (page, "Original value");
      assert_contains (page, "Corrected value");
      /* A row's long note stays whole on one page. */
      if (strstr (page, "payroll") != NULL)
        assert_contains (page, "deposit record for the whole year");
    }
  g_assert_cmpuint (table_pages, >=, 4);
}

/* A document the audit names but the cache lacks is said, and the report is made. */
static void
test_audit_missing_document (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto(Pdf) pdf = { NULL };

  af_store_delete_item (fixture->store, AF_TABLE_DOCUMENTS, LICENSE_DOCUMENT, &error);
  g_assert_no_error (error);
  path = write_report (fixture, CRITICAL_AUDIT, AFR_PAPER_A4);
  read_pdf (path, &pdf);
  assert_contains (pdf.all, "Missing: this document is not in the local cache");
  assert_contains (pdf.all, LICENSE_DOCUMENT);
}

/* ---- The appraisal report ---------------------------------------------------------- */

static AfValue *
mark_new (const char *kind,
          const char *status,
          const char *comment)
{
  AfValue *mark = af_value_new_map ();

  af_value_map_set (mark, "kind", af_value_new_s (kind));
  af_value_map_set (mark, "status", af_value_new_s (status));
  af_value_map_set (mark, "comment", af_value_new_s (comment));
  af_value_map_set (mark, "marked_by", af_value_new_s (REVIEWER));
  af_value_map_set (mark, "marked_at", af_value_new_s ("2024-11-08T08:30:00.000Z"));
  return mark;
}

/* The appraiser's marks as the cloud holds them (from another machine's workbench): one
 * on a copy-move region the local inspection does not find here, one on a finding it
 * does make (editing software), which the test then marks again locally. */
static void
put_findings (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) analysis = af_store_get_remote_item (fixture->store, AF_TABLE_ANALYSES,
                                                          FORGED_ANALYSIS, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  AfValue *findings = af_value_new_list (AF_TYPE_L);
  AfValue *copy_move = mark_new ("copy_move", "WARNING", "The second boat repeats the first");
  AfValue *region = af_value_new_list (AF_TYPE_L);
  const int rect[] = { 1123, 323, 241, 274 };

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (rect); i++)
    af_value_list_append (region, af_value_new_n_int (rect[i]));
  af_value_map_set (copy_move, "region", region);
  af_value_list_append (findings, copy_move);
  af_value_list_append (findings, mark_new ("editing_software", "OK", "Only levels adjusted"));
  af_value_map_set (analysis, "appraisal_findings", findings);
  g_ptr_array_add (items, af_value_ref (analysis));
  af_store_put_remote_items (fixture->store, AF_TABLE_ANALYSES, items, &error);
  g_assert_no_error (error);
}

static void
test_appraisal_report (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto(Pdf) pdf = { NULL };

  put_findings (fixture);
  af_store_mark_finding (fixture->store, FORGED_ANALYSIS, "editing_software", NULL, "CHECK",
                         "Ask for the original file", &error);
  g_assert_no_error (error);
  af_store_set_appraisal_note (fixture->store, FORGED_ANALYSIS,
                               "Craquelure stops at the boat's outline.", &error);
  g_assert_no_error (error);
  af_store_set_verdict (fixture->store, FORGED_ANALYSIS, "LIKELY_FORGED", &error);
  g_assert_no_error (error);

  path = write_report (fixture, FORGED_ANALYSIS, AFR_PAPER_A4);
  read_pdf (path, &pdf);

  assert_contains (pdf.all, "Appraisal report");
  assert_contains (pdf.all, "harbour_boats_1889.jpg");
  assert_contains (pdf.all, "91.4 of 100");
  assert_contains (pdf.all, afd_verdict_label ("LIKELY_FORGED"));
  assert_contains (pdf.all, "bedrock+modal");
  assert_contains (pdf.all, "Adobe Photoshop 25.0 (Windows)");   /* the AI text */
  assert_contains (pdf.all, "Craquelure stops at the boat's outline.");
  /* The local inspection ran (the appraiser has marks): its ELA picture, its findings
   * with their marks, and the mark of a kind it did not find, kept. */
  assert_contains (pdf.all, "Error level analysis at JPEG quality 95");
  assert_contains (pdf.all, "The metadata names an editor: Adobe Photoshop");
  assert_contains (pdf.all, "To check: Ask for the original file");
  assert_contains (pdf.all, "Warning: The second boat repeats the first");
  assert_contains (pdf.all, "Not found by this inspection");
  g_assert_null (strstr (pdf.all, "Only levels adjusted"));   /* the local mark replaced it */
  assert_contains (pdf.all, "Pending: the appraiser's marks on the findings have not been sent");
  assert_contains (pdf.all, "Pending: the appraisal note below has not been sent");
  assert_contains (pdf.all, "Pending: the appraiser's verdict below has not been sent");
  assert_contains (pdf.all, "Generated by " REVIEWER);
  assert_page_numbers (&pdf);
  /* The artwork is in the file as a picture, not merely named; the ELA map too. */
  g_assert_cmpuint (count_images (&pdf, 0), ==, 1);
  {
    guint images = 0;

    for (guint p = 0; p < pdf.pages->len; p++)
      images += count_images (&pdf, p);
    g_assert_cmpuint (images, ==, 2);
  }
  assert_fonts_embedded (&pdf);
}

/* Outside the demo, a picture never downloaded is said, not a crash. */
static void
test_appraisal_missing_picture (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (fixture->dir, "plain.sqlite", NULL);
  g_autofree char *items = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb",
                                             "artguard-image-analysis-dev.json", NULL);
  g_autofree char *path = NULL;
  g_auto(Pdf) pdf = { NULL };

  g_clear_object (&fixture->store);
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_import_file (fixture->store, items, NULL, &error);
  g_assert_no_error (error);

  put_findings (fixture);
  path = write_report (fixture, FORGED_ANALYSIS, AFR_PAPER_A4);
  read_pdf (path, &pdf);
  assert_contains (pdf.all, "Without the picture, the local inspection's findings and regions "
                            "are not in this report; the appraiser's marks are.");
  assert_contains (pdf.all, "Warning: The second boat repeats the first");
  assert_contains (pdf.all, "The artwork picture is missing from this report: The picture has "
                            "not been downloaded for offline use.");
  assert_contains (pdf.all, "harbour_boats_1889.jpg");
  g_assert_cmpuint (count_images (&pdf, 0), ==, 0);
}

/* A copy-move finding's source and copy, and an ELA region, drawn where they are on a
 * picture shown at a quarter of its size, numbered as the findings table numbers them. */
static void
test_regions (void)
{
  const AfImageRect source = { 100, 200, 40, 60 };
  const AfImageRect target = { 400, 240, 40, 60 };
  const AfImageRect area = { 8, 12, 16, 20 };
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(AfImageMetadata) metadata = af_image_metadata_new_empty ();
  g_autoptr(AfImageBuffer) ela = af_image_buffer_new (4, 4);
  g_autoptr(AfForensicsReport) forensics = NULL;
  g_autoptr(GArray) regions = NULL;
  const AfrRegion *r;

  g_ptr_array_add (findings, af_finding_new (AF_FINDING_KIND_EDITING_SOFTWARE, AF_FINDING_SEVERITY_CHECK,
                                             "no region", NULL, NULL, NULL));
  g_ptr_array_add (findings, af_finding_new (AF_FINDING_KIND_COPY_MOVE, AF_FINDING_SEVERITY_WARNING,
                                             "copied", NULL, &source, &target));
  g_ptr_array_add (findings, af_finding_new (AF_FINDING_KIND_ELA_REGION, AF_FINDING_SEVERITY_CHECK,
                                             "stands out", &area, NULL, NULL));
  forensics = af_forensics_report_new ("JPEG", 800, 600, "00", 90, metadata, 90, ela, findings);
  regions = afr_appraisal_regions (forensics, 0.25);

  g_assert_cmpuint (regions->len, ==, 3);
  r = &g_array_index (regions, AfrRegion, 0);
  g_assert_cmpstr (r->label, ==, "2");
  g_assert_cmpfloat (r->x, ==, 25);
  g_assert_cmpfloat (r->y, ==, 50);
  g_assert_cmpfloat (r->width, ==, 10);
  g_assert_cmpfloat (r->height, ==, 15);
  r = &g_array_index (regions, AfrRegion, 1);
  g_assert_cmpstr (r->label, ==, "2");
  g_assert_cmpfloat (r->x, ==, 100);
  g_assert_cmpfloat (r->y, ==, 60);
  r = &g_array_index (regions, AfrRegion, 2);
  g_assert_cmpstr (r->label, ==, "3");
  g_assert_cmpfloat (r->x, ==, 2);
  g_assert_cmpfloat (r->height, ==, 5);

  /* A mark goes with the finding of its kind and region: the copy-move pair's mark (its
   * region is the copy's) is on row 2; a mark for another region of that kind is not. */
  {
    g_autoptr(AfValue) analysis = af_value_new_map ();
    AfValue *marks = af_value_new_list (AF_TYPE_L);
    AfValue *mark = mark_new ("copy_move", "WARNING", "Boat pasted twice");
    AfValue *other = mark_new ("copy_move", "OK", "Another pair");
    AfValue *rect = af_value_new_list (AF_TYPE_L);
    AfValue *other_rect = af_value_new_list (AF_TYPE_L);
    g_autoptr(AfrReport) report = afr_report_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("test-report-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "marks.pdf", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_auto(Pdf) pdf = { NULL };

    for (guint i = 0; i < 4; i++)
      {
        const int values[] = { target.x, target.y, target.width, target.height };

        af_value_list_append (rect, af_value_new_n_int (values[i]));
        af_value_list_append (other_rect, af_value_new_n_int (values[i] + 1));
      }
    af_value_map_set (mark, "region", rect);
    af_value_map_set (other, "region", other_rect);
    af_value_list_append (marks, other);
    af_value_list_append (marks, mark);
    af_value_map_set (analysis, "appraisal_findings", marks);
    afr_appraisal_add_findings (report, analysis, forensics, NULL);
    afr_pdf_write (report, AFR_PAPER_A4, file, NULL, &error);
    g_assert_no_error (error);
    read_pdf (path, &pdf);
    assert_contains (pdf.all, "2 · Copy move\ncopied");
    assert_contains (pdf.all, "Warning: Boat pasted twice");
    assert_contains (pdf.all, "Copy move\nNot found by this inspection");
    assert_contains (pdf.all, "OK: Another pair");
    g_assert_true (strstr (pdf.all, "Warning: Boat pasted twice") < strstr (pdf.all, "OK: Another pair"));
    g_remove (path);
    g_rmdir (dir);
  }
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GError **error = user_data;

  if (!afr_export_write_finish (result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

/* What the window does: the report built and written on a worker thread, through a
 * connection of its own to the same cache, with the window's identity in the footer. */
static void
test_write_async (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "async.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) outcome = NULL;
  g_auto(Pdf) pdf = { NULL };

  af_store_set_review_notes (fixture->store, CRITICAL_AUDIT, "Typed just before the export", NULL);
  afr_export_write_async (af_store_get_path (fixture->store), "window@example.com", CRITICAL_AUDIT,
                          AFR_PAPER_A4, file, NULL, written_cb, &outcome);
  while (outcome == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (outcome, G_IO_ERROR, G_IO_ERROR_EXISTS);   /* "done": no failure */
  read_pdf (path, &pdf);
  assert_contains (pdf.all, "Typed just before the export");
  assert_contains (pdf.all, "Generated by window@example.com");
  g_clear_error (&outcome);

  /* An unknown id comes back as the error, not as a file. */
  g_remove (path);
  afr_export_write_async (af_store_get_path (fixture->store), NULL, "no-such-id", AFR_PAPER_A4,
                          file, NULL, written_cb, &outcome);
  while (outcome == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (outcome, AFR_EXPORT_ERROR, AFR_EXPORT_ERROR_UNKNOWN_ID);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A picture that is not one, and a PNG whose header claims 20,000 × 20,000 pixels (a
 * decompression bomb: IHDR, gAMA, the start of its data): refused with a reason, the
 * second before any pixel is decoded. */
static void
test_bad_pictures (void)
{
  static const guint8 bomb[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x4e, 0x20, 0x00, 0x00, 0x4e, 0x20, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x6c, 0x12, 0xd1, 0x6e, 0x00, 0x00, 0x00, 0x04, 0x67, 0x41, 0x4d, 0x41, 0x00,
    0x00, 0xb1, 0x8f, 0x0b, 0xfc, 0x61, 0x05, 0x00, 0x00, 0x00, 0x64, 0x49, 0x44, 0x41,
    0x54, 0x78, 0x9c, 0x63, 0x60, 0xa0, 0x0c, 0x00, 0x00,
  };
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.4 not a picture", 22);
  g_autoptr(GBytes) large = g_bytes_new_static (bomb, sizeof bomb);
  g_autoptr(GError) error = NULL;

  g_assert_null (afr_picture_load (junk, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "not an image"));
  g_clear_error (&error);
  g_assert_null (afr_picture_load (large, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "20000 × 20000"));
}

/* ---- Ids, paper, names ------------------------------------------------------------- */

static void
test_unknown_ids (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfrReport) report = afr_export_build (fixture->store, "no-such-id", &error);

  g_assert_null (report);
  g_assert_error (error, AFR_EXPORT_ERROR, AFR_EXPORT_ERROR_UNKNOWN_ID);
  g_clear_error (&error);
  report = afr_export_build (fixture->store, W2_DOCUMENT, &error);
  g_assert_null (report);
  g_assert_error (error, AFR_EXPORT_ERROR, AFR_EXPORT_ERROR_NO_REPORT);
}

static void
test_paper (void)
{
  const struct { const char *locale; AfrPaper paper; double height; } cases[] = {
    { "en_US.UTF-8", AFR_PAPER_LETTER, 792 },
    { "es_MX.UTF-8", AFR_PAPER_LETTER, 792 },
    { "de_DE.UTF-8", AFR_PAPER_A4, 841.889 },
    { "en_GB", AFR_PAPER_A4, 841.889 },
    { "C", AFR_PAPER_A4, 841.889 },
  };
  AfrPaper paper;

  /* The test runs in the C locale: the territory comes from the environment. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double width, height;

      g_setenv ("LC_ALL", cases[i].locale, TRUE);
      g_assert_cmpint (afr_paper_resolve (AFR_PAPER_AUTO), ==, cases[i].paper);
      afr_paper_get_size (AFR_PAPER_AUTO, &width, &height);
      g_assert_cmpfloat_with_epsilon (height, cases[i].height, 0.01);
    }
  g_unsetenv ("LC_ALL");
  g_assert_cmpint (afr_paper_resolve (AFR_PAPER_LETTER), ==, AFR_PAPER_LETTER);
  g_assert_true (afr_paper_from_string ("Letter", &paper));
  g_assert_cmpint (paper, ==, AFR_PAPER_LETTER);
  g_assert_false (afr_paper_from_string ("a5", &paper));
}

static void
test_page_size (Fixture       *fixture,
                gconstpointer  data)
{
  const struct { AfrPaper paper; double width; double height; } cases[] = {
    { AFR_PAPER_A4, 595.276, 841.890 },
    { AFR_PAPER_LETTER, 612, 792 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_report (fixture, CRITICAL_AUDIT, cases[i].paper);
      g_auto(Pdf) pdf = { NULL };
      g_autoptr(PopplerPage) page = NULL;
      double width, height;

      read_pdf (path, &pdf);
      page = poppler_document_get_page (pdf.document, 0);
      poppler_page_get_size (page, &width, &height);
      g_assert_cmpfloat_with_epsilon (width, cases[i].width, 0.01);
      g_assert_cmpfloat_with_epsilon (height, cases[i].height, 0.01);
    }
}

static void
test_suggested_names (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AfValue) audit = af_store_get_item (fixture->store, AF_TABLE_AUDITS, CRITICAL_AUDIT, NULL);
  g_autoptr(AfValue) analysis = af_value_new_map ();
  g_autofree char *audit_name = afr_export_suggest_name (AF_TABLE_AUDITS, audit);
  g_autofree char *analysis_name = NULL;
  g_autofree char *odd_name = NULL;

  g_assert_cmpstr (audit_name, ==, CRITICAL_LOAN " review.pdf");
  af_value_map_set (analysis, "filename", af_value_new_s ("harbour_boats_1889.jpg"));
  analysis_name = afr_export_suggest_name (AF_TABLE_ANALYSES, analysis);
  g_assert_cmpstr (analysis_name, ==, "harbour_boats_1889 appraisal.pdf");
  /* A file name from a server never becomes a path. */
  af_value_map_set (analysis, "filename", af_value_new_s ("../../.bashrc"));
  odd_name = afr_export_suggest_name (AF_TABLE_ANALYSES, analysis);
  g_assert_null (strchr (odd_name, '/'));
  g_assert_true (odd_name[0] != '.');
}

/* ---- The CLI ----------------------------------------------------------------------- */

static int
run_cli (Fixture            *fixture,
         const char * const *args,
         char              **out_err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("AF_CLI"));
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) af_store_get_path (fixture->store));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_cwd (launcher, fixture->dir);
  g_subprocess_launcher_setenv (launcher, "HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "AUDITFLOW_DESK_USER", REVIEWER, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "en_US.UTF-8", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, out_err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_test_message ("auditflow-cli said: %s", *out_err);
  return g_subprocess_get_exit_status (process);
}

static void
test_cli (Fixture       *fixture,
          gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *default_path = g_build_filename (fixture->dir, "harbour_boats_1889 appraisal.pdf", NULL);
  g_autofree char *chosen = g_build_filename (fixture->dir, "chosen.pdf", NULL);
  g_auto(Pdf) pdf = { NULL };
  g_autoptr(PopplerPage) page = NULL;
  double width, height;

  g_assert_cmpint (run_cli (fixture, (const char * const[]) { "report", FORGED_ANALYSIS, NULL }, &err), ==, 0);
  g_assert_true (g_file_test (default_path, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, (const char * const[]) { "report", CRITICAL_AUDIT, "-o", chosen, NULL }, &err), ==, 0);
  read_pdf (chosen, &pdf);
  assert_contains (pdf.all, CRITICAL_LOAN);
  assert_contains (pdf.all, "Generated by " REVIEWER);
  /* en_US: US Letter from the locale. */
  page = poppler_document_get_page (pdf.document, 0);
  poppler_page_get_size (page, &width, &height);
  g_assert_cmpfloat_with_epsilon (height, 792, 0.01);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (fixture, (const char * const[]) { "report", "no-such-id", NULL }, &err), ==, 1);
  g_assert_nonnull (strstr (err, "no-such-id"));
  g_assert_nonnull (strstr (err, "No audit record or analysis"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("AFD_DEMO_DIR", g_getenv ("AF_FIXTURES_DIR"), TRUE);

#define ADD(path, test) \
  g_test_add ((path), Fixture, NULL, fixture_set_up, (test), fixture_tear_down)
  ADD ("/report/audit/contents", test_audit_report);
  ADD ("/report/audit/conflict", test_audit_conflict);
  ADD ("/report/audit/pii-detected", test_audit_pii_detected);
  ADD ("/report/audit/many-corrections", test_audit_many_corrections);
  ADD ("/report/audit/missing-document", test_audit_missing_document);
  ADD ("/report/appraisal/contents", test_appraisal_report);
  ADD ("/report/appraisal/missing-picture", test_appraisal_missing_picture);
  ADD ("/report/unknown-ids", test_unknown_ids);
  ADD ("/report/page-size", test_page_size);
  ADD ("/report/suggested-names", test_suggested_names);
  ADD ("/report/cli", test_cli);
  ADD ("/report/write-async", test_write_async);
#undef ADD
  g_test_add_func ("/report/paper", test_paper);
  g_test_add_func ("/report/appraisal/regions", test_regions);
  g_test_add_func ("/report/appraisal/bad-pictures", test_bad_pictures);
  return g_test_run ();
}
