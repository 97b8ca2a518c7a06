/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-codec"

#include "af-codec.h"
#include "af-value-private.h"

#include <string.h>

#include "af-codec-scan.h"

G_DEFINE_QUARK (af-codec-error-quark, af_codec_error)

/* Names looked up by their bytes where they stand in the document, before any copy:
 * a page repeats the same few hundred names, so nearly every lookup hits. */
#define NAME_CACHE_SLOTS 1024

/* A recursive-descent reader over the raw text. Errors are raised where they are
 * found and each level on the way out prefixes its own context (attribute name or
 * list index), so a message reads from the outside in. */
typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  GString    *scratch;   /* strings with escapes are decoded here */
  GString    *name;      /* a name or tag being looked up or quoted, NUL-terminated */
  GHashTable *names;     /* GRefString, each its own key: the names seen so far */
  GRefString *recent[NAME_CACHE_SLOTS];  /* borrowed from @names: by a hash of the bytes */
  gsize       recent_length[NAME_CACHE_SLOTS];
  /* The members and elements of the containers being read, innermost last: a container
   * is built once it is complete, at its exact size, from the top of its stack. */
  AfMember   *members;   /* their names borrowed from @names */
  guint       n_members;
  guint       members_size;
  GPtrArray  *elements;  /* AfValue */
  AfArena    *arena;     /* (nullable) where values are built (af-value-private.h) */
  /* Counts what the writer would write otherwise (space, an escape, members out of
   * order): a value read while it did not change is canonical where it stands. */
  guint       rewritten;
} Reader;

static void
reader_init (Reader     *reader,
             const char *json,
             gssize      length)
{
  reader->start = json;
  reader->p = json;
  reader->end = json + (length < 0 ? strlen (json) : (gsize) length);
  reader->scratch = g_string_new (NULL);
  reader->name = g_string_new (NULL);
  reader->names = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_ref_string_release);
  /* Allocated from the start: their data is never NULL, so an empty container's
   * members or elements are an empty range of it, not an offset from NULL. */
  reader->members_size = 64;
  reader->members = g_new (AfMember, reader->members_size);
  reader->elements = g_ptr_array_sized_new (64);
}

static void
reader_clear (Reader *reader)
{
  if (reader->scratch != NULL)
    g_string_free (reader->scratch, TRUE);
  if (reader->name != NULL)
    g_string_free (reader->name, TRUE);
  g_clear_pointer (&reader->names, g_hash_table_unref);
  g_clear_pointer (&reader->members, g_free);
  g_clear_pointer (&reader->elements, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reader, reader_clear)

static gboolean
fail (Reader      *reader,
      GError     **error,
      AfCodecError code,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (Reader      *reader,
      GError     **error,
      AfCodecError code,
      const char  *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (code == AF_CODEC_ERROR_MALFORMED)
    g_set_error (error, AF_CODEC_ERROR, code, "%s at byte %" G_GSIZE_FORMAT,
                 message, (gsize) (reader->p - reader->start));
  else
    g_set_error_literal (error, AF_CODEC_ERROR, code, message);
  return FALSE;
}

/* Called before every token: compact input (as this program writes it) has no space
 * there, so that case returns at once. */
static inline void
skip_space (Reader *reader)
{
  const char *start = reader->p;

  if (G_LIKELY (reader->p < reader->end && (guchar) *reader->p > ' '))
    return;
  while (reader->p < reader->end &&
         (*reader->p == ' ' || *reader->p == '\n' || *reader->p == '\r' || *reader->p == '\t'))
    reader->p++;
  reader->rewritten += reader->p != start;
}

static inline gboolean
peek (Reader *reader,
      char    c)
{
  skip_space (reader);
  return reader->p < reader->end && *reader->p == c;
}

static G_GNUC_NO_INLINE gboolean
fail_expected (Reader  *reader,
               char     c,
               GError **error)
{
  return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "expected '%c'", c);
}

/* Inline, the failure out of line: called for every token of the document. */
static inline gboolean
expect (Reader  *reader,
        char     c,
        GError **error)
{
  if (G_UNLIKELY (!peek (reader, c)))
    return fail_expected (reader, c, error);
  reader->p++;
  return TRUE;
}

static gboolean
read_literal (Reader     *reader,
              const char *word)
{
  gsize length = strlen (word);

  skip_space (reader);
  if ((gsize) (reader->end - reader->p) < length || memcmp (reader->p, word, length) != 0)
    return FALSE;
  reader->p += length;
  return TRUE;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Reader   *reader,
           gunichar *out)
{
  gunichar value = 0;

  if (reader->end - reader->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (reader->p[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + digit;
    }
  reader->p += 4;
  *out = value;
  return TRUE;
}

static gboolean
read_unicode_escape (Reader   *reader,
                     GString  *out,
                     GError  **error)
{
  gunichar c, low;

  if (!read_hex4 (reader, &c))
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "bad \\u escape");

  if (c >= 0xD800 && c <= 0xDBFF)
    {
      if (reader->end - reader->p < 6 || reader->p[0] != '\\' || reader->p[1] != 'u')
        return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "lone surrogate in \\u escape");
      reader->p += 2;
      if (!read_hex4 (reader, &low) || low < 0xDC00 || low > 0xDFFF)
        return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "bad surrogate pair");
      c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
    }
  else if (c >= 0xDC00 && c <= 0xDFFF)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "lone surrogate in \\u escape");

  if (c == 0)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "NUL character in a string");
  g_string_append_unichar (out, c);
  return TRUE;
}

static gboolean
read_escape (Reader   *reader,
             GString  *out,
             GError  **error)
{
  char c;

  if (reader->p >= reader->end)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "unterminated string");

  c = *reader->p++;
  switch (c)
    {
    case '"': case '\\': case '/':
      g_string_append_c (out, c);
      return TRUE;
    case 'b': g_string_append_c (out, '\b'); return TRUE;
    case 'f': g_string_append_c (out, '\f'); return TRUE;
    case 'n': g_string_append_c (out, '\n'); return TRUE;
    case 'r': g_string_append_c (out, '\r'); return TRUE;
    case 't': g_string_append_c (out, '\t'); return TRUE;
    case 'u': return read_unicode_escape (reader, out, error);
    default:
      return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "bad escape '\\%c'", c);
    }
}

/* The bytes that end a run of plain string content — the quote, the backslash and the
 * control characters — so the scan costs one lookup per byte. */
static const guint8 ends_run[256] = {
  [0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

#define BYTES_OF(c) (G_GUINT64_CONSTANT (0x0101010101010101) * (guchar) (c))
#define HIGH_BITS BYTES_OF (0x80)

/* The high bit of each byte of @word that is one ends_run[] has, exact up to the first
 * one (the usual bit tricks: a byte of x - 0x01… borrows into its high bit where x's
 * byte is zero, or below n for x - n…; a borrow only marks bytes above a true one). */
static inline guint64
word_ends_run (guint64 word)
{
  guint64 quote = word ^ BYTES_OF ('"');
  guint64 backslash = word ^ BYTES_OF ('\\');

  guint64 found = ((quote - BYTES_OF (1)) & ~quote)
                  | ((backslash - BYTES_OF (1)) & ~backslash)
                  | ((word - BYTES_OF (0x20)) & ~word);

  return found & HIGH_BITS;
}

/* Skips the string's plain content eight bytes at a time up to the first byte that
 * ends the run, located in its word (bytes in memory order: little-endian); only the
 * last few bytes of the document are read one by one. Looking for the end byte by
 * byte in the last word cost ~40 instructions per string, 8 % of the reader's. */
static inline void
skip_plain_words (Reader *reader,
                  guchar *seen)
{
  guint64 all = 0;

  while (reader->end - reader->p >= 8)
    {
      guint64 word, found;

      memcpy (&word, reader->p, 8);
      found = word_ends_run (word);
      if (found != 0)
        {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
          guint bits = __builtin_ctzll (found) + 1 - 8;   /* of the bytes before it */

          all |= bits == 0 ? 0 : word & (G_MAXUINT64 >> (64 - bits));
          reader->p += bits / 8;
#endif
          break;
        }
      all |= word;
      reader->p += 8;
    }
  if (all & HIGH_BITS)
    *seen |= 0x80;
}

#ifdef AF_CODEC_SCAN_SSE2
/* The same sixteen bytes at a time (af-codec-scan.h): a compare per kind of end byte
 * and one mask, instead of the word's bit tricks. Callgrind, the CLI importing 2,500
 * audits + 7,500 documents of the benchmark's files (compact, as the AWS CLI writes
 * them): read_string_span () went from 184.6 M instructions to 133.5 M. The last
 * fifteen bytes of the document go to the words. */
static inline void
skip_plain (Reader *reader,
            guchar *seen)
{
  int high = 0;

  while (reader->end - reader->p >= 16)
    {
      __m128i bytes = _mm_loadu_si128 ((const __m128i *) reader->p);
      int found = af_codec_scan_ends (bytes);

      if (found != 0)
        {
          guint before = __builtin_ctz (found);

          high |= _mm_movemask_epi8 (bytes) & ((1 << before) - 1);
          reader->p += before;
          if (high != 0)
            *seen |= 0x80;
          return;
        }
      high |= _mm_movemask_epi8 (bytes);
      reader->p += 16;
    }
  if (high != 0)
    *seen |= 0x80;
  skip_plain_words (reader, seen);
}
#else
#define skip_plain skip_plain_words
#endif

/* Reads a string into a span: *out points into the document itself when the string
 * has no escapes (the common case: no copy at all), else into @reader's scratch
 * buffer, valid until the next string. Either way it is validated UTF-8. */
static gboolean
read_string_span (Reader      *reader,
                  const char **out,
                  gsize       *out_length,
                  GError     **error)
{
  const char *begin;
  GString *decoded = reader->scratch;
  guchar seen = 0;

  if (!expect (reader, '"', error))
    return FALSE;

  begin = reader->p;
  skip_plain (reader, &seen);
  while (reader->p < reader->end && !ends_run[(guchar) *reader->p])
    seen |= *reader->p++;

  if (reader->p < reader->end && *reader->p == '"')
    {
      /* Plain ASCII is valid UTF-8; nearly every string of an item is. */
      if ((seen & 0x80) != 0 && !g_utf8_validate (begin, reader->p - begin, NULL))
        return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "string is not valid UTF-8");
      *out = begin;
      *out_length = reader->p++ - begin;
      return TRUE;
    }

  reader->rewritten++;
  g_string_truncate (decoded, 0);
  g_string_append_len (decoded, begin, reader->p - begin);
  while (reader->p < reader->end && *reader->p != '"')
    {
      if ((guchar) *reader->p < 0x20)
        return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "control character in a string");
      if (*reader->p == '\\')
        {
          reader->p++;
          if (!read_escape (reader, decoded, error))
            return FALSE;
        }
      else
        g_string_append_c (decoded, *reader->p++);
    }

  if (reader->p >= reader->end)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "unterminated string");
  reader->p++;

  if (!g_utf8_validate (decoded->str, decoded->len, NULL))
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "string is not valid UTF-8");
  *out = decoded->str;
  *out_length = decoded->len;
  return TRUE;
}

static char *
read_string (Reader  *reader,
             GError **error)
{
  const char *text;
  gsize length;
  char *copy;

  if (!read_string_span (reader, &text, &length, error))
    return NULL;
  /* Not g_strndup(): its strncpy() looks for a NUL, which the reader never lets in. */
  copy = g_malloc (length + 1);
  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

/* A name's slot in the cache, from its length and its first and last four bytes:
 * cheaper than hashing every byte, and a collision only costs a lookup in the table. */
static guint
span_hash (const char *text,
           gsize       length)
{
  guint32 head = 0, tail = 0;
  guint32 hash;

  if (length >= 4)
    {
      memcpy (&head, text, 4);
      memcpy (&tail, text + length - 4, 4);
    }
  else
    for (gsize i = 0; i < length; i++)
      head = head * 31 + (guchar) text[i];
  hash = (head * 2654435761u) ^ (tail * 2246822519u) ^ (guint32) length;
  return hash ^ (hash >> 15);
}

/* An attribute name, shared with every earlier member of that name: the items of a
 * page repeat the same few hundred names, and one reference instead of one copy per
 * member spares the allocation, its free, and the memory. A name read before is
 * found by its bytes in the document (no copy, no hash table walk). Borrowed from
 * the reader's table: a map built from it takes its own reference (or, in an arena,
 * borrows it too). */
static const char *
read_name (Reader  *reader,
           GError **error)
{
  const char *text;
  gsize length;
  GRefString *name;
  guint slot;

  if (!read_string_span (reader, &text, &length, error))
    return NULL;
  slot = span_hash (text, length) % NAME_CACHE_SLOTS;
  name = reader->recent[slot];
  if (name != NULL && reader->recent_length[slot] == length && memcmp (name, text, length) == 0)
    return name;

  g_string_truncate (reader->name, 0);
  g_string_append_len (reader->name, text, length);
  name = g_hash_table_lookup (reader->names, reader->name->str);
  if (name == NULL)
    {
      name = g_ref_string_new_len (text, length);
      g_hash_table_add (reader->names, name);
    }
  reader->recent[slot] = name;
  reader->recent_length[slot] = length;
  return name;
}

/* A type tag ("S", "M", "BOOL"…) read where it stands, without a copy. */
static gboolean
read_tag (Reader  *reader,
          AfType  *out_type,
          GError **error)
{
  const char *text;
  gsize length;

  if (!read_string_span (reader, &text, &length, error))
    return FALSE;
  if (af_type_from_tag_len (text, length, out_type))
    return TRUE;
  /* Quoted as read (valid UTF-8): the name buffer holds it NUL-terminated. */
  g_string_truncate (reader->name, 0);
  g_string_append_len (reader->name, text, length);
  return fail (reader, error, AF_CODEC_ERROR_TYPE, "unknown type tag '%s'", reader->name->str);
}

/* The common case of read_tag() and the ':' after it, as compact input has them:
 * "S": and the other one-letter tags, taken in one step. FALSE (nothing read) for
 * anything else, which read_tag() then reads or refuses. */
static gboolean
read_short_tag (Reader *reader,
                AfType *out_type)
{
  const char *p = reader->p;

  if (reader->end - p < 4 || p[0] != '"' || p[2] != '"' || p[3] != ':'
      || !af_type_from_letter (p[1], out_type))
    return FALSE;
  reader->p += 4;
  return TRUE;
}

/* Checks a scalar's text against its type: N must be a DynamoDB number, B base64. */
static gboolean
check_scalar (Reader     *reader,
              AfType      type,
              const char *text,
              GError    **error)
{
  if ((type == AF_TYPE_N || type == AF_TYPE_NS) && !af_number_is_valid (text))
    return fail (reader, error, AF_CODEC_ERROR_NUMBER, "'%s' is not a DynamoDB number", text);
  if ((type == AF_TYPE_B || type == AF_TYPE_BS) && !af_base64_is_valid (text))
    return fail (reader, error, AF_CODEC_ERROR_BASE64, "binary value is not base64");
  return TRUE;
}

static AfValue *read_typed_value (Reader *reader, guint depth, GError **error);

static AfValue *
read_text_value (Reader  *reader,
                 AfType   type,
                 GError **error)
{
  g_autoptr(AfValue) value = NULL;
  const char *text;
  gsize length;

  if (!peek (reader, '"'))
    {
      fail (reader, error, AF_CODEC_ERROR_TYPE, "%s needs a JSON string", af_type_to_tag (type));
      return NULL;
    }
  if (!read_string_span (reader, &text, &length, error))
    return NULL;
  value = af_value_build_text (reader->arena, type, text, length);
  if (!check_scalar (reader, type, af_value_get_string (value), error))
    return NULL;
  return g_steal_pointer (&value);
}

static AfValue *
read_bool_value (Reader  *reader,
                 AfType   type,
                 GError **error)
{
  if (read_literal (reader, "true"))
    return af_value_build_bool (reader->arena, type, TRUE);
  if (type == AF_TYPE_BOOL && read_literal (reader, "false"))
    return af_value_build_bool (reader->arena, type, FALSE);

  fail (reader, error, AF_CODEC_ERROR_TYPE, "%s needs %s", af_type_to_tag (type),
        type == AF_TYPE_BOOL ? "true or false" : "true");
  return NULL;
}

/* Where @name goes among the members read so far of the map that starts at @base of
 * the stack: FALSE when it is there already. Members are kept sorted, and documents
 * this program wrote (and many others) list them sorted: one comparison with the last
 * member then places a name, instead of a binary search. */
static gboolean
members_find_for_insert (Reader     *reader,
                         guint       base,
                         const char *name,
                         guint      *out_index)
{
  const AfMember *members = reader->members;
  guint low = base, high = reader->n_members;

  if (low == high || af_name_compare (members[high - 1].name, name) < 0)
    {
      *out_index = high;
      return TRUE;
    }
  while (low < high)
    {
      guint mid = low + (high - low) / 2;
      int cmp = af_name_compare (members[mid].name, name);

      if (cmp == 0)
        return FALSE;
      if (cmp < 0)
        low = mid + 1;
      else
        high = mid;
    }
  *out_index = low;
  return TRUE;
}

/* Puts @member at @index of the stack (its top, unless the names came out of order).
 * Not a GArray: its append was a call and a copy through memcpy () per member, ~6 %
 * of the reader's instructions. */
static inline void
members_insert (Reader         *reader,
                guint           index,
                const AfMember *member)
{
  if (G_UNLIKELY (reader->n_members == reader->members_size))
    {
      reader->members_size *= 2;
      reader->members = g_renew (AfMember, reader->members, reader->members_size);
    }
  if (index < reader->n_members)
    memmove (&reader->members[index + 1], &reader->members[index],
             (reader->n_members - index) * sizeof (AfMember));
  reader->members[index] = *member;
  reader->n_members++;
}

/* Drops the members of a map that failed, from @base up. */
static void
members_pop (Reader *reader,
             guint   base)
{
  for (guint i = base; i < reader->n_members; i++)
    af_value_unref (reader->members[i].value);
  reader->n_members = base;
}

/* The map of the members from @base up, taken off the stack. */
static AfValue *
members_build (Reader *reader,
               guint   base)
{
  AfValue *map = af_value_build_map (reader->arena,
                                     &reader->members[base], reader->n_members - base);

  reader->n_members = base;
  return map;
}

/* The members of an M, or the attributes of an item: {"name": typed, ...}. */
static AfValue *
read_members (Reader  *reader,
              guint    depth,
              GError **error)
{
  guint base = reader->n_members;

  if (!expect (reader, '{', error))
    return NULL;
  if (peek (reader, '}'))
    {
      reader->p++;
      return members_build (reader, base);
    }

  do
    {
      const char *name = read_name (reader, error);
      AfMember member;
      guint index;

      if (name == NULL || !expect (reader, ':', error))
        goto failed;
      if (!members_find_for_insert (reader, base, name, &index))
        {
          fail (reader, error, AF_CODEC_ERROR_MALFORMED, "attribute '%s' appears twice", name);
          goto failed;
        }
      member.value = read_typed_value (reader, depth, error);
      if (member.value == NULL)
        {
          g_prefix_error (error, "attribute '%s': ", name);
          goto failed;
        }
      member.name = (char *) name;
      if (index != reader->n_members)
        reader->rewritten++;   /* out of order: the writer sorts them */
      members_insert (reader, index, &member);
    }
  while (peek (reader, ',') && reader->p++);

  if (expect (reader, '}', error))
    return members_build (reader, base);
failed:
  members_pop (reader, base);
  return NULL;
}

static AfValue *
read_list_element (Reader  *reader,
                   AfType   type,
                   guint    depth,
                   GError **error)
{
  if (type == AF_TYPE_L)
    return read_typed_value (reader, depth, error);
  return read_text_value (reader, type == AF_TYPE_SS ? AF_TYPE_S
                                  : type == AF_TYPE_NS ? AF_TYPE_N : AF_TYPE_B, error);
}

/* Drops the elements of a list that failed, from @base up. */
static void
elements_pop (Reader *reader,
              guint   base)
{
  for (guint i = base; i < reader->elements->len; i++)
    af_value_unref (g_ptr_array_index (reader->elements, i));
  g_ptr_array_set_size (reader->elements, base);
}

/* The list of the elements from @base up, taken off the stack. */
static AfValue *
elements_build (Reader *reader,
                AfType  type,
                guint   base)
{
  AfValue *list = af_value_build_list (reader->arena, type,
                                       (AfValue * const *) reader->elements->pdata + base,
                                       reader->elements->len - base);

  g_ptr_array_set_size (reader->elements, base);
  return list;
}

static AfValue *
read_list (Reader  *reader,
           AfType   type,
           guint    depth,
           GError **error)
{
  guint base = reader->elements->len;
  guint index = 0;

  if (!peek (reader, '['))
    {
      fail (reader, error, AF_CODEC_ERROR_TYPE, "%s needs a JSON array", af_type_to_tag (type));
      return NULL;
    }
  reader->p++;
  if (peek (reader, ']'))
    {
      reader->p++;
      return elements_build (reader, type, base);
    }

  do
    {
      AfValue *element = read_list_element (reader, type, depth, error);

      if (element == NULL)
        {
          g_prefix_error (error, "[%u]: ", index);
          goto failed;
        }
      g_ptr_array_add (reader->elements, element);
      index++;
    }
  while (peek (reader, ',') && reader->p++);

  if (expect (reader, ']', error))
    return elements_build (reader, type, base);
failed:
  elements_pop (reader, base);
  return NULL;
}

static AfValue *
read_payload (Reader  *reader,
              AfType   type,
              guint    depth,
              GError **error)
{
  switch (type)
    {
    case AF_TYPE_S: case AF_TYPE_N: case AF_TYPE_B:
      return read_text_value (reader, type, error);
    case AF_TYPE_BOOL: case AF_TYPE_NULL:
      return read_bool_value (reader, type, error);
    case AF_TYPE_M:
      if (!peek (reader, '{'))
        {
          fail (reader, error, AF_CODEC_ERROR_TYPE, "M needs a JSON object");
          return NULL;
        }
      return read_members (reader, depth, error);
    default:
      return read_list (reader, type, depth, error);
    }
}

/* One {"TAG": payload}. @depth is the nesting level of this value (1 for an
 * item's own attributes); containers deeper than AF_VALUE_MAX_DEPTH are refused
 * before they are read, so hostile input cannot exhaust the stack. */
/* Notes where @value stands, from @start to here, when nothing read since @start
 * differs from what the writer would write (@rewritten unchanged). */
static void
keep_span (Reader        *reader,
           AfValue       *value,
           const char    *start,
           guint          rewritten)
{
  if (reader->arena != NULL && reader->rewritten == rewritten)
    af_value_set_span (value, start, reader->p - start);
}

static AfValue *
read_typed_value (Reader  *reader,
                  guint    depth,
                  GError **error)
{
  g_autoptr(AfValue) value = NULL;
  const char *start;
  guint rewritten;
  AfType type;

  if (!peek (reader, '{'))
    {
      fail (reader, error, AF_CODEC_ERROR_TYPE, "expected a typed value such as {\"S\": …}");
      return NULL;
    }
  start = reader->p++;
  rewritten = reader->rewritten;
  if (!read_short_tag (reader, &type)
      && (!read_tag (reader, &type, error) || !expect (reader, ':', error)))
    return NULL;
  if ((type == AF_TYPE_M || type == AF_TYPE_L) && depth >= AF_VALUE_MAX_DEPTH)
    {
      fail (reader, error, AF_CODEC_ERROR_DEPTH, "nested deeper than %d levels", AF_VALUE_MAX_DEPTH);
      return NULL;
    }

  value = read_payload (reader, type, depth + 1, error);
  if (value == NULL)
    return NULL;
  if (!peek (reader, '}'))
    {
      fail (reader, error, AF_CODEC_ERROR_MALFORMED, "a typed value has exactly one type tag");
      return NULL;
    }
  reader->p++;
  keep_span (reader, value, start, rewritten);
  return g_steal_pointer (&value);
}

static gboolean
expect_end (Reader  *reader,
            GError **error)
{
  skip_space (reader);
  if (reader->p != reader->end)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "trailing data after the document");
  return TRUE;
}

AfValue *
af_codec_parse_value (const char *json,
                      gssize      length,
                      GError    **error)
{
  g_auto(Reader) reader = { 0 };
  g_autoptr(AfValue) value = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  reader_init (&reader, json, length);
  value = read_typed_value (&reader, 1, error);
  if (value == NULL || !expect_end (&reader, error))
    return NULL;
  return g_steal_pointer (&value);
}

static AfValue *
read_item (Reader  *reader,
           GError **error)
{
  const char *start;
  guint rewritten;
  AfValue *item;

  if (!peek (reader, '{'))
    {
      fail (reader, error, AF_CODEC_ERROR_MALFORMED, "an item must be a JSON object");
      return NULL;
    }
  start = reader->p;
  rewritten = reader->rewritten;
  item = read_members (reader, 1, error);
  if (item != NULL)
    keep_span (reader, item, start, rewritten);
  return item;
}

AfValue *
af_codec_parse_item (const char *json,
                     gssize      length,
                     GError    **error)
{
  g_auto(Reader) reader = { 0 };
  g_autoptr(AfValue) item = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  reader_init (&reader, json, length);
  item = read_item (&reader, error);
  if (item == NULL || !expect_end (&reader, error))
    return NULL;
  return g_steal_pointer (&item);
}

/* Skips any JSON value (for envelope members we do not use), with the same depth
 * limit as typed values. */
static gboolean
skip_value (Reader  *reader,
            guint    depth,
            GError **error)
{
  char open;

  skip_space (reader);
  if (reader->p >= reader->end)
    return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "unexpected end of document");

  open = *reader->p;
  if (open == '"')
    {
      g_autofree char *ignored = read_string (reader, error);
      return ignored != NULL;
    }
  if (open != '{' && open != '[')
    {
      const char *begin = reader->p;

      while (reader->p < reader->end && strchr ("+-.0123456789eEtruefalsn", *reader->p) != NULL)
        reader->p++;
      if (reader->p == begin)
        return fail (reader, error, AF_CODEC_ERROR_MALFORMED, "unexpected character");
      return TRUE;
    }

  if (depth >= AF_VALUE_MAX_DEPTH * 2)
    return fail (reader, error, AF_CODEC_ERROR_DEPTH, "document nested too deeply");
  reader->p++;
  if (peek (reader, open == '{' ? '}' : ']'))
    {
      reader->p++;
      return TRUE;
    }
  do
    {
      if (open == '{')
        {
          g_autofree char *name = read_string (reader, error);
          if (name == NULL || !expect (reader, ':', error))
            return FALSE;
        }
      if (!skip_value (reader, depth + 1, error))
        return FALSE;
    }
  while (peek (reader, ',') && reader->p++);
  return expect (reader, open == '{' ? '}' : ']', error);
}

/* ---- A page, item by item ---------------------------------------------------------- */

/* Where a stream stands in {"Items": [...], ...}. */
typedef enum
{
  STREAM_START,        /* nothing read yet */
  STREAM_FIRST_ITEM,   /* after "Items": [ with an item ahead */
  STREAM_NEXT_ITEM,    /* after an item: ',' or ']' ahead */
  STREAM_AFTER_MEMBER, /* after a member of the envelope: ',' or '}' ahead */
  STREAM_DONE,         /* the whole document was read and checked */
  STREAM_FAILED,
} StreamState;

struct _AfCodecPageStream
{
  Reader       reader;
  StreamState  state;
  guint        index;       /* of the next item */
  gboolean     seen_items;
  AfValue     *last_key;    /* (owned) (nullable) */
};

AfCodecPageStream *
af_codec_page_stream_new (const char *json,
                          gsize       length)
{
  AfCodecPageStream *self = g_new0 (AfCodecPageStream, 1);

  g_return_val_if_fail (json != NULL, NULL);

  reader_init (&self->reader, json, length);
  return self;
}

void
af_codec_page_stream_free (AfCodecPageStream *self)
{
  if (self == NULL)
    return;
  reader_clear (&self->reader);
  g_clear_pointer (&self->last_key, af_value_unref);
  g_free (self);
}

/* A member of the envelope other than the items. */
static gboolean
read_envelope_member (AfCodecPageStream  *self,
                      const char         *name,
                      GError            **error)
{
  Reader *reader = &self->reader;

  if (strcmp (name, "Items") == 0)
    {
      self->seen_items = TRUE;
      if (!expect (reader, '[', error))
        return FALSE;
      if (peek (reader, ']'))
        reader->p++;
      else
        self->state = STREAM_FIRST_ITEM;
      return TRUE;
    }
  if (strcmp (name, "LastEvaluatedKey") == 0)
    {
      AfArena *arena = g_steal_pointer (&reader->arena);

      /* An ordinary value: the caller may keep it after the arena's reset. */
      g_clear_pointer (&self->last_key, af_value_unref);
      self->last_key = read_item (reader, error);
      reader->arena = arena;
      if (self->last_key == NULL)
        g_prefix_error (error, "LastEvaluatedKey: ");
      return self->last_key != NULL;
    }
  return skip_value (reader, 1, error);
}

/* Reads the envelope's members up to the items' array or to the end of the document. */
static gboolean
read_envelope (AfCodecPageStream  *self,
               GError            **error)
{
  Reader *reader = &self->reader;

  while (self->state == STREAM_START || self->state == STREAM_AFTER_MEMBER)
    {
      g_autofree char *name = NULL;

      if (self->state == STREAM_START)
        {
          if (!peek (reader, '{'))
            return fail (reader, error, AF_CODEC_ERROR_MALFORMED,
                         "expected a JSON object with \"Items\"");
          reader->p++;
          self->state = STREAM_AFTER_MEMBER;
          if (peek (reader, '}'))
            break;
        }
      else if (peek (reader, ','))
        reader->p++;
      else
        break;

      name = read_string (reader, error);
      if (name == NULL || !expect (reader, ':', error)
          || !read_envelope_member (self, name, error))
        return FALSE;
    }
  if (self->state != STREAM_AFTER_MEMBER)
    return TRUE;

  if (!expect (reader, '}', error) || !expect_end (reader, error))
    return FALSE;
  if (!self->seen_items)
    {
      g_set_error_literal (error, AF_CODEC_ERROR, AF_CODEC_ERROR_MALFORMED,
                           "the document has no \"Items\" array");
      return FALSE;
    }
  self->state = STREAM_DONE;
  return TRUE;
}

/* After an item: the next one, or the end of the array and what follows it. */
static gboolean
step_after_item (AfCodecPageStream  *self,
                 GError            **error)
{
  Reader *reader = &self->reader;

  if (peek (reader, ','))
    {
      reader->p++;
      self->state = STREAM_FIRST_ITEM;
      return TRUE;
    }
  if (!expect (reader, ']', error))
    return FALSE;
  self->state = STREAM_AFTER_MEMBER;
  return read_envelope (self, error);
}

AfValue *
af_codec_page_stream_next (AfCodecPageStream  *self,
                           GError            **error)
{
  AfValue *item;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->state == STREAM_NEXT_ITEM && !step_after_item (self, error))
    goto failed;
  if (self->state == STREAM_START && !read_envelope (self, error))
    goto failed;
  if (self->state != STREAM_FIRST_ITEM)
    return NULL;   /* done, or failed before */

  item = read_item (&self->reader, error);
  if (item == NULL)
    {
      g_prefix_error (error, "item %u: ", self->index);
      goto failed;
    }
  self->index++;
  self->state = STREAM_NEXT_ITEM;
  return item;

failed:
  self->state = STREAM_FAILED;
  return NULL;
}

void
af_codec_page_stream_set_arena (AfCodecPageStream *self,
                                AfArena           *arena)
{
  g_return_if_fail (self != NULL);
  self->reader.arena = arena;
}

gboolean
af_codec_page_stream_is_done (AfCodecPageStream *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->state == STREAM_DONE;
}

AfValue *
af_codec_page_stream_steal_last_key (AfCodecPageStream *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_steal_pointer (&self->last_key);
}

GPtrArray *
af_codec_parse_items_page (const char *json,
                           gssize      length,
                           AfValue   **out_last_key,
                           GError    **error)
{
  g_autoptr(AfCodecPageStream) stream = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  GError *local_error = NULL;
  AfValue *item;

  g_return_val_if_fail (json != NULL, NULL);

  stream = af_codec_page_stream_new (json, length < 0 ? strlen (json) : (gsize) length);
  while ((item = af_codec_page_stream_next (stream, &local_error)) != NULL)
    g_ptr_array_add (items, item);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (out_last_key != NULL)
    *out_last_key = af_codec_page_stream_steal_last_key (stream);
  return g_steal_pointer (&items);
}

/* ---- One item of a response -------------------------------------------------------- */

gboolean
af_codec_parse_member_item (const char  *json,
                            gsize        length,
                            const char  *member,
                            AfValue    **out_item,
                            GError     **error)
{
  g_auto(Reader) reader = { 0 };
  g_autoptr(AfValue) item = NULL;

  g_return_val_if_fail (json != NULL && member != NULL && out_item != NULL, FALSE);

  *out_item = NULL;
  reader_init (&reader, json, length);
  if (!expect (&reader, '{', error))
    return FALSE;
  if (!peek (&reader, '}'))
    do
      {
        g_autofree char *name = read_string (&reader, error);

        if (name == NULL || !expect (&reader, ':', error))
          return FALSE;
        if (strcmp (name, member) != 0)
          {
            if (!skip_value (&reader, 1, error))
              return FALSE;
            continue;
          }
        g_clear_pointer (&item, af_value_unref);
        item = read_item (&reader, error);
        if (item == NULL)
          {
            g_prefix_error (error, "%s: ", member);
            return FALSE;
          }
      }
    while (peek (&reader, ',') && reader.p++);
  if (!expect (&reader, '}', error) || !expect_end (&reader, error))
    return FALSE;
  *out_item = g_steal_pointer (&item);
  return TRUE;
}
