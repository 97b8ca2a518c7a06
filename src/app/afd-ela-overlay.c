/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-ela-overlay"

#include "config.h"

#include "af-forensics.h"
#include "afd-ela-overlay.h"

typedef struct
{
  AfImageBuffer *difference;  /* (owned) */
  double         gain;
} RenderData;

static void
render_data_free (gpointer data)
{
  RenderData *render = data;

  af_image_buffer_unref (render->difference);
  g_free (render);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderData *render = task_data;
  g_autoptr(AfImageBuffer) amplified = af_forensics_ela_render (render->difference, render->gain);
  g_autoptr(GBytes) bytes = af_image_buffer_get_bytes (amplified);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  pixbuf = gdk_pixbuf_new_from_bytes (bytes, GDK_COLORSPACE_RGB, FALSE, 8,
                                      af_image_buffer_get_width (amplified),
                                      af_image_buffer_get_height (amplified),
                                      (int) af_image_buffer_get_stride (amplified));
  g_task_return_pointer (task, afd_image_tiles_new_for_pixbuf (pixbuf), g_object_unref);
}

void
afd_ela_overlay_render_async (AfImageBuffer       *difference,
                              double               gain,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  RenderData *render = g_new0 (RenderData, 1);

  g_return_if_fail (difference != NULL);

  render->difference = af_image_buffer_ref (difference);
  render->gain = gain;
  g_task_set_source_tag (task, afd_ela_overlay_render_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, render, render_data_free);
  g_task_run_in_thread (task, render_thread);
}

AfdImageTiles *
afd_ela_overlay_render_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == afd_ela_overlay_render_async,
                        NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
