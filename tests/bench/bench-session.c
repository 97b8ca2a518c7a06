/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-session"

#include <glib/gstdio.h>

#include "bench-session.h"

char *
bench_session_run (const char        *mesa_cache_dir,
                   const char *const *env,
                   const char *const *args)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "MESA_SHADER_CACHE_DIR",
                                         mesa_cache_dir, TRUE);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (self == NULL)
    g_error ("this program's own path (/proc/self/exe) is unknown");
  g_ptr_array_add (argv, self);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL && env[i + 1] != NULL; i += 2)
    envp = g_environ_setenv (envp, env[i], env[i + 1], TRUE);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out,
                     NULL, &status, &error) || !g_spawn_check_wait_status (status, &error))
    g_error ("session: %s", error->message);
  return out;
}

void
bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
