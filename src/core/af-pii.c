/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pii"

#include <string.h>

#include "af-codec.h"
#include "af-crypto.h"
#include "af-pii.h"

/* base64 of "AFS1…" (af-crypto.c's value magic) starts so: a cheap test before any
 * B value is decoded. */
#define SEALED_BASE64_PREFIX "QUZTM"

/* Golden-record fields that are personal whatever pii_detected says. */
static const char * const golden_personal[] = { "ssn", "date_of_birth", "bank_account_number" };

/* pii_detected names categories; the fields each one covers. */
static const struct
{
  const char *category;
  const char *fields[3];
} categories[] = {
  { "ssn", { "ssn", "employee_ssn", NULL } },
  { "dob", { "date_of_birth", NULL } },
  { "account_number", { "account_number", "bank_account_number", NULL } },
  { "drivers_license_number", { "license_number", "drivers_license_number", NULL } },
  { "bank_routing_number", { "routing_number", "bank_routing_number", NULL } },
};

typedef struct
{
  AfPiiLeafFunc  func;
  gpointer       data;
  GString       *path;
  const AfValue *item;
  /* The item's pii_detected (L or SS), looked up once: every field asks it. */
  const AfValue *detected;   /* (nullable) */
} Transform;

/* ---- Which fields ----------------------------------------------------------------------- */

static gboolean
category_covers (const char *category,
                 const char *field)
{
  if (g_strcmp0 (category, field) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      if (g_strcmp0 (categories[i].category, category) != 0)
        continue;
      for (guint j = 0; categories[i].fields[j] != NULL; j++)
        if (strcmp (categories[i].fields[j], field) == 0)
          return TRUE;
    }
  return FALSE;
}

/* @item's pii_detected when it is a list of names (L or SS), else NULL. */
static const AfValue *
detected_list (const AfValue *item)
{
  AfValue *list = af_value_map_get (item, "pii_detected");
  AfType kind = list != NULL ? af_value_get_kind (list) : AF_TYPE_NULL;

  return kind == AF_TYPE_L || kind == AF_TYPE_SS ? list : NULL;
}

static gboolean
detected (const Transform *t,
          const char      *field)
{
  const AfValue *list = t->detected;

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < af_value_list_length (list); i++)
    if (category_covers (af_value_get_string (af_value_list_nth (list, i)), field))
      return TRUE;
  return FALSE;
}

static gboolean
golden_is_personal (const Transform *t,
                    const char      *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (golden_personal); i++)
    if (strcmp (golden_personal[i], field) == 0)
      return TRUE;
  return detected (t, field);
}

static gboolean
extracted_is_personal (const Transform *t,
                       const char      *name,
                       const AfValue   *field)
{
  AfValue *flag = af_value_map_get (field, "pii");

  if (flag != NULL && af_value_get_kind (flag) == AF_TYPE_BOOL && af_value_get_bool (flag))
    return TRUE;
  return detected (t, name);
}

/* ---- Replacing leaves ---------------------------------------------------------------------- */

static void
path_push (Transform  *t,
           const char *name,
           gsize      *saved)
{
  *saved = t->path->len;
  if (t->path->len > 0)
    g_string_append_c (t->path, '.');
  g_string_append (t->path, name);
}

static void
path_push_index (Transform *t,
                 guint      index,
                 gsize     *saved)
{
  *saved = t->path->len;
  g_string_append_printf (t->path, "[%u]", index);
}

/* @map with its member @name replaced by @func's answer; NULL when there is none. */
static AfValue *
replace_member (Transform     *t,
                const AfValue *map,
                const char    *name)
{
  AfValue *leaf = af_value_map_get (map, name);
  AfValue *replaced;
  gsize saved;

  if (leaf == NULL)
    return NULL;
  path_push (t, name, &saved);
  replaced = t->func (leaf, t->path->str, t->data);
  g_string_truncate (t->path, saved);
  return replaced != NULL ? af_value_with_member (map, name, replaced) : NULL;
}

/* Sets @name of *@result (a copy of @original made on the first change) to @member. */
static void
take_member (AfValue       **result,
             const AfValue  *original,
             const char     *name,
             AfValue        *member)
{
  AfValue *next = af_value_with_member (*result != NULL ? *result : original, name, member);

  g_clear_pointer (result, af_value_unref);
  *result = next;
}

static void
take_element (AfValue       **result,
              const AfValue  *original,
              guint           index,
              AfValue        *element)
{
  AfValue *next = af_value_with_element (*result != NULL ? *result : original, index, element);

  g_clear_pointer (result, af_value_unref);
  *result = next;
}

typedef gboolean (*FieldTest) (const Transform *t,
                               const char      *name,
                               const AfValue   *field);

/* extracted_data / golden_record: M of field -> M with a `value`. */
static AfValue *
transform_fields (Transform     *t,
                  const AfValue *fields,
                  FieldTest      personal)
{
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_map_size (fields); i++)
    {
      const char *name = af_value_map_name_at (fields, i);
      AfValue *field = af_value_map_value_at (fields, i);
      AfValue *replaced;
      gsize saved;

      if (af_value_get_kind (field) != AF_TYPE_M || !personal (t, name, field))
        continue;
      path_push (t, name, &saved);
      replaced = replace_member (t, field, "value");
      g_string_truncate (t->path, saved);
      if (replaced != NULL)
        take_member (&result, fields, name, replaced);
    }
  return result;
}

static gboolean
golden_test (const Transform *t,
             const char      *name,
             const AfValue   *field)
{
  return golden_is_personal (t, name);
}

/* Whether a correction of @field holds personal values: when the item has its
 * extracted_data, as that field's rule says; an outbox entry's changes carry no
 * extracted_data, so every correction there counts as personal. */
static gboolean
correction_is_personal (const Transform *t,
                        const char      *field)
{
  AfValue *data = af_value_map_get (t->item, "extracted_data");
  AfValue *entry;

  if (data == NULL || af_value_get_kind (data) != AF_TYPE_M)
    return TRUE;
  if (field == NULL)
    return TRUE;
  entry = af_value_map_get (data, field);
  if (entry != NULL && af_value_get_kind (entry) == AF_TYPE_M)
    return extracted_is_personal (t, field, entry);
  return detected (t, field);
}

/* corrections[i].original_value / corrected_value of the entries about personal fields. */
static AfValue *
transform_corrections (Transform     *t,
                       const AfValue *list)
{
  static const char * const leaves[] = { "original_value", "corrected_value" };
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_list_length (list); i++)
    {
      AfValue *entry = af_value_list_nth (list, i);
      g_autoptr(AfValue) changed = NULL;
      gsize saved;

      if (af_value_get_kind (entry) != AF_TYPE_M
          || !correction_is_personal (t, af_item_get_s (entry, "field")))
        continue;
      path_push_index (t, i, &saved);
      for (guint l = 0; l < G_N_ELEMENTS (leaves); l++)
        {
          AfValue *next = replace_member (t, changed != NULL ? changed : entry, leaves[l]);

          if (next != NULL)
            {
              g_clear_pointer (&changed, af_value_unref);
              changed = next;
            }
        }
      g_string_truncate (t->path, saved);
      if (changed != NULL)
        take_element (&result, list, i, g_steal_pointer (&changed));
    }
  return result;
}

/* inconsistencies[i].values.* when inconsistencies[i].field is personal. */
static AfValue *
transform_values (Transform     *t,
                  const AfValue *values)
{
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_map_size (values); i++)
    {
      const char *name = af_value_map_name_at (values, i);
      AfValue *replaced;
      gsize saved;

      path_push (t, name, &saved);
      replaced = t->func (af_value_map_value_at (values, i), t->path->str, t->data);
      if (replaced != NULL)
        take_member (&result, values, name, replaced);
      g_string_truncate (t->path, saved);
    }
  return result;
}

static AfValue *
transform_inconsistencies (Transform     *t,
                           const AfValue *list)
{
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_list_length (list); i++)
    {
      AfValue *entry = af_value_list_nth (list, i);
      AfValue *values = af_value_get_kind (entry) == AF_TYPE_M
                        ? af_value_map_get (entry, "values") : NULL;
      const char *field = entry != NULL && af_value_get_kind (entry) == AF_TYPE_M
                          ? af_item_get_s (entry, "field") : NULL;
      AfValue *replaced;
      gsize saved, inner;

      if (values == NULL || af_value_get_kind (values) != AF_TYPE_M || field == NULL
          || !golden_is_personal (t, field))
        continue;
      path_push_index (t, i, &saved);
      path_push (t, "values", &inner);
      replaced = transform_values (t, values);
      g_string_truncate (t->path, saved);
      if (replaced != NULL)
        take_element (&result, list, i, af_value_with_member (entry, "values", replaced));
    }
  return result;
}

typedef AfValue *(*PartFunc) (Transform *t, const AfValue *part);

static AfValue *
extracted_part (Transform     *t,
                const AfValue *part)
{
  return transform_fields (t, part, extracted_is_personal);
}

static AfValue *
golden_part (Transform     *t,
             const AfValue *part)
{
  return transform_fields (t, part, golden_test);
}

/* Applies @func to the attribute @name of *@result / @value when it has type @kind. */
static void
transform_part (Transform      *t,
                AfValue       **result,
                const AfValue  *value,
                const char     *name,
                AfType          kind,
                PartFunc        func)
{
  AfValue *part = af_value_map_get (value, name);
  AfValue *replaced;
  gsize saved;

  if (part == NULL || af_value_get_kind (part) != kind)
    return;
  path_push (t, name, &saved);
  replaced = func (t, part);
  g_string_truncate (t->path, saved);
  if (replaced != NULL)
    take_member (result, value, name, replaced);
}

AfValue *
af_pii_transform (AfTable         table,
                  const AfValue  *value,
                  AfPiiLeafFunc   func,
                  gpointer        data)
{
  Transform t = { func, data, g_string_new (NULL), value, detected_list (value) };
  AfValue *result = NULL;

  g_return_val_if_fail (value != NULL, NULL);

  if (af_value_get_kind (value) == AF_TYPE_M && table == AF_TABLE_DOCUMENTS)
    {
      transform_part (&t, &result, value, "extracted_data", AF_TYPE_M, extracted_part);
      transform_part (&t, &result, value, "corrections", AF_TYPE_L, transform_corrections);
    }
  else if (af_value_get_kind (value) == AF_TYPE_M && table == AF_TABLE_AUDITS)
    {
      transform_part (&t, &result, value, "golden_record", AF_TYPE_M, golden_part);
      transform_part (&t, &result, value, "inconsistencies", AF_TYPE_L, transform_inconsistencies);
    }
  g_string_free (t.path, TRUE);
  return result != NULL ? result : af_value_ref ((AfValue *) value);
}

/* ---- Sealing ------------------------------------------------------------------------------ */

typedef struct
{
  AfCacheKey *key;
  const char *ad;
} Seal;

static gboolean
leaf_is_sealed (const AfValue *leaf)
{
  return af_value_get_kind (leaf) == AF_TYPE_B
         && g_str_has_prefix (af_value_get_string (leaf), SEALED_BASE64_PREFIX);
}

/* @leaf sealed (a B), or NULL when it is sealed already. */
static AfValue *
seal_value (const AfValue *leaf,
            const char    *path,
            Seal          *seal)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *ad = NULL;
  g_autoptr(GBytes) sealed = NULL;

  if (leaf_is_sealed (leaf))
    return NULL;
  text = g_string_new (NULL);
  af_codec_write_value (text, leaf);
  ad = g_strconcat (seal->ad, "/", path, NULL);
  sealed = af_crypto_seal (seal->key, text->str, text->len, ad);
  /* The plaintext copy does not linger in freed memory. */
  memset (text->str, 0, text->len);
  {
    gsize length;
    const guint8 *bytes = g_bytes_get_data (sealed, &length);
    g_autofree char *base64 = g_base64_encode (bytes, length);

    return af_value_new_b (base64);
  }
}

static AfValue *
seal_leaf (const AfValue *leaf,
           const char    *path,
           gpointer       data)
{
  AfValue *sealed = seal_value (leaf, path, data);

  return sealed != NULL ? sealed : af_value_ref ((AfValue *) leaf);
}

typedef struct
{
  Seal    seal;
  GArray *out;   /* AfCodecReplacement */
} SealLeaves;

/* Keeps the leaf where it is (NULL) and notes its sealed value. */
static AfValue *
note_sealed_leaf (const AfValue *leaf,
                  const char    *path,
                  gpointer       data)
{
  SealLeaves *leaves = data;
  AfCodecReplacement replacement = { leaf, seal_value (leaf, path, &leaves->seal) };

  if (replacement.replacement != NULL)
    g_array_append_val (leaves->out, replacement);
  return NULL;
}

void
af_pii_seal_leaves (AfCacheKey     *key,
                    AfTable         table,
                    const AfValue  *value,
                    const char     *ad,
                    GArray         *out)
{
  SealLeaves leaves = { { key, ad }, out };

  g_return_if_fail (key != NULL && out != NULL);
  /* Nothing is replaced, so the transform copies nothing and gives @value back. */
  af_value_unref (af_pii_transform (table, value, note_sealed_leaf, &leaves));
}

AfValue *
af_pii_seal (AfCacheKey     *key,
             AfTable         table,
             const AfValue  *value,
             const char     *ad)
{
  Seal seal = { key, ad };

  g_return_val_if_fail (key != NULL, NULL);
  return af_pii_transform (table, value, seal_leaf, &seal);
}

/* ---- Opening ------------------------------------------------------------------------------- */

typedef struct
{
  AfCacheKey *key;
  const char *ad;
  GString    *path;
  GPtrArray  *failures;   /* (owned) paths */
} Open;

static AfValue *open_walk (Open *o, const AfValue *value);

static AfValue *
open_leaf (Open          *o,
           const AfValue *leaf)
{
  gsize length = 0;
  g_autofree guint8 *sealed = g_base64_decode (af_value_get_string (leaf), &length);
  g_autofree char *ad = g_strconcat (o->ad, "/", o->path->str, NULL);
  g_autoptr(GBytes) plain = NULL;
  AfValue *value = NULL;

  if (!af_crypto_is_sealed (sealed, length))
    return NULL;   /* a B that only looks like ours */
  plain = af_crypto_open (o->key, sealed, length, ad, NULL);
  if (plain != NULL)
    value = af_codec_parse_value (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), NULL);
  if (value != NULL)
    return value;
  g_ptr_array_add (o->failures, g_strdup (o->path->str));
  return af_value_new_s ("***");
}

static AfValue *
open_map (Open          *o,
          const AfValue *map)
{
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_map_size (map); i++)
    {
      gsize saved = o->path->len;
      AfValue *opened;

      if (saved > 0)
        g_string_append_c (o->path, '.');
      g_string_append (o->path, af_value_map_name_at (map, i));
      opened = open_walk (o, af_value_map_value_at (map, i));
      g_string_truncate (o->path, saved);
      if (opened != NULL)
        take_member (&result, map, af_value_map_name_at (map, i), opened);
    }
  return result;
}

static AfValue *
open_list (Open          *o,
           const AfValue *list)
{
  AfValue *result = NULL;

  for (guint i = 0; i < af_value_list_length (list); i++)
    {
      gsize saved = o->path->len;
      AfValue *opened;

      g_string_append_printf (o->path, "[%u]", i);
      opened = open_walk (o, af_value_list_nth (list, i));
      g_string_truncate (o->path, saved);
      if (opened != NULL)
        take_element (&result, list, i, opened);
    }
  return result;
}

/* NULL when nothing under @value was sealed. */
static AfValue *
open_walk (Open          *o,
           const AfValue *value)
{
  switch (af_value_get_kind (value))
    {
    case AF_TYPE_B:
      return leaf_is_sealed (value) ? open_leaf (o, value) : NULL;
    case AF_TYPE_M:
      return open_map (o, value);
    case AF_TYPE_L:
      return open_list (o, value);
    default:
      return NULL;
    }
}

static AfValue *
failures_value (GPtrArray *failures)
{
  AfValue *list = af_value_new_list (AF_TYPE_L);

  for (guint i = 0; i < failures->len; i++)
    af_value_list_append (list, af_value_new_s (g_ptr_array_index (failures, i)));
  return list;
}

AfValue *
af_pii_open (AfCacheKey     *key,
             const AfValue  *value,
             const char     *ad,
             guint          *out_failures)
{
  Open o = { key, ad, g_string_new (NULL), g_ptr_array_new_with_free_func (g_free) };
  AfValue *result;

  g_return_val_if_fail (key != NULL && value != NULL, NULL);

  result = open_walk (&o, value);
  if (result == NULL)
    result = af_value_ref ((AfValue *) value);
  if (o.failures->len > 0 && af_value_get_kind (result) == AF_TYPE_M)
    {
      g_debug ("%u sealed values of %s failed their integrity check", o.failures->len, ad);
      take_member (&result, NULL, AF_PII_INTEGRITY_ATTRIBUTE, failures_value (o.failures));
    }
  if (out_failures != NULL)
    *out_failures = o.failures->len;
  g_string_free (o.path, TRUE);
  g_ptr_array_unref (o.failures);
  return result;
}

/* ---- Masking ------------------------------------------------------------------------------- */

char *
af_pii_mask_text (const char *text)
{
  char *masked = g_strdup (text != NULL ? text : "");
  guint alnum = 0;
  guint kept = 0;

  for (const char *p = masked; *p != '\0'; p++)
    if (g_ascii_isalnum (*p))
      alnum++;
  /* Four characters stay only when at least as many are hidden. */
  kept = alnum >= 8 ? 4 : 0;
  for (char *p = masked; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80 || (g_ascii_isalnum (*p) && alnum-- > kept))
        *p = '*';
    }
  return masked;
}

static AfValue *
mask_leaf (const AfValue *leaf,
           const char    *path,
           gpointer       data)
{
  g_autofree char *masked = NULL;

  if (af_value_get_kind (leaf) != AF_TYPE_S)
    return af_value_new_s ("***");
  masked = af_pii_mask_text (af_value_get_string (leaf));
  return af_value_new_s (masked);
}

AfValue *
af_pii_mask (AfTable         table,
             const AfValue  *value)
{
  return af_pii_transform (table, value, mask_leaf, NULL);
}
