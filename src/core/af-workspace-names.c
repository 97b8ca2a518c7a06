/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-workspace-names"

#include "af-glib-compat.h"
#include "af-workspace-names.h"

struct _AfWorkspaceNames
{
  GObject  parent_instance;

  char    *tables[AF_N_TABLES];  /* (owned) */
  char    *raw_bucket;           /* (owned) */
  char    *processed_bucket;     /* (owned) */
};

G_DEFINE_FINAL_TYPE (AfWorkspaceNames, af_workspace_names, G_TYPE_OBJECT)

static void
af_workspace_names_finalize (GObject *object)
{
  AfWorkspaceNames *self = AF_WORKSPACE_NAMES (object);

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_free (self->tables[t]);
  g_free (self->raw_bucket);
  g_free (self->processed_bucket);

  G_OBJECT_CLASS (af_workspace_names_parent_class)->finalize (object);
}

static void
af_workspace_names_class_init (AfWorkspaceNamesClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_workspace_names_finalize;
}

static void
af_workspace_names_init (AfWorkspaceNames *self)
{
}

AfWorkspaceNames *
af_workspace_names_new (const char *env)
{
  AfWorkspaceNames *self = g_object_new (AF_TYPE_WORKSPACE_NAMES, NULL);

  if (env == NULL)
    env = "dev";
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    self->tables[t] = af_table_default_name (t, env);
  self->raw_bucket = g_strdup_printf ("artguard-images-raw-%s", env);
  self->processed_bucket = g_strdup_printf ("artguard-images-processed-%s", env);
  return self;
}

const char *
af_workspace_names_get_table (AfWorkspaceNames *self,
                              AfTable           table)
{
  g_return_val_if_fail (AF_IS_WORKSPACE_NAMES (self), NULL);
  g_return_val_if_fail (table < AF_N_TABLES, NULL);

  return self->tables[table];
}

void
af_workspace_names_set_table (AfWorkspaceNames *self,
                              AfTable           table,
                              const char       *name)
{
  g_return_if_fail (AF_IS_WORKSPACE_NAMES (self));
  g_return_if_fail (table < AF_N_TABLES);

  af_set_str (&self->tables[table], name);
}

const char *
af_workspace_names_get_raw_bucket (AfWorkspaceNames *self)
{
  g_return_val_if_fail (AF_IS_WORKSPACE_NAMES (self), NULL);

  return self->raw_bucket;
}

const char *
af_workspace_names_get_processed_bucket (AfWorkspaceNames *self)
{
  g_return_val_if_fail (AF_IS_WORKSPACE_NAMES (self), NULL);

  return self->processed_bucket;
}

void
af_workspace_names_set_buckets (AfWorkspaceNames *self,
                                const char       *raw,
                                const char       *processed)
{
  g_return_if_fail (AF_IS_WORKSPACE_NAMES (self));

  if (raw != NULL)
    af_set_str (&self->raw_bucket, raw);
  if (processed != NULL)
    af_set_str (&self->processed_bucket, processed);
}
