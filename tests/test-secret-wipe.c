/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Secrets do not stay in freed memory (issue 11, finding 8): this program replaces
 * free () with one that looks for a watched secret in every block before it goes back
 * to the allocator, then parses an AWS config and signs a request with a session token.
 * The config parser used to wipe a line only up to its "=", and the signer freed the
 * token unwiped from the canonical request, its header copies and a GString.
 *
 * Under AddressSanitizer free () is ASan's own: the check is skipped there.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <string.h>

#include "af-aws-config.h"
#include "af-secret-memory.h"
#include "af-sigv4.h"

#if defined(__SANITIZE_ADDRESS__)
#define WATCHING FALSE
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WATCHING FALSE
#endif
#endif
#ifndef WATCHING
#define WATCHING TRUE
#endif

static const char *watched;
static guint found;

#if WATCHING
extern void __libc_free (void *block);

void free (void *block);

void
free (void *block)
{
  if (block != NULL && watched != NULL &&
      memmem (block, malloc_usable_size (block), watched, strlen (watched)) != NULL)
    found++;
  __libc_free (block);
}
#endif

#define SECRET "wJalrXUtnFEMI0K7MDENGbPxRfiCYSECRETKEY"
#define TOKEN "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue0123456789"

static void
watch (const char *secret)
{
  /* meson does not build this test under a sanitizer; a build that does cannot look
   * into freed blocks, and says so rather than pass. */
  if (!WATCHING)
    g_test_fail_printf ("free () is AddressSanitizer's here: this test cannot watch it");
  found = 0;
  watched = secret;
}

static void
test_config_parser (void)
{
  char text[] = "[default]\n"
                "aws_access_key_id = AKIDEXAMPLE\n"
                "aws_secret_access_key =   " SECRET "   \n"
                "aws_session_token=" TOKEN "\n";
  GHashTable *sections;

  watch (SECRET);
  sections = af_aws_config_parse (text);
  g_assert_nonnull (sections);
  g_hash_table_unref (sections);
  g_assert_cmpuint (found, ==, 0);

  watch (TOKEN);
  sections = af_aws_config_parse (text);
  g_hash_table_unref (sections);
  g_assert_cmpuint (found, ==, 0);
  watched = NULL;
  af_secret_memory_wipe (text, sizeof text);
}

static void
test_signing (void)
{
  g_autoptr(AfCredentials) credentials = af_credentials_new ("AKIDEXAMPLE", SECRET, TOKEN);
  AfSigv4Request *request = af_sigv4_request_new ("GET", "/a", "s3", "us-east-1");
  AfSigv4Signature *signature;

  watch (TOKEN);
  af_sigv4_request_add_header (request, "Host", "example.amazonaws.com");
  af_sigv4_request_add_header (request, "X-Amz-Meta-A", "one");
  af_sigv4_request_add_header (request, "X-Amz-Meta-A", "two");
  signature = af_sigv4_request_sign (request, credentials);
  g_assert_nonnull (strstr (signature->canonical_request, TOKEN));
  af_sigv4_signature_free (signature);
  af_sigv4_request_free (request);
  g_assert_cmpuint (found, ==, 0);
  watched = NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret-wipe/config-parser", test_config_parser);
  g_test_add_func ("/secret-wipe/signing", test_signing);
  return g_test_run ();
}
