/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "af-crash-trace.h"

#include <execinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FRAMES 64
/* The handler runs on its own stack, so that a stack overflow is reported too. */
#define HANDLER_STACK_SIZE (64 * 1024)

static const struct {
  int         number;
  const char *name;
} fatal_signals[] = {
  { SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGILL, "SIGILL" },
  { SIGFPE, "SIGFPE" }, { SIGABRT, "SIGABRT" },
};

static void
write_text (const char *text)
{
  gsize length = strlen (text);

  while (length > 0)
    {
      ssize_t written = write (STDERR_FILENO, text, length);

      if (written <= 0)
        return;
      text += written;
      length -= (gsize) written;
    }
}

/* Only async-signal-safe calls: write (), backtrace () (loaded beforehand, see
 * af_crash_trace_install_from_env ()), backtrace_symbols_fd () and raise ().
 * The app is linked with its symbols exported (src/app/meson.build), so that its own
 * functions are named too. */
static void
on_fatal_signal (int signal_number)
{
  void *frames[MAX_FRAMES];
  int n_frames;

  write_text ("\nfatal signal ");
  for (gsize i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
    if (fatal_signals[i].number == signal_number)
      write_text (fatal_signals[i].name);
  write_text ("; the stack of the thread that received it:\n");
  n_frames = backtrace (frames, MAX_FRAMES);
  backtrace_symbols_fd (frames, n_frames, STDERR_FILENO);
  write_text ("(end of the stack)\n");
  /* SA_RESETHAND gave the signal back its default action: die of it, as without us. */
  raise (signal_number);
}

void
af_crash_trace_install_from_env (void)
{
  static gsize installed = 0;
  void *warm_up[1];
  stack_t handler_stack = { 0 };
  struct sigaction action = { 0 };

  if (g_getenv ("AFD_CRASH_TRACE") == NULL || !g_once_init_enter (&installed))
    return;
  /* backtrace () loads libgcc on its first call, which allocates: not in a handler. */
  backtrace (warm_up, 1);
  handler_stack.ss_sp = g_malloc (HANDLER_STACK_SIZE);
  handler_stack.ss_size = HANDLER_STACK_SIZE;
  sigaltstack (&handler_stack, NULL);
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_RESETHAND | SA_ONSTACK;
  sigemptyset (&action.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
    sigaction (fatal_signals[i].number, &action, NULL);
  g_once_init_leave (&installed, 1);
}
