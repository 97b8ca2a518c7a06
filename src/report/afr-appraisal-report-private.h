/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-appraisal-report-private.h — the appraisal report's findings section
 * (afr-appraisal-findings.c): the local inspection's ELA picture and findings, each with
 * the appraiser's mark, and the regions drawn on the artwork.
 */
#pragma once

#include "af-forensics.h"
#include "afr-appraisal-report.h"

G_BEGIN_DECLS

/* The local inspection of the picture (@bytes, nullable), when the appraiser has marked
 * findings (the workbench has run on it); NULL with no error when there are no marks
 * or no picture. */
AfForensicsReport *afr_appraisal_inspect        (const AfValue      *analysis,
                                                 GBytes             *bytes,
                                                 GError            **error);

/* The regions of @forensics' findings, numbered as the findings table numbers them,
 * in the pixels of a picture drawn @scale times its file's size (AfrRegion). */
GArray            *afr_appraisal_regions        (AfForensicsReport  *forensics,
                                                 double              scale);

/* "Findings": with @forensics, its ELA picture and every finding with the mark the
 * appraiser gave its kind; without, the marks alone, and @why (nullable) as a notice. */
void               afr_appraisal_add_findings   (AfrReport          *report,
                                                 const AfValue      *analysis,
                                                 AfForensicsReport  *forensics,
                                                 const char         *why);

G_END_DECLS
