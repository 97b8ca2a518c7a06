/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-texture-loader.h — the first page of a PDF, or an image, as a GdkTexture.
 *
 * Decoding runs on a worker thread; poppler is used by one thread at a time. Files are
 * judged by their bytes, not their names, and images too large to decode safely (a
 * decompression bomb) are refused before decoding.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AFD_TEXTURE_LOADER_ERROR (afd_texture_loader_error_quark ())
GQuark afd_texture_loader_error_quark (void);

typedef enum
{
  AFD_TEXTURE_LOADER_ERROR_UNSUPPORTED,  /* neither a PDF nor an image GTK can read */
  AFD_TEXTURE_LOADER_ERROR_TOO_LARGE,    /* more pixels than we agree to decode */
  AFD_TEXTURE_LOADER_ERROR_BROKEN,       /* the file is damaged */
} AfdTextureLoaderError;

/* @max_size: the longest side of a rendered PDF page, in pixels. */
void        afd_texture_loader_load_async  (const char           *path,
                                            int                   max_size,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GdkTexture *afd_texture_loader_load_finish (GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
