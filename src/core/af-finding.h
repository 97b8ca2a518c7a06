/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-finding.h — one line of evidence found by the local forensics (af-forensics.h).
 *
 * Findings are kept one by one, beside the cloud's score and never merged into a
 * verdict: each says what was seen (kind), how much it matters (severity), in a
 * sentence (message), and where on the picture, when it is somewhere. A copy-move
 * finding has two regions: the source and its copy (the target); its region is the
 * target. Immutable once made; regions are in image pixels.
 */
#pragma once

#include <glib-object.h>

#include "af-image-buffer.h"

G_BEGIN_DECLS

typedef enum
{
  AF_FINDING_KIND_EDITING_SOFTWARE,    /* Software / CreatorTool / History names an editor */
  AF_FINDING_KIND_AI_GENERATED,        /* the declared digital source type is algorithmic */
  AF_FINDING_KIND_DATE_MISMATCH,       /* modified more than a day after capture */
  AF_FINDING_KIND_THUMBNAIL_MISMATCH,  /* the EXIF thumbnail shows another picture */
  AF_FINDING_KIND_COPY_MOVE,           /* a region is a copy of another of the same picture */
  AF_FINDING_KIND_ELA_REGION,          /* an area whose error level stands out */
  AF_FINDING_KIND_NO_METADATA,         /* no EXIF, XMP or IPTC at all */
} AfFindingKind;

typedef enum
{
  AF_FINDING_SEVERITY_INFO,
  AF_FINDING_SEVERITY_CHECK,
  AF_FINDING_SEVERITY_WARNING,
} AfFindingSeverity;

#define AF_TYPE_FINDING (af_finding_get_type ())
G_DECLARE_FINAL_TYPE (AfFinding, af_finding, AF, FINDING, GObject)

/* @region, @source, @target: NULL when the finding has none. A copy-move finding passes
 * @source and @target; its region is then the target. */
AfFinding          *af_finding_new               (AfFindingKind        kind,
                                                  AfFindingSeverity    severity,
                                                  const char          *message,
                                                  const AfImageRect   *region,
                                                  const AfImageRect   *source,
                                                  const AfImageRect   *target);

AfFindingKind       af_finding_get_kind          (AfFinding           *self);
AfFindingSeverity   af_finding_get_severity      (AfFinding           *self);
/* A translated sentence for the appraiser ("Software names an editor: GIMP 2.10"). */
const char         *af_finding_get_message       (AfFinding           *self);
/* NULL when the finding is not somewhere on the picture. */
const AfImageRect  *af_finding_get_region        (AfFinding           *self);
/* Copy-move only (NULL otherwise): the original region and its copy. */
const AfImageRect  *af_finding_get_source        (AfFinding           *self);
const AfImageRect  *af_finding_get_target        (AfFinding           *self);

/* The wire names used by the CLI's JSON and the outbox's appraisal_findings:
 * "editing_software", "ai_generated", "date_mismatch", "thumbnail_mismatch",
 * "copy_move", "ela_region", "no_metadata"; "info", "check", "warning". */
const char         *af_finding_kind_to_string     (AfFindingKind       kind);
const char         *af_finding_severity_to_string (AfFindingSeverity   severity);

G_END_DECLS
