/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-store"

#include "af-codec.h"
#include "af-pii.h"
#include "af-store-private.h"

/*
 * Every text the store writes goes through af_store_seal_text() and every text it reads
 * through af_store_open_text(): the personal values (af-pii.h) are sealed on the way
 * to the disk and opened on the way back, so that the rest of the program only ever
 * sees plain items and SQLite only ever sees ciphertext.
 */

char *
af_store_item_ad (const AfValue *item)
{
  AfTable table;
  const char *key;

  if (!af_table_guess_for_item (item, &table)
      || (key = af_item_get_s (item, af_table_key_name (table))) == NULL)
    return g_strdup ("item");
  return g_strconcat (af_table_nick (table), "/", key, NULL);
}

char *
af_store_outbox_ad (AfTable     table,
                    const char *item_id)
{
  return g_strconcat ("outbox/", af_table_nick (table), "/", item_id, NULL);
}

char *
af_store_seal_text (AfStore        *self,
                    AfTable         table,
                    const AfValue  *value,
                    const char     *ad)
{
  g_autofree char *item_ad = NULL;
  g_autoptr(AfValue) sealed = NULL;

  if (self->key == NULL)
    return af_codec_item_to_string (value);
  if (ad == NULL)
    ad = item_ad = af_store_item_ad (value);
  sealed = af_pii_seal (self->key, table, value, ad);
  return af_codec_item_to_string (sealed);
}

AfValue *
af_store_open_text (AfStore     *self,
                    const char  *text,
                    gssize       length,
                    const char  *ad,
                    GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AfValue) value = af_codec_parse_item (text != NULL ? text : "", length, &local_error);
  g_autofree char *item_ad = NULL;

  if (value == NULL)
    {
      g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_CORRUPT,
                   "%s: a cached item does not parse: %s", self->path, local_error->message);
      return NULL;
    }
  if (self->key == NULL)
    return g_steal_pointer (&value);
  if (ad == NULL)
    ad = item_ad = af_store_item_ad (value);
  return af_pii_open (self->key, value, ad, NULL);
}

gboolean
af_store_check_integrity (const AfValue  *item,
                          GError        **error)
{
  g_autofree char *ad = NULL;

  if (af_value_map_get (item, AF_PII_INTEGRITY_ATTRIBUTE) == NULL)
    return TRUE;
  ad = af_store_item_ad (item);
  g_set_error (error, AF_STORE_ERROR, AF_STORE_ERROR_INTEGRITY,
               "%s: integrity failure: encrypted values of this item do not authenticate "
               "(the cache was damaged or tampered with); a sync fetches it again", ad);
  return FALSE;
}
