/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-renderer-choice"

#include "config.h"

#include <epoxy/gl.h>
#include <string.h>

#include "afd-renderer-choice.h"

/* GTK 4.8 draws with GL whenever the display offers it, also when GL is drawn on the
 * CPU. There one frame of the main window took 28–35 ms of the main thread, and
 * llvmpipe's threads kept both cores busy meanwhile (the store's thread answered a
 * queue page in 36 ms instead of 2.4): bench-stalls measured 37–73 ms between frames
 * under GL against 18–22 ms under cairo, which draws only the damaged region.
 * GTK 4.14 stopped choosing its GPU renderers on llvmpipe; before it, GSK_RENDERER,
 * read when the first window is realized, is the only way to choose. */

gboolean
afd_renderer_is_software (const char *gl_renderer)
{
  static const char *const software[] = {
    "llvmpipe", "softpipe", "Software Rasterizer", "swrast",
  };

  if (gl_renderer == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (software); i++)
    if (strstr (gl_renderer, software[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* glGetString (GL_RENDERER) of a context on @display, or NULL without GL. */
static char *
read_gl_renderer (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  char *name;

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  name = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return name;
}

char *
afd_renderer_choice_apply (void)
{
  char *gl_renderer;

  if (g_getenv ("GSK_RENDERER") != NULL || gtk_check_version (4, 14, 0) == NULL)
    return NULL;
  if (!gtk_init_check ())
    return NULL;
  gl_renderer = read_gl_renderer (gdk_display_get_default ());
  if (afd_renderer_is_software (gl_renderer))
    {
      g_debug ("GL is drawn in software (%s): the windows are drawn with cairo", gl_renderer);
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
    }
  return gl_renderer;
}

gboolean
afd_renderer_is_cairo (void)
{
  return g_strcmp0 (g_getenv ("GSK_RENDERER"), "cairo") == 0;
}
