/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-tiff-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "af-file-check.h"
#include "afd-page-renderer.h"
#include "afd-tiff-pages.h"

#if HAVE_LIBTIFF
#include <tiffio.h>

/* libtiff reads through these callbacks from the bytes already verified, so the file
 * on disk is never opened a second time. */
typedef struct
{
  const guint8 *data;
  gsize         length;
  toff_t        position;
} MemoryFile;

static tmsize_t
memory_read (thandle_t handle, void *buffer, tmsize_t size)
{
  MemoryFile *file = handle;
  gsize available = file->position < file->length ? file->length - file->position : 0;
  gsize n = MIN ((gsize) size, available);

  memcpy (buffer, file->data + file->position, n);
  file->position += n;
  return (tmsize_t) n;
}

static tmsize_t
memory_write (thandle_t handle, void *buffer, tmsize_t size)
{
  return 0;
}

static toff_t
memory_seek (thandle_t handle, toff_t offset, int whence)
{
  MemoryFile *file = handle;

  if (whence == SEEK_CUR)
    offset += file->position;
  else if (whence == SEEK_END)
    offset += file->length;
  file->position = offset;
  return offset;
}

static int
memory_close (thandle_t handle)
{
  return 0;
}

static toff_t
memory_size (thandle_t handle)
{
  return ((MemoryFile *) handle)->length;
}

static int
memory_map (thandle_t handle, void **base, toff_t *size)
{
  return 0;
}

static void
memory_unmap (thandle_t handle, void *base, toff_t size)
{
}

static void
log_tiff_message (const char *module, const char *format, va_list args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_debug ("libtiff %s: %s", module != NULL ? module : "", message);
}

gboolean
afd_tiff_pages_available (void)
{
  return TRUE;
}

void
afd_tiff_pages_quiet (void)
{
  TIFFSetErrorHandler (log_tiff_message);
  TIFFSetWarningHandler (log_tiff_message);
}

static gboolean
set_broken (GError     **error,
            const char  *message)
{
  g_set_error_literal (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_BROKEN, message);
  return FALSE;
}

static GdkPixbuf *
read_directory (TIFF    *tiff,
                GError **error)
{
  guint32 width = 0, height = 0;
  guint32 *raster;
  g_autoptr(GBytes) bytes = NULL;

  if (!TIFFGetField (tiff, TIFFTAG_IMAGEWIDTH, &width) ||
      !TIFFGetField (tiff, TIFFTAG_IMAGELENGTH, &height) ||
      width == 0 || height == 0 || (guint64) width * height > AF_IMAGE_MAX_PIXELS)
    {
      set_broken (error, _("This TIFF page has no usable size"));
      return NULL;
    }
  raster = g_try_malloc ((gsize) width * height * 4);
  if (raster == NULL)
    {
      set_broken (error, _("Not enough memory to decode this TIFF page"));
      return NULL;
    }
  if (!TIFFReadRGBAImageOriented (tiff, width, height, raster, ORIENTATION_TOPLEFT, 1))
    {
      g_free (raster);
      set_broken (error, _("This TIFF is damaged or incomplete and cannot be shown"));
      return NULL;
    }
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < (gsize) width * height; i++)
    raster[i] = GUINT32_SWAP_LE_BE (raster[i]);
#endif
  /* Each pixel is 0xAABBGGRR, that is R, G, B, A in memory: what GdkPixbuf wants. The
   * pixbuf takes its own reference to the bytes. */
  bytes = g_bytes_new_take (raster, (gsize) width * height * 4);
  return gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, TRUE, 8, (int) width,
                                    (int) height, (int) width * 4);
}

GdkPixbuf *
afd_tiff_pages_decode (GBytes  *bytes,
                       int      page,
                       GError **error)
{
  MemoryFile file = { 0 };
  GdkPixbuf *pixbuf;
  TIFF *tiff;

  file.data = g_bytes_get_data (bytes, &file.length);
  tiff = TIFFClientOpen ("document", "rm", &file, memory_read, memory_write, memory_seek,
                         memory_close, memory_size, memory_map, memory_unmap);
  if (tiff == NULL)
    {
      set_broken (error, _("This TIFF is damaged or incomplete and cannot be shown"));
      return NULL;
    }
  if (page < 0 || !TIFFSetDirectory (tiff, (tdir_t) page))
    {
      TIFFClose (tiff);
      set_broken (error, _("This TIFF page is missing or damaged"));
      return NULL;
    }
  pixbuf = read_directory (tiff, error);
  TIFFClose (tiff);
  return pixbuf;
}

#else /* !HAVE_LIBTIFF */

gboolean
afd_tiff_pages_available (void)
{
  return FALSE;
}

void
afd_tiff_pages_quiet (void)
{
}

GdkPixbuf *
afd_tiff_pages_decode (GBytes  *bytes,
                       int      page,
                       GError **error)
{
  g_set_error_literal (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_NO_PAGE,
                       _("only the first page of a TIFF can be shown in this build"));
  return NULL;
}

#endif
