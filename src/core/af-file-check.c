/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-file-check"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "af-file-check.h"

G_DEFINE_QUARK (af-file-check-error-quark, af_file_check_error)

/* A PDF may carry a little junk before its header; readers accept it in the first KiB. */
#define PDF_HEADER_WINDOW 1024

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* The PNG specification caps a chunk's length at 2^31 - 1: anything above is not a PNG. */
#define PNG_MAX_CHUNK_LENGTH 0x7fffffffu
/* A chunk's length, type and CRC around its data. */
#define PNG_CHUNK_OVERHEAD 12

AfFileType
af_file_sniff (const guint8 *data,
               gsize         length)
{
  if (data == NULL)
    return AF_FILE_TYPE_UNKNOWN;
  if (length >= 8 && memcmp (data, png_signature, 8) == 0)
    return AF_FILE_TYPE_PNG;
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return AF_FILE_TYPE_JPEG;
  if (length >= 4 && ((memcmp (data, "II*\0", 4) == 0) || memcmp (data, "MM\0*", 4) == 0))
    return AF_FILE_TYPE_TIFF;
  for (gsize i = 0; i + 5 <= MIN (length, PDF_HEADER_WINDOW); i++)
    if (memcmp (data + i, "%PDF-", 5) == 0)
      return AF_FILE_TYPE_PDF;
  return AF_FILE_TYPE_UNKNOWN;
}

const char *
af_file_type_to_string (AfFileType type)
{
  switch (type)
    {
    case AF_FILE_TYPE_PDF:
      return "PDF";
    case AF_FILE_TYPE_JPEG:
      return "JPEG";
    case AF_FILE_TYPE_PNG:
      return "PNG";
    case AF_FILE_TYPE_TIFF:
      return "TIFF";
    case AF_FILE_TYPE_UNKNOWN:
    default:
      return "unknown";
    }
}

static guint32
read_be16 (const guint8 *p)
{
  return ((guint32) p[0] << 8) | p[1];
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
set_truncated (const char  *current_type,
               GError     **error)
{
  g_set_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TRUNCATED,
               _("The %s file is truncated: it ends before its own header does"), current_type);
  return FALSE;
}

static gboolean
set_malformed (const char  *current_type,
               GError     **error,
               const char  *what)
{
  g_set_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_MALFORMED,
               _("The %s file is damaged: %s"), current_type, what);
  return FALSE;
}

static gboolean
add_size (const char  *type,
          GArray      *sizes,
          guint32      width,
          guint32      height,
          GError     **error)
{
  AfImageSize size = { width, height };

  if (width == 0 || height == 0)
    return set_malformed (type, error, _("it declares an empty picture"));
  g_array_append_val (sizes, size);
  return TRUE;
}

/* ---- PNG: the IHDR chunk must come first ---- */

static gboolean
read_png (const guint8  *data,
          gsize          length,
          GArray        *sizes,
          GError       **error)
{
  if (length < 24)
    return set_truncated ("PNG", error);
  if (memcmp (data + 12, "IHDR", 4) != 0)
    return set_malformed ("PNG", error, _("the PNG header chunk is missing"));
  return add_size ("PNG", sizes, read_be32 (data + 16), read_be32 (data + 20), error);
}

/* ---- JPEG: walk the marker segments up to the first frame header (SOFn) ---- */

static gboolean
is_sof_marker (guint8 marker)
{
  /* C4 (DHT), C8 (reserved) and CC (DAC) share the range but are not frames. */
  return marker >= 0xc0 && marker <= 0xcf &&
         marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

static gboolean
is_standalone_marker (guint8 marker)
{
  return marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

static gboolean
read_jpeg (const guint8  *data,
           gsize          length,
           GArray        *sizes,
           GError       **error)
{
  gsize pos = 2;

  while (pos < length)
    {
      guint8 marker;
      guint32 segment;

      if (data[pos] != 0xff)
        return set_malformed ("JPEG", error, _("a JPEG marker is missing"));
      while (pos < length && data[pos] == 0xff)
        pos++;   /* fill bytes */
      if (pos >= length)
        break;
      marker = data[pos++];
      if (is_standalone_marker (marker))
        continue;
      if (marker == 0xd9 || marker == 0xda)
        return set_malformed ("JPEG", error, _("the JPEG has no frame header"));
      if (pos + 2 > length)
        break;
      segment = read_be16 (data + pos);
      if (segment < 2)
        return set_malformed ("JPEG", error, _("a JPEG segment has an impossible length"));
      if (is_sof_marker (marker))
        {
          if (pos + 7 > length)
            break;
          return add_size ("JPEG", sizes, read_be16 (data + pos + 5), read_be16 (data + pos + 3), error);
        }
      pos += segment;
    }
  return set_truncated ("JPEG", error);
}

/* ---- TIFF: every IFD in the chain is a page ---- */

typedef struct
{
  const guint8 *data;
  gsize         length;
  gboolean      big_endian;
} TiffReader;

static gboolean
tiff_read16 (const TiffReader *r,
             guint64           offset,
             guint32          *out)
{
  const guint8 *p;

  /* Checked before the pointer is formed: further than one past the data is undefined. */
  if (offset + 2 > r->length)
    return FALSE;
  p = r->data + offset;
  *out = r->big_endian ? read_be16 (p) : ((guint32) p[1] << 8 | p[0]);
  return TRUE;
}

static gboolean
tiff_read32 (const TiffReader *r,
             guint64           offset,
             guint32          *out)
{
  const guint8 *p;

  /* Checked before the pointer is formed: further than one past the data is undefined. */
  if (offset + 4 > r->length)
    return FALSE;
  p = r->data + offset;
  *out = r->big_endian ? read_be32 (p)
                       : ((guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0]);
  return TRUE;
}

/* One directory entry's value, when it is a SHORT or a LONG held in the entry. */
static gboolean
tiff_entry_value (const TiffReader *r,
                  guint64           entry,
                  guint32          *out)
{
  guint32 type;

  if (!tiff_read16 (r, entry + 2, &type))
    return FALSE;
  if (type == 3)
    return tiff_read16 (r, entry + 8, out);
  if (type == 4)
    return tiff_read32 (r, entry + 8, out);
  return FALSE;
}

static gboolean
read_tiff_ifd (const TiffReader  *r,
               guint32            ifd,
               GArray            *sizes,
               guint32           *out_next,
               GError           **error)
{
  guint32 count, width = 0, height = 0;
  guint64 end;

  if (!tiff_read16 (r, ifd, &count))
    return set_truncated ("TIFF", error);
  end = (guint64) ifd + 2 + (guint64) count * 12;
  if (!tiff_read32 (r, end, out_next))
    return set_truncated ("TIFF", error);

  for (guint32 i = 0, previous = 0, tag = 0; i < count; i++, previous = tag)
    {
      guint64 entry = (guint64) ifd + 2 + (guint64) i * 12;

      if (!tiff_read16 (r, entry, &tag))
        return set_truncated ("TIFF", error);
      /* The format wants tags in ascending order. libtiff keeps the first of two equal
       * tags where a plain loop keeps the last: a 16×16 after a 23000×23000 passed
       * here and was decoded as the latter. Any other order is read differently by
       * different readers, so it is refused too. */
      if (i > 0 && tag <= previous)
        return set_malformed ("TIFF", error, _("the TIFF repeats a tag or lists them out of order"));
      if (tag == 256 && !tiff_entry_value (r, entry, &width))
        return set_malformed ("TIFF", error, _("the TIFF image width is unreadable"));
      if (tag == 257 && !tiff_entry_value (r, entry, &height))
        return set_malformed ("TIFF", error, _("the TIFF image height is unreadable"));
    }
  return add_size ("TIFF", sizes, width, height, error);
}

static gboolean
read_tiff (const guint8  *data,
           gsize          length,
           GArray        *sizes,
           GError       **error)
{
  TiffReader r = { data, length, data[0] == 'M' };
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint32 ifd;

  if (!tiff_read32 (&r, 4, &ifd))
    return set_truncated ("TIFF", error);
  if (ifd == 0)
    return set_malformed ("TIFF", error, _("the TIFF has no pages"));

  while (ifd != 0)
    {
      /* A chain that loops back, or that goes on for ever, is an attack on the
       * reader, not a document. */
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (ifd)) ||
          g_hash_table_size (seen) >= AF_TIFF_MAX_PAGES)
        return set_malformed ("TIFF", error, _("the TIFF page chain never ends"));
      g_hash_table_add (seen, GUINT_TO_POINTER (ifd));
      if (!read_tiff_ifd (&r, ifd, sizes, &ifd, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- Whole files: headers can be intact while the data after them is cut ---- */

static gboolean
set_incomplete (const char  *type,
                GError     **error,
                gint         code,
                const char  *what)
{
  g_set_error (error, AF_FILE_CHECK_ERROR, code,
               _("This %s is damaged or incomplete and cannot be shown (%s)"), type, what);
  return FALSE;
}

static gboolean
set_cut (const char  *type,
         GError     **error)
{
  return set_incomplete (type, error, AF_FILE_CHECK_ERROR_TRUNCATED,
                         _("its image data stops before its end"));
}

/* CRC-32 as PNG (and zlib) compute it. The core does not link zlib, and the table is a
 * few lines; next to the SHA-256 every file already gets, it costs little. */
static guint32
png_crc (const guint8 *data,
         gsize         length)
{
  static guint32 table[256];
  static gsize table_ready = 0;
  guint32 crc = 0xffffffff;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320 ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }
  for (gsize i = 0; i < length; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffff;
}

/* Walks the chunk chain from the signature to IEND. gdk-pixbuf's PNG loader shows the
 * rows it got from a file that stops early without a word, so a PNG whose chain does not
 * reach IEND inside the file is refused here. Bytes after IEND are never decoded and
 * are let through, as every decoder does. Every length is checked against what is left
 * before it is used, so a hostile length can neither overflow nor read past the end. */
static gboolean
check_png_chunks (const guint8  *data,
                  gsize          length,
                  GError       **error)
{
  gsize pos = sizeof png_signature;
  gboolean has_data = FALSE;

  while (length - pos >= PNG_CHUNK_OVERHEAD)
    {
      guint32 size = read_be32 (data + pos);
      const guint8 *type = data + pos + 4;

      if (size > PNG_MAX_CHUNK_LENGTH)
        return set_incomplete ("PNG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("a chunk claims an impossible length"));
      if (size > length - pos - PNG_CHUNK_OVERHEAD)
        return set_cut ("PNG", error);
      /* The CRC covers the type and the data. */
      if (png_crc (type, (gsize) size + 4) != read_be32 (type + 4 + size))
        return set_incomplete ("PNG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("a chunk’s checksum does not match its data"));
      if (memcmp (type, "IDAT", 4) == 0)
        has_data = TRUE;
      else if (memcmp (type, "IEND", 4) == 0 && !has_data)
        return set_incomplete ("PNG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("it holds no image data"));
      else if (memcmp (type, "IEND", 4) == 0)
        return TRUE;
      pos += PNG_CHUNK_OVERHEAD + (gsize) size;
    }
  return set_cut ("PNG", error);
}

static gboolean
is_rst_marker (guint8 marker)
{
  return marker >= 0xd0 && marker <= 0xd7;
}

/* The offset of the marker that ends the entropy-coded data starting at @pos, or
 * @length if the file ends first. Inside a scan a 0xFF is followed by 0x00 (a stuffed
 * byte) or by RSTn; any other byte after it starts a marker. */
static gsize
skip_jpeg_scan (const guint8 *data,
                gsize         length,
                gsize         pos)
{
  while (pos < length)
    {
      const guint8 *ff = memchr (data + pos, 0xff, length - pos);

      if (ff == NULL || (gsize) (ff - data) + 1 >= length)
        return length;
      pos = ff - data;
      if (ff[1] != 0x00 && !is_rst_marker (ff[1]))
        return pos;
      pos += 2;
    }
  return length;
}

/* Walks the segments by their lengths and the scans' data up to EOI (FF D9).
 *
 * How lenient to be: the decoder stops at EOI, so bytes after it are never shown and
 * cannot make the picture partial or wrong. Phones and cameras put real data there (a
 * second image or depth map after the MPF APP2, vendor trailers), and some tools pad
 * with zeros; refusing those would refuse genuine scans for nothing. What must not pass
 * is a scan cut before its EOI, which gdk-pixbuf's JPEG loader (Debian 12) shows in part
 * without an error, as its PNG loader does. So an EOI is required AFTER a scan (SOS), and
 * anything may follow it. It is found by walking the segments, not by searching for
 * FF D9 anywhere: the EXIF thumbnail in APP1 ends with an EOI of its own, which would
 * pass a main image cut in half. Inside a scan FF D9 cannot occur by chance (0xFF is
 * always stuffed), so the one found is the real end of the image. A new SOI before it
 * means the image was cut and another one begins. */
static gboolean
check_jpeg_segments (const guint8  *data,
                     gsize          length,
                     GError       **error)
{
  gsize pos = 2;
  gboolean scanned = FALSE;

  while (pos < length)
    {
      guint8 marker;
      guint32 segment;

      if (data[pos] != 0xff)
        return set_incomplete ("JPEG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("a JPEG marker is missing"));
      while (pos < length && data[pos] == 0xff)
        pos++;   /* fill bytes */
      if (pos >= length)
        break;
      marker = data[pos++];
      if (marker == 0xd9 && !scanned)
        return set_incomplete ("JPEG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("it holds no image data"));
      if (marker == 0xd9)
        return TRUE;   /* whatever follows is not decoded */
      if (marker == 0xd8)
        return set_cut ("JPEG", error);   /* another image begins before this one ended */
      if (is_standalone_marker (marker))
        continue;
      if (length - pos < 2)
        break;
      segment = read_be16 (data + pos);
      if (segment < 2)
        return set_incomplete ("JPEG", error, AF_FILE_CHECK_ERROR_MALFORMED,
                               _("a JPEG segment has an impossible length"));
      if (segment > length - pos)
        break;
      pos += segment;
      if (marker == 0xda)
        {
          scanned = TRUE;
          pos = skip_jpeg_scan (data, length, pos);
        }
    }
  return set_cut ("JPEG", error);
}

gboolean
af_image_check_complete (const guint8  *data,
                         gsize          length,
                         GError       **error)
{
  switch (af_file_sniff (data, length))
    {
    case AF_FILE_TYPE_PNG:
      return check_png_chunks (data, length, error);
    case AF_FILE_TYPE_JPEG:
      return check_jpeg_segments (data, length, error);
    case AF_FILE_TYPE_TIFF:
      /* Its strips are left to libtiff (afd-tiff-pages.c), which reports a cut. */
      return TRUE;
    case AF_FILE_TYPE_PDF:
    case AF_FILE_TYPE_UNKNOWN:
    default:
      g_set_error_literal (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_UNKNOWN_TYPE,
                           _("The file is not a JPEG, PNG or TIFF image"));
      return FALSE;
    }
}

GArray *
af_image_read_sizes (const guint8  *data,
                     gsize          length,
                     GError       **error)
{
  g_autoptr(GArray) sizes = g_array_new (FALSE, FALSE, sizeof (AfImageSize));
  gboolean ok;

  switch (af_file_sniff (data, length))
    {
    case AF_FILE_TYPE_PNG:
      ok = read_png (data, length, sizes, error);
      break;
    case AF_FILE_TYPE_JPEG:
      ok = read_jpeg (data, length, sizes, error);
      break;
    case AF_FILE_TYPE_TIFF:
      ok = read_tiff (data, length, sizes, error);
      break;
    case AF_FILE_TYPE_PDF:
    case AF_FILE_TYPE_UNKNOWN:
    default:
      g_set_error_literal (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_UNKNOWN_TYPE,
                           _("The file is not a JPEG, PNG or TIFF image"));
      ok = FALSE;
      break;
    }
  return ok ? g_steal_pointer (&sizes) : NULL;
}

gboolean
af_image_check_limits (const guint8  *data,
                       gsize          length,
                       guint64        max_pixels,
                       guint         *out_n_pages,
                       GError       **error)
{
  g_autoptr(GArray) sizes = af_image_read_sizes (data, length, error);

  if (sizes == NULL)
    return FALSE;

  for (guint i = 0; i < sizes->len; i++)
    {
      const AfImageSize *size = &g_array_index (sizes, AfImageSize, i);
      guint64 pixels = (guint64) size->width * size->height;

      if (pixels <= max_pixels && size->width <= AF_IMAGE_MAX_SIDE &&
          size->height <= AF_IMAGE_MAX_SIDE)
        continue;
      g_set_error (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_TOO_LARGE,
                   _("The image is too large to open safely: it claims %u × %u pixels "
                     "(the limit is %" G_GUINT64_FORMAT " megapixels, %u pixels a side)"),
                   size->width, size->height, max_pixels / 1000000, AF_IMAGE_MAX_SIDE);
      return FALSE;
    }
  /* After the sizes, so that a bomb is called a bomb whatever follows its header. */
  if (!af_image_check_complete (data, length, error))
    return FALSE;
  if (out_n_pages != NULL)
    *out_n_pages = sizes->len;
  return TRUE;
}

static gboolean
is_sha256_hex (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
af_file_verify_checksum (const guint8  *data,
                         gsize          length,
                         const char    *expected,
                         GError       **error)
{
  g_autofree char *actual = NULL;

  if (expected == NULL || expected[0] == '\0')
    return TRUE;
  if (g_str_has_prefix (expected, "sha256:"))
    expected += strlen ("sha256:");

  actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  if (is_sha256_hex (expected) && g_ascii_strcasecmp (actual, expected) == 0)
    return TRUE;

  g_set_error_literal (error, AF_FILE_CHECK_ERROR, AF_FILE_CHECK_ERROR_CHECKSUM,
                       _("Integrity check failed: this file is not the document the "
                         "record describes (its SHA-256 checksum does not match), so it "
                         "is not shown"));
  return FALSE;
}
