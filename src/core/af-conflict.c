/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-conflict"

#include <string.h>

#include "af-conflict.h"

static gboolean
is_bookkeeping (const char *name)
{
  return strcmp (name, "version") == 0 || strcmp (name, "last_op_id") == 0;
}

static void
collect_changed (const AfValue *from,
                 const AfValue *other,
                 GHashTable    *changed)
{
  for (guint i = 0; i < af_value_map_size (from); i++)
    {
      const char *name = af_value_map_name_at (from, i);
      AfValue *theirs = other != NULL ? af_value_map_get (other, name) : NULL;

      if (is_bookkeeping (name))
        continue;
      if (theirs == NULL || !af_value_equal (af_value_map_value_at (from, i), theirs))
        g_hash_table_add (changed, (gpointer) name);
    }
}

static gint
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char **
af_conflict_changed_attributes (const AfValue *base,
                                const AfValue *current)
{
  g_autoptr(GHashTable) changed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree const char **names = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (current != NULL, NULL);

  collect_changed (current, base, changed);
  if (base != NULL)
    collect_changed (base, current, changed);
  names = (const char **) g_hash_table_get_keys_as_array (changed, NULL);
  g_qsort_with_data (names, g_hash_table_size (changed), sizeof (char *),
                     compare_names, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    g_strv_builder_add (builder, names[i]);
  return g_strv_builder_end (builder);
}

static gboolean
list_contains (const AfValue *list,
               const AfValue *element)
{
  for (guint i = 0; list != NULL && i < af_value_list_length (list); i++)
    if (af_value_equal (af_value_list_nth (list, i), element))
      return TRUE;
  return FALSE;
}

gboolean
af_conflict_already_applied (const AfOutboxEntry *entry,
                             const AfValue       *current)
{
  g_return_val_if_fail (entry != NULL && current != NULL, FALSE);

  if (g_strcmp0 (af_item_get_s (current, "last_op_id"), entry->op_id) == 0)
    return TRUE;
  for (guint i = 0; i < af_value_map_size (entry->changes); i++)
    {
      const char *name = af_value_map_name_at (entry->changes, i);
      AfValue *ours = af_value_map_value_at (entry->changes, i);
      AfValue *theirs = af_value_map_get (current, name);

      if (entry->kind == AF_OP_CORRECTION && af_value_get_kind (ours) == AF_TYPE_L)
        {
          /* Each correction carries who and when: equal means this very one. */
          for (guint j = 0; j < af_value_list_length (ours); j++)
            if (!list_contains (theirs, af_value_list_nth (ours, j)))
              return FALSE;
        }
      else if (theirs == NULL || !af_value_equal (ours, theirs))
        return FALSE;
    }
  return af_value_map_size (entry->changes) > 0;
}

/* Another writer's corrections were appended after the ones we based ours on. */
static gboolean
only_appended (const AfValue *base,
               const AfValue *current)
{
  AfValue *before = base != NULL ? af_value_map_get (base, "corrections") : NULL;
  AfValue *after = af_value_map_get (current, "corrections");
  guint n_before;

  if (after == NULL || af_value_get_kind (after) != AF_TYPE_L)
    return FALSE;
  if (before == NULL)
    return TRUE;
  if (af_value_get_kind (before) != AF_TYPE_L)
    return FALSE;
  n_before = af_value_list_length (before);
  if (n_before > af_value_list_length (after))
    return FALSE;
  for (guint i = 0; i < n_before; i++)
    if (!af_value_equal (af_value_list_nth (before, i), af_value_list_nth (after, i)))
      return FALSE;
  return TRUE;
}

AfJudgement
af_conflict_judge (const AfOutboxEntry   *entry,
                   const AfValue         *base,
                   const AfValue         *current,
                   char                ***out_attributes)
{
  g_auto(GStrv) changed = NULL;
  g_autoptr(GStrvBuilder) overlap = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (entry != NULL && current != NULL, AF_JUDGEMENT_CONFLICT);

  if (af_conflict_already_applied (entry, current))
    return AF_JUDGEMENT_APPLIED;

  changed = af_conflict_changed_attributes (base, current);
  for (guint i = 0; changed[i] != NULL; i++)
    {
      if (af_value_map_get (entry->changes, changed[i]) == NULL)
        continue;
      if (entry->kind == AF_OP_CORRECTION && strcmp (changed[i], "corrections") == 0
          && only_appended (base, current))
        continue;
      g_strv_builder_add (overlap, changed[i]);
    }
  names = g_strv_builder_end (overlap);
  if (names[0] == NULL)
    return AF_JUDGEMENT_MERGE;
  if (out_attributes != NULL)
    *out_attributes = g_steal_pointer (&names);
  return AF_JUDGEMENT_CONFLICT;
}
