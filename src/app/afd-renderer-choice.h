/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-renderer-choice — draws the windows with cairo where GL would be Mesa's software
 * rasterizer (llvmpipe: a machine without a GPU, a virtual machine, Xvfb), as GTK 4.14
 * and later decide by themselves. Runs before the application, in main ().
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Whether @gl_renderer (glGetString (GL_RENDERER)) names a rasterizer that draws on the
 * CPU. */
gboolean afd_renderer_is_software (const char *gl_renderer);

/* Sets GSK_RENDERER=cairo when GL is drawn in software, GSK_RENDERER is not set already
 * (a user's or a test's choice wins), and GTK is older than 4.14. Opens the display
 * (gtk_init_check ()); must run before any window is realized and before the process
 * has threads (it sets an environment variable). Returns the GL renderer's name
 * read, or NULL when none was read. */
char *afd_renderer_choice_apply (void);

/* Whether the windows are drawn with cairo (GSK_RENDERER=cairo: chosen above, or by the
 * user), so that pictures can be prepared for it. Any thread. */
gboolean afd_renderer_is_cairo (void);

G_END_DECLS
