/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-fields-panel.h — a document's facts and its extracted fields, beside the page.
 *
 * Observes an AfFieldList: its selection is the list's selection, and a field hovered
 * here is the box hovered on the page (through the hovered-field property). Activating
 * a row (Enter) asks for that field to be confirmed; an edit committed in a row asks
 * for a correction. The panel itself never writes to the cache.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-field-list.h"
#include "afd-field-row.h"

G_BEGIN_DECLS

#define AFD_TYPE_FIELDS_PANEL (afd_fields_panel_get_type ())
G_DECLARE_FINAL_TYPE (AfdFieldsPanel, afd_fields_panel, AFD, FIELDS_PANEL, GtkWidget)

GtkWidget   *afd_fields_panel_new              (void);
void         afd_fields_panel_set_fields       (AfdFieldsPanel *self,
                                                AfFieldList    *fields);

/* The row of the selected field, or NULL. */
AfdFieldRow *afd_fields_panel_get_selected_row (AfdFieldsPanel *self);
AfdFieldRow *afd_fields_panel_get_row          (AfdFieldsPanel *self,
                                                guint           position);
void         afd_fields_panel_focus_selected   (AfdFieldsPanel *self);
/* The selected row into view without taking the focus (another document may have it). */
void         afd_fields_panel_scroll_to_selected (AfdFieldsPanel *self);
gboolean     afd_fields_panel_begin_edit       (AfdFieldsPanel *self);
/* TRUE when an edit was in progress and is now abandoned. */
gboolean     afd_fields_panel_cancel_edit      (AfdFieldsPanel *self);
void         afd_fields_panel_set_revealed     (AfdFieldsPanel *self,
                                                gboolean        revealed);
/* Refreshes the review progress line. */
void         afd_fields_panel_update_progress  (AfdFieldsPanel *self);
/* Shows or hides what is said above the fields (the document's type, file, processing,
 * review progress): among documents compared the height goes to the page instead. */
void         afd_fields_panel_set_summary_visible (AfdFieldsPanel *self,
                                                   gboolean        visible);

G_END_DECLS
