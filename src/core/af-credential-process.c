/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-credentials"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "af-codec.h"
#include "af-credential-process.h"
#include "af-credentials.h"
#include "af-secret-memory.h"

/* More than any credentials document; a command printing more is not printing one. */
#define MAX_OUTPUT (64 * 1024)
/* What of stderr an error quotes. */
#define MAX_STDERR 2000

void
af_process_keys_clear (AfProcessKeys *keys)
{
  g_clear_pointer (&keys->access_key_id, g_free);
  g_clear_pointer (&keys->secret_access_key, af_secret_memory_free);
  g_clear_pointer (&keys->session_token, af_secret_memory_free);
  keys->expiration = 0;
}

static gboolean
fail (GError    **error,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError    **error,
      const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (AF_CREDENTIALS_ERROR,
                                                AF_CREDENTIALS_ERROR_PROCESS, format, args));
  va_end (args);
  return FALSE;
}

/* A string member: NULL when absent, FALSE when present and not a non-empty string. */
static gboolean
member_string (JsonObject  *object,
               const char  *name,
               const char **out)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      *(*out = json_node_get_string (node)) == '\0' || !g_utf8_validate (*out, -1, NULL))
    return FALSE;
  return TRUE;
}

static gboolean
read_version (JsonObject  *object,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, "Version");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) != 1)
    return fail (error, "the credential process did not print \"Version\": 1");
  return TRUE;
}

static gboolean
read_expiration (const char  *text,
                 gint64      *out,
                 GError     **error)
{
  g_autoptr(GDateTime) time = NULL;

  *out = 0;
  if (text == NULL)
    return TRUE;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return fail (error, "the credential process printed an \"Expiration\" that is not an "
                        "ISO 8601 time with its zone");
  *out = g_date_time_to_unix (time);
  return TRUE;
}

gboolean
af_credential_process_parse (const char     *json,
                             gsize           length,
                             AfProcessKeys  *out,
                             GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  const char *key_id, *secret, *token, *expiration;

  memset (out, 0, sizeof *out);
  /* The parser's own message could quote the secret: it is not passed on. */
  if (!af_codec_check_json_depth (json, length, NULL) ||
      !json_parser_load_from_data (parser, json, length, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, "the credential process did not print a JSON object");
  object = json_node_get_object (root);
  if (!read_version (object, error))
    return FALSE;
  if (!member_string (object, "AccessKeyId", &key_id) || key_id == NULL ||
      !member_string (object, "SecretAccessKey", &secret) || secret == NULL)
    return fail (error, "the credential process printed no \"AccessKeyId\" and "
                        "\"SecretAccessKey\" strings");
  if (!member_string (object, "SessionToken", &token))
    return fail (error, "the credential process printed a \"SessionToken\" that is not a string");
  if (!member_string (object, "Expiration", &expiration))
    return fail (error, "the credential process printed an \"Expiration\" that is not a string");
  if (!read_expiration (expiration, &out->expiration, error))
    return FALSE;
  out->access_key_id = g_strdup (key_id);
  out->secret_access_key = g_strdup (secret);
  out->session_token = g_strdup (token);
  return TRUE;
}

/* ---- Running the command ----------------------------------------------------------- */

typedef struct
{
  GBytes  *out;      /* (owned) (nullable) */
  GBytes  *err;      /* (owned) (nullable) */
  GError  *error;    /* (owned) (nullable) */
  gboolean done;
} Communication;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Communication *communication = user_data;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &communication->out,
                                   &communication->err, &communication->error);
  communication->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits on a context of our own (the caller may be inside another loop), killing the
 * command when it outlives the timeout. */
static gboolean
communicate (GSubprocess    *process,
             Communication  *communication,
             GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSource) timer = g_timeout_source_new_seconds (AF_CREDENTIAL_PROCESS_TIMEOUT_S);
  gboolean timed_out = FALSE;

  g_main_context_push_thread_default (context);
  g_source_set_callback (timer, timeout_cb, &timed_out, NULL);
  g_source_attach (timer, context);
  g_subprocess_communicate_async (process, NULL, NULL, communicated_cb, communication);
  while (!communication->done)
    {
      g_main_context_iteration (context, TRUE);
      if (timed_out && !communication->done)
        {
          g_subprocess_force_exit (process);
          timed_out = FALSE;
          fail (error, "the credential process did not finish within %d s",
                AF_CREDENTIAL_PROCESS_TIMEOUT_S);
        }
    }
  g_source_destroy (timer);
  g_main_context_pop_thread_default (context);
  if (communication->error != NULL && (error == NULL || *error == NULL))
    return fail (error, "the credential process's output cannot be read: %s",
                 communication->error->message);
  return error == NULL || *error == NULL;
}

/* The command's stderr, made fit for a message: valid UTF-8, trimmed, not too long. */
static char *
stderr_text (GBytes *err)
{
  gsize length = 0;
  const char *data = err != NULL ? g_bytes_get_data (err, &length) : NULL;
  g_autofree char *valid = data != NULL ? g_utf8_make_valid (data, MIN (length, MAX_STDERR))
                                        : g_strdup ("");

  return g_strdup (g_strstrip (valid));
}

static gboolean
check_exit (GSubprocess    *process,
            Communication  *communication,
            GError        **error)
{
  g_autofree char *message = stderr_text (communication->err);

  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    return TRUE;
  if (g_subprocess_get_if_exited (process))
    return fail (error, "the credential process failed (exit status %d)%s%s",
                 g_subprocess_get_exit_status (process), *message ? ": " : "", message);
  return fail (error, "the credential process was killed (signal %d)%s%s",
               g_subprocess_get_term_sig (process), *message ? ": " : "", message);
}

gboolean
af_credential_process_run (const char     *command,
                           AfProcessKeys  *out,
                           GError        **error)
{
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) local_error = NULL;
  Communication communication = { 0 };
  gboolean ok = FALSE;
  gsize length = 0;
  char *data;

  memset (out, 0, sizeof *out);
  if (!g_shell_parse_argv (command, NULL, &argv, &local_error))
    return fail (error, "credential_process cannot be split into words: %s",
                 local_error->message);
  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDIN_INHERIT | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &local_error);
  if (process == NULL)
    return fail (error, "the credential process cannot be started: %s", local_error->message);
  if (communicate (process, &communication, error) && check_exit (process, &communication, error))
    {
      data = communication.out ? g_bytes_unref_to_data (g_steal_pointer (&communication.out),
                                                        &length)
                               : NULL;
      if (data == NULL || length > MAX_OUTPUT)
        fail (error, "the credential process printed nothing, or far too much");
      else
        ok = af_credential_process_parse (data, length, out, error);
      if (data != NULL)
        af_secret_memory_wipe (data, length);
      g_free (data);
    }
  g_clear_pointer (&communication.out, g_bytes_unref);
  g_clear_pointer (&communication.err, g_bytes_unref);
  g_clear_error (&communication.error);
  return ok;
}
