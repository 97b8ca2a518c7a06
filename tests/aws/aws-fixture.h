/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * aws-fixture.h — for the tests (and the benchmark) that run against the local peers
 * started by tests/peers/start-peers.sh: clients signed with the peers' test keys, the
 * fixture tables created and loaded under a suffix of their own, the fixture objects
 * uploaded.
 */
#pragma once

#include "af-dynamodb.h"
#include "af-pull.h"
#include "af-s3.h"
#include "af-test-util.h"

G_BEGIN_DECLS

/* The peer's front URL from the environment (AF_PEER_DYNAMODB_LOCAL_URL, …); NULL when
 * the peers are not running (the test is then skipped). */
const char       *aws_fixture_peer_url        (const char  *variable);

AfDynamodbClient *aws_fixture_dynamodb        (SoupSession *session,
                                               const char  *url);
AfS3Client       *aws_fixture_s3              (SoupSession *session,
                                               const char  *url);

/* "AuditFlow-Documents-SUFFIX" etc.; also sets them on @pull when not NULL. */
char             *aws_fixture_table_name      (AfTable      table,
                                               const char  *suffix);
void              aws_fixture_name_tables     (AfPull      *pull,
                                               const char  *suffix);
/* CreateTable for the four tables (from AF_FIXTURES_DIR/tables), renamed with @suffix. */
void              aws_fixture_create_tables   (AfDynamodbClient *client,
                                               const char       *suffix);
/* The same with a stream on each table (@view_type: NEW_AND_OLD_IMAGES, KEYS_ONLY…;
 * NULL: none). */
void              aws_fixture_create_tables_with_stream (AfDynamodbClient *client,
                                                         const char       *suffix,
                                                         const char       *view_type);
/* One of them, with a stream of @view_type (NULL: none). */
void              aws_fixture_create_table    (AfDynamodbClient *client,
                                               AfTable           table,
                                               const char       *suffix,
                                               const char       *view_type);
/* @count audit records of ~3.5 KB (ids bench-000000…), @out_bytes (nullable) their size
 * as DynamoDB JSON. */
GPtrArray        *aws_fixture_make_audits     (guint        count,
                                               gsize       *out_bytes);
/* The fixture items of @table (AF_FIXTURES_DIR/dynamodb). */
GPtrArray        *aws_fixture_items           (AfTable      table);
void              aws_fixture_write_items     (AfDynamodbClient *client,
                                               const char       *table_name,
                                               GPtrArray        *items);
void              aws_fixture_load_tables     (AfDynamodbClient *client,
                                               const char       *suffix);
/* Every object of the manifest, under its exact key (keys with ".." segments skipped:
 * s3rver would write them outside its directory). */
void              aws_fixture_upload_objects  (AfS3Client  *s3);
/* The manifest's sha256 of bucket/key, or NULL. */
const char       *aws_fixture_object_sha256   (const char  *bucket,
                                               const char  *key);

/* POST {"throttle": …} to a front's /__af-front/faults. */
void              aws_fixture_set_faults      (SoupSession *session,
                                               const char  *front_url,
                                               const char  *json);
/* How many requests a front answered with @fault ("stall", …) so far (its stats). */
guint             aws_fixture_front_faults    (SoupSession *session,
                                               const char  *front_url,
                                               const char  *fault);

/* The environment an AWS SDK user would set for auditflow-cli, pointed at the peers'
 * fronts, the tables named with @suffix (the audits' @audits_table when not NULL), the
 * XDG cache under @dir. */
char            **aws_fixture_cli_environment (const char  *dir,
                                               const char  *suffix,
                                               const char  *audits_table);

G_END_DECLS
