/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-store-private.h"

/* Writers' turns. SQLite's busy handler is not fair: a writer waiting for the lock
 * polls with growing sleeps (up to 100 ms), while a pull commits page after page and
 * takes the lock again at once, so a note saved during a pull could wait for the whole
 * pull, or fail at the busy timeout. Within this process, a bulk transaction (a page
 * of a pull, an import) therefore does not begin while a short one (an edit, a
 * conflict's resolution, the push's bookkeeping) of the same file waits for the lock:
 * the edit gets in after the page being written. Another process still goes by
 * SQLite's busy handler alone. */

/* A bulk writer waits at most this long for the edits to go first: a waiting edit
 * that another process keeps from its lock must not stop a pull for good. */
#define BULK_WAIT_MAX_US (5 * G_TIME_SPAN_SECOND)

static GMutex turns_lock;
static GCond turns_cond;
static GHashTable *edits_waiting;   /* under @turns_lock: path -> GINT count */

static void
count_waiting_edit (const char *path,
                    int         delta)
{
  int n;

  g_mutex_lock (&turns_lock);
  if (edits_waiting == NULL)
    edits_waiting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n = GPOINTER_TO_INT (g_hash_table_lookup (edits_waiting, path)) + delta;
  if (n > 0)
    g_hash_table_insert (edits_waiting, g_strdup (path), GINT_TO_POINTER (n));
  else
    g_hash_table_remove (edits_waiting, path);
  if (n == 0)
    g_cond_broadcast (&turns_cond);
  g_mutex_unlock (&turns_lock);
}

static void
wait_for_edits (const char *path)
{
  gint64 deadline = g_get_monotonic_time () + BULK_WAIT_MAX_US;

  g_mutex_lock (&turns_lock);
  while (edits_waiting != NULL && g_hash_table_contains (edits_waiting, path))
    if (!g_cond_wait_until (&turns_cond, &turns_lock, deadline))
      break;
  g_mutex_unlock (&turns_lock);
}

gboolean
af_store_begin (AfStore  *self,
                GError  **error)
{
  gboolean ok;

  count_waiting_edit (self->path, +1);
  ok = af_store_exec (self, "BEGIN IMMEDIATE", error);
  count_waiting_edit (self->path, -1);
  return ok;
}

gboolean
af_store_begin_bulk (AfStore  *self,
                     GError  **error)
{
  wait_for_edits (self->path);
  return af_store_exec (self, "BEGIN IMMEDIATE", error);
}
