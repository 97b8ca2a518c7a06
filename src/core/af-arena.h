/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-arena.h — a bump allocator for the values of one import chunk.
 *
 * An import parses hundreds of thousands of items into trees of small nodes, and
 * allocating and freeing each node with malloc cost about as much as the parse itself
 * (perf, issue 13). A chunk's items are built in an arena instead: an allocation is a
 * pointer bump, and the whole chunk is given back at once with af_arena_reset().
 * Values built in an arena ignore ref and unref (af-value-private.h), so only code that
 * knows when the arena is reset may hold them: the import pipeline alone uses it.
 *
 * Under AddressSanitizer, memory given back by af_arena_reset() is poisoned, so a use
 * after the reset is reported as a use after free would be.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AfArena AfArena;

AfArena  *af_arena_new    (void);
/* @size bytes aligned for pointers and 64-bit integers, valid until the next reset. */
gpointer  af_arena_alloc  (AfArena  *self,
                           gsize     size);
/* Everything allocated so far is gone; the blocks are kept for the next allocations. */
void      af_arena_reset  (AfArena  *self);
void      af_arena_free   (AfArena  *self);
/* Bytes handed out since the last reset (tests, diagnostics). */
gsize     af_arena_used   (AfArena  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfArena, af_arena_free)

G_END_DECLS
