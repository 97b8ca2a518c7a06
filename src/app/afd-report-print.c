/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-report-print"

#include "config.h"

#include "afd-report-print.h"
#include "afr-layout.h"

struct _AfdReportPrint
{
  GtkPrintOperation  parent_instance;

  /* owned references */
  AfrReport         *report;
  AfrLayout         *layout;   /* (nullable) from begin-print on */
};

G_DEFINE_FINAL_TYPE (AfdReportPrint, afd_report_print, GTK_TYPE_PRINT_OPERATION)

/* The printer's page may differ from the one offered: lay out for the one chosen. */
static void
afd_report_print_begin_print (GtkPrintOperation *operation,
                              GtkPrintContext   *context)
{
  AfdReportPrint *self = AFD_REPORT_PRINT (operation);
  PangoContext *pango = gtk_print_context_create_pango_context (context);

  g_clear_pointer (&self->layout, afr_layout_free);
  self->layout = afr_layout_new (self->report, gtk_print_context_get_width (context),
                                 gtk_print_context_get_height (context));
  /* The layout keeps the context it measured with, for drawing. */
  gtk_print_operation_set_n_pages (operation, (int) afr_layout_paginate (self->layout, pango));
  g_object_unref (pango);
}

static void
afd_report_print_draw_page (GtkPrintOperation *operation,
                            GtkPrintContext   *context,
                            int                page)
{
  AfdReportPrint *self = AFD_REPORT_PRINT (operation);

  if (self->layout != NULL && page >= 0 && (guint) page < afr_layout_get_n_pages (self->layout))
    afr_layout_draw_page (self->layout, gtk_print_context_get_cairo_context (context),
                          (guint) page);
}

static void
afd_report_print_finalize (GObject *object)
{
  AfdReportPrint *self = AFD_REPORT_PRINT (object);

  g_clear_object (&self->report);
  g_clear_pointer (&self->layout, afr_layout_free);

  G_OBJECT_CLASS (afd_report_print_parent_class)->finalize (object);
}

static void
afd_report_print_class_init (AfdReportPrintClass *klass)
{
  GtkPrintOperationClass *operation_class = GTK_PRINT_OPERATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = afd_report_print_finalize;
  operation_class->begin_print = afd_report_print_begin_print;
  operation_class->draw_page = afd_report_print_draw_page;
}

static void
afd_report_print_init (AfdReportPrint *self)
{
}

static GtkPageSetup *
page_setup_for (AfrPaper paper)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) size = gtk_paper_size_new (afr_paper_resolve (paper) == AFR_PAPER_LETTER
                                                     ? GTK_PAPER_NAME_LETTER : GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size (setup, size);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);
  return setup;
}

AfdReportPrint *
afd_report_print_new (AfrReport *report,
                      AfrPaper   paper)
{
  AfdReportPrint *self = g_object_new (AFD_TYPE_REPORT_PRINT, NULL);
  GtkPrintOperation *operation = GTK_PRINT_OPERATION (self);
  g_autoptr(GtkPageSetup) setup = page_setup_for (paper);

  self->report = g_object_ref (report);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_allow_async (operation, TRUE);
  if (afr_report_get_title (report) != NULL)
    gtk_print_operation_set_job_name (operation, afr_report_get_title (report));
  return self;
}
