/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-pii.h — which values of an item are a borrower's personal data, and what is done
 * to them: sealed at rest (af-crypto.h), masked where they are shown.
 *
 * Personal values (the product's rule, README "Security"):
 * - documents: extracted_data.F.value when F's `pii` is true, or when F is a field the
 *   item's `pii_detected` names (ssn, dob, account_number, …); the original_value and
 *   corrected_value of the `corrections` entries about such a field (in an outbox
 *   entry's changes, which carry no extracted_data to tell, of every entry);
 * - audits: golden_record.F.value for ssn, date_of_birth, bank_account_number and
 *   whatever `pii_detected` names; every entry of inconsistencies[i].values when that
 *   inconsistency's `field` is one of those.
 * Names, ids, file names, statuses and scores are not: queues and search use them.
 */
#pragma once

#include "af-cache-key.h"
#include "af-codec.h"
#include "af-table.h"
#include "af-value.h"

G_BEGIN_DECLS

/* The attribute an item gets (at its top level, app-local) when some of its sealed
 * values failed authentication: an L of the paths. Such values read as "***". */
#define AF_PII_INTEGRITY_ATTRIBUTE "_integrity_failures"

/* Called for each personal leaf; returns its replacement (transfer full), or NULL to
 * leave it as it is. @path is like "extracted_data.employee_ssn.value" or
 * "corrections[0].original_value". */
typedef AfValue *(*AfPiiLeafFunc) (const AfValue *leaf,
                                   const char    *path,
                                   gpointer       data);

/* @value (an item of @table, or an outbox entry's changes) with every personal leaf
 * replaced by @func's answer; untouched subtrees are shared. (transfer full) */
AfValue  *af_pii_transform     (AfTable         table,
                                const AfValue  *value,
                                AfPiiLeafFunc   func,
                                gpointer        data);

/* Every personal leaf sealed; @ad names where the value is stored ("documents/ID"),
 * the leaf's path is appended to it. A leaf sealed already is left alone. */
AfValue  *af_pii_seal          (AfCacheKey     *key,
                                AfTable         table,
                                const AfValue  *value,
                                const char     *ad);
/* What af_pii_seal() would put in place of each personal leaf of @value, appended to
 * @out (AfCodecReplacement: the leaf, borrowed, and its sealed B, owned by the caller),
 * without building the sealed item: af_codec_write_item_replacing() then writes the
 * sealed item's text from @value at the cost of writing @value, where af_pii_seal()
 * copied every map on the way to each personal leaf. The leaves are told by identity,
 * so no node of @value may stand in two places (none of a parsed item does). */
void      af_pii_seal_leaves   (AfCacheKey     *key,
                                AfTable         table,
                                const AfValue  *value,
                                const char     *ad,
                                GArray         *out);
/* Every sealed leaf opened (wherever it is: the rule may have changed since). A leaf
 * that fails authentication becomes "***" and its path is listed under
 * AF_PII_INTEGRITY_ATTRIBUTE, when @value is a map. (transfer full) */
AfValue  *af_pii_open          (AfCacheKey     *key,
                                const AfValue  *value,
                                const char     *ad,
                                guint          *out_failures);

/* Personal leaves shown masked: every letter and digit but the last four becomes '*'
 * ("980-21-9185" -> "***-**-9185"); a short value is masked whole. */
char     *af_pii_mask_text     (const char     *text);
AfValue  *af_pii_mask          (AfTable         table,
                                const AfValue  *value);

G_END_DECLS
