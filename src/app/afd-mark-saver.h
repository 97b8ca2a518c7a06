/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-mark-saver.h — saves the appraiser's marks on findings through the workspace's
 * store thread (af_store_thread_mark_finding_async), in order, and says when each is
 * written or failed.
 *
 * The store thread runs its jobs one at a time in the order queued and signs them with
 * its identity; each mark is one edit and one outbox entry, in one transaction, like
 * the appraisal note. No SQL runs on the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "af-store-thread.h"

G_BEGIN_DECLS

#define AFD_TYPE_MARK_SAVER (afd_mark_saver_get_type ())
G_DECLARE_FINAL_TYPE (AfdMarkSaver, afd_mark_saver, AFD, MARK_SAVER, GObject)

AfdMarkSaver *afd_mark_saver_new     (AfStoreThread *thread);

/* Queues one mark; ::saved (request_id) or ::failed (request_id, message) follows on
 * the main thread. @region: x, y, width, height, or NULL. */
void          afd_mark_saver_save    (AfdMarkSaver  *self,
                                      const char    *request_id,
                                      const char    *kind,
                                      const int     *region,
                                      const char    *status,
                                      const char    *comment);
/* Marks queued or being written. */
guint         afd_mark_saver_get_pending (AfdMarkSaver *self);

G_END_DECLS
