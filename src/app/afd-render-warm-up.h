/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-render-warm-up — draws, a little at a time and hidden under an opaque child, what
 * Mesa's llvmpipe would otherwise compile shaders for on the main thread the first time
 * the window shows it (a search typed, the queue shown again under the pointer).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_RENDER_WARM_UP_STAGES 15

/* Whether @widget's window is drawn by a renderer that compiles shaders (GL): under cairo
 * (a machine without a GPU: afd-renderer-choice.h) there is nothing to warm up. */
gboolean afd_render_warm_up_wanted (GtkWidget *widget);

/* Appends stage @stage (0 to AFD_RENDER_WARM_UP_STAGES - 1) of the warm-up to @snapshot,
 * inside @under, a rectangle of @widget that an opaque child drawn after it covers. */
void afd_render_warm_up_snapshot (GtkWidget             *widget,
                                  GtkSnapshot           *snapshot,
                                  const graphene_rect_t *under,
                                  guint                  stage);

G_END_DECLS
