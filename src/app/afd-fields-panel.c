/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-fields-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "afd-fields-panel.h"

struct _AfdFieldsPanel
{
  GtkWidget    parent_instance;

  /* template widgets */
  GtkWidget   *summary;
  GtkLabel    *type_label;
  GtkLabel    *file_label;
  GtkLabel    *facts_label;
  GtkWidget   *manual_review_box;
  GtkLabel    *progress_label;
  GtkLabel    *problems_label;
  GtkStack    *stack;
  GtkListBox  *list;

  /* owned references */
  AfFieldList *fields;     /* (nullable) */

  int          hovered;
  gboolean     syncing;    /* guards the selection round trip list ↔ model */
};

G_DEFINE_FINAL_TYPE (AfdFieldsPanel, afd_fields_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HOVERED_FIELD,
  N_PROPS
};

enum {
  CONFIRM_REQUESTED,
  CORRECTION_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_hovered (AfdFieldsPanel *self,
             int             position)
{
  AfdFieldRow *old = self->hovered >= 0 ? afd_fields_panel_get_row (self, self->hovered) : NULL;
  AfdFieldRow *row = position >= 0 ? afd_fields_panel_get_row (self, position) : NULL;

  if (self->hovered == position)
    return;
  if (old != NULL)
    afd_field_row_set_hovered (old, FALSE);
  if (row != NULL)
    afd_field_row_set_hovered (row, TRUE);
  self->hovered = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVERED_FIELD]);
}

static void
on_row_enter (GtkEventControllerMotion *controller,
              double                    x,
              double                    y,
              AfdFieldsPanel           *self)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  set_hovered (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static void
on_row_leave (GtkEventControllerMotion *controller,
              AfdFieldsPanel           *self)
{
  set_hovered (self, -1);
}

static void
on_edit_committed (AfdFieldRow    *row,
                   const char     *value,
                   const char     *note,
                   AfdFieldsPanel *self)
{
  g_signal_emit (self, signals[CORRECTION_REQUESTED], 0,
                 (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)), value, note);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AfdFieldsPanel *self = user_data;
  GtkWidget *row = afd_field_row_new (item);
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect (motion, "enter", G_CALLBACK (on_row_enter), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_row_leave), self);
  gtk_widget_add_controller (row, motion);
  g_signal_connect (row, "edit-committed", G_CALLBACK (on_edit_committed), self);
  return row;
}

/* ---- document facts ---- */

static const char *
document_type_title (const char *type)
{
  if (g_strcmp0 (type, "W2") == 0)
    return _("W-2 Wage Statement");
  if (g_strcmp0 (type, "BANK_STATEMENT") == 0)
    return _("Bank Statement");
  if (g_strcmp0 (type, "TAX_FORM") == 0)
    return _("Tax Return (1040)");
  if (g_strcmp0 (type, "DRIVERS_LICENSE") == 0)
    return _("Driver’s License");
  return NULL;
}

static void
update_facts (AfdFieldsPanel *self)
{
  const char *type = af_field_list_get_document_type (self->fields);
  const char *status = af_field_list_get_processing_status (self->fields);
  double classification = af_field_list_get_classification_confidence (self->fields);
  g_autofree char *facts = NULL;
  g_autofree char *classified = NULL;

  gtk_label_set_text (self->type_label, document_type_title (type) ?: (type ?: _("Unclassified document")));
  gtk_label_set_text (self->file_label, af_field_list_get_file_name (self->fields) ?: "");
  if (!isnan (classification))
    classified = g_strdup_printf (_("classified as %s with %.0f %% confidence"), type ?: "?",
                                  floor (classification * 100 + 0.5));
  facts = g_strdup_printf (_("Processing: %s · %s"), status ?: _("unknown"),
                           classified ?: _("no classification confidence"));
  gtk_label_set_text (self->facts_label, facts);
  if (g_strcmp0 (status, "FAILED") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->facts_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->facts_label), "error");
}

void
afd_fields_panel_set_summary_visible (AfdFieldsPanel *self,
                                      gboolean        visible)
{
  g_return_if_fail (AFD_IS_FIELDS_PANEL (self));

  gtk_widget_set_visible (self->summary, visible);
}

void
afd_fields_panel_update_progress (AfdFieldsPanel *self)
{
  guint n_low, n_problems, n_done = 0;
  g_autofree char *text = NULL;

  g_return_if_fail (AFD_IS_FIELDS_PANEL (self));
  if (self->fields == NULL)
    return;

  n_low = af_field_list_get_n_low_confidence (self->fields);
  for (guint i = 0; i < n_low; i++)
    n_done += af_field_is_reviewed (af_field_list_get_field (self->fields, i)) ? 1 : 0;
  if (n_low == 0)
    text = g_strdup (_("No low-confidence fields"));
  else if (n_done == n_low)
    text = g_strdup_printf (ngettext ("Reviewed: the low-confidence field is confirmed or corrected",
                                      "Reviewed: all %u low-confidence fields are confirmed or corrected",
                                      n_low), n_low);
  else
    text = g_strdup_printf (ngettext ("%u of %u low-confidence field reviewed — F8 goes to the next",
                                      "%u of %u low-confidence fields reviewed — F8 goes to the next",
                                      n_low), n_done, n_low);
  gtk_label_set_text (self->progress_label, text);
  /* The pipeline's request for a manual review is met once its fields are settled. */
  gtk_widget_set_visible (self->manual_review_box,
                          af_field_list_needs_manual_review (self->fields));

  n_problems = af_field_list_get_n_problems (self->fields);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), n_problems > 0);
  if (n_problems > 0)
    {
      g_autofree char *problems =
        g_strdup_printf (ngettext ("%u field has no valid position on the page and is not highlighted",
                                   "%u fields have no valid position on the page and are not highlighted",
                                   n_problems), n_problems);

      gtk_label_set_text (self->problems_label, problems);
    }
}

/* ---- selection ---- */

static void
on_row_selected (GtkListBox     *list,
                 GtkListBoxRow  *row,
                 AfdFieldsPanel *self)
{
  if (self->syncing || self->fields == NULL)
    return;
  self->syncing = TRUE;
  af_field_list_set_selected (self->fields, row != NULL ? gtk_list_box_row_get_index (row) : -1);
  self->syncing = FALSE;
}

static void
on_row_activated (GtkListBox     *list,
                  GtkListBoxRow  *row,
                  AfdFieldsPanel *self)
{
  if (afd_field_row_is_editing (AFD_FIELD_ROW (row)))
    return;
  g_signal_emit (self, signals[CONFIRM_REQUESTED], 0, (guint) gtk_list_box_row_get_index (row));
}

static void
on_model_selected (AfFieldList    *fields,
                   GParamSpec     *pspec,
                   AfdFieldsPanel *self)
{
  int position = af_field_list_get_selected (fields);
  GtkListBoxRow *row = position >= 0 ? gtk_list_box_get_row_at_index (self->list, position) : NULL;

  if (self->syncing)
    return;
  self->syncing = TRUE;
  if (row != NULL)
    gtk_list_box_select_row (self->list, row);
  else
    gtk_list_box_unselect_all (self->list);
  self->syncing = FALSE;
}

static void
on_field_reviewed (AfdFieldsPanel *self)
{
  afd_fields_panel_update_progress (self);
}

/* ---- the object ---- */

static void
disconnect_fields (AfdFieldsPanel *self)
{
  if (self->fields != NULL)
    af_field_list_disconnect_by_data (self->fields, self);
  g_clear_object (&self->fields);
}

static void
afd_fields_panel_dispose (GObject *object)
{
  AfdFieldsPanel *self = AFD_FIELDS_PANEL (object);
  GtkWidget *child;

  disconnect_fields (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_FIELDS_PANEL);
  /* dispose_template only drops the bound pointers; the template's top child
   * is still ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (afd_fields_panel_parent_class)->dispose (object);
}

static void
afd_fields_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_HOVERED_FIELD:
      g_value_set_int (value, AFD_FIELDS_PANEL (object)->hovered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_fields_panel_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_HOVERED_FIELD:
      set_hovered (AFD_FIELDS_PANEL (object), g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_fields_panel_class_init (AfdFieldsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_fields_panel_dispose;
  object_class->get_property = afd_fields_panel_get_property;
  object_class->set_property = afd_fields_panel_set_property;

  properties[PROP_HOVERED_FIELD] =
    g_param_spec_int ("hovered-field", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONFIRM_REQUESTED] = g_signal_new ("confirm-requested", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[CORRECTION_REQUESTED] = g_signal_new ("correction-requested", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING,
                                                G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-fields-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, summary);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, type_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, file_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, facts_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, manual_review_box);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, progress_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, problems_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldsPanel, list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "afd-fields-panel");
}

static void
afd_fields_panel_init (AfdFieldsPanel *self)
{
  self->hovered = -1;
  g_type_ensure (ADW_TYPE_STATUS_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->list, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Extracted fields"), -1);
}

GtkWidget *
afd_fields_panel_new (void)
{
  return g_object_new (AFD_TYPE_FIELDS_PANEL, NULL);
}

void
afd_fields_panel_set_fields (AfdFieldsPanel *self,
                             AfFieldList    *fields)
{
  guint n;

  g_return_if_fail (AFD_IS_FIELDS_PANEL (self));
  g_return_if_fail (AF_IS_FIELD_LIST (fields));

  disconnect_fields (self);
  self->fields = g_object_ref (fields);
  self->hovered = -1;
  /* Rebinding drops the focused row, and GtkListBox then selects whichever row takes
   * the focus: that is not the reviewer's choice, so it must not reach the model. */
  self->syncing = TRUE;
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (fields), create_row, self, NULL);
  gtk_list_box_unselect_all (self->list);
  self->syncing = FALSE;
  g_signal_connect (fields, "notify::selected", G_CALLBACK (on_model_selected), self);
  n = g_list_model_get_n_items (G_LIST_MODEL (fields));
  for (guint i = 0; i < n; i++)
    g_signal_connect_swapped (af_field_list_get_field (fields, i), "notify::reviewed",
                              G_CALLBACK (on_field_reviewed), self);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "fields" : "empty");
  update_facts (self);
  afd_fields_panel_update_progress (self);
}

AfdFieldRow *
afd_fields_panel_get_row (AfdFieldsPanel *self,
                          guint           position)
{
  g_return_val_if_fail (AFD_IS_FIELDS_PANEL (self), NULL);
  return (AfdFieldRow *) gtk_list_box_get_row_at_index (self->list, (int) position);
}

AfdFieldRow *
afd_fields_panel_get_selected_row (AfdFieldsPanel *self)
{
  g_return_val_if_fail (AFD_IS_FIELDS_PANEL (self), NULL);
  return (AfdFieldRow *) gtk_list_box_get_selected_row (self->list);
}

void
afd_fields_panel_scroll_to_selected (AfdFieldsPanel *self)
{
  GtkWidget *row = (GtkWidget *) afd_fields_panel_get_selected_row (self);
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self->list), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page;

  g_return_if_fail (AFD_IS_FIELDS_PANEL (self));

  if (row == NULL || scrolled == NULL || !gtk_widget_compute_bounds (row, GTK_WIDGET (self->list), &bounds))
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  /* The list is the scrolled content: its coordinates are the adjustment's. */
  if (bounds.origin.y < value)
    gtk_adjustment_set_value (adjustment, bounds.origin.y);
  else if (bounds.origin.y + bounds.size.height > value + page)
    gtk_adjustment_set_value (adjustment, bounds.origin.y + bounds.size.height - page);
}

void
afd_fields_panel_focus_selected (AfdFieldsPanel *self)
{
  AfdFieldRow *row = afd_fields_panel_get_selected_row (self);

  /* Focus scrolls the row into view, and Enter on it then confirms it. */
  if (row != NULL && !afd_field_row_is_editing (row))
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

gboolean
afd_fields_panel_begin_edit (AfdFieldsPanel *self)
{
  AfdFieldRow *row = afd_fields_panel_get_selected_row (self);

  if (row == NULL)
    return FALSE;
  afd_field_row_begin_edit (row);
  return TRUE;
}

gboolean
afd_fields_panel_cancel_edit (AfdFieldsPanel *self)
{
  gboolean cancelled = FALSE;

  g_return_val_if_fail (AFD_IS_FIELDS_PANEL (self), FALSE);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!AFD_IS_FIELD_ROW (child) || !afd_field_row_is_editing (AFD_FIELD_ROW (child)))
        continue;
      afd_field_row_cancel_edit (AFD_FIELD_ROW (child));
      cancelled = TRUE;
    }
  return cancelled;
}

void
afd_fields_panel_set_revealed (AfdFieldsPanel *self,
                               gboolean        revealed)
{
  g_return_if_fail (AFD_IS_FIELDS_PANEL (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (AFD_IS_FIELD_ROW (child))
      afd_field_row_set_revealed (AFD_FIELD_ROW (child), revealed);
}
