/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-spoken-text"

#include "config.h"

#include "afd-spoken-text.h"

struct _AfdSpokenText
{
  GtkWidget  parent_instance;

  char      *text;   /* (owned) (nullable) */
  gboolean   unsaid; /* left out of the accessibility tree (hidden state) */
};

G_DEFINE_FINAL_TYPE (AfdSpokenText, afd_spoken_text, GTK_TYPE_WIDGET)

static void
afd_spoken_text_finalize (GObject *object)
{
  AfdSpokenText *self = AFD_SPOKEN_TEXT (object);

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (afd_spoken_text_parent_class)->finalize (object);
}

/* No room asked for: the widget above draws the text. */
static void
afd_spoken_text_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = *natural = 0;
}

static void
afd_spoken_text_class_init (AfdSpokenTextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = afd_spoken_text_finalize;
  widget_class->measure = afd_spoken_text_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
afd_spoken_text_init (AfdSpokenText *self)
{
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

GtkWidget *
afd_spoken_text_new (void)
{
  return g_object_new (AFD_TYPE_SPOKEN_TEXT, NULL);
}

void
afd_spoken_text_set_text (AfdSpokenText *self,
                          const char    *text)
{
  g_return_if_fail (AFD_IS_SPOKEN_TEXT (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;
  g_free (self->text);
  self->text = g_strdup (text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text != NULL ? text : "", -1);
}

const char *
afd_spoken_text_get_text (AfdSpokenText *self)
{
  g_return_val_if_fail (AFD_IS_SPOKEN_TEXT (self), NULL);
  return self->text;
}

void
afd_spoken_text_set_said (AfdSpokenText *self,
                          gboolean       said)
{
  g_return_if_fail (AFD_IS_SPOKEN_TEXT (self));

  if (self->unsaid == !said)
    return;
  self->unsaid = !said;
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_HIDDEN, !said, -1);
}

gboolean
afd_spoken_text_get_said (AfdSpokenText *self)
{
  g_return_val_if_fail (AFD_IS_SPOKEN_TEXT (self), FALSE);
  return !self->unsaid;
}
