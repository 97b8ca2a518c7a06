/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-spoken-text.h — a text for assistive technologies only: a widget with the label
 * role whose accessible label is the text, that takes no room and draws nothing.
 *
 * A widget that draws its texts itself (AfdQueueRowView) puts one of these under it for
 * each text it shows, so that a screen reader (and an AT-SPI test) finds the same labels
 * as in a box of GtkLabels, without a GtkLabel's Pango layout and measuring at every bind.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_TYPE_SPOKEN_TEXT (afd_spoken_text_get_type ())
G_DECLARE_FINAL_TYPE (AfdSpokenText, afd_spoken_text, AFD, SPOKEN_TEXT, GtkWidget)

GtkWidget  *afd_spoken_text_new      (void);
/* Tells the assistive technologies only when @text differs from the one they have. */
void        afd_spoken_text_set_text (AfdSpokenText *self,
                                      const char    *text);
const char *afd_spoken_text_get_text (AfdSpokenText *self);
/* Whether the assistive technologies find it (its hidden state; the widget stays shown,
 * so that this never lays anything out). */
void        afd_spoken_text_set_said (AfdSpokenText *self,
                                      gboolean       said);
gboolean    afd_spoken_text_get_said (AfdSpokenText *self);

G_END_DECLS
