/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics-inspect.c — the whole inspection, its asynchronous form on a GTask
 * thread, and the asynchronous ELA at another quality.
 */
#define G_LOG_DOMAIN "af-forensics"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "af-file-check.h"
#include "af-forensics-private.h"
#include "af-thread-priority.h"

typedef struct
{
  AfForensicsProgressFunc  func;   /* (nullable) */
  gpointer                 data;
} Progress;

static void
report_progress (const Progress *progress,
                 double          fraction,
                 const char     *step)
{
  if (progress->func != NULL)
    progress->func (fraction, step, progress->data);
}

static char *
cache_key (const char *sha256,
           int         ela_quality)
{
  return g_strdup_printf ("report:%s/%d", sha256, ela_quality);
}

/* The thumbnail is optional evidence: one that cannot be decoded is noted in the log and
 * the check is skipped, the rest of the inspection goes on. */
static void
check_thumbnail (AfImageBuffer        *image,
                 AfImageMetadata      *metadata,
                 AfForensicsEvidence  *evidence)
{
  g_autoptr(GError) error = NULL;
  GBytes *thumbnail = af_image_metadata_get_thumbnail (metadata);

  if (thumbnail == NULL)
    return;
  if (af_forensics_compare_thumbnail (image, thumbnail, &evidence->thumbnail_similarity, &error))
    evidence->has_thumbnail_check = TRUE;
  else
    g_debug ("thumbnail not compared: %s", error->message);
}

static int
choose_ela_quality (int requested,
                    int jpeg_quality)
{
  if (requested > 0)
    return requested;
  return jpeg_quality > 0 ? jpeg_quality : AF_ELA_FALLBACK_QUALITY;
}

static gboolean
check_quality (int      ela_quality,
               GError **error)
{
  if (ela_quality >= 0 && ela_quality <= 100)
    return TRUE;
  g_set_error (error, AF_FORENSICS_ERROR, AF_FORENSICS_ERROR_INVALID,
               _("The ELA quality must be between 1 and 100, not %d"), ela_quality);
  return FALSE;
}

/* The analyses on decoded pixels, after the metadata. */
static AfForensicsReport *
analyse (GBytes          *bytes,
         AfImageBuffer   *image,
         AfImageMetadata *metadata,
         const char      *metadata_problem,
         int              ela_quality,
         const char      *sha256,
         GCancellable    *cancellable,
         const Progress  *progress,
         GError         **error)
{
  g_autoptr(AfImageBuffer) ela = NULL;
  g_autoptr(GPtrArray) clones = NULL;
  g_autoptr(GPtrArray) ela_regions = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  AfForensicsEvidence evidence = { metadata, metadata_problem, NULL, NULL, FALSE, 1.0 };
  int jpeg_quality = af_forensics_jpeg_quality (bytes);
  int quality = choose_ela_quality (ela_quality, jpeg_quality);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  report_progress (progress, 0.35, "ela");
  ela = af_forensics_ela (image, quality, cancellable, error);
  if (ela == NULL)
    return NULL;
  report_progress (progress, 0.5, "ela-regions");
  ela_regions = af_forensics_ela_regions (image, AF_ELA_REGION_QUALITY, cancellable, error);
  if (ela_regions == NULL)
    return NULL;
  report_progress (progress, 0.65, "clones");
  clones = af_forensics_find_clones (image, cancellable, error);
  if (clones == NULL)
    return NULL;
  report_progress (progress, 0.9, "thumbnail");
  check_thumbnail (image, metadata, &evidence);
  evidence.ela_regions = ela_regions;
  evidence.clones = clones;
  findings = af_forensics_build_findings (&evidence);
  return af_forensics_report_new (af_file_type_to_string (af_file_sniff (data, length)),
                                  af_image_buffer_get_width (image),
                                  af_image_buffer_get_height (image), sha256, jpeg_quality,
                                  metadata, quality, ela, findings);
}

static AfForensicsReport *
inspect (GBytes          *bytes,
         int              ela_quality,
         GCancellable    *cancellable,
         const Progress  *progress,
         GError         **error)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *key = cache_key (sha256, ela_quality);
  g_autoptr(AfImageBuffer) image = NULL;
  g_autoptr(AfImageMetadata) metadata = NULL;
  g_autoptr(GError) metadata_error = NULL;
  AfForensicsReport *report;

  if (!check_quality (ela_quality, error))
    return NULL;
  report = af_forensics_cache_lookup (key);
  if (report != NULL)
    return report;
  report_progress (progress, 0.0, "decode");
  image = af_forensics_decode (bytes, cancellable, error);
  if (image == NULL)
    return NULL;
  report_progress (progress, 0.3, "metadata");
  metadata = af_image_metadata_new_from_bytes (bytes, &metadata_error);
  /* Metadata exiv2 refuses (a hostile EXIF) is a finding; the pixels are still analysed. */
  if (metadata == NULL)
    metadata = af_image_metadata_new_empty ();
  report = analyse (bytes, image, metadata, metadata_error ? metadata_error->message : NULL,
                    ela_quality, sha256, cancellable, progress, error);
  if (report == NULL)
    return NULL;
  report_progress (progress, 1.0, "done");
  af_forensics_cache_insert (key, report);
  return report;
}

AfForensicsReport *
af_forensics_inspect (GBytes                  *bytes,
                      int                      ela_quality,
                      GCancellable            *cancellable,
                      AfForensicsProgressFunc  progress,
                      gpointer                 progress_data,
                      GError                 **error)
{
  Progress sink = { progress, progress_data };

  g_return_val_if_fail (bytes != NULL, NULL);
  return inspect (bytes, ela_quality, cancellable, &sink, error);
}

/* The asynchronous forms (the ELA alone uses the bytes and quality only): progress
 * crosses from the worker to the caller's context. */
typedef struct
{
  GBytes                  *bytes;            /* (owned) */
  int                      quality;
  AfForensicsProgressFunc  progress;         /* (nullable) */
  gpointer                 progress_data;
  GDestroyNotify           progress_destroy; /* (nullable) */
  GMainContext            *context;          /* (owned) the caller's */
} InspectData;

static void
inspect_data_free (InspectData *data)
{
  g_bytes_unref (data->bytes);
  if (data->progress_destroy != NULL)
    data->progress_destroy (data->progress_data);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct
{
  GTask      *task;   /* (owned) */
  double      fraction;
  const char *step;   /* static */
} ProgressEvent;

static void
progress_event_free (ProgressEvent *event)
{
  g_object_unref (event->task);
  g_free (event);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressEvent *event = user_data;
  InspectData *data = g_task_get_task_data (event->task);

  /* Nothing after the callback, nor once the caller has cancelled. */
  if (!g_task_get_completed (event->task)
      && !g_cancellable_is_cancelled (g_task_get_cancellable (event->task)))
    data->progress (event->fraction, event->step, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
post_progress (double      fraction,
               const char *step,
               gpointer    user_data)
{
  GTask *task = user_data;
  InspectData *data = g_task_get_task_data (task);
  ProgressEvent *event = g_new0 (ProgressEvent, 1);

  event->task = g_object_ref (task);
  event->fraction = fraction;
  event->step = step;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_progress, event,
                              (GDestroyNotify) progress_event_free);
}

static void
inspect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  InspectData *data = task_data;
  Progress sink = { data->progress != NULL ? post_progress : NULL, task };
  GError *error = NULL;
  AfForensicsReport *report = inspect (data->bytes, data->quality, cancellable, &sink, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

/* Runs @thread_func on a worker thread for @bytes at @quality, with @data (owned; the
 * caller has set its progress members) as the task data. */
static void
run_task (gpointer             source_tag,
          GBytes              *bytes,
          int                  quality,
          GCancellable        *cancellable,
          GTaskThreadFunc      thread_func,
          InspectData         *data,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, TRUE);
  data->bytes = g_bytes_ref (bytes);
  data->quality = quality;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, data, (GDestroyNotify) inspect_data_free);
  g_task_set_name (task, "af-forensics");
  /* An inspection (or an ELA) is seconds of CPU: it yields the cores to the window
   * (issue 13), which stays responsive while it runs. */
  af_thread_priority_run_task (task, thread_func);
}

void
af_forensics_inspect_async (GBytes                  *bytes,
                            int                      ela_quality,
                            GCancellable            *cancellable,
                            AfForensicsProgressFunc  progress,
                            gpointer                 progress_data,
                            GDestroyNotify           progress_destroy,
                            GAsyncReadyCallback      callback,
                            gpointer                 user_data)
{
  InspectData *data = g_new0 (InspectData, 1);

  g_return_if_fail (bytes != NULL);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  run_task (af_forensics_inspect_async, bytes, ela_quality, cancellable, inspect_thread, data,
            callback, user_data);
}

AfForensicsReport *
af_forensics_inspect_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_forensics_inspect_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static AfImageBuffer *
ela_for_bytes (GBytes        *bytes,
               int            quality,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *key = g_strdup_printf ("ela:%s/%d", sha256, quality);
  g_autoptr(AfImageBuffer) image = NULL;
  AfImageBuffer *ela = af_forensics_cache_lookup_ela (key);

  if (ela != NULL)
    return ela;
  image = af_forensics_decode (bytes, cancellable, error);
  if (image == NULL)
    return NULL;
  ela = af_forensics_ela (image, quality, cancellable, error);
  if (ela != NULL)
    af_forensics_cache_insert_ela (key, ela);
  return ela;
}

static void
ela_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  InspectData *data = task_data;
  GError *error = NULL;
  AfImageBuffer *ela = ela_for_bytes (data->bytes, data->quality, cancellable, &error);

  if (ela == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ela, (GDestroyNotify) af_image_buffer_unref);
}

void
af_forensics_ela_async (GBytes              *bytes,
                        int                  quality,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (bytes != NULL);
  run_task (af_forensics_ela_async, bytes, quality, cancellable, ela_thread,
            g_new0 (InspectData, 1), callback, user_data);
}

AfImageBuffer *
af_forensics_ela_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, af_forensics_ela_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
