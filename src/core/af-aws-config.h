/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-aws-config.h — the AWS shared files, ~/.aws/credentials and ~/.aws/config, read the
 * way the AWS SDKs and CLI read them.
 *
 * AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move them. A profile is "[NAME]" in the
 * credentials file and "[profile NAME]" in the config file ("[default]" in both); for a key
 * set in both, the credentials file wins. Nested sub-sections ("s3 =" followed by indented
 * lines) are skipped: their keys belong to a service, not to the profile.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char       *af_aws_config_credentials_path (void);
char       *af_aws_config_config_path      (void);

/* The profile's keys and values (values wiped when the table is destroyed: they may be
 * secrets). NULL without error when neither file has the profile; an error only for a
 * file that exists and cannot be read. */
GHashTable *af_aws_config_load_profile     (const char  *profile,
                                            GError     **error);

/* Parses one file's text into section name → (key → value); exposed for tests. */
GHashTable *af_aws_config_parse            (const char  *text);

G_END_DECLS
