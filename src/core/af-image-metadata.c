/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-image-metadata"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gexiv2/gexiv2.h>

#include "af-forensics.h"
#include "af-icc.h"
#include "af-image-metadata.h"
#include "af-jpeg.h"
#include "af-metadata-values.h"

/* No value we show is longer than this; a file may carry megabytes in one tag. */
#define MAX_VALUE_CHARS 4096

struct _AfImageMetadata
{
  GObject     parent_instance;

  GArray     *entries;      /* (owned) of AfMetadataEntry, strings owned */
  GHashTable *by_key;       /* (owned) key → value, borrowed from entries */
  char       *camera;       /* (owned) (nullable) */
  char       *colour;       /* (owned) (nullable) */
  GBytes     *thumbnail;    /* (owned) (nullable) */
};

G_DEFINE_FINAL_TYPE (AfImageMetadata, af_image_metadata, G_TYPE_OBJECT)

static GMutex exiv2_lock;

static void
clear_entry (AfMetadataEntry *entry)
{
  g_free ((char *) entry->key);
  g_free ((char *) entry->label);
  g_free ((char *) entry->value);
}

static void
af_image_metadata_finalize (GObject *object)
{
  AfImageMetadata *self = AF_IMAGE_METADATA (object);

  g_hash_table_unref (self->by_key);
  g_array_unref (self->entries);
  g_free (self->camera);
  g_free (self->colour);
  g_clear_pointer (&self->thumbnail, g_bytes_unref);
  G_OBJECT_CLASS (af_image_metadata_parent_class)->finalize (object);
}

static void
af_image_metadata_class_init (AfImageMetadataClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_image_metadata_finalize;
}

static void
af_image_metadata_init (AfImageMetadata *self)
{
  self->entries = g_array_new (FALSE, TRUE, sizeof (AfMetadataEntry));
  g_array_set_clear_func (self->entries, (GDestroyNotify) clear_entry);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
}

/* exiv2 keeps global state: initialised once, quiet (its warnings about odd files would
 * go to stderr; the file's problems are ours to report). */
static gpointer
initialise_exiv2 (gpointer data)
{
  gexiv2_log_set_level (GEXIV2_LOG_LEVEL_MUTE);
  return GINT_TO_POINTER (gexiv2_initialize ());
}

/* Untrusted text made displayable: valid UTF-8, no control characters, bounded. */
static char *
clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && out->len < MAX_VALUE_CHARS;
       p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  g_strchomp (out->str);
  return g_string_free (out, FALSE);
}

static void
add_entry (AfImageMetadata *self,
           AfMetadataGroup  group,
           const char      *key,
           char            *value)
{
  AfMetadataEntry entry = { group, NULL, NULL, NULL };
  const char *label = gexiv2_metadata_try_get_tag_label (key, NULL);

  entry.key = clean_text (key);
  entry.label = clean_text (label != NULL && *label != '\0' ? label : strrchr (key, '.') + 1);
  entry.value = clean_text (value);
  g_free (value);
  g_array_append_val (self->entries, entry);
}

static void
add_group (AfImageMetadata *self,
           GExiv2Metadata  *exiv2,
           AfMetadataGroup  group,
           char           **keys)
{
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      char *value = af_metadata_value_for (exiv2, keys[i]);

      if (value != NULL && strchr (keys[i], '.') != NULL)
        add_entry (self, group, keys[i], value);
    }
  g_strfreev (keys);
}

static void
index_entries (AfImageMetadata *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      AfMetadataEntry *entry = &g_array_index (self->entries, AfMetadataEntry, i);

      /* The first of a repeated key wins (IPTC repeats are joined already). */
      if (!g_hash_table_contains (self->by_key, entry->key))
        g_hash_table_insert (self->by_key, (char *) entry->key, (char *) entry->value);
    }
}

static void
read_thumbnail (AfImageMetadata *self,
                GExiv2Metadata  *exiv2)
{
  guint8 *buffer = NULL;
  int size = 0;

  if (gexiv2_metadata_get_exif_thumbnail (exiv2, &buffer, &size) && buffer != NULL && size > 0)
    self->thumbnail = g_bytes_new_take (buffer, (gsize) size);
  else
    g_free (buffer);
}

static const char *lookup_first (AfImageMetadata    *self,
                                 const char * const *keys);

/* The profile's own name first: it is what the pixels are in. */
static char *
describe_colour (AfImageMetadata *self,
                 GBytes          *bytes)
{
  static const char * const keys[] = { "Xmp.photoshop.ICCProfile", "Exif.Photo.ColorSpace", NULL };
  g_autoptr(GBytes) profile = af_jpeg_read_icc_profile (g_bytes_get_data (bytes, NULL),
                                                        g_bytes_get_size (bytes));
  char *name = NULL;

  if (profile != NULL)
    {
      g_autofree char *raw = af_icc_describe (g_bytes_get_data (profile, NULL),
                                              g_bytes_get_size (profile));

      name = raw != NULL ? clean_text (raw) : NULL;
    }
  return name != NULL ? name : g_strdup (lookup_first (self, keys));
}

static void
read_summary (AfImageMetadata *self)
{
  const char *make = af_image_metadata_lookup (self, "Exif.Image.Make");
  const char *model = af_image_metadata_lookup (self, "Exif.Image.Model");

  if (make != NULL && model != NULL)
    self->camera = g_strdup_printf ("%s %s", make, model);
  else
    self->camera = g_strdup (make != NULL ? make : model);
}

AfImageMetadata *
af_image_metadata_new_from_bytes (GBytes  *bytes,
                                  GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autoptr(AfImageMetadata) self = NULL;
  g_autoptr(GExiv2Metadata) exiv2 = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  g_once (&once, initialise_exiv2, NULL);
  if (length == 0 || length > G_MAXLONG)
    {
      g_set_error_literal (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_NOT_AN_IMAGE,
                           _("The file is empty"));
      return NULL;
    }
  self = g_object_new (AF_TYPE_IMAGE_METADATA, NULL);
  /* Adobe's XMP toolkit inside exiv2 keeps global state and is initialised without a
   * lock: one file at a time (reading tags takes milliseconds; the pixels take seconds). */
  g_mutex_lock (&exiv2_lock);
  exiv2 = gexiv2_metadata_new ();
  if (gexiv2_metadata_open_buf (exiv2, data, (glong) length, &local_error))
    {
      add_group (self, exiv2, AF_METADATA_GROUP_EXIF, gexiv2_metadata_get_exif_tags (exiv2));
      add_group (self, exiv2, AF_METADATA_GROUP_XMP, gexiv2_metadata_get_xmp_tags (exiv2));
      add_group (self, exiv2, AF_METADATA_GROUP_IPTC, gexiv2_metadata_get_iptc_tags (exiv2));
      read_thumbnail (self, exiv2);
    }
  g_clear_object (&exiv2);
  g_mutex_unlock (&exiv2_lock);
  if (local_error != NULL)
    {
      g_autofree char *reason = clean_text (local_error->message);

      g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_DECODE,
                   _("The metadata cannot be read: %s"), reason);
      return NULL;
    }
  index_entries (self);
  read_summary (self);
  self->colour = describe_colour (self, bytes);
  return g_steal_pointer (&self);
}

AfImageMetadata *
af_image_metadata_new_empty (void)
{
  return g_object_new (AF_TYPE_IMAGE_METADATA, NULL);
}

gboolean
af_image_metadata_is_empty (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), TRUE);
  return self->entries->len == 0;
}

guint
af_image_metadata_get_n_entries (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), 0);
  return self->entries->len;
}

const AfMetadataEntry *
af_image_metadata_get_entry (AfImageMetadata *self,
                             guint            index)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  return &g_array_index (self->entries, AfMetadataEntry, index);
}

const char *
af_image_metadata_lookup (AfImageMetadata *self,
                          const char      *key)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return g_hash_table_lookup (self->by_key, key);
}

/* The first of @keys the file has. */
static const char *
lookup_first (AfImageMetadata    *self,
              const char * const *keys)
{
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = af_image_metadata_lookup (self, keys[i]);

      if (value != NULL && *value != '\0')
        return value;
    }
  return NULL;
}

const char *
af_image_metadata_get_camera (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return self->camera;
}

static const char * const capture_keys[] = {
  "Exif.Photo.DateTimeOriginal", "Exif.Photo.DateTimeDigitized", "Xmp.exif.DateTimeOriginal",
  "Xmp.photoshop.DateCreated", "Xmp.xmp.CreateDate", "Iptc.Application2.DateCreated", NULL
};
static const char * const modification_keys[] = {
  "Exif.Image.DateTime", "Xmp.xmp.ModifyDate", "Xmp.xmp.MetadataDate", NULL
};

const char *
af_image_metadata_get_capture_date (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return lookup_first (self, capture_keys);
}

const char *
af_image_metadata_get_modification_date (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return lookup_first (self, modification_keys);
}

GDateTime *
af_image_metadata_dup_capture_time (AfImageMetadata *self)
{
  return af_metadata_parse_date (af_image_metadata_get_capture_date (self));
}

GDateTime *
af_image_metadata_dup_modification_time (AfImageMetadata *self)
{
  return af_metadata_parse_date (af_image_metadata_get_modification_date (self));
}

const char *
af_image_metadata_get_software (AfImageMetadata *self)
{
  static const char * const keys[] = { "Exif.Image.Software", "Xmp.xmp.CreatorTool", NULL };

  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return lookup_first (self, keys);
}

const char *
af_image_metadata_get_colour_profile (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return self->colour;
}

const char *
af_image_metadata_get_digital_source_type (AfImageMetadata *self)
{
  static const char * const keys[] = { "Xmp.iptcExt.DigitalSourceType",
                                       "Xmp.plus.DigitalSourceType", NULL };

  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return lookup_first (self, keys);
}

const char *
af_image_metadata_get_digital_source_code (AfImageMetadata *self)
{
  const char *type = af_image_metadata_get_digital_source_type (self);
  const char *slash;

  if (type == NULL)
    return NULL;
  slash = strrchr (type, '/');
  return slash != NULL ? slash + 1 : type;
}

char *
af_image_metadata_dup_editors (AfImageMetadata *self)
{
  static const char * const keys[] = { "Exif.Image.Software", "Xmp.xmp.CreatorTool",
                                       "Xmp.xmpMM.History", "Xmp.photoshop.History", NULL };
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    af_metadata_find_editors (af_image_metadata_lookup (self, keys[i]), found);
  /* History entries are flattened by exiv2 into Xmp.xmpMM.History[n]/stEvt:softwareAgent. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      const AfMetadataEntry *entry = &g_array_index (self->entries, AfMetadataEntry, i);

      if (g_str_has_prefix (entry->key, "Xmp.xmpMM.History")
          && g_str_has_suffix (entry->key, "softwareAgent"))
        af_metadata_find_editors (entry->value, found);
    }
  if (found->len == 0)
    return NULL;
  g_ptr_array_add (found, NULL);
  return g_strjoinv (", ", (char **) found->pdata);
}

GBytes *
af_image_metadata_get_thumbnail (AfImageMetadata *self)
{
  g_return_val_if_fail (AF_IS_IMAGE_METADATA (self), NULL);
  return self->thumbnail;
}
