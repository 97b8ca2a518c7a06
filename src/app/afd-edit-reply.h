/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-edit-reply.h — what a page keeps for an edit's answer from the store's thread:
 * the page (weakly: it may be gone by then), the item the edit was about (the page may
 * show another by then), and what the page showed before the edit, to take it back if
 * the commit fails.
 */
#pragma once

#include <glib-object.h>

#include "af-value.h"

G_BEGIN_DECLS

typedef struct
{
  GWeakRef  page;
  char     *item_id;
  AfValue  *before;   /* (owned) (nullable) */
} AfdEditReply;

/* The id of the item @page shows now (nullable). */
typedef const char *(*AfdShownId) (gpointer page);

AfdEditReply *afd_edit_reply_new      (gpointer       page,
                                       const char    *item_id);
void          afd_edit_reply_free     (AfdEditReply  *reply);
/* The page (transfer full) if it still lives and @shown_id says it still shows the
 * reply's item, else NULL. */
gpointer      afd_edit_reply_get_page (AfdEditReply  *reply,
                                       AfdShownId     shown_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfdEditReply, afd_edit_reply_free)

G_END_DECLS
