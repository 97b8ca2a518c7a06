/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-audit-report-private.h — the loan report's documents and corrections sections
 * (afr-audit-documents.c), which need the documents more than the audit.
 */
#pragma once

#include "afr-audit-report.h"

G_BEGIN_DECLS

/* Every document the audit names or the cache holds for the loan: its status and its
 * low-confidence fields; a document the audit names and the cache lacks is said so. */
void afr_audit_report_add_documents   (AfrReport     *report,
                                       const AfValue *audit,
                                       GPtrArray     *documents);
/* Every correction of @documents, oldest first, those not yet sent flagged. */
void afr_audit_report_add_corrections (AfrReport     *report,
                                       AfStore       *store,
                                       GPtrArray     *documents);

G_END_DECLS
