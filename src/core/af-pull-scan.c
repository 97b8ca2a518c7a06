/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-pull"

/*
 * af-pull-scan.c — a table read from its start by a parallel Scan.
 *
 * A Query partition is page-serial: each page's LastEvaluatedKey is the next request, so
 * the wall time is this process's work plus the server's. The Scan's SEGMENTS segments
 * are independent: several pages are in flight while the ones that came are parsed and
 * written, and the wall time tends to the larger of the two. Memory stays bounded: a
 * segment asks for its next page only while fewer than MAX_PAGES pages are in flight or
 * waiting for the cache.
 *
 * Each page goes into the cache in one transaction with its segment's state (where the
 * segment goes on, and per partition the newest sort key it has read), so a run killed
 * half-way resumes every segment from its last page written. Once every segment is done,
 * each partition's watermark becomes the newest sort key of all segments, exactly what
 * the partition's own Query would have left, and the segments' states go. The Scan is
 * filtered to what the partitions' Queries read: an item of a known status with a sort
 * key (the index is sparse).
 */

#include <stdlib.h>
#include <string.h>

#include "af-codec.h"
#include "af-pull-private.h"

#define SEGMENTS  4
#define MAX_PAGES (SEGMENTS + 2)

typedef struct
{
  guint     number;
  char     *state_key;   /* (owned) */
  AfValue  *cursor;      /* (owned) (nullable) where the next page starts */
  AfValue  *newest;      /* (owned) M: partition value -> newest sort key read */
  guint     pages;       /* read this run */
  gboolean  done;
  gboolean  in_flight;
} Segment;

struct _PullScan
{
  const PullPartitions *partitions;
  Segment               segments[SEGMENTS];
  guint                 in_flight;
  gboolean              stopped;    /* a segment's pages did not end: no watermarks */
  gboolean              failed;     /* the run's error is returned */
  gboolean              finishing;
  void                (*then) (GTask *task);
};

/* One page request: which segment it is for. */
typedef struct
{
  GTask *task;     /* (owned) */
  guint  number;
} SegmentCall;

void
af_pull_scan_free (PullScan *scan)
{
  for (guint s = 0; s < SEGMENTS; s++)
    {
      g_free (scan->segments[s].state_key);
      g_clear_pointer (&scan->segments[s].cursor, af_value_unref);
      g_clear_pointer (&scan->segments[s].newest, af_value_unref);
    }
  g_free (scan);
}

static char *
segment_state_key (AfPull  *self,
                   AfTable  table,
                   guint    number)
{
  return g_strdup_printf ("pull/%s/scan-%u/%u", af_pull_get_table_name (self, table),
                          SEGMENTS, number);
}

gboolean
af_pull_scan_wanted (AfPull   *self,
                     AfTable   table,
                     gboolean  from_start)
{
  const PullPartitions *partitions = af_pull_partitions_of (table);
  AfStore *store = af_pull_get_store (self);

  if (from_start || af_pull_get_full (self))
    return TRUE;
  for (guint s = 0; s < SEGMENTS; s++)
    {
      g_autofree char *key = segment_state_key (self, table, s);
      g_autofree char *state = af_store_get_state (store, key, NULL);

      if (state != NULL)
        return TRUE;
    }
  for (guint v = 0; partitions->values[v] != NULL; v++)
    {
      g_autofree char *key = af_pull_partition_state_key (self, table, partitions->values[v]);
      g_autofree char *state = af_store_get_state (store, key, NULL);

      if (state != NULL)
        return FALSE;
    }
  return TRUE;
}

/* ---- A segment's state: {"cursor": M, "newest": M, "done": BOOL} in DynamoDB JSON ---- */

static void
load_segment (AfStore *store,
              Segment *segment)
{
  g_autofree char *text = af_store_get_state (store, segment->state_key, NULL);
  g_autoptr(AfValue) state = text ? af_codec_parse_item (text, -1, NULL) : NULL;
  AfValue *cursor = state ? af_value_map_get (state, "cursor") : NULL;
  AfValue *newest = state ? af_value_map_get (state, "newest") : NULL;
  AfValue *done = state ? af_value_map_get (state, "done") : NULL;

  if (cursor != NULL && af_value_get_kind (cursor) == AF_TYPE_M)
    segment->cursor = af_value_ref (cursor);
  if (newest != NULL && af_value_get_kind (newest) == AF_TYPE_M)
    segment->newest = af_value_copy (newest);
  segment->done = done != NULL && af_value_get_kind (done) == AF_TYPE_BOOL &&
                  af_value_get_bool (done);
}

static char *
segment_state_text (const Segment *segment)
{
  g_autoptr(AfValue) state = af_value_new_map ();

  if (segment->cursor != NULL)
    af_value_map_set (state, "cursor", af_value_ref (segment->cursor));
  af_value_map_set (state, "newest", af_value_ref (segment->newest));
  af_value_map_set (state, "done", af_value_new_bool (segment->done));
  return af_codec_item_to_string (state);
}

/* ---- Watermarks --------------------------------------------------------------------- */

/* The order DynamoDB sorts the index on: numbers by value, strings by their bytes. */
static gboolean
is_newer (const PullPartitions *partitions,
          const AfValue        *candidate,
          const AfValue        *newest)
{
  const char *a = af_value_get_string (candidate);
  const char *b = newest ? af_value_get_string (newest) : NULL;

  if (b == NULL)
    return TRUE;
  if (partitions->range_type == AF_TYPE_N)
    return g_ascii_strtod (a, NULL) > g_ascii_strtod (b, NULL);
  return strcmp (a, b) > 0;
}

static void
note_newest (const PullPartitions *partitions,
             AfValue              *newest,
             const AfValue        *item)
{
  const char *value = af_item_get_s (item, partitions->hash);
  AfValue *sort = af_value_map_get (item, partitions->range);

  if (value == NULL || sort == NULL || af_value_get_kind (sort) != partitions->range_type ||
      !g_strv_contains ((const char * const *) partitions->values, value))
    return;
  if (is_newer (partitions, sort, af_value_map_get (newest, value)))
    af_value_map_set (newest, value, af_value_ref (sort));
}

/* Every partition's watermark, as its Query would leave it ("newest \n \n"), then the
 * segments go. A crash in between leaves the segments, and the next run sets the same
 * watermarks again. */
static gboolean
save_watermarks (AfPull    *self,
                 PullScan  *scan,
                 GError   **error)
{
  const PullPartitions *partitions = scan->partitions;
  AfStore *store = af_pull_get_store (self);

  for (guint v = 0; partitions->values[v] != NULL; v++)
    {
      g_autofree char *key = af_pull_partition_state_key (self, partitions->table,
                                                           partitions->values[v]);
      g_autofree char *text = NULL;
      const AfValue *newest = NULL;

      for (guint s = 0; s < SEGMENTS; s++)
        {
          AfValue *candidate = af_value_map_get (scan->segments[s].newest, partitions->values[v]);

          if (candidate != NULL && is_newer (partitions, candidate, newest))
            newest = candidate;
        }
      text = g_strdup_printf ("%s\n\n", newest ? af_value_get_string (newest) : "");
      if (!af_store_set_state (store, key, text, error))
        return FALSE;
    }
  for (guint s = 0; s < SEGMENTS; s++)
    if (!af_store_set_state (store, scan->segments[s].state_key, NULL, error))
      return FALSE;
  return TRUE;
}

/* ---- Pages -------------------------------------------------------------------------- */

static void pump (GTask *task);

/* "#p IN (:v0, :v1, …) AND attribute_exists(#s)": the items the partitions' Queries read. */
static char *
scan_filter (const PullPartitions *partitions,
             AfValue              *names,
             AfValue              *values)
{
  GString *filter = g_string_new ("#p IN (");

  af_value_map_set (names, "#p", af_value_new_s (partitions->hash));
  af_value_map_set (names, "#s", af_value_new_s (partitions->range));
  for (guint v = 0; partitions->values[v] != NULL; v++)
    {
      g_autofree char *name = g_strdup_printf (":v%u", v);

      af_value_map_set (values, name, af_value_new_s (partitions->values[v]));
      g_string_append_printf (filter, "%s%s", v ? ", " : "", name);
    }
  g_string_append (filter, ") AND attribute_exists(#s)");
  return g_string_free (filter, FALSE);
}

/* Reads the page into the run: the ids seen, the newest sort keys, the counts. */
static void
take_page (GTask          *task,
           Segment        *segment,
           AfDynamodbPage *page)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  const PullPartitions *partitions = run->scan->partitions;
  AfTable table = partitions->table;

  for (guint i = 0; i < page->items->len; i++)
    {
      const AfValue *item = g_ptr_array_index (page->items, i);
      const char *id = af_item_get_s (item, af_table_key_name (table));

      if (id != NULL)
        g_hash_table_add (run->seen[table], g_strdup (id));
      note_newest (partitions, segment->newest, item);
    }
  run->result->read[table] += page->items->len;
  af_pull_add_progress (self, page->items->len, page->bytes);
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autofree SegmentCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullScan *scan = run->scan;
  Segment *segment = &scan->segments[call->number];
  AfTable table = scan->partitions->table;
  g_autoptr(AfDynamodbPage) page = NULL;
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  segment->in_flight = FALSE;
  scan->in_flight--;
  af_pull_charge (task, table);
  if (scan->failed)
    {
      g_clear_error (&error);
      return;
    }
  if (page == NULL)
    {
      g_prefix_error (&error, "Reading %s: ", af_pull_get_table_name (self, table));
      scan->failed = TRUE;
      run->wrote = NULL;
      g_task_return_error (task, error);
      return;
    }
  take_page (task, segment, page);
  if (page->last_key != NULL &&
      !af_dynamodb_cursor_advances (segment->cursor, page->last_key, ++segment->pages, &error))
    {
      /* Its position does not move; the next run tries the segment again. */
      af_pull_add_problem (run->result, "%s (scan segment %u): %s",
                           af_pull_get_table_name (self, table), segment->number,
                           error->message);
      g_error_free (error);
      scan->stopped = TRUE;
      segment->done = TRUE;
      af_pull_queue_write (task, table, g_steal_pointer (&page->items), NULL, NULL);
      pump (task);
      return;
    }
  g_clear_pointer (&segment->cursor, af_value_unref);
  segment->cursor = page->last_key ? af_value_ref (page->last_key) : NULL;
  segment->done = segment->cursor == NULL;
  af_pull_queue_write (task, table, g_steal_pointer (&page->items), segment->state_key,
                       segment_state_text (segment));
  pump (task);
}

static void
request_page (GTask   *task,
              Segment *segment)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullScan *scan = run->scan;
  g_autoptr(AfValue) names = af_value_new_map ();
  g_autoptr(AfValue) values = af_value_new_map ();
  g_autofree char *filter = scan_filter (scan->partitions, names, values);
  AfDynamodbParams params = {
    .filter_expression = filter, .names = names, .values = values,
    .exclusive_start_key = segment->cursor, .limit = af_pull_get_page_limit (self),
    .segment = segment->number, .total_segments = SEGMENTS,
  };
  SegmentCall *call = g_new0 (SegmentCall, 1);

  call->task = g_object_ref (task);
  call->number = segment->number;
  segment->in_flight = TRUE;
  scan->in_flight++;
  af_dynamodb_client_scan_page_async (af_pull_get_dynamodb (self),
                                      af_pull_get_table_name (self, scan->partitions->table),
                                      &params, g_task_get_cancellable (task), page_cb, call);
}

/* Once every page is in the cache: the watermarks, then the next step. */
static void
scan_written (GTask *task)
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullScan *scan = g_steal_pointer (&run->scan);
  void (*then) (GTask *task) = scan->then;
  GError *error = NULL;
  gboolean ok;

  ok = run->write_error != NULL || scan->stopped || save_watermarks (self, scan, &error);
  af_pull_scan_free (scan);
  if (!ok)
    af_pull_fail (task, error);
  else
    then (task);
}

/* Sends what may be sent; once nothing is left in flight or to read, moves on. */
static void
pump (GTask *task)
{
  PullRun *run = g_task_get_task_data (task);
  PullScan *scan = run->scan;
  gboolean stop = run->write_error != NULL ||
                  g_cancellable_is_cancelled (g_task_get_cancellable (task));
  gboolean left = FALSE;

  if (scan == NULL || scan->failed || scan->finishing)
    return;
  for (guint s = 0; s < SEGMENTS; s++)
    {
      Segment *segment = &scan->segments[s];

      if (segment->done || segment->in_flight || stop)
        continue;
      left = TRUE;
      if (scan->in_flight + af_pull_writes_pending (task) < MAX_PAGES)
        request_page (task, segment);
    }
  if (scan->in_flight > 0 || (left && !stop))
    return;
  scan->finishing = TRUE;
  run->wrote = NULL;
  if (g_task_return_error_if_cancelled (task))
    return;
  af_pull_when_written (g_object_ref (task), scan_written);
}

void
af_pull_scan_start (GTask     *task,
                    AfTable    table,
                    gboolean   from_start,
                    void     (*then) (GTask *task))
{
  AfPull *self = g_task_get_source_object (task);
  PullRun *run = g_task_get_task_data (task);
  PullScan *scan = g_new0 (PullScan, 1);

  scan->partitions = af_pull_partitions_of (table);
  scan->then = then;
  for (guint s = 0; s < SEGMENTS; s++)
    {
      Segment *segment = &scan->segments[s];

      segment->number = s;
      segment->state_key = segment_state_key (self, table, s);
      if (!from_start)
        load_segment (af_pull_get_store (self), segment);
      if (segment->newest == NULL)
        segment->newest = af_value_new_map ();
    }
  g_clear_pointer (&run->scan, af_pull_scan_free);
  run->scan = scan;
  run->wrote = pump;
  pump (task);
  g_object_unref (task);
}
