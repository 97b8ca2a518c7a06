/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics-findings.c — the lines of evidence drawn from what the analyses measured.
 * Each is kept on its own; nothing here weighs them into a verdict.
 */
#define G_LOG_DOMAIN "af-forensics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-forensics-private.h"

/* Modified this long after capture means edited later, not saved by the camera. */
#define DATE_MISMATCH_SECONDS (24 * 60 * 60)
/* At most this many ELA regions are listed: the overlay shows the rest. */
#define MAX_ELA_FINDINGS 3

static void
add (GPtrArray         *findings,
     AfFindingKind      kind,
     AfFindingSeverity  severity,
     const char        *message,
     const AfImageRect *region)
{
  g_ptr_array_add (findings, af_finding_new (kind, severity, message, region, NULL, NULL));
}

static void
add_metadata_findings (AfImageMetadata *metadata,
                       const char      *problem,
                       GPtrArray       *findings)
{
  g_autofree char *editors = NULL;
  const char *code;

  if (problem != NULL)
    {
      /* Not "none": there is metadata, in a shape no reader accepts. */
      add (findings, AF_FINDING_KIND_NO_METADATA, AF_FINDING_SEVERITY_CHECK, problem, NULL);
      return;
    }
  if (af_image_metadata_is_empty (metadata))
    {
      add (findings, AF_FINDING_KIND_NO_METADATA, AF_FINDING_SEVERITY_INFO,
           _("The file has no EXIF, XMP or IPTC metadata: nothing says where it comes from"),
           NULL);
      return;
    }
  editors = af_image_metadata_dup_editors (metadata);
  if (editors != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The metadata names an editor: %s"), editors);

      add (findings, AF_FINDING_KIND_EDITING_SOFTWARE, AF_FINDING_SEVERITY_CHECK, message, NULL);
    }
  code = af_image_metadata_get_digital_source_code (metadata);
  if (af_digital_source_is_algorithmic (code))
    {
      g_autofree char *message =
        g_strdup_printf (_("The file declares itself %s (IPTC digital source type %s)"),
                         af_digital_source_describe (code), code);

      add (findings, AF_FINDING_KIND_AI_GENERATED, AF_FINDING_SEVERITY_WARNING, message, NULL);
    }
}

static void
add_date_finding (AfImageMetadata *metadata,
                  GPtrArray       *findings)
{
  g_autoptr(GDateTime) captured = af_image_metadata_dup_capture_time (metadata);
  g_autoptr(GDateTime) modified = af_image_metadata_dup_modification_time (metadata);
  g_autofree char *message = NULL;
  GTimeSpan gap;

  if (captured == NULL || modified == NULL)
    return;
  gap = g_date_time_difference (modified, captured);
  if (gap <= (GTimeSpan) DATE_MISMATCH_SECONDS * G_TIME_SPAN_SECOND)
    return;
  message = g_strdup_printf (_("Modified %s, %d days after it was captured (%s)"),
                             af_image_metadata_get_modification_date (metadata),
                             (int) (gap / G_TIME_SPAN_DAY),
                             af_image_metadata_get_capture_date (metadata));
  add (findings, AF_FINDING_KIND_DATE_MISMATCH, AF_FINDING_SEVERITY_CHECK, message, NULL);
}

static void
add_thumbnail_finding (const AfForensicsEvidence *evidence,
                       GPtrArray                 *findings)
{
  g_autofree char *message = NULL;

  if (!evidence->has_thumbnail_check || evidence->thumbnail_similarity >= AF_THUMBNAIL_MATCH_MIN)
    return;
  message = g_strdup_printf (_("The EXIF thumbnail shows another picture (similarity %.2f): "
                               "the picture was changed after the thumbnail was made"),
                             evidence->thumbnail_similarity);
  add (findings, AF_FINDING_KIND_THUMBNAIL_MISMATCH, AF_FINDING_SEVERITY_WARNING, message, NULL);
}

static void
add_clone_findings (GPtrArray *clones,
                    GPtrArray *findings)
{
  for (guint i = 0; clones != NULL && i < clones->len; i++)
    {
      const AfClonePair *pair = g_ptr_array_index (clones, i);
      g_autofree char *message =
        g_strdup_printf (_("A region of %d × %d pixels at (%d, %d) is a copy of the one at "
                           "(%d, %d)"), pair->target.width, pair->target.height,
                         pair->target.x, pair->target.y, pair->source.x, pair->source.y);

      g_ptr_array_add (findings, af_finding_new (AF_FINDING_KIND_COPY_MOVE,
                                                 AF_FINDING_SEVERITY_WARNING, message, NULL,
                                                 &pair->source, &pair->target));
    }
}

static void
add_ela_findings (GPtrArray *regions,
                  GPtrArray *findings)
{
  for (guint i = 0; i < regions->len && i < MAX_ELA_FINDINGS; i++)
    {
      const AfImageRect *r = g_ptr_array_index (regions, i);
      g_autofree char *message =
        g_strdup_printf (_("The error level of the area of %d × %d pixels at (%d, %d) stands "
                           "out from the rest of the picture (re-compressed at quality %d)"),
                         r->width, r->height, r->x, r->y, AF_ELA_REGION_QUALITY);

      add (findings, AF_FINDING_KIND_ELA_REGION, AF_FINDING_SEVERITY_CHECK, message, r);
    }
}

/* Most severe first, and in the order above within a severity. */
static GPtrArray *
sort_by_severity (GPtrArray *findings)
{
  GPtrArray *sorted = g_ptr_array_new_with_free_func (g_object_unref);

  for (int severity = AF_FINDING_SEVERITY_WARNING; severity >= AF_FINDING_SEVERITY_INFO;
       severity--)
    for (guint i = 0; i < findings->len; i++)
      if ((int) af_finding_get_severity (g_ptr_array_index (findings, i)) == severity)
        g_ptr_array_add (sorted, g_object_ref (g_ptr_array_index (findings, i)));
  g_ptr_array_unref (findings);
  return sorted;
}

GPtrArray *
af_forensics_build_findings (const AfForensicsEvidence *evidence)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func (g_object_unref);

  add_metadata_findings (evidence->metadata, evidence->metadata_problem, findings);
  add_date_finding (evidence->metadata, findings);
  add_thumbnail_finding (evidence, findings);
  add_clone_findings (evidence->clones, findings);
  if (evidence->ela_regions != NULL)
    add_ela_findings (evidence->ela_regions, findings);
  return sort_by_severity (findings);
}
