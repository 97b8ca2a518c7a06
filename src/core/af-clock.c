/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-clock"

#include "af-clock.h"

/* The fixed time, when AUDITFLOW_DESK_NOW is set and readable. The variable is read
 * on every call (it is cheap) so that a test can move the clock between steps. */
static GDateTime *
fixed_now (void)
{
  const char *text = g_getenv ("AUDITFLOW_DESK_NOW");
  g_autoptr(GTimeZone) utc = NULL;
  GDateTime *fixed;

  if (text == NULL || *text == '\0')
    return NULL;

  utc = g_time_zone_new_utc ();
  fixed = g_date_time_new_from_iso8601 (text, utc);
  if (fixed == NULL)
    g_warning ("AUDITFLOW_DESK_NOW is not an ISO 8601 time: %s", text);
  return fixed;
}

GDateTime *
af_clock_now (void)
{
  GDateTime *fixed = fixed_now ();

  return fixed != NULL ? fixed : g_date_time_new_now_utc ();
}

gint64
af_clock_now_unix (void)
{
  g_autoptr(GDateTime) now = af_clock_now ();

  return g_date_time_to_unix (now);
}

gint64
af_clock_now_unix_ms (void)
{
  g_autoptr(GDateTime) now = af_clock_now ();

  return g_date_time_to_unix (now) * 1000 + g_date_time_get_microsecond (now) / 1000;
}

char *
af_clock_format_iso (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);
}

char *
af_clock_now_iso (void)
{
  g_autoptr(GDateTime) now = af_clock_now ();

  return af_clock_format_iso (now);
}
