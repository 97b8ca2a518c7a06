/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-conflict-banner.h — the bar over an item's page while the item is in conflict:
 * both values are kept until the reviewer chooses theirs, hers, or a merged text.
 *
 * (AdwBanner would do, but it is libadwaita 1.3; this is a revealer styled alike.)
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store-thread.h"

#include "af-store.h"

G_BEGIN_DECLS

#define AFD_TYPE_CONFLICT_BANNER (afd_conflict_banner_get_type ())
G_DECLARE_FINAL_TYPE (AfdConflictBanner, afd_conflict_banner, AFD, CONFLICT_BANNER, GtkWidget)

/* Shows the banner when @item_id has an open conflict (NULL hides it), once the store's
 * thread has said so. Emits ::resolved (item id) once the reviewer's choice is committed;
 * a failed commit is told in a toast and the banner comes back. */
void      afd_conflict_banner_set_item     (AfdConflictBanner *self,
                                            AfStoreThread     *store_thread,
                                            const char        *item_id);
gboolean  afd_conflict_banner_is_revealed  (AfdConflictBanner *self);
/* The text the Edit… dialog starts from: both values. */
char     *afd_conflict_banner_dup_merge_text (AfdConflictBanner *self);

G_END_DECLS
