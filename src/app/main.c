/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "auditflow-desk"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "af-crash-trace.h"
#include "afd-application.h"

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

  app = afd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
