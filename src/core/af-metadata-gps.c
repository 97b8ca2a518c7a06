/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-metadata-values"

#include "config.h"

#include <math.h>
#include <string.h>

#include "af-metadata-values.h"

/* The GPS tags as exiftool prints them: coordinates in degrees, minutes and seconds,
 * the altitude in metres, the references in words, the time of day as a clock. The
 * values are the file's: anything that does not parse is left to the caller (NULL). */

#define MAX_RATIONALS 4

/* "45/1 45/1 0/1" into @out; how many were read (0: not rationals). */
static guint
parse_rationals (const char *raw,
                 double     *out)
{
  g_auto(GStrv) parts = g_strsplit (raw, " ", MAX_RATIONALS + 1);
  guint n = 0;

  for (; parts[n] != NULL; n++)
    {
      char *end = NULL;
      double numerator, denominator = 1;

      if (n == MAX_RATIONALS)
        return 0;
      numerator = g_ascii_strtod (parts[n], &end);
      if (end == parts[n] || (*end != '/' && *end != '\0'))
        return 0;
      if (*end == '/')
        {
          const char *rest = end + 1;

          denominator = g_ascii_strtod (rest, &end);
          if (end == rest || *end != '\0' || denominator == 0)
            return 0;
        }
      out[n] = numerator / denominator;
    }
  return n;
}

/* 45.75 → 45 deg 45' 0.00" (seconds carried into minutes and degrees when they round
 * up to 60). */
static char *
degrees_text (double degrees)
{
  double whole, minutes, seconds;
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (degrees) || fabs (degrees) > 1e6)
    return NULL;
  whole = floor (fabs (degrees));
  minutes = floor ((fabs (degrees) - whole) * 60);
  seconds = ((fabs (degrees) - whole) * 60 - minutes) * 60;
  if (seconds >= 59.995)
    {
      seconds = 0;
      if (++minutes >= 60)
        minutes = 0, whole++;
    }
  g_ascii_formatd (buffer, sizeof buffer, "%.2f", seconds);
  return g_strdup_printf ("%s%.0f deg %.0f' %s\"", degrees < 0 ? "-" : "", whole, minutes,
                          buffer);
}

static char *
coordinate_text (const char *raw)
{
  double parts[MAX_RATIONALS];
  guint n = parse_rationals (raw, parts);
  double degrees = 0;

  if (n == 0 || n > 3)
    return NULL;
  for (guint i = 0; i < n; i++)
    degrees += parts[i] / pow (60, i);
  return degrees_text (degrees);
}

static char *
clock_text (const char *raw)
{
  double parts[MAX_RATIONALS];

  if (parse_rationals (raw, parts) != 3 || parts[0] < 0 || parts[0] >= 100 || parts[1] < 0
      || parts[1] >= 100 || parts[2] < 0 || parts[2] >= 100 || parts[2] != floor (parts[2]))
    return NULL;
  return g_strdup_printf ("%02d:%02d:%02d", (int) parts[0], (int) parts[1], (int) parts[2]);
}

static char *
altitude_text (const char *raw)
{
  double parts[MAX_RATIONALS];
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (parse_rationals (raw, parts) != 1)
    return NULL;
  g_ascii_formatd (buffer, sizeof buffer, "%.15g", parts[0]);
  return g_strdup_printf ("%s m", buffer);
}

/* "2 3 0 0" → "2.3.0.0". */
static char *
version_id_text (const char *raw)
{
  g_auto(GStrv) parts = g_strsplit (raw, " ", 5);

  if (g_strv_length (parts) != 4)
    return NULL;
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0' || strspn (parts[i], "0123456789") != strlen (parts[i]))
      return NULL;
  return g_strjoinv (".", parts);
}

static const char *
reference_name (const char *name,
                const char *raw)
{
  static const struct { const char *tag, *code, *word; } words[] = {
    { "GPSLatitudeRef", "N", "North" }, { "GPSLatitudeRef", "S", "South" },
    { "GPSLongitudeRef", "E", "East" }, { "GPSLongitudeRef", "W", "West" },
    { "GPSDestLatitudeRef", "N", "North" }, { "GPSDestLatitudeRef", "S", "South" },
    { "GPSDestLongitudeRef", "E", "East" }, { "GPSDestLongitudeRef", "W", "West" },
    { "GPSAltitudeRef", "0", "Above Sea Level" }, { "GPSAltitudeRef", "1", "Below Sea Level" },
    { "GPSStatus", "A", "Measurement Active" }, { "GPSStatus", "V", "Measurement Void" },
    { "GPSMeasureMode", "2", "2-Dimensional Measurement" },
    { "GPSMeasureMode", "3", "3-Dimensional Measurement" },
    { "GPSSpeedRef", "K", "km/h" }, { "GPSSpeedRef", "M", "mph" }, { "GPSSpeedRef", "N", "knots" },
    { "GPSImgDirectionRef", "M", "Magnetic North" }, { "GPSImgDirectionRef", "T", "True North" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (words[i].tag, name) == 0 && strcmp (words[i].code, raw) == 0)
      return words[i].word;
  return NULL;
}

char *
af_metadata_gps_print (const char *name,
                       const char *raw)
{
  const char *word;

  g_return_val_if_fail (name != NULL && raw != NULL, NULL);

  if ((word = reference_name (name, raw)) != NULL)
    return g_strdup (word);
  if (strcmp (name, "GPSLatitude") == 0 || strcmp (name, "GPSLongitude") == 0
      || strcmp (name, "GPSDestLatitude") == 0 || strcmp (name, "GPSDestLongitude") == 0)
    return coordinate_text (raw);
  if (strcmp (name, "GPSTimeStamp") == 0)
    return clock_text (raw);
  if (strcmp (name, "GPSAltitude") == 0)
    return altitude_text (raw);
  if (strcmp (name, "GPSVersionID") == 0)
    return version_id_text (raw);
  return NULL;
}
