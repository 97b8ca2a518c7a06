/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-frame-probe"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-frame-probe.h"

/* VmRSS of this process in kB, from /proc/self/status; -1 when unknown. */
static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

/* CPU time of every thread so far: on a loaded machine, steadier than wall time. */
static gint64
cpu_ms (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_GINT64_CONSTANT (1000) +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

void
bench_frame_report (const char *what)
{
  printf ("%s realtime-us=%" G_GINT64_FORMAT " rss-kb=%" G_GINT64_FORMAT
          " cpu-ms=%" G_GINT64_FORMAT "\n",
          what, g_get_real_time (), rss_kb (), cpu_ms ());
  fflush (stdout);
}
