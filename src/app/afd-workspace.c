/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-workspace"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>

#include "af-demo.h"
#include "af-object-path.h"
#include "af-objects.h"
#include "af-store-thread.h"
#include "afd-workspace.h"

struct _AfdWorkspace
{
  GObject   parent_instance;

  /* owned references */
  AfStoreThread *store_thread; /* the only connection: every read and edit of the window */
  char     *demo_dir;    /* (nullable) set on the demo only */
  GSettings *settings;   /* the application's, read and written on the main thread */

  gint64    initial_counts[AFD_N_QUEUES];
};

G_DEFINE_FINAL_TYPE (AfdWorkspace, afd_workspace, G_TYPE_OBJECT)
G_DEFINE_QUARK (afd-workspace-error-quark, afd_workspace_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
afd_workspace_finalize (GObject *object)
{
  AfdWorkspace *self = AFD_WORKSPACE (object);

  g_clear_object (&self->store_thread);
  g_clear_pointer (&self->demo_dir, g_free);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (afd_workspace_parent_class)->finalize (object);
}

static void
afd_workspace_class_init (AfdWorkspaceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_workspace_finalize;

  /* (queues_changed, acted_on): the item the user acted on, or NULL (a pull, a note). */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN,
                                   G_TYPE_STRING);
}

static void
afd_workspace_init (AfdWorkspace *self)
{
}

static gboolean
setting_is_set (GSettings  *settings,
                const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *value = NULL;

  if (settings == NULL)
    return FALSE;
  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, key))
    return FALSE;
  value = g_settings_get_string (settings, key);
  return value[0] != '\0';
}

/* Any sign that the user has an AWS account to work with: then the demo is not what
 * they want on a first start. */
static gboolean
has_aws_configuration (GSettings *settings)
{
  static const char * const variables[] = {
    "AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3",
  };
  g_autofree char *credentials = g_build_filename (g_get_home_dir (), ".aws", "credentials",
                                                   NULL);

  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    if (g_getenv (variables[i]) != NULL && *g_getenv (variables[i]) != '\0')
      return TRUE;
  return setting_is_set (settings, "region") ||
         setting_is_set (settings, "endpoint-dynamodb") ||
         setting_is_set (settings, "endpoint-s3") ||
         g_file_test (credentials, G_FILE_TEST_EXISTS);
}

static char *
default_workspace_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "auditflow-desk", "workspace.db", NULL);
}

/* The object cache's files are sealed with this cache's key: the viewers find it
 * registered for that folder. */
static AfStore *
open_and_register (const char  *path,
                   GError     **error)
{
  AfStore *store = af_store_open (path, error);
  g_autofree char *objects_dir = af_objects_default_dir ();

  if (store != NULL)
    af_objects_register_dir (objects_dir, af_store_get_key (store));
  return store;
}

static AfStore *
open_real (const char  *path,
           GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }
  return open_and_register (path, error);
}

static AfStore *
open_demo (AfdWorkspace  *self,
           GError       **error)
{
  g_autofree char *cache = af_demo_default_cache_path ();

  self->demo_dir = af_demo_find_dir (error);
  if (self->demo_dir == NULL)
    return NULL;
  return af_demo_open (self->demo_dir, cache, error);
}

/* An explicit cache may be a demo cache too: its objects are then the demo's. */
static AfStore *
open_explicit (AfdWorkspace  *self,
               const char    *path,
               GError       **error)
{
  AfStore *store = open_real (path, error);

  if (store != NULL && af_demo_store_is_demo (store))
    {
      self->demo_dir = af_store_get_state (store, AF_DEMO_STATE_DIR, NULL);
      if (self->demo_dir == NULL)
        self->demo_dir = af_demo_find_dir (NULL);
    }
  return store;
}

typedef struct
{
  char      *db_path;         /* (nullable) */
  GSettings *settings;        /* (owned) handed to the workspace, not read off the main thread */
  gboolean  real_workspace;   /* decided on the main thread, where the settings live */
  gboolean  demo;             /* asked for by name (Open Demo Workspace) */
  double    risk_threshold;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *open = data;

  g_free (open->db_path);
  g_clear_object (&open->settings);
  g_free (open);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *open = task_data;
  g_autoptr(AfdWorkspace) self = g_object_new (AFD_TYPE_WORKSPACE, NULL);
  g_autofree char *real_path = default_workspace_path ();
  g_autoptr(GError) error = NULL;
  AfStore *store;

  if (open->demo)
    store = open_demo (self, &error);
  else if (open->db_path != NULL)
    store = open_explicit (self, open->db_path, &error);
  else if (open->real_workspace)
    store = open_real (real_path, &error);
  else
    store = open_demo (self, &error);

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Still this worker's alone: counted here, then handed to the store's thread, which
   * from now on is the only one to touch it (af-store-thread.h). */
  afd_queue_count_all (store, open->risk_threshold, self->initial_counts);
  self->store_thread = af_store_thread_new (store);
  self->settings = g_object_ref (open->settings);
  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

static void
start_open (OpenData            *open,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  /* One source tag for both ways in: afd_workspace_open_finish checks it. */
  g_task_set_source_tag (task, afd_workspace_open_async);
  g_task_set_task_data (task, open, open_data_free);
  g_task_run_in_thread (task, open_thread);
}

void
afd_workspace_open_async (const char          *db_path,
                          GSettings           *settings,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *real_path = default_workspace_path ();
  OpenData *open = g_new0 (OpenData, 1);

  open->db_path = g_strdup (db_path);
  open->settings = g_object_ref (settings);
  open->real_workspace = g_file_test (real_path, G_FILE_TEST_EXISTS) ||
                         has_aws_configuration (settings);
  open->risk_threshold = g_settings_get_double (settings, "risk-threshold");
  start_open (open, cancellable, callback, user_data);
}

void
afd_workspace_open_demo_async (GSettings           *settings,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  OpenData *open = g_new0 (OpenData, 1);

  open->demo = TRUE;
  open->settings = g_object_ref (settings);
  open->risk_threshold = g_settings_get_double (settings, "risk-threshold");
  start_open (open, cancellable, callback, user_data);
}

AfdWorkspace *
afd_workspace_open_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const gint64 *
afd_workspace_get_initial_counts (AfdWorkspace *self)
{
  g_return_val_if_fail (AFD_IS_WORKSPACE (self), NULL);
  return self->initial_counts;
}

AfStoreThread *
afd_workspace_get_store_thread (AfdWorkspace *self)
{
  g_return_val_if_fail (AFD_IS_WORKSPACE (self), NULL);
  return self->store_thread;
}

GSettings *
afd_workspace_get_settings (AfdWorkspace *self)
{
  g_return_val_if_fail (AFD_IS_WORKSPACE (self), NULL);
  return self->settings;
}

gboolean
afd_workspace_is_demo (AfdWorkspace *self)
{
  g_return_val_if_fail (AFD_IS_WORKSPACE (self), FALSE);
  return self->demo_dir != NULL;
}

/* Objects of a real workspace live in the content-addressed object cache, named by
 * the SHA-256 the item gives as its checksum. */
static char *
resolve_cached_object (const AfValue  *item,
                       GError        **error)
{
  const char *checksum = af_item_get_s (item, "checksum");
  g_autofree char *objects_dir = af_objects_default_dir ();
  g_autofree char *path = af_object_path (objects_dir, checksum);

  /* Sealed: the viewers read it through af_objects_load_file(), which decrypts it
   * with the key open_real() registered. */
  if (path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&path);
  g_set_error_literal (error, AFD_WORKSPACE_ERROR, AFD_WORKSPACE_ERROR_NOT_OFFLINE,
                       _("This file has not been downloaded for offline use yet."));
  return NULL;
}

char *
afd_workspace_resolve_object (AfdWorkspace   *self,
                              const AfValue  *item,
                              const char     *attribute,
                              GError        **error)
{
  g_return_val_if_fail (AFD_IS_WORKSPACE (self), NULL);

  if (self->demo_dir != NULL)
    return af_demo_resolve_item_object (self->demo_dir, item, attribute, NULL, error);
  return resolve_cached_object (item, error);
}

void
afd_workspace_changed (AfdWorkspace *self,
                       gboolean      queues_changed)
{
  g_return_if_fail (AFD_IS_WORKSPACE (self));
  g_signal_emit (self, signals[CHANGED], 0, queues_changed, NULL);
}

void
afd_workspace_acted_on (AfdWorkspace *self,
                        const char   *item_id)
{
  g_return_if_fail (AFD_IS_WORKSPACE (self));
  g_return_if_fail (item_id != NULL);
  g_signal_emit (self, signals[CHANGED], 0, TRUE, item_id);
}
