/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-session.h — a benchmark's measured session as a child process of its own, with
 * its own Mesa shader cache (MESA_SHADER_CACHE_DIR). llvmpipe compiles a shader variant
 * on the main thread the first time it is drawn and keeps it in that cache: a session
 * with a new, empty directory measures a machine's first run ("cold"), one with a
 * directory a previous session filled measures every later run ("warm").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs this program again (/proc/self/exe) with @args after argv[0], with
 * MESA_SHADER_CACHE_DIR=@mesa_cache_dir and the NAME, VALUE pairs of @env (or NULL) in
 * its environment; returns what it printed on stdout. Aborts when it cannot run or fails. */
char *bench_session_run (const char        *mesa_cache_dir,
                         const char *const *env,
                         const char *const *args);

/* Removes @path and everything under it (no symlink followed). */
void bench_remove_tree (const char *path);

G_END_DECLS
