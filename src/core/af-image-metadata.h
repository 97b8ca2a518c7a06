/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-image-metadata.h — the EXIF, XMP and IPTC of a picture, read by gexiv2 (exiv2),
 * never by a parser of ours.
 *
 * Every tag is one entry: its group, its key as exiv2 names it ("Exif.Image.Make",
 * "Xmp.iptcExt.DigitalSourceType", "Iptc.Application2.Keywords"), a short label, and
 * its value as exiftool prints the same tag (exiftool is the reference in the tests).
 * Values are valid UTF-8 without control characters: they come from an untrusted file.
 * The summary (camera, dates, software, colour profile, digital source type) is read
 * from the entries. Immutable once read; safe to share between threads.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  AF_METADATA_GROUP_EXIF,
  AF_METADATA_GROUP_XMP,
  AF_METADATA_GROUP_IPTC,
} AfMetadataGroup;

typedef struct
{
  AfMetadataGroup  group;
  const char      *key;     /* exiv2's key: "Exif.Photo.DateTimeOriginal" */
  const char      *label;   /* exiv2's tag label, or the key's last part: "Date and Time (original)" */
  const char      *value;   /* as exiftool prints it: "2024:03:01 10:00:00" */
} AfMetadataEntry;

#define AF_TYPE_IMAGE_METADATA (af_image_metadata_get_type ())
G_DECLARE_FINAL_TYPE (AfImageMetadata, af_image_metadata, AF, IMAGE_METADATA, GObject)

/* Reads the tags of a JPEG, PNG or TIFF held in @bytes. A file exiv2 cannot read
 * (not an image, corrupt structure) fails with a message; a file without any
 * metadata succeeds with no entries. */
AfImageMetadata       *af_image_metadata_new_from_bytes   (GBytes           *bytes,
                                                           GError          **error);

/* No entries: for a file whose metadata exiv2 refused (the pixels can still be
 * analysed). */
AfImageMetadata       *af_image_metadata_new_empty        (void);

gboolean               af_image_metadata_is_empty         (AfImageMetadata  *self);
guint                  af_image_metadata_get_n_entries    (AfImageMetadata  *self);
/* Entries in the order EXIF, XMP, IPTC, each group in exiv2's order. */
const AfMetadataEntry *af_image_metadata_get_entry        (AfImageMetadata  *self,
                                                           guint             index);
/* The value of @key (exiv2's name), or NULL. */
const char            *af_image_metadata_lookup           (AfImageMetadata  *self,
                                                           const char       *key);

/* The summary; each NULL when the file does not say. */
/* "Make Model" ("Canon Canon EOS R5" keeps both as written). */
const char            *af_image_metadata_get_camera       (AfImageMetadata  *self);
/* DateTimeOriginal (else CreateDate / XMP's), as the file writes it. */
const char            *af_image_metadata_get_capture_date (AfImageMetadata  *self);
/* Exif.Image.DateTime (else XMP ModifyDate / MetadataDate). */
const char            *af_image_metadata_get_modification_date (AfImageMetadata *self);
/* The same dates parsed (local time when no offset is given), or NULL. */
GDateTime             *af_image_metadata_dup_capture_time (AfImageMetadata  *self);
GDateTime             *af_image_metadata_dup_modification_time (AfImageMetadata *self);
/* Exif.Image.Software, else Xmp.xmp.CreatorTool. */
const char            *af_image_metadata_get_software     (AfImageMetadata  *self);
/* The ICC profile's description when there is one, else "sRGB" / "Uncalibrated" from
 * EXIF ColorSpace, else NULL. */
const char            *af_image_metadata_get_colour_profile (AfImageMetadata *self);
/* The declared IPTC digital source type as written (usually the code's URI,
 * "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"). */
const char            *af_image_metadata_get_digital_source_type (AfImageMetadata *self);
/* The last part of the URI ("trainedAlgorithmicMedia"), or NULL. */
const char            *af_image_metadata_get_digital_source_code (AfImageMetadata *self);
/* Every editor named by Software, CreatorTool or the XMP history, joined by ", ";
 * NULL when none names a known editor. */
char                  *af_image_metadata_dup_editors      (AfImageMetadata  *self);
/* The embedded EXIF thumbnail (usually a JPEG), or NULL. */
GBytes                *af_image_metadata_get_thumbnail    (AfImageMetadata  *self);

/* Is this IPTC digital source code (last part of the URI) algorithmic, i.e. made
 * wholly or partly by a trained model? trainedAlgorithmicMedia,
 * compositeWithTrainedAlgorithmicMedia, algorithmicMedia, compositeSynthetic… */
gboolean               af_digital_source_is_algorithmic   (const char       *code);
/* A short translated name for the code ("Digital capture", "AI-generated"…);
 * the code itself when unknown. */
const char            *af_digital_source_describe         (const char       *code);

G_END_DECLS
