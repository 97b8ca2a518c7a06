/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-demo-shift.c — moving the demo's dates to the present.
 *
 * Which attribute is a date is judged by its name, then by the shape of its value:
 * the pipeline's names are regular (*_timestamp, *_at, ttl, *_date), and a value of
 * the wrong shape under such a name is left exactly as it is.
 */
#define G_LOG_DOMAIN "af-demo"

#include "af-demo.h"

#include <errno.h>
#include <string.h>

#include "af-clock.h"

/* Unix times below this are not dates of this century's data (a count, a flag, a
 * YYYYMMDD number): they are left alone. 10^8 s is 1973. */
#define MIN_PLAUSIBLE_SECONDS G_GINT64_CONSTANT (100000000)
/* A *_at number from 10^11 on is milliseconds: 10^11 s would be the year 5138. */
#define MIN_MILLISECONDS      G_GINT64_CONSTANT (100000000000)

typedef enum
{
  DATE_NONE,
  DATE_ISO,        /* S, ISO 8601 */
  DATE_SECONDS,    /* N, unix seconds */
  DATE_EPOCH_ANY,  /* N, unix seconds or milliseconds by magnitude */
} DateKind;

/* What kind of date an attribute named @name may hold. The shape of the value
 * decides afterwards; a name alone never makes a value a date. */
static DateKind
date_kind_for_name (const char *name)
{
  if (name == NULL)
    return DATE_NONE;
  if (g_str_equal (name, "ttl") || g_str_has_suffix (name, "_date"))
    return DATE_SECONDS;
  if (g_str_equal (name, "last_login") || g_str_has_suffix (name, "_at"))
    return DATE_EPOCH_ANY;
  if (g_str_equal (name, "timestamp") || g_str_has_suffix (name, "_timestamp")
      || g_str_has_suffix (name, "_iso"))
    return DATE_ISO;
  return DATE_NONE;
}

/* A plain integer as DynamoDB writes it (no sign other than '-', no fraction, no
 * exponent) that fits in 18 digits; anything else is not a unix time. */
static gboolean
parse_integer (const char *text,
               gint64     *out)
{
  const char *digits = text[0] == '-' ? text + 1 : text;
  gsize len = strlen (digits);
  char *end = NULL;

  if (len == 0 || len > 18 || strspn (digits, "0123456789") != len)
    return FALSE;
  if (len > 1 && digits[0] == '0')
    return FALSE;

  errno = 0;
  *out = g_ascii_strtoll (text, &end, 10);
  return errno == 0 && end != NULL && *end == '\0';
}

static AfValue *
shift_iso (const char *text,
           gint64      delta_seconds)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) moved = NULL;
  g_autoptr(GDateTime) moved_utc = NULL;

  /* A date without a time of day ("2024-09-01") is a fact of a document (a
   * statement period, a birthday), never a pipeline event: it is not parsed here. */
  if (strchr (text, 'T') == NULL)
    return NULL;
  time = g_date_time_new_from_iso8601 (text, utc);
  if (time == NULL)
    return NULL;
  moved = g_date_time_add_seconds (time, (gdouble) delta_seconds);
  if (moved == NULL)
    return NULL;

  /* Keep the writer's precision: milliseconds when the original had a fraction. */
  if (strchr (text, '.') != NULL)
    {
      g_autofree char *iso = af_clock_format_iso (moved);

      return af_value_new_s (iso);
    }
  else
    {
      g_autofree char *iso = NULL;

      moved_utc = g_date_time_to_utc (moved);
      iso = g_date_time_format (moved_utc, "%Y-%m-%dT%H:%M:%SZ");
      return af_value_new_s (iso);
    }
}

static AfValue *
shift_epoch (const char *text,
             DateKind    kind,
             gint64      delta_seconds)
{
  gint64 number;
  gint64 delta = delta_seconds;

  if (!parse_integer (text, &number) || number < MIN_PLAUSIBLE_SECONDS)
    return NULL;
  if (kind == DATE_EPOCH_ANY && number >= MIN_MILLISECONDS)
    delta *= 1000;
  if ((delta > 0 && number > G_MAXINT64 - delta) || number + delta < 0)
    return NULL;
  return af_value_new_n_int (number + delta);
}

/* The moved value of the scalar @value named @name, or NULL to keep it as it is. */
static AfValue *
shift_scalar (const AfValue *value,
              const char    *name,
              gint64         delta_seconds)
{
  DateKind kind = date_kind_for_name (name);

  switch (af_value_get_kind (value))
    {
    case AF_TYPE_S:
      /* *_at may also be written as ISO text (corrections' corrected_at). */
      if (kind == DATE_ISO || kind == DATE_EPOCH_ANY)
        return shift_iso (af_value_get_string (value), delta_seconds);
      return NULL;
    case AF_TYPE_N:
      if (kind == DATE_SECONDS || kind == DATE_EPOCH_ANY)
        return shift_epoch (af_value_get_string (value), kind, delta_seconds);
      return NULL;
    case AF_TYPE_B:
    case AF_TYPE_BOOL:
    case AF_TYPE_NULL:
    case AF_TYPE_M:
    case AF_TYPE_L:
    case AF_TYPE_SS:
    case AF_TYPE_NS:
    case AF_TYPE_BS:
    default:
      return NULL;
    }
}

static AfValue *shift_value (const AfValue *value,
                             const char    *name,
                             gint64         delta_seconds);

static AfValue *
shift_map (const AfValue *map,
           gint64         delta_seconds)
{
  AfValue *copy = af_value_new_map ();
  guint size = af_value_map_size (map);

  for (guint i = 0; i < size; i++)
    {
      const char *member = af_value_map_name_at (map, i);

      af_value_map_set (copy, member,
                        shift_value (af_value_map_value_at (map, i), member, delta_seconds));
    }
  return copy;
}

/* The elements of a list carry no name of their own: only maps inside it are
 * looked into (a list of corrections, each with its corrected_at). */
static AfValue *
shift_list (const AfValue *list,
            gint64         delta_seconds)
{
  AfValue *copy = af_value_new_list (AF_TYPE_L);
  guint length = af_value_list_length (list);

  for (guint i = 0; i < length; i++)
    af_value_list_append (copy, shift_value (af_value_list_nth (list, i), NULL, delta_seconds));
  return copy;
}

static AfValue *
shift_value (const AfValue *value,
             const char    *name,
             gint64         delta_seconds)
{
  AfValue *moved;

  switch (af_value_get_kind (value))
    {
    case AF_TYPE_M:
      return shift_map (value, delta_seconds);
    case AF_TYPE_L:
      return shift_list (value, delta_seconds);
    case AF_TYPE_S:
    case AF_TYPE_N:
    case AF_TYPE_B:
    case AF_TYPE_BOOL:
    case AF_TYPE_NULL:
    case AF_TYPE_SS:
    case AF_TYPE_NS:
    case AF_TYPE_BS:
    default:
      moved = shift_scalar (value, name, delta_seconds);
      return moved != NULL ? moved : af_value_copy (value);
    }
}

AfValue *
af_demo_shift_item (const AfValue *item,
                    gint64         delta_seconds)
{
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (af_value_get_kind (item) == AF_TYPE_M, NULL);

  return shift_map (item, delta_seconds);
}
