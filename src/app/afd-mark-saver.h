/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-mark-saver.h — saves the appraiser's marks on findings (af_store_mark_finding)
 * off the main thread, one at a time and in order.
 *
 * As the cloud jobs do (afd-cloud.h), the worker opens its own AfStore on the
 * workspace's file: the window's store stays the main thread's, and SQLite in WAL mode
 * lets both read and write. Each mark is one edit and one outbox entry, in one
 * transaction, like the appraisal note.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AFD_TYPE_MARK_SAVER (afd_mark_saver_get_type ())
G_DECLARE_FINAL_TYPE (AfdMarkSaver, afd_mark_saver, AFD, MARK_SAVER, GObject)

AfdMarkSaver *afd_mark_saver_new     (const char   *db_path);

/* Queues one mark; ::saved (request_id) or ::failed (request_id, message) follows on
 * the main thread. @region: x, y, width, height, or NULL. */
void          afd_mark_saver_save    (AfdMarkSaver *self,
                                      const char   *identity,
                                      const char   *request_id,
                                      const char   *kind,
                                      const int    *region,
                                      const char   *status,
                                      const char   *comment);
/* Marks queued or being written. */
guint         afd_mark_saver_get_pending (AfdMarkSaver *self);

G_END_DECLS
