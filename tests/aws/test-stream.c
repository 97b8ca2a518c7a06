/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The pull with DynamoDB Streams as the change feed, against DynamoDB Local (streams on)
 * behind the SigV4 verifying front; the other writer is boto3 (stream-remote.py):
 *
 * - after a first pull, a sync with nothing changed reads at most 5 % of its bytes;
 * - an attribute edited in place, a status change that moves an item to another index
 *   partition, a delete and a new item are all in the cache after the next sync, which
 *   again reads at most 5 %; unknown attributes are kept, pending edits stay on top;
 * - an item deleted remotely that has unsent local edits is kept and said;
 * - a replaced stream (KEYS_ONLY after), an expired checkpoint, a trimmed shard: one
 *   full read, said in the result; an old iterator only rereads its shard;
 * - a pull stopped between two batches resumes with every record applied once, and so does
 *   the CLI killed with SIGKILL while it reads the stream.
 *
 * Run through run-with-peers.sh, which starts the peers and exports their URLs.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "aws-fixture.h"

#include "af-codec.h"

#define GENERATED 300
#define NOTED_AUDIT "6e3077fc-9570-48ca-a0b3-dd673fa2a8aa"
#define EDITED_AUDIT "05bd8eaa-22f1-4159-b15c-b4d0c5ebbda4"
#define MOVED_DOCUMENT "d75b3a67-1fd3-40d8-b770-df99633123fb"
#define DELETED_ANALYSIS_KEY \
  "{\"request_id\":{\"S\":\"c914c0ad-e727-4115-b1c8-100f0ec0b604\"}," \
  "\"created_at\":{\"N\":\"1730995648949\"}}"
#define NEW_AUDIT \
  "{\"audit_record_id\":{\"S\":\"new-audit\"},\"loan_application_id\":{\"S\":\"L\"}," \
  "\"audit_timestamp\":{\"S\":\"2023-01-01T08:00:00.000Z\"},\"status\":{\"S\":\"FAILED\"}," \
  "\"risk_score\":{\"N\":\"12345678901234567890.123456789012345678\"}," \
  "\"future_field\":{\"M\":{\"nested\":{\"L\":[{\"SS\":[\"a\",\"b\"]},{\"NULL\":true}]}}}}"

typedef struct
{
  SoupSession      *session;
  AfDynamodbClient *dynamodb;
  AfStore          *store;
  AfPull           *pull;
  char             *dir;
  char             *suffix;
} Fixture;

static guint fixture_counter;

/* The fixture tables, @view_types[t] the stream of each (NULL: none). */
static void
fixture_open (Fixture            *fixture,
              const char * const *view_types)
{
  const char *url = aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL");
  g_autofree char *db = NULL;
  g_autofree char *audits = NULL;
  g_autoptr(GPtrArray) generated = NULL;
  g_autoptr(GError) error = NULL;

  if (url == NULL)
    {
      g_test_fail_printf ("the local peers are not running (use tests/peers/run-with-peers.sh)");
      return;
    }
  fixture->session = soup_session_new ();
  fixture->dynamodb = aws_fixture_dynamodb (fixture->session, url);
  fixture->dir = g_dir_make_tmp ("af-test-stream-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = af_store_open (db, &error);
  g_assert_no_error (error);
  af_store_set_identity (fixture->store, "tester@example.com");

  fixture->suffix = g_strdup_printf ("s%u-%d", ++fixture_counter, (int) getpid ());
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    aws_fixture_create_table (fixture->dynamodb, t, fixture->suffix, view_types[t]);
  aws_fixture_load_tables (fixture->dynamodb, fixture->suffix);
  /* Enough audits that the first pull's bytes are a measure (~1 MB). */
  audits = aws_fixture_table_name (AF_TABLE_AUDITS, fixture->suffix);
  generated = aws_fixture_make_audits (GENERATED, NULL);
  aws_fixture_write_items (fixture->dynamodb, audits, generated);

  fixture->pull = af_pull_new (fixture->store, fixture->dynamodb, NULL);
  aws_fixture_name_tables (fixture->pull, fixture->suffix);
}

/* Every table with a stream of the view type @data (default NEW_AND_OLD_IMAGES). */
static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *view = data ? data : "NEW_AND_OLD_IMAGES";

  fixture_open (fixture, (const char * const []) { view, view, view, view });
}

/* The audits alone have a stream: their GetRecords are the only ones of a sync. */
static void
fixture_setup_audits_stream (Fixture       *fixture,
                             gconstpointer  data)
{
  fixture_open (fixture, (const char * const []) { NULL, "NEW_AND_OLD_IMAGES", NULL, NULL });
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->pull);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->dynamodb);
  g_clear_object (&fixture->session);
  if (fixture->dir != NULL)
    af_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->suffix);
}

/* ---- Helpers ------------------------------------------------------------------------ */

static guint64
total_bytes (const AfPullResult *result)
{
  guint64 bytes = 0;

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    bytes += result->bytes[t];
  return bytes;
}

static AfPullResult *
pull_ok (Fixture *fixture)
{
  AfPullResult *result = af_test_pull_ok (fixture->pull);

  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_test_message ("%s: %s, %u requests, %" G_GUINT64_FORMAT " bytes, %u read, %u pulled, "
                    "%u deleted", af_table_nick (t), af_pull_path_to_string (result->path[t]),
                    result->requests[t], result->bytes[t], result->read[t], result->pulled[t],
                    result->deleted[t]);
  return result;
}

static void
assert_paths (const AfPullResult *result,
              AfPullPath          path)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    g_assert_cmpstr (af_pull_path_to_string (result->path[t]), ==, af_pull_path_to_string (path));
}

/* At most 5 % of the first pull's bytes. */
static void
assert_cheap (const AfPullResult *first,
              const AfPullResult *later)
{
  g_test_message ("bytes: first %" G_GUINT64_FORMAT ", later %" G_GUINT64_FORMAT " (%.2f %%)",
                  total_bytes (first), total_bytes (later),
                  100.0 * total_bytes (later) / total_bytes (first));
  g_assert_cmpuint (total_bytes (first), >, 500000);
  g_assert_cmpuint (total_bytes (later) * 20, <=, total_bytes (first));
}

static void
remote (Fixture    *fixture,
        const char *command,
        AfTable     table,
        const char *arg1,
        const char *arg2,
        const char *arg3,
        char      **out)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "aws", "stream-remote.py", NULL);
  g_autofree char *name = aws_fixture_table_name (table, fixture->suffix);
  const char *argv[] = { "/usr/bin/python3", script, command, name, arg1, arg2, arg3, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("stream-remote.py %s failed: %s", command, err);
}

static AfValue *
cached (Fixture    *fixture,
        AfTable     table,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  AfValue *item = af_store_get_item (fixture->store, table, id, &error);

  g_assert_no_error (error);
  return item;
}

static void
assert_not_cached (Fixture    *fixture,
                   AfTable     table,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = af_store_get_item (fixture->store, table, id, &error);

  g_assert_error (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND);
  g_assert_null (item);
}

static gint64
count_cached (Fixture *fixture,
              AfTable  table)
{
  return af_store_count (fixture->store, &(AfQuery) { .table = table }, NULL);
}

static gboolean
has_line (GPtrArray  *lines,
          const char *a,
          const char *b)
{
  for (guint i = 0; i < lines->len; i++)
    if (strstr (g_ptr_array_index (lines, i), a) && strstr (g_ptr_array_index (lines, i), b))
      return TRUE;
  return FALSE;
}

/* ---- The tests ------------------------------------------------------------------------ */

static void
test_stream_nothing_changed (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  assert_paths (first, AF_PULL_PATH_FULL);
  g_assert_cmpint (count_cached (fixture, AF_TABLE_AUDITS), ==, 4 + GENERATED);

  second = pull_ok (fixture);
  assert_paths (second, AF_PULL_PATH_STREAM);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_assert_cmpuint (second->pulled[t], ==, 0);
      g_assert_cmpuint (second->read[t], ==, 0);
      g_assert_false (second->reset[t]);
    }
  assert_cheap (first, second);
  g_assert_cmpuint (second->notices->len, ==, 0);
}

static void
test_stream_changes (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(AfValue) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  /* a local edit that must stay on top of the remote change to the same item */
  g_assert_true (af_store_set_review_notes (fixture->store, EDITED_AUDIT, "local note", &error));
  g_assert_no_error (error);

  remote (fixture, "update", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" NOTED_AUDIT "\"}}",
          "review_notes", "{\"S\":\"remote note\"}", NULL);
  remote (fixture, "update", AF_TABLE_DOCUMENTS,
          "{\"document_id\":{\"S\":\"" MOVED_DOCUMENT "\"}}", "processing_status",
          "{\"S\":\"FAILED\"}", NULL);
  remote (fixture, "delete", AF_TABLE_ANALYSES, DELETED_ANALYSIS_KEY, NULL, NULL, NULL);
  remote (fixture, "put", AF_TABLE_AUDITS, NEW_AUDIT, NULL, NULL, NULL);
  remote (fixture, "update", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" EDITED_AUDIT "\"}}",
          "risk_level", "{\"S\":\"CRITICAL\"}", NULL);

  second = pull_ok (fixture);
  assert_paths (second, AF_PULL_PATH_STREAM);
  assert_cheap (first, second);
  g_assert_cmpuint (second->read[AF_TABLE_AUDITS], ==, 3);
  g_assert_cmpuint (second->deleted[AF_TABLE_ANALYSES], ==, 1);

  item = cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "remote note");
  g_clear_pointer (&item, af_value_unref);
  /* the status moved the document to another index partition under its old timestamp */
  item = cached (fixture, AF_TABLE_DOCUMENTS, MOVED_DOCUMENT);
  g_assert_cmpstr (af_item_get_s (item, "processing_status"), ==, "FAILED");
  g_clear_pointer (&item, af_value_unref);
  assert_not_cached (fixture, AF_TABLE_ANALYSES, "c914c0ad-e727-4115-b1c8-100f0ec0b604");
  /* the new item whole: unknown attributes, every digit */
  item = cached (fixture, AF_TABLE_AUDITS, "new-audit");
  expected = af_codec_parse_item (NEW_AUDIT, -1, &error);
  g_assert_no_error (error);
  want = af_codec_item_to_string (expected);
  got = af_codec_item_to_string (item);
  g_assert_cmpstr (got, ==, want);
  g_clear_pointer (&item, af_value_unref);
  /* the remote change and the pending local one, both */
  item = cached (fixture, AF_TABLE_AUDITS, EDITED_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "risk_level"), ==, "CRITICAL");
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "local note");
}

static void
test_stream_remove_with_edits (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GError) error = NULL;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  g_assert_true (af_store_set_review_notes (fixture->store, EDITED_AUDIT, "local note", &error));
  g_assert_no_error (error);
  remote (fixture, "delete", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" EDITED_AUDIT "\"}}",
          NULL, NULL, NULL);
  remote (fixture, "delete", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" NOTED_AUDIT "\"}}",
          NULL, NULL, NULL);

  second = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_AUDITS]), ==, "stream");
  /* kept, and said */
  item = cached (fixture, AF_TABLE_AUDITS, EDITED_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "review_notes"), ==, "local note");
  g_assert_true (has_line (second->problems, EDITED_AUDIT, "kept for its unsent edits"));
  g_assert_cmpuint (second->deleted[AF_TABLE_AUDITS], ==, 1);
  assert_not_cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);
}

/* A stream disabled and enabled again (a new ARN; what happened in between is lost):
 * one full read, said; then the new KEYS_ONLY stream is followed by reading the keys. */
static void
test_stream_replaced (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfPullResult) third = NULL;
  g_autoptr(AfValue) item = NULL;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  remote (fixture, "replace-stream", AF_TABLE_AUDITS, "KEYS_ONLY", NULL, NULL, NULL);
  remote (fixture, "delete", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" NOTED_AUDIT "\"}}",
          NULL, NULL, NULL);

  second = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_AUDITS]), ==, "full");
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_DOCUMENTS]), ==, "stream");
  g_assert_true (second->reset[AF_TABLE_AUDITS]);
  g_assert_true (has_line (second->notices, "AuditRecords", "replaced"));
  /* the full read notices the deletion too */
  assert_not_cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);

  remote (fixture, "update", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" EDITED_AUDIT "\"}}",
          "risk_level", "{\"S\":\"CRITICAL\"}", NULL);
  remote (fixture, "put", AF_TABLE_AUDITS, NEW_AUDIT, NULL, NULL, NULL);
  third = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (third->path[AF_TABLE_AUDITS]), ==, "stream");
  g_assert_false (third->reset[AF_TABLE_AUDITS]);
  assert_cheap (first, third);
  item = cached (fixture, AF_TABLE_AUDITS, EDITED_AUDIT);
  g_assert_cmpstr (af_item_get_s (item, "risk_level"), ==, "CRITICAL");
  g_clear_pointer (&item, af_value_unref);
  item = cached (fixture, AF_TABLE_AUDITS, "new-audit");
  g_assert_nonnull (af_value_map_get (item, "future_field"));
}

static char *
audits_state_key (Fixture *fixture)
{
  g_autofree char *name = aws_fixture_table_name (AF_TABLE_AUDITS, fixture->suffix);

  return g_strconcat ("stream/", name, NULL);
}

/* Rewrites one line of the audits' checkpoint: the line starting with @prefix becomes
 * @line (or @line is added). */
static void
edit_checkpoint (Fixture    *fixture,
                 const char *prefix,
                 const char *line)
{
  g_autofree char *key = audits_state_key (fixture);
  g_autofree char *text = af_store_get_state (fixture->store, key, NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean replaced = FALSE;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (text);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (*lines[i] == '\0')
        continue;
      if (prefix != NULL && g_str_has_prefix (lines[i], prefix))
        {
          g_string_append_printf (out, "%s\n", line);
          replaced = TRUE;
        }
      else
        g_string_append_printf (out, "%s\n", lines[i]);
    }
  if (!replaced)
    g_string_append_printf (out, "%s\n", line);
  g_assert_true (af_store_set_state (fixture->store, key, out->str, &error));
  g_assert_no_error (error);
}

/* A checkpoint older than the stream keeps, a shard trimmed before it was read to its
 * end: one full read each, said. An old iterator: its shard read again, no full read. */
static void
test_stream_expired (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) second = NULL;
  g_autoptr(AfPullResult) third = NULL;
  g_autoptr(AfPullResult) fourth = NULL;
  g_autofree char *old = NULL;
  g_autofree char *key = audits_state_key (fixture);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *shard_line = NULL;
  g_autofree char *prefix = NULL;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  old = g_strdup_printf ("read %" G_GINT64_FORMAT, g_get_real_time () - 25 * G_TIME_SPAN_HOUR);
  edit_checkpoint (fixture, "read ", old);
  remote (fixture, "delete", AF_TABLE_AUDITS, "{\"audit_record_id\":{\"S\":\"" NOTED_AUDIT "\"}}",
          NULL, NULL, NULL);
  second = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (second->path[AF_TABLE_AUDITS]), ==, "full");
  g_assert_true (second->reset[AF_TABLE_AUDITS]);
  g_assert_true (has_line (second->notices, "AuditRecords", "longer ago"));
  g_assert_cmpuint (second->notices->len, ==, 1);
  assert_not_cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);

  edit_checkpoint (fixture, NULL, "shard shardId-00000000000000000000-gone seq "
                                  "000000000000000000001");
  third = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (third->path[AF_TABLE_AUDITS]), ==, "full");
  g_assert_true (has_line (third->notices, "AuditRecords", "trimmed"));

  /* The open shard's position is an iterator (nothing was written since): make it old. */
  text = af_store_get_state (fixture->store, key, NULL);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "shard ") && strstr (lines[i], " iter "))
      {
        g_auto(GStrv) words = g_strsplit (lines[i], " ", -1);

        shard_line = g_strdup_printf ("shard %s iter 1 %s", words[1], words[4]);
      }
  g_assert_nonnull (shard_line);
  prefix = g_strndup (shard_line, strstr (shard_line, " iter ") - shard_line);
  edit_checkpoint (fixture, prefix, shard_line);
  fourth = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (fourth->path[AF_TABLE_AUDITS]), ==, "stream");
  g_assert_false (fourth->reset[AF_TABLE_AUDITS]);
  /* the shard's whole history again, applied in order: the cache is unchanged */
  g_assert_cmpuint (fourth->read[AF_TABLE_AUDITS], >=, 4 + GENERATED);
  g_assert_cmpint (count_cached (fixture, AF_TABLE_AUDITS), ==, 4 + GENERATED - 1);
  assert_not_cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);
}

static void
cancel_at (AfPull       *pull,
           guint         items,
           guint64       bytes,
           GCancellable *cancellable)
{
  if (items >= 10)
    g_cancellable_cancel (cancellable);
}

/* Stopped between two batches (what a kill -9 leaves: the last committed batch and its
 * checkpoint, SQLite rolls back a half-written one), then resumed: every record is
 * read once, none lost. */
static void
test_stream_resume (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AfPullResult) first = NULL;
  g_autoptr(AfPullResult) third = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(AfPullResult) stopped = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autofree char *audits = aws_fixture_table_name (AF_TABLE_AUDITS, fixture->suffix);
  gulong handler;

  if (fixture->pull == NULL)
    return;
  first = pull_ok (fixture);
  remote (fixture, "count", AF_TABLE_AUDITS, "40",
          "{\"audit_record_id\":{\"S\":\"" NOTED_AUDIT "\"}}", "counter", NULL);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"audit_record_id\":{\"S\":\"more-%u\"},"
                                               "\"status\":{\"S\":\"COMPLETED\"}}", i);

      g_ptr_array_add (extra, af_codec_parse_item (json, -1, NULL));
    }
  aws_fixture_write_items (fixture->dynamodb, audits, extra);

  af_pull_set_page_limit (fixture->pull, 5);
  handler = g_signal_connect (fixture->pull, "progress", G_CALLBACK (cancel_at), cancellable);
  stopped = af_test_run_pull (fixture->pull, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (stopped);
  g_signal_handler_disconnect (fixture->pull, handler);
  /* the two batches written before the stop are there */
  item = cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);
  g_assert_cmpstr (af_value_get_string (af_value_map_get (item, "counter")), ==, "10");
  g_clear_pointer (&item, af_value_unref);

  third = pull_ok (fixture);
  g_assert_cmpstr (af_pull_path_to_string (third->path[AF_TABLE_AUDITS]), ==, "stream");
  /* 50 records in all: 10 before the stop, the other 40 now, none twice */
  g_assert_cmpuint (third->read[AF_TABLE_AUDITS], ==, 40);
  item = cached (fixture, AF_TABLE_AUDITS, NOTED_AUDIT);
  g_assert_cmpstr (af_value_get_string (af_value_map_get (item, "counter")), ==, "40");
  g_assert_cmpint (count_cached (fixture, AF_TABLE_AUDITS), ==, 4 + GENERATED + 10);
}

/* ---- kill -9 of the CLI while it reads the stream ---------------------------------------- */

#define KILL_RECORDS 1100   /* two GetRecords batches: 1,000 (the most one answer holds), 100 */

/* `auditflow-cli --json sync --pull-only` on the fixture's cache; its exit status. Its
 * output is always captured, even when the caller does not want it (out NULL): inherited,
 * it would land in the test's own TAP stream. */
static int
cli_sync (Fixture  *fixture,
          char    **env,
          char    **out)
{
  g_autofree char *db = g_build_filename (fixture->dir, "cache.db", NULL);
  const char *argv[] = { g_getenv ("AF_CLI"), "--db", db, "--json", "sync", "--pull-only", NULL };
  g_autofree char *captured = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &captured, &err,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("auditflow-cli sync: %s", err);
  if (out != NULL)
    *out = g_steal_pointer (&captured);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static GPid
cli_sync_start (Fixture  *fixture,
                char    **env)
{
  g_autofree char *db = g_build_filename (fixture->dir, "cache.db", NULL);
  const char *argv[] = { g_getenv ("AF_CLI"), "--db", db, "sync", "--pull-only", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_spawn_async (NULL, (char **) argv, env,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                 G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  return pid;
}

/* Small new audits (kill-0000…), so that a GetRecords answer holds 1,000 of them. */
static void
write_kill_audits (Fixture *fixture)
{
  g_autofree char *audits = aws_fixture_table_name (AF_TABLE_AUDITS, fixture->suffix);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);

  for (guint i = 0; i < KILL_RECORDS; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"audit_record_id\":{\"S\":\"kill-%04u\"},"
                                               "\"status\":{\"S\":\"COMPLETED\"},"
                                               "\"audit_timestamp\":{\"S\":\"2025-01-01\"}}",
                                               i);

      g_ptr_array_add (items, af_codec_parse_item (json, -1, NULL));
    }
  aws_fixture_write_items (fixture->dynamodb, audits, items);
}

/* How many of them the cache has. */
static guint
cached_kill_audits (Fixture *fixture)
{
  guint found = 0;

  for (guint i = 0; i < KILL_RECORDS; i++)
    {
      g_autofree char *id = g_strdup_printf ("kill-%04u", i);
      g_autoptr(AfValue) item = af_store_get_item (fixture->store, AF_TABLE_AUDITS, id, NULL);

      found += item != NULL;
    }
  return found;
}

static void
wait_for_stall (Fixture    *fixture,
                const char *front)
{
  for (guint i = 0; i < 1200; i++)
    {
      if (aws_fixture_front_faults (fixture->session, front, "stall") > 0)
        return;
      g_usleep (100 * 1000);
    }
  g_assert_not_reached ();
}

/* A real SIGKILL of the CLI in the middle of the stream: after the first batch, while it
 * waits for the second. The next sync reads exactly the records the killed one did not
 * commit (none lost, none applied twice), whatever the kill interrupted. */
static void
test_stream_kill (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *front = aws_fixture_peer_url ("AF_PEER_DYNAMODB_LOCAL_URL");
  g_auto(GStrv) env = NULL;
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object, *audits;
  guint applied;
  GPid pid;
  int status;

  if (fixture->pull == NULL)
    return;
  env = aws_fixture_cli_environment (fixture->dir, fixture->suffix, NULL);
  g_assert_cmpint (cli_sync (fixture, env, NULL), ==, 0);
  write_kill_audits (fixture);

  aws_fixture_set_faults (fixture->session, front,
                          "{\"stall\":1,\"match\":\"GetRecords\",\"after\":1}");
  pid = cli_sync_start (fixture, env);
  wait_for_stall (fixture, front);
  /* Let the first batch's write (an idle, after the next request went out) land most of
   * the time; where the kill falls does not change what must hold. */
  g_usleep (500 * 1000);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  aws_fixture_set_faults (fixture->session, front, "{}");

  /* Records apply in whole batches. */
  applied = cached_kill_audits (fixture);
  g_test_message ("records applied before the kill: %u", applied);
  g_assert_true (applied == 0 || applied == 1000);

  g_assert_cmpint (cli_sync (fixture, env, &out), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  audits = json_object_get_object_member (json_object_get_object_member (object, "tables"),
                                          "audits");
  g_assert_cmpstr (json_object_get_string_member (audits, "path"), ==, "stream");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "read"),
                                               "audits"), ==, KILL_RECORDS - applied);
  g_assert_cmpint (cached_kill_audits (fixture), ==, KILL_RECORDS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/aws/stream/nothing-changed", Fixture, NULL, fixture_setup,
              test_stream_nothing_changed, fixture_teardown);
  g_test_add ("/aws/stream/changes", Fixture, NULL, fixture_setup, test_stream_changes,
              fixture_teardown);
  g_test_add ("/aws/stream/remove-with-edits", Fixture, NULL, fixture_setup,
              test_stream_remove_with_edits, fixture_teardown);
  g_test_add ("/aws/stream/replaced", Fixture, NULL, fixture_setup, test_stream_replaced,
              fixture_teardown);
  g_test_add ("/aws/stream/expired", Fixture, NULL, fixture_setup, test_stream_expired,
              fixture_teardown);
  g_test_add ("/aws/stream/kill", Fixture, NULL, fixture_setup_audits_stream, test_stream_kill,
              fixture_teardown);
  g_test_add ("/aws/stream/resume", Fixture, NULL, fixture_setup, test_stream_resume,
              fixture_teardown);
  return g_test_run ();
}
