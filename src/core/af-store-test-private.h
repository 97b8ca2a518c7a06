/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-store-test-private.h — hooks for the store's tests only; nothing in src/ includes
 * this file.
 */
#pragma once

#include "af-store.h"
#include "af-store-thread.h"

G_BEGIN_DECLS

/* "after-item-update" makes the next edit fail between the item update and the outbox
 * insert; "during-put" makes the next put fail half-way; "during-import" makes the
 * next file import fail after its first 256 items are stored; "search-side-start" keeps
 * the next bulk import's search index from its own thread (af-store-search-side.c), as
 * when it cannot start: each file then catches up before its commit. */
void af_store_inject_failure (AfStore    *self,
                              const char *point);

/* The same on the store's thread (af-store-thread.h), in the queue's order: the next
 * edit queued after this call fails there. */
void af_store_thread_inject_failure (AfStoreThread *self,
                                     const char    *point);

/* The value of `PRAGMA @pragma` on the store's connection (synchronous: 0 OFF,
 * 1 NORMAL, 2 FULL), G_MININT64 on error. */
gint64 af_store_test_pragma (AfStore    *self,
                             const char *pragma);

/* The start time of process @pid, in clock ticks since boot (/proc/PID/stat, field 22):
 * what, with the pid, names the import that deferred the indexes (af-store-indexes.c).
 * FALSE when it cannot be read (no such process). */
gboolean af_store_process_start_time (GPid     pid,
                                      guint64 *out_start);

/* Caches opened from now on are migrated up to schema @version only (at most
 * AF_STORE_SCHEMA_VERSION, which is the default): how a test makes the cache of an
 * older version, to see the next migrations take it over. */
void af_store_test_set_schema (int version);

/* Migration 7 moves each table's rows @rows at a time (af-store-keys.c) from now on:
 * a test's few rows take several steps. */
void af_store_test_set_rekey_step (guint rows);

G_END_DECLS
