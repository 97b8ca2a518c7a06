/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-guard.h — proof that a thread never runs SQL: every SQLite statement that
 * starts while the calling thread owns the default GMainContext (the GTK main thread,
 * while its loop runs) is counted once the guard is armed, and in FATAL mode aborts
 * the process naming the statement (its text as written, never its bound values).
 *
 * The app arms it after its first frame, in the mode AFD_SQL_GUARD names (off, count,
 * fatal); the UI tests set fatal. The CLI never arms it: a statement there costs one
 * atomic read more.
 */
#pragma once

#include <glib.h>

#include "af-store.h"

G_BEGIN_DECLS

typedef enum
{
  AF_STORE_GUARD_OFF,
  AF_STORE_GUARD_COUNT,   /* counted, and logged with g_message () */
  AF_STORE_GUARD_FATAL,   /* g_error (): the process aborts */
} AfStoreGuardMode;

/* Watches every SQLite connection opened from now on (af_store_open calls it). */
void             af_store_guard_install        (void);
void             af_store_guard_arm            (AfStoreGuardMode  mode);
AfStoreGuardMode af_store_guard_get_mode       (void);
/* "off", "count" or "fatal"; anything else (or NULL) is @fallback. */
AfStoreGuardMode af_store_guard_mode_from_string (const char     *text,
                                                AfStoreGuardMode  fallback);
/* Statements seen on the main thread since the guard was first armed. */
guint            af_store_guard_get_violations (void);

G_END_DECLS
