/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target: the AWS error parser — a DynamoDB JSON error body and an S3 XML
 * error document (the first byte picks, the second is the HTTP status). Every error
 * must come back in AF_AWS_ERROR with a UTF-8 message.
 */
#include <stdint.h>

#include "af-aws-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  guint status;

  if (size < 2)
    return 0;
  status = 300 + data[1] % 300;
  if (data[0] % 2 == 0)
    error = af_aws_error_new_from_dynamodb (status, (const char *) data + 2, size - 2);
  else
    error = af_aws_error_new_from_s3 (status, (const char *) data + 2, size - 2);
  g_assert (error != NULL && error->domain == AF_AWS_ERROR);
  g_assert (g_utf8_validate (error->message, -1, NULL));
  af_aws_error_is_retryable (error);
  return 0;
}
