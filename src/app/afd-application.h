/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-application.h — the single-instance application: actions, settings, windows.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AFD_TYPE_APPLICATION (afd_application_get_type ())
G_DECLARE_FINAL_TYPE (AfdApplication, afd_application, AFD, APPLICATION, AdwApplication)

AfdApplication *afd_application_new          (void);
/* The application's settings; never NULL once the application has started. */
GSettings      *afd_application_get_settings (AfdApplication *self);

#define AFD_APPLICATION_DEFAULT (AFD_APPLICATION (g_application_get_default ()))

G_END_DECLS
