/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-renderer"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <poppler.h>

#include "af-file-check.h"
#include "af-objects.h"
#include "afd-page-renderer.h"
#include "afd-tiff-pages.h"

/* poppler works in points; the view works in CSS pixels at 96 dpi. */
#define POINTS_TO_UNITS (96.0 / 72.0)
/* One texture holds at most this many pixels (128 MB as BGRA); a page drawn larger
 * than that is drawn from a capped texture, slightly soft rather than exhausting
 * memory at extreme zoom. */
#define MAX_TEXTURE_PIXELS (32.0 * 1000 * 1000)
/* Jobs to open a document jump every queue. */
#define PRIORITY_OPEN (-1)

G_DEFINE_QUARK (afd-page-renderer-error-quark, afd_page_renderer_error)

typedef struct
{
  double width;
  double height;
} PageSize;

struct _AfdPageRenderer
{
  GObject          parent_instance;

  /* Written by the open job, read-only once open (the GTask completion orders it). */
  AfFileType       type;
  GArray          *sizes;        /* (owned) (element-type PageSize) */
  gboolean         open;

  /* Only touched on the render thread. */
  PopplerDocument *pdf;          /* (owned) (nullable) */
  GBytes          *bytes;        /* (owned) (nullable) the verified file */
  GPtrArray       *images;       /* (owned) (element-type GdkPixbuf) decoded pages, NULL slots */
  GPtrArray       *full_textures; /* (owned) (element-type GdkTexture) cache at full size */
};

G_DEFINE_FINAL_TYPE (AfdPageRenderer, afd_page_renderer, G_TYPE_OBJECT)

typedef enum
{
  JOB_OPEN,
  JOB_RENDER,
  JOB_TEXT,
} JobKind;

typedef struct
{
  JobKind   kind;
  int       priority;
  guint     serial;
  GTask    *task;        /* (owned) its source object is the renderer */
  int       page;
  double    scale;
  char     *path;        /* (owned) (nullable) JOB_OPEN */
  char     *checksum;    /* (owned) (nullable) JOB_OPEN */
  double    rect[4];     /* JOB_TEXT: left, top, right, bottom as page fractions */
  GArray   *hidden;      /* (owned) (nullable) JOB_TEXT: rectangles left out, the same way */
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_free (job->path);
  g_free (job->checksum);
  g_clear_pointer (&job->hidden, g_array_unref);
  g_free (job);
}

/* ---- the one render thread ---- */

static void run_job (gpointer data, gpointer user_data);

static int
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const Job *ja = a;
  const Job *jb = b;

  if (ja->priority != jb->priority)
    return ja->priority < jb->priority ? -1 : 1;
  return ja->serial < jb->serial ? -1 : (ja->serial > jb->serial ? 1 : 0);
}

static GThreadPool *
get_render_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      /* Exactly one thread: poppler is not safe to use from two at once, and the
       * queue's order is only meaningful when one worker takes from it. */
      GThreadPool *new_pool = g_thread_pool_new (run_job, NULL, 1, TRUE, NULL);

      g_thread_pool_set_sort_function (new_pool, compare_jobs, NULL);
      afd_tiff_pages_quiet ();
      g_once_init_leave (&pool, new_pool);
    }
  return pool;
}

static void
push_job (Job *job)
{
  static guint serial;

  job->serial = g_atomic_int_add (&serial, 1);
  g_thread_pool_push (get_render_pool (), job, NULL);
}

/* ---- textures ---- */

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  /* The texture takes the surface's pixels as they are, without a copy. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) stride * height,
                                      (GDestroyNotify) cairo_surface_destroy,
                                      cairo_surface_reference (surface));
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

static double
cap_scale (double width,
           double height,
           double scale)
{
  double pixels = width * height * scale * scale;

  if (pixels > MAX_TEXTURE_PIXELS)
    scale *= sqrt (MAX_TEXTURE_PIXELS / pixels);
  return scale;
}

static GdkTexture *
render_pdf_page (AfdPageRenderer *self,
                 int              index,
                 double           scale)
{
  PopplerPage *page = poppler_document_get_page (self->pdf, index);
  const PageSize *size = &g_array_index (self->sizes, PageSize, index);
  cairo_surface_t *surface;
  GdkTexture *texture;
  cairo_t *cr;

  scale = cap_scale (size->width, size->height, scale);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                        MAX (1, (int) ceil (size->width * scale)),
                                        MAX (1, (int) ceil (size->height * scale)));
  cr = cairo_create (surface);
  /* Paper is white; a PDF page does not paint its own background. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale * POINTS_TO_UNITS, scale * POINTS_TO_UNITS);
  if (page != NULL)
    poppler_page_render (page, cr);
  cairo_destroy (cr);
  g_clear_object (&page);

  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);
  return texture;
}

static GdkTexture *
render_image_page (AfdPageRenderer  *self,
                   int               index,
                   double            scale,
                   GError          **error)
{
  GdkPixbuf *pixbuf = g_ptr_array_index (self->images, index);
  g_autoptr(GdkPixbuf) scaled = NULL;
  int width, height;

  if (pixbuf == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      pixbuf = afd_tiff_pages_decode (self->bytes, index, &local_error);
      if (pixbuf == NULL)
        {
          g_set_error (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_NO_PAGE,
                       _("Page %d of this image cannot be shown: %s"), index + 1,
                       local_error->message);
          return NULL;
        }
      g_ptr_array_index (self->images, index) = pixbuf;
    }

  /* At 100 % and above the full image is drawn and scaled by the GPU; smaller views
   * and thumbnails get a downscaled copy so that they do not shimmer. */
  width = (int) ceil (gdk_pixbuf_get_width (pixbuf) * scale);
  height = (int) ceil (gdk_pixbuf_get_height (pixbuf) * scale);
  if (scale >= 0.75 || width < 1 || height < 1)
    {
      if (g_ptr_array_index (self->full_textures, index) == NULL)
        g_ptr_array_index (self->full_textures, index) = gdk_texture_new_for_pixbuf (pixbuf);
      return g_object_ref (g_ptr_array_index (self->full_textures, index));
    }
  scaled = gdk_pixbuf_scale_simple (pixbuf, width, height, GDK_INTERP_BILINEAR);
  return gdk_texture_new_for_pixbuf (scaled);
}

static void
run_render (Job *job)
{
  AfdPageRenderer *self = g_task_get_source_object (job->task);
  GError *error = NULL;
  GdkTexture *texture;

  if (self->pdf != NULL)
    texture = render_pdf_page (self, job->page, job->scale);
  else
    texture = render_image_page (self, job->page, job->scale, &error);

  if (texture == NULL)
    g_task_return_error (job->task, error);
  else
    g_task_return_pointer (job->task, texture, g_object_unref);
}

/* poppler's text "for an area" is a reading-order run from one corner of the area to
 * the other, which takes in whole lines above and beside it; keep only the characters
 * whose box has its centre inside the area, as a reviewer drawing a box expects. */
/* Does the character's box touch one of the hidden rectangles (in points)? */
static gboolean
is_hidden (const PopplerRectangle *box,
           GArray                 *hidden)
{
  for (guint i = 0; hidden != NULL && i + 3 < hidden->len; i += 4)
    {
      const double *r = &g_array_index (hidden, double, i);

      if (box->x2 >= r[0] && box->x1 <= r[2] && box->y2 >= r[1] && box->y1 <= r[3])
        return TRUE;
    }
  return FALSE;
}

static char *
text_inside (PopplerPage      *page,
             PopplerRectangle *area,
             GArray           *hidden)
{
  g_autofree char *text = poppler_page_get_text_for_area (page, area);
  g_autofree PopplerRectangle *boxes = NULL;
  GString *inside = g_string_new (NULL);
  guint n_boxes = 0, i = 0;

  if (text == NULL || !poppler_page_get_text_layout_for_area (page, area, &boxes, &n_boxes))
    return g_string_free (inside, FALSE);
  for (const char *p = text; *p != '\0' && i < n_boxes; p = g_utf8_next_char (p), i++)
    {
      double cx = (boxes[i].x1 + boxes[i].x2) / 2, cy = (boxes[i].y1 + boxes[i].y2) / 2;
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        {
          if (inside->len > 0 && inside->str[inside->len - 1] != '\n')
            g_string_append_c (inside, '\n');
        }
      else if (cx >= area->x1 && cx <= area->x2 && cy >= area->y1 && cy <= area->y2 &&
               !is_hidden (&boxes[i], hidden))
        g_string_append_unichar (inside, c);
    }
  return g_strchomp (g_string_free (inside, FALSE));
}

static void
run_text (Job *job)
{
  AfdPageRenderer *self = g_task_get_source_object (job->task);
  PopplerPage *page = poppler_document_get_page (self->pdf, job->page);
  PopplerRectangle area;
  double width = 0, height = 0;
  char *text;

  if (page == NULL)
    {
      g_task_return_new_error (job->task, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_NO_PAGE,
                               _("Page %d cannot be read"), job->page + 1);
      return;
    }
  /* In points, with the origin at the top-left, as poppler's text functions take it. */
  poppler_page_get_size (page, &width, &height);
  area.x1 = job->rect[0] * width;
  area.y1 = job->rect[1] * height;
  area.x2 = job->rect[2] * width;
  area.y2 = job->rect[3] * height;
  /* The hidden rectangles in points too. */
  for (guint i = 0; job->hidden != NULL && i < job->hidden->len; i++)
    g_array_index (job->hidden, double, i) *= i % 2 == 0 ? width : height;
  text = text_inside (page, &area, job->hidden);
  g_object_unref (page);
  g_task_return_pointer (job->task, text, g_free);
}

/* ---- opening ---- */

static void
add_size (AfdPageRenderer *self,
          double           width,
          double           height)
{
  PageSize size = { width, height };

  g_array_append_val (self->sizes, size);
}

static gboolean
open_pdf (AfdPageRenderer  *self,
          GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  int n;

  self->pdf = poppler_document_new_from_bytes (self->bytes, NULL, &local_error);
  if (self->pdf == NULL)
    {
      g_set_error (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_BROKEN,
                   _("This PDF is damaged or incomplete and cannot be shown (%s)"),
                   local_error->message);
      return FALSE;
    }
  n = poppler_document_get_n_pages (self->pdf);
  if (n < 1)
    {
      g_set_error_literal (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_BROKEN,
                           _("This PDF has no pages"));
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      /* poppler-glib 22 has no autoptr for its types. */
      PopplerPage *page = poppler_document_get_page (self->pdf, i);
      double width = 612, height = 792;

      if (page != NULL)
        poppler_page_get_size (page, &width, &height);
      g_clear_object (&page);
      add_size (self, width * POINTS_TO_UNITS, height * POINTS_TO_UNITS);
    }
  return TRUE;
}

/* The decoder's own reading of the size, whatever the headers said to the file check:
 * a size of 0×0 tells the loader to stop before it allocates the picture. */
static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  gboolean *too_large = user_data;

  if (width > AF_IMAGE_MAX_SIDE || height > AF_IMAGE_MAX_SIDE ||
      (guint64) width * (guint64) height > AF_IMAGE_MAX_PIXELS)
    {
      *too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static GdkPixbuf *
decode_image (GBytes  *bytes,
              GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean too_large = FALSE;
  gboolean ok;

  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &too_large);
  ok = gdk_pixbuf_loader_write_bytes (loader, bytes, &local_error);
  /* close must always run, even after a failed write, or the loader complains. */
  ok = gdk_pixbuf_loader_close (loader, ok ? &local_error : NULL) && ok;
  if (too_large)
    {
      g_set_error_literal (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_BROKEN,
                           _("This image is larger than its header says and too large to show"));
      return NULL;
    }
  if (!ok)
    {
      g_set_error (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_BROKEN,
                   _("This image is damaged or incomplete and cannot be shown (%s)"),
                   local_error != NULL ? local_error->message : _("unknown error"));
      return NULL;
    }
  return g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
}

static gboolean
open_image (AfdPageRenderer  *self,
            GError          **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (self->bytes, &length);
  g_autoptr(GArray) sizes = NULL;
  GdkPixbuf *first;

  /* Measured from the headers before any decoder runs: a bomb never reaches one. */
  if (!af_image_check_limits (data, length, AF_IMAGE_MAX_PIXELS, NULL, error))
    return FALSE;
  sizes = af_image_read_sizes (data, length, error);
  if (self->type == AF_FILE_TYPE_TIFF && afd_tiff_pages_available ())
    first = afd_tiff_pages_decode (self->bytes, 0, error);
  else
    first = decode_image (self->bytes, error);
  if (first == NULL)
    return FALSE;

  for (guint i = 0; i < sizes->len; i++)
    {
      const AfImageSize *size = &g_array_index (sizes, AfImageSize, i);

      g_ptr_array_add (self->images, i == 0 ? first : NULL);
      g_ptr_array_add (self->full_textures, NULL);
      add_size (self, size->width, size->height);
    }
  return TRUE;
}

static gboolean
read_and_verify (AfdPageRenderer  *self,
                 const Job        *job,
                 GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const guint8 *data;

  /* In memory (decrypted when it is a cached object), so that a file changed on disk
   * later cannot change what was verified. */
  self->bytes = af_objects_load_file (job->path, &local_error);
  if (self->bytes == NULL)
    {
      g_set_error (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_UNREADABLE,
                   _("The document’s file cannot be read (%s)"), local_error->message);
      return FALSE;
    }
  data = g_bytes_get_data (self->bytes, &length);
  if (!af_file_verify_checksum (data, length, job->checksum, error))
    return FALSE;

  self->type = af_file_sniff (data, length);
  if (self->type == AF_FILE_TYPE_UNKNOWN)
    {
      g_set_error_literal (error, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_UNSUPPORTED,
                           _("This file is not a PDF, JPEG, PNG or TIFF document"));
      return FALSE;
    }
  return TRUE;
}

static void
run_open (Job *job)
{
  AfdPageRenderer *self = g_task_get_source_object (job->task);
  GError *error = NULL;
  gboolean ok;

  ok = read_and_verify (self, job, &error);
  if (ok && self->type == AF_FILE_TYPE_PDF)
    ok = open_pdf (self, &error);
  else if (ok)
    ok = open_image (self, &error);

  if (!ok)
    {
      g_array_set_size (self->sizes, 0);
      g_task_return_error (job->task, error);
      return;
    }
  self->open = TRUE;
  g_task_return_boolean (job->task, TRUE);
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  /* A page scrolled out of view before its turn came is not rendered at all. */
  if (!g_task_return_error_if_cancelled (job->task))
    {
      if (job->kind == JOB_OPEN)
        run_open (job);
      else if (job->kind == JOB_TEXT)
        run_text (job);
      else
        run_render (job);
    }
  job_free (job);
}

/* ---- the object ---- */

static void
afd_page_renderer_finalize (GObject *object)
{
  AfdPageRenderer *self = AFD_PAGE_RENDERER (object);

  /* No job can be running: each holds a reference through its task. */
  g_clear_object (&self->pdf);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->full_textures, g_ptr_array_unref);
  g_clear_pointer (&self->sizes, g_array_unref);

  G_OBJECT_CLASS (afd_page_renderer_parent_class)->finalize (object);
}

static void
afd_page_renderer_class_init (AfdPageRendererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = afd_page_renderer_finalize;
}

static void
clear_object_slot (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
afd_page_renderer_init (AfdPageRenderer *self)
{
  self->sizes = g_array_new (FALSE, FALSE, sizeof (PageSize));
  self->images = g_ptr_array_new_with_free_func (clear_object_slot);
  self->full_textures = g_ptr_array_new_with_free_func (clear_object_slot);
}

AfdPageRenderer *
afd_page_renderer_new (void)
{
  return g_object_new (AFD_TYPE_PAGE_RENDERER, NULL);
}

void
afd_page_renderer_open_async (AfdPageRenderer     *self,
                              const char          *path,
                              const char          *checksum,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  Job *job;

  g_return_if_fail (AFD_IS_PAGE_RENDERER (self));
  g_return_if_fail (path != NULL);

  job = g_new0 (Job, 1);
  job->kind = JOB_OPEN;
  job->priority = PRIORITY_OPEN;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, afd_page_renderer_open_async);
  job->path = g_strdup (path);
  job->checksum = g_strdup (checksum);
  push_job (job);
}

gboolean
afd_page_renderer_open_finish (AfdPageRenderer  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
afd_page_renderer_is_open (AfdPageRenderer *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_RENDERER (self), FALSE);
  return self->open;
}

const char *
afd_page_renderer_get_file_type (AfdPageRenderer *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_RENDERER (self), NULL);
  return self->open ? af_file_type_to_string (self->type) : NULL;
}

int
afd_page_renderer_get_n_pages (AfdPageRenderer *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_RENDERER (self), 0);
  return self->open ? (int) self->sizes->len : 0;
}

void
afd_page_renderer_get_page_size (AfdPageRenderer *self,
                                 int              page,
                                 double          *out_width,
                                 double          *out_height)
{
  const PageSize *size;

  g_return_if_fail (AFD_IS_PAGE_RENDERER (self));

  if (!self->open || page < 0 || page >= (int) self->sizes->len)
    {
      *out_width = *out_height = 0;
      return;
    }
  size = &g_array_index (self->sizes, PageSize, page);
  *out_width = size->width;
  *out_height = size->height;
}

gboolean
afd_page_renderer_has_text (AfdPageRenderer *self)
{
  g_return_val_if_fail (AFD_IS_PAGE_RENDERER (self), FALSE);
  return self->open && self->type == AF_FILE_TYPE_PDF;
}

void
afd_page_renderer_get_text_async (AfdPageRenderer     *self,
                                  int                  page,
                                  double               left,
                                  double               top,
                                  double               right,
                                  double               bottom,
                                  GArray              *hidden,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (AFD_IS_PAGE_RENDERER (self));
  g_return_if_fail (hidden == NULL || g_array_get_element_size (hidden) == sizeof (double));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, afd_page_renderer_get_text_async);
  if (!afd_page_renderer_has_text (self) || page < 0 || page >= (int) self->sizes->len)
    {
      g_task_return_new_error (task, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_NO_PAGE,
                               _("This page is a picture: it has no text to copy"));
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = JOB_TEXT;
  job->priority = AFD_RENDER_PRIORITY_VISIBLE;
  job->task = g_steal_pointer (&task);
  job->page = page;
  job->rect[0] = MIN (left, right);
  job->rect[1] = MIN (top, bottom);
  job->rect[2] = MAX (left, right);
  job->rect[3] = MAX (top, bottom);
  /* A copy: the render thread scales it to points. */
  if (hidden != NULL && hidden->len > 0)
    {
      job->hidden = g_array_sized_new (FALSE, FALSE, sizeof (double), hidden->len);
      g_array_append_vals (job->hidden, hidden->data, hidden->len);
    }
  push_job (job);
}

char *
afd_page_renderer_get_text_finish (AfdPageRenderer  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

double
afd_page_renderer_effective_scale (AfdPageRenderer *self,
                                   int              page,
                                   double           scale)
{
  double width, height;

  afd_page_renderer_get_page_size (self, page, &width, &height);
  return self->type == AF_FILE_TYPE_PDF ? cap_scale (width, height, scale) : scale;
}

void
afd_page_renderer_render_async (AfdPageRenderer     *self,
                                int                  page,
                                double               scale,
                                AfdRenderPriority    priority,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (AFD_IS_PAGE_RENDERER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, afd_page_renderer_render_async);
  if (!self->open || page < 0 || page >= (int) self->sizes->len || !(scale > 0))
    {
      g_task_return_new_error (task, AFD_PAGE_RENDERER_ERROR, AFD_PAGE_RENDERER_ERROR_NOT_OPEN,
                               "No page %d to render", page + 1);
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = JOB_RENDER;
  job->priority = priority;
  job->task = g_steal_pointer (&task);
  job->page = page;
  job->scale = scale;
  push_job (job);
}

GdkTexture *
afd_page_renderer_render_finish (AfdPageRenderer  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
