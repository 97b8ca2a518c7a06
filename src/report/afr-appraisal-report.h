/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-appraisal-report.h — the appraisal report of one artwork analysis.
 *
 * The picture (or why it is not there), file name, size and dates, the cloud's forgery
 * score, verdict, model and AI text, the appraiser's verdict and note, and the
 * appraiser's marks on the findings (`appraisal_findings`). Edits still in the outbox
 * and an open conflict are flagged. The picture comes from the demo's files or the
 * object cache, as the artwork page takes it.
 */
#pragma once

#include "af-store.h"
#include "afr-report.h"

G_BEGIN_DECLS

/* NULL with AF_STORE_ERROR_NOT_FOUND when there is no such analysis in the cache. */
AfrReport *afr_appraisal_report_build (AfStore     *store,
                                       const char  *request_id,
                                       GError     **error);

G_END_DECLS
