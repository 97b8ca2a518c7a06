/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-config.h — the few settings the core needs without GSettings.
 *
 * The CLI runs where there may be no dconf, so the reviewer's identity lives in a
 * small key file, $XDG_CONFIG_HOME/auditflow-desk/config.ini:
 *
 *   [identity]
 *   email=reviewer@example.com
 *
 * The GTK application mirrors its GSettings identity into the same file, so that both
 * front ends record the same reviewed_by / corrected_by. AUDITFLOW_DESK_USER overrides
 * the file (scripts, tests, containers).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AF_CONFIG_ERROR (af_config_error_quark ())
GQuark af_config_error_quark (void);

typedef enum
{
  AF_CONFIG_ERROR_INVALID,   /* the file exists but cannot be read as a key file */
  AF_CONFIG_ERROR_WRITE,     /* the file or its directory cannot be written */
} AfConfigError;

#define AF_CONFIG_ENV_USER "AUDITFLOW_DESK_USER"

/* $XDG_CONFIG_HOME/auditflow-desk/config.ini */
char     *af_config_get_path      (void);

/* The reviewer's e-mail: AUDITFLOW_DESK_USER when set, else [identity] email from the
 * config file. NULL without an error when neither says anything; NULL with an error
 * when the file exists but is unreadable. Surrounding blanks are trimmed. */
char     *af_config_get_identity  (GError     **error);

/* Writes [identity] email, keeping every other group and comment of the file.
 * @email NULL or empty removes the identity. */
gboolean  af_config_set_identity  (const char  *email,
                                   GError     **error);

/* [sync] refresh-interval: seconds between refreshes of the tables without a stream
 * (AF_CONFIG_DEFAULT_REFRESH_INTERVAL when the file or the key is missing or unreadable).
 * The command line refreshes at every `sync` unless told otherwise (a script that asks for
 * a sync expects one); the window, which syncs on its own, has its own setting. */
#define AF_CONFIG_DEFAULT_REFRESH_INTERVAL 0
guint     af_config_get_refresh_interval (void);

G_END_DECLS
