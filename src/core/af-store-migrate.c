/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-store-private.h"

/*
 * Encrypting a cache that an older version wrote in clear (schema 1). The schema
 * migration records the work as due (crypto/migration) in its own transaction; this
 * does it and removes the mark.
 */

static gboolean
migration_due (AfStore  *self,
               gboolean *out_due,
               GError  **error)
{
  g_autoptr(AfStmt) stmt = af_store_prepare (self, "SELECT 1 FROM crypto WHERE name = 'migration'",
                                             error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      af_store_set_sqlite_error (self, error, "reading the encryption state");
      return FALSE;
    }
  *out_due = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
af_store_finish_migration (AfStore  *self,
                           GError  **error)
{
  gboolean due = FALSE;

  if (!migration_due (self, &due, error))
    return FALSE;
  if (!due || self->key == NULL)
    return TRUE;
  /* The items' personal values and the cached objects are encrypted by the next
   * steps of this migration; until they exist the mark stays for them. */
  return TRUE;
}
