/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-context"

#include "afc-context.h"

#include <errno.h>
#include <stdio.h>

#include "af-clock.h"
#include "af-config.h"
#include "af-pii.h"
#include "af-retention.h"
#include "afc-output.h"

struct _AfcContext
{
  /* owned */
  char     *db_path;   /* (nullable): --db, else the default workspace */
  char     *user;      /* (nullable): --user */
  AfStore  *store;     /* (nullable): opened on first use */

  gboolean  json;
  gboolean  reveal_pii;
  gboolean  may_create;
};

AfcContext *
afc_context_new (void)
{
  return g_new0 (AfcContext, 1);
}

void
afc_context_free (AfcContext *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->user, g_free);
  g_free (self);
}

void
afc_context_set_db_path (AfcContext *self,
                         const char *path)
{
  g_free (self->db_path);
  self->db_path = g_strdup (path);
}

void
afc_context_set_user (AfcContext *self,
                      const char *email)
{
  g_free (self->user);
  self->user = g_strdup (email);
}

void
afc_context_set_json (AfcContext *self,
                      gboolean    json)
{
  self->json = json;
}

void
afc_context_set_reveal_pii (AfcContext *self,
                            gboolean    reveal)
{
  self->reveal_pii = reveal;
}

AfValue *
afc_context_shown (AfcContext    *self,
                   AfTable        table,
                   const AfValue *value)
{
  if (self->reveal_pii)
    return af_value_ref ((AfValue *) value);
  return af_pii_mask (table, value);
}

void
afc_context_set_may_create (AfcContext *self,
                            gboolean    may_create)
{
  self->may_create = may_create;
}

gboolean
afc_context_get_json (AfcContext *self)
{
  return self->json;
}

/* The default cache is the desktop app's own workspace, so that the CLI and the
 * window see the same data unless --db says otherwise. */
static char *
default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "auditflow-desk", "workspace.db", NULL);
}

/* A cache is created only by the commands that fill it (import, sync): a mistyped
 * --db for any other command must not leave an empty cache behind and report
 * "0 audits" from it. The folder is private to the user, as the cache is. */
static gboolean
check_or_prepare_path (AfcContext  *self,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *dir = NULL;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!self->may_create)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no cache at %s", path);
      return FALSE;
    }
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "cannot create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Retention at open (af-retention.h): expired items leave unless they hold unsent
 * changes, and the command says so on stderr. A failure here must not stop the
 * command: the next sync tries again. */
static void
apply_retention (AfcContext *self)
{
  guint removed[AF_N_TABLES] = { 0 };

  if (af_retention_run_by_table (self->store, NULL, af_clock_now_unix (), removed, NULL))
    afc_context_report_expired (self, removed);
}

void
afc_context_report_expired (AfcContext  *self,
                            const guint  removed[AF_N_TABLES])
{
  g_autofree char *notice = afc_output_expired_notice (removed);

  if (notice != NULL)
    afc_context_notice (self, "%s", notice);
}

AfStore *
afc_context_get_store (AfcContext  *self,
                       GError     **error)
{
  g_autofree char *path = NULL;

  if (self->store != NULL)
    return self->store;

  path = self->db_path != NULL ? g_strdup (self->db_path) : default_db_path ();
  if (!check_or_prepare_path (self, path, error))
    return NULL;

  g_debug ("opening cache %s", path);
  self->store = af_store_open (path, error);
  if (self->store != NULL)
    apply_retention (self);
  return self->store;
}

gboolean
afc_context_require_identity (AfcContext  *self,
                              GError     **error)
{
  g_autofree char *email = NULL;
  g_autofree char *config_path = NULL;
  AfStore *store;

  store = afc_context_get_store (self, error);
  if (store == NULL)
    return FALSE;

  email = self->user != NULL ? g_strdup (self->user) : af_config_get_identity (error);
  if (email == NULL)
    {
      /* An unreadable config file has already set the error; say which one it was. */
      if (error != NULL && *error != NULL)
        return FALSE;
      config_path = af_config_get_path ();
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY,
                   "no reviewer identity: pass --user EMAIL, set %s, or set email= "
                   "under [identity] in %s", AF_CONFIG_ENV_USER, config_path);
      return FALSE;
    }

  af_store_set_identity (store, email);
  return TRUE;
}

void
afc_context_write (AfcContext    *self,
                   const GString *text)
{
  fwrite (text->str, 1, text->len, stdout);
  fflush (stdout);
}

/* The contract is one line on stderr: a message that spans lines (an SQLite or
 * parser message quoting input) is folded. */
static void
print_error_line (const char *message)
{
  g_autofree char *line = g_strdup (message);

  g_strdelimit (line, "\r\n", ' ');
  fprintf (stderr, "%s: %s\n", AFC_PROGRAM_NAME, line);
  fflush (stderr);
}

static void G_GNUC_PRINTF (1, 0)
print_error_valist (const char *format,
                    va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  print_error_line (message);
}

void
afc_context_notice (AfcContext *self,
                    const char *format,
                    ...)
{
  va_list args;

  va_start (args, format);
  print_error_valist (format, args);
  va_end (args);
}

int
afc_context_fail (AfcContext   *self,
                  const GError *error)
{
  print_error_line (error != NULL ? error->message : "unknown error");
  return AFC_EXIT_FAILURE;
}

int
afc_context_fail_message (AfcContext *self,
                          const char *format,
                          ...)
{
  va_list args;

  va_start (args, format);
  print_error_valist (format, args);
  va_end (args);
  return AFC_EXIT_FAILURE;
}

int
afc_context_usage_error (AfcContext *self,
                         const char *command,
                         const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (command != NULL)
    line = g_strdup_printf ("%s (try '%s %s --help')", message, AFC_PROGRAM_NAME, command);
  else
    line = g_strdup_printf ("%s (try '%s --help')", message, AFC_PROGRAM_NAME);
  print_error_line (line);
  return AFC_EXIT_USAGE;
}
