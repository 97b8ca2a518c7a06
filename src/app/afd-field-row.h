/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-field-row.h — one extracted field in the fields panel.
 *
 * Shows the value (masked when it is personal data, until revealed), the original
 * beside a correction, a confidence bar with its number, the page, and whether the
 * field needs a human, was confirmed or corrected. F2 turns the value into an entry
 * (with an optional note); Enter emits ::edit-committed (value, note or NULL).
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field.h"

G_BEGIN_DECLS

#define AFD_TYPE_FIELD_ROW (afd_field_row_get_type ())
G_DECLARE_FINAL_TYPE (AfdFieldRow, afd_field_row, AFD, FIELD_ROW, GtkListBoxRow)

GtkWidget *afd_field_row_new          (AfField     *field);
AfField   *afd_field_row_get_field    (AfdFieldRow *self);

void       afd_field_row_set_revealed (AfdFieldRow *self,
                                       gboolean     revealed);
void       afd_field_row_set_hovered  (AfdFieldRow *self,
                                       gboolean     hovered);

void       afd_field_row_begin_edit   (AfdFieldRow *self);
void       afd_field_row_cancel_edit  (AfdFieldRow *self);
gboolean   afd_field_row_is_editing   (AfdFieldRow *self);
/* The value and note entries (for tests that type into them). */
GtkEditable *afd_field_row_get_editable      (AfdFieldRow *self);
GtkEditable *afd_field_row_get_note_editable (AfdFieldRow *self);

G_END_DECLS
