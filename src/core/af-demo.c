/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-demo.c — finding, importing and reopening the demo workspace.
 */
#define G_LOG_DOMAIN "af-demo"

#include "config.h"

#include "af-demo.h"
#include "af-demo-private.h"

#include <errno.h>
#include <json-glib/json-glib.h>

#include "af-clock.h"
#include "af-codec.h"
#include "af-table.h"

G_DEFINE_QUARK (af-demo-error-quark, af_demo_error)

#define STATE_IMPORT       "demo_import"
#define IMPORT_DONE        "done"

/* A demo imported longer ago than this is imported again, dates moved to the new now.
 * Its artworks expire 30 days after their creation, about 29 days after as_of: a week
 * leaves every item three weeks of life even if the app stays open that long. The
 * user's edits survive, as pending outbox entries re-applied on the fresh copy. */
#define REFRESH_AFTER_SECONDS (G_GINT64_CONSTANT (7) * 24 * 3600)

/* ---- Finding the demo ------------------------------------------------------- */

static gboolean
is_demo_dir (const char *dir)
{
  g_autofree char *expected = g_build_filename (dir, "expected.json", NULL);

  return g_file_test (expected, G_FILE_TEST_IS_REGULAR);
}

char *
af_demo_find_dir (GError **error)
{
  const char *env = g_getenv ("AFD_DEMO_DIR");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo", NULL);

  /* An explicit override is taken as it is, so that a typo is an error, not a
   * silent fall-back to another copy of the demo. */
  if (env != NULL && *env != '\0')
    {
      if (is_demo_dir (env))
        return g_canonicalize_filename (env, NULL);
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "AFD_DEMO_DIR (%s) holds no demo workspace", env);
      return NULL;
    }

  /* Uninstalled, `meson devenv` (or build-aux/run-demo.sh) sets AFD_DEMO_DIR. */
  if (is_demo_dir (installed))
    return g_steal_pointer (&installed);

  g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
               "The demo workspace is not installed (looked in %s)", installed);
  return NULL;
}

char *
af_demo_default_cache_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "auditflow-desk", "demo.sqlite", NULL);
}

/* ---- Reading the fixture's files -------------------------------------------- */

JsonNode *
af_demo_load_json (const char  *demo_dir,
                   const char  *name,
                   GError     **error)
{
  g_autofree char *path = g_build_filename (demo_dir, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "%s is missing from the demo workspace", name);
      return NULL;
    }
  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                   "%s: %s", name, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                   "%s: not a JSON object", name);
      return NULL;
    }
  return json_node_ref (json_parser_get_root (parser));
}

const char *
af_demo_json_get_string (JsonObject *object,
                         const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
af_demo_read_as_of (const char  *demo_dir,
                    gint64      *out_unix,
                    GError     **error)
{
  g_autoptr(JsonNode) root = af_demo_load_json (demo_dir, "expected.json", error);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) as_of = NULL;
  const char *text;

  if (root == NULL)
    return FALSE;

  text = af_demo_json_get_string (json_node_get_object (root), "as_of");
  if (text != NULL)
    as_of = g_date_time_new_from_iso8601 (text, utc);
  if (as_of == NULL)
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                   "expected.json: as_of is not an ISO 8601 time");
      return FALSE;
    }
  *out_unix = g_date_time_to_unix (as_of);
  return TRUE;
}

/* ---- Importing -------------------------------------------------------------- */

static GPtrArray *
list_table_files (const char  *demo_dir,
                  GError     **error)
{
  g_autofree char *dir_path = g_build_filename (demo_dir, "dynamodb", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (dir_path, 0, NULL);
  if (dir == NULL)
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "The demo workspace has no dynamodb directory");
      return NULL;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".json"))
        g_ptr_array_add (files, g_build_filename (dir_path, name, NULL));
    }
  if (files->len == 0)
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "The demo workspace has no table files");
      return NULL;
    }
  /* The directory order is the file system's; a sorted order keeps imports alike. */
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
  return g_steal_pointer (&files);
}

/* Reads one table file, moves its dates and sorts its items into @by_table. */
static gboolean
collect_file (const char  *path,
              gint64       delta_seconds,
              GPtrArray   *by_table[AF_N_TABLES],
              GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "%s: %s", base, local_error->message);
      return FALSE;
    }
  items = af_codec_parse_items_page (contents, length, NULL, &local_error);
  if (items == NULL)
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                   "%s: %s", base, local_error->message);
      return FALSE;
    }

  for (guint i = 0; i < items->len; i++)
    {
      const AfValue *item = g_ptr_array_index (items, i);
      AfTable table;

      if (!af_table_guess_for_item (item, &table))
        {
          g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_MALFORMED,
                       "%s: item %u belongs to no known table", base, i);
          return FALSE;
        }
      g_ptr_array_add (by_table[table], af_demo_shift_item (item, delta_seconds));
    }
  return TRUE;
}

/* How far the fixture's dates move: from its as_of to now, in whole seconds so that
 * ISO times, seconds and milliseconds all move by the same amount. The demo never
 * moves back in time: a clock set before as_of leaves the dates as they are. */
static gboolean
compute_shift (const char  *demo_dir,
               gint64      *out_delta,
               GError     **error)
{
  gint64 as_of;

  if (!af_demo_read_as_of (demo_dir, &as_of, error))
    return FALSE;
  *out_delta = MAX (af_clock_now_unix () - as_of, 0);
  return TRUE;
}

static gboolean
set_states (AfStore     *store,
            const char  *demo_dir,
            gint64       delta,
            GError     **error)
{
  g_autofree char *delta_text = g_strdup_printf ("%" G_GINT64_FORMAT, delta);
  g_autofree char *now = af_clock_now_iso ();

  return af_store_set_state (store, AF_DEMO_STATE_DIR, demo_dir, error)
         && af_store_set_state (store, AF_DEMO_STATE_SHIFT, delta_text, error)
         && af_store_set_state (store, AF_DEMO_STATE_IMPORTED_AT, now, error)
         && af_store_set_state (store, STATE_IMPORT, IMPORT_DONE, error);
}

/* Each table goes in its own transaction. "demo_import" = "done" is written last, so
 * a crash half-way leaves a cache that the next open imports again: replacing the
 * items that did arrive is harmless. */
static gboolean
import_demo (AfStore     *store,
             const char  *demo_dir,
             GError     **error)
{
  g_autoptr(GPtrArray) files = NULL;
  GPtrArray *by_table[AF_N_TABLES];
  gboolean ok = TRUE;
  gint64 delta;

  if (!compute_shift (demo_dir, &delta, error))
    return FALSE;
  files = list_table_files (demo_dir, error);
  if (files == NULL)
    return FALSE;
  if (!af_store_set_state (store, AF_DEMO_STATE_WORKSPACE, AF_DEMO_WORKSPACE_DEMO, error))
    return FALSE;

  for (guint t = 0; t < AF_N_TABLES; t++)
    by_table[t] = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (guint i = 0; ok && i < files->len; i++)
    ok = collect_file (g_ptr_array_index (files, i), delta, by_table, error);
  for (guint t = 0; ok && t < AF_N_TABLES; t++)
    {
      if (by_table[t]->len > 0)
        ok = af_store_put_remote_items (store, t, by_table[t], error);
    }
  if (ok)
    ok = set_states (store, demo_dir, delta, error);

  for (guint t = 0; t < AF_N_TABLES; t++)
    g_ptr_array_unref (by_table[t]);

  if (ok)
    g_debug ("Imported the demo workspace, dates moved by %" G_GINT64_FORMAT " s", delta);
  return ok;
}

static gboolean
store_is_empty (AfStore  *store,
                GError  **error)
{
  for (guint t = 0; t < AF_N_TABLES; t++)
    {
      AfQuery query = { .table = t, .limit = 1 };
      gint64 count = af_store_count (store, &query, error);

      if (count != 0)
        return FALSE;
    }
  return af_store_outbox_length (store, error) == 0;
}

static gboolean
import_is_stale (AfStore *store)
{
  g_autofree char *imported_at = af_store_get_state (store, AF_DEMO_STATE_IMPORTED_AT, NULL);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;

  if (imported_at != NULL)
    time = g_date_time_new_from_iso8601 (imported_at, utc);
  if (time == NULL)
    return TRUE;
  return af_clock_now_unix () - g_date_time_to_unix (time) > REFRESH_AFTER_SECONDS;
}

/* Whether the store at hand still needs the import; FALSE with @error set when it
 * is not a demo cache at all. */
static gboolean
needs_import (AfStore   *store,
              gboolean  *out_needed,
              GError   **error)
{
  g_autofree char *workspace = NULL;
  g_autofree char *import_state = NULL;
  g_autoptr(GError) local_error = NULL;

  workspace = af_store_get_state (store, AF_DEMO_STATE_WORKSPACE, error);
  if (workspace == NULL && error != NULL && *error != NULL)
    return FALSE;

  if (g_strcmp0 (workspace, AF_DEMO_WORKSPACE_DEMO) == 0)
    {
      import_state = af_store_get_state (store, STATE_IMPORT, error);
      if (import_state == NULL && error != NULL && *error != NULL)
        return FALSE;
      *out_needed = g_strcmp0 (import_state, IMPORT_DONE) != 0 || import_is_stale (store);
      return TRUE;
    }

  /* No mark: a brand-new cache (or one that died before its first write) is taken;
   * anything with data in it belongs to someone else and is left untouched. */
  if (workspace == NULL && store_is_empty (store, &local_error))
    {
      *out_needed = TRUE;
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_DEMO,
               "%s holds a workspace that is not the demo", af_store_get_path (store));
  return FALSE;
}

AfStore *
af_demo_open (const char  *demo_dir,
              const char  *cache_path,
              GError     **error)
{
  g_autoptr(AfStore) store = NULL;
  g_autofree char *parent = NULL;
  gboolean needed = FALSE;

  g_return_val_if_fail (demo_dir != NULL, NULL);
  g_return_val_if_fail (cache_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_demo_dir (demo_dir))
    {
      g_set_error (error, AF_DEMO_ERROR, AF_DEMO_ERROR_NOT_FOUND,
                   "%s holds no demo workspace", demo_dir);
      return NULL;
    }

  parent = g_path_get_dirname (cache_path);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", parent, g_strerror (saved_errno));
      return NULL;
    }

  store = af_store_open (cache_path, error);
  if (store == NULL)
    return NULL;
  if (!needs_import (store, &needed, error))
    return NULL;
  if (needed && !import_demo (store, demo_dir, error))
    return NULL;
  /* The same demo may be found elsewhere later (installed, after running from the
   * build tree): its objects are looked up where it is now. */
  if (!needed && !af_store_set_state (store, AF_DEMO_STATE_DIR, demo_dir, error))
    return NULL;

  return g_steal_pointer (&store);
}

gboolean
af_demo_store_is_demo (AfStore *store)
{
  g_autofree char *workspace = NULL;

  g_return_val_if_fail (AF_IS_STORE (store), FALSE);

  workspace = af_store_get_state (store, AF_DEMO_STATE_WORKSPACE, NULL);
  return g_strcmp0 (workspace, AF_DEMO_WORKSPACE_DEMO) == 0;
}
