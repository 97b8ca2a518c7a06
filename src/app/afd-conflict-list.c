/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-conflict-list"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-async.h"
#include "afd-conflict-list.h"

struct _AfdConflictList
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkWidget  *box;
  GtkLabel   *count_label;
  GtkListBox *list_box;

  /* owned references */
  GCancellable *cancellable;   /* (nullable) the list being read */

  guint       count;
};

G_DEFINE_FINAL_TYPE (AfdConflictList, afd_conflict_list, GTK_TYPE_WIDGET)

static const char *
table_title (AfTable table)
{
  switch (table)
    {
    case AF_TABLE_AUDITS:
      return _("Audit");
    case AF_TABLE_DOCUMENTS:
      return _("Document");
    case AF_TABLE_ANALYSES:
      return _("Artwork");
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return _("Item");
    }
}

static GtkWidget *
row_new (const AfConflict *conflict)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = gtk_label_new (NULL);
  g_autofree char *text = g_strdup_printf ("%s %s", table_title (conflict->table),
                                           conflict->item_id);

  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_widget_set_name (row, conflict->item_id);
  gtk_widget_set_tooltip_text (row, conflict->item_id);
  return row;
}

static void
row_activated_cb (AfdConflictList *self,
                  GtkListBoxRow   *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.open-item", "s",
                              gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
clear_rows (AfdConflictList *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
}

static void
afd_conflict_list_dispose (GObject *object)
{
  AfdConflictList *self = AFD_CONFLICT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), AFD_TYPE_CONFLICT_LIST);
  G_OBJECT_CLASS (afd_conflict_list_parent_class)->dispose (object);
}

static void
afd_conflict_list_class_init (AfdConflictListClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = afd_conflict_list_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-conflict-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdConflictList, box);
  gtk_widget_class_bind_template_child (widget_class, AfdConflictList, count_label);
  gtk_widget_class_bind_template_child (widget_class, AfdConflictList, list_box);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
afd_conflict_list_init (AfdConflictList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = af_store_thread_list_finish (AF_STORE_THREAD (source), result,
                                                                &error);
  g_autofree char *count = NULL;
  AfdConflictList *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_CONFLICT_LIST (user_data);
  if (conflicts == NULL)
    {
      g_warning ("Cannot list the conflicts: %s", error->message);
      return;
    }
  clear_rows (self);
  for (guint i = 0; i < conflicts->len; i++)
    gtk_list_box_append (self->list_box, row_new (g_ptr_array_index (conflicts, i)));
  self->count = conflicts->len;
  count = g_strdup_printf ("%u", self->count);
  gtk_label_set_label (self->count_label, count);
  gtk_widget_set_visible (GTK_WIDGET (self), self->count > 0);
}

void
afd_conflict_list_refresh (AfdConflictList *self,
                           AfStoreThread   *store_thread)
{
  g_return_if_fail (AFD_IS_CONFLICT_LIST (self));
  g_return_if_fail (AF_IS_STORE_THREAD (store_thread));

  /* Only the latest answer counts. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  af_store_thread_conflict_list_async (store_thread, self->cancellable, listed_cb, self);
}

guint
afd_conflict_list_get_count (AfdConflictList *self)
{
  g_return_val_if_fail (AFD_IS_CONFLICT_LIST (self), 0);
  return self->count;
}
