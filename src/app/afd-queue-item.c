/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-item"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-queue-item.h"
#include "afd-queue-row.h"

static GtkWidget *
label_new (GtkAlign     valign,
           const char  *text,
           const char **classes)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, valign);
  gtk_widget_set_css_classes (label, classes);
  return label;
}

static GtkWidget *
line_new (const char **classes)
{
  GtkWidget *label = label_new (GTK_ALIGN_FILL, NULL, classes);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  return label;
}

/* box [ text [ title, subtitle ], "Reviewed", badge ]: bind_cb walks it in this order. */
static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), line_new ((const char *[]) { "heading", NULL }));
  gtk_box_append (GTK_BOX (text), line_new ((const char *[]) { "dim-label", "caption", NULL }));
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), label_new (GTK_ALIGN_CENTER, _("Reviewed"),
                                            (const char *[]) { "badge", "reviewed", NULL }));
  gtk_box_append (GTK_BOX (box), label_new (GTK_ALIGN_CENTER, NULL, NULL));
  gtk_list_item_set_child (item, box);
}

/* A row widget is bound again and again while a list scrolls (GTK 4.8's list view keeps
 * ~200 and rebinds them to the rows, or "Loading…" placeholders, that come into its
 * range): a label or a style that is already right is left alone, as setting it costs
 * a notify freeze and thaw, and new styles, even when nothing changes. */
static void
set_label (GtkWidget  *label,
           const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text) != 0)
    gtk_label_set_label (GTK_LABEL (label), text);
}

static void
set_classes (GtkWidget   *widget,
             const char **classes)
{
  g_auto(GStrv) now = gtk_widget_get_css_classes (widget);
  guint n = 0;

  /* The same classes in any order (GTK keeps its own). */
  while (classes[n] != NULL && gtk_widget_has_css_class (widget, classes[n]))
    n++;
  if (classes[n] != NULL || g_strv_length (now) != n)
    gtk_widget_set_css_classes (widget, classes);
}

/* Rows never change once made (a new page brings new rows): set once, no bindings. */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item)
{
  AfdQueueRow *row = gtk_list_item_get_item (item);
  GtkWidget *text = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *title = gtk_widget_get_first_child (text);
  GtkWidget *reviewed = gtk_widget_get_next_sibling (text);
  GtkWidget *badge = gtk_widget_get_next_sibling (reviewed);

  set_label (title, afd_queue_row_get_title (row));
  set_label (gtk_widget_get_next_sibling (title), afd_queue_row_get_subtitle (row));
  gtk_widget_set_visible (reviewed, afd_queue_row_get_reviewed (row));
  set_label (badge, afd_queue_row_get_badge (row));
  set_classes (badge, afd_queue_row_get_badge_classes (row) != NULL
                      ? afd_queue_row_get_badge_classes (row)
                      : (const char *[]) { NULL });
}

GtkListItemFactory *
afd_queue_item_factory_new (void)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  return factory;
}
