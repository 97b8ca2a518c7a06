/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local forensics on pictures made here with the truth planted: a copy-move found
 * (both regions), clean textures without one, a pasted patch standing out in the ELA,
 * the JPEG quality read back, an edited picture's thumbnail, dates and software, an
 * AI-generated declaration, a file without metadata; the progress, cancellation and
 * cache of the asynchronous inspection.
 */
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "af-forensics.h"
#include "af-icc.h"
#include "forensics-images.h"

static AfForensicsReport *
inspect_bytes (GBytes *bytes,
               int     ela_quality)
{
  g_autoptr(GError) error = NULL;
  AfForensicsReport *report = af_forensics_inspect (bytes, ela_quality, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static guint
count_kind (AfForensicsReport *report,
            AfFindingKind      kind)
{
  GListModel *findings = af_forensics_report_get_findings (report);
  guint count = 0;

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      count += af_finding_get_kind (finding) == kind;
    }
  return count;
}

static AfFinding *
first_of_kind (AfForensicsReport *report,
               AfFindingKind      kind)
{
  GListModel *findings = af_forensics_report_get_findings (report);

  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      if (af_finding_get_kind (finding) == kind)
        return g_steal_pointer (&finding);
    }
  return NULL;
}

/* A region copied off the 8 × 8 grid, then the whole picture saved once as a JPEG:
 * both the original region and its copy are found. */
static void
test_copy_move_found (gconstpointer data)
{
  TextureKind kind = GPOINTER_TO_INT (data);
  g_autoptr(AfImageBuffer) image = forensics_texture (kind, 640, 480, 11);
  AfImageRect from = { 45, 283, 100, 84 };
  AfImageRect to = { 389, 61, 100, 84 };
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(AfFinding) finding = NULL;
  const AfImageRect *source, *target;
  double iou_direct, iou_swapped;

  forensics_copy_region (image, &from, to.x, to.y);
  jpeg = forensics_jpeg (image, 85);
  report = inspect_bytes (jpeg, 0);
  finding = first_of_kind (report, AF_FINDING_KIND_COPY_MOVE);
  g_assert_nonnull (finding);
  source = af_finding_get_source (finding);
  target = af_finding_get_target (finding);
  g_assert_nonnull (source);
  g_assert_nonnull (target);
  iou_direct = MIN (forensics_iou (source, &from), forensics_iou (target, &to));
  iou_swapped = MIN (forensics_iou (source, &to), forensics_iou (target, &from));
  g_test_message ("source %d,%d %dx%d target %d,%d %dx%d IoU %.2f", source->x, source->y,
                  source->width, source->height, target->x, target->y, target->width,
                  target->height, MAX (iou_direct, iou_swapped));
  g_assert_cmpfloat (MAX (iou_direct, iou_swapped), >=, 0.5);
  g_assert_cmpuint (af_finding_get_severity (finding), ==, AF_FINDING_SEVERITY_WARNING);
}

/* Five untouched textures, one with a flat sky: no copy-move. */
static void
test_clean_textures (void)
{
  for (int kind = 0; kind < N_TEXTURES; kind++)
    {
      g_autoptr(AfImageBuffer) image = forensics_texture (kind, 640, 480, 23 + kind);
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, 88);
      g_autoptr(AfForensicsReport) report = inspect_bytes (jpeg, 0);

      g_test_message ("texture %d: %u copy-move", kind,
                      count_kind (report, AF_FINDING_KIND_COPY_MOVE));
      g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_COPY_MOVE), ==, 0);
    }
}

/* The JPEG quality read from the quantisation tables, within 3 of the one used. */
static void
test_jpeg_quality (void)
{
  const int qualities[] = { 30, 50, 65, 75, 82, 90, 95, 100 };
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 128, 96, 3);

  for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, qualities[i]);
      int estimated = af_forensics_jpeg_quality (jpeg);

      g_test_message ("saved at %d, estimated %d", qualities[i], estimated);
      g_assert_cmpint (ABS (estimated - qualities[i]), <=, 3);
    }
}

static double
mean_error (AfImageBuffer     *ela,
            const AfImageRect *inside,
            gboolean           want_inside)
{
  const guint8 *data = af_image_buffer_get_data (ela);
  gsize stride = af_image_buffer_get_stride (ela);
  double sum = 0;
  gsize n = 0;

  for (int y = 0; y < af_image_buffer_get_height (ela); y++)
    for (int x = 0; x < af_image_buffer_get_width (ela); x++)
      {
        gboolean in = x >= inside->x && x < inside->x + inside->width && y >= inside->y
                      && y < inside->y + inside->height;

        if (in != want_inside)
          continue;
        for (int c = 0; c < 3; c++)
          sum += data[(gsize) y * stride + (gsize) x * 3 + c];
        n += 3;
      }
  return sum / n;
}

/* A never-compressed patch pasted into a JPEG saved three times at one quality: its
 * mean error is at least twice the rest's, and an ELA region covers it. */
static void
test_ela_patch (void)
{
  g_autoptr(AfImageBuffer) base = forensics_texture (TEXTURE_BLOBS, 512, 384, 5);
  g_autoptr(AfImageBuffer) once = forensics_resave (base, 80);
  g_autoptr(AfImageBuffer) twice = forensics_resave (once, 80);
  g_autoptr(AfImageBuffer) thrice = forensics_resave (twice, 80);
  g_autoptr(AfImageBuffer) patch = forensics_texture (TEXTURE_FOLIAGE, 96, 80, 9);
  g_autoptr(AfImageBuffer) ela = NULL;
  g_autoptr(GError) error = NULL;
  AfImageRect where = { 301, 157, 96, 80 };
  double inside, outside;

  forensics_paste (thrice, patch, where.x, where.y);
  ela = af_forensics_ela (thrice, 80, NULL, &error);
  g_assert_no_error (error);
  inside = mean_error (ela, &where, TRUE);
  outside = mean_error (ela, &where, FALSE);
  g_test_message ("ELA inside %.2f, outside %.2f", inside, outside);
  g_assert_cmpfloat (inside, >=, 2 * outside);
}

/* Each tag as exiftool prints it (exiftool -S), read by exiftool itself. */
static GHashTable *
exiftool_read (const char         *path,
               const char * const *names)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "exiftool");
  g_ptr_array_add (argv, (gpointer) "-S");
  g_ptr_array_add (argv, (gpointer) "-charset");
  g_ptr_array_add (argv, (gpointer) "utf8");
  for (guint i = 0; names[i] != NULL; i++)
    g_ptr_array_add (argv, g_strconcat ("-", names[i], NULL));
  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, NULL);
  /* exiftool is a test dependency (build-aux/install-deps.sh --tests): missing, it fails. */
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; names[i] != NULL; i++)
    g_free (argv->pdata[4 + i]);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strstr (lines[i], ": ");

      if (colon != NULL)
        g_hash_table_insert (values, g_strndup (lines[i], colon - lines[i]), g_strdup (colon + 2));
    }
  return values;
}

/* Tags written with gexiv2, read back by us and by exiftool: the same text. */
static void
test_metadata_like_exiftool (void)
{
  const char * const tags[] = {
    "Exif.Image.Make", "Canon", "Exif.Image.Model", "Canon EOS R5",
    "Exif.Image.Software", "Firmware Version 1.8.1", "Exif.Image.Artist", "Jeanne Dupont",
    "Exif.Image.Copyright", "(c) 2024 Galerie Nord", "Exif.Image.ImageDescription", "Still life",
    "Exif.Image.DateTime", "2024:03:01 10:00:00", "Exif.Photo.DateTimeOriginal", "2024:03:01 09:59:58",
    "Exif.Photo.ExposureTime", "1/250", "Exif.Photo.FNumber", "28/10",
    "Exif.Photo.FocalLength", "50/1", "Exif.Image.Orientation", "6",
    "Exif.Image.XResolution", "300/1", "Exif.Image.ResolutionUnit", "2",
    "Exif.Photo.ISOSpeedRatings", "400", "Exif.Photo.ColorSpace", "1",
    "Xmp.xmp.CreatorTool", "Canon EOS R5 Firmware 1.8.1",
    "Xmp.iptcExt.DigitalSourceType", "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    "Iptc.Application2.City", "Lyon", "Iptc.Application2.ObjectName", "Nature morte",
    "Exif.Photo.ExifVersion", "48 50 51 50", "Exif.Photo.FlashpixVersion", "48 49 48 48",
    "Exif.Photo.ComponentsConfiguration", "1 2 3 0", "Exif.Image.YCbCrPositioning", "2",
    "Exif.Photo.ExposureProgram", "3", "Exif.Photo.MeteringMode", "5", "Exif.Photo.Flash", "16",
    "Exif.Photo.WhiteBalance", "0", "Exif.Photo.ExposureMode", "1",
    "Exif.Photo.SceneCaptureType", "0", "Exif.Photo.ShutterSpeedValue", "7965784/1000000",
    NULL
  };
  /* The same tags in exiftool's names, in the order above. */
  const char * const exiftool_names[] = {
    "Make", "Model", "Software", "Artist", "Copyright", "ImageDescription", "ModifyDate",
    "DateTimeOriginal", "ExposureTime", "FNumber", "FocalLength", "Orientation", "XResolution",
    "ResolutionUnit", "ISO", "ColorSpace", "CreatorTool", "DigitalSourceType", "City",
    "ObjectName", "ExifVersion", "FlashpixVersion", "ComponentsConfiguration",
    "YCbCrPositioning", "ExposureProgram", "MeteringMode", "Flash", "WhiteBalance",
    "ExposureMode", "SceneCaptureType", "ShutterSpeedValue", NULL
  };
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 160, 120, 2);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  g_autofree char *path = forensics_write_temp (jpeg, "tags.jpg");
  g_autoptr(GBytes) tagged = NULL;
  g_autoptr(AfImageMetadata) metadata = NULL;
  g_autoptr(GHashTable) reference = NULL;
  g_autoptr(GError) error = NULL;

  forensics_set_metadata (path, tags, NULL);
  tagged = forensics_read_file (path);
  metadata = af_image_metadata_new_from_bytes (tagged, &error);
  g_assert_no_error (error);
  reference = exiftool_read (path, exiftool_names);
  for (guint i = 0; exiftool_names[i] != NULL; i++)
    {
      const char *ours = af_image_metadata_lookup (metadata, tags[2 * i]);
      const char *theirs = g_hash_table_lookup (reference, exiftool_names[i]);

      g_test_message ("%s: ours '%s', exiftool '%s'", tags[2 * i], ours, theirs);
      g_assert_nonnull (theirs);
      g_assert_cmpstr (ours, ==, theirs);
    }
  g_assert_cmpstr (af_image_metadata_get_camera (metadata), ==, "Canon Canon EOS R5");
  g_assert_cmpstr (af_image_metadata_get_capture_date (metadata), ==, "2024:03:01 09:59:58");
  g_assert_cmpstr (af_image_metadata_get_modification_date (metadata), ==, "2024:03:01 10:00:00");
  g_assert_cmpstr (af_image_metadata_get_colour_profile (metadata), ==, "sRGB");
  g_assert_cmpstr (af_image_metadata_get_digital_source_code (metadata), ==, "digitalCapture");
  g_assert_null (af_image_metadata_dup_editors (metadata));
}

/* Every tag exiftool reads, keyed "Group:Name" (its family 1 group: IFD0, ExifIFD, GPS,
 * XMP-dc, IPTC…), duplicates included (-a), values as it prints them. */
static GHashTable *
exiftool_read_all (const char *path)
{
  const char *argv[] = { "exiftool", "-a", "-G1", "-S", "-charset", "utf8", path, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *close = strstr (lines[i], "] ");
      const char *colon = close != NULL ? strstr (close, ": ") : NULL;

      if (lines[i][0] == '[' && colon != NULL)
        {
          g_autofree char *name = g_strdup_printf ("%.*s:%.*s", (int) (close - lines[i] - 1),
                                                   lines[i] + 1, (int) (colon - close - 2),
                                                   close + 2);

          /* exiv2 spells XMP names as the schema does (dc:creator), exiftool capitalises. */
          g_hash_table_insert (values, g_ascii_strdown (name, -1), g_strdup (colon + 2));
        }
    }
  return values;
}

/* exiftool's "Group:Name" for an exiv2 key: the family's group and the tag's name, with
 * the names the two tools spell differently. */
static char *
exiftool_name_for (const char *key)
{
  static const char * const groups[][2] = {
    { "Exif.Image.", "IFD0" }, { "Exif.Photo.", "ExifIFD" }, { "Exif.GPSInfo.", "GPS" },
    { "Iptc.Application2.", "IPTC" },
  };
  static const char * const names[][2] = {
    { "DateTime", "ModifyDate" }, { "DateTimeDigitized", "CreateDate" },
    { "ISOSpeedRatings", "ISO" }, { "PixelXDimension", "ExifImageWidth" },
    { "PixelYDimension", "ExifImageHeight" }, { "FocalLengthIn35mmFilm", "FocalLengthIn35mmFormat" },
    { "ExposureBiasValue", "ExposureCompensation" }, { "Byline", "By-line" },
    { "Copyright", "CopyrightNotice" }, { "CountryName", "Country-PrimaryLocationName" },
    { "RecordVersion", "ApplicationRecordVersion" },
  };
  const char *name = strrchr (key, '.') + 1;
  const char *group = NULL;
  g_autofree char *xmp = NULL;
  g_autofree char *full = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (groups) && group == NULL; i++)
    if (g_str_has_prefix (key, groups[i][0]))
      group = groups[i][1];
  if (g_str_has_prefix (key, "Xmp."))
    group = xmp = g_strdup_printf ("XMP-%.*s", (int) (name - key - 5), key + 4);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (name, names[i][0]) == 0 && (strcmp (name, "Copyright") != 0
                                            || g_str_has_prefix (key, "Iptc.")))
      name = names[i][1];
  if (group == NULL)
    return NULL;
  full = g_strconcat (group, ":", name, NULL);
  return g_ascii_strdown (full, -1);
}

/* A camera's worth of tags (EXIF, GPS, XMP, IPTC) written by exiftool, then EVERY tag we
 * read compared with exiftool's reading of it: the same text. Only the two IFD pointers
 * (ExifTag, GPSTag: offsets exiftool does not print) have no counterpart. */
static void
test_metadata_all_like_exiftool (void)
{
  const char *assignments[] = {
    "-IFD0:Make=Canon", "-IFD0:Model=Canon EOS R5", "-IFD0:Software=Firmware 1.8.1",
    "-IFD0:Artist=Jeanne Dupont", "-IFD0:Copyright=(c) 2024 Galerie Nord",
    "-IFD0:ImageDescription=Still life", "-IFD0:ModifyDate=2024:03:01 10:00:00",
    "-IFD0:Orientation#=1", "-IFD0:XResolution=300", "-IFD0:YResolution=300",
    "-IFD0:ResolutionUnit#=2", "-IFD0:YCbCrPositioning#=2", "-IFD0:HostComputer=Mac",
    "-ExifIFD:ExposureTime=0.004", "-ExifIFD:FNumber=2.8", "-ExifIFD:ExposureProgram#=3",
    "-ExifIFD:ISO=400", "-ExifIFD:SensitivityType#=2", "-ExifIFD:ExifVersion=0232",
    "-ExifIFD:DateTimeOriginal=2024:03:01 09:59:58", "-ExifIFD:CreateDate=2024:03:01 09:59:58",
    "-ExifIFD:OffsetTime=+01:00", "-ExifIFD:ShutterSpeedValue=0.004",
    "-ExifIFD:ApertureValue=2.8", "-ExifIFD:ExposureCompensation=-0.33",
    "-ExifIFD:MaxApertureValue=1.4", "-ExifIFD:MeteringMode#=5", "-ExifIFD:LightSource#=3",
    "-ExifIFD:Flash#=16", "-ExifIFD:FocalLength=50", "-ExifIFD:SubSecTimeOriginal=25",
    "-ExifIFD:FlashpixVersion=0100", "-ExifIFD:ColorSpace#=1", "-ExifIFD:ExifImageWidth=160",
    "-ExifIFD:ExifImageHeight=120", "-ExifIFD:FocalPlaneXResolution=1600",
    "-ExifIFD:FocalPlaneResolutionUnit#=3", "-ExifIFD:SensingMethod#=2",
    "-ExifIFD:FileSource#=3", "-ExifIFD:SceneType#=1", "-ExifIFD:CustomRendered#=0",
    "-ExifIFD:ExposureMode#=0", "-ExifIFD:WhiteBalance#=1", "-ExifIFD:DigitalZoomRatio=1.5",
    "-ExifIFD:FocalLengthIn35mmFormat=50", "-ExifIFD:SceneCaptureType#=0",
    "-ExifIFD:GainControl#=0", "-ExifIFD:Contrast#=1", "-ExifIFD:Saturation#=2",
    "-ExifIFD:Sharpness#=0", "-ExifIFD:SubjectDistanceRange#=2",
    "-ExifIFD:LensModel=RF50mm F1.2 L USM", "-ExifIFD:LensMake=Canon",
    "-GPS:GPSVersionID=2.3.0.0", "-GPS:GPSLatitudeRef=S", "-GPS:GPSLatitude=45.75",
    "-GPS:GPSLongitudeRef=E", "-GPS:GPSLongitude=4.85", "-GPS:GPSAltitudeRef#=0",
    "-GPS:GPSAltitude=170.5", "-GPS:GPSTimeStamp=08:59:58", "-GPS:GPSDateStamp=2024:03:01",
    "-XMP-xmp:CreatorTool=Canon EOS R5", "-XMP-xmp:Rating=4", "-XMP-dc:Title=Nature morte",
    "-XMP-dc:Creator=Jeanne Dupont", "-XMP-dc:Description=A still life",
    "-XMP-photoshop:City=Lyon", "-XMP-photoshop:Country=France",
    "-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
    "-IPTC:City=Lyon", "-IPTC:ObjectName=Nature morte", "-IPTC:By-line=Jeanne Dupont",
    "-IPTC:Keywords=still", "-IPTC:Keywords=life", "-IPTC:Country-PrimaryLocationName=France",
    "-IPTC:CopyrightNotice=(c) 2024",
  };
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 160, 120, 5);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  g_autofree char *path = forensics_write_temp (jpeg, "all-tags.jpg");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) tagged = NULL;
  g_autoptr(AfImageMetadata) metadata = NULL;
  g_autoptr(GHashTable) reference = NULL;
  g_autoptr(GError) error = NULL;
  guint compared = 0, unmatched = 0;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "exiftool");
  g_ptr_array_add (argv, (gpointer) "-q");
  g_ptr_array_add (argv, (gpointer) "-overwrite_original");
  for (guint i = 0; i < G_N_ELEMENTS (assignments); i++)
    g_ptr_array_add (argv, (gpointer) assignments[i]);
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  tagged = forensics_read_file (path);
  metadata = af_image_metadata_new_from_bytes (tagged, &error);
  g_assert_no_error (error);
  reference = exiftool_read_all (path);
  for (guint i = 0; i < af_image_metadata_get_n_entries (metadata); i++)
    {
      const AfMetadataEntry *entry = af_image_metadata_get_entry (metadata, i);
      g_autofree char *name = exiftool_name_for (entry->key);
      const char *theirs = name != NULL ? g_hash_table_lookup (reference, name) : NULL;

      if (theirs == NULL)
        {
          g_test_message ("%s: ours '%s', no exiftool counterpart", entry->key, entry->value);
          g_assert_true (g_str_equal (entry->key, "Exif.Image.ExifTag")
                         || g_str_equal (entry->key, "Exif.Image.GPSTag"));
          unmatched++;
          continue;
        }
      if (g_strcmp0 (entry->value, theirs) != 0)
        g_test_message ("%s (%s): ours '%s', exiftool '%s'", entry->key, name, entry->value, theirs);
      g_assert_cmpstr (entry->value, ==, theirs);
      compared++;
    }
  g_test_message ("%u tags the same as exiftool's; %u pointers without a counterpart",
                  compared, unmatched);
  g_assert_cmpuint (compared, >=, G_N_ELEMENTS (assignments) - 2);
}

static void
put_be32 (GByteArray *out,
          gsize       at,
          guint32     value)
{
  out->data[at] = value >> 24, out->data[at + 1] = value >> 16;
  out->data[at + 2] = value >> 8, out->data[at + 3] = value;
}

/* A display profile with nothing but its name: a v2 'desc' or a v4 'mluc'. */
static GBytes *
icc_profile (const char *name,
             gboolean    version4)
{
  GByteArray *out = g_byte_array_new ();
  gsize tag_at = 128 + 4 + 12;
  gsize tag_size;

  g_byte_array_set_size (out, tag_at);
  memset (out->data, 0, out->len);
  memcpy (out->data + 12, "mntrRGB XYZ ", 12);
  memcpy (out->data + 36, "acsp", 4);
  put_be32 (out, 8, version4 ? 0x04300000 : 0x02100000);
  put_be32 (out, 128, 1);
  memcpy (out->data + 132, "desc", 4);
  if (version4)
    {
      gsize n = strlen (name);

      tag_size = 28 + 2 * n;
      g_byte_array_set_size (out, tag_at + tag_size);
      memset (out->data + tag_at, 0, tag_size);
      memcpy (out->data + tag_at, "mluc", 4);
      put_be32 (out, tag_at + 8, 1);
      put_be32 (out, tag_at + 12, 12);
      memcpy (out->data + tag_at + 16, "enUS", 4);
      put_be32 (out, tag_at + 20, (guint32) (2 * n));
      put_be32 (out, tag_at + 24, 28);
      for (gsize i = 0; i < n; i++)
        out->data[tag_at + 28 + 2 * i + 1] = (guint8) name[i];
    }
  else
    {
      tag_size = 12 + strlen (name) + 1 + 8 + 3 + 67;
      g_byte_array_set_size (out, tag_at + tag_size);
      memset (out->data + tag_at, 0, tag_size);
      memcpy (out->data + tag_at, "desc", 4);
      put_be32 (out, tag_at + 8, (guint32) strlen (name) + 1);
      memcpy (out->data + tag_at + 12, name, strlen (name));
    }
  put_be32 (out, 136, (guint32) tag_at);
  put_be32 (out, 140, (guint32) tag_size);
  put_be32 (out, 0, out->len);
  return g_byte_array_free_to_bytes (out);
}

/* The colour profile's name as exiftool reads it (ProfileDescription), v2 and v4. */
static void
test_colour_profile (void)
{
  for (int version4 = 0; version4 <= 1; version4++)
    {
      const char *name = version4 ? "Studio Display P3 v4" : "Gallery sRGB v2";
      const char * const names[] = { "ProfileDescription", NULL };
      g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 96, 64, 2);
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
      g_autoptr(GBytes) icc = icc_profile (name, version4);
      g_autofree char *path = forensics_write_temp (jpeg, "profile.jpg");
      g_autofree char *icc_path = forensics_write_temp (icc, "profile.icc");
      g_autofree char *assign = g_strconcat ("-ICC_Profile<=", icc_path, NULL);
      const char *argv[] = { "exiftool", "-q", "-overwrite_original", assign, path, NULL };
      g_autoptr(GHashTable) reference = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(AfImageMetadata) metadata = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      reference = exiftool_read (path, names);
      bytes = forensics_read_file (path);
      metadata = af_image_metadata_new_from_bytes (bytes, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (g_hash_table_lookup (reference, "ProfileDescription"), ==, name);
      g_assert_cmpstr (af_image_metadata_get_colour_profile (metadata), ==, name);
    }
}

/* Every cut of a profile, and offsets and counts made huge: a name or NULL, never a
 * read past the end (ASan in CI). */
static void
test_icc_hostile (void)
{
  for (int version4 = 0; version4 <= 1; version4++)
    {
      g_autoptr(GBytes) icc = icc_profile ("Cut", version4);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (icc, &size);

      for (gsize cut = 0; cut <= size; cut++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, MAX (cut, 1));
          g_autofree char *name = af_icc_describe (copy, cut);

          g_assert_true (cut == size ? name != NULL : TRUE);
        }
      for (gsize at = 128; at + 4 <= size; at += 4)
        {
          g_autofree guint8 *copy = g_memdup2 (data, size);
          g_autofree char *name = NULL;

          memset (copy + at, 0xff, 4);
          name = af_icc_describe (copy, size);
          g_assert_true (name == NULL || g_utf8_validate (name, -1, NULL));
        }
    }
}

/* Captured, thumbnail made, then edited much later in an editor that kept the old
 * thumbnail: the thumbnail, the dates and the software all say so. */
static void
test_edited_after_capture (void)
{
  g_autoptr(AfImageBuffer) original = forensics_texture (TEXTURE_FRACTAL, 640, 480, 31);
  g_autoptr(AfImageBuffer) small = forensics_reduce (original, 160, 120);
  g_autoptr(GBytes) thumbnail = forensics_jpeg (small, 80);
  g_autoptr(AfImageBuffer) object = forensics_texture (TEXTURE_BLOBS, 330, 300, 8);
  const char * const tags[] = {
    "Exif.Image.Make", "Nikon", "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00",
    "Exif.Image.DateTime", "2023:06:20 09:00:00", "Exif.Image.Software", "GIMP 2.10.34", NULL
  };
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) edited = NULL;
  g_autoptr(AfForensicsReport) report = NULL;

  forensics_paste (original, object, 250, 100);
  jpeg = forensics_jpeg (original, 92);
  path = forensics_write_temp (jpeg, "edited.jpg");
  forensics_set_metadata (path, tags, thumbnail);
  edited = forensics_read_file (path);
  report = inspect_bytes (edited, 0);
  g_assert_nonnull (af_image_metadata_get_thumbnail (af_forensics_report_get_metadata (report)));
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_THUMBNAIL_MISMATCH), ==, 1);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_EDITING_SOFTWARE), ==, 1);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_DATE_MISMATCH), ==, 1);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_NO_METADATA), ==, 0);
}

/* The same picture with its own thumbnail and no editor: none of those findings. */
static void
test_untouched_with_thumbnail (void)
{
  g_autoptr(AfImageBuffer) original = forensics_texture (TEXTURE_FRACTAL, 640, 480, 31);
  g_autoptr(AfImageBuffer) small = forensics_reduce (original, 160, 120);
  g_autoptr(GBytes) thumbnail = forensics_jpeg (small, 80);
  const char * const tags[] = {
    "Exif.Image.Make", "Nikon", "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00",
    "Exif.Image.DateTime", "2023:05:01 10:00:00", "Exif.Image.Software", "Ver.1.10", NULL
  };
  g_autoptr(GBytes) jpeg = forensics_jpeg (original, 92);
  g_autofree char *path = forensics_write_temp (jpeg, "untouched.jpg");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(AfImageBuffer) decoded = NULL;
  double similarity = 0;

  forensics_set_metadata (path, tags, thumbnail);
  bytes = forensics_read_file (path);
  report = inspect_bytes (bytes, 0);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_THUMBNAIL_MISMATCH), ==, 0);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_EDITING_SOFTWARE), ==, 0);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_DATE_MISMATCH), ==, 0);
  decoded = af_forensics_decode (bytes, NULL, NULL);
  g_assert_true (af_forensics_compare_thumbnail (decoded, thumbnail, &similarity, NULL));
  g_assert_cmpfloat (similarity, >, 0.95);
}

static void
test_ai_generated (void)
{
  const char * const tags[] = {
    "Xmp.iptcExt.DigitalSourceType",
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", NULL
  };
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FOLIAGE, 320, 240, 6);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  g_autofree char *path = forensics_write_temp (jpeg, "generated.jpg");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(AfFinding) finding = NULL;

  forensics_set_metadata (path, tags, NULL);
  bytes = forensics_read_file (path);
  report = inspect_bytes (bytes, 0);
  finding = first_of_kind (report, AF_FINDING_KIND_AI_GENERATED);
  g_assert_nonnull (finding);
  g_assert_cmpuint (af_finding_get_severity (finding), ==, AF_FINDING_SEVERITY_WARNING);
  g_assert_null (af_finding_get_region (finding));
  g_assert_cmpstr (af_image_metadata_get_digital_source_code (af_forensics_report_get_metadata (report)),
                   ==, "trainedAlgorithmicMedia");
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_NO_METADATA), ==, 0);
}

static void
test_no_metadata (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 320, 240, 6);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  g_autoptr(AfForensicsReport) report = inspect_bytes (jpeg, 0);
  g_autoptr(AfFinding) finding = first_of_kind (report, AF_FINDING_KIND_NO_METADATA);

  g_assert_nonnull (finding);
  g_assert_cmpuint (af_finding_get_severity (finding), ==, AF_FINDING_SEVERITY_INFO);
  g_assert_true (af_image_metadata_is_empty (af_forensics_report_get_metadata (report)));
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_EDITING_SOFTWARE), ==, 0);
}

/* A JPEG with @segment (marker, then its bytes without the length) right after SOI. */
static GBytes *
jpeg_with_segment (guint8        marker,
                   const guint8 *segment,
                   gsize         length)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 64, 48, 1);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (jpeg, &size);
  GByteArray *out = g_byte_array_new ();
  guint8 header[4] = { 0xff, marker, (guint8) ((length + 2) >> 8), (guint8) (length + 2) };

  g_assert_cmpuint (length + 2, <=, 0xffff);
  g_byte_array_append (out, data, 2);
  g_byte_array_append (out, header, 4);
  g_byte_array_append (out, segment, (guint) length);
  g_byte_array_append (out, data + 2, (guint) (size - 2));
  return g_byte_array_free_to_bytes (out);
}

/* Big-endian TIFF in an Exif APP1: IFD0 at @ifd0, with one entry @tag of type LONG. */
static GBytes *
hostile_exif (guint32 ifd0,
              guint16 tag,
              guint32 value,
              guint32 next_ifd)
{
  guint8 app1[64] = { 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42 };
  guint8 *tiff = app1 + 6;

  tiff[4] = ifd0 >> 24, tiff[5] = ifd0 >> 16, tiff[6] = ifd0 >> 8, tiff[7] = ifd0;
  /* IFD at 8: one entry, then the next IFD's offset. */
  tiff[8] = 0, tiff[9] = 1;
  tiff[10] = tag >> 8, tiff[11] = tag & 0xff, tiff[12] = 0, tiff[13] = 4;   /* LONG */
  tiff[14] = 0, tiff[15] = 0, tiff[16] = 0, tiff[17] = 1;                   /* count 1 */
  tiff[18] = value >> 24, tiff[19] = value >> 16, tiff[20] = value >> 8, tiff[21] = value;
  tiff[22] = next_ifd >> 24, tiff[23] = next_ifd >> 16, tiff[24] = next_ifd >> 8, tiff[25] = next_ifd;
  return jpeg_with_segment (0xe1, app1, 6 + 30);
}

/* XMP nested @depth deep. */
static GBytes *
deep_xmp (guint depth)
{
  g_autoptr(GString) xmp = g_string_new ("http://ns.adobe.com/xap/1.0/");

  g_string_append_c (xmp, '\0');
  g_string_append (xmp, "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf="
                        "\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
                        "xmlns:a=\"http://example.com/a/\">");
  for (guint i = 0; i < depth; i++)
    g_string_append (xmp, "<a:b><rdf:Bag><rdf:li>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xmp, "</rdf:li></rdf:Bag></a:b>");
  g_string_append (xmp, "</rdf:Description></rdf:RDF></x:xmpmeta>");
  return jpeg_with_segment (0xe1, (const guint8 *) xmp->str, MIN (xmp->len, 0xfff0));
}

/* Bad input: a message, never a crash (and, under ASan in CI, never a bad access). */
static void
test_hostile_input (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 256, 192, 1);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 90);
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  /* SOF0 of 40000 × 40000 in a 200-byte file. */
  static const guint8 sof_bomb[] = {
    0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x9c, 0x40, 0x9c, 0x40, 0x03, 0x01, 0x22, 0x00,
    0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9,
  };
  static const guint8 png_bomb[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 8, 2, 0, 0, 0, 0, 0, 0, 0,
  };

  g_ptr_array_add (inputs, g_bytes_new_from_bytes (jpeg, 0, g_bytes_get_size (jpeg) / 2));
  g_ptr_array_add (inputs, g_bytes_new_static (sof_bomb, sizeof sof_bomb));
  g_ptr_array_add (inputs, g_bytes_new_static (png_bomb, sizeof png_bomb));
  g_ptr_array_add (inputs, g_bytes_new_static ("GIF89a not ours", 15));
  g_ptr_array_add (inputs, g_bytes_new_static ("", 0));
  /* From here on the picture itself is sound: it is inspected whatever its metadata. */
  g_ptr_array_add (inputs, hostile_exif (0xffffff00, 0x010f, 0, 0));          /* IFD0 past the end */
  g_ptr_array_add (inputs, hostile_exif (8, 0x0201, 26, 0xfffffff0));          /* next IFD past the end */
  g_ptr_array_add (inputs, hostile_exif (8, 0x0202, 0xfffffff0, 0));           /* thumbnail length */
  g_ptr_array_add (inputs, deep_xmp (1500));
  g_ptr_array_add (inputs, deep_xmp (2700));
  for (guint i = 0; i < inputs->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfForensicsReport) report =
        af_forensics_inspect (g_ptr_array_index (inputs, i), 0, NULL, NULL, NULL, &error);

      g_test_message ("input %u: %s", i, report != NULL ? "inspected" : error->message);
      g_assert_true ((report == NULL) != (error == NULL));
      g_assert_true ((report != NULL) == (i >= 5));
      if (error != NULL)
        g_assert_cmpstr (error->message, !=, "");
    }
}

/* EXIF whose first directory lies past the end: exiv2 refuses it, and that is said. */
static void
test_unreadable_exif (void)
{
  g_autoptr(GBytes) bytes = hostile_exif (0xffffff00, 0x010f, 0, 0);
  g_autoptr(AfForensicsReport) report = inspect_bytes (bytes, 0);
  g_autoptr(AfFinding) finding = first_of_kind (report, AF_FINDING_KIND_NO_METADATA);

  g_assert_nonnull (finding);
  g_assert_cmpuint (af_finding_get_severity (finding), ==, AF_FINDING_SEVERITY_CHECK);
  g_assert_nonnull (strstr (af_finding_get_message (finding), "metadata"));
  g_assert_cmpint (af_forensics_report_get_width (report), ==, 64);
}

/* A PNG through gdk-pixbuf: no JPEG quality, the ELA at the fallback quality. Its XMP
 * (iTXt, which has no 64 KiB cap as a JPEG segment has) is 60,000 levels deep. */
static void
test_png_deep_xmp (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 96, 64, 4);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GString) xmp = g_string_new ("<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                                         "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                                         "<rdf:Description xmlns:a=\"http://example.com/a/\">");
  g_autofree char *path = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(AfForensicsReport) report = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 60000; i++)
    g_string_append (xmp, "<a:b><rdf:Bag><rdf:li>");
  for (guint i = 0; i < 60000; i++)
    g_string_append (xmp, "</rdf:li></rdf:Bag></a:b>");
  g_string_append (xmp, "</rdf:Description></rdf:RDF></x:xmpmeta>");
  path = forensics_write_temp (empty, "deep.png");
  pixbuf = gdk_pixbuf_new_from_data (af_image_buffer_get_data (image), GDK_COLORSPACE_RGB, FALSE, 8,
                                     96, 64, (int) af_image_buffer_get_stride (image), NULL, NULL);
  gdk_pixbuf_save (pixbuf, path, "png", &error, "tEXt::XML:com.adobe.xmp", xmp->str, NULL);
  g_assert_no_error (error);
  png = forensics_read_file (path);
  report = inspect_bytes (png, 0);
  g_assert_cmpstr (af_forensics_report_get_format (report), ==, "PNG");
  g_assert_cmpint (af_forensics_report_get_jpeg_quality (report), ==, -1);
  g_assert_cmpint (af_forensics_report_get_ela_quality (report), ==, AF_ELA_FALLBACK_QUALITY);
  g_assert_cmpint (af_image_buffer_get_width (af_forensics_report_get_ela (report)), ==, 96);
}

typedef struct
{
  GArray            *fractions;
  AfForensicsReport *report;
  GError            *error;
  gboolean           done;
} AsyncRun;

static void
record_progress (double      fraction,
                 const char *step,
                 gpointer    user_data)
{
  AsyncRun *run = user_data;

  g_assert_false (run->done);
  g_array_append_val (run->fractions, fraction);
}

static void
inspected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->report = af_forensics_inspect_finish (result, &run->error);
  run->done = TRUE;
}

static void
run_async (GBytes       *bytes,
           GCancellable *cancellable,
           AsyncRun     *run)
{
  run->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  af_forensics_inspect_async (bytes, 0, cancellable, record_progress, run, NULL, inspected_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
}

/* On a worker thread, with progress on this thread in order, and the result cached by
 * the bytes' SHA-256; a cancelled inspection says so. */
static void
test_async_progress_cache (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FOLIAGE, 400, 300, 12);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 88);
  g_autoptr(GBytes) copy = g_bytes_new (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(AfForensicsReport) again = NULL;
  AsyncRun first = { 0 }, cancelled = { 0 };

  af_forensics_cache_clear ();
  run_async (jpeg, NULL, &first);
  g_assert_no_error (first.error);
  g_assert_nonnull (first.report);
  g_assert_cmpuint (first.fractions->len, >=, 3);
  for (guint i = 1; i < first.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (first.fractions, double, i), >=,
                       g_array_index (first.fractions, double, i - 1));
  /* Other GBytes with the same content: the same report, from the cache. */
  again = inspect_bytes (copy, 0);
  g_assert_true (again == first.report);

  af_forensics_cache_clear ();
  g_cancellable_cancel (cancellable);
  run_async (jpeg, cancellable, &cancelled);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled.report);

  g_array_unref (first.fractions);
  g_array_unref (cancelled.fractions);
  g_object_unref (first.report);
  g_error_free (cancelled.error);
}

static void
check_demo_exif (AfForensicsReport *report,
                 JsonObject        *exif)
{
  AfImageMetadata *metadata = af_forensics_report_get_metadata (report);

  if (exif == NULL)
    {
      g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_NO_METADATA), ==, 1);
      return;
    }
  g_assert_cmpstr (af_image_metadata_lookup (metadata, "Exif.Image.Make"), ==,
                   json_object_get_string_member (exif, "make"));
  g_assert_cmpstr (af_image_metadata_lookup (metadata, "Exif.Image.Model"), ==,
                   json_object_get_string_member (exif, "model"));
  g_assert_cmpstr (af_image_metadata_get_software (metadata), ==,
                   json_object_get_string_member (exif, "software"));
  g_assert_cmpstr (af_image_metadata_get_capture_date (metadata), ==,
                   json_object_get_string_member (exif, "dt_original"));
  g_assert_cmpstr (af_image_metadata_get_modification_date (metadata), ==,
                   json_object_get_string_member (exif, "dt_modified"));
}

static void
check_demo_splice (AfForensicsReport *report,
                   JsonObject        *splice)
{
  GListModel *findings = af_forensics_report_get_findings (report);
  JsonObject *rect_px;
  AfImageRect truth;
  double best = 0;

  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_COPY_MOVE), ==, 0);
  if (splice == NULL)
    {
      g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_ELA_REGION), ==, 0);
      return;
    }
  rect_px = json_object_get_object_member (splice, "rect_px");
  truth = (AfImageRect) { json_object_get_int_member (rect_px, "left"),
                          json_object_get_int_member (rect_px, "top"),
                          json_object_get_int_member (rect_px, "width"),
                          json_object_get_int_member (rect_px, "height") };
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      if (af_finding_get_kind (finding) == AF_FINDING_KIND_ELA_REGION)
        best = MAX (best, forensics_iou (af_finding_get_region (finding), &truth));
    }
  g_test_message ("best ELA region IoU with the splice: %.2f", best);
  g_assert_cmpfloat (best, >=, 0.5);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_EDITING_SOFTWARE), ==, 1);
}

/* The demo workspace's artworks (data/demo, facts in expected.json): the planted splices
 * are found by the ELA, the authentic and unlabelled pictures have no region and no
 * copy-move, and the EXIF read is the one the generator wrote. */
static void
test_demo_artworks (void)
{
  g_autofree char *expected = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "expected.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) ids = NULL;
  JsonObject *artworks;

  json_parser_load_from_file (parser, expected, &error);
  g_assert_no_error (error);
  artworks = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                            "artworks");
  ids = json_object_get_members (artworks);
  g_assert_cmpuint (g_list_length (ids), >=, 3);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      JsonObject *artwork = json_object_get_object_member (artworks, l->data);
      g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"),
                                                json_object_get_string_member (artwork, "raw_manifest_file"),
                                                NULL);
      g_autoptr(GBytes) bytes = forensics_read_file (path);
      g_autoptr(AfForensicsReport) report = inspect_bytes (bytes, 0);
      JsonNode *exif = json_object_get_member (artwork, "exif");
      JsonNode *splice = json_object_get_member (artwork, "splice");

      g_test_message ("%s", json_object_get_string_member (artwork, "filename"));
      check_demo_exif (report, JSON_NODE_HOLDS_OBJECT (exif) ? json_node_get_object (exif) : NULL);
      check_demo_splice (report, JSON_NODE_HOLDS_OBJECT (splice) ? json_node_get_object (splice) : NULL);
    }
}

static void
ela_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AfImageBuffer **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = af_forensics_ela_finish (result, &error);
  g_assert_no_error (error);
}

static AfImageBuffer *
ela_async_wait (GBytes *bytes,
                int     quality)
{
  AfImageBuffer *ela = NULL;

  af_forensics_ela_async (bytes, quality, NULL, ela_done_cb, &ela);
  while (ela == NULL)
    g_main_context_iteration (NULL, TRUE);
  return ela;
}

/* The view's quality control: the ELA alone at another quality, off the thread, the same
 * pixels as the synchronous one, cached. */
static void
test_ela_async (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 200, 150, 3);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 85);
  g_autoptr(AfImageBuffer) decoded = af_forensics_decode (jpeg, NULL, NULL);
  g_autoptr(AfImageBuffer) expected = af_forensics_ela (decoded, 70, NULL, NULL);
  g_autoptr(AfImageBuffer) first = ela_async_wait (jpeg, 70);
  g_autoptr(AfImageBuffer) second = ela_async_wait (jpeg, 70);
  gsize size = af_image_buffer_get_stride (expected) * af_image_buffer_get_height (expected);

  g_assert_cmpmem (af_image_buffer_get_data (first), size, af_image_buffer_get_data (expected), size);
  g_assert_true (first == second);
}

static void
count_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  guint *remaining = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfForensicsReport) report = af_forensics_inspect_finish (result, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (count_kind (report, AF_FINDING_KIND_EDITING_SOFTWARE), ==, 1);
  (*remaining)--;
}

/* Several pictures with metadata inspected at once (the submit dialog and the artwork
 * page do): each worker reads its own tags right. */
static void
test_async_concurrent (void)
{
  const char * const tags[] = { "Exif.Image.Software", "GIMP 2.10.36",
                                "Xmp.xmp.CreatorTool", "GIMP 2.10.36", NULL };
  guint remaining = 4;

  af_forensics_cache_clear ();
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(AfImageBuffer) image = forensics_texture (i % N_TEXTURES, 240, 180, 40 + i);
      g_autoptr(GBytes) jpeg = forensics_jpeg (image, 85);
      g_autofree char *name = g_strdup_printf ("concurrent-%u.jpg", i);
      g_autofree char *path = forensics_write_temp (jpeg, name);
      g_autoptr(GBytes) bytes = NULL;

      forensics_set_metadata (path, tags, NULL);
      bytes = forensics_read_file (path);
      af_forensics_inspect_async (bytes, 0, NULL, NULL, NULL, NULL, count_done_cb, &remaining);
    }
  while (remaining > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
cancel_on_progress (double      fraction,
                    const char *step,
                    gpointer    user_data)
{
  g_cancellable_cancel (user_data);
}

static void
cancelled_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->report = af_forensics_inspect_finish (result, &run->error);
  run->done = TRUE;
}

/* Cancelled while it runs (at its first progress report): the worker stops early and
 * the result says cancelled. */
static void
test_async_cancel_midway (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 2400, 1800, 5);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 88);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncRun run = { 0 };

  af_forensics_cache_clear ();
  af_forensics_inspect_async (jpeg, 0, cancellable, cancel_on_progress,
                              g_object_ref (cancellable), g_object_unref, cancelled_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.report);
  g_error_free (run.error);
  /* The worker has returned (the task completes only then): had it run to the end, its
   * report would be cached and this inspection would report no progress at all. */
  run = (AsyncRun) { g_array_new (FALSE, FALSE, sizeof (double)), NULL, NULL, FALSE };
  run.report = af_forensics_inspect (jpeg, 0, NULL, record_progress, &run, NULL);
  g_assert_nonnull (run.report);
  g_assert_cmpuint (run.fractions->len, >, 0);
  g_object_unref (run.report);
  g_array_unref (run.fractions);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/forensics/metadata/like-exiftool", test_metadata_like_exiftool);
  g_test_add_func ("/forensics/metadata/all-like-exiftool", test_metadata_all_like_exiftool);
  g_test_add_func ("/forensics/metadata/colour-profile", test_colour_profile);
  g_test_add_func ("/forensics/hostile-input/icc", test_icc_hostile);
  g_test_add_func ("/forensics/findings/edited-after-capture", test_edited_after_capture);
  g_test_add_func ("/forensics/findings/untouched-with-thumbnail", test_untouched_with_thumbnail);
  g_test_add_func ("/forensics/findings/ai-generated", test_ai_generated);
  g_test_add_func ("/forensics/findings/no-metadata", test_no_metadata);
  g_test_add_func ("/forensics/hostile-input", test_hostile_input);
  g_test_add_func ("/forensics/hostile-input/unreadable-exif", test_unreadable_exif);
  g_test_add_func ("/forensics/hostile-input/png-deep-xmp", test_png_deep_xmp);
  g_test_add_func ("/forensics/async/progress-cache-cancel", test_async_progress_cache);
  g_test_add_func ("/forensics/async/cancel-midway", test_async_cancel_midway);
  g_test_add_func ("/forensics/async/ela", test_ela_async);
  g_test_add_func ("/forensics/async/concurrent", test_async_concurrent);
  g_test_add_data_func ("/forensics/copy-move/fractal", GINT_TO_POINTER (TEXTURE_FRACTAL),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/foliage", GINT_TO_POINTER (TEXTURE_FOLIAGE),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/blobs", GINT_TO_POINTER (TEXTURE_BLOBS),
                        test_copy_move_found);
  g_test_add_data_func ("/forensics/copy-move/wood", GINT_TO_POINTER (TEXTURE_WOOD),
                        test_copy_move_found);
  g_test_add_func ("/forensics/copy-move/clean-textures", test_clean_textures);
  g_test_add_func ("/forensics/jpeg-quality", test_jpeg_quality);
  g_test_add_func ("/forensics/ela/patch", test_ela_patch);
  if (g_getenv ("AF_FIXTURES_DIR") != NULL)
    g_test_add_func ("/forensics/demo-artworks", test_demo_artworks);
  status = g_test_run ();
  forensics_remove_temp ();
  return status;
}
