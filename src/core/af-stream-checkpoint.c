/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-stream"

#include <string.h>

#include "af-stream-checkpoint.h"

/*
 * The text kept in the sync state, one fact a line (every token was checked to be
 * printable ASCII without spaces when it came from the server):
 *
 *   af-stream 1
 *   arn ARN
 *   read MICROSECONDS
 *   shard ID seq SEQUENCE
 *   shard ID iter MICROSECONDS ITERATOR
 *   shard ID done
 */

#define MAGIC "af-stream 1"

struct _AfStreamCheckpoint
{
  char       *arn;
  gint64      read_at;
  GHashTable *shards;   /* (owned) shard id -> AfShardPosition */
};

static void
position_free (AfShardPosition *position)
{
  g_free (position->value);
  g_free (position);
}

AfStreamCheckpoint *
af_stream_checkpoint_new (const char *arn)
{
  AfStreamCheckpoint *checkpoint = g_new0 (AfStreamCheckpoint, 1);

  checkpoint->arn = g_strdup (arn);
  checkpoint->shards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) position_free);
  return checkpoint;
}

void
af_stream_checkpoint_free (AfStreamCheckpoint *checkpoint)
{
  if (checkpoint == NULL)
    return;
  g_free (checkpoint->arn);
  g_hash_table_unref (checkpoint->shards);
  g_free (checkpoint);
}

const char *
af_stream_checkpoint_get_arn (const AfStreamCheckpoint *checkpoint)
{
  return checkpoint->arn;
}

gint64
af_stream_checkpoint_get_read_at (const AfStreamCheckpoint *checkpoint)
{
  return checkpoint->read_at;
}

void
af_stream_checkpoint_set_read_at (AfStreamCheckpoint *checkpoint,
                                  gint64              now)
{
  checkpoint->read_at = now;
}

const AfShardPosition *
af_stream_checkpoint_get (const AfStreamCheckpoint *checkpoint,
                          const char               *shard_id)
{
  return g_hash_table_lookup (checkpoint->shards, shard_id);
}

void
af_stream_checkpoint_set (AfStreamCheckpoint  *checkpoint,
                          const char          *shard_id,
                          AfShardPositionKind  kind,
                          const char          *value,
                          gint64               taken_at)
{
  AfShardPosition *position = g_new0 (AfShardPosition, 1);

  position->kind = kind;
  position->value = g_strdup (value);
  position->taken_at = taken_at;
  g_hash_table_replace (checkpoint->shards, g_strdup (shard_id), position);
}

/* ---- Text ------------------------------------------------------------------------- */

static gboolean
parse_shard (AfStreamCheckpoint *checkpoint,
             char              **words)
{
  guint n = g_strv_length (words);
  gint64 taken_at;

  if (n == 4 && strcmp (words[2], "seq") == 0 && af_stream_sequence_is_valid (words[3]))
    af_stream_checkpoint_set (checkpoint, words[1], AF_SHARD_AFTER_SEQUENCE, words[3], 0);
  else if (n == 5 && strcmp (words[2], "iter") == 0 &&
           g_ascii_string_to_signed (words[3], 10, 0, G_MAXINT64, &taken_at, NULL))
    af_stream_checkpoint_set (checkpoint, words[1], AF_SHARD_ITERATOR, words[4], taken_at);
  else if (n == 3 && strcmp (words[2], "done") == 0)
    af_stream_checkpoint_set (checkpoint, words[1], AF_SHARD_DONE, NULL, 0);
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_line (AfStreamCheckpoint *checkpoint,
            const char         *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 6);
  guint n = g_strv_length (words);

  if (n == 2 && strcmp (words[0], "arn") == 0 && checkpoint->arn == NULL && *words[1])
    checkpoint->arn = g_strdup (words[1]);
  else if (n == 2 && strcmp (words[0], "read") == 0)
    return g_ascii_string_to_signed (words[1], 10, 0, G_MAXINT64, &checkpoint->read_at, NULL);
  else if (n >= 3 && strcmp (words[0], "shard") == 0 && *words[1])
    return parse_shard (checkpoint, words);
  else
    return FALSE;
  return TRUE;
}

AfStreamCheckpoint *
af_stream_checkpoint_parse (const char  *text,
                            GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autoptr(AfStreamCheckpoint) checkpoint = af_stream_checkpoint_new (NULL);

  if (lines[0] == NULL || strcmp (lines[0], MAGIC) != 0)
    goto bad;
  for (guint i = 1; lines[i] != NULL; i++)
    if (*lines[i] && !parse_line (checkpoint, lines[i]))
      goto bad;
  if (checkpoint->arn == NULL)
    goto bad;
  return g_steal_pointer (&checkpoint);

bad:
  g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED, "The stream checkpoint is unreadable");
  return NULL;
}

static gint
compare_ids (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

char *
af_stream_checkpoint_to_string (const AfStreamCheckpoint *checkpoint)
{
  GString *out = g_string_new (MAGIC "\n");
  g_autofree gpointer *ids = NULL;
  guint n;

  g_string_append_printf (out, "arn %s\nread %" G_GINT64_FORMAT "\n", checkpoint->arn,
                          checkpoint->read_at);
  ids = g_hash_table_get_keys_as_array (checkpoint->shards, &n);
  g_qsort_with_data (ids, n, sizeof (gpointer), compare_ids, NULL);
  for (guint i = 0; i < n; i++)
    {
      const AfShardPosition *position = g_hash_table_lookup (checkpoint->shards, ids[i]);

      g_string_append_printf (out, "shard %s ", (const char *) ids[i]);
      if (position->kind == AF_SHARD_AFTER_SEQUENCE)
        g_string_append_printf (out, "seq %s\n", position->value);
      else if (position->kind == AF_SHARD_ITERATOR)
        g_string_append_printf (out, "iter %" G_GINT64_FORMAT " %s\n", position->taken_at,
                                position->value);
      else
        g_string_append (out, "done\n");
    }
  return g_string_free (out, FALSE);
}

/* ---- The plan ------------------------------------------------------------------------ */

static const AfStreamShard *
find_shard (const AfStreamDescription *description,
            const char                *id)
{
  for (guint i = 0; id != NULL && i < description->shards->len; i++)
    {
      const AfStreamShard *shard = g_ptr_array_index (description->shards, i);

      if (strcmp (shard->shard_id, id) == 0)
        return shard;
    }
  return NULL;
}

/* How many listed ancestors @shard has; a cycle (a broken answer) stops the count. */
static guint
depth (const AfStreamDescription *description,
       const AfStreamShard       *shard)
{
  guint n = 0;

  while ((shard = find_shard (description, shard->parent_id)) != NULL &&
         n <= description->shards->len)
    n++;
  return n;
}

static gboolean
expired (GError    **error,
         const char *why)
{
  g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_EXPIRED, "%s", why);
  return FALSE;
}

/* Positions of shards no longer listed: a finished one is forgotten; one that was still
 * being read had records we will never see. */
static gboolean
forget_unlisted (AfStreamCheckpoint        *checkpoint,
                 const AfStreamDescription *description,
                 GError                   **error)
{
  GHashTableIter iter;
  const char *id;
  AfShardPosition *position;

  g_hash_table_iter_init (&iter, checkpoint->shards);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &position))
    {
      if (find_shard (description, id) != NULL)
        continue;
      if (position->kind != AF_SHARD_DONE)
        return expired (error, "a shard of the stream was trimmed before it was read to its end");
      g_hash_table_iter_remove (&iter);
    }
  return TRUE;
}

gboolean
af_stream_checkpoint_plan (AfStreamCheckpoint        *checkpoint,
                           const AfStreamDescription *description,
                           gint64                     now,
                           GArray                   **out_reads,
                           GError                   **error)
{
  g_autoptr(GArray) reads = g_array_new (FALSE, FALSE, sizeof (AfShardRead));
  guint max_depth = 0;

  if (g_strcmp0 (description->arn, checkpoint->arn) != 0)
    return expired (error, "the table's stream was replaced");
  if (checkpoint->read_at == 0 || now - checkpoint->read_at > AF_STREAM_RETENTION_US)
    return expired (error, "the stream was last read longer ago than it keeps records");
  if (!forget_unlisted (checkpoint, description, error))
    return FALSE;

  for (guint i = 0; i < description->shards->len; i++)
    max_depth = MAX (max_depth, depth (description, g_ptr_array_index (description->shards, i)));
  /* Parents first: by depth, each level in the order DescribeStream listed it. */
  for (guint d = 0; d <= max_depth; d++)
    for (guint i = 0; i < description->shards->len; i++)
      {
        const AfStreamShard *shard = g_ptr_array_index (description->shards, i);
        const AfShardPosition *position = af_stream_checkpoint_get (checkpoint, shard->shard_id);
        AfShardRead read = { shard, NULL };

        if (depth (description, shard) != d ||
            (position != NULL && position->kind == AF_SHARD_DONE))
          continue;
        if (find_shard (description, shard->parent_id) != NULL)
          read.parent = shard->parent_id;
        g_array_append_val (reads, read);
      }
  *out_reads = g_steal_pointer (&reads);
  return TRUE;
}
