/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-test-util.h — what several tests need alike: a scratch folder per run (one
 * subfolder per test), removing a tree, waiting on an async result, a scripted
 * server on loopback with the clients pointed at it, and running a pull.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-pull.h"
#include "af-s3.h"

G_BEGIN_DECLS

/* The id of this process's thread named @name (its first 15 bytes, as the kernel keeps
 * them), or 0 when there is none. */
int               af_test_find_thread          (const char   *name);

/* Removes @path and all below it, never following a link; FALSE if anything stayed. */
gboolean          af_test_remove_tree          (const char   *path);

/* The items of a fixture file of $AF_FIXTURES_DIR/dynamodb (AfValue); aborts when it
 * does not parse. */
GPtrArray        *af_test_fixture_items        (const char   *file);
/* The path of that file. */
char             *af_test_fixture_path         (const char   *file);
/* `import` and the path of every fixture file (one per table: audits, documents,
 * analyses, users), as the CLI's arguments; NULL-terminated. */
GStrv             af_test_import_fixtures_args (void);

/* What a run of the CLI gave. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} AfTestRun;

void              af_test_run_clear            (AfTestRun    *run);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AfTestRun, af_test_run_clear)

/* Runs the CLI ($AF_CLI) with `--db @db` (if not NULL) and @args (NULL-terminated) to its
 * end, in the C locale, its HOME and XDG directories under @dir (nothing reaches the
 * real home), without the caller's AUDITFLOW_DESK_USER, with @env on top ("NAME=VALUE"
 * sets, "NAME" unsets; NULL-terminated, nullable). */
void              af_test_run_cli              (const char         *dir,
                                                const char         *db,
                                                const char * const *env,
                                                const char * const *args,
                                                AfTestRun          *run);

/* Called with the CLI stopped (SIGSTOP) at a line of its debug log: it lets the CLI go on
 * (SIGCONT) or kills it. */
typedef void (*AfTestCliStopped) (GPid     pid,
                                  gpointer user_data);

/* Runs @argv (the CLI, with @envp) and stops it at the first line of its stdout (where
 * GLib writes its debug messages) that holds every one of @markers (NULL-terminated),
 * for @while_stopped; asserts that the line came. Its wait status, and what it wrote to
 * stderr in @out_stderr (nullable; read at the end: a few lines fit in the pipe). */
int               af_test_run_cli_stopped_at   (const char * const *argv,
                                                const char * const *envp,
                                                const char * const *markers,
                                                AfTestCliStopped    while_stopped,
                                                gpointer            user_data,
                                                char              **out_stderr);

/* Made-up items shaped like the fixtures (the benchmarks' generators): a random
 * version 4 UUID from @rand, the pipeline's timestamp of 2024-01-01 plus @index minutes
 * (milliseconds vary with @index), and @name set to the string @text (transfer full). */
char             *af_test_random_uuid          (GRand        *rand);
/* An audit's status and a document's processing status drawn from @rand, mostly
 * COMPLETED as in the pipeline. */
const char       *af_test_random_status        (GRand        *rand);
const char       *af_test_random_processing    (GRand        *rand);
char             *af_test_timestamp            (guint64       index);
void              af_test_set_s                (AfValue      *item,
                                                const char   *name,
                                                char         *text);

/* One scratch folder for the run (made from @template, "name-XXXXXX"), one subfolder
 * per test path, removed by af_test_scratch_remove (). Not G_TEST_OPTION_ISOLATE_DIRS:
 * GLib 2.74 leaks its paths, and the core suite runs under LeakSanitizer. */
const char       *af_test_scratch_init         (const char   *template);
char             *af_test_scratch              (const char   *name);
void              af_test_scratch_remove       (void);

/* A GAsyncReadyCallback that keeps a reference to the result in *(GAsyncResult **)
 * @user_data; af_test_wait () iterates the thread-default context until it is there. */
void              af_test_store_result         (GObject      *source,
                                                GAsyncResult *result,
                                                gpointer      user_data);
GAsyncResult     *af_test_wait                 (GAsyncResult **slot);

/* Serves @callback on a free loopback port; returns "http://127.0.0.1:PORT". */
char             *af_test_server_listen        (SoupServer         *server,
                                                SoupServerCallback  callback,
                                                gpointer            user_data);
/* Clients for the scripted server at @url, signed with test keys, retrying after
 * @policy (nullable: the default). */
AfDynamodbClient *af_test_dynamodb_client      (SoupSession         *session,
                                                const char          *url,
                                                const AfRetryPolicy *policy);
AfS3Client       *af_test_s3_client            (SoupSession         *session,
                                                const char          *url,
                                                const AfRetryPolicy *policy);

/* Runs @pull to its end, then lets the pages still queued for the cache go in. */
AfPullResult     *af_test_run_pull             (AfPull        *pull,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* The same, asserting success; each problem and notice goes to the test's log. */
AfPullResult     *af_test_pull_ok              (AfPull        *pull);

/* The median of @n figures (the mean of the middle two for an even count; 0 for none),
 * for benchmarks that repeat a run; @values is left as it is. */
double            af_test_median               (const double  *values,
                                                guint          n);

G_END_DECLS
