/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-edit-reply"

#include "afd-edit-reply.h"

AfdEditReply *
afd_edit_reply_new (gpointer    page,
                    const char *item_id)
{
  AfdEditReply *reply = g_new0 (AfdEditReply, 1);

  g_weak_ref_init (&reply->page, page);
  reply->item_id = g_strdup (item_id);
  return reply;
}

void
afd_edit_reply_free (AfdEditReply *reply)
{
  g_weak_ref_clear (&reply->page);
  g_free (reply->item_id);
  g_clear_pointer (&reply->before, af_value_unref);
  g_free (reply);
}

gpointer
afd_edit_reply_get_page (AfdEditReply *reply,
                         AfdShownId    shown_id)
{
  GObject *page = g_weak_ref_get (&reply->page);

  if (page != NULL && g_strcmp0 (shown_id (page), reply->item_id) != 0)
    g_clear_object (&page);
  return page;
}
