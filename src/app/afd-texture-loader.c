/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-texture-loader"

#include "config.h"

#include <glib/gi18n.h>
#include <poppler.h>
#include <string.h>

#include "af-file-check.h"
#include "af-objects.h"
#include "afd-texture-loader.h"

/* 100 megapixels: far above any scan or photo we expect, far below what would
 * exhaust memory when decoded to RGBA. */
#define MAX_PIXELS (G_GINT64_CONSTANT (100) * 1000 * 1000)

G_DEFINE_QUARK (afd-texture-loader-error-quark, afd_texture_loader_error)

/* poppler is not safe to use from several threads at once. */
static GMutex poppler_lock;

typedef struct
{
  char *path;
  int   max_size;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_free (load->path);
  g_free (load);
}

static gboolean
bytes_are_pdf (GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  return length >= 5 && memcmp (data, "%PDF-", 5) == 0;
}

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

static GdkTexture *
render_page (PopplerPage *page,
             int          max_size)
{
  double width, height, scale;
  cairo_surface_t *surface;
  cairo_t *cr;
  GdkTexture *texture;

  poppler_page_get_size (page, &width, &height);
  scale = max_size / MAX (MAX (width, height), 1.0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (width * scale),
                                        (int) (height * scale));
  cr = cairo_create (surface);
  /* Paper is white; a PDF page does not paint its own background. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);

  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);
  return texture;
}

static GdkTexture *
load_pdf (GBytes  *bytes,
          int      max_size,
          GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&poppler_lock);
  PopplerDocument *document;
  PopplerPage *page;
  GdkTexture *texture = NULL;

  /* poppler-glib 22.x declares no autoptr cleanups, hence the explicit unrefs. */
  document = poppler_document_new_from_bytes (bytes, NULL, error);
  if (document == NULL)
    return NULL;
  /* A damaged document may open with no pages at all. */
  page = poppler_document_get_n_pages (document) > 0 ? poppler_document_get_page (document, 0)
                                                     : NULL;
  if (page != NULL)
    {
      texture = render_page (page, max_size);
      g_object_unref (page);
    }
  else
    g_set_error_literal (error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_BROKEN,
                         _("The document has no pages."));
  g_object_unref (document);
  return texture;
}

/* A PNG or JPEG cut short decodes without an error as part of a picture: refused here,
 * as the document viewer does (af_image_check_complete). */
static GdkTexture *
load_whole_image (GBytes  *bytes,
                  GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!af_image_check_complete (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                &local_error))
    {
      g_set_error_literal (error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_BROKEN,
                           local_error->message);
      return NULL;
    }
  return gdk_texture_new_from_bytes (bytes, error);
}

/* The first picture's size from its headers, before any decoder runs. */
static gboolean
image_size (GBytes *bytes,
            int    *out_width,
            int    *out_height)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GArray) sizes = af_image_read_sizes (data, length, NULL);
  const AfImageSize *first;

  if (sizes == NULL || sizes->len == 0)
    return FALSE;
  first = &g_array_index (sizes, AfImageSize, 0);
  *out_width = first->width;
  *out_height = first->height;
  return TRUE;
}

static GdkTexture *
load_image (GBytes  *bytes,
            GError **error)
{
  int width = 0, height = 0;

  if (!image_size (bytes, &width, &height))
    {
      g_set_error_literal (error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_UNSUPPORTED,
                           _("This file is neither a PDF nor an image that can be shown."));
      return NULL;
    }
  if (width <= 0 || height <= 0 || (gint64) width * height > MAX_PIXELS)
    {
      g_set_error (error, AFD_TEXTURE_LOADER_ERROR, AFD_TEXTURE_LOADER_ERROR_TOO_LARGE,
                   _("The image is too large to show safely (%d × %d pixels)."), width, height);
      return NULL;
    }
  return load_whole_image (bytes, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture = NULL;
  /* Decrypted in memory when it is a cached object (af-objects.h). */
  g_autoptr(GBytes) bytes = af_objects_load_file (load->path, &error);

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  if (bytes_are_pdf (bytes))
    texture = load_pdf (bytes, load->max_size, &error);
  else
    texture = load_image (bytes, &error);

  if (texture != NULL)
    g_task_return_pointer (task, texture, g_object_unref);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
afd_texture_loader_load_async (const char          *path,
                               int                  max_size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *load;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, afd_texture_loader_load_async);
  g_task_set_return_on_cancel (task, TRUE);
  load = g_new0 (LoadData, 1);
  load->path = g_strdup (path);
  load->max_size = MAX (max_size, 64);
  g_task_set_task_data (task, load, load_data_free);
  g_task_run_in_thread (task, load_thread);
}

GdkTexture *
afd_texture_loader_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
