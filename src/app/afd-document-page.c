/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-document-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-store-async.h"
#include "afd-document-page.h"
#include "afd-format.h"
#include "afd-document-viewer.h"

struct _AfdDocumentPage
{
  GtkWidget      parent_instance;

  /* template widgets */
  GtkWidget     *content;
  GtkLabel      *name_label;
  GtkLabel      *facts_label;
  GtkLabel      *status_badge;
  GtkLabel      *failed_label;
  GtkStack      *preview_stack;
  GtkSpinner    *spinner;
  GtkPicture    *picture;
  AdwStatusPage *error_page;
  AfdDocumentViewer *viewer;

  /* owned references */
  AfdWorkspace  *workspace;     /* (nullable) told when a correction is saved */
  GCancellable  *cancellable;   /* (nullable) the load in flight */
  char          *title;         /* (nullable) */
  char          *status_class;  /* (nullable) */
  char          *document_id;   /* (nullable) being read */
  char          *reveal_field;  /* (nullable) to reveal once the document is read */
  char          *reveal_value;  /* (nullable) */

  gboolean       loading;       /* the document is being read */
  gboolean       focus_pending; /* the review takes the keyboard once it is read */
};

G_DEFINE_FINAL_TYPE (AfdDocumentPage, afd_document_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (AfdDocumentPage *self,
            const char      *message)
{
  gtk_spinner_stop (self->spinner);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->preview_stack, "error");
}

static void
set_status (AfdDocumentPage *self,
            const char      *status)
{
  if (self->status_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_badge), self->status_class);
  g_free (self->status_class);
  self->status_class = g_strdup (g_strcmp0 (status, "FAILED") == 0 ? "level-critical"
                                                                    : "level-none");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_badge), self->status_class);
  gtk_label_set_label (self->status_badge, afd_status_label (status));
  gtk_widget_set_visible (GTK_WIDGET (self->failed_label), g_strcmp0 (status, "FAILED") == 0);
}

static void
show_facts (AfdDocumentPage *self,
            const AfValue   *document)
{
  g_autofree char *size = afd_format_size (af_item_get_n (document, "file_size_bytes"));
  g_autofree char *uploaded = afd_format_iso_time (af_item_get_s (document, "upload_timestamp"));
  g_autofree char *facts = NULL;

  self->title = g_strdup (afd_document_type_label (af_item_get_s (document, "document_type")));
  gtk_label_set_label (self->name_label, af_item_get_s (document, "file_name") ?: AFD_ABSENT);
  /* TRANSLATORS: document type · loan id · file format · size · upload time */
  facts = g_strdup_printf (_("%s · %s · %s · %s · uploaded %s"), self->title,
                           af_item_get_s (document, "loan_application_id") ?: AFD_ABSENT,
                           af_item_get_s (document, "file_format") ?: AFD_ABSENT,
                           size ?: AFD_ABSENT, uploaded ?: AFD_ABSENT);
  gtk_label_set_label (self->facts_label, facts);
  /* Compact, the facts are the name's tooltip. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label),
                               gtk_widget_get_visible (GTK_WIDGET (self->facts_label)) ? NULL : facts);
  set_status (self, af_item_get_s (document, "processing_status"));
}

static void
cancel_load (AfdDocumentPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

static void
show_missing (AfdDocumentPage *self,
              const GError    *error)
{
  gtk_label_set_label (self->name_label, _("Document Not Found"));
  gtk_label_set_label (self->facts_label, self->document_id);
  set_status (self, NULL);
  show_error (self, error->message);
}

/* The review workspace: pages and fields. A file it cannot show is a message in place
 * of the pages; the fields stay reviewable. */
static void
show_document (AfdDocumentPage *self,
               const AfValue   *document)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  show_facts (self, document);
  path = afd_workspace_resolve_object (self->workspace, document, NULL, &error);
  afd_document_viewer_set_document (self->viewer, afd_workspace_get_store_thread (self->workspace),
                                    document, path);
  if (path == NULL)
    afd_document_viewer_show_error (self->viewer, error->message);
  gtk_stack_set_visible_child_name (self->preview_stack, "viewer");
}

/* What was asked of the page while it read the document. */
static void
apply_pending (AfdDocumentPage *self)
{
  g_autofree char *field = g_steal_pointer (&self->reveal_field);
  g_autofree char *value = g_steal_pointer (&self->reveal_value);

  if (field != NULL)
    afd_document_page_reveal_source (self, field, value);
  if (self->focus_pending)
    afd_document_viewer_focus_review (self->viewer);
  self->focus_pending = FALSE;
}

static void
document_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) document = af_store_thread_get_item_finish (AF_STORE_THREAD (source), result,
                                                                 &error);
  AfdDocumentPage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_DOCUMENT_PAGE (user_data);
  self->loading = FALSE;
  if (document == NULL)
    show_missing (self, error);
  else
    show_document (self, document);
  apply_pending (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
afd_document_page_load (AfdDocumentPage *self,
                        AfdWorkspace    *workspace,
                        const char      *document_id)
{
  g_return_if_fail (AFD_IS_DOCUMENT_PAGE (self));
  g_return_if_fail (AFD_IS_WORKSPACE (workspace));

  cancel_load (self);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->reveal_field, g_free);
  g_clear_pointer (&self->reveal_value, g_free);
  self->focus_pending = FALSE;
  gtk_picture_set_paintable (self->picture, NULL);
  g_set_object (&self->workspace, workspace);
  g_free (self->document_id);
  self->document_id = g_strdup (document_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);

  self->loading = TRUE;
  self->cancellable = g_cancellable_new ();
  af_store_thread_get_item_async (afd_workspace_get_store_thread (workspace), AF_TABLE_DOCUMENTS,
                                  document_id, self->cancellable, document_read_cb, self);
}

void
afd_document_page_focus_review (AfdDocumentPage *self)
{
  g_return_if_fail (AFD_IS_DOCUMENT_PAGE (self));

  if (self->loading)
    self->focus_pending = TRUE;
  else
    afd_document_viewer_focus_review (self->viewer);
}

gboolean
afd_document_page_reveal_source (AfdDocumentPage *self,
                                 const char      *field,
                                 const char      *value)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_PAGE (self), FALSE);

  if (self->loading)
    {
      g_free (self->reveal_field);
      self->reveal_field = g_strdup (field);
      g_free (self->reveal_value);
      self->reveal_value = g_strdup (value);
      return TRUE;
    }
  if (afd_document_viewer_reveal_field (self->viewer, field))
    return TRUE;
  return afd_document_viewer_reveal_source (self->viewer, field, value);
}

static void
on_corrected (AfdDocumentPage *self)
{
  if (self->workspace != NULL)
    afd_workspace_changed (self->workspace, FALSE);   /* a correction joins the outbox */
}

const char *
afd_document_page_get_title (AfdDocumentPage *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_PAGE (self), NULL);
  return self->title != NULL ? self->title : _("Document");
}

/* Among documents compared, the height goes to the document itself: smaller margins,
 * the name on one line (its facts in its tooltip), and the viewer compact. */
void
afd_document_page_set_compact (AfdDocumentPage *self,
                               gboolean         compact)
{
  g_return_if_fail (AFD_IS_DOCUMENT_PAGE (self));

  gtk_widget_set_margin_top (self->content, compact ? 6 : 18);
  gtk_widget_set_margin_bottom (self->content, compact ? 6 : 18);
  gtk_widget_set_margin_start (self->content, compact ? 12 : 18);
  gtk_widget_set_margin_end (self->content, compact ? 12 : 18);
  gtk_box_set_spacing (GTK_BOX (self->content), compact ? 6 : 12);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_label), !compact);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_label), compact ? "title-2" : "heading");
  gtk_widget_add_css_class (GTK_WIDGET (self->name_label), compact ? "heading" : "title-2");
  gtk_label_set_wrap (self->name_label, !compact);
  gtk_label_set_ellipsize (self->name_label, compact ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_NONE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label),
                               compact ? gtk_label_get_label (self->facts_label) : NULL);
  afd_document_viewer_set_compact (self->viewer, compact);
}

AfdDocumentViewer *
afd_document_page_get_viewer (AfdDocumentPage *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_PAGE (self), NULL);
  return self->viewer;
}

static void
afd_document_page_dispose (GObject *object)
{
  AfdDocumentPage *self = AFD_DOCUMENT_PAGE (object);

  cancel_load (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_DOCUMENT_PAGE);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->status_class, g_free);
  g_clear_pointer (&self->document_id, g_free);
  g_clear_pointer (&self->reveal_field, g_free);
  g_clear_pointer (&self->reveal_value, g_free);
  g_clear_object (&self->workspace);

  G_OBJECT_CLASS (afd_document_page_parent_class)->dispose (object);
}

static void
afd_document_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, afd_document_page_get_title (AFD_DOCUMENT_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_document_page_class_init (AfdDocumentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_document_page_dispose;
  object_class->get_property = afd_document_page_get_property;

  /* Changes when the document's answer comes from the store's thread. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-document-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, content);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, facts_label);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, status_badge);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, failed_label);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, picture);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentPage, viewer);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
afd_document_page_init (AfdDocumentPage *self)
{
  g_type_ensure (AFD_TYPE_DOCUMENT_VIEWER);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->viewer, "corrected", G_CALLBACK (on_corrected), self);
}
