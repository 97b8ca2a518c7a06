/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-crash-trace.h — a process that dies of a fatal signal says where, when asked to.
 *
 * A UI test sees the app vanish from the accessibility bus ("The application no longer
 * exists") and nothing else: a segmentation fault prints nothing, and the CI machine
 * keeps no core. With AFD_CRASH_TRACE set in the environment (tests/ui/run-ui-test.sh
 * sets it), SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT write the signal and the
 * thread's stack (addresses and the symbols the dynamic table knows, i.e. those of the
 * libraries) to stderr, then the signal takes its usual course. Off by default: a
 * user's crash goes to the system's crash reporter untouched.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void af_crash_trace_install_from_env (void);

G_END_DECLS
