/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-appraisal-report"

#include "config.h"

#include <glib/gi18n.h>

#include "af-demo.h"
#include "af-objects.h"
#include "af-pull.h"
#include "afd-format.h"
#include "afr-appraisal-report-private.h"
#include "afr-build-private.h"
#include "afr-picture.h"

/* The picture as uploaded first, the cloud's processed copy when that is all there is. */
static const struct { const char *attribute; const char *role; } pictures[] = {
  { "raw_image_url", "raw" },
  { "processed_image_url", "processed" },
};

static char *
resolve_demo_picture (const AfValue  *analysis,
                      GError        **error)
{
  g_autofree char *demo_dir = af_demo_find_dir (error);

  if (demo_dir == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (pictures); i++)
    {
      g_autoptr(GError) local_error = NULL;
      char *path = af_demo_resolve_item_object (demo_dir, analysis, pictures[i].attribute, NULL,
                                                &local_error);

      if (path != NULL)
        return path;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("The demo has no picture for this analysis."));
  return NULL;
}

static char *
resolve_cached_picture (AfStore        *store,
                        const AfValue  *analysis,
                        GError        **error)
{
  g_autofree char *objects_dir = g_build_filename (g_get_user_cache_dir (), "auditflow-desk",
                                                   "objects", NULL);
  const char *id = af_item_get_s (analysis, "request_id");
  gboolean damaged = FALSE;

  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (pictures); i++)
    {
      char *path = NULL;
      AfObjectState state = af_pull_get_object_state (store, objects_dir, id, pictures[i].role,
                                                      &path, NULL);

      if (state == AF_OBJECT_OK)
        return path;
      damaged = damaged || state == AF_OBJECT_INTEGRITY;
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       damaged ? _("The downloaded picture failed its integrity check.")
                               : _("The picture has not been downloaded for offline use."));
  return NULL;
}

/* The picture of @analysis, read whole; NULL with a reason for the reader when there
 * is none. */
static GBytes *
read_picture (AfStore        *store,
              const AfValue  *analysis,
              GError        **error)
{
  g_autofree char *path = NULL;

  /* The demo's pictures are files in clear; the object cache's are sealed with the
   * cache's key and decrypted in memory, never written out in clear. */
  if (af_demo_store_is_demo (store))
    {
      path = resolve_demo_picture (analysis, error);
      return path != NULL ? af_objects_load_file (path, error) : NULL;
    }
  path = resolve_cached_picture (store, analysis, error);
  return path != NULL ? af_objects_read_path (af_store_get_key (store), path, error) : NULL;
}

/* The artwork, with the regions of the local inspection's findings drawn on it. */
static void
add_picture (AfrReport         *report,
             const AfValue     *analysis,
             GBytes            *bytes,
             const GError      *missing,
             AfForensicsReport *forensics)
{
  g_autoptr(GError) error = missing != NULL ? g_error_copy (missing) : NULL;
  int width = 0;
  cairo_surface_t *picture = bytes != NULL ? afr_picture_load (bytes, &width, NULL, &error) : NULL;
  g_autofree char *text = NULL;

  if (picture != NULL)
    {
      double scale = (double) cairo_image_surface_get_width (picture) / MAX (width, 1);
      g_autoptr(GArray) regions = forensics != NULL ? afr_appraisal_regions (forensics, scale) : NULL;

      afr_report_add_image (report, picture, af_item_get_s (analysis, "filename"), regions);
      cairo_surface_destroy (picture);
      return;
    }
  /* Translators: %s says why (not downloaded, damaged, not an image). */
  text = g_strdup_printf (_("The artwork picture is missing from this report: %s"), error->message);
  afr_report_add_notice (report, text);
}

static void
add_flags (AfrReport     *report,
           AfStore       *store,
           const char    *request_id)
{
  guint pending = afr_build_pending_kinds (store, request_id);

  if (pending & (1u << AF_OP_APPRAISAL_NOTE))
    afr_report_add_notice (report, _("Pending: the appraisal note below has not been sent to "
                                     "the cloud yet."));
  if (pending & (1u << AF_OP_APPRAISAL_FINDINGS))
    afr_report_add_notice (report, _("Pending: the appraiser's marks on the findings have not "
                                     "been sent to the cloud yet."));
  if (pending & (1u << AF_OP_VERDICT))
    afr_report_add_notice (report, _("Pending: the appraiser's verdict below has not been sent "
                                     "to the cloud yet."));
  afr_build_conflict_notice (report, store, AF_TABLE_ANALYSES, request_id, _("this analysis"));
}

static void
add_file_facts (AfrReport     *report,
                const AfValue *a)
{
  g_autoptr(AfrTable) facts = afr_table_new (2);
  g_autofree char *size = afd_format_size (af_item_get_n (a, "size_bytes"));
  g_autofree char *created = afd_format_unix_time (af_item_get_n (a, "created_at"), TRUE);
  g_autofree char *analysed = afd_format_iso_time (af_item_get_s (a, "timestamp_iso"));
  g_autofree char *deleted = afd_format_unix_time (af_item_get_n (a, "auto_delete_date"), FALSE);

  afr_table_set_column (facts, 1, NULL, 2.6);
  afr_table_add_row (facts, FALSE, _("File name"), afr_build_or_absent (af_item_get_s (a, "filename")), NULL);
  afr_table_add_row (facts, FALSE, _("Type"), afr_build_or_absent (af_item_get_s (a, "content_type")), NULL);
  afr_table_add_row (facts, FALSE, _("Size"), afr_build_or_absent (size), NULL);
  afr_table_add_row (facts, FALSE, _("Uploaded"), afr_build_or_absent (created), NULL);
  afr_table_add_row (facts, FALSE, _("Analysed"), afr_build_or_absent (analysed), NULL);
  afr_table_add_row (facts, FALSE, _("Deleted from the cloud after"), afr_build_or_absent (deleted), NULL);
  afr_table_add_row (facts, FALSE, _("Analysis request"), afr_build_or_absent (af_item_get_s (a, "request_id")), NULL);
  afr_table_add_row (facts, FALSE, _("Status"), afd_status_label (af_item_get_s (a, "status")), NULL);
  afr_report_add_table (report, g_steal_pointer (&facts));
}

static void
add_cloud_analysis (AfrReport     *report,
                    const AfValue *a)
{
  g_autoptr(AfrTable) facts = afr_table_new (2);
  const char *score = af_item_get_n (a, "forgery_score");
  const char *verdict = af_item_get_s (a, "verdict");
  const char *text = af_item_get_s (a, "ai_analysis");
  const char *failure = af_item_get_s (a, "error_message");
  /* Translators: a forgery score, "91.4 of 100". */
  g_autofree char *score_text = score != NULL ? g_strdup_printf (_("%s of 100"), score) : NULL;

  afr_report_add_heading (report, _("The cloud's analysis"));
  afr_table_set_column (facts, 1, NULL, 2.6);
  afr_table_add_row (facts, FALSE, _("Forgery score"), afr_build_or_absent (score_text), NULL);
  afr_table_add_row (facts, FALSE, _("Verdict"),
                     verdict != NULL ? afd_verdict_label (verdict) : _("No verdict"), NULL);
  afr_table_add_row (facts, FALSE, _("Model"), afr_build_or_absent (af_item_get_s (a, "model")), NULL);
  afr_report_add_table (report, g_steal_pointer (&facts));
  if (failure != NULL)
    {
      g_autofree char *line = g_strdup_printf (_("The analysis failed: %s"), failure);

      afr_report_add_notice (report, line);
    }
  afr_report_add_paragraph (report, text != NULL ? text : _("No analysis text."));
}

static void
add_appraisal (AfrReport     *report,
               const AfValue *a)
{
  g_autoptr(AfrTable) facts = afr_table_new (2);
  const char *verdict = af_item_get_s (a, "reviewer_verdict");
  const char *note = af_item_get_s (a, "review_notes");
  g_autofree char *when = afd_format_iso_time (af_item_get_s (a, "review_timestamp"));

  afr_report_add_heading (report, _("The appraiser's review"));
  afr_table_set_column (facts, 1, NULL, 2.6);
  afr_table_add_row (facts, FALSE, _("Appraiser's verdict"),
                     verdict != NULL ? afd_verdict_label (verdict) : _("Not given yet"), NULL);
  afr_table_add_row (facts, FALSE, _("Appraiser"),
                     afr_build_or_absent (af_item_get_s (a, "reviewed_by")), NULL);
  afr_table_add_row (facts, FALSE, _("Reviewed"), afr_build_or_absent (when), NULL);
  afr_table_add_row (facts, FALSE, _("Appraisal note"),
                     note != NULL && *note != '\0' ? note : _("No note."), NULL);
  afr_report_add_table (report, g_steal_pointer (&facts));
}

AfrReport *
afr_appraisal_report_build (AfStore     *store,
                            const char  *request_id,
                            GError     **error)
{
  g_autoptr(AfValue) analysis = af_store_get_item (store, AF_TABLE_ANALYSES, request_id, error);
  g_autoptr(AfrReport) report = NULL;
  g_autoptr(GError) missing = NULL;
  g_autoptr(GError) inspection_error = NULL;
  g_autoptr(AfForensicsReport) forensics = NULL;
  g_autoptr(GBytes) picture = NULL;
  g_autofree char *why = NULL;

  if (analysis == NULL)
    return NULL;
  picture = read_picture (store, analysis, &missing);
  forensics = afr_appraisal_inspect (analysis, picture, &inspection_error);
  if (inspection_error != NULL)
    /* Translators: %s is the inspection's own message. */
    why = g_strdup_printf (_("The local inspection could not run on the picture: %s"),
                           inspection_error->message);
  else if (picture == NULL && af_value_map_get (analysis, "appraisal_findings") != NULL)
    why = g_strdup (_("Without the picture, the local inspection's findings and regions "
                      "are not in this report; the appraiser's marks are."));

  report = afr_report_new ();
  afr_build_footer (report, store);
  afr_report_add_title (report, _("Appraisal report"),
                        afr_build_or_absent (af_item_get_s (analysis, "filename")));
  add_flags (report, store, request_id);
  add_picture (report, analysis, picture, missing, forensics);
  add_file_facts (report, analysis);
  add_cloud_analysis (report, analysis);
  add_appraisal (report, analysis);
  afr_appraisal_add_findings (report, analysis, forensics, why);
  return g_steal_pointer (&report);
}
