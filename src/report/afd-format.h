/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-format.h — how values from the cache are shown: dates, sizes, levels, PII masks.
 *
 * Widget-free, so that the queue model (and its headless test) can use it too.
 */
#pragma once

#include <glib.h>

#include "af-value.h"

G_BEGIN_DECLS

/* What the UI shows for an attribute the item does not have. */
#define AFD_ABSENT "—"

/* LOW, MEDIUM, HIGH or CRITICAL: @level when it is one of these, else judged from
 * @score (LOW < 25 <= MEDIUM < 50 <= HIGH < 75 <= CRITICAL); NULL when neither. */
const char *afd_risk_level_normalize   (const char  *level,
                                        double       score);
const char *afd_risk_level_label       (const char  *level);
const char *afd_level_css_class        (const char  *level);
/* CRITICAL 0, HIGH 1, MEDIUM 2, LOW 3, anything else 4: for sorting, most severe first. */
int         afd_severity_rank          (const char  *severity);

const char *afd_verdict_label          (const char  *verdict);
const char *afd_verdict_css_class      (const char  *verdict);
const char *afd_status_label           (const char  *status);
const char *afd_document_type_label    (const char  *type);
/* "W-2 · w2-2023.pdf": a document item's type and file name, as lists show it. */
char       *afd_document_name          (const AfValue *document);

/* "6 Nov 2024, 18:47" in local time; NULL when @iso is NULL or not ISO 8601. */
char       *afd_format_iso_time        (const char  *iso);
/* "6 Nov 2024": the date alone, for lists. */
char       *afd_format_iso_date        (const char  *iso);
/* The same from unix seconds / milliseconds held in a number's text. */
char       *afd_format_unix_time       (const char  *number,
                                        gboolean     milliseconds);
char       *afd_format_size            (const char  *bytes);
char       *afd_format_percent         (double       fraction);
/* "annual_income" → "Annual income", "SSN_MISMATCH" → "SSN mismatch". */
char       *afd_humanize               (const char  *identifier);
char       *afd_field_label            (const char  *field);

/* Fields that hold PII (ssn, dates of birth, account, licence and routing numbers). */
gboolean    afd_field_is_pii           (const char  *field);
/* "980-21-9185" → "***-**-9185": letters and digits hidden but the last four, the
 * separators kept; a date of birth is hidden whole. */
char       *afd_mask_pii               (const char  *field,
                                        const char  *value);
/* Pango markup of @value with the stretch that sets it apart from the other @values
 * (the text between what all of them share at the start and at the end) in bold and
 * underlined, so that "915-99-3776" beside "915-99-3767" shows where they part —
 * not by colour alone. Values equal to @value are not counted as others. */
char       *afd_markup_difference      (const char  *value,
                                        const char * const *values);

G_END_DECLS
