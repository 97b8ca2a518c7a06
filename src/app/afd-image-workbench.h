/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-image-workbench.h — the appraiser's view of one picture: a toolbar (zoom, fit,
 * 100 %, loupe, error level analysis and its settings, the inspection's progress) over
 * an AfdImageView. The picture is decoded off the main thread, then inspected
 * (af_forensics_inspect_async) with progress and a stop button; ::inspected hands the
 * report over. The error level analysis is drawn over the picture at the quality, gain
 * and opacity the controls set, each recomputation on a worker thread.
 */
#pragma once

#include <gtk/gtk.h>

#include "af-forensics.h"
#include "afd-image-view.h"

G_BEGIN_DECLS

#define AFD_TYPE_IMAGE_WORKBENCH (afd_image_workbench_get_type ())
G_DECLARE_FINAL_TYPE (AfdImageWorkbench, afd_image_workbench, AFD, IMAGE_WORKBENCH, GtkWidget)

/* Decodes and shows @path (cancelling what was loading); emits ::loaded when shown. */
void          afd_image_workbench_load        (AfdImageWorkbench *self,
                                               const char        *path);
/* Cancels the decoding, the inspection and the ELA in flight, silently (no
 * ::inspected): the owner is going away. The work holds a reference to the workbench
 * until it ends, so without this a disposed owner would still hear from it. */
void          afd_image_workbench_stop        (AfdImageWorkbench *self);
/* Shows @message in place of the picture. */
void          afd_image_workbench_show_error  (AfdImageWorkbench *self,
                                               const char        *message);
gboolean      afd_image_workbench_is_loaded   (AfdImageWorkbench *self);
/* The message shown in place of the picture, or NULL. */
const char   *afd_image_workbench_get_error_message (AfdImageWorkbench *self);
/* The last inspection's report, or NULL (running, failed, stopped). */
AfForensicsReport *afd_image_workbench_get_report (AfdImageWorkbench *self);
gboolean      afd_image_workbench_is_inspecting (AfdImageWorkbench *self);
/* Outlines @finding's region(s) on the picture (NULL: none). */
void          afd_image_workbench_show_finding (AfdImageWorkbench *self,
                                                AfFinding         *finding);
AfdImageView *afd_image_workbench_get_view    (AfdImageWorkbench *self);

G_END_DECLS
