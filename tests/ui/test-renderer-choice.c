/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The renderer the windows are drawn with (afd-renderer-choice.c), under Xvfb, whose GL
 * is always Mesa's software rasterizer: cairo unless GSK_RENDERER says otherwise, and no
 * shader warm-up under cairo. Each case runs in a process of its own, since GTK reads
 * GSK_RENDERER once per process.
 */
#include "config.h"

#include <string.h>

#include "afd-render-warm-up.h"
#include "afd-renderer-choice.h"

static void
test_software_names (void)
{
  g_assert_true (afd_renderer_is_software ("llvmpipe (LLVM 15.0.6, 256 bits)"));
  g_assert_true (afd_renderer_is_software ("softpipe"));
  g_assert_true (afd_renderer_is_software ("Software Rasterizer"));
  /* A GPU whose shader compiler is LLVM, a virtual GPU of the host's: drawn by a GPU. */
  g_assert_false (afd_renderer_is_software ("AMD Radeon RX 6600 (navi23, LLVM 15.0.6, "
                                            "DRM 3.49, 6.1.0-18-amd64)"));
  g_assert_false (afd_renderer_is_software ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"));
  g_assert_false (afd_renderer_is_software ("virgl (Mesa Intel(R) Xe Graphics)"));
  g_assert_false (afd_renderer_is_software (""));
  g_assert_false (afd_renderer_is_software (NULL));
}

/* The type of the renderer a realized window got, after the program's choice; and
 * whether a widget in it would warm the renderer up (shaders: GL only). */
static const char *
window_renderer_after_choice (char     **gl_renderer,
                              gboolean  *warm_up)
{
  GtkWidget *window, *label;
  const char *name;

  *gl_renderer = afd_renderer_choice_apply ();
  g_assert_true (gtk_init_check ());
  window = gtk_window_new ();
  label = gtk_label_new ("warm");
  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_widget_realize (window);
  name = G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window)));
  *warm_up = afd_render_warm_up_wanted (label);
  gtk_window_destroy (GTK_WINDOW (window));
  return name;
}

static void
test_software_gl_draws_with_cairo (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *gl_renderer = NULL;
      const char *renderer;
      gboolean warm_up;

      g_unsetenv ("GSK_RENDERER");
      renderer = window_renderer_after_choice (&gl_renderer, &warm_up);
      /* Xvfb has no GPU: if its GL were not software, this would test nothing. */
      g_assert_nonnull (gl_renderer);
      g_assert_true (afd_renderer_is_software (gl_renderer));
      g_assert_cmpstr (renderer, ==, "GskCairoRenderer");
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_false (warm_up);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_renderer_set_by_user_wins (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *gl_renderer = NULL;
      gboolean warm_up;

      g_setenv ("GSK_RENDERER", "gl", TRUE);
      g_assert_cmpstr (window_renderer_after_choice (&gl_renderer, &warm_up), ==, "GskGLRenderer");
      g_assert_null (gl_renderer);
      g_assert_true (warm_up);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* The program itself makes the choice before anything else (main.c): its --help, which
 * opens no window, already says so. */
static void
test_program_chooses (void)
{
  const char *argv[] = { AFD_APP_PATH, "--help", NULL };
  g_auto(GStrv) envp = g_environ_unsetenv (g_get_environ (), "GSK_RENDERER");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  envp = g_environ_setenv (envp, "G_MESSAGES_DEBUG", "afd-renderer-choice", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "GL is drawn in software (llvmpipe"));
  g_assert_nonnull (strstr (out, "the windows are drawn with cairo"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/renderer-choice/software-names", test_software_names);
  g_test_add_func ("/renderer-choice/software-gl-draws-with-cairo",
                   test_software_gl_draws_with_cairo);
  g_test_add_func ("/renderer-choice/set-by-user-wins", test_renderer_set_by_user_wins);
  g_test_add_func ("/renderer-choice/program-chooses", test_program_chooses);
  return g_test_run ();
}
