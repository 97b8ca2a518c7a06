/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-key-error"

#include "config.h"

#include <glib/gi18n.h>

#include "af-cache-key.h"
#include "afd-key-error.h"

#define KEY_FILE_VARIABLE "AUDITFLOW_DESK_KEY_FILE"

/* The key file's path is the user's own setting, not personal data: naming it says
 * which file to fix. */
static char *
key_file_path (void)
{
  const char *path = g_getenv (KEY_FILE_VARIABLE);

  return g_strdup (path != NULL ? path : "");
}

static char *
describe_no_store (void)
{
  return g_markup_printf_escaped (
    _("The workspace keeps borrowers’ personal data encrypted, and its key is kept in the "
      "keyring (GNOME Keyring or another Secret Service), which cannot be reached. "
      "Nothing was opened and nothing was changed.\n\n"
      "Log in to a desktop session with a keyring and start AuditFlow Desk again, or, "
      "where no keyring runs, set %s to the path of a key file "
      "(it is created, readable by you alone, if it does not exist)."),
    KEY_FILE_VARIABLE);
}

static char *
describe_loose (void)
{
  g_autofree char *path = key_file_path ();

  return g_markup_printf_escaped (
    _("The key file %s can be read by other users, so the workspace was not opened.\n\n"
      "Make it readable by you alone (chmod 600 on the file) and start AuditFlow Desk "
      "again."), path);
}

static char *
describe_missing (void)
{
  return g_markup_escape_text (
    _("This workspace is encrypted and its key is neither in the keyring nor in the key "
      "file. The workspace was left untouched.\n\n"
      "Start AuditFlow Desk where its key is: the same user’s keyring, or the key file it "
      "was created with."), -1);
}

static char *
describe_wrong (void)
{
  return g_markup_escape_text (
    _("The key found does not open this workspace; the workspace was left untouched.\n\n"
      "Check that the keyring or the key file is the one this workspace was created with."),
    -1);
}

static char *
describe_invalid (void)
{
  g_autofree char *path = key_file_path ();

  return g_markup_printf_escaped (
    _("The key file %s does not hold a key (64 hexadecimal digits), so the workspace was "
      "not opened.\n\n"
      "Point %s at the key file this workspace was created with."), path, KEY_FILE_VARIABLE);
}

static char *
describe_keyring (void)
{
  return g_markup_printf_escaped (
    _("The keyring refused to keep or give the workspace’s encryption key, so the "
      "workspace was not opened.\n\n"
      "Unlock the keyring (for example in Passwords and Keys) and start AuditFlow Desk "
      "again, or, where no keyring runs, set %s to the path of a key file."),
    KEY_FILE_VARIABLE);
}

gboolean
afd_key_error_describe (const GError  *error,
                        char         **out_title,
                        char         **out_description)
{
  g_return_val_if_fail (out_title != NULL && out_description != NULL, FALSE);

  if (error == NULL || error->domain != AF_CACHE_KEY_ERROR)
    return FALSE;
  switch ((AfCacheKeyError) error->code)
    {
    case AF_CACHE_KEY_ERROR_NO_STORE:
      *out_title = g_strdup (_("No Keyring for the Encryption Key"));
      *out_description = describe_no_store ();
      return TRUE;
    case AF_CACHE_KEY_ERROR_LOOSE:
      *out_title = g_strdup (_("The Key File Is Not Private"));
      *out_description = describe_loose ();
      return TRUE;
    case AF_CACHE_KEY_ERROR_MISSING:
      *out_title = g_strdup (_("Encryption Key Not Found"));
      *out_description = describe_missing ();
      return TRUE;
    case AF_CACHE_KEY_ERROR_WRONG:
      *out_title = g_strdup (_("Wrong Encryption Key"));
      *out_description = describe_wrong ();
      return TRUE;
    case AF_CACHE_KEY_ERROR_INVALID:
      *out_title = g_strdup (_("The Key File Holds No Key"));
      *out_description = describe_invalid ();
      return TRUE;
    case AF_CACHE_KEY_ERROR_KEYRING:
      *out_title = g_strdup (_("The Keyring Refused the Key"));
      *out_description = describe_keyring ();
      return TRUE;
    default:
      return FALSE;
    }
}
