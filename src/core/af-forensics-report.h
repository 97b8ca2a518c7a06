/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics-report.h — what the local forensics found in one picture
 * (af_forensics_inspect): its format, size and SHA-256, its metadata, its JPEG quality,
 * the error-level-analysis difference image, and the findings.
 *
 * Immutable once made and safe to share between threads: the cache hands the same
 * report to every caller that inspects the same bytes.
 */
#pragma once

#include <gio/gio.h>

#include "af-finding.h"
#include "af-image-buffer.h"
#include "af-image-metadata.h"

G_BEGIN_DECLS

#define AF_TYPE_FORENSICS_REPORT (af_forensics_report_get_type ())
G_DECLARE_FINAL_TYPE (AfForensicsReport, af_forensics_report, AF, FORENSICS_REPORT, GObject)

/* "JPEG", "PNG" or "TIFF" (af_file_type_to_string's spelling). */
const char       *af_forensics_report_get_format       (AfForensicsReport *self);
int               af_forensics_report_get_width        (AfForensicsReport *self);
int               af_forensics_report_get_height       (AfForensicsReport *self);
/* 64 lowercase hex digits: the SHA-256 of the file's bytes. */
const char       *af_forensics_report_get_sha256       (AfForensicsReport *self);
/* The quality (1–100) estimated from the luminance quantisation table; -1 when the
 * file is not a JPEG. */
int               af_forensics_report_get_jpeg_quality (AfForensicsReport *self);
AfImageMetadata  *af_forensics_report_get_metadata     (AfForensicsReport *self);
/* The quality the ELA re-compressed at, and the raw per-channel absolute difference
 * (0 = no error) at the picture's size. af_forensics_ela_render() amplifies it. */
int               af_forensics_report_get_ela_quality  (AfForensicsReport *self);
AfImageBuffer    *af_forensics_report_get_ela          (AfForensicsReport *self);
/* A GListModel of AfFinding, most severe first. */
GListModel       *af_forensics_report_get_findings     (AfForensicsReport *self);

/* For af-forensics.c, which builds the report. */
AfForensicsReport *af_forensics_report_new (const char       *format,
                                            int               width,
                                            int               height,
                                            const char       *sha256,
                                            int               jpeg_quality,
                                            AfImageMetadata  *metadata,
                                            int               ela_quality,
                                            AfImageBuffer    *ela,
                                            GPtrArray        *findings);

G_END_DECLS
