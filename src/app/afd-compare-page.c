/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-compare-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-store-async.h"
#include "afd-audit-sections.h"
#include "afd-compare-page.h"
#include "afd-document-viewer.h"
#include "afd-format.h"

/* Each document asks for this much width; two fit side by side in the detail pane of a
 * 1280-pixel window with the queues folded away, and fold into one after another below. */
#define DOCUMENT_MIN_WIDTH 420

/* One document the inconsistency names, with the value it gave. */
typedef struct
{
  char            *document_id;
  char            *value;       /* (nullable) the document gave none */
  GtkWidget       *row;         /* its row in the values list */
  GtkLabel        *value_label;
  GtkWidget       *shown_mark;  /* "Shown" when folded and this is the document in view */
  AfdDocumentPage *page;        /* (nullable) the document is not on this computer */
} Source;

struct _AfdComparePage
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkLabel        *severity_badge;
  GtkLabel        *title_label;
  GtkToggleButton *reveal_button;
  GtkLabel        *description_label;
  GtkListBox      *values_list;
  GtkBox          *documents;

  /* owned references */
  GArray          *sources;         /* of Source */
  char            *field;           /* (nullable) the audit's field the values disagree on */
  char            *title;           /* (nullable) */
  char            *severity_class;  /* (nullable) */
  AfdWorkspace    *workspace;       /* (owned) (nullable) */
  char            *audit_id;        /* (owned) (nullable) */
  guint            index;           /* of the inconsistency in the audit's list */
  GCancellable    *cancellable;     /* (owned) (nullable) the reads in flight */
  guint            marks_source;

  guint            shown;           /* the document in view when one at a time */
  gboolean         folded;          /* one at a time: they do not fit side by side */
  guint            fold_source;     /* folding or unfolding, after an allocation */
};

G_DEFINE_FINAL_TYPE (AfdComparePage, afd_compare_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
source_clear (gpointer data)
{
  Source *source = data;

  g_free (source->document_id);
  g_free (source->value);
}

static Source *
source_at (AfdComparePage *self,
           guint           position)
{
  return &g_array_index (self->sources, Source, position);
}

static void
clear (AfdComparePage *self)
{
  GtkWidget *child;

  /* First, so that the layout's notifications while emptied find no source to mark. */
  g_array_set_size (self->sources, 0);
  afd_list_box_clear (self->values_list);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->documents))) != NULL)
    gtk_box_remove (self->documents, child);
  self->shown = 0;
  g_clear_pointer (&self->field, g_free);
  g_clear_pointer (&self->title, g_free);
}

/* ---- the inconsistency ---- */

static AfValue *
find_inconsistency (const AfValue *audit,
                    guint          index)
{
  AfValue *list = af_value_map_get (audit, "inconsistencies");
  AfValue *inconsistency;

  if (list == NULL || af_value_get_kind (list) != AF_TYPE_L || index >= af_value_list_length (list))
    return NULL;
  inconsistency = af_value_list_nth (list, index);
  return af_value_get_kind (inconsistency) == AF_TYPE_M ? inconsistency : NULL;
}

static gboolean
has_source (AfdComparePage *self,
            const char     *document_id)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (g_strcmp0 (source_at (self, i)->document_id, document_id) == 0)
      return TRUE;
  return FALSE;
}

static void
add_source (AfdComparePage *self,
            const char     *document_id,
            const AfValue  *values)
{
  Source source = { 0 };
  AfValue *value;

  if (document_id == NULL || has_source (self, document_id))
    return;
  value = values != NULL ? af_value_map_get (values, document_id) : NULL;
  source.document_id = g_strdup (document_id);
  source.value = g_strdup (value != NULL ? af_value_get_string (value) : NULL);
  g_array_append_val (self->sources, source);
}

/* The pipeline's order of documents first (source_documents), then any document that
 * only the values name. */
static void
collect_sources (AfdComparePage *self,
                 const AfValue  *inconsistency)
{
  AfValue *listed = af_value_map_get (inconsistency, "source_documents");
  AfValue *values = af_value_map_get (inconsistency, "values");

  if (values != NULL && af_value_get_kind (values) != AF_TYPE_M)
    values = NULL;
  for (guint i = 0; listed != NULL && af_value_get_kind (listed) == AF_TYPE_L &&
                    i < af_value_list_length (listed); i++)
    add_source (self, af_value_get_string (af_value_list_nth (listed, i)), values);
  for (guint i = 0; values != NULL && i < af_value_map_size (values); i++)
    add_source (self, af_value_map_name_at (values, i), values);
}

static void
show_summary (AfdComparePage *self,
              const AfValue  *inconsistency)
{
  const char *severity = afd_risk_level_normalize (af_item_get_s (inconsistency, "severity"), -1);

  self->field = g_strdup (af_item_get_s (inconsistency, "field"));
  self->title = afd_field_label (self->field);
  gtk_label_set_label (self->title_label, self->title);
  gtk_label_set_label (self->description_label,
                       af_item_get_s (inconsistency, "description") ?: AFD_ABSENT);
  gtk_label_set_label (self->severity_badge, afd_risk_level_label (severity));
  if (self->severity_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->severity_badge), self->severity_class);
  g_free (self->severity_class);
  self->severity_class = g_strdup (afd_level_css_class (severity));
  gtk_widget_add_css_class (GTK_WIDGET (self->severity_badge), self->severity_class);
}

/* ---- the values, together ---- */

static char *
shown_value (AfdComparePage *self,
             const char     *value)
{
  if (value != NULL && afd_field_is_pii (self->field) &&
      !gtk_toggle_button_get_active (self->reveal_button))
    return afd_mask_pii (self->field, value);
  return g_strdup (value);
}

/* Each value as shown (masked or not), with where it parts from the others marked. */
static void
update_values (AfdComparePage *self)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->sources->len; i++)
    g_ptr_array_add (shown, shown_value (self, source_at (self, i)->value));
  g_ptr_array_add (shown, NULL);
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *source = source_at (self, i);
      g_autofree char *markup =
        afd_markup_difference (g_ptr_array_index (shown, i), (const char * const *) shown->pdata);

      gtk_label_set_markup (source->value_label, markup);
    }
}

static GtkWidget *
row_label_new (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* The value first, large and monospace (style.css), with where it parts from the
 * others marked; under it, the document it comes from. A click anywhere on the row
 * shows that document. */
static GtkWidget *
value_row_new (Source        *source,
               const AfValue *document)
{
  g_autofree char *name = document != NULL ? afd_document_name (document)
                                           : g_strdup_printf (_("Document %s — not on this computer"),
                                                              source->document_id);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *document_label = row_label_new ("compare-document");

  source->value_label = GTK_LABEL (row_label_new ("compare-value"));
  /* A click on the value is a click on its row, which shows the document (where Ctrl+C
   * copies the value, revealed or not as the reviewer chose). Selectable text would
   * take that click for a selection; only a value whose document is not here, whose
   * row leads nowhere, can be selected to be copied. */
  gtk_label_set_selectable (source->value_label, document == NULL);
  gtk_label_set_label (GTK_LABEL (document_label), name);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (source->value_label));
  gtk_box_append (GTK_BOX (texts), document_label);
  gtk_box_append (GTK_BOX (box), texts);
  source->shown_mark = gtk_label_new (_("Shown below"));
  gtk_widget_add_css_class (source->shown_mark, "dim-label");
  gtk_widget_set_visible (source->shown_mark, FALSE);
  gtk_box_append (GTK_BOX (box), source->shown_mark);
  if (document != NULL)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), document != NULL);
  if (document != NULL)
    gtk_widget_set_tooltip_text (row, _("Show this document"));
  gtk_widget_add_css_class (row, "compare-row");
  return row;
}

/* Folded, one document is in view: its row says so, and the others lead to theirs. */
static gboolean
update_shown_marks (gpointer user_data)
{
  AfdComparePage *self = user_data;
  GtkWidget *visible = GTK_WIDGET (afd_compare_page_get_document (self, self->shown));

  self->marks_source = 0;
  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *source = source_at (self, i);

      gtk_widget_set_visible (source->shown_mark, self->folded && source->page != NULL &&
                                                  GTK_WIDGET (source->page) == visible);
    }
  return G_SOURCE_REMOVE;
}

static void
layout_changed_cb (AfdComparePage *self)
{
  if (self->marks_source == 0 && self->sources != NULL)
    self->marks_source = g_idle_add (update_shown_marks, self);
}

/* ---- side by side, or one at a time ---- */

static gboolean
documents_fit (AfdComparePage *self,
               int             width)
{
  guint n = afd_compare_page_get_n_documents (self);

  return n < 2 || width >= (int) n * (DOCUMENT_MIN_WIDTH + 1);
}

/* Side by side every document is visible; folded, only the one shown. A document hidden
 * is unmapped, as a page of a stack would be, and brought back where it was. */
static void
apply_fold (AfdComparePage *self)
{
  guint n = afd_compare_page_get_n_documents (self);

  for (guint i = 0; i < n; i++)
    gtk_widget_set_visible (GTK_WIDGET (afd_compare_page_get_document (self, i)),
                            !self->folded || i == self->shown);
  if (self->folded)
    gtk_widget_remove_css_class (GTK_WIDGET (self->documents), "side-by-side");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->documents), "side-by-side");
  layout_changed_cb (self);
}

static gboolean
fold_cb (gpointer user_data)
{
  AfdComparePage *self = user_data;

  self->fold_source = 0;
  self->folded = !documents_fit (self, gtk_widget_get_width (GTK_WIDGET (self)));
  apply_fold (self);
  return G_SOURCE_REMOVE;
}

/* ---- the documents ---- */

static void
add_document (AfdComparePage *self,
              Source         *source,
              AfdWorkspace   *workspace)
{
  GtkWidget *page = g_object_new (AFD_TYPE_DOCUMENT_PAGE, NULL);

  gtk_widget_set_size_request (page, DOCUMENT_MIN_WIDTH, -1);
  gtk_widget_set_hexpand (page, TRUE);
  /* The values are listed above: each document gives its height to its page. */
  afd_document_page_set_compact (AFD_DOCUMENT_PAGE (page), TRUE);
  gtk_box_append (self->documents, page);
  source->page = AFD_DOCUMENT_PAGE (page);
  afd_document_page_load (source->page, workspace, source->document_id);
  /* One reveal for the audit: Ctrl+Shift+P in any document reveals them all. */
  g_object_bind_property (self->reveal_button, "active",
                          afd_document_page_get_viewer (source->page), "reveal-pii",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  /* Asked for now; done once the file is open. */
  afd_document_page_reveal_source (source->page, self->field, source->value);
}

/* The documents the sources name, read on the store's thread: @data is their ids
 * (GStrv); the result holds each document, or a NULL when it is not in the cache. */
static void
document_free (gpointer document)
{
  if (document != NULL)
    af_value_unref (document);
}

static gpointer
read_documents_job (AfStore   *store,
                    gpointer   data,
                    GError   **error)
{
  char **ids = data;
  GPtrArray *documents = g_ptr_array_new_with_free_func (document_free);

  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (documents, af_store_get_item (store, AF_TABLE_DOCUMENTS, ids[i], NULL));
  return documents;
}

static void
documents_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = af_store_thread_run_finish (AF_STORE_THREAD (object), result,
                                                               &error);
  AfdComparePage *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_COMPARE_PAGE (user_data);
  for (guint i = 0; documents != NULL && i < self->sources->len; i++)
    {
      Source *source = source_at (self, i);
      AfValue *document = g_ptr_array_index (documents, i);

      source->row = value_row_new (source, document);
      gtk_list_box_append (self->values_list, source->row);
      if (document != NULL)
        add_document (self, source, self->workspace);
    }
  update_values (self);
  self->folded = !documents_fit (self, gtk_widget_get_width (GTK_WIDGET (self)));
  apply_fold (self);
  /* The keyboard reviews the first document; a row of the values list moves it on. */
  if (afd_compare_page_get_n_documents (self) > 0)
    afd_document_page_focus_review (afd_compare_page_get_document (self, 0));
}

static void
add_sources (AfdComparePage *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **ids;

  for (guint i = 0; i < self->sources->len; i++)
    g_strv_builder_add (builder, source_at (self, i)->document_id);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  af_store_thread_run_async (afd_workspace_get_store_thread (self->workspace), read_documents_job,
                             ids, (GDestroyNotify) g_strfreev,
                             (GDestroyNotify) g_ptr_array_unref, self->cancellable,
                             documents_read_cb, self);
}

static void
value_row_activated_cb (AfdComparePage *self,
                        GtkListBoxRow  *row)
{
  for (guint i = 0; i < self->sources->len; i++)
    if (source_at (self, i)->row == GTK_WIDGET (row))
      afd_compare_page_show_document (self, i);
}

static void
reveal_toggled_cb (AfdComparePage *self)
{
  gboolean reveal = gtk_toggle_button_get_active (self->reveal_button);

  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reveal_button),
                               reveal ? _("Hide Personal Data") : _("Show Personal Data"));
  update_values (self);
}

/* ---- public ---- */

static void
show_not_found (AfdComparePage *self,
                const char     *why)
{
  gtk_label_set_label (self->title_label, _("Inconsistency Not Found"));
  gtk_label_set_label (self->description_label, why);
}

static void
audit_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) audit = af_store_thread_get_item_finish (AF_STORE_THREAD (source), result,
                                                              &error);
  AfdComparePage *self;
  AfValue *inconsistency;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_COMPARE_PAGE (user_data);
  inconsistency = audit != NULL ? find_inconsistency (audit, self->index) : NULL;
  if (inconsistency == NULL)
    {
      /* The audit changed under the link (a sync), or it is gone. */
      show_not_found (self, error != NULL ? error->message : self->audit_id);
      return;
    }
  show_summary (self, inconsistency);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  collect_sources (self, inconsistency);
  add_sources (self);
}

void
afd_compare_page_load (AfdComparePage *self,
                       AfdWorkspace   *workspace,
                       const char     *audit_id,
                       guint           index,
                       gboolean        reveal)
{
  g_return_if_fail (AFD_IS_COMPARE_PAGE (self));
  g_return_if_fail (AFD_IS_WORKSPACE (workspace));

  clear (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->workspace, workspace);
  g_free (self->audit_id);
  self->audit_id = g_strdup (audit_id);
  self->index = index;
  gtk_toggle_button_set_active (self->reveal_button, reveal);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  af_store_thread_get_item_async (afd_workspace_get_store_thread (workspace), AF_TABLE_AUDITS,
                                  audit_id, self->cancellable, audit_read_cb, self);
}

const char *
afd_compare_page_get_title (AfdComparePage *self)
{
  g_return_val_if_fail (AFD_IS_COMPARE_PAGE (self), NULL);
  return self->title != NULL ? self->title : _("Inconsistency");
}

guint
afd_compare_page_get_n_documents (AfdComparePage *self)
{
  guint n = 0;

  g_return_val_if_fail (AFD_IS_COMPARE_PAGE (self), 0);
  for (guint i = 0; i < self->sources->len; i++)
    n += source_at (self, i)->page != NULL;
  return n;
}

AfdDocumentPage *
afd_compare_page_get_document (AfdComparePage *self,
                               guint           position)
{
  g_return_val_if_fail (AFD_IS_COMPARE_PAGE (self), NULL);

  for (guint i = 0; i < self->sources->len; i++)
    {
      Source *source = source_at (self, i);

      if (source->page != NULL && position-- == 0)
        return source->page;
    }
  return NULL;
}

void
afd_compare_page_show_document (AfdComparePage *self,
                                guint           position)
{
  AfdDocumentPage *page = afd_compare_page_get_document (self, position);

  g_return_if_fail (page != NULL);
  self->shown = position;
  apply_fold (self);
  /* The keyboard follows, so that F8 and Enter review the document now shown. */
  afd_document_page_focus_review (page);
}

static void
afd_compare_page_dispose (GObject *object)
{
  AfdComparePage *self = AFD_COMPARE_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->marks_source, g_source_remove);
  g_clear_handle_id (&self->fold_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->audit_id, g_free);
  g_clear_pointer (&self->sources, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_COMPARE_PAGE);
  /* GTK 4.8 only drops the template children that are bound by name. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->field, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->severity_class, g_free);

  G_OBJECT_CLASS (afd_compare_page_parent_class)->dispose (object);
}

static void
afd_compare_page_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size, minimum,
                      natural, NULL, NULL);
  /* The width of one document: narrower, the documents go one at a time instead of
   * making the window wider (see size_allocate). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = MIN (*minimum, DOCUMENT_MIN_WIDTH);
}

/* The page decides whether the documents fit side by side, and changes that just after
 * the allocation (changing widgets while they are allocated leaves them unallocated):
 * until then the layout that no longer fits is clipped, for one frame. */
static void
afd_compare_page_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  AfdComparePage *self = AFD_COMPARE_PAGE (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  int child_min;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
  gtk_widget_allocate (child, MAX (width, child_min), height, baseline, NULL);
  if (self->fold_source == 0 && documents_fit (self, width) == self->folded)
    self->fold_source = g_idle_add (fold_cb, self);
}

static void
afd_compare_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, afd_compare_page_get_title (AFD_COMPARE_PAGE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_compare_page_class_init (AfdComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_compare_page_dispose;
  object_class->get_property = afd_compare_page_get_property;

  /* Changes when the audit's answer comes from the store's thread. */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                                                G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, severity_badge);
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, values_list);
  gtk_widget_class_bind_template_child (widget_class, AfdComparePage, documents);
  gtk_widget_class_bind_template_callback (widget_class, value_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, reveal_toggled_cb);
  widget_class->measure = afd_compare_page_measure;
  widget_class->size_allocate = afd_compare_page_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "afd-compare-page");
}

static void
afd_compare_page_init (AfdComparePage *self)
{
  self->sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_array_set_clear_func (self->sources, source_clear);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}
