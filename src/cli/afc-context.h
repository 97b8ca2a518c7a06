/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-context.h — what every auditflow-cli command shares for one run: the global
 * options, the cache (opened on first use), the reviewer's identity, and the way
 * results and failures are written.
 */
#pragma once

#include <glib.h>

#include "af-store.h"

G_BEGIN_DECLS

/* The CLI contract: 0 success, 1 failure, 2 usage error. */
typedef enum
{
  AFC_EXIT_OK = 0,
  AFC_EXIT_FAILURE = 1,
  AFC_EXIT_USAGE = 2,
} AfcExit;

#define AFC_PROGRAM_NAME "auditflow-cli"

typedef struct _AfcContext AfcContext;

AfcContext *afc_context_new              (void);
void        afc_context_free             (AfcContext   *self);

void        afc_context_set_db_path      (AfcContext   *self,
                                          const char   *path);
void        afc_context_set_user         (AfcContext   *self,
                                          const char   *email);
void        afc_context_set_json         (AfcContext   *self,
                                          gboolean      json);
gboolean    afc_context_get_json         (AfcContext   *self);
/* --reveal-pii: personal values (af-pii.h) are printed as they are; else masked. */
void        afc_context_set_reveal_pii   (AfcContext   *self,
                                          gboolean      reveal);
/* @value (an item of @table, or changes) as it may be printed: masked unless
 * --reveal-pii. (transfer full) */
AfValue    *afc_context_shown            (AfcContext   *self,
                                          AfTable       table,
                                          const AfValue *value);

/* Whether this run's command may create the cache (and its folder) when it does not
 * exist yet: only import and sync do; the others fail with "no cache at PATH". */
void        afc_context_set_may_create   (AfcContext   *self,
                                          gboolean      may_create);
/* The cache of this run, opened on first use (created only if allowed). Borrowed. */
AfStore    *afc_context_get_store        (AfcContext   *self,
                                          GError      **error);
/* Makes sure edits can record who made them: --user, else the config (af-config). */
gboolean    afc_context_require_identity (AfcContext   *self,
                                          GError      **error);

/* Writes @text to stdout as is (UTF-8, never converted to the locale's charset:
 * JSON must stay JSON whatever LANG says). */
void        afc_context_write            (AfcContext   *self,
                                          const GString *text);

/* Print "auditflow-cli: <message>" on stderr and return the exit code to use. */
/* One line on stderr that is not a failure ("removed 3 expired items (…)"). */
void        afc_context_notice           (AfcContext   *self,
                                          const char   *format,
                                          ...) G_GNUC_PRINTF (2, 3);
/* The notice of what retention removed, when it removed anything. */
void        afc_context_report_expired   (AfcContext   *self,
                                          const guint   removed[AF_N_TABLES]);
int         afc_context_fail             (AfcContext   *self,
                                          const GError *error);
int         afc_context_fail_message     (AfcContext   *self,
                                          const char   *format,
                                          ...) G_GNUC_PRINTF (2, 3);
int         afc_context_usage_error      (AfcContext   *self,
                                          const char   *command,
                                          const char   *format,
                                          ...) G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AfcContext, afc_context_free)

G_END_DECLS
