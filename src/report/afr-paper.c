/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-paper"

#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <string.h>

#include "afr-paper.h"

#define MM_TO_PT (72.0 / 25.4)

/* Where US Letter is the usual paper (CLDR's list of territories using it). */
static const char * const letter_territories[] = {
  "US", "CA", "MX", "CL", "CO", "CR", "DO", "GT", "NI", "PA", "PE", "PH", "PR", "SV", "VE",
};

gboolean
afr_paper_from_string (const char *text,
                       AfrPaper   *out_paper)
{
  if (g_ascii_strcasecmp (text, "auto") == 0)
    *out_paper = AFR_PAPER_AUTO;
  else if (g_ascii_strcasecmp (text, "a4") == 0)
    *out_paper = AFR_PAPER_A4;
  else if (g_ascii_strcasecmp (text, "letter") == 0)
    *out_paper = AFR_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

const char *
afr_paper_to_string (AfrPaper paper)
{
  switch (paper)
    {
    case AFR_PAPER_A4:
      return "a4";
    case AFR_PAPER_LETTER:
      return "letter";
    case AFR_PAPER_AUTO:
    default:
      return "auto";
    }
}

/* "en_US.UTF-8@euro" → TRUE when its territory (between '_' and '.' or '@') uses Letter. */
static gboolean
locale_name_uses_letter (const char *name)
{
  const char *underscore = name != NULL ? strchr (name, '_') : NULL;
  gsize length;

  if (underscore == NULL)
    return FALSE;
  length = strcspn (underscore + 1, ".@");
  for (guint i = 0; i < G_N_ELEMENTS (letter_territories); i++)
    if (length == strlen (letter_territories[i]) &&
        strncmp (underscore + 1, letter_territories[i], length) == 0)
      return TRUE;
  return FALSE;
}

/* The variable that decides LC_PAPER, in POSIX's order of precedence. */
static const char *
paper_locale_variable (void)
{
  static const char * const names[] = { "LC_ALL", "LC_PAPER", "LANG" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = g_getenv (names[i]);

      if (value != NULL && *value != '\0')
        return value;
    }
  return NULL;
}

static AfrPaper
paper_from_locale (void)
{
  const char *current = setlocale (LC_PAPER, NULL);

  /* glibc's LC_PAPER gives the height in millimetres: 279 is Letter, 297 A4. */
  if (current != NULL && strcmp (current, "C") != 0 && strcmp (current, "POSIX") != 0 &&
      strncmp (current, "C.", 2) != 0)
    return (intptr_t) nl_langinfo (_NL_PAPER_HEIGHT) == 279 ? AFR_PAPER_LETTER : AFR_PAPER_A4;

  /* Only the C locale is in force (often because the named one is not installed):
   * the territory the environment names still says what paper is on the desk. */
  return locale_name_uses_letter (paper_locale_variable ()) ? AFR_PAPER_LETTER : AFR_PAPER_A4;
}

AfrPaper
afr_paper_resolve (AfrPaper paper)
{
  return paper == AFR_PAPER_AUTO ? paper_from_locale () : paper;
}

void
afr_paper_get_size (AfrPaper  paper,
                    double   *out_width,
                    double   *out_height)
{
  if (afr_paper_resolve (paper) == AFR_PAPER_LETTER)
    {
      *out_width = 8.5 * 72.0;
      *out_height = 11.0 * 72.0;
    }
  else
    {
      *out_width = 210.0 * MM_TO_PT;
      *out_height = 297.0 * MM_TO_PT;
    }
}
