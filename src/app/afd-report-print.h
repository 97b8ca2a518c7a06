/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-report-print.h — a report printed through GtkPrintOperation.
 *
 * The pages are laid out and drawn by the same AfrLayout that writes the PDF, with
 * the print context's Pango context, in points, on the full page (the report has
 * margins of its own). The paper offered first is the report setting's.
 */
#pragma once

#include <gtk/gtk.h>

#include "afr-paper.h"
#include "afr-report.h"

G_BEGIN_DECLS

#define AFD_TYPE_REPORT_PRINT (afd_report_print_get_type ())
G_DECLARE_FINAL_TYPE (AfdReportPrint, afd_report_print, AFD, REPORT_PRINT, GtkPrintOperation)

AfdReportPrint *afd_report_print_new (AfrReport *report,
                                      AfrPaper   paper);

G_END_DECLS
