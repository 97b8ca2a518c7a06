/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-conflict.h — judging an outbox entry against an item whose `version` moved.
 *
 * The judgement is by attribute names, as the product's sync semantics ask: the
 * attributes that changed remotely since the cached base, against the attributes the
 * entry sets. `version` and `last_op_id` change with every write and say nothing about
 * what the other writer meant, so they never count. A correction appends to
 * `corrections`: another writer's appends do not overlap with ours.
 */
#pragma once

#include "af-store.h"

G_BEGIN_DECLS

typedef enum
{
  AF_JUDGEMENT_APPLIED,    /* the cloud already holds the entry (a retry after a lost answer) */
  AF_JUDGEMENT_MERGE,      /* disjoint changes: apply ours on the new version */
  AF_JUDGEMENT_CONFLICT,   /* both sides changed the same attribute: the user decides */
} AfJudgement;

/* Attribute names whose values differ between @base and @current (NULL-terminated,
 * sorted), version and last_op_id left out. @base NULL: every attribute of @current. */
char       **af_conflict_changed_attributes (const AfValue        *base,
                                             const AfValue        *current);

/* TRUE when @current carries the entry: its last_op_id is the entry's, or it already
 * holds every value the entry sets (for a correction: the very correction). */
gboolean     af_conflict_already_applied    (const AfOutboxEntry  *entry,
                                             const AfValue        *current);

/* @out_attributes (nullable) receives the overlapping names on a conflict. */
AfJudgement  af_conflict_judge              (const AfOutboxEntry  *entry,
                                             const AfValue        *base,
                                             const AfValue        *current,
                                             char               ***out_attributes);

G_END_DECLS
