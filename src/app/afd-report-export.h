/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-report-export.h — "Export Report…" and "Print…" of the audit and artwork pages.
 *
 * Export asks where to save (the name suggested from the loan id or the file name),
 * then builds and writes the PDF on a worker thread; Print builds the report on a
 * worker thread and hands it to GtkPrintOperation. Either ends with a toast. The
 * paper is the report-paper setting (auto: from the locale).
 */
#pragma once

#include <gtk/gtk.h>

#include "af-store.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

/* @source: the page asking (its window shows the dialogs and the toast);
 * @item: the audit or analysis @id names, for the suggested file name. */
void afd_report_export (GtkWidget      *source,
                        AfdWorkspace   *workspace,
                        AfTable         table,
                        const AfValue  *item,
                        const char     *id);
void afd_report_print  (GtkWidget      *source,
                        AfdWorkspace   *workspace,
                        const char     *id);

G_END_DECLS
