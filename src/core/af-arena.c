/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-arena"

#include "af-arena.h"

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(addr, size) ASAN_POISON_MEMORY_REGION ((addr), (size))
#define UNPOISON(addr, size) ASAN_UNPOISON_MEMORY_REGION ((addr), (size))
#else
#define POISON(addr, size) ((void) (addr), (void) (size))
#define UNPOISON(addr, size) ((void) (addr), (void) (size))
#endif

/* A chunk of 64 items takes a few hundred KiB of nodes: a few blocks, reused. */
#define BLOCK_SIZE (128 * 1024)
/* Larger allocations get a block of their own, freed at the reset. */
#define LARGE_SIZE (BLOCK_SIZE / 4)
#define ALIGNMENT 8

typedef struct _Block Block;

struct _Block
{
  Block *next;
  gsize  size;       /* of @data */
  gsize  used;
  char   data[];
};

/* What the arena hands out is aligned for pointers and 64-bit integers. */
G_STATIC_ASSERT (G_STRUCT_OFFSET (Block, data) % ALIGNMENT == 0);

struct _AfArena
{
  Block *current;    /* (nullable) the block allocations come from */
  Block *full;       /* (owned) blocks filled before @current, kept for reuse */
  Block *spare;      /* (owned) blocks emptied by a reset, not used since */
  Block *large;      /* (owned) blocks of one large allocation each */
  gsize  used;
};

AfArena *
af_arena_new (void)
{
  return g_new0 (AfArena, 1);
}

static Block *
block_new (gsize size)
{
  Block *block = g_malloc (sizeof (Block) + size);

  block->next = NULL;
  block->size = size;
  block->used = 0;
  POISON (block->data, size);
  return block;
}

static void
blocks_free (Block *block)
{
  while (block != NULL)
    {
      Block *next = block->next;

      UNPOISON (block->data, block->size);
      g_free (block);
      block = next;
    }
}

/* A block with room for @size bytes becomes the current one. */
static void
next_block (AfArena *self)
{
  Block *block = self->spare;

  if (block != NULL)
    self->spare = block->next;
  else
    block = block_new (BLOCK_SIZE);
  if (self->current != NULL)
    {
      self->current->next = self->full;
      self->full = self->current;
    }
  block->next = NULL;
  self->current = block;
}

static gpointer
alloc_large (AfArena *self,
             gsize    size)
{
  Block *block = block_new (size);

  block->next = self->large;
  self->large = block;
  block->used = size;
  UNPOISON (block->data, size);
  return block->data;
}

gpointer
af_arena_alloc (AfArena *self,
                gsize    size)
{
  gsize rounded = (size + ALIGNMENT - 1) & ~(gsize) (ALIGNMENT - 1);
  gpointer memory;

  g_return_val_if_fail (self != NULL, NULL);

  self->used += rounded;
  if (rounded > LARGE_SIZE)
    return alloc_large (self, rounded);
  if (self->current == NULL || self->current->size - self->current->used < rounded)
    next_block (self);
  memory = self->current->data + self->current->used;
  self->current->used += rounded;
  UNPOISON (memory, size);
  return memory;
}

/* @block and those after it, emptied and poisoned, onto the spare list. */
static void
spare_blocks (AfArena *self,
              Block   *block)
{
  while (block != NULL)
    {
      Block *next = block->next;

      POISON (block->data, block->size);
      block->used = 0;
      block->next = self->spare;
      self->spare = block;
      block = next;
    }
}

void
af_arena_reset (AfArena *self)
{
  g_return_if_fail (self != NULL);

  spare_blocks (self, self->current);
  spare_blocks (self, self->full);
  self->current = NULL;
  self->full = NULL;
  blocks_free (self->large);
  self->large = NULL;
  self->used = 0;
}

void
af_arena_free (AfArena *self)
{
  if (self == NULL)
    return;
  af_arena_reset (self);
  blocks_free (self->spare);
  g_free (self);
}

gsize
af_arena_used (AfArena *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->used;
}
