/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-build"

#include "config.h"

#include <glib/gi18n.h>

#include "af-clock.h"
#include "af-pii.h"
#include "af-store-sync.h"
#include "afd-format.h"
#include "afr-build-private.h"

void
afr_build_footer (AfrReport *report,
                  AfStore   *store)
{
  g_autofree char *now = af_clock_now_iso ();
  g_autofree char *when = afd_format_iso_time (now);

  afr_report_set_footer (report, af_store_get_identity (store), when != NULL ? when : now);
}

guint
afr_build_pending_kinds (AfStore    *store,
                         const char *item_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = af_store_outbox_list (store, &error);
  guint kinds = 0;

  if (entries == NULL)
    {
      g_warning ("The outbox could not be read for a report: %s", error->message);
      return 0;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const AfOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->item_id, item_id) == 0)
        kinds |= 1u << entry->kind;
    }
  return kinds;
}

void
afr_build_conflict_notice (AfrReport  *report,
                           AfStore    *store,
                           AfTable     table,
                           const char *item_id,
                           const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfConflict) conflict = af_store_conflict_get (store, item_id, &error);
  g_autofree char *attributes = NULL;
  g_autofree char *text = NULL;

  if (conflict == NULL || conflict->table != table)
    return;
  attributes = g_strjoinv (", ", conflict->attributes);
  /* Translators: %s are what is in conflict ("this audit") and attribute names. */
  text = g_strdup_printf (_("Open conflict on %s: another reviewer changed %s in the cloud. "
                            "This report shows the local value; the conflict is not resolved."),
                          what, attributes);
  afr_report_add_notice (report, text);
}

const char *
afr_build_or_absent (const char *text)
{
  return text != NULL && *text != '\0' ? text : AFD_ABSENT;
}

char *
afr_build_field_value (const char *field,
                       const char *value,
                       gboolean    pii)
{
  if (value == NULL)
    return g_strdup (AFD_ABSENT);
  if (pii || afd_field_is_pii (field))
    return afd_mask_pii (field, value);
  return g_strdup (value);
}

char *
afr_build_confidence (const char *number)
{
  if (number == NULL)
    return g_strdup (AFD_ABSENT);
  return afd_format_percent (g_ascii_strtod (number, NULL));
}

static AfValue *
collect_path (const AfValue *leaf,
              const char    *path,
              gpointer       data)
{
  g_hash_table_add (data, g_strdup (path));
  return af_value_ref ((AfValue *) leaf);
}

GHashTable *
afr_build_personal_paths (AfTable        table,
                          const AfValue *item)
{
  GHashTable *paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (item != NULL)
    af_value_unref (af_pii_transform (table, item, collect_path, paths));
  return paths;
}
