/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afr-pdf.h — a report written as a PDF through cairo's PDF surface.
 *
 * cairo embeds a subset of every font it uses and maps each glyph back to its
 * characters, so the text of the file is selectable and searchable. The file is
 * written beside its destination and renamed into place when complete: a failure
 * half-way leaves whatever was there before.
 */
#pragma once

#include <gio/gio.h>

#include "afr-paper.h"
#include "afr-report.h"

G_BEGIN_DECLS

gboolean  afr_pdf_write  (AfrReport     *report,
                          AfrPaper       paper,
                          GFile         *file,
                          GCancellable  *cancellable,
                          GError       **error);

G_END_DECLS
