/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-search-model-private.h — what the tests read of a search model: how many searches
 * it started and how many groups it took in, to tell that typing is debounced and that
 * a superseded search's results are dropped.
 */
#pragma once

#include "afd-search-model.h"

G_BEGIN_DECLS

guint afd_search_model_get_n_started   (AfdSearchModel *self);
guint afd_search_model_get_n_delivered (AfdSearchModel *self);

G_END_DECLS
