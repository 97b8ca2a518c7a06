/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-page-renderer.h — a document's pages as GdkTextures, rendered off the main thread.
 *
 * Every renderer in the process shares ONE render thread, whose queue is ordered by
 * priority (the visible page, then its neighbours, then thumbnails) and then by age.
 * poppler is therefore only ever used from that one thread. Opening is a job too: the
 * file is read, its SHA-256 checked against the item's checksum, its type judged from
 * its bytes, and an image measured from its header before anything decodes it.
 *
 * Page sizes are in "units": CSS pixels at 96 dpi for a PDF page, pixels for an image.
 * A render at @scale gives a texture of about size × scale device pixels.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_PAGE_RENDERER_ERROR (afd_page_renderer_error_quark ())
GQuark afd_page_renderer_error_quark (void);

typedef enum
{
  AFD_PAGE_RENDERER_ERROR_UNREADABLE,   /* the file cannot be read at all */
  AFD_PAGE_RENDERER_ERROR_UNSUPPORTED,  /* not a PDF, JPEG, PNG or TIFF */
  AFD_PAGE_RENDERER_ERROR_BROKEN,       /* a damaged or truncated document */
  AFD_PAGE_RENDERER_ERROR_NO_PAGE,      /* a page this renderer cannot produce */
  AFD_PAGE_RENDERER_ERROR_NOT_OPEN,
} AfdPageRendererError;

typedef enum
{
  AFD_RENDER_PRIORITY_VISIBLE,
  AFD_RENDER_PRIORITY_NEIGHBOUR,
  AFD_RENDER_PRIORITY_THUMBNAIL,
} AfdRenderPriority;

#define AFD_TYPE_PAGE_RENDERER (afd_page_renderer_get_type ())
G_DECLARE_FINAL_TYPE (AfdPageRenderer, afd_page_renderer, AFD, PAGE_RENDERER, GObject)

AfdPageRenderer *afd_page_renderer_new            (void);

/* @checksum: the item's SHA-256 (hex), or NULL when there is none to check against.
 * Errors are AF_FILE_CHECK_ERROR (checksum, pixel limit, bad image header) or
 * AFD_PAGE_RENDERER_ERROR, each with a message fit to show the reviewer. */
void             afd_page_renderer_open_async     (AfdPageRenderer      *self,
                                                   const char           *path,
                                                   const char           *checksum,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         afd_page_renderer_open_finish    (AfdPageRenderer      *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

gboolean         afd_page_renderer_is_open        (AfdPageRenderer      *self);
/* "PDF", "JPEG", "PNG" or "TIFF" once open. */
const char      *afd_page_renderer_get_file_type  (AfdPageRenderer      *self);
int              afd_page_renderer_get_n_pages    (AfdPageRenderer      *self);
/* @page is 0-based. */
void             afd_page_renderer_get_page_size  (AfdPageRenderer      *self,
                                                   int                   page,
                                                   double               *out_width,
                                                   double               *out_height);

void             afd_page_renderer_render_async   (AfdPageRenderer      *self,
                                                   int                   page,
                                                   double                scale,
                                                   AfdRenderPriority     priority,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GdkTexture      *afd_page_renderer_render_finish  (AfdPageRenderer      *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* The text of a PDF page inside a rectangle given in fractions of the page (top-left
 * origin, as the bboxes are), read on the render thread. An image has no text layer:
 * AFD_PAGE_RENDERER_ERROR_NO_PAGE. Returns a string, "" when nothing is there.
 * @hidden: (nullable) rectangles (left, top, right, bottom fractions, 4 doubles each)
 * whose characters are left out — a character touching one is never returned, so
 * that personal data covered on the page cannot be copied from under its block. */
void             afd_page_renderer_get_text_async  (AfdPageRenderer     *self,
                                                    int                  page,
                                                    double               left,
                                                    double               top,
                                                    double               right,
                                                    double               bottom,
                                                    GArray              *hidden,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char            *afd_page_renderer_get_text_finish (AfdPageRenderer     *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* PDF pages have a text layer; scanned images do not. */
gboolean         afd_page_renderer_has_text       (AfdPageRenderer      *self);

/* The scale the texture of a render at @scale really has (large pages are capped). */
double           afd_page_renderer_effective_scale (AfdPageRenderer     *self,
                                                    int                  page,
                                                    double               scale);

G_END_DECLS
