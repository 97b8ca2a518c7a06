/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store-guard"

#include <sqlite3.h>
#include <string.h>

#include "af-store-guard.h"

static gint guard_mode = AF_STORE_GUARD_OFF;   /* atomic */
static guint guard_violations;                  /* atomic */

/* The statement's text as prepared: parameters appear as ?, never their values. The
 * first line suffices to find it in the code. */
static void
report (const char *sql)
{
  g_autofree char *first = g_strndup (sql, strcspn (sql, "\n"));

  if (g_atomic_int_get (&guard_mode) == AF_STORE_GUARD_FATAL)
    g_error ("SQL on the main thread after the first frame: %.120s", first);
  g_message ("SQL on the main thread after the first frame: %.120s", first);
}

static int
trace_cb (unsigned int  type,
          void         *context,
          void         *statement,
          void         *text)
{
  if (G_LIKELY (g_atomic_int_get (&guard_mode) == AF_STORE_GUARD_OFF))
    return 0;
  if (!g_main_context_is_owner (g_main_context_default ()))
    return 0;
  g_atomic_int_inc (&guard_violations);
  report (sqlite3_sql (statement) != NULL ? sqlite3_sql (statement) : text);
  return 0;
}

static int
watch_connection (sqlite3                     *db,
                  const char                 **error_message,
                  const struct sqlite3_api_routines *api)
{
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, trace_cb, NULL);
  return SQLITE_OK;
}

void
af_store_guard_install (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      sqlite3_auto_extension ((void (*) (void)) watch_connection);
      g_once_init_leave (&installed, 1);
    }
}

void
af_store_guard_arm (AfStoreGuardMode mode)
{
  af_store_guard_install ();
  g_atomic_int_set (&guard_mode, mode);
}

AfStoreGuardMode
af_store_guard_get_mode (void)
{
  return g_atomic_int_get (&guard_mode);
}

AfStoreGuardMode
af_store_guard_mode_from_string (const char       *text,
                                 AfStoreGuardMode  fallback)
{
  if (g_strcmp0 (text, "off") == 0)
    return AF_STORE_GUARD_OFF;
  if (g_strcmp0 (text, "count") == 0)
    return AF_STORE_GUARD_COUNT;
  if (g_strcmp0 (text, "fatal") == 0)
    return AF_STORE_GUARD_FATAL;
  return fallback;
}

guint
af_store_guard_get_violations (void)
{
  return g_atomic_int_get (&guard_violations);
}
