/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-preferences-window.h — where the cloud is: region, endpoints, tables, the
 * reviewer's e-mail, and AWS credentials (kept in the keyring, never in settings).
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AFD_TYPE_PREFERENCES_WINDOW (afd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AfdPreferencesWindow, afd_preferences_window, AFD, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @demo: the parent shows the demo workspace; offer to leave it. */
AfdPreferencesWindow *afd_preferences_window_new (GtkWindow *parent,
                                                  GSettings *settings,
                                                  gboolean   demo);

G_END_DECLS
