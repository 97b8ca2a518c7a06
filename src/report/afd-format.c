/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-format"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "afd-format.h"

static const char * const levels[] = { "CRITICAL", "HIGH", "MEDIUM", "LOW" };

const char *
afd_risk_level_normalize (const char *level,
                          double      score)
{
  for (guint i = 0; level != NULL && i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (level, levels[i]) == 0)
      return levels[i];

  if (score < 0 || score > 100)
    return NULL;
  if (score >= 75)
    return "CRITICAL";
  if (score >= 50)
    return "HIGH";
  if (score >= 25)
    return "MEDIUM";
  return "LOW";
}

const char *
afd_risk_level_label (const char *level)
{
  /* The level is shown as text, never by colour alone; these stay upper case as the
   * pipeline writes them, so reviewers recognise them from the cloud console. */
  if (g_strcmp0 (level, "CRITICAL") == 0)
    return C_("risk level", "CRITICAL");
  if (g_strcmp0 (level, "HIGH") == 0)
    return C_("risk level", "HIGH");
  if (g_strcmp0 (level, "MEDIUM") == 0)
    return C_("risk level", "MEDIUM");
  if (g_strcmp0 (level, "LOW") == 0)
    return C_("risk level", "LOW");
  return AFD_ABSENT;
}

const char *
afd_level_css_class (const char *level)
{
  if (g_strcmp0 (level, "CRITICAL") == 0)
    return "level-critical";
  if (g_strcmp0 (level, "HIGH") == 0)
    return "level-high";
  if (g_strcmp0 (level, "MEDIUM") == 0)
    return "level-medium";
  if (g_strcmp0 (level, "LOW") == 0)
    return "level-low";
  return "level-none";
}

int
afd_severity_rank (const char *severity)
{
  for (guint i = 0; severity != NULL && i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strcasecmp (severity, levels[i]) == 0)
      return i;
  return G_N_ELEMENTS (levels);
}

const char *
afd_verdict_label (const char *verdict)
{
  if (g_strcmp0 (verdict, "AUTHENTIC") == 0)
    return _("Authentic");
  if (g_strcmp0 (verdict, "SUSPICIOUS") == 0)
    return _("Suspicious");
  if (g_strcmp0 (verdict, "LIKELY_FORGED") == 0)
    return _("Likely forged");
  return verdict != NULL ? verdict : AFD_ABSENT;
}

const char *
afd_verdict_css_class (const char *verdict)
{
  if (g_strcmp0 (verdict, "AUTHENTIC") == 0)
    return "level-low";
  if (g_strcmp0 (verdict, "SUSPICIOUS") == 0)
    return "level-high";
  if (g_strcmp0 (verdict, "LIKELY_FORGED") == 0)
    return "level-critical";
  return "level-none";
}

const char *
afd_status_label (const char *status)
{
  if (g_strcmp0 (status, "COMPLETED") == 0)
    return _("Completed");
  if (g_strcmp0 (status, "IN_PROGRESS") == 0)
    return _("In progress");
  if (g_strcmp0 (status, "PROCESSING") == 0)
    return _("Processing");
  if (g_strcmp0 (status, "PENDING") == 0)
    return _("Pending");
  if (g_strcmp0 (status, "FAILED") == 0)
    return _("Failed");
  return status != NULL ? status : AFD_ABSENT;
}

const char *
afd_document_type_label (const char *type)
{
  if (g_strcmp0 (type, "W2") == 0)
    return _("W-2");
  if (g_strcmp0 (type, "BANK_STATEMENT") == 0)
    return _("Bank statement");
  if (g_strcmp0 (type, "TAX_FORM") == 0)
    return _("Tax form");
  if (g_strcmp0 (type, "DRIVERS_LICENSE") == 0)
    return _("Driver’s license");
  if (g_strcmp0 (type, "ID") == 0)
    return _("Identity document");
  return type != NULL ? type : _("Document");
}

char *
afd_document_name (const AfValue *document)
{
  return g_strdup_printf ("%s · %s",
                          afd_document_type_label (af_item_get_s (document, "document_type")),
                          af_item_get_s (document, "file_name") ?: AFD_ABSENT);
}

static char *
format_date_time (GDateTime *utc)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  /* TRANSLATORS: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y, %H:%M"));
}

char *
afd_format_iso_time (const char *iso)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  if (iso == NULL)
    return NULL;
  time = g_date_time_new_from_iso8601 (iso, NULL);
  if (time == NULL)
    return NULL;
  text = format_date_time (time);
  return g_strdup (g_strstrip (text));
}

char *
afd_format_iso_date (const char *iso)
{
  g_autoptr(GDateTime) time = iso != NULL ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return NULL;
  local = g_date_time_to_local (time);
  /* TRANSLATORS: a date, see g_date_time_format() */
  return g_date_time_format (local, _("%-d %b %Y"));
}

char *
afd_format_unix_time (const char *number,
                      gboolean    milliseconds)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;
  gint64 value;

  if (number == NULL || !g_ascii_string_to_signed (number, 10, 0, G_MAXINT64, &value, NULL))
    return NULL;
  time = g_date_time_new_from_unix_utc (milliseconds ? value / 1000 : value);
  if (time == NULL)
    return NULL;
  text = format_date_time (time);
  return g_strdup (g_strstrip (text));
}

char *
afd_format_size (const char *bytes)
{
  guint64 value;

  if (bytes == NULL || !g_ascii_string_to_unsigned (bytes, 10, 0, G_MAXUINT64, &value, NULL))
    return NULL;
  return g_format_size (value);
}

char *
afd_format_percent (double fraction)
{
  if (fraction < 0)
    return g_strdup (AFD_ABSENT);
  /* TRANSLATORS: a percentage */
  return g_strdup_printf (_("%.0f %%"), fraction * 100.0);
}

static gboolean
is_acronym (const char *word)
{
  static const char * const acronyms[] = { "ssn", "ein", "id", "dob", "w2", "ocr", "ai" };

  for (guint i = 0; i < G_N_ELEMENTS (acronyms); i++)
    if (g_ascii_strcasecmp (word, acronyms[i]) == 0)
      return TRUE;
  return FALSE;
}

char *
afd_humanize (const char *identifier)
{
  g_auto(GStrv) words = NULL;
  GString *out;

  if (identifier == NULL)
    return g_strdup (AFD_ABSENT);

  words = g_strsplit (identifier, "_", -1);
  out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = NULL;

      if (words[i][0] == '\0')
        continue;
      word = is_acronym (words[i]) ? g_ascii_strup (words[i], -1) : g_ascii_strdown (words[i], -1);
      if (out->len == 0)
        word[0] = g_ascii_toupper (word[0]);
      else
        g_string_append_c (out, ' ');
      g_string_append (out, word);
    }
  return g_string_free (out, FALSE);
}

/* The labels people read for the pipeline's field names: the one table of them (the
 * raw name stays available as a tooltip). Any other name is humanized. */
static const struct
{
  const char *name;
  const char *label;
} field_labels[] = {
  { "name", N_("Name") },
  { "full_name", N_("Full name") },
  { "ssn", N_("SSN") },
  { "employee_ssn", N_("Employee SSN") },
  { "employer_ein", N_("Employer EIN") },
  { "date_of_birth", N_("Date of birth") },
  { "address", N_("Address") },
  { "employee_address", N_("Employee address") },
  { "employer", N_("Employer") },
  { "employer_name", N_("Employer name") },
  { "employee_name", N_("Employee name") },
  { "annual_income", N_("Annual income") },
  { "bank_account_number", N_("Bank account number") },
  { "account_number", N_("Account number") },
  { "account_holder", N_("Account holder") },
  { "bank_name", N_("Bank name") },
  { "adjusted_gross_income", N_("Adjusted gross income") },
  { "federal_tax_withheld", N_("Federal tax withheld") },
  { "wages", N_("Wages") },
  { "tax_year", N_("Tax year") },
  { "license_number", N_("License number") },
  { "expiration_date", N_("Expiration date") },
};

char *
afd_field_label (const char *field)
{
  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (field_labels); i++)
    if (g_str_equal (field, field_labels[i].name))
      return g_strdup (_(field_labels[i].label));
  return afd_humanize (field);
}

static gboolean
field_is_date_of_birth (const char *field)
{
  return strstr (field, "date_of_birth") != NULL || strstr (field, "dob") != NULL;
}

gboolean
afd_field_is_pii (const char *field)
{
  if (field == NULL)
    return FALSE;
  return strstr (field, "ssn") != NULL ||
         field_is_date_of_birth (field) ||
         strstr (field, "account_number") != NULL ||
         strstr (field, "license_number") != NULL ||
         strstr (field, "licence_number") != NULL ||
         strstr (field, "routing") != NULL;
}

char *
afd_mask_pii (const char *field,
              const char *value)
{
  g_autofree char *masked = NULL;
  guint visible = 4;
  guint seen = 0;

  if (value == NULL)
    return g_strdup (AFD_ABSENT);
  if (field != NULL && field_is_date_of_birth (field))
    visible = 0;

  masked = g_strdup (value);
  /* Walk from the end so that the last @visible letters and digits stay readable. */
  for (gssize i = (gssize) strlen (masked) - 1; i >= 0; i--)
    {
      if (!g_ascii_isalnum (masked[i]))
        continue;
      if (seen++ >= visible)
        masked[i] = '*';
    }
  return g_steal_pointer (&masked);
}

/* How many characters (not bytes) @a and @b share at their start, or at their end. */
static glong
shared_chars (const char *a,
              const char *b,
              gboolean    from_end)
{
  const char *pa = from_end ? a + strlen (a) : a;
  const char *pb = from_end ? b + strlen (b) : b;
  glong n = 0;

  while (from_end ? (pa > a && pb > b) : (*pa != '\0' && *pb != '\0'))
    {
      const char *na = from_end ? g_utf8_prev_char (pa) : pa;
      const char *nb = from_end ? g_utf8_prev_char (pb) : pb;

      if (g_utf8_get_char (na) != g_utf8_get_char (nb))
        break;
      pa = from_end ? na : g_utf8_next_char (pa);
      pb = from_end ? nb : g_utf8_next_char (pb);
      n++;
    }
  return n;
}

char *
afd_markup_difference (const char         *value,
                       const char * const *values)
{
  glong length, prefix, suffix;
  gboolean compared = FALSE;
  const char *start, *end;
  g_autofree char *head = NULL, *middle = NULL, *tail = NULL;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return g_markup_escape_text (value ?: AFD_ABSENT, -1);
  length = prefix = suffix = g_utf8_strlen (value, -1);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      glong shortest, start_shared;

      if (g_strcmp0 (values[i], value) == 0 || !g_utf8_validate (values[i], -1, NULL))
        continue;
      compared = TRUE;
      shortest = MIN (length, g_utf8_strlen (values[i], -1));
      start_shared = shared_chars (value, values[i], FALSE);
      prefix = MIN (prefix, start_shared);
      /* "1000" beside "10000": what the start shares is not shared again by the end,
       * so the longer one has its extra "0" marked. */
      suffix = MIN (suffix, MIN (shared_chars (value, values[i], TRUE), shortest - start_shared));
    }
  if (!compared || prefix + suffix >= length)
    return g_markup_escape_text (value, -1);

  start = g_utf8_offset_to_pointer (value, prefix);
  end = g_utf8_offset_to_pointer (value, length - suffix);
  head = g_markup_escape_text (value, start - value);
  middle = g_markup_escape_text (start, end - start);
  tail = g_markup_escape_text (end, -1);
  /* A "low" underline: GTK 4.8 draws no single underline under monospace digits. */
  return g_strdup_printf ("%s<span weight=\"heavy\" underline=\"low\">%s</span>%s",
                          head, middle, tail);
}
