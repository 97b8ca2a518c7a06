/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "auditflow-desk"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "af-crash-trace.h"
#include "afd-application.h"
#include "afd-renderer-choice.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AfdApplication) app = NULL;

  af_crash_trace_install_from_env ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Before the application starts its threads: it may set GSK_RENDERER. */
  g_free (afd_renderer_choice_apply ());
  app = afd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
