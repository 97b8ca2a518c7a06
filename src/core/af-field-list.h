/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-field-list.h — the extracted fields of one document, in review order.
 *
 * A GListModel of AfField: low-confidence fields first (in the order the pipeline
 * lists them in low_confidence_fields, then any other field under the threshold by
 * rising confidence), then the rest in reading order (page, top, left). The model also
 * holds the document facts the fields panel shows and the current selection, so that
 * the page view and the panel stay in step by observing one object.
 */
#pragma once

#include <gio/gio.h>

#include "af-field.h"
#include "af-value.h"

G_BEGIN_DECLS

#define AF_TYPE_FIELD_LIST (af_field_list_get_type ())
G_DECLARE_FINAL_TYPE (AfFieldList, af_field_list, AF, FIELD_LIST, GObject)

/* Never fails: a document without extracted_data (processing FAILED) gives an empty
 * list that still carries the document's facts. */
AfFieldList *af_field_list_new_from_item        (const AfValue  *item);

/* Replaces every field's correction with the latest one in @item's `corrections`
 * (with its note); an entry giving back the extracted value confirms the field. */
void         af_field_list_apply_corrections    (AfFieldList    *self,
                                                 const AfValue  *item);

const char  *af_field_list_get_document_id      (AfFieldList    *self);
const char  *af_field_list_get_document_type    (AfFieldList    *self);
const char  *af_field_list_get_processing_status (AfFieldList   *self);
const char  *af_field_list_get_file_name        (AfFieldList    *self);
/* NAN when absent. */
double       af_field_list_get_classification_confidence (AfFieldList *self);
gboolean     af_field_list_get_requires_manual_review    (AfFieldList *self);

/* The page count the item records; replaced by the real one once the file is open. */
int          af_field_list_get_page_count       (AfFieldList    *self);
void         af_field_list_set_page_count       (AfFieldList    *self,
                                                 int             page_count);

/* Borrowed. */
AfField     *af_field_list_get_field            (AfFieldList    *self,
                                                 guint           position);
/* Disconnects every handler with @data from the list and from each of its fields: a
 * view that watched them lets go of them in one call. */
void         af_field_list_disconnect_by_data   (AfFieldList    *self,
                                                 gpointer        data);
AfField     *af_field_list_lookup               (AfFieldList    *self,
                                                 const char     *name,
                                                 guint          *out_position);
guint        af_field_list_get_n_low_confidence (AfFieldList    *self);
guint        af_field_list_get_n_problems       (AfFieldList    *self);

/* The next (or previous) low-confidence field from @position, wrapping round; from
 * -1 (nothing selected) or a field that is not low-confidence it starts at the first
 * (or last). -1 when the document has no low-confidence field. */
int          af_field_list_step_low_confidence  (AfFieldList    *self,
                                                 int             position,
                                                 gboolean        forward);

/* Where an audit's golden-record field (name, ssn, date_of_birth, address, employer,
 * annual_income, bank_account_number) comes from in this document: the field whose
 * value is @value when one is given (an inconsistency records each document's value),
 * else the field the pipeline names for it in this document type. -1 when none. This
 * is how an inconsistency leads to its source. */
int          af_field_list_find_source          (AfFieldList    *self,
                                                 const char     *golden_field,
                                                 const char     *value);

/* Every low-confidence field has been confirmed or corrected. */
gboolean     af_field_list_is_reviewed          (AfFieldList    *self);

/* The pipeline asked for a manual review (requires_manual_review) and it is not done:
 * FALSE once every low-confidence field is confirmed or corrected. */
gboolean     af_field_list_needs_manual_review (AfFieldList *self);
/* The same for a document item, as queues and reports list them. */
gboolean     af_field_list_item_needs_manual_review (const AfValue *item);

/* Names of the confirmed fields, and the reverse (confirms the fields named; kept for
 * confirmations made before they became edits, in the cache's local state). */
GStrv        af_field_list_dup_confirmed        (AfFieldList    *self);
void         af_field_list_set_confirmed_names  (AfFieldList    *self,
                                                 const char * const *names);

/* The selected field: -1 for none. Emits notify::selected. */
int          af_field_list_get_selected         (AfFieldList    *self);
void         af_field_list_set_selected         (AfFieldList    *self,
                                                 int             position);

G_END_DECLS
