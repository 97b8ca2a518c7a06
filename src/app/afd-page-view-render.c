/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-page-view"

#include "config.h"

#include <math.h>

#include "afd-page-view-private.h"

/* ---- rendering requests ---- */

typedef struct
{
  AfdPageView  *view;         /* (owned) */
  guint         index;
  GCancellable *cancellable;  /* (owned) */
  double        scale;
} RenderRequest;

static void
render_request_free (RenderRequest *request)
{
  g_clear_object (&request->view);
  g_clear_object (&request->cancellable);
  g_free (request);
}

static void
on_render_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RenderRequest *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  AfdPageSlot *slot;

  texture = afd_page_renderer_render_finish (AFD_PAGE_RENDERER (source), result, &error);
  /* Cancelled: the page left the view, or the document changed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      source != (GObject *) request->view->renderer || request->index >= request->view->pages->len)
    {
      render_request_free (request);
      return;
    }
  slot = &g_array_index (request->view->pages, AfdPageSlot, request->index);
  if (slot->pending == request->cancellable)
    g_clear_object (&slot->pending);
  if (texture != NULL)
    {
      g_set_object (&slot->texture, texture);
      slot->texture_scale = request->scale;
      gtk_widget_queue_draw (GTK_WIDGET (request->view));
    }
  else
    g_warning ("Page %u: %s", request->index + 1, error->message);
  render_request_free (request);
}

static void
request_render (AfdPageView       *self,
                guint              index,
                double             scale,
                AfdRenderPriority  priority)
{
  AfdPageSlot *slot = &g_array_index (self->pages, AfdPageSlot, index);
  RenderRequest *request;

  if (slot->texture != NULL && slot->texture_scale == scale)
    return;
  if (slot->pending != NULL && slot->pending_scale == scale)
    return;
  if (slot->pending != NULL)
    g_cancellable_cancel (slot->pending);
  g_set_object (&slot->pending, NULL);
  slot->pending = g_cancellable_new ();
  slot->pending_scale = scale;

  request = g_new0 (RenderRequest, 1);
  request->view = g_object_ref (self);
  request->index = index;
  request->cancellable = g_object_ref (slot->pending);
  request->scale = scale;
  afd_page_renderer_render_async (self->renderer, (int) index, scale, priority,
                                  slot->pending, on_render_done, request);
}

void
afd_page_view_forget_page (AfdPageSlot *slot,
             gboolean     drop_texture)
{
  if (slot->pending != NULL)
    g_cancellable_cancel (slot->pending);
  g_clear_object (&slot->pending);
  if (drop_texture)
    g_clear_object (&slot->texture);
}

static void
visible_range (AfdPageView *self,
               int         *out_first,
               int         *out_last)
{
  double view_h = gtk_widget_get_height (GTK_WIDGET (self));

  *out_first = -1;
  *out_last = -2;
  for (guint i = 0; i < self->pages->len; i++)
    {
      double x, y, w, h;

      afd_page_view_page_geometry (self, i, &x, &y, &w, &h);
      if (y + h < 0 || y > view_h)
        continue;
      if (*out_first < 0)
        *out_first = (int) i;
      *out_last = (int) i;
    }
}

gboolean
afd_page_view_update_renders (gpointer user_data)
{
  AfdPageView *self = user_data;
  double scale = self->zoom * gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int first, last;

  self->update_source = 0;
  if (self->renderer == NULL)
    return G_SOURCE_REMOVE;

  visible_range (self, &first, &last);
  for (int i = 0; i < (int) self->pages->len; i++)
    {
      if (i >= first && i <= last)
        request_render (self, (guint) i, scale, AFD_RENDER_PRIORITY_VISIBLE);
      else if (i == first - 1 || i == last + 1)
        request_render (self, (guint) i, scale, AFD_RENDER_PRIORITY_NEIGHBOUR);
      else
        /* Far pages give their memory back; near ones keep a texture to show while
         * the sharper one renders. */
        afd_page_view_forget_page (&g_array_index (self->pages, AfdPageSlot, i), i < first - 2 || i > last + 2);
    }
  afd_page_view_update_current_page (self);
  return G_SOURCE_REMOVE;
}

void
afd_page_view_schedule_update (AfdPageView *self)
{
  /* The idle holds the view: an update asked for while it is being disposed (its
   * document reset) runs on a live, empty view, never on a freed one. */
  if (self->update_source == 0)
    self->update_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, afd_page_view_update_renders,
                                           g_object_ref (self), g_object_unref);
}

