/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-mark-saver"

#include "config.h"

#include "af-store-async.h"
#include "afd-mark-saver.h"

struct _AfdMarkSaver
{
  GObject        parent_instance;

  AfStoreThread *thread;       /* (owned) */
  GCancellable  *cancellable;  /* (owned) drops the deliveries, never the writes */
  guint          pending;
};

/* One mark on its way: whom to tell, and about what. */
typedef struct
{
  AfdMarkSaver *saver;         /* (unowned) valid until its cancellable is cancelled */
  char         *request_id;
} Delivery;

enum
{
  SIGNAL_SAVED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AfdMarkSaver, afd_mark_saver, G_TYPE_OBJECT)

static void
delivery_free (Delivery *delivery)
{
  g_free (delivery->request_id);
  g_free (delivery);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Delivery, delivery_free)

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Delivery) delivery = user_data;
  g_autoptr(GError) error = NULL;
  gboolean saved = af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error);
  AfdMarkSaver *self;

  /* The saver went away (its cancellable is cancelled in dispose): the mark itself
   * was written all the same. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = delivery->saver;
  self->pending--;
  if (saved)
    g_signal_emit (self, signals[SIGNAL_SAVED], 0, delivery->request_id);
  else
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, delivery->request_id, error->message);
}

void
afd_mark_saver_save (AfdMarkSaver *self,
                     const char   *request_id,
                     const char   *kind,
                     const int    *region,
                     const char   *status,
                     const char   *comment)
{
  Delivery *delivery;

  g_return_if_fail (AFD_IS_MARK_SAVER (self));
  g_return_if_fail (request_id != NULL && kind != NULL && status != NULL);

  delivery = g_new0 (Delivery, 1);
  delivery->saver = self;
  delivery->request_id = g_strdup (request_id);
  self->pending++;
  af_store_thread_mark_finding_async (self->thread, request_id, kind, region, status, comment,
                                      self->cancellable, saved_cb, delivery);
}

guint
afd_mark_saver_get_pending (AfdMarkSaver *self)
{
  g_return_val_if_fail (AFD_IS_MARK_SAVER (self), 0);
  return self->pending;
}

AfdMarkSaver *
afd_mark_saver_new (AfStoreThread *thread)
{
  AfdMarkSaver *self;

  g_return_val_if_fail (AF_IS_STORE_THREAD (thread), NULL);
  self = g_object_new (AFD_TYPE_MARK_SAVER, NULL);
  self->thread = g_object_ref (thread);
  return self;
}

static void
afd_mark_saver_dispose (GObject *object)
{
  AfdMarkSaver *self = AFD_MARK_SAVER (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (afd_mark_saver_parent_class)->dispose (object);
}

static void
afd_mark_saver_finalize (GObject *object)
{
  AfdMarkSaver *self = AFD_MARK_SAVER (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->thread);
  G_OBJECT_CLASS (afd_mark_saver_parent_class)->finalize (object);
}

static void
afd_mark_saver_class_init (AfdMarkSaverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = afd_mark_saver_dispose;
  object_class->finalize = afd_mark_saver_finalize;

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING,
                                         G_TYPE_STRING);
}

static void
afd_mark_saver_init (AfdMarkSaver *self)
{
  self->cancellable = g_cancellable_new ();
}
