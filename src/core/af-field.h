/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-field.h — one extracted field of a document, as a reviewer sees it.
 *
 * Built from an `extracted_data` member plus the document's `corrections` and
 * `low_confidence_fields`. Widget-free: the fields panel and the page view observe
 * the same objects (notify::corrected-value, notify::confirmed, notify::selected).
 */
#pragma once

#include <glib-object.h>

#include "af-bbox.h"
#include "af-value.h"

G_BEGIN_DECLS

/* Below this the pipeline's own rule says a human must look. */
#define AF_LOW_CONFIDENCE_THRESHOLD 0.80

#define AF_TYPE_FIELD (af_field_get_type ())
G_DECLARE_FINAL_TYPE (AfField, af_field, AF, FIELD, GObject)

/* @low_confidence_rank: the field's index in the document's low_confidence_fields, or
 * -1 when it is not listed there. @page_count: 0 when unknown. */
AfField       *af_field_new_from_value      (const char     *name,
                                             const AfValue  *data,
                                             int             low_confidence_rank,
                                             int             page_count);

const char    *af_field_get_name            (AfField        *self);
/* The value as extracted (never changes). */
const char    *af_field_get_value           (AfField        *self);
/* The latest correction, or NULL. */
const char    *af_field_get_corrected_value (AfField        *self);
const char    *af_field_get_corrected_by    (AfField        *self);
/* The note typed with the latest correction, or NULL. */
const char    *af_field_get_corrected_note  (AfField        *self);
/* What the reviewer should read as the field's value now. */
const char    *af_field_get_current_value   (AfField        *self);
/* "***-**-9185"-style text for PII; the current value for anything else. */
char          *af_field_dup_masked_value    (AfField        *self);

double         af_field_get_confidence      (AfField        *self);
gboolean       af_field_has_confidence      (AfField        *self);
int            af_field_get_page            (AfField        *self);
const AfBbox  *af_field_get_bbox            (AfField        *self);
AfBboxProblem  af_field_get_problem         (AfField        *self);
gboolean       af_field_is_drawable         (AfField        *self);
gboolean       af_field_is_pii              (AfField        *self);
gboolean       af_field_is_low_confidence   (AfField        *self);
int            af_field_get_low_confidence_rank (AfField    *self);

/* Confirmed or corrected: nothing left to do on it. */
gboolean       af_field_is_reviewed         (AfField        *self);
gboolean       af_field_get_confirmed       (AfField        *self);
void           af_field_set_confirmed       (AfField        *self,
                                             gboolean        confirmed);
/* @value NULL takes the correction back (the value was confirmed as extracted). */
void           af_field_set_correction      (AfField        *self,
                                             const char     *value,
                                             const char     *by,
                                             const char     *note);

/* Re-validates the bbox when the page count becomes known (after the file opened). */
void           af_field_set_page_count      (AfField        *self,
                                             int             page_count);

/* Prettified name for the panel: "employer_ein" → "Employer ein". */

G_END_DECLS
