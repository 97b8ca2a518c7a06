/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-ela-overlay.h — an error level analysis made visible: the raw difference
 * (af_forensics_ela) amplified by a gain and cut into tiles, on a worker thread
 * (a 24-megapixel pass is too long for the main loop).
 */
#pragma once

#include <gio/gio.h>

#include "af-image-buffer.h"
#include "afd-image-tiles.h"

G_BEGIN_DECLS

void           afd_ela_overlay_render_async  (AfImageBuffer        *difference,
                                              double                gain,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
AfdImageTiles *afd_ela_overlay_render_finish (GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
