/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "aws-fixture"

#include <string.h>

#include "aws-fixture.h"

#include "af-codec.h"

const char *
aws_fixture_peer_url (const char *variable)
{
  const char *url = g_getenv (variable);

  return url != NULL && *url != '\0' ? url : NULL;
}

static AfCredentials *
peer_credentials (void)
{
  return af_credentials_new (g_getenv ("AF_PEER_ACCESS_KEY_ID"),
                             g_getenv ("AF_PEER_SECRET_ACCESS_KEY"), NULL);
}

static const char *
peer_region (void)
{
  return g_getenv ("AF_PEER_REGION") ? g_getenv ("AF_PEER_REGION") : "us-east-1";
}

AfDynamodbClient *
aws_fixture_dynamodb (SoupSession *session,
                      const char  *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfCredentials) credentials = peer_credentials ();
  g_autoptr(AfEndpoint) endpoint = af_endpoint_new_for_url (AF_SERVICE_DYNAMODB, peer_region (),
                                                            url, &error);

  g_assert_no_error (error);
  return af_dynamodb_client_new (session, endpoint, credentials);
}

AfS3Client *
aws_fixture_s3 (SoupSession *session,
                const char  *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfCredentials) credentials = peer_credentials ();
  g_autoptr(AfEndpoint) endpoint = af_endpoint_new_for_url (AF_SERVICE_S3, peer_region (), url,
                                                            &error);

  g_assert_no_error (error);
  return af_s3_client_new (session, endpoint, credentials);
}

/* ---- Tables ------------------------------------------------------------------------ */

static const char * const fixture_names[AF_N_TABLES] = {
  "AuditFlow-Documents", "AuditFlow-AuditRecords", "artguard-image-analysis-dev",
  "artguard-users-dev",
};

char *
aws_fixture_table_name (AfTable     table,
                        const char *suffix)
{
  return g_strdup_printf ("%s-%s", fixture_names[table], suffix);
}

void
aws_fixture_name_tables (AfPull     *pull,
                         const char *suffix)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autofree char *name = aws_fixture_table_name (t, suffix);

      af_pull_set_table_name (pull, t, name);
    }
}

void
aws_fixture_create_tables (AfDynamodbClient *client,
                           const char       *suffix)
{
  aws_fixture_create_tables_with_stream (client, suffix, NULL);
}

/* The seeds' definitions say nothing of streams; an operator adds one (README). */
static void
add_stream (JsonObject *definition,
            const char *view_type)
{
  JsonObject *spec = json_object_new ();

  json_object_set_boolean_member (spec, "StreamEnabled", TRUE);
  json_object_set_string_member (spec, "StreamViewType", view_type);
  json_object_set_object_member (definition, "StreamSpecification", spec);
}

void
aws_fixture_create_table (AfDynamodbClient *client,
                          AfTable           t,
                          const char       *suffix,
                          const char       *view_type)
{
  g_autofree char *file = g_strconcat (fixture_names[t], ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "tables", file,
                                            NULL);
  g_autofree char *name = aws_fixture_table_name (t, suffix);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) table = NULL;
  g_autofree char *body = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  json_object_set_string_member (json_node_get_object (json_parser_get_root (parser)),
                                 "TableName", name);
  if (view_type != NULL)
    add_stream (json_node_get_object (json_parser_get_root (parser)), view_type);
  body = json_to_string (json_parser_get_root (parser), FALSE);
  af_dynamodb_client_create_table_async (client, body, NULL, af_test_store_result, &result);
  table = af_dynamodb_client_table_finish (client, af_test_wait (&result), &error);
  g_assert_no_error (error);
}

void
aws_fixture_create_tables_with_stream (AfDynamodbClient *client,
                                       const char       *suffix,
                                       const char       *view_type)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    aws_fixture_create_table (client, t, suffix, view_type);
}

GPtrArray *
aws_fixture_items (AfTable table)
{
  g_autofree char *file = g_strconcat (fixture_names[table], ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "dynamodb", file, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  GPtrArray *items;

  g_file_get_contents (path, &text, &length, &error);
  g_assert_no_error (error);
  items = af_codec_parse_items_page (text, length, NULL, &error);
  g_assert_no_error (error);
  return items;
}

void
aws_fixture_write_items (AfDynamodbClient *client,
                         const char       *table_name,
                         GPtrArray        *items)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  af_dynamodb_client_batch_write_async (client, table_name, items, NULL, NULL,
                                        af_test_store_result, &result);
  af_dynamodb_client_batch_write_finish (client, af_test_wait (&result), &error);
  g_assert_no_error (error);
}

/* The fixture's audits, repeated with new ids and timestamps, all COMPLETED, plus an
 * attribute the schema does not list (the pipeline's trace) to bring them from the
 * fixtures' ~3.1 KB to ~3.5 KB: the shape the sync's figures are given for. */
GPtrArray *
aws_fixture_make_audits (guint   count,
                         gsize  *out_bytes)
{
  g_autoptr(GPtrArray) templates = aws_fixture_items (AF_TABLE_AUDITS);
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GDateTime) base = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  g_autofree char *trace = g_strnfill (430, 't');
  gsize bytes = 0;

  for (guint i = 0; i < count; i++)
    {
      AfValue *item = af_value_copy (g_ptr_array_index (templates, i % templates->len));
      g_autoptr(GDateTime) when = g_date_time_add_seconds (base, i * 37.0);
      g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S.000Z");
      g_autofree char *id = g_strdup_printf ("bench-%06u", i);
      g_autofree char *loan = g_strdup_printf ("LOAN-BENCH-%05u", i / 3);
      g_autofree char *text = NULL;

      af_value_map_set (item, "audit_record_id", af_value_new_s (id));
      af_value_map_set (item, "audit_timestamp", af_value_new_s (stamp));
      af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
      af_value_map_set (item, "status", af_value_new_s ("COMPLETED"));
      af_value_map_set (item, "pipeline_trace", af_value_new_s (trace));
      text = af_codec_item_to_string (item);
      bytes += strlen (text);
      g_ptr_array_add (items, item);
    }
  if (out_bytes != NULL)
    *out_bytes = bytes;
  return items;
}

void
aws_fixture_load_tables (AfDynamodbClient *client,
                         const char       *suffix)
{
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autoptr(GPtrArray) items = aws_fixture_items (t);
      g_autofree char *name = aws_fixture_table_name (t, suffix);

      aws_fixture_write_items (client, name, items);
    }
}

/* ---- Objects ----------------------------------------------------------------------- */

static JsonArray *
manifest_objects (void)
{
  static JsonParser *parser = NULL;

  if (parser == NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"), "s3-manifest.json",
                                                NULL);
      g_autoptr(GError) error = NULL;

      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }
  return json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "objects");
}

static gboolean
has_dot_segment (const char *key)
{
  g_auto(GStrv) segments = g_strsplit (key, "/", -1);

  for (guint i = 0; segments[i] != NULL; i++)
    if (strcmp (segments[i], "..") == 0 || strcmp (segments[i], ".") == 0)
      return TRUE;
  return FALSE;
}

void
aws_fixture_upload_objects (AfS3Client *s3)
{
  JsonArray *objects = manifest_objects ();

  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);
      const char *key = json_object_get_string_member (object, "key");
      g_autofree char *path = g_build_filename (g_getenv ("AF_FIXTURES_DIR"),
                                                json_object_get_string_member (object, "file"),
                                                NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *etag = NULL;

      if (has_dot_segment (key))
        continue;
      af_s3_client_put_file_async (s3, json_object_get_string_member (object, "bucket"), key,
                                   file, json_object_get_string_member (object, "content_type"),
                                   NULL, af_test_store_result, &result);
      etag = af_s3_client_put_finish (s3, af_test_wait (&result), &error);
      g_assert_no_error (error);
    }
}

const char *
aws_fixture_object_sha256 (const char *bucket,
                           const char *key)
{
  JsonArray *objects = manifest_objects ();

  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);

      if (strcmp (json_object_get_string_member (object, "bucket"), bucket) == 0 &&
          strcmp (json_object_get_string_member (object, "key"), key) == 0)
        return json_object_get_string_member (object, "sha256");
    }
  return NULL;
}

void
aws_fixture_set_faults (SoupSession *session,
                        const char  *front_url,
                        const char  *json)
{
  g_autofree char *url = g_strconcat (front_url, "/__af-front/faults", NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, url);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
}

guint
aws_fixture_front_faults (SoupSession *session,
                          const char  *front_url,
                          const char  *fault)
{
  g_autofree char *url = g_strconcat (front_url, "/__af-front/stats", NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *faults;

  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                              &error);
  g_assert_no_error (error);
  faults = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "faults");
  return json_object_get_int_member_with_default (faults, fault, 0);
}

char **
aws_fixture_cli_environment (const char *dir,
                             const char *suffix,
                             const char *audits_table)
{
  static const char * const names[AF_N_TABLES] = {
    "AUDITFLOW_DESK_TABLE_DOCUMENTS", "AUDITFLOW_DESK_TABLE_AUDITS",
    "AUDITFLOW_DESK_TABLE_ANALYSES", "AUDITFLOW_DESK_TABLE_USERS",
  };
  char **env = g_get_environ ();
  g_autofree char *cache = g_build_filename (dir, "xdg-cache", NULL);

  env = g_environ_setenv (env, "AWS_ACCESS_KEY_ID", g_getenv ("AF_PEER_ACCESS_KEY_ID"), TRUE);
  env = g_environ_setenv (env, "AWS_SECRET_ACCESS_KEY", g_getenv ("AF_PEER_SECRET_ACCESS_KEY"),
                          TRUE);
  env = g_environ_setenv (env, "AWS_REGION", g_getenv ("AF_PEER_REGION"), TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_DYNAMODB",
                          g_getenv ("AF_PEER_DYNAMODB_LOCAL_URL"), TRUE);
  env = g_environ_setenv (env, "AWS_ENDPOINT_URL_S3", g_getenv ("AF_PEER_S3_URL"), TRUE);
  env = g_environ_setenv (env, "XDG_CACHE_HOME", cache, TRUE);
  env = g_environ_setenv (env, "AF_AWS_RETRY_BASE_MS", "5", TRUE);
  env = g_environ_setenv (env, "AF_AWS_RETRY_BUDGET_MS", "500", TRUE);
  for (AfTable t = 0; t < AF_N_TABLES; t++)
    {
      g_autofree char *name = aws_fixture_table_name (t, suffix);

      env = g_environ_setenv (env, names[t],
                              t == AF_TABLE_AUDITS && audits_table ? audits_table : name, TRUE);
    }
  return env;
}
