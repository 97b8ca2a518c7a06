/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics.h — inspecting a picture locally, on decoded pixels and file bytes:
 * metadata (gexiv2), JPEG quality from the quantisation tables (libjpeg), error level
 * analysis, copy-move (clone) detection, the EXIF thumbnail against the picture, and
 * the findings drawn from them (af-finding.h). No GTK: the app, the CLI and the tests
 * share it.
 *
 * Every function takes untrusted bytes: the picture is measured from its headers and
 * refused over the pixel limits of af-file-check.h before any decoder sees it, and a
 * file that is not a whole JPEG, PNG or TIFF fails with a message, never a crash.
 *
 * The synchronous functions block (decoding a 24-megapixel JPEG and its ELA take about a
 * second); call them from a worker thread, or use the _async forms, which run on a GTask
 * thread, stop early when @cancellable is cancelled (G_IO_ERROR_CANCELLED), and report
 * progress on the caller's thread-default main context.
 *
 * Cache: af_forensics_inspect() keeps its reports in memory, keyed by the SHA-256 of the
 * file's bytes and the ELA quality asked for (0 = "the estimated one"), so inspecting the
 * same bytes again (reopening an artwork, the submit dialog then the artwork page) returns
 * the same report at once. The cache holds the most recently used reports up to
 * AF_FORENSICS_CACHE_BYTES of ELA pixels (at least one report), for the life of the
 * process; nothing is written to disk (the pictures are the client's).
 */
#pragma once

#include <gio/gio.h>

#include "af-finding.h"
#include "af-forensics-report.h"
#include "af-image-buffer.h"
#include "af-image-metadata.h"

G_BEGIN_DECLS

#define AF_FORENSICS_ERROR (af_forensics_error_quark ())
GQuark af_forensics_error_quark (void);

typedef enum
{
  AF_FORENSICS_ERROR_NOT_AN_IMAGE,   /* not a JPEG, PNG or TIFF */
  AF_FORENSICS_ERROR_DECODE,         /* the decoder refused the data */
  AF_FORENSICS_ERROR_INVALID,        /* an argument out of range (ELA quality) */
} AfForensicsError;

/* The amplification the CLI's --ela and a new ELA overlay use: Forensically's default. */
#define AF_ELA_DEFAULT_GAIN 20.0
/* The ELA quality used when the picture is not a JPEG (nothing to estimate from). */
#define AF_ELA_FALLBACK_QUALITY 90
/* 512 MB of ELA pixels: two 24-megapixel pictures and then some. */
#define AF_FORENSICS_CACHE_BYTES (((gsize) 512) << 20)

/* Called with the fraction done (0–1) and a short untranslated step name ("decode",
 * "metadata", "ela", "clones", "thumbnail"). */
typedef void (*AfForensicsProgressFunc) (double      fraction,
                                         const char *step,
                                         gpointer    user_data);

typedef struct
{
  AfImageRect source;
  AfImageRect target;
  /* The share of the region's blocks that match their copy (0–1). */
  double      match;
} AfClonePair;

/* Decodes a JPEG (libjpeg), PNG or TIFF (gdk-pixbuf) into RGB, within the pixel limits
 * (af_image_check_limits with AF_IMAGE_MAX_PIXELS). */
AfImageBuffer     *af_forensics_decode        (GBytes                  *bytes,
                                               GCancellable            *cancellable,
                                               GError                 **error);

/* The JPEG quality (1–100, IJG scale) whose standard luminance table is nearest to the
 * file's own; -1 when @bytes is not a JPEG or has no quantisation table. */
int                af_forensics_jpeg_quality  (GBytes                  *bytes);

/* Error level analysis: @image re-compressed as a JPEG at @quality (1–100) and decoded,
 * the per-channel absolute difference with @image. */
AfImageBuffer     *af_forensics_ela           (AfImageBuffer           *image,
                                               int                      quality,
                                               GCancellable            *cancellable,
                                               GError                 **error);
/* The difference multiplied by @gain, clamped to 255: brighter = larger error. */
AfImageBuffer     *af_forensics_ela_render    (AfImageBuffer           *difference,
                                               double                   gain);

/* Copy-move detection: pairs of regions that are copies of each other (a pure
 * translation, surviving a JPEG re-save; flat areas are never matched). Returns a
 * GPtrArray of AfClonePair (g_free), largest first; NULL only on cancellation. */
GPtrArray         *af_forensics_find_clones   (AfImageBuffer           *image,
                                               GCancellable            *cancellable,
                                               GError                 **error);

/* How alike the EXIF thumbnail @thumbnail_bytes is to @image: 1 = same picture; below
 * AF_THUMBNAIL_MATCH_MIN means another picture. Fails when the thumbnail cannot be
 * decoded. */
#define AF_THUMBNAIL_MATCH_MIN 0.75
gboolean           af_forensics_compare_thumbnail (AfImageBuffer       *image,
                                                   GBytes              *thumbnail_bytes,
                                                   double              *out_similarity,
                                                   GError             **error);

/* Everything: decode, metadata, quality, ELA at @ela_quality (0 = the estimated JPEG
 * quality, else AF_ELA_FALLBACK_QUALITY), clones, thumbnail, findings. Cached (see
 * above). @progress may be NULL; it is called on the calling thread. */
AfForensicsReport *af_forensics_inspect       (GBytes                  *bytes,
                                               int                      ela_quality,
                                               GCancellable            *cancellable,
                                               AfForensicsProgressFunc  progress,
                                               gpointer                 progress_data,
                                               GError                 **error);

/* The same on a GTask worker thread. @progress (nullable) is called on the thread-default
 * main context of this call, never after @callback; @progress_destroy frees
 * @progress_data once the task is done. */
void               af_forensics_inspect_async (GBytes                  *bytes,
                                               int                      ela_quality,
                                               GCancellable            *cancellable,
                                               AfForensicsProgressFunc  progress,
                                               gpointer                 progress_data,
                                               GDestroyNotify           progress_destroy,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
AfForensicsReport *af_forensics_inspect_finish (GAsyncResult           *result,
                                                GError                **error);

/* Only the ELA at another quality (the view's quality control): decodes @bytes again
 * on a worker thread and returns the raw difference (cached like the reports). */
void               af_forensics_ela_async     (GBytes                  *bytes,
                                               int                      quality,
                                               GCancellable            *cancellable,
                                               GAsyncReadyCallback      callback,
                                               gpointer                 user_data);
AfImageBuffer     *af_forensics_ela_finish    (GAsyncResult            *result,
                                               GError                 **error);

/* Drops every cached report (tests; memory pressure). */
void               af_forensics_cache_clear   (void);

G_END_DECLS
