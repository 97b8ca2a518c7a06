/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-mapped-guard.h — a mapped file cut short by another process reads as zeros instead of
 * killing us.
 *
 * A page of a file mapping that lies past the file's end raises SIGBUS when touched: a
 * file truncated while it is read (rewritten by `aws dynamodb scan > file`, a network
 * mount, another of our processes cutting a torn tail) would kill the process. While a
 * range is registered, such a fault maps zero pages over the rest of the range and marks
 * the registration cut; the read resumes, sees NUL bytes (which every reader of ours
 * rejects or fails to authenticate) and the owner asks af_mapped_guard_was_cut() before it
 * trusts what it read.
 *
 * Contract: unregister only once no thread reads the range any more, and before unmapping
 * it (af_mapped_guard_unregister () then g_mapped_file_unref ()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AfMappedGuard AfMappedGuard;

/* NULL when every slot is taken (the caller then reads the file instead of mapping it). */
AfMappedGuard *af_mapped_guard_register   (const void     *start,
                                           gsize           length);
gboolean       af_mapped_guard_was_cut    (AfMappedGuard  *guard);
void           af_mapped_guard_unregister (AfMappedGuard  *guard);

G_END_DECLS
