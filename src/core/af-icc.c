/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-icc"

#include "config.h"

#include <string.h>

#include "af-icc.h"

/* ICC.1: a 128-byte header, then the tag count and 12-byte entries. */
#define HEADER_SIZE 128
#define TAG_ENTRY_SIZE 12
/* No profile has more tags than this; a count above it is not a profile. */
#define MAX_TAGS 1024
/* A name longer than this is not shown whole. */
#define MAX_NAME_BYTES 512

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* v2 textDescriptionType: 'desc', reserved, ASCII count (with its NUL), ASCII. */
static char *
read_text_description (const guint8 *tag,
                       gsize         size)
{
  guint32 count;

  if (size < 12)
    return NULL;
  count = be32 (tag + 8);
  if (count == 0 || count > size - 12)
    return NULL;
  return g_utf8_make_valid ((const char *) tag + 12,
                            (gssize) strnlen ((const char *) tag + 12, MIN (count, MAX_NAME_BYTES)));
}

/* v4 multiLocalizedUnicodeType: 'mluc', reserved, record count, record size, records of
 * (language, country, length, offset from the tag) naming UTF-16BE strings. The first
 * record is the profile's own default. */
static char *
read_localized (const guint8 *tag,
                gsize         size)
{
  guint32 records, record_size, length, offset;
  g_autofree gunichar2 *text = NULL;

  if (size < 28)
    return NULL;
  records = be32 (tag + 8);
  record_size = be32 (tag + 12);
  if (records == 0 || record_size < 12)
    return NULL;
  length = be32 (tag + 16 + 4);
  offset = be32 (tag + 16 + 8);
  if (offset > size || length > size - offset || length < 2)
    return NULL;
  length = MIN (length, MAX_NAME_BYTES) / 2;
  text = g_new0 (gunichar2, length + 1);
  for (guint32 i = 0; i < length; i++)
    text[i] = (gunichar2) ((tag[offset + 2 * i] << 8) | tag[offset + 2 * i + 1]);
  return g_utf16_to_utf8 (text, length, NULL, NULL, NULL);
}

char *
af_icc_describe (const guint8 *profile,
                 gsize         length)
{
  guint32 count;

  if (profile == NULL || length < HEADER_SIZE + 4 || memcmp (profile + 36, "acsp", 4) != 0)
    return NULL;
  count = be32 (profile + HEADER_SIZE);
  if (count > MAX_TAGS || count > (length - HEADER_SIZE - 4) / TAG_ENTRY_SIZE)
    return NULL;
  for (guint32 i = 0; i < count; i++)
    {
      const guint8 *entry = profile + HEADER_SIZE + 4 + (gsize) i * TAG_ENTRY_SIZE;
      guint32 offset = be32 (entry + 4);
      guint32 size = be32 (entry + 8);
      const guint8 *tag;

      if (memcmp (entry, "desc", 4) != 0)
        continue;
      if (offset > length || size > length - offset || size < 8)
        return NULL;
      tag = profile + offset;
      if (memcmp (tag, "desc", 4) == 0)
        return read_text_description (tag, size);
      if (memcmp (tag, "mluc", 4) == 0)
        return read_localized (tag, size);
      return NULL;
    }
  return NULL;
}
