/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-retention.h — the cloud's retention honoured in the cache, and local traces erased.
 *
 * Documents and audits past their `ttl`, analyses past their `auto_delete_date`, leave
 * the cache with their cached object files, unless they still hold changes the cloud
 * has not got (an outbox entry or an open conflict): an edit is never lost to a clock.
 * Object files are content-addressed and may be shared by two items; a file goes only
 * when no remaining item names it.
 */
#pragma once

#include "af-store.h"

G_BEGIN_DECLS

/* @objects_dir: where AfPull keeps objects (NULL: its default). */
gboolean af_retention_run          (AfStore      *store,
                                    const char   *objects_dir,
                                    gint64        now_unix,
                                    guint        *out_removed,
                                    GError      **error);

/* The same, with what left counted per table (users never expire: 0). */
gboolean af_retention_run_by_table (AfStore      *store,
                                    const char   *objects_dir,
                                    gint64        now_unix,
                                    guint         out_removed[AF_N_TABLES],
                                    GError      **error);

/* Removes the items (and their object files, outbox entries, conflicts) from the
 * cache in one transaction: what forget-user does locally. */
gboolean af_retention_erase_items  (AfStore      *store,
                                    const char   *objects_dir,
                                    AfTable       table,
                                    const char * const *ids,
                                    GError      **error);

/* $XDG_CACHE_HOME/auditflow-desk/objects, AfPull's default. */
char    *af_retention_default_objects_dir (void);

G_END_DECLS
