/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-pdf"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "afr-layout.h"
#include "afr-pdf.h"

typedef struct
{
  GOutputStream *stream;       /* (unowned) */
  GCancellable  *cancellable;  /* (unowned) (nullable) */
  GError        *error;        /* (owned) (nullable) the first write error */
} Sink;

static cairo_status_t
sink_write (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  Sink *sink = closure;

  if (sink->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (sink->stream, data, length, NULL, sink->cancellable,
                                  &sink->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

static void
set_metadata (cairo_surface_t *surface,
              AfrReport       *report)
{
  const char *title = afr_report_get_title (report);

  if (title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "AuditFlow Desk " PACKAGE_VERSION);
}

/* Lays out with the PDF surface's own font options, then draws every page. */
static cairo_status_t
render (AfrReport       *report,
        cairo_surface_t *surface,
        double           width,
        double           height)
{
  cairo_t *cr = cairo_create (surface);
  PangoContext *context = pango_cairo_create_context (cr);
  g_autoptr(AfrLayout) layout = afr_layout_new (report, width, height);
  guint n_pages;
  cairo_status_t status;

  /* The surface's unit is the point: "Sans 9" must be 9 of them, not 9 at 96 dpi. */
  pango_cairo_context_set_resolution (context, 72);
  n_pages = afr_layout_paginate (layout, context);

  for (guint page = 0; page < n_pages; page++)
    {
      afr_layout_draw_page (layout, cr, page);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  g_object_unref (context);
  cairo_destroy (cr);
  return status;
}

static gboolean
write_stream (AfrReport      *report,
              AfrPaper        paper,
              GOutputStream  *stream,
              GCancellable   *cancellable,
              GError        **error)
{
  Sink sink = { stream, cancellable, NULL };
  double width, height;
  cairo_surface_t *surface;
  cairo_status_t status;

  afr_paper_get_size (paper, &width, &height);
  surface = cairo_pdf_surface_create_for_stream (sink_write, &sink, width, height);
  set_metadata (surface, report);
  status = render (report, surface, width, height);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (sink.error != NULL)
    {
      g_propagate_error (error, sink.error);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw the report: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
afr_pdf_write (AfrReport     *report,
               AfrPaper       paper,
               GFile         *file,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GCancellable) abandon = g_cancellable_new ();

  g_return_val_if_fail (AFR_IS_REPORT (report), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                           error);
  if (stream == NULL)
    return FALSE;
  if (!write_stream (report, paper, G_OUTPUT_STREAM (stream), cancellable, error))
    {
      /* Closed after a cancellation, the replacement is dropped and the old file stays. */
      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error);
}
