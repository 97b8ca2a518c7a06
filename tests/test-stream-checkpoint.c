/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stream checkpoint on its own: its text survives a round trip and refuses junk;
 * the plan reads parents before children when shards split (DynamoDB Local does not
 * roll shards within a test, so the split is described here as DescribeStream would
 * list it); a replaced stream, a checkpoint older than 24 hours and a shard trimmed
 * before it was read to its end are each a lost checkpoint.
 */
#include <string.h>

#include "af-stream-checkpoint.h"

#define ARN "arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2024-11-08T09:00:00.000"
#define SEQ(n) "00000000000000000000" #n

static AfStreamShard *
shard (const char *id,
       const char *parent,
       const char *starting,
       const char *ending)
{
  AfStreamShard *s = g_new0 (AfStreamShard, 1);

  s->shard_id = g_strdup (id);
  s->parent_id = g_strdup (parent);
  s->starting = g_strdup (starting);
  s->ending = g_strdup (ending);
  return s;
}

/* Listed children first, as nothing promises DescribeStream's order: a split of A into
 * B and C, and C split again into D. */
static AfStreamDescription *
split_description (void)
{
  AfStreamDescription *d = g_new0 (AfStreamDescription, 1);

  d->arn = g_strdup (ARN);
  d->status = g_strdup ("ENABLED");
  d->shards = g_ptr_array_new_with_free_func ((GDestroyNotify) af_stream_shard_free);
  g_ptr_array_add (d->shards, shard ("shardId-D", "shardId-C", SEQ (50), NULL));
  g_ptr_array_add (d->shards, shard ("shardId-B", "shardId-A", SEQ (20), NULL));
  g_ptr_array_add (d->shards, shard ("shardId-C", "shardId-A", SEQ (21), SEQ (49)));
  g_ptr_array_add (d->shards, shard ("shardId-A", "shardId-trimmed", SEQ (10), SEQ (19)));
  return d;
}

static void
test_text_round_trip (void)
{
  g_autoptr(AfStreamCheckpoint) checkpoint = af_stream_checkpoint_new (ARN);
  g_autoptr(AfStreamCheckpoint) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  const AfShardPosition *position;

  af_stream_checkpoint_set_read_at (checkpoint, 1730000000000000);
  af_stream_checkpoint_set (checkpoint, "shardId-A", AF_SHARD_DONE, NULL, 0);
  af_stream_checkpoint_set (checkpoint, "shardId-B", AF_SHARD_AFTER_SEQUENCE, SEQ (25), 0);
  af_stream_checkpoint_set (checkpoint, "shardId-C", AF_SHARD_ITERATOR, "it|x=/+", 1234);
  text = af_stream_checkpoint_to_string (checkpoint);
  back = af_stream_checkpoint_parse (text, &error);
  g_assert_no_error (error);
  again = af_stream_checkpoint_to_string (back);
  g_assert_cmpstr (again, ==, text);
  g_assert_cmpstr (af_stream_checkpoint_get_arn (back), ==, ARN);
  g_assert_cmpint (af_stream_checkpoint_get_read_at (back), ==, 1730000000000000);
  position = af_stream_checkpoint_get (back, "shardId-C");
  g_assert_cmpint (position->kind, ==, AF_SHARD_ITERATOR);
  g_assert_cmpstr (position->value, ==, "it|x=/+");
  g_assert_cmpint (position->taken_at, ==, 1234);
  g_assert_cmpint (af_stream_checkpoint_get (back, "shardId-B")->kind, ==,
                   AF_SHARD_AFTER_SEQUENCE);
  g_assert_null (af_stream_checkpoint_get (back, "shardId-Z"));
}

static void
test_text_refused (void)
{
  const char *bad[] = {
    "", "junk", "af-stream 2\narn x\n", "af-stream 1\n", "af-stream 1\narn x\nread -5\n",
    "af-stream 1\narn x\nshard A seq 12\n", "af-stream 1\narn x\nshard A what\n",
    "af-stream 1\narn x\nshard A iter nope it\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AfStreamCheckpoint) checkpoint = af_stream_checkpoint_parse (bad[i], &error);

      g_assert_null (checkpoint);
      g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED);
    }
}

static char *
plan_order (AfStreamCheckpoint  *checkpoint,
            AfStreamDescription *description,
            GError             **error)
{
  g_autoptr(GArray) reads = NULL;
  GString *order = g_string_new (NULL);

  if (!af_stream_checkpoint_plan (checkpoint, description, 1730000000000000 + 60, &reads, error))
    {
      g_string_free (order, TRUE);
      return NULL;
    }
  for (guint i = 0; i < reads->len; i++)
    {
      AfShardRead *read = &g_array_index (reads, AfShardRead, i);

      g_string_append_printf (order, "%s%s<%s", i ? " " : "", read->shard->shard_id + 8,
                              read->parent ? read->parent + 8 : "");
    }
  return g_string_free (order, FALSE);
}

static void
test_plan_split (void)
{
  g_autoptr(AfStreamDescription) description = split_description ();
  g_autoptr(AfStreamCheckpoint) checkpoint = af_stream_checkpoint_new (ARN);
  g_autoptr(GError) error = NULL;
  g_autofree char *order = NULL;
  g_autofree char *after = NULL;

  af_stream_checkpoint_set_read_at (checkpoint, 1730000000000000);
  af_stream_checkpoint_set (checkpoint, "shardId-A", AF_SHARD_AFTER_SEQUENCE, SEQ (15), 0);
  /* A (its parent trimmed long ago, it was done with), then B and C, then D */
  order = plan_order (checkpoint, description, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (order, ==, "A< B<A C<A D<C");

  /* Once A is done it is not read again, and a done shard no longer listed is forgotten. */
  af_stream_checkpoint_set (checkpoint, "shardId-A", AF_SHARD_DONE, NULL, 0);
  af_stream_checkpoint_set (checkpoint, "shardId-old", AF_SHARD_DONE, NULL, 0);
  after = plan_order (checkpoint, description, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, "B<A C<A D<C");
  g_assert_null (af_stream_checkpoint_get (checkpoint, "shardId-old"));
}

static void
test_plan_lost (void)
{
  g_autoptr(AfStreamDescription) description = split_description ();
  g_autoptr(AfStreamCheckpoint) replaced = af_stream_checkpoint_new (ARN "-other");
  g_autoptr(AfStreamCheckpoint) old = af_stream_checkpoint_new (ARN);
  g_autoptr(AfStreamCheckpoint) trimmed = af_stream_checkpoint_new (ARN);
  g_autoptr(GError) error = NULL;
  g_autofree char *order = NULL;

  af_stream_checkpoint_set_read_at (replaced, 1730000000000000);
  order = plan_order (replaced, description, &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED);
  g_assert_nonnull (strstr (error->message, "replaced"));
  g_clear_error (&error);

  af_stream_checkpoint_set_read_at (old, 1730000000000000 + 60 - AF_STREAM_RETENTION_US - 1);
  order = plan_order (old, description, &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED);
  g_clear_error (&error);

  af_stream_checkpoint_set_read_at (trimmed, 1730000000000000);
  af_stream_checkpoint_set (trimmed, "shardId-gone", AF_SHARD_AFTER_SEQUENCE, SEQ (3), 0);
  order = plan_order (trimmed, description, &error);
  g_assert_error (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED);
  g_assert_nonnull (strstr (error->message, "trimmed"));
}

static void
test_sequence_numbers (void)
{
  g_assert_true (af_stream_sequence_is_valid (SEQ (1)));
  g_assert_true (af_stream_sequence_is_valid ("1234567890123456789012345678901234567890"));
  g_assert_false (af_stream_sequence_is_valid ("12345"));
  g_assert_false (af_stream_sequence_is_valid ("00000000000000000000x1"));
  g_assert_false (af_stream_sequence_is_valid ("12345678901234567890123456789012345678901"));
  g_assert_false (af_stream_sequence_is_valid (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stream/checkpoint/text", test_text_round_trip);
  g_test_add_func ("/stream/checkpoint/refused", test_text_refused);
  g_test_add_func ("/stream/checkpoint/split", test_plan_split);
  g_test_add_func ("/stream/checkpoint/lost", test_plan_lost);
  g_test_add_func ("/stream/sequence-numbers", test_sequence_numbers);
  return g_test_run ();
}
