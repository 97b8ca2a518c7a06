/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-clock.h — the one clock of the core.
 *
 * AUDITFLOW_DESK_NOW=<ISO 8601> fixes the time: the fixtures' dates lie in the past,
 * and tests must see them as current (retention would otherwise purge them).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GDateTime *af_clock_now          (void);
gint64     af_clock_now_unix     (void);
gint64     af_clock_now_unix_ms  (void);
/* ISO 8601 UTC with milliseconds, as the cloud pipeline writes: 2024-11-04T13:05:12.345Z */
char      *af_clock_now_iso      (void);
char      *af_clock_format_iso   (GDateTime *time);

G_END_DECLS
