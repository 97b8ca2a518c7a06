/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-jpeg.h — libjpeg for the forensics: decoding to RGB (with a scan limit and
 * cancellation), encoding to memory, the quantisation tables and the quality they imply.
 *
 * Callers check the pixel limits (af-file-check.h) first; these functions still refuse
 * a picture larger than the limits, in case the header they were given lies.
 */
#pragma once

#include <gio/gio.h>

#include "af-image-buffer.h"

G_BEGIN_DECLS

/* A progressive JPEG may have many scans, each a full pass over the picture: more than
 * this is a decoding-time bomb, not a photograph (libjpeg's own writer uses ≤ 10). */
#define AF_JPEG_MAX_SCANS 100

/* Called with each decoded row (RGB, 3 × width bytes) in order. */
typedef void (*AfJpegRowFunc) (int           y,
                               const guint8 *row,
                               gpointer      user_data);

AfImageBuffer *af_jpeg_decode          (const guint8   *data,
                                        gsize           length,
                                        GCancellable   *cancellable,
                                        GError        **error);
/* Decodes row by row into @row_func, never holding the whole picture; the size is
 * returned in @out_width / @out_height (nullable). */
gboolean       af_jpeg_decode_rows     (const guint8   *data,
                                        gsize           length,
                                        GCancellable   *cancellable,
                                        AfJpegRowFunc   row_func,
                                        gpointer        user_data,
                                        int            *out_width,
                                        int            *out_height,
                                        GError        **error);

/* Baseline JPEG at @quality (1–100), 4:2:0 chroma as cjpeg does by default. */
GBytes        *af_jpeg_encode          (AfImageBuffer  *image,
                                        int             quality,
                                        GError        **error);

/* The first (luminance) and, when present, second (chrominance) quantisation tables in
 * natural order. Returns the number of tables read (0 when none or not a JPEG). */
guint          af_jpeg_read_tables     (const guint8   *data,
                                        gsize           length,
                                        guint16         luma[64],
                                        guint16         chroma[64]);
/* The IJG quality (1–100) whose scaled standard tables are nearest to these. @chroma
 * may be NULL. */
int            af_jpeg_estimate_quality (const guint16  luma[64],
                                         const guint16 *chroma);

/* The embedded ICC profile (APP2 ICC_PROFILE segments, reassembled by libjpeg), or
 * NULL when there is none or it is malformed. */
GBytes        *af_jpeg_read_icc_profile (const guint8  *data,
                                         gsize          length);

G_END_DECLS
