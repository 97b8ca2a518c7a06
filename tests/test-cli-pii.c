/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The CLI masks personal values: `show` and `list`, text and --json, print
 * ***-**-9185 unless --reveal-pii; the other fields print as they are.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "af-test-util.h"

#define W2_DOCUMENT "dbbc2c4b-db60-4d6c-9f55-779ebbf500eb"
#define W2_SSN "980-21-9185"
#define W2_SSN_MASKED "***-**-9185"
#define HIGH_AUDIT "913a8c14-2450-420b-bca7-1d4a1c988462"

static char *dir;
static char *db;

/* The CLI's standard output for @first… (NULL-terminated) on the test's cache; its
 * home is the test's folder. Aborts the test when it fails. */
static char *
run_cli (const char *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(AfTestRun) run = { 0 };
  va_list list;

  va_start (list, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (list, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (list);
  g_ptr_array_add (args, NULL);
  af_test_run_cli (dir, db, NULL, (const char * const *) args->pdata, &run);
  if (run.status != 0)
    g_error ("%s failed: %s", first, run.err);
  return g_steal_pointer (&run.out);
}

static void
assert_masked (const char *out)
{
  g_assert_null (strstr (out, W2_SSN));
  g_assert_nonnull (strstr (out, W2_SSN_MASKED));
}

static void
test_show (void)
{
  g_autofree char *text = run_cli ("show", W2_DOCUMENT, NULL);
  g_autofree char *json = run_cli ("--json", "show", W2_DOCUMENT, NULL);
  g_autofree char *revealed = run_cli ("--reveal-pii", "show", W2_DOCUMENT, NULL);
  g_autofree char *revealed_json = run_cli ("--json", "--reveal-pii", "show", W2_DOCUMENT, NULL);

  assert_masked (text);
  assert_masked (json);
  /* Not personal: as it is. */
  g_assert_nonnull (strstr (text, "Emily R. Carter"));
  g_assert_nonnull (strstr (revealed, W2_SSN));
  g_assert_nonnull (strstr (revealed_json, "\"value\":\"" W2_SSN "\""));
  g_assert_null (strstr (revealed, W2_SSN_MASKED));
}

static void
test_show_audit_and_correction (void)
{
  g_autofree char *audit = run_cli ("--json", "show", HIGH_AUDIT, NULL);
  g_autofree char *corrected = NULL;
  g_autofree char *document = NULL;

  /* The golden record's SSN, date of birth and account number. */
  g_assert_null (strstr (audit, "916-12-4682"));
  g_assert_nonnull (strstr (audit, "***-**-4682"));
  g_assert_null (strstr (audit, "02/09/1984"));
  g_assert_null (strstr (audit, "1359111625"));
  g_assert_nonnull (strstr (audit, "JOHN SMITH"));

  corrected = run_cli ("--user", "reviewer@example.com", "correct", W2_DOCUMENT, "employee_ssn",
                       "980-21-9158", NULL);
  document = run_cli ("show", W2_DOCUMENT, NULL);
  g_assert_null (strstr (document, "980-21-9158"));
  g_assert_nonnull (strstr (document, "***-**-9158"));
  assert_masked (document);
}

static void
test_list (void)
{
  g_autofree char *documents = run_cli ("--json", "list", "documents", NULL);
  g_autofree char *audits = run_cli ("--json", "list", "audits", NULL);
  g_autofree char *revealed = run_cli ("--json", "--reveal-pii", "list", "documents", NULL);
  g_autofree char *text = run_cli ("list", "documents", NULL);

  assert_masked (documents);
  g_assert_null (strstr (audits, "915-99-3776"));
  g_assert_null (strstr (audits, "915-99-3767"));
  g_assert_nonnull (strstr (revealed, W2_SSN));
  g_assert_nonnull (strstr (text, "W2_2023_Carter.pdf"));
  g_assert_null (strstr (text, W2_SSN));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *documents = NULL;
  g_autofree char *audits = NULL;
  g_autofree char *out = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("AF_CLI") == NULL)
    {
      g_printerr ("AF_CLI names the auditflow-cli to test\n");
      return 1;
    }
  dir = g_dir_make_tmp ("test-cli-pii-XXXXXX", NULL);
  db = g_build_filename (dir, "cache.db", NULL);
  documents = af_test_fixture_path ("AuditFlow-Documents.json");
  audits = af_test_fixture_path ("AuditFlow-AuditRecords.json");
  out = run_cli ("import", documents, audits, NULL);

  g_test_add_func ("/cli-pii/show", test_show);
  g_test_add_func ("/cli-pii/list", test_list);
  g_test_add_func ("/cli-pii/show-audit-and-correction", test_show_audit_and_correction);
  status = g_test_run ();

  af_test_remove_tree (dir);
  g_free (dir);
  g_free (db);
  return status;
}
