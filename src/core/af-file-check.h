/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-file-check.h — what a document's bytes are, and whether they are safe to decode.
 *
 * A file is judged by its bytes, never by its name or its declared format. Images are
 * measured from their headers (PNG IHDR, JPEG SOFn, every TIFF IFD) BEFORE any decoder
 * sees them, so that a small file claiming a huge canvas (a decompression bomb) is
 * refused with a clear message instead of exhausting memory. A PNG or JPEG whose data
 * stops before its end marker is refused too, rather than shown in part. The SHA-256 of
 * the bytes is compared with the item's `checksum`: a mismatch is an integrity failure.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AF_FILE_CHECK_ERROR (af_file_check_error_quark ())
GQuark af_file_check_error_quark (void);

typedef enum
{
  AF_FILE_CHECK_ERROR_UNKNOWN_TYPE,   /* not a PDF, JPEG, PNG or TIFF */
  AF_FILE_CHECK_ERROR_TRUNCATED,      /* the header ends before it says it does */
  AF_FILE_CHECK_ERROR_MALFORMED,      /* a header that makes no sense */
  AF_FILE_CHECK_ERROR_TOO_LARGE,      /* more pixels than we agree to decode */
  AF_FILE_CHECK_ERROR_CHECKSUM,       /* the bytes are not the ones the item names */
} AfFileCheckError;

typedef enum
{
  AF_FILE_TYPE_UNKNOWN,
  AF_FILE_TYPE_PDF,
  AF_FILE_TYPE_JPEG,
  AF_FILE_TYPE_PNG,
  AF_FILE_TYPE_TIFF,
} AfFileType;

/* 100 megapixels: a 600 dpi scan of a legal page is about 40. Decoding to RGBA takes
 * four bytes per pixel, so this bounds one page at 400 MB. */
#define AF_IMAGE_MAX_PIXELS G_GUINT64_CONSTANT (100000000)
/* Cairo and GdkTexture cannot hold a side longer than this. */
#define AF_IMAGE_MAX_SIDE 32767
/* A TIFF with more pages than this is not a scanned loan document. */
#define AF_TIFF_MAX_PAGES 1000

typedef struct
{
  guint32 width;
  guint32 height;
} AfImageSize;

AfFileType   af_file_sniff              (const guint8  *data,
                                         gsize          length);
/* "PDF", "JPEG", "PNG", "TIFF" — the spelling of the items' file_format. */
const char  *af_file_type_to_string     (AfFileType     type);

/* The size of every page of an image (one for PNG and JPEG, one per IFD for TIFF),
 * read from headers only. Returns a GArray of AfImageSize. */
GArray      *af_image_read_sizes        (const guint8  *data,
                                         gsize          length,
                                         GError       **error);

/* Reads the sizes and refuses any page over @max_pixels pixels or a side over
 * AF_IMAGE_MAX_SIDE, then an image that is not whole (af_image_check_complete).
 * @out_n_pages (nullable) receives the page count. */
gboolean     af_image_check_limits      (const guint8  *data,
                                         gsize          length,
                                         guint64        max_pixels,
                                         guint         *out_n_pages,
                                         GError       **error);

/* Refuses a PNG whose chunk chain does not reach IEND inside the file or whose chunk
 * has a wrong CRC, and a JPEG with no EOI after its scans: a decoder would show part of
 * the picture without saying so. Bytes after IEND or EOI are allowed. TIFF passes (its
 * strips are libtiff's to check). */
gboolean     af_image_check_complete    (const guint8  *data,
                                         gsize          length,
                                         GError       **error);

/* SHA-256 of @data against @expected (64 hex digits, any case). A NULL or empty
 * @expected cannot be checked and passes; a malformed one fails. */
gboolean     af_file_verify_checksum    (const guint8  *data,
                                         gsize          length,
                                         const char    *expected,
                                         GError       **error);

G_END_DECLS
