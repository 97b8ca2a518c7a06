/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-frame-probe.h — the line bench-first-frame.sh reads from the programs it times:
 *   WHAT realtime-us=<g_get_real_time()> rss-kb=<VmRSS> cpu-ms=<user + system CPU>
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints the line for @what ("first-frame", "content-frame") on stdout, flushed. */
void bench_frame_report (const char *what);

G_END_DECLS
