/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How the app shows values: PII masks, risk levels from text or score, names of
 * fields, where disagreeing values part, and absent values (never a crash).
 */
#include "config.h"

#include "afd-format.h"
#include "afd-queue-row.h"

static void
test_mask_pii (void)
{
  struct { const char *field, *value, *masked; } cases[] = {
    { "ssn", "980-21-9185", "***-**-9185" },
    { "employee_ssn", "915-99-3776", "***-**-3776" },
    { "bank_account_number", "449581910919", "********0919" },
    { "account_number", "53308041433", "*******1433" },
    { "date_of_birth", "07/22/1991", "**/**/****" },
    { "license_number", "S757-9467-7477", "****-****-7477" },
    { "ssn", "12", "12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *masked = afd_mask_pii (cases[i].field, cases[i].value);

      g_assert_true (afd_field_is_pii (cases[i].field));
      g_assert_cmpstr (masked, ==, cases[i].masked);
    }
  g_assert_false (afd_field_is_pii ("annual_income"));
  g_assert_false (afd_field_is_pii (NULL));
  {
    g_autofree char *absent = afd_mask_pii ("ssn", NULL);

    g_assert_cmpstr (absent, ==, AFD_ABSENT);
  }
}

static void
test_risk_levels (void)
{
  g_assert_cmpstr (afd_risk_level_normalize ("critical", -1), ==, "CRITICAL");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 91), ==, "CRITICAL");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 75), ==, "CRITICAL");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 74.9), ==, "HIGH");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 50), ==, "HIGH");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 25), ==, "MEDIUM");
  g_assert_cmpstr (afd_risk_level_normalize (NULL, 0), ==, "LOW");
  g_assert_null (afd_risk_level_normalize (NULL, -1));
  g_assert_null (afd_risk_level_normalize ("bogus", 200));
  g_assert_cmpstr (afd_risk_level_label (NULL), ==, AFD_ABSENT);

  g_assert_cmpint (afd_severity_rank ("CRITICAL"), <, afd_severity_rank ("HIGH"));
  g_assert_cmpint (afd_severity_rank ("HIGH"), <, afd_severity_rank ("MEDIUM"));
  g_assert_cmpint (afd_severity_rank ("MEDIUM"), <, afd_severity_rank ("LOW"));
  g_assert_cmpint (afd_severity_rank ("LOW"), <, afd_severity_rank (NULL));
}

static void
test_humanize (void)
{
  struct { const char *in, *out; } cases[] = {
    { "annual_income", "Annual income" },
    { "SSN_MISMATCH", "SSN mismatch" },
    { "ssn", "SSN" },
    { "IDENTITY_DOCUMENT_UNREADABLE", "Identity document unreadable" },
    { "__odd__", "Odd" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = afd_humanize (cases[i].in);

      g_assert_cmpstr (text, ==, cases[i].out);
    }
}

/* Field names read as people write them (from the one table), others humanized. */
static void
test_field_label (void)
{
  struct { const char *in, *out; } cases[] = {
    { "ssn", "SSN" },
    { "employer_ein", "Employer EIN" },
    { "employee_ssn", "Employee SSN" },
    { "date_of_birth", "Date of birth" },
    { "federal_tax_withheld", "Federal tax withheld" },
    { "some_new_field", "Some new field" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = afd_field_label (cases[i].in);

      g_assert_cmpstr (text, ==, cases[i].out);
    }
}

static void
test_absent_values (void)
{
  g_autofree char *time = afd_format_iso_time ("not a date");
  g_autofree char *size = afd_format_size ("-3");
  g_autofree char *unix_time = afd_format_unix_time ("12x", TRUE);

  g_assert_null (time);
  g_assert_null (size);
  g_assert_null (unix_time);
  g_assert_null (afd_format_iso_time (NULL));
}

/* An audit with nothing but its key still makes a row: absent values show as "—". */
static void
test_row_of_bare_items (void)
{
  g_autoptr(AfValue) audit = af_value_new_map ();
  g_autoptr(AfValue) analysis = af_value_new_map ();
  g_autoptr(AfdQueueRow) audit_row = NULL;
  g_autoptr(AfdQueueRow) analysis_row = NULL;

  af_value_map_set (audit, "audit_record_id", af_value_new_s ("a-1"));
  af_value_map_set (audit, "risk_score", af_value_new_s ("not a number"));
  audit_row = afd_queue_row_new_for_item (AF_TABLE_AUDITS, audit);
  g_assert_cmpstr (afd_queue_row_get_item_id (audit_row), ==, "a-1");
  g_assert_cmpstr (afd_queue_row_get_title (audit_row), ==, AFD_ABSENT);
  g_assert_cmpstr (afd_queue_row_get_badge (audit_row), ==, AFD_ABSENT);

  af_value_map_set (analysis, "request_id", af_value_new_s ("r-1"));
  af_value_map_set (analysis, "status", af_value_new_s ("FAILED"));
  analysis_row = afd_queue_row_new_for_item (AF_TABLE_ANALYSES, analysis);
  g_assert_cmpstr (afd_queue_row_get_title (analysis_row), ==, AFD_ABSENT);
  g_assert_cmpstr (afd_queue_row_get_badge (analysis_row), ==, "Failed");
}

/* The part of each disagreeing value that sets it apart is marked; markup in a value
 * is text, never markup. */
#define MARK_START "<span weight=\"heavy\" underline=\"low\">"
#define MARK_END "</span>"

static void
test_markup_difference (void)
{
  const char *ssns[] = { "915-99-3776", "915-99-3767", NULL };
  const char *names[] = { "Jon A. Smith", "JOHN SMITH", NULL };
  const char *incomes[] = { "1000", "10000", NULL };
  const char *hostile[] = { "<b>x</b>", "<b>y</b>", NULL };
  const char *same[] = { "Élodie", "Élodie", NULL };
  const char *accents[] = { "Zoë Brandt", "Zoe Brandt", NULL };
  struct { const char *value; const char * const *values; const char *markup; } cases[] = {
    { "915-99-3776", ssns, "915-99-37" MARK_START "76" MARK_END "" },
    { "915-99-3767", ssns, "915-99-37" MARK_START "67" MARK_END "" },
    { "Jon A. Smith", names, "J" MARK_START "on A. Smith" MARK_END "" },
    { "1000", incomes, "1000" },
    { "10000", incomes, "1000" MARK_START "0" MARK_END "" },
    { "<b>x</b>", hostile, "&lt;b&gt;" MARK_START "x" MARK_END "&lt;/b&gt;" },
    { "Élodie", same, "Élodie" },
    { "Zoë Brandt", accents, "Zo" MARK_START "ë" MARK_END " Brandt" },
    { NULL, ssns, "—" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = afd_markup_difference (cases[i].value, cases[i].values);

      g_assert_cmpstr (markup, ==, cases[i].markup);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/mask-pii", test_mask_pii);
  g_test_add_func ("/format/markup-difference", test_markup_difference);
  g_test_add_func ("/format/risk-levels", test_risk_levels);
  g_test_add_func ("/format/humanize", test_humanize);
  g_test_add_func ("/format/field-label", test_field_label);
  g_test_add_func ("/format/absent-values", test_absent_values);
  g_test_add_func ("/format/row-of-bare-items", test_row_of_bare_items);

  return g_test_run ();
}
