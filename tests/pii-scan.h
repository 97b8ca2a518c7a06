/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pii-scan.h — for the tests that look for personal data where it must not be: the
 * fixtures' PII values read straight from their JSON (independently of the code under
 * test), and a byte scan for them in UTF-8, UTF-16LE, base64 and hex.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every pii-flagged extracted value, the golden records' ssn, date_of_birth and
 * bank_account_number, the inconsistency values of those fields, and the correction
 * the tests make ("980-21-9158"). */
GPtrArray *pii_scan_fixture_values (void);
/* @value's forms (GBytes): UTF-8, UTF-16LE, hex (both cases), base64 at 3 alignments. */
GPtrArray *pii_scan_encodings      (const char *value);
/* How many (value, form) pairs occur in the file at @path (0 when it is absent). */
guint      pii_scan_file           (const char *path,
                                    GPtrArray  *values);

G_END_DECLS
