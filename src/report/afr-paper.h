/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-paper.h — the paper a report is laid out on: A4 or US Letter.
 *
 * "auto" follows the locale, as a printed letter would: the LC_PAPER category of the
 * C library when a real locale is in force, else the territory that LC_ALL, LC_PAPER
 * or LANG names (a machine with only the C locale installed still gets Letter for
 * en_US). The app keeps the choice in GSettings (report-paper), the CLI takes --paper.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AFR_PAPER_AUTO,
  AFR_PAPER_A4,
  AFR_PAPER_LETTER,
} AfrPaper;

/* "auto", "a4" or "letter" (any case); FALSE for anything else. */
gboolean    afr_paper_from_string  (const char  *text,
                                    AfrPaper    *out_paper);
const char *afr_paper_to_string    (AfrPaper     paper);

/* AUTO resolved from the locale; A4 and LETTER as they are. */
AfrPaper    afr_paper_resolve      (AfrPaper     paper);

/* The size in PostScript points (1/72 inch), portrait; AUTO is resolved first. */
void        afr_paper_get_size     (AfrPaper     paper,
                                    double      *out_width,
                                    double      *out_height);

G_END_DECLS
