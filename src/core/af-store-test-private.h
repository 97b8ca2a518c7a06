/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-test-private.h — hooks for the store's tests only; nothing in src/ includes
 * this file.
 */
#pragma once

#include "af-store.h"

G_BEGIN_DECLS

/* "after-item-update" makes the next edit fail between the item update and the outbox
 * insert; "during-put" makes the next put/import fail half-way. */
void af_store_inject_failure (AfStore    *self,
                              const char *point);

G_END_DECLS
