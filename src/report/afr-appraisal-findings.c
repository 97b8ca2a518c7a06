/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-appraisal-report"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-format.h"
#include "afr-appraisal-report-private.h"
#include "afr-build-private.h"
#include "afr-picture.h"

/* The ELA picture is shown at most this wide: it is evidence to glance at beside the
 * artwork, and its pixels go into the PDF uncompressed by JPEG. */
#define ELA_MAX_SIDE 1200

static gboolean
has_marks (const AfValue *analysis)
{
  AfValue *marks = af_value_map_get (analysis, "appraisal_findings");

  return marks != NULL && af_value_get_kind (marks) == AF_TYPE_L && af_value_list_length (marks) > 0;
}

AfForensicsReport *
afr_appraisal_inspect (const AfValue  *analysis,
                       GBytes         *bytes,
                       GError        **error)
{
  if (!has_marks (analysis) || bytes == NULL)
    return NULL;
  /* Quality 0: estimated from the file, as the workbench does by default. */
  return af_forensics_inspect (bytes, 0, NULL, NULL, NULL, error);
}

static void
region_clear (gpointer data)
{
  g_free (((AfrRegion *) data)->label);
}

GArray *
afr_appraisal_regions (AfForensicsReport *forensics,
                       double             scale)
{
  GListModel *findings = af_forensics_report_get_findings (forensics);
  GArray *regions = g_array_new (FALSE, TRUE, sizeof (AfrRegion));

  g_array_set_clear_func (regions, region_clear);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);
      const AfImageRect *rects[] = { af_finding_get_source (finding), af_finding_get_region (finding) };

      for (guint r = 0; r < G_N_ELEMENTS (rects); r++)
        {
          AfrRegion region;

          /* A copy-move finding has its source too; its region is the copy. */
          if (rects[r] == NULL)
            continue;
          region.x = rects[r]->x * scale;
          region.y = rects[r]->y * scale;
          region.width = rects[r]->width * scale;
          region.height = rects[r]->height * scale;
          region.label = g_strdup_printf ("%u", i + 1);
          g_array_append_val (regions, region);
        }
    }
  return regions;
}

static const char *
mark_label (const char *status)
{
  if (g_strcmp0 (status, "OK") == 0)
    return C_("finding mark", "OK");
  if (g_strcmp0 (status, "CHECK") == 0)
    return C_("finding mark", "To check");
  if (g_strcmp0 (status, "WARNING") == 0)
    return C_("finding mark", "Warning");
  return afr_build_or_absent (status);
}

/* "Warning: the boat repeats the first", the mark and its comment in one cell. */
static char *
mark_text (const AfValue *mark)
{
  const char *comment = af_item_get_s (mark, "comment");

  if (mark == NULL)
    return g_strdup (_("Not marked"));
  if (comment == NULL || *comment == '\0')
    return g_strdup (mark_label (af_item_get_s (mark, "status")));
  return g_strdup_printf ("%s: %s", mark_label (af_item_get_s (mark, "status")), comment);
}

static char *
marked_by_text (const AfValue *mark)
{
  g_autofree char *when = NULL;

  if (mark == NULL)
    return g_strdup ("");
  when = afd_format_iso_time (af_item_get_s (mark, "marked_at"));
  return g_strdup_printf ("%s\n%s", afr_build_or_absent (af_item_get_s (mark, "marked_by")),
                          afr_build_or_absent (when));
}

/* TRUE when a mark's `region` ([x, y, width, height], absent for a finding with none)
 * is @rect: two findings of one kind (two copy-move pairs) are told apart by it. */
static gboolean
same_region (const AfValue     *region,
             const AfImageRect *rect)
{
  const int wanted[4] = { rect ? rect->x : 0, rect ? rect->y : 0,
                          rect ? rect->width : 0, rect ? rect->height : 0 };

  if (region == NULL || rect == NULL)
    return region == NULL && rect == NULL;
  if (af_value_get_kind (region) != AF_TYPE_L || af_value_list_length (region) != 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      const char *number = af_value_get_string (af_value_list_nth (region, i));

      if (number == NULL || g_ascii_strtoll (number, NULL, 10) != wanted[i])
        return FALSE;
    }
  return TRUE;
}

/* The appraiser's mark of @finding: same kind and same region. */
static AfValue *
mark_for_finding (const AfValue *analysis,
                  AfFinding     *finding)
{
  AfValue *marks = af_value_map_get (analysis, "appraisal_findings");
  const char *kind = af_finding_kind_to_string (af_finding_get_kind (finding));

  for (guint i = 0; marks != NULL && i < af_value_list_length (marks); i++)
    {
      AfValue *mark = af_value_list_nth (marks, i);

      if (g_strcmp0 (af_item_get_s (mark, "kind"), kind) == 0 &&
          same_region (af_value_map_get (mark, "region"), af_finding_get_region (finding)))
        return mark;
    }
  return NULL;
}

static AfrTable *
findings_table (void)
{
  AfrTable *table = afr_table_new (3);

  afr_table_set_column (table, 0, _("Finding"), 3);
  afr_table_set_column (table, 1, _("The appraiser's mark"), 2.4);
  afr_table_set_column (table, 2, _("Marked by"), 1.6);
  return table;
}

static void
add_row (AfrTable      *table,
         const char    *number,    /* (nullable) */
         const char    *kind,
         const char    *message,   /* (nullable) */
         const AfValue *mark)
{
  g_autofree char *title = afd_humanize (kind);
  g_autofree char *finding = g_strdup_printf ("%s%s%s%s%s", number ?: "", number ? " · " : "",
                                              afr_build_or_absent (title),
                                              message ? "\n" : "", message ?: "");
  g_autofree char *marked = mark_text (mark);
  g_autofree char *by = marked_by_text (mark);

  afr_table_add_row (table, FALSE, finding, marked, by, NULL);
}

static void
add_ela (AfrReport         *report,
         AfForensicsReport *forensics)
{
  AfImageBuffer *ela = af_forensics_report_get_ela (forensics);
  g_autoptr(AfImageBuffer) shown = ela != NULL ? af_forensics_ela_render (ela, AF_ELA_DEFAULT_GAIN) : NULL;
  cairo_surface_t *surface;
  g_autofree char *caption = NULL;

  if (shown == NULL)
    return;
  surface = afr_picture_from_rgb (af_image_buffer_get_data (shown), af_image_buffer_get_width (shown),
                                  af_image_buffer_get_height (shown), (int) af_image_buffer_get_stride (shown),
                                  ELA_MAX_SIDE);
  /* Translators: the caption of the error level analysis picture in a report. */
  caption = g_strdup_printf (_("Error level analysis at JPEG quality %d, differences amplified %.0f×"),
                             af_forensics_report_get_ela_quality (forensics), AF_ELA_DEFAULT_GAIN);
  afr_report_add_image (report, surface, caption, NULL);
  cairo_surface_destroy (surface);
}

/* The inspection's findings, numbered as on the picture, then marks of kinds it did
 * not find this time (the appraiser's word is kept either way). */
static void
fill_from_inspection (AfrTable          *table,
                      const AfValue     *analysis,
                      AfForensicsReport *forensics)
{
  GListModel *findings = af_forensics_report_get_findings (forensics);
  AfValue *marks = af_value_map_get (analysis, "appraisal_findings");
  g_autoptr(GHashTable) shown = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);
      AfValue *mark = mark_for_finding (analysis, finding);
      g_autofree char *number = g_strdup_printf ("%u", i + 1);

      if (mark != NULL)
        g_hash_table_add (shown, mark);
      add_row (table, number, af_finding_kind_to_string (af_finding_get_kind (finding)),
               af_finding_get_message (finding), mark);
    }
  for (guint i = 0; marks != NULL && i < af_value_list_length (marks); i++)
    {
      AfValue *mark = af_value_list_nth (marks, i);

      if (!g_hash_table_contains (shown, mark))
        add_row (table, NULL, af_item_get_s (mark, "kind"), _("Not found by this inspection"), mark);
    }
}

void
afr_appraisal_add_findings (AfrReport         *report,
                            const AfValue     *analysis,
                            AfForensicsReport *forensics,
                            const char        *why)
{
  AfValue *marks = af_value_map_get (analysis, "appraisal_findings");
  g_autoptr(AfrTable) table = findings_table ();

  afr_report_add_heading (report, _("Findings"));
  if (forensics != NULL)
    {
      add_ela (report, forensics);
      fill_from_inspection (table, analysis, forensics);
    }
  else
    {
      if (why != NULL)
        afr_report_add_notice (report, why);
      for (guint i = 0; marks != NULL && i < af_value_list_length (marks); i++)
        {
          AfValue *mark = af_value_list_nth (marks, i);

          add_row (table, NULL, af_item_get_s (mark, "kind"), NULL, mark);
        }
    }
  if (afr_table_get_n_rows (table) > 0)
    afr_report_add_table (report, g_steal_pointer (&table));
  else
    afr_report_add_paragraph (report, _("The appraiser has not marked any finding."));
}
