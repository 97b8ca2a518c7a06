/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-mapped-guard.c — SIGBUS on a registered mapping: zero pages instead of a dead process.
 *
 * Why zero pages rather than sigsetjmp ()/siglongjmp () out of the fault: the faulting
 * read may be anywhere (the import's parser, its preparing thread copying canonical text,
 * libsodium authenticating a part), holding a mutex or halfway through a malloc of its
 * own; jumping out of it would leave the lock held or leak what it built. Mapping
 * anonymous zero pages over the faulting page and the rest of the range lets the
 * instruction resume as if the file went on with NUL bytes: every reader of ours already
 * stops there (the DynamoDB JSON parser refuses a NUL, a sealed object fails to
 * authenticate), unwinds normally, and the owner then sees the cut flag and says what
 * happened instead of the parse error.
 *
 * The handler is async-signal-safe: a fixed array of slots claimed with atomics, no
 * malloc, no lock; its only calls are mmap () and sigaction () (system calls on Linux,
 * though POSIX lists only the latter as safe). It is installed once, with SA_SIGINFO, and
 * a fault outside every registered range, or one that is not BUS_ADRERR (a hardware
 * memory error), goes to the handler that was there before (AddressSanitizer's, when it
 * handles SIGBUS), or to the default action: the default is restored and the faulting
 * instruction runs again, so the process dies of that SIGBUS as it would have.
 *
 * MAX_SLOTS: the import holds at most two files at once (the one read, the one stored),
 * a cache object one; 64 leaves room for many threads, and a full table only means the
 * caller reads the file into memory instead (af_mapped_guard_register () returns NULL).
 */
#define G_LOG_DOMAIN "af-mapped-guard"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "af-mapped-guard.h"

#define MAX_SLOTS 64

enum
{
  SLOT_FREE,
  SLOT_CLAIMED,   /* being filled in: the handler ignores it */
  SLOT_ACTIVE,
};

struct _AfMappedGuard
{
  int       state;   /* atomic: SLOT_* */
  uintptr_t start;   /* written before the state turns SLOT_ACTIVE (release) */
  uintptr_t end;
  int       cut;     /* atomic: a page of the range was past the file's end */
};

static AfMappedGuard slots[MAX_SLOTS];
static struct sigaction previous_action;
static uintptr_t page_size;

static AfMappedGuard *
slot_holding (uintptr_t address)
{
  for (guint i = 0; i < MAX_SLOTS; i++)
    {
      AfMappedGuard *slot = &slots[i];

      if (__atomic_load_n (&slot->state, __ATOMIC_ACQUIRE) == SLOT_ACTIVE
          && address >= slot->start && address < slot->end)
        return slot;
    }
  return NULL;
}

/* Zeros from the faulting page to the end of the range: one signal per cut, not per page. */
static gboolean
map_zeros (AfMappedGuard *slot,
           uintptr_t      address)
{
  uintptr_t page = address & ~(page_size - 1);
  void *mapped = mmap ((void *) page, slot->end - page, PROT_READ,
                       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  return mapped != MAP_FAILED;
}

static void
chain_to_previous (int        signal_number,
                   siginfo_t *info,
                   void      *context)
{
  if (previous_action.sa_flags & SA_SIGINFO)
    {
      previous_action.sa_sigaction (signal_number, info, context);
      return;
    }
  if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN)
    {
      previous_action.sa_handler (signal_number);
      return;
    }
  /* Back to the default: returning runs the faulting instruction again, which dies of it. */
  signal (SIGBUS, SIG_DFL);
}

static void
on_sigbus (int        signal_number,
           siginfo_t *info,
           void      *context)
{
  uintptr_t address = (uintptr_t) info->si_addr;
  AfMappedGuard *slot = info->si_code == BUS_ADRERR ? slot_holding (address) : NULL;

  if (slot != NULL && map_zeros (slot, address))
    {
      __atomic_store_n (&slot->cut, TRUE, __ATOMIC_RELEASE);
      return;
    }
  chain_to_previous (signal_number, info, context);
}

/* Once, on the first registration: after AddressSanitizer's handler, which we chain to. */
static void
install_handler (void)
{
  static gsize installed = 0;

  if (g_once_init_enter (&installed))
    {
      struct sigaction action = { 0 };

      page_size = (uintptr_t) sysconf (_SC_PAGESIZE);
      action.sa_sigaction = on_sigbus;
      action.sa_flags = SA_SIGINFO;
      sigemptyset (&action.sa_mask);
      if (sigaction (SIGBUS, &action, &previous_action) != 0)
        g_error ("af-mapped-guard: the SIGBUS handler could not be installed");
      g_once_init_leave (&installed, 1);
    }
}

AfMappedGuard *
af_mapped_guard_register (const void *start,
                          gsize       length)
{
  install_handler ();
  for (guint i = 0; i < MAX_SLOTS; i++)
    {
      AfMappedGuard *slot = &slots[i];
      int expected = SLOT_FREE;

      if (!__atomic_compare_exchange_n (&slot->state, &expected, SLOT_CLAIMED, FALSE,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        continue;
      slot->start = (uintptr_t) start;
      slot->end = (uintptr_t) start + length;
      __atomic_store_n (&slot->cut, FALSE, __ATOMIC_RELAXED);
      __atomic_store_n (&slot->state, SLOT_ACTIVE, __ATOMIC_RELEASE);
      return slot;
    }
  g_debug ("every one of the %d slots is taken", MAX_SLOTS);
  return NULL;
}

gboolean
af_mapped_guard_was_cut (AfMappedGuard *guard)
{
  g_return_val_if_fail (guard != NULL, FALSE);

  return __atomic_load_n (&guard->cut, __ATOMIC_ACQUIRE);
}

void
af_mapped_guard_unregister (AfMappedGuard *guard)
{
  if (guard != NULL)
    __atomic_store_n (&guard->state, SLOT_FREE, __ATOMIC_RELEASE);
}
