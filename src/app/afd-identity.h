/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-identity.h — who signs the reviewer's edits (reviewed_by, corrected_by).
 */
#pragma once

#include <gtk/gtk.h>

#include "afd-workspace.h"

G_BEGIN_DECLS

#define AFD_DEMO_IDENTITY "demo.reviewer@example.com"

/* TRUE when the workspace's store knows the reviewer's e-mail, taking it from the
 * settings or the shared config file, or on the demo from AFD_DEMO_IDENTITY (and
 * saying so). Otherwise asks for it in a dialog over @widget's window and returns
 * FALSE: the edit is to be tried again once the user has answered. */
gboolean afd_identity_ensure (GtkWidget    *widget,
                              AfdWorkspace *workspace);

G_END_DECLS
