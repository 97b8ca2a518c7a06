/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-waiting-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-submit.h"
#include "afd-format.h"
#include "afd-waiting-list.h"

struct _AfdWaitingList
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkWidget    *box;
  GtkListBox   *waiting_rows;   /* not sent yet, under "Waiting to Upload" */
  GtkListBox   *uploaded_rows;  /* sent, their analysis not here yet */

  /* owned references */
  AfdWorkspace *workspace;     /* (nullable) */
  GCancellable *cancellable;   /* (nullable) the read in flight */

  guint         n_waiting;     /* not sent yet: what the outbox line counts */
  guint         n_rows;        /* those, and the sent ones whose analysis is not here yet */
  gboolean      artworks;
};

G_DEFINE_FINAL_TYPE (AfdWaitingList, afd_waiting_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_N_WAITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_visible (AfdWaitingList *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self), self->artworks && self->n_rows > 0);
}

static GtkWidget *
row_new (const AfValue *waiting)
{
  g_autofree char *when = afd_format_unix_time (af_item_get_n (waiting, "created_at"), TRUE);
  gboolean uploaded = af_item_get_bool (waiting, "uploaded", FALSE);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  if (uploaded)
    /* TRANSLATORS: a sent artwork whose analysis the next sync brings, and when it was queued */
    subtitle = g_strdup_printf (_("Uploaded, waiting for analysis · queued %s"), when ?: "?");
  else
    /* TRANSLATORS: a queued artwork, and when it was queued */
    subtitle = g_strdup_printf (_("Waiting to upload · queued %s"), when ?: "?");

  /* A file name is the user's text: never Pango markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), af_item_get_s (waiting, "filename"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name (uploaded ? "content-loading-symbolic"
                                                                    : "document-send-symbolic"));
  return row;
}

static void
clear_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Each row under the heading that is true of it: a sent artwork is no longer waiting to
 * upload. A section without rows is hidden, and its heading with it (the .ui binds it). */
static void
show_rows (AfdWaitingList *self,
           GPtrArray      *waiting)
{
  guint n_waiting = 0;

  clear_rows (self->waiting_rows);
  clear_rows (self->uploaded_rows);
  for (guint i = 0; i < waiting->len; i++)
    {
      const AfValue *submission = g_ptr_array_index (waiting, i);
      gboolean uploaded = af_item_get_bool (submission, "uploaded", FALSE);

      gtk_list_box_append (uploaded ? self->uploaded_rows : self->waiting_rows,
                           row_new (submission));
      n_waiting += !uploaded;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_rows), n_waiting > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->uploaded_rows), waiting->len > n_waiting);
  self->n_rows = waiting->len;
  if (self->n_waiting != n_waiting)
    {
      self->n_waiting = n_waiting;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WAITING]);
    }
  update_visible (self);
}

/* On the store's thread. */
static gpointer
list_waiting_job (AfStore   *store,
                  gpointer   data,
                  GError   **error)
{
  return af_submit_list_waiting (store, error);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = af_store_thread_run_finish (AF_STORE_THREAD (source), result,
                                                             &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (waiting == NULL)
    {
      g_warning ("Could not read the queued submissions: %s", error->message);
      return;
    }
  show_rows (AFD_WAITING_LIST (user_data), waiting);
}

void
afd_waiting_list_reload (AfdWaitingList *self)
{
  g_return_if_fail (AFD_IS_WAITING_LIST (self));

  if (self->workspace == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  af_store_thread_run_async (afd_workspace_get_store_thread (self->workspace), list_waiting_job,
                             NULL, NULL, (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                             loaded_cb, self);
}

void
afd_waiting_list_set_workspace (AfdWaitingList *self,
                                AfdWorkspace   *workspace)
{
  g_return_if_fail (AFD_IS_WAITING_LIST (self));
  g_return_if_fail (self->workspace == NULL);

  self->workspace = g_object_ref (workspace);
  g_signal_connect_object (workspace, "changed", G_CALLBACK (afd_waiting_list_reload), self,
                           G_CONNECT_SWAPPED);
  afd_waiting_list_reload (self);
}

void
afd_waiting_list_set_artworks (AfdWaitingList *self,
                               gboolean        artworks)
{
  g_return_if_fail (AFD_IS_WAITING_LIST (self));

  self->artworks = artworks;
  update_visible (self);
}

guint
afd_waiting_list_get_n_waiting (AfdWaitingList *self)
{
  g_return_val_if_fail (AFD_IS_WAITING_LIST (self), 0);
  return self->n_waiting;
}

static void
afd_waiting_list_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  AfdWaitingList *self = AFD_WAITING_LIST (object);

  switch (prop_id)
    {
    case PROP_N_WAITING:
      g_value_set_uint (value, self->n_waiting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_waiting_list_dispose (GObject *object)
{
  AfdWaitingList *self = AFD_WAITING_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_WAITING_LIST);

  G_OBJECT_CLASS (afd_waiting_list_parent_class)->dispose (object);
}

static void
afd_waiting_list_class_init (AfdWaitingListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_waiting_list_dispose;
  object_class->get_property = afd_waiting_list_get_property;

  properties[PROP_N_WAITING] =
    g_param_spec_uint ("n-waiting", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-waiting-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdWaitingList, box);
  gtk_widget_class_bind_template_child (widget_class, AfdWaitingList, waiting_rows);
  gtk_widget_class_bind_template_child (widget_class, AfdWaitingList, uploaded_rows);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
afd_waiting_list_init (AfdWaitingList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
