/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Credentials, region and endpoints from the environment and the AWS shared files.
 * The keyring has its own test (test-credentials-keyring.c, run in a private D-Bus session);
 * here the session bus points nowhere, so a keyring lookup fails fast and starts nothing.
 */
#define G_LOG_DOMAIN "test-credentials"

#include <glib/gstdio.h>

#include "af-credentials.h"
#include "af-endpoint.h"
#include "af-test-util.h"

static const char * const aws_variables[] = {
  "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_S3", NULL,
};

/* Each test starts from a machine with no AWS configuration at all. */
static void
clear_aws_environment (void)
{
  for (guint i = 0; aws_variables[i] != NULL; i++)
    if (g_getenv (aws_variables[i]) != NULL)
      g_unsetenv (aws_variables[i]);
}

/* Writes @text to a file in the test's own temporary home and returns its path. */
static char *
write_temp_file (const char *name,
                 const char *text)
{
  g_autofree char *directory = g_build_filename (g_get_home_dir (), "files", NULL);
  char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
use_files (const char *credentials,
           const char *config)
{
  if (credentials != NULL)
    {
      g_autofree char *path = write_temp_file ("credentials", credentials);

      g_setenv ("AWS_SHARED_CREDENTIALS_FILE", path, TRUE);
    }
  if (config != NULL)
    {
      g_autofree char *path = write_temp_file ("config", config);

      g_setenv ("AWS_CONFIG_FILE", path, TRUE);
    }
}

static const char credentials_file[] =
  "# a comment\n"
  "[default]\n"
  "aws_access_key_id = AKIDDEFAULT\n"
  "aws_secret_access_key = secret/default+key\n"
  "\n"
  "; another comment\n"
  "[work]\n"
  "aws_access_key_id=AKIDWORK\n"
  "aws_secret_access_key=secret-work\n"
  "aws_session_token = token=work==\n";

static const char config_file[] =
  "[default]\n"
  "region = eu-west-1\n"
  "[profile work]\n"
  "region = eu-central-1\n"
  "s3 =\n"
  "  region = nested-not-a-region\n"
  "  max_concurrent_requests = 4\n"
  "output = json\n"
  "[profile config-only]\n"
  "aws_access_key_id = AKIDCONFIG\n"
  "aws_secret_access_key = secret-config\n"
  "[profile no-keys]\n"
  "region = ap-south-1\n"
  "[work]\n"
  "region = wrong-section-credentials-style\n";

static void
assert_credentials (AfCredentials       *credentials,
                    const char          *key,
                    const char          *secret,
                    const char          *token,
                    AfCredentialsSource  source)
{
  g_assert_nonnull (credentials);
  g_assert_cmpstr (af_credentials_get_access_key_id (credentials), ==, key);
  g_assert_cmpstr (af_credentials_get_secret_access_key (credentials), ==, secret);
  g_assert_cmpstr (af_credentials_get_session_token (credentials), ==, token);
  g_assert_cmpint (af_credentials_get_source (credentials), ==, source);
}

static void
test_environment (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "secret-env", TRUE);
  credentials = af_credentials_from_environment (&error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDENV", "secret-env", NULL,
                      AF_CREDENTIALS_SOURCE_ENVIRONMENT);
  g_clear_object (&credentials);

  g_setenv ("AWS_SESSION_TOKEN", "token-env", TRUE);
  credentials = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDENV", "secret-env", "token-env",
                      AF_CREDENTIALS_SOURCE_ENVIRONMENT);
}

static void
test_environment_partial (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENV", TRUE);
  credentials = af_credentials_resolve (NULL, NULL, &error);
  g_assert_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_INVALID);
  g_assert_null (credentials);
  /* an empty variable counts as unset */
  g_clear_error (&error);
  g_setenv ("AWS_ACCESS_KEY_ID", "", TRUE);
  credentials = af_credentials_from_environment (&error);
  g_assert_no_error (error);
  g_assert_null (credentials);
}

static void
test_profile_files (void)
{
  g_autoptr(AfCredentials) by_default = NULL;
  g_autoptr(AfCredentials) work = NULL;
  g_autoptr(AfCredentials) from_config = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  use_files (credentials_file, config_file);

  by_default = af_credentials_from_profile (NULL, &error);
  g_assert_no_error (error);
  assert_credentials (by_default, "AKIDDEFAULT", "secret/default+key", NULL,
                      AF_CREDENTIALS_SOURCE_PROFILE);
  g_assert_cmpstr (af_credentials_get_profile (by_default), ==, "default");

  work = af_credentials_from_profile ("work", &error);
  g_assert_no_error (error);
  assert_credentials (work, "AKIDWORK", "secret-work", "token=work==",
                      AF_CREDENTIALS_SOURCE_PROFILE);

  from_config = af_credentials_from_profile ("config-only", &error);
  g_assert_no_error (error);
  assert_credentials (from_config, "AKIDCONFIG", "secret-config", NULL,
                      AF_CREDENTIALS_SOURCE_PROFILE);
}

static void
test_profile_missing (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  use_files (credentials_file, config_file);
  credentials = af_credentials_from_profile ("nobody", &error);
  g_assert_no_error (error);
  g_assert_null (credentials);
  credentials = af_credentials_from_profile ("no-keys", &error);
  g_assert_no_error (error);
  g_assert_null (credentials);
}

static void
test_aws_profile_variable (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  clear_aws_environment ();
  use_files (credentials_file, config_file);
  g_setenv ("AWS_PROFILE", "work", TRUE);
  name = af_credentials_dup_profile_name ();
  g_assert_cmpstr (name, ==, "work");
  credentials = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDWORK", "secret-work", "token=work==",
                      AF_CREDENTIALS_SOURCE_PROFILE);
}

/* Without the path variables the files are read from ~/.aws. */
static void
test_default_paths (void)
{
  g_autofree char *directory = g_build_filename (g_get_home_dir (), ".aws", NULL);
  g_autofree char *path = g_build_filename (directory, "credentials", NULL);
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_file_set_contents (path, credentials_file, -1, &error);
  g_assert_no_error (error);
  credentials = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDDEFAULT", "secret/default+key", NULL,
                      AF_CREDENTIALS_SOURCE_PROFILE);
  g_assert_cmpint (g_remove (path), ==, 0);
}

/* The credentials file wins over the config file for the same key. */
static void
test_credentials_file_wins (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  use_files ("[dup]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s1\n",
             "[profile dup]\naws_access_key_id = FROMCONFIG\naws_secret_access_key = s2\n");
  credentials = af_credentials_from_profile ("dup", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "FROMCREDS", "s1", NULL, AF_CREDENTIALS_SOURCE_PROFILE);
}

static void
test_precedence (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  use_files (credentials_file, config_file);
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "secret-env", TRUE);
  g_setenv ("AWS_PROFILE", "work", TRUE);
  credentials = af_credentials_resolve (NULL, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDENV", "secret-env", NULL,
                      AF_CREDENTIALS_SOURCE_ENVIRONMENT);
}

static void
test_not_found (void)
{
  g_autoptr(AfCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  use_files ("", "");
  credentials = af_credentials_resolve ("nobody", NULL, &error);
  g_assert_null (credentials);
  g_assert_error (error, AF_CREDENTIALS_ERROR, AF_CREDENTIALS_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AfCredentials **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = af_credentials_resolve_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_resolve_async (void)
{
  g_autoptr(AfCredentials) credentials = NULL;

  clear_aws_environment ();
  use_files (credentials_file, config_file);
  af_credentials_resolve_async ("work", NULL, on_resolved, &credentials);
  while (credentials == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_credentials (credentials, "AKIDWORK", "secret-work", "token=work==",
                      AF_CREDENTIALS_SOURCE_PROFILE);
}

static void
assert_region (const char *profile,
               const char *fallback,
               const char *expected)
{
  g_autofree char *region = af_credentials_resolve_region (profile, fallback);

  g_assert_cmpstr (region, ==, expected);
}

static void
test_region (void)
{
  clear_aws_environment ();
  assert_region (NULL, NULL, NULL);
  assert_region (NULL, "us-west-2", "us-west-2");

  use_files (credentials_file, config_file);
  assert_region (NULL, "us-west-2", "eu-west-1");
  /* the nested "s3 = / region" and the credentials-style "[work]" are not the profile's */
  assert_region ("work", NULL, "eu-central-1");
  assert_region ("nobody", "us-west-2", "us-west-2");
  g_setenv ("AWS_PROFILE", "no-keys", TRUE);
  assert_region (NULL, NULL, "ap-south-1");

  g_setenv ("AWS_DEFAULT_REGION", "sa-east-1", TRUE);
  assert_region (NULL, "us-west-2", "sa-east-1");
  g_setenv ("AWS_REGION", "ca-central-1", TRUE);
  assert_region ("work", "us-west-2", "ca-central-1");
}

static AfEndpoint *
resolve_ok (AfService   service,
            const char *settings_url)
{
  g_autoptr(GError) error = NULL;
  AfEndpoint *endpoint = af_endpoint_resolve (service, "eu-west-1", settings_url, &error);

  g_assert_no_error (error);
  g_assert_nonnull (endpoint);
  return endpoint;
}

static void
test_endpoint_defaults (void)
{
  g_autoptr(AfEndpoint) dynamodb = NULL;
  g_autoptr(AfEndpoint) s3 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfEndpoint) none = NULL;

  clear_aws_environment ();
  dynamodb = resolve_ok (AF_SERVICE_DYNAMODB, NULL);
  g_assert_cmpstr (af_endpoint_get_url (dynamodb), ==, "https://dynamodb.eu-west-1.amazonaws.com");
  g_assert_false (af_endpoint_is_custom (dynamodb));
  s3 = resolve_ok (AF_SERVICE_S3, "");
  g_assert_cmpstr (af_endpoint_get_url (s3), ==, "https://s3.eu-west-1.amazonaws.com");
  g_assert_false (af_endpoint_uses_path_style (s3));
  g_assert_cmpstr (af_endpoint_get_region (s3), ==, "eu-west-1");

  none = af_endpoint_resolve (AF_SERVICE_S3, NULL, NULL, &error);
  g_assert_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID);
  g_assert_null (none);
}

static void
assert_endpoint (AfService   service,
                 const char *settings_url,
                 const char *expected)
{
  g_autoptr(AfEndpoint) endpoint = resolve_ok (service, settings_url);

  g_assert_cmpstr (af_endpoint_get_url (endpoint), ==, expected);
  g_assert_true (af_endpoint_is_custom (endpoint));
  g_assert_true (af_endpoint_uses_path_style (endpoint));
}

static void
test_endpoint_precedence (void)
{
  clear_aws_environment ();
  assert_endpoint (AF_SERVICE_DYNAMODB, "https://settings.example", "https://settings.example");
  g_setenv ("AWS_ENDPOINT_URL", "http://localhost:4000", TRUE);
  assert_endpoint (AF_SERVICE_DYNAMODB, "https://settings.example", "http://localhost:4000");
  assert_endpoint (AF_SERVICE_S3, "https://settings.example", "http://localhost:4000");
  g_setenv ("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000/", TRUE);
  g_setenv ("AWS_ENDPOINT_URL_S3", "http://[::1]:4569", TRUE);
  assert_endpoint (AF_SERVICE_DYNAMODB, "https://settings.example", "http://127.0.0.1:8000");
  assert_endpoint (AF_SERVICE_S3, NULL, "http://[::1]:4569");
}

static void
test_endpoint_http_refused (void)
{
  const char *refused[] = {
    "http://10.0.0.1:8000", "http://example.com", "http://127.example.com",
    "http://localhost.example.com", "http://[::2]:80", "http://0.0.0.0:8000",
  };
  const char *allowed[] = {
    "http://127.0.0.1:1", "http://127.8.9.10", "http://LOCALHOST:8000", "http://[::1]",
    "https://10.0.0.1:8443", "https://s3.example.com",
  };

  clear_aws_environment ();
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfEndpoint) endpoint = af_endpoint_resolve (AF_SERVICE_S3, "eu-west-1",
                                                            refused[i], &error);

      g_assert_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INSECURE);
      g_assert_null (endpoint);
    }
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    g_clear_object (&(AfEndpoint *) { resolve_ok (AF_SERVICE_S3, allowed[i]) });
}

static void
test_endpoint_invalid (void)
{
  const char *invalid[] = { "ftp://127.0.0.1", "not a url", "https://", "file:///tmp/x" };

  clear_aws_environment ();
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfEndpoint) endpoint = af_endpoint_new_for_url (AF_SERVICE_DYNAMODB,
                                                                "eu-west-1", invalid[i],
                                                                &error);

      g_assert_error (error, AF_ENDPOINT_ERROR, AF_ENDPOINT_ERROR_INVALID);
      g_assert_null (endpoint);
    }
}

static void
assert_object_uri (AfEndpoint *endpoint,
                   const char *bucket,
                   const char *key,
                   const char *query,
                   const char *expected)
{
  g_autoptr(GUri) uri = af_endpoint_build_object_uri (endpoint, bucket, key, query);
  g_autofree char *text = g_uri_to_string (uri);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_object_uris (void)
{
  g_autoptr(AfEndpoint) aws = NULL;
  g_autoptr(AfEndpoint) local = NULL;
  g_autoptr(GError) error = NULL;

  clear_aws_environment ();
  aws = resolve_ok (AF_SERVICE_S3, NULL);
  local = af_endpoint_new_for_url (AF_SERVICE_S3, "us-east-1", "http://127.0.0.1:4569", &error);
  g_assert_no_error (error);

  assert_object_uri (aws, "docs-dev", "loans/L 1/a+b.pdf", NULL,
                     "https://docs-dev.s3.eu-west-1.amazonaws.com/loans/L%201/a%2Bb.pdf");
  assert_object_uri (local, "docs-dev", "loans/L 1/a+b.pdf", NULL,
                     "http://127.0.0.1:4569/docs-dev/loans/L%201/a%2Bb.pdf");
  /* a key is a name, not a path: "..", "//" and "~" go through untouched */
  assert_object_uri (local, "b", "../../etc//passwd~", "partNumber=1",
                     "http://127.0.0.1:4569/b/../../etc//passwd~?partNumber=1");
  assert_object_uri (local, "b", NULL, "list-type=2", "http://127.0.0.1:4569/b?list-type=2");
  /* a dotted bucket is not a host label under *.s3.…amazonaws.com's certificate */
  assert_object_uri (aws, "my.bucket", "k", NULL,
                     "https://s3.eu-west-1.amazonaws.com/my.bucket/k");
  assert_object_uri (aws, "docs-dev", NULL, "list-type=2",
                     "https://docs-dev.s3.eu-west-1.amazonaws.com/?list-type=2");
}

static void
test_loopback (void)
{
  g_assert_true (af_endpoint_host_is_loopback ("127.0.0.1"));
  g_assert_true (af_endpoint_host_is_loopback ("127.255.0.3"));
  g_assert_true (af_endpoint_host_is_loopback ("::1"));
  g_assert_true (af_endpoint_host_is_loopback ("[::1]"));
  g_assert_true (af_endpoint_host_is_loopback ("localhost"));
  g_assert_false (af_endpoint_host_is_loopback ("128.0.0.1"));
  g_assert_false (af_endpoint_host_is_loopback ("::ffff:10.0.0.1"));
  g_assert_false (af_endpoint_host_is_loopback (""));
  g_assert_false (af_endpoint_host_is_loopback ("localhost."));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* No keyring here: a bus that does not exist makes libsecret fail at once instead of
   * autolaunching a D-Bus session in the real home. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/auditflow-test-bus", TRUE);
  /* A home of our own for ~/.aws (G_TEST_OPTION_ISOLATE_DIRS would do, but GLib never frees
   * the directories it sets, which fails the leak check under ASan). */
  home = g_dir_make_tmp ("af-test-credentials-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credentials/environment", test_environment);
  g_test_add_func ("/credentials/environment-partial", test_environment_partial);
  g_test_add_func ("/credentials/profile-files", test_profile_files);
  g_test_add_func ("/credentials/profile-missing", test_profile_missing);
  g_test_add_func ("/credentials/aws-profile-variable", test_aws_profile_variable);
  g_test_add_func ("/credentials/default-paths", test_default_paths);
  g_test_add_func ("/credentials/credentials-file-wins", test_credentials_file_wins);
  g_test_add_func ("/credentials/precedence", test_precedence);
  g_test_add_func ("/credentials/not-found", test_not_found);
  g_test_add_func ("/credentials/region", test_region);
  g_test_add_func ("/endpoint/defaults", test_endpoint_defaults);
  g_test_add_func ("/endpoint/precedence", test_endpoint_precedence);
  g_test_add_func ("/endpoint/http-refused", test_endpoint_http_refused);
  g_test_add_func ("/endpoint/invalid", test_endpoint_invalid);
  g_test_add_func ("/endpoint/object-uris", test_object_uris);
  g_test_add_func ("/endpoint/loopback", test_loopback);
  /* last: it starts a worker thread, and the others change the environment */
  g_test_add_func ("/credentials/resolve-async", test_resolve_async);

  status = g_test_run ();
  af_test_remove_tree (home);
  return status;
}
