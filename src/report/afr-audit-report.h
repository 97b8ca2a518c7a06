/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-audit-report.h — the loan review report of one audit record.
 *
 * Applicant, loan, audit time and status, risk level, score, factors and alerts, the
 * golden record, every inconsistency with the values of each document, the documents
 * with their status and low-confidence fields, every correction, the review notes and
 * who marked the audit reviewed. PII is masked as the UI masks it (***-**-6575).
 * Edits still in the outbox and open conflicts are flagged as such.
 *
 * Everything is read through the store's read API (af_store_get_item and friends),
 * so values arrive as the store gives them to every reader.
 */
#pragma once

#include "af-store.h"
#include "afr-report.h"

G_BEGIN_DECLS

/* NULL with AF_STORE_ERROR_NOT_FOUND when there is no such audit in the cache. */
AfrReport *afr_audit_report_build (AfStore     *store,
                                   const char  *audit_record_id,
                                   GError     **error);

G_END_DECLS
