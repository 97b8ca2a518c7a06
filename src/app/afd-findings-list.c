/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-findings-list"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-findings-list.h"

#define COMMENT_DEBOUNCE_MS 700

/* The dropdown's order: "Not marked" first, then the marks. */
static const char * const statuses[] = { NULL, "OK", "CHECK", "WARNING" };

typedef struct
{
  AfdFindingsList *list;      /* (unowned) */
  AfFinding       *finding;   /* (owned) */
  GtkDropDown     *status;    /* (nullable) read-only lists have none */
  GtkEntry        *comment;   /* (nullable) */
  guint            comment_source;
} Row;

struct _AfdFindingsList
{
  GtkWidget   parent_instance;

  GtkLabel   *message;
  GtkListBox *box;
  GPtrArray  *rows;           /* (element-type Row) in the list's order */
  gboolean    read_only;
  gboolean    loading;        /* rows are being filled: no ::mark-changed */
};

enum
{
  PROP_0,
  PROP_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_FINDING_ACTIVATED,
  SIGNAL_MARK_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AfdFindingsList, afd_findings_list, GTK_TYPE_WIDGET)

const char *
afd_finding_status_label (const char *status)
{
  if (g_strcmp0 (status, "OK") == 0)
    return _("OK");
  if (g_strcmp0 (status, "CHECK") == 0)
    return _("To check");
  if (g_strcmp0 (status, "WARNING") == 0)
    return _("Warning");
  return _("Not marked");
}

const char *
afd_finding_kind_label (AfFindingKind kind)
{
  switch (kind)
    {
    case AF_FINDING_KIND_EDITING_SOFTWARE: return _("Editing software");
    case AF_FINDING_KIND_AI_GENERATED: return _("Declared AI-generated");
    case AF_FINDING_KIND_DATE_MISMATCH: return _("Modified after capture");
    case AF_FINDING_KIND_THUMBNAIL_MISMATCH: return _("Thumbnail differs");
    case AF_FINDING_KIND_COPY_MOVE: return _("Copy-move (clone)");
    case AF_FINDING_KIND_ELA_REGION: return _("Error level stands out");
    case AF_FINDING_KIND_NO_METADATA: return _("No metadata");
    default: return _("Finding");
    }
}

static const char *
severity_label (AfFindingSeverity severity)
{
  switch (severity)
    {
    case AF_FINDING_SEVERITY_WARNING: return _("Warning");
    case AF_FINDING_SEVERITY_CHECK: return _("Check");
    default: return _("Info");
    }
}

static const char *
severity_class (AfFindingSeverity severity)
{
  switch (severity)
    {
    case AF_FINDING_SEVERITY_WARNING: return "level-critical";
    case AF_FINDING_SEVERITY_CHECK: return "level-medium";
    default: return "level-info";
    }
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_handle_id (&row->comment_source, g_source_remove);
  g_clear_object (&row->finding);
  g_free (row);
}

/* ---- marks ---- */

static void
emit_mark (Row *row)
{
  guint selected = gtk_drop_down_get_selected (row->status);

  if (row->list->loading || selected == 0 || selected >= G_N_ELEMENTS (statuses))
    return;
  g_signal_emit (row->list, signals[SIGNAL_MARK_CHANGED], 0, row->finding, statuses[selected],
                 gtk_editable_get_text (GTK_EDITABLE (row->comment)));
}

static void
status_changed_cb (GtkDropDown *dropdown,
                   GParamSpec  *pspec,
                   Row         *row)
{
  g_clear_handle_id (&row->comment_source, g_source_remove);
  emit_mark (row);
}

static gboolean
comment_timeout_cb (gpointer data)
{
  Row *row = data;

  row->comment_source = 0;
  emit_mark (row);
  return G_SOURCE_REMOVE;
}

static void
comment_changed_cb (GtkEditable *editable,
                    Row         *row)
{
  if (row->list->loading)
    return;
  g_clear_handle_id (&row->comment_source, g_source_remove);
  row->comment_source = g_timeout_add (COMMENT_DEBOUNCE_MS, comment_timeout_cb, row);
}

static gboolean
region_matches (const AfValue     *saved,
                const AfImageRect *region)
{
  int wanted[4];

  if (saved == NULL || region == NULL)
    return saved == NULL && region == NULL;
  if (af_value_get_kind (saved) != AF_TYPE_L || af_value_list_length (saved) != 4)
    return FALSE;
  wanted[0] = region->x;
  wanted[1] = region->y;
  wanted[2] = region->width;
  wanted[3] = region->height;
  for (guint i = 0; i < 4; i++)
    {
      const char *text = af_value_get_string (af_value_list_nth (saved, i));

      if (text == NULL || g_ascii_strtoll (text, NULL, 10) != wanted[i])
        return FALSE;
    }
  return TRUE;
}

/* The saved mark of @finding in the analysis' appraisal_findings, or NULL. */
static const AfValue *
find_mark (const AfValue *marks,
           AfFinding     *finding)
{
  const char *kind = af_finding_kind_to_string (af_finding_get_kind (finding));
  guint n = marks != NULL && af_value_get_kind (marks) == AF_TYPE_L ? af_value_list_length (marks) : 0;

  for (guint i = 0; i < n; i++)
    {
      const AfValue *mark = af_value_list_nth (marks, i);

      if (af_value_get_kind (mark) == AF_TYPE_M
          && g_strcmp0 (af_item_get_s (mark, "kind"), kind) == 0
          && region_matches (af_value_map_get (mark, "region"), af_finding_get_region (finding)))
        return mark;
    }
  return NULL;
}

static void
show_mark (Row           *row,
           const AfValue *mark)
{
  const char *status = mark != NULL ? af_item_get_s (mark, "status") : NULL;
  guint selected = 0;

  for (guint i = 1; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (status, statuses[i]) == 0)
      selected = i;
  gtk_drop_down_set_selected (row->status, selected);
  gtk_editable_set_text (GTK_EDITABLE (row->comment),
                         mark != NULL && af_item_get_s (mark, "comment") != NULL
                         ? af_item_get_s (mark, "comment") : "");
}

/* ---- rows ---- */

static GtkWidget *
make_heading (AfFinding *finding,
              gboolean   read_only)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *badge = gtk_label_new (severity_label (af_finding_get_severity (finding)));
  GtkWidget *kind = gtk_label_new (afd_finding_kind_label (af_finding_get_kind (finding)));

  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, severity_class (af_finding_get_severity (finding)));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (kind, "heading");
  gtk_label_set_xalign (GTK_LABEL (kind), 0);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_box_append (GTK_BOX (box), kind);
  if (af_finding_get_region (finding) != NULL && !read_only)
    {
      GtkWidget *where = gtk_image_new_from_icon_name ("find-location-symbolic");

      gtk_widget_set_tooltip_text (where, _("Activate to show it on the picture"));
      gtk_widget_set_hexpand (where, TRUE);
      gtk_widget_set_halign (where, GTK_ALIGN_END);
      gtk_box_append (GTK_BOX (box), where);
    }
  return box;
}

static GtkWidget *
make_mark_controls (Row *row)
{
  static const char * const labels[] = { N_("Not marked"), N_("OK"), N_("To check"),
                                         N_("Warning"), NULL };
  const char *kind = afd_finding_kind_label (af_finding_get_kind (row->finding));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  g_autofree char *mark_name = g_strdup_printf (_("Your mark: %s"), kind);
  g_autofree char *comment_name = g_strdup_printf (_("Your comment: %s"), kind);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (model, _(labels[i]));
  row->status = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->status), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  mark_name, -1);
  row->comment = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (row->comment, _("Comment"));
  gtk_widget_set_hexpand (GTK_WIDGET (row->comment), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->comment), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  comment_name, -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->comment));
  g_signal_connect (row->status, "notify::selected", G_CALLBACK (status_changed_cb), row);
  g_signal_connect (row->comment, "changed", G_CALLBACK (comment_changed_cb), row);
  return box;
}

static GtkWidget *
make_row (AfdFindingsList *self,
          Row             *row)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *message = gtk_label_new (af_finding_get_message (row->finding));
  GtkWidget *list_row = gtk_list_box_row_new ();
  g_autofree char *name = g_strdup_printf ("%s: %s", afd_finding_kind_label (af_finding_get_kind (row->finding)),
                                           af_finding_get_message (row->finding));

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_wrap (GTK_LABEL (message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (message), 0);
  gtk_box_append (GTK_BOX (box), make_heading (row->finding, self->read_only));
  gtk_box_append (GTK_BOX (box), message);
  if (!self->read_only)
    gtk_box_append (GTK_BOX (box), make_mark_controls (row));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (list_row), !self->read_only);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return list_row;
}

static void
clear_rows (AfdFindingsList *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_list_box_remove (self->box, child);
  g_ptr_array_set_size (self->rows, 0);
}

void
afd_findings_list_set_findings (AfdFindingsList *self,
                                GListModel      *findings,
                                const AfValue   *marks)
{
  guint n = findings != NULL ? g_list_model_get_n_items (findings) : 0;

  g_return_if_fail (AFD_IS_FINDINGS_LIST (self));

  self->loading = TRUE;
  clear_rows (self);
  for (guint i = 0; i < n; i++)
    {
      Row *row = g_new0 (Row, 1);

      row->list = self;
      row->finding = g_list_model_get_item (findings, i);
      g_ptr_array_add (self->rows, row);
      gtk_list_box_append (self->box, make_row (self, row));
      if (!self->read_only)
        show_mark (row, find_mark (marks, row->finding));
    }
  self->loading = FALSE;
  afd_findings_list_set_message (self, findings != NULL && n == 0
                                       ? _("The local inspection found nothing to report.")
                                       : NULL);
}

void
afd_findings_list_set_message (AfdFindingsList *self,
                               const char      *message)
{
  g_return_if_fail (AFD_IS_FINDINGS_LIST (self));

  gtk_label_set_label (self->message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message), message != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->box), self->rows->len > 0);
}

guint
afd_findings_list_get_n_findings (AfdFindingsList *self)
{
  g_return_val_if_fail (AFD_IS_FINDINGS_LIST (self), 0);
  return self->rows->len;
}

void
afd_findings_list_activate (AfdFindingsList *self,
                            guint            index)
{
  GtkListBoxRow *row;

  g_return_if_fail (AFD_IS_FINDINGS_LIST (self));
  row = gtk_list_box_get_row_at_index (self->box, index);
  g_return_if_fail (row != NULL);
  gtk_widget_activate (GTK_WIDGET (row));
}

void
afd_findings_list_set_mark (AfdFindingsList *self,
                            guint            index,
                            const char      *status,
                            const char      *comment)
{
  Row *row;

  g_return_if_fail (AFD_IS_FINDINGS_LIST (self));
  g_return_if_fail (index < self->rows->len && !self->read_only);
  row = g_ptr_array_index (self->rows, index);
  /* Both quietly, then one ::mark-changed with both. */
  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (row->comment), comment != NULL ? comment : "");
  for (guint i = 1; i < G_N_ELEMENTS (statuses); i++)
    if (g_strcmp0 (status, statuses[i]) == 0)
      gtk_drop_down_set_selected (row->status, i);
  self->loading = FALSE;
  g_clear_handle_id (&row->comment_source, g_source_remove);
  emit_mark (row);
}

const char *
afd_findings_list_get_status (AfdFindingsList *self,
                              guint            index)
{
  Row *row;
  guint selected;

  g_return_val_if_fail (AFD_IS_FINDINGS_LIST (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);
  row = g_ptr_array_index (self->rows, index);
  selected = row->status != NULL ? gtk_drop_down_get_selected (row->status) : 0;
  return selected < G_N_ELEMENTS (statuses) ? statuses[selected] : NULL;
}

static void
row_activated_cb (GtkListBox      *box,
                  GtkListBoxRow   *list_row,
                  AfdFindingsList *self)
{
  int index = gtk_list_box_row_get_index (list_row);
  Row *row;

  if (index < 0 || (guint) index >= self->rows->len)
    return;
  row = g_ptr_array_index (self->rows, index);
  g_signal_emit (self, signals[SIGNAL_FINDING_ACTIVATED], 0, row->finding);
}

GtkWidget *
afd_findings_list_new (gboolean read_only)
{
  return g_object_new (AFD_TYPE_FINDINGS_LIST, "read-only", read_only, NULL);
}

static void
afd_findings_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  if (prop_id == PROP_READ_ONLY)
    g_value_set_boolean (value, AFD_FINDINGS_LIST (object)->read_only);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
afd_findings_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  if (prop_id == PROP_READ_ONLY)
    AFD_FINDINGS_LIST (object)->read_only = g_value_get_boolean (value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
afd_findings_list_dispose (GObject *object)
{
  AfdFindingsList *self = AFD_FINDINGS_LIST (object);
  GtkWidget *child;

  if (self->rows != NULL)
    clear_rows (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (afd_findings_list_parent_class)->dispose (object);
}

static void
afd_findings_list_class_init (AfdFindingsListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_findings_list_dispose;
  object_class->get_property = afd_findings_list_get_property;
  object_class->set_property = afd_findings_list_set_property;

  /* Without the marks' controls (the submit dialog: nothing to mark yet). */
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FINDING_ACTIVATED] =
    g_signal_new ("finding-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, AF_TYPE_FINDING);
  /* (finding, status "OK" | "CHECK" | "WARNING", comment) */
  signals[SIGNAL_MARK_CHANGED] =
    g_signal_new ("mark-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, AF_TYPE_FINDING, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "findingslist");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
afd_findings_list_init (AfdFindingsList *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  self->rows = g_ptr_array_new_with_free_func (row_free);
  self->message = GTK_LABEL (gtk_label_new (_("Inspecting the picture…")));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_xalign (self->message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "dim-label");
  gtk_widget_set_parent (GTK_WIDGET (self->message), GTK_WIDGET (self));
  self->box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->box, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->box), "boxed-list");
  gtk_widget_set_visible (GTK_WIDGET (self->box), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Findings"), -1);
  gtk_widget_set_parent (GTK_WIDGET (self->box), GTK_WIDGET (self));
  g_signal_connect (self->box, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Findings of the local inspection"), -1);
}
