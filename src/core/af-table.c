/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-table"

#include "af-table.h"

typedef struct
{
  const char *nick;
  const char *key_name;
  const char *sort_key_name;    /* (nullable) */
  const char *default_name;
  gboolean    has_env_suffix;   /* the seeds' {env}: "-dev", "-prod", … */
} TableInfo;

static const TableInfo tables[AF_N_TABLES] = {
  [AF_TABLE_DOCUMENTS] = { "documents", "document_id", NULL, "AuditFlow-Documents", FALSE },
  [AF_TABLE_AUDITS] = { "audits", "audit_record_id", NULL, "AuditFlow-AuditRecords", FALSE },
  [AF_TABLE_ANALYSES] = { "analyses", "request_id", "created_at", "artguard-image-analysis", TRUE },
  [AF_TABLE_USERS] = { "users", "user_id", NULL, "artguard-users", TRUE },
};

const char *
af_table_nick (AfTable table)
{
  g_return_val_if_fail (table < AF_N_TABLES, NULL);
  return tables[table].nick;
}

gboolean
af_table_from_nick (const char *nick,
                    AfTable    *out_table)
{
  for (guint i = 0; i < AF_N_TABLES; i++)
    {
      if (g_strcmp0 (nick, tables[i].nick) == 0)
        {
          *out_table = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
af_table_key_name (AfTable table)
{
  g_return_val_if_fail (table < AF_N_TABLES, NULL);
  return tables[table].key_name;
}

AfValue *
af_table_item_key (AfTable        table,
                   const AfValue *item)
{
  const char *names[] = { af_table_key_name (table), tables[table].sort_key_name };
  g_autoptr(AfValue) key = af_value_new_map ();

  for (guint i = 0; i < G_N_ELEMENTS (names) && names[i] != NULL; i++)
    {
      AfValue *value = af_value_map_get (item, names[i]);

      /* Half a key addresses nothing: DynamoDB refuses the request. */
      if (value == NULL)
        return NULL;
      af_value_map_set (key, names[i], af_value_ref (value));
    }
  return g_steal_pointer (&key);
}

char *
af_table_default_name (AfTable     table,
                       const char *env)
{
  g_return_val_if_fail (table < AF_N_TABLES, NULL);

  if (!tables[table].has_env_suffix)
    return g_strdup (tables[table].default_name);
  return g_strconcat (tables[table].default_name, "-", env != NULL ? env : "dev", NULL);
}

static gboolean
has_string (const AfValue *item,
            const char    *name)
{
  return af_item_get_s (item, name) != NULL;
}

/* The order matters: an analysis also has user_id, and a document may name its
 * loan like an audit does; each table's own key is what tells them apart. */
gboolean
af_table_guess_for_item (const AfValue *item,
                         AfTable       *out_table)
{
  if (has_string (item, "audit_record_id"))
    *out_table = AF_TABLE_AUDITS;
  else if (has_string (item, "document_id"))
    *out_table = AF_TABLE_DOCUMENTS;
  else if (has_string (item, "request_id"))
    *out_table = AF_TABLE_ANALYSES;
  else if (has_string (item, "user_id"))
    *out_table = AF_TABLE_USERS;
  else
    return FALSE;
  return TRUE;
}
