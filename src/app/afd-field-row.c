/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-field-row"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "afd-field-row.h"
#include "afd-format.h"

struct _AfdFieldRow
{
  GtkListBoxRow    parent_instance;

  /* template widgets */
  GtkLabel        *name_label;
  GtkWidget       *low_badge;
  GtkWidget       *reviewed_badge;
  GtkLabel        *reviewed_label;
  GtkLabel        *page_label;
  GtkStack        *value_stack;
  GtkLabel        *value_label;
  GtkToggleButton *reveal_button;
  GtkEntry        *value_entry;
  GtkEntry        *note_entry;
  GtkLabel        *original_label;
  GtkLabel        *note_label;
  GtkLevelBar     *confidence_bar;
  GtkLabel        *confidence_label;
  GtkLabel        *problem_label;

  /* owned references */
  AfField         *field;
};

G_DEFINE_FINAL_TYPE (AfdFieldRow, afd_field_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  EDIT_COMMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_revealed (AfdFieldRow *self)
{
  return !af_field_is_pii (self->field) || gtk_toggle_button_get_active (self->reveal_button);
}

static char *
display_value (AfdFieldRow *self)
{
  const char *value = af_field_get_current_value (self->field);

  if (!is_revealed (self))
    return af_field_dup_masked_value (self->field);
  return g_strdup (value[0] != '\0' ? value : _("(empty)"));
}

/* The note typed with the correction, under it: why the value was changed. */
static void
update_note (AfdFieldRow *self)
{
  const char *note = af_field_get_corrected_note (self->field);
  gboolean shown = af_field_get_corrected_value (self->field) != NULL && note != NULL
                   && *note != '\0';
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->note_label), shown);
  if (!shown)
    return;
  /* TRANSLATORS: the reviewer's note on a correction, quoted */
  text = g_strdup_printf (_("Note: “%s”"), note);
  gtk_label_set_text (self->note_label, text);
}

static void
update_value (AfdFieldRow *self)
{
  g_autofree char *value = display_value (self);
  const char *corrected = af_field_get_corrected_value (self->field);

  gtk_label_set_text (self->value_label, value);
  gtk_widget_set_visible (GTK_WIDGET (self->reveal_button), af_field_is_pii (self->field));
  gtk_widget_set_visible (GTK_WIDGET (self->original_label), corrected != NULL);
  if (corrected != NULL)
    {
      g_autofree char *original = is_revealed (self) ? g_strdup (af_field_get_value (self->field))
                                                     : g_strdup ("••••");
      g_autofree char *text = g_strdup_printf (_("Extracted: %s · corrected by %s"), original,
                                               af_field_get_corrected_by (self->field) ?: _("you"));

      gtk_label_set_text (self->original_label, text);
    }
  update_note (self);
}

static void
update_badges (AfdFieldRow *self)
{
  gboolean low = af_field_is_low_confidence (self->field);

  gtk_widget_set_visible (self->low_badge, low && !af_field_is_reviewed (self->field));
  gtk_widget_set_visible (self->reviewed_badge, af_field_is_reviewed (self->field));
  gtk_label_set_text (self->reviewed_label,
                      af_field_get_corrected_value (self->field) != NULL ? _("Corrected")
                                                                         : _("Confirmed"));
  if (low)
    gtk_widget_add_css_class (GTK_WIDGET (self), "low-confidence");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "low-confidence");
}

static void
update_confidence (AfdFieldRow *self)
{
  g_autofree char *text = NULL;

  if (af_field_has_confidence (self->field))
    {
      double confidence = CLAMP (af_field_get_confidence (self->field), 0, 1);

      gtk_level_bar_set_value (self->confidence_bar, confidence);
      /* Whole percent, as the pipeline's 0.55 reads "55 %". */
      text = g_strdup_printf (_("%.0f %%"), floor (confidence * 100 + 0.5));
    }
  else
    text = g_strdup (_("n/a"));
  gtk_label_set_text (self->confidence_label, text);
}

static void
update_accessible (AfdFieldRow *self)
{
  g_autofree char *title = afd_field_label (af_field_get_name (self->field));
  g_autofree char *value = display_value (self);
  g_autofree char *label = NULL;

  label = g_strdup_printf ("%s: %s, %s %s%s%s", title, value,
                           _("confidence"), gtk_label_get_text (self->confidence_label),
                           af_field_is_low_confidence (self->field) ? _(", low confidence") : "",
                           af_field_get_corrected_value (self->field) != NULL ? _(", corrected")
                           : af_field_get_confirmed (self->field) ? _(", confirmed") : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_all (AfdFieldRow *self)
{
  update_value (self);
  update_badges (self);
  update_confidence (self);
  update_accessible (self);
}

static void
setup_static (AfdFieldRow *self)
{
  g_autofree char *title = afd_field_label (af_field_get_name (self->field));
  g_autofree char *page = g_strdup_printf (_("Page %d"), af_field_get_page (self->field));
  AfBboxProblem problem = af_field_get_problem (self->field);

  gtk_label_set_text (self->name_label, title);
  /* The name as the pipeline and the CLI write it, for whoever needs to look it up. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->name_label), af_field_get_name (self->field));
  gtk_label_set_text (self->page_label, af_field_get_page (self->field) > 0 ? page : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != AF_BBOX_OK);
  gtk_label_set_text (self->problem_label, af_bbox_problem_to_string (problem));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reveal_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reveal"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->value_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Corrected value"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->note_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note on the correction"), -1);
}

static void
on_entry_activate (GtkEntry    *entry,
                   AfdFieldRow *self)
{
  g_autofree char *value = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value_entry)));
  g_autofree char *note = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_entry))));

  /* An unchanged value is not a correction. */
  if (g_strcmp0 (value, af_field_get_current_value (self->field)) != 0)
    g_signal_emit (self, signals[EDIT_COMMITTED], 0, value, note[0] != '\0' ? note : NULL);
  /* Not saved (the document is read-only here, or there is no name yet to sign the
   * correction with; the viewer says why): the editor stays open with what was typed,
   * so that Enter can save it again instead of the reviewer typing it anew. */
  if (g_strcmp0 (value, af_field_get_current_value (self->field)) != 0)
    return;
  gtk_stack_set_visible_child_name (self->value_stack, "display");
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
afd_field_row_dispose (GObject *object)
{
  AfdFieldRow *self = AFD_FIELD_ROW (object);

  if (self->field != NULL)
    g_signal_handlers_disconnect_by_data (self->field, self);
  g_clear_object (&self->field);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_FIELD_ROW);

  G_OBJECT_CLASS (afd_field_row_parent_class)->dispose (object);
}

static void
afd_field_row_class_init (AfdFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_field_row_dispose;

  signals[EDIT_COMMITTED] = g_signal_new ("edit-committed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-field-row.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, low_badge);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, reviewed_badge);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, reviewed_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, page_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, value_stack);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, value_entry);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, note_entry);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, original_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, note_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, confidence_bar);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, confidence_label);
  gtk_widget_class_bind_template_child (widget_class, AfdFieldRow, problem_label);
}

static void
afd_field_row_init (AfdFieldRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The bar turns to the warning colour below the pipeline's own threshold. */
  gtk_level_bar_remove_offset_value (self->confidence_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->confidence_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_add_offset_value (self->confidence_bar, GTK_LEVEL_BAR_OFFSET_LOW,
                                  AF_LOW_CONFIDENCE_THRESHOLD - 0.0001);
  gtk_level_bar_add_offset_value (self->confidence_bar, GTK_LEVEL_BAR_OFFSET_HIGH, 0.95);
  g_signal_connect (self->value_entry, "activate", G_CALLBACK (on_entry_activate), self);
  g_signal_connect (self->note_entry, "activate", G_CALLBACK (on_entry_activate), self);
  g_signal_connect_swapped (self->reveal_button, "toggled", G_CALLBACK (update_all), self);
}

GtkWidget *
afd_field_row_new (AfField *field)
{
  AfdFieldRow *self;

  g_return_val_if_fail (AF_IS_FIELD (field), NULL);

  self = g_object_new (AFD_TYPE_FIELD_ROW, NULL);
  self->field = g_object_ref (field);
  g_signal_connect_swapped (field, "notify", G_CALLBACK (update_all), self);
  setup_static (self);
  update_all (self);
  return GTK_WIDGET (self);
}

AfField *
afd_field_row_get_field (AfdFieldRow *self)
{
  g_return_val_if_fail (AFD_IS_FIELD_ROW (self), NULL);
  return self->field;
}

void
afd_field_row_set_revealed (AfdFieldRow *self,
                            gboolean     revealed)
{
  g_return_if_fail (AFD_IS_FIELD_ROW (self));
  gtk_toggle_button_set_active (self->reveal_button, revealed);
}

void
afd_field_row_set_hovered (AfdFieldRow *self,
                           gboolean     hovered)
{
  g_return_if_fail (AFD_IS_FIELD_ROW (self));

  if (hovered)
    gtk_widget_add_css_class (GTK_WIDGET (self), "box-hovered");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "box-hovered");
}

void
afd_field_row_begin_edit (AfdFieldRow *self)
{
  g_return_if_fail (AFD_IS_FIELD_ROW (self));

  /* Editing shows the real value: correcting a masked one would be guesswork. */
  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), af_field_get_current_value (self->field));
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  gtk_stack_set_visible_child_name (self->value_stack, "edit");
  gtk_widget_grab_focus (GTK_WIDGET (self->value_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->value_entry), 0, -1);
}

void
afd_field_row_cancel_edit (AfdFieldRow *self)
{
  g_return_if_fail (AFD_IS_FIELD_ROW (self));

  if (!afd_field_row_is_editing (self))
    return;
  gtk_stack_set_visible_child_name (self->value_stack, "display");
  gtk_widget_grab_focus (GTK_WIDGET (self));
}

gboolean
afd_field_row_is_editing (AfdFieldRow *self)
{
  g_return_val_if_fail (AFD_IS_FIELD_ROW (self), FALSE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->value_stack), "edit") == 0;
}

GtkEditable *
afd_field_row_get_editable (AfdFieldRow *self)
{
  g_return_val_if_fail (AFD_IS_FIELD_ROW (self), NULL);
  return GTK_EDITABLE (self->value_entry);
}

GtkEditable *
afd_field_row_get_note_editable (AfdFieldRow *self)
{
  g_return_val_if_fail (AFD_IS_FIELD_ROW (self), NULL);
  return GTK_EDITABLE (self->note_entry);
}
