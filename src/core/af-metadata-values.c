/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-metadata-values"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "af-image-metadata.h"
#include "af-metadata-values.h"

/* exiv2 prints XMP language alternatives as `lang="x-default" Text`; exiftool prints the
 * default language's text alone. */
static char *
strip_lang_default (char *value)
{
  static const char prefix[] = "lang=\"x-default\" ";

  if (g_str_has_prefix (value, prefix))
    {
      char *text = g_strdup (value + strlen (prefix));

      g_free (value);
      return text;
    }
  return value;
}

/* IPTC datasets may repeat (Keywords): exiftool joins them with ", ". */
static char *
iptc_value (GExiv2Metadata *exiv2,
            const char     *key)
{
  g_auto(GStrv) values = gexiv2_metadata_try_get_tag_multiple (exiv2, key, NULL);

  if (values == NULL || values[0] == NULL)
    return gexiv2_metadata_try_get_tag_string (exiv2, key, NULL);
  return g_strjoinv (", ", values);
}

/* A rational "n/d" as a double; FALSE when it is not one. */
static gboolean
parse_rational (const char *text,
                double     *out)
{
  char *end = NULL;
  double numerator = g_ascii_strtod (text, &end);
  double denominator = 1;

  if (end == text)
    return FALSE;
  if (*end == '/')
    {
      const char *rest = end + 1;

      denominator = g_ascii_strtod (rest, &end);
      if (end == rest || denominator == 0)
        return FALSE;
    }
  *out = numerator / denominator;
  return TRUE;
}

/* exiftool's %.15g-ish number print: no trailing zeros. */
static char *
print_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.15g", value);
  return g_strdup (buffer);
}

/* ExposureTime: "1/200" below a second (exiftool's PrintExposureTime), else "2". */
static char *
exposure_time (double seconds)
{
  if (seconds > 0 && seconds < 0.25001)
    return g_strdup_printf ("1/%d", (int) (0.5 + 1 / seconds));
  return print_number (seconds);
}

static const char *
orientation_name (int value)
{
  static const char * const names[] = {
    NULL, "Horizontal (normal)", "Mirror horizontal", "Rotate 180", "Mirror vertical",
    "Mirror horizontal and rotate 270 CW", "Rotate 90 CW",
    "Mirror horizontal and rotate 90 CW", "Rotate 270 CW",
  };

  return value >= 1 && value <= 8 ? names[value] : NULL;
}

static const char *
resolution_unit_name (int value)
{
  switch (value)
    {
    case 1: return "None";
    case 2: return "inches";
    case 3: return "cm";
    default: return NULL;
    }
}

static const char *
colour_space_name (int value)
{
  switch (value)
    {
    case 1: return "sRGB";
    case 2: return "Adobe RGB";
    case 0xffff: return "Uncalibrated";
    default: return NULL;
    }
}

typedef struct
{
  const char *tag;     /* the last part of the exiv2 key */
  int         value;
  const char *text;    /* as exiftool prints it */
} NamedValue;

/* exiftool's names of the enumerated EXIF values a camera writes most. */
static const NamedValue named_values[] = {
  { "YCbCrPositioning", 1, "Centered" }, { "YCbCrPositioning", 2, "Co-sited" },
  { "ExposureProgram", 0, "Not Defined" }, { "ExposureProgram", 1, "Manual" },
  { "ExposureProgram", 2, "Program AE" }, { "ExposureProgram", 3, "Aperture-priority AE" },
  { "ExposureProgram", 4, "Shutter speed priority AE" },
  { "ExposureProgram", 5, "Creative (Slow speed)" }, { "ExposureProgram", 6, "Action (High speed)" },
  { "ExposureProgram", 7, "Portrait" }, { "ExposureProgram", 8, "Landscape" },
  { "MeteringMode", 0, "Unknown" }, { "MeteringMode", 1, "Average" },
  { "MeteringMode", 2, "Center-weighted average" }, { "MeteringMode", 3, "Spot" },
  { "MeteringMode", 4, "Multi-spot" }, { "MeteringMode", 5, "Multi-segment" },
  { "MeteringMode", 6, "Partial" }, { "MeteringMode", 255, "Other" },
  { "WhiteBalance", 0, "Auto" }, { "WhiteBalance", 1, "Manual" },
  { "ExposureMode", 0, "Auto" }, { "ExposureMode", 1, "Manual" },
  { "ExposureMode", 2, "Auto bracket" },
  { "SceneCaptureType", 0, "Standard" }, { "SceneCaptureType", 1, "Landscape" },
  { "SceneCaptureType", 2, "Portrait" }, { "SceneCaptureType", 3, "Night" },
  { "Flash", 0x00, "No Flash" }, { "Flash", 0x01, "Fired" },
  { "Flash", 0x05, "Fired, Return not detected" }, { "Flash", 0x07, "Fired, Return detected" },
  { "Flash", 0x08, "On, Did not fire" }, { "Flash", 0x09, "On, Fired" },
  { "Flash", 0x10, "Off, Did not fire" }, { "Flash", 0x18, "Auto, Did not fire" },
  { "Flash", 0x19, "Auto, Fired" }, { "Flash", 0x20, "No flash function" },
  { "Contrast", 0, "Normal" }, { "Contrast", 1, "Low" }, { "Contrast", 2, "High" },
  { "Saturation", 0, "Normal" }, { "Saturation", 1, "Low" }, { "Saturation", 2, "High" },
  { "Sharpness", 0, "Normal" }, { "Sharpness", 1, "Soft" }, { "Sharpness", 2, "Hard" },
  { "CustomRendered", 0, "Normal" }, { "CustomRendered", 1, "Custom" },
  { "FileSource", 1, "Film Scanner" }, { "FileSource", 2, "Reflection Print Scanner" },
  { "FileSource", 3, "Digital Camera" }, { "SceneType", 1, "Directly photographed" },
  { "FocalPlaneResolutionUnit", 1, "None" }, { "FocalPlaneResolutionUnit", 2, "inches" },
  { "FocalPlaneResolutionUnit", 3, "cm" },
  { "GainControl", 0, "None" }, { "GainControl", 1, "Low gain up" },
  { "GainControl", 2, "High gain up" }, { "GainControl", 3, "Low gain down" },
  { "GainControl", 4, "High gain down" },
  { "LightSource", 0, "Unknown" }, { "LightSource", 1, "Daylight" },
  { "LightSource", 2, "Fluorescent" }, { "LightSource", 3, "Tungsten (Incandescent)" },
  { "LightSource", 4, "Flash" }, { "LightSource", 9, "Fine Weather" },
  { "LightSource", 10, "Cloudy" }, { "LightSource", 11, "Shade" },
  { "LightSource", 255, "Other" },
  { "SensingMethod", 1, "Not defined" }, { "SensingMethod", 2, "One-chip color area" },
  { "SensingMethod", 3, "Two-chip color area" }, { "SensingMethod", 4, "Three-chip color area" },
  { "SensingMethod", 5, "Color sequential area" }, { "SensingMethod", 7, "Trilinear" },
  { "SensingMethod", 8, "Color sequential linear" },
  { "SensitivityType", 0, "Unknown" }, { "SensitivityType", 1, "Standard Output Sensitivity" },
  { "SensitivityType", 2, "Recommended Exposure Index" }, { "SensitivityType", 3, "ISO Speed" },
  { "SubjectDistanceRange", 0, "Unknown" }, { "SubjectDistanceRange", 1, "Macro" },
  { "SubjectDistanceRange", 2, "Close" }, { "SubjectDistanceRange", 3, "Distant" },
};

static const char *
named_value (const char *tag,
             int         value)
{
  for (guint i = 0; i < G_N_ELEMENTS (named_values); i++)
    if (named_values[i].value == value && strcmp (named_values[i].tag, tag) == 0)
      return named_values[i].text;
  return NULL;
}

/* Undefined tags holding ASCII digits (ExifVersion "48 50 51 50" is "0232"). */
static char *
version_text (const char *raw)
{
  g_auto(GStrv) bytes = g_strsplit (raw, " ", 8);
  GString *text = g_string_new (NULL);

  for (guint i = 0; bytes[i] != NULL; i++)
    {
      guint64 c = g_ascii_strtoull (bytes[i], NULL, 10);

      if (c < 0x20 || c > 0x7e)
        return (void) g_string_free (text, TRUE), NULL;
      g_string_append_c (text, (char) c);
    }
  return g_string_free (text, FALSE);
}

/* ComponentsConfiguration "1 2 3 0" is "Y, Cb, Cr, -". */
static char *
components_text (const char *raw)
{
  static const char * const names[] = { "-", "Y", "Cb", "Cr", "R", "G", "B" };
  g_auto(GStrv) parts = g_strsplit (raw, " ", 8);
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 c = g_ascii_strtoull (parts[i], NULL, 10);

      if (c >= G_N_ELEMENTS (names))
        return NULL;
      g_ptr_array_add (shown, (gpointer) names[c]);
    }
  g_ptr_array_add (shown, NULL);
  return g_strjoinv (", ", (char **) shown->pdata);
}

/* An exposure bias as exiftool shows it: whole, halves and thirds as signed fractions
 * ("+1/3", "-1", "0"), any other value with three significant digits ("-0.33"). */
static char *
exposure_bias (double value)
{
  double v = value * 1.00001;   /* so that 0.3333 is a third */
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (v == 0)
    return g_strdup ("0");
  for (int d = 1; d <= 3; d++)
    if (d != 1 || fabs (v) >= 1)
      {
        double n = trunc (v * d);

        if (n != 0 && n / (v * d) > 0.999 && fabs (n) < G_MAXINT)
          return d == 1 ? g_strdup_printf ("%+d", (int) n) : g_strdup_printf ("%+d/%d", (int) n, d);
      }
  g_ascii_formatd (buffer, sizeof buffer, "%.3g", v);
  return g_strdup_printf ("%s%s", v > 0 ? "+" : "", buffer);
}

/* The EXIF tags whose exiftool print differs from exiv2's raw value; the others (text,
 * dates, plain numbers) print the same. */
static char *
exif_print (const char *key,
            const char *raw)
{
  const char *name = strrchr (key, '.') + 1;
  char *printed;
  double number;

  if (g_str_has_suffix (name, "Version") && (printed = version_text (raw)) != NULL)
    return printed;
  if (strcmp (name, "ComponentsConfiguration") == 0)
    return components_text (raw);
  if (!parse_rational (raw, &number))
    return NULL;
  /* The number is the file's: cast only what an int holds (found by fuzz-image-forensics). */
  if (number >= G_MININT && number <= G_MAXINT && named_value (name, (int) number) != NULL)
    return g_strdup (named_value (name, (int) number));
  if (strcmp (name, "ShutterSpeedValue") == 0)
    return exposure_time (exp2 (-number));
  if (strcmp (name, "ExposureTime") == 0)
    return exposure_time (number);
  if (strcmp (name, "FNumber") == 0 || strcmp (name, "ApertureValue") == 0
      || strcmp (name, "MaxApertureValue") == 0)
    return g_strdup_printf ("%.1f", strcmp (name, "FNumber") == 0 ? number
                                                                   : exp2 (number / 2));
  if (strcmp (name, "FocalLength") == 0)
    return g_strdup_printf ("%.1f mm", number);
  if (strcmp (name, "FocalLengthIn35mmFilm") == 0)
    return g_strdup_printf ("%.0f mm", number);
  if (strcmp (name, "ExposureBiasValue") == 0)
    return exposure_bias (number);
  if (strcmp (name, "DigitalZoomRatio") == 0 || strcmp (name, "FocalPlaneXResolution") == 0
      || strcmp (name, "FocalPlaneYResolution") == 0)
    return print_number (number);
  if (strcmp (name, "Orientation") == 0)
    return g_strdup (orientation_name ((int) number));
  if (strcmp (name, "ResolutionUnit") == 0)
    return g_strdup (resolution_unit_name ((int) number));
  if (strcmp (name, "ColorSpace") == 0)
    return g_strdup (colour_space_name ((int) number));
  if (strcmp (name, "XResolution") == 0 || strcmp (name, "YResolution") == 0)
    return print_number (number);
  return NULL;
}

static gboolean
is_ascii_tag (const char *key)
{
  const char *type = gexiv2_metadata_try_get_tag_type (key, NULL);

  return g_strcmp0 (type, "Ascii") == 0 || g_strcmp0 (type, "String") == 0;
}

char *
af_metadata_value_for (GExiv2Metadata *exiv2,
                       const char     *key)
{
  char *raw;
  char *printed;

  if (g_str_has_prefix (key, "Iptc."))
    return iptc_value (exiv2, key);
  raw = gexiv2_metadata_try_get_tag_string (exiv2, key, NULL);
  if (raw == NULL)
    return NULL;
  if (g_str_has_prefix (key, "Xmp."))
    return strip_lang_default (raw);
  if (g_str_has_prefix (key, "Exif.GPSInfo.")
      && (printed = af_metadata_gps_print (strrchr (key, '.') + 1, raw)) != NULL)
    {
      g_free (raw);
      return printed;
    }
  if (is_ascii_tag (key))
    return raw;
  printed = exif_print (key, raw);
  if (printed != NULL)
    {
      g_free (raw);
      return printed;
    }
  /* Undefined or byte tags (MakerNote, a version): exiv2's interpretation reads better
   * than a dump of numbers, and exiftool also prints these its own way. */
  if (strlen (raw) > 64)
    {
      char *interpreted = gexiv2_metadata_try_get_tag_interpreted_string (exiv2, key, NULL);

      if (interpreted != NULL)
        {
          g_free (raw);
          return interpreted;
        }
    }
  return raw;
}

/* EXIF dates use colons in the date ("2024:03:01 10:00:00"); XMP uses ISO 8601. */
GDateTime *
af_metadata_parse_date (const char *text)
{
  g_autoptr(GTimeZone) local = NULL;
  g_autofree char *iso = NULL;
  GDateTime *parsed;

  if (text == NULL || strlen (text) < 10)
    return NULL;
  iso = g_strdup (text);
  if (iso[4] == ':' && iso[7] == ':')
    iso[4] = iso[7] = '-';
  if (iso[10] == ' ')
    iso[10] = 'T';
  if (strlen (iso) == 10)
    {
      char *with_time = g_strconcat (iso, "T00:00:00", NULL);

      g_free (iso);
      iso = with_time;
    }
  /* Without an offset the file means its own local time: UTC stands in for it, the same
   * for both dates compared. */
  local = g_time_zone_new_utc ();
  parsed = g_date_time_new_from_iso8601 (iso, local);
  return parsed;
}

/* Names that mean the picture went through an editor, as written in Software,
 * CreatorTool or a history's softwareAgent. Camera firmware never says these. */
static const char * const editors[] = {
  "Adobe Photoshop", "Photoshop", "Lightroom", "GIMP", "Affinity Photo", "Pixelmator",
  "Paint.NET", "Capture One", "darktable", "RawTherapee", "Luminar", "Snapseed", "Krita",
  "PhotoScape", "Corel", "Paint Shop Pro", "Fotor", "Canva", "Picsart", "ImageMagick",
  "GraphicsMagick", "Photopea", "Inkscape", "Midjourney", "DALL-E", "DALL·E",
  "Stable Diffusion", "Firefly", "Topaz",
};

void
af_metadata_find_editors (const char *text,
                          GPtrArray  *found)
{
  g_autofree char *folded = NULL;

  if (text == NULL)
    return;
  folded = g_utf8_casefold (text, -1);
  for (guint i = 0; i < G_N_ELEMENTS (editors); i++)
    {
      g_autofree char *name = g_utf8_casefold (editors[i], -1);
      gboolean known = FALSE;

      if (strstr (folded, name) == NULL)
        continue;
      /* "Photoshop" inside "Adobe Photoshop" is the same editor. */
      for (guint j = 0; j < found->len && !known; j++)
        known = strstr (g_ptr_array_index (found, j), editors[i]) != NULL;
      if (!known)
        g_ptr_array_add (found, g_strdup (editors[i]));
    }
}

typedef struct
{
  const char *code;
  const char *name;
  gboolean    algorithmic;
} SourceType;

/* The IPTC NewsCodes digital source types (cv.iptc.org/newscodes/digitalsourcetype). */
static const SourceType source_types[] = {
  { "digitalCapture", N_("Digital capture"), FALSE },
  { "negativeFilm", N_("Scan of a negative"), FALSE },
  { "positiveFilm", N_("Scan of a slide"), FALSE },
  { "print", N_("Scan of a print"), FALSE },
  { "minorHumanEdits", N_("Capture with minor edits"), FALSE },
  { "compositeCapture", N_("Composite of captures"), FALSE },
  { "algorithmicallyEnhanced", N_("Algorithmically enhanced"), FALSE },
  { "dataDrivenMedia", N_("Data-driven media"), FALSE },
  { "digitalArt", N_("Digital art"), FALSE },
  { "virtualRecording", N_("Virtual recording"), FALSE },
  { "compositeSynthetic", N_("Composite with synthetic elements"), TRUE },
  { "trainedAlgorithmicMedia", N_("AI-generated"), TRUE },
  { "compositeWithTrainedAlgorithmicMedia", N_("Composite with AI-generated elements"), TRUE },
  { "algorithmicMedia", N_("Algorithmic media"), TRUE },
  { "softwareImage", N_("Software image"), FALSE },
};

static const SourceType *
find_source_type (const char *code)
{
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (source_types); i++)
    if (g_ascii_strcasecmp (code, source_types[i].code) == 0)
      return &source_types[i];
  return NULL;
}

gboolean
af_digital_source_is_algorithmic (const char *code)
{
  const SourceType *type = find_source_type (code);

  return type != NULL && type->algorithmic;
}

const char *
af_digital_source_describe (const char *code)
{
  const SourceType *type = find_source_type (code);

  return type != NULL ? _(type->name) : code;
}
