/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-item"

#include "config.h"

#include "afd-queue-item.h"
#include "afd-queue-row-view.h"

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  gtk_list_item_set_child (item, afd_queue_row_view_new ());
}

/* Set once, no bindings: a row's texts change only when a "Loading…" row is filled in
 * place, which the row view follows itself (afd_queue_row_view_set_row()). A row bound
 * and never drawn costs a few string compares (afd-queue-row-view.c). */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item)
{
  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (gtk_list_item_get_child (item)),
                              gtk_list_item_get_item (item));
}

GtkListItemFactory *
afd_queue_item_factory_new (void)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  return factory;
}
