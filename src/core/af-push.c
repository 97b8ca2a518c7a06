/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-push"

#include "af-conflict.h"
#include "af-push.h"
#include "af-store-sync.h"

/* An item another writer keeps moving is left for the next sync after this many merges. */
#define MAX_MERGES_PER_ENTRY 5
/* Results are committed in groups: the disk, not the network, would otherwise bound
 * the push. A run killed before a group is committed loses nothing: the cloud's
 * last_op_id tells the next run which entries it already holds. */
#define COMMIT_EVERY 256

struct _AfPush
{
  GObject           parent_instance;

  /* owned references */
  AfStore          *store;                      /* (owned) */
  AfDynamodbClient *dynamodb;                   /* (owned) */
  char             *table_names[AF_N_TABLES];   /* (owned) */
  guint             lanes;
};

G_DEFINE_FINAL_TYPE (AfPush, af_push, G_TYPE_OBJECT)

void
af_push_result_free (AfPushResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

static void
af_push_finalize (GObject *object)
{
  AfPush *self = AF_PUSH (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dynamodb);
  for (guint t = 0; t < AF_N_TABLES; t++)
    g_free (self->table_names[t]);
  G_OBJECT_CLASS (af_push_parent_class)->finalize (object);
}

static void
af_push_class_init (AfPushClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_push_finalize;
}

static void
af_push_init (AfPush *self)
{
  self->lanes = AF_PUSH_DEFAULT_LANES;
  for (guint t = 0; t < AF_N_TABLES; t++)
    self->table_names[t] = af_table_default_name (t, NULL);
}

AfPush *
af_push_new (AfStore          *store,
             AfDynamodbClient *dynamodb)
{
  AfPush *self;

  g_return_val_if_fail (AF_IS_STORE (store), NULL);
  g_return_val_if_fail (AF_IS_DYNAMODB_CLIENT (dynamodb), NULL);

  self = g_object_new (AF_TYPE_PUSH, NULL);
  self->store = g_object_ref (store);
  self->dynamodb = g_object_ref (dynamodb);
  return self;
}

void
af_push_set_table_name (AfPush     *self,
                        AfTable     table,
                        const char *name)
{
  g_return_if_fail (AF_IS_PUSH (self));
  g_return_if_fail (table < AF_N_TABLES && name != NULL);

  g_free (self->table_names[table]);
  self->table_names[table] = g_strdup (name);
}

void
af_push_set_lanes (AfPush *self,
                   guint   lanes)
{
  g_return_if_fail (AF_IS_PUSH (self));
  self->lanes = MAX (lanes, 1);
}

/* ---- One run ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray    *groups;         /* (owned) GPtrArray of GPtrArray of AfOutboxEntry, per item */
  guint         next_group;
  guint         active_lanes;
  guint         requests_before;
  AfPushResult *result;         /* (owned) */
  GPtrArray    *done;           /* (owned) AfPushDone: results not yet committed */
  GError       *fatal;          /* (owned) (nullable): the push stops */
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->groups, g_ptr_array_unref);
  g_clear_pointer (&run->result, af_push_result_free);
  g_clear_pointer (&run->done, g_ptr_array_unref);
  g_clear_error (&run->fatal);
  g_free (run);
}

typedef struct
{
  GTask     *task;     /* (owned) */
  GPtrArray *group;    /* borrowed from the run */
  guint      index;
  guint      merges;
  AfValue   *base;     /* (owned) (nullable) the cached remote copy the entry is sent against */
  AfValue   *carry;    /* (owned) (nullable) the item after the previous entry (not committed yet) */
} Lane;

static void
lane_free (Lane *lane)
{
  g_clear_object (&lane->task);
  g_clear_pointer (&lane->base, af_value_unref);
  g_clear_pointer (&lane->carry, af_value_unref);
  g_free (lane);
}

static void lane_next_group (Lane *lane);
static void lane_send_entry (Lane *lane);
static void lane_refuse_entry (Lane *lane, const char *message);

static AfPush *
lane_push (Lane *lane)
{
  return g_task_get_source_object (lane->task);
}

static Run *
lane_run (Lane *lane)
{
  return g_task_get_task_data (lane->task);
}

static AfOutboxEntry *
lane_entry (Lane *lane)
{
  return g_ptr_array_index (lane->group, lane->index);
}

static void G_GNUC_PRINTF (2, 3)
add_problem (Run        *run,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (run->result->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
set_fatal (Run    *run,
           GError *error)
{
  if (run->fatal == NULL)
    run->fatal = error;
  else
    g_error_free (error);
}

/* Commits the results gathered so far; a failure stops the push. */
static gboolean
run_flush (Run    *run,
           AfPush *self)
{
  GError *error = NULL;
  gboolean ok = af_store_sync_rebase_batch (self->store, run->done, &error);

  g_ptr_array_set_size (run->done, 0);
  if (!ok)
    set_fatal (run, error);
  return ok;
}

static void
lane_finish (Lane *lane)
{
  Run *run = lane_run (lane);
  AfPush *self = lane_push (lane);

  if (--run->active_lanes > 0)
    {
      lane_free (lane);
      return;
    }
  run_flush (run, self);
  run->result->requests = af_dynamodb_client_get_request_count (self->dynamodb)
                          - run->requests_before;
  if (run->fatal != NULL)
    g_task_return_error (lane->task, g_steal_pointer (&run->fatal));
  else
    g_task_return_pointer (lane->task, g_steal_pointer (&run->result),
                           (GDestroyNotify) af_push_result_free);
  lane_free (lane);
}

static void
lane_next_group (Lane *lane)
{
  Run *run = lane_run (lane);

  g_clear_pointer (&lane->base, af_value_unref);
  g_clear_pointer (&lane->carry, af_value_unref);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (lane->task)))
    set_fatal (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
  if (run->fatal != NULL || run->next_group >= run->groups->len)
    {
      lane_finish (lane);
      return;
    }
  lane->group = g_ptr_array_index (run->groups, run->next_group++);
  lane->index = 0;
  lane->merges = 0;
  lane_send_entry (lane);
}

static void
lane_next_entry (Lane *lane)
{
  g_clear_pointer (&lane->base, af_value_unref);
  lane->index++;
  lane->merges = 0;
  if (lane->index >= lane->group->len)
    lane_next_group (lane);
  else
    lane_send_entry (lane);
}

/* The rest of the item's entries wait: order per item is the contract. */
static void
lane_hold_item (Lane *lane,
                guint from)
{
  lane_run (lane)->result->waiting += lane->group->len - from;
  lane_next_group (lane);
}

/* A store failure stops the push: the cache is the one thing that must not diverge. */
static gboolean
lane_check_store (Lane    *lane,
                  gboolean ok,
                  GError  *error)
{
  if (ok)
    return TRUE;
  set_fatal (lane_run (lane), error);
  lane_next_group (lane);
  return FALSE;
}

/* Entries lane->index .. @last are in the cloud, which now holds @remote. */
static void
lane_done_through (Lane          *lane,
                   guint          last,
                   const AfValue *remote,
                   gboolean       already)
{
  Run *run = lane_run (lane);

  for (guint i = lane->index; i <= last; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (lane->group, i);
      AfPushDone *done = g_new0 (AfPushDone, 1);

      done->table = entry->table;
      done->item_id = g_strdup (entry->item_id);
      /* Values are immutable once built: a reference is as good as a copy. */
      done->remote = af_value_ref ((AfValue *) remote);
      done->done_seq = entry->seq;
      g_ptr_array_add (run->done, done);
      run->result->pushed++;
      if (already)
        {
          run->result->already++;
          g_debug ("%s %s: entry %s was already applied", af_table_nick (entry->table),
                   entry->item_id, entry->op_id);
        }
    }
  g_clear_pointer (&lane->carry, af_value_unref);
  lane->carry = af_value_ref ((AfValue *) remote);
  lane->index = last;
  if (run->done->len >= COMMIT_EVERY && !run_flush (run, lane_push (lane)))
    {
      lane_next_group (lane);
      return;
    }
  lane_next_entry (lane);
}

/* The index of the item's entry the cloud names as last_op_id, -1 when none: that
 * entry and every earlier one are in the cloud already (a lost answer, a run killed
 * before it committed). */
static gint
lane_applied_through (Lane          *lane,
                      const AfValue *item)
{
  return af_outbox_applied_through (lane->group, lane->index, item);
}

/* ---- Building the UpdateItem ------------------------------------------------------ */

static void
add_name_value (AfValue    *names,
                AfValue    *values,
                const char *placeholder,
                const char *name,
                AfValue    *value)
{
  g_autofree char *hash = g_strconcat ("#", placeholder, NULL);
  g_autofree char *colon = g_strconcat (":", placeholder, NULL);

  if (name != NULL)
    af_value_map_set (names, hash, af_value_new_s (name));
  if (value != NULL)
    af_value_map_set (values, colon, value);
}

static gint64
version_of (const AfValue *item)
{
  const char *version = item != NULL ? af_item_get_n (item, "version") : NULL;
  gint64 number = 0;

  /* Out of range or not an integer: 0, whose condition then fails as a conflict. */
  if (version != NULL)
    af_number_to_int64 (version, 0, AF_NUMBER_INT_MAX, &number);
  return number;
}

/* SET only what the entry sets; the expected version is the base's, absent = 0. */
static char *
build_update (const AfOutboxEntry *entry,
              AfTable              table,
              gint64               expected,
              AfValue             *names,
              AfValue             *values,
              char               **out_condition)
{
  GString *update = g_string_new ("SET ");

  for (guint i = 0; i < af_value_map_size (entry->changes); i++)
    {
      g_autofree char *placeholder = g_strdup_printf ("a%u", i);
      const char *name = af_value_map_name_at (entry->changes, i);
      AfValue *value = af_value_map_value_at (entry->changes, i);

      add_name_value (names, values, placeholder, name, af_value_copy (value));
      if (entry->kind == AF_OP_CORRECTION && g_str_equal (name, "corrections"))
        g_string_append_printf (update, "#%s = list_append(if_not_exists(#%s, :empty), :%s), ",
                                placeholder, placeholder, placeholder);
      else
        g_string_append_printf (update, "#%s = :%s, ", placeholder, placeholder);
    }
  if (entry->kind == AF_OP_CORRECTION)
    add_name_value (names, values, "empty", NULL, af_value_new_list (AF_TYPE_L));
  add_name_value (names, values, "version", "version", af_value_new_n_int (expected));
  add_name_value (names, values, "next", NULL, af_value_new_n_int (expected + 1));
  add_name_value (names, values, "op", "last_op_id", af_value_new_s (entry->op_id));
  /* The condition pins the version to @expected (absent: 0), so the next one is known
   * here: no arithmetic for the server to parse and evaluate on every edit. */
  g_string_append (update, "#version = :next, #op = :op");

  /* attribute_exists(key): UpdateItem would otherwise create an item deleted remotely;
   * an item holding version = :version exists already. */
  if (expected == 0)
    add_name_value (names, values, "key", af_table_key_name (table), NULL);
  *out_condition = g_strdup (expected == 0
                             ? "attribute_exists(#key) AND "
                               "(attribute_not_exists(#version) OR #version = :version)"
                             : "#version = :version");
  return g_string_free (update, FALSE);
}

static void update_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
lane_send_update (Lane    *lane,
                  AfValue *key)
{
  AfPush *self = lane_push (lane);
  AfOutboxEntry *entry = lane_entry (lane);
  g_autoptr(AfValue) names = af_value_new_map ();
  g_autoptr(AfValue) values = af_value_new_map ();
  g_autofree char *condition = NULL;
  g_autofree char *update = build_update (entry, entry->table, version_of (lane->base), names,
                                          values, &condition);
  AfDynamodbParams params = {
    .update_expression = update, .condition_expression = condition,
    .names = names, .values = values, .return_values = "UPDATED_NEW",
    .return_old_on_condition_failure = TRUE,
  };

  af_dynamodb_client_update_item_async (self->dynamodb, self->table_names[entry->table], key,
                                        &params, g_task_get_cancellable (lane->task),
                                        update_done_cb, lane);
}

/* ---- One entry ---------------------------------------------------------------------- */

/* The base: what the previous entry of this item left in the cloud (not committed yet),
 * else the cached remote copy. */
static gboolean
lane_load_base (Lane *lane)
{
  AfOutboxEntry *entry = lane_entry (lane);
  GError *error = NULL;

  g_clear_pointer (&lane->base, af_value_unref);
  if (lane->carry != NULL)
    {
      lane->base = g_steal_pointer (&lane->carry);
      return TRUE;
    }
  lane->base = af_store_get_remote_item (lane_push (lane)->store, entry->table, entry->item_id,
                                         &error);
  return lane_check_store (lane, lane->base != NULL, error);
}

static void
lane_send_entry (Lane *lane)
{
  AfPush *self = lane_push (lane);
  AfOutboxEntry *entry = lane_entry (lane);
  g_autoptr(AfValue) key = NULL;
  gint applied;

  /* Only a push opens a conflict, and this lane holds the item: after an entry of it went
   * through (a carry), none can have opened since. */
  if (lane->carry == NULL
      && af_store_conflict_is_open (self->store, entry->table, entry->item_id, NULL))
    {
      lane_hold_item (lane, lane->index);
      return;
    }
  /* A tampered cache: what the entry would send cannot be trusted, so nothing is. */
  if (entry->integrity_failed)
    {
      lane_refuse_entry (lane, "integrity failure: its encrypted values do not authenticate; "
                               "not sent");
      return;
    }
  if (!lane_load_base (lane))
    return;
  /* A run killed after the write, then a pull: the base already holds the entry, and
   * sending it again on that version would apply it twice. */
  applied = lane_applied_through (lane, lane->base);
  if (applied >= 0 || af_conflict_already_applied (entry, lane->base))
    {
      g_autoptr(AfValue) base = af_value_ref (lane->base);

      lane_done_through (lane, MAX (applied, (gint) lane->index), base, TRUE);
      return;
    }
  /* The base holds the partition key and, for analyses, the sort key. */
  key = af_table_item_key (entry->table, lane->base);
  if (key == NULL)
    {
      lane_refuse_entry (lane, "the cached item has no key");
      return;
    }
  lane_send_update (lane, key);
}

static void
lane_refuse_entry (Lane       *lane,
                   const char *message)
{
  AfOutboxEntry *entry = lane_entry (lane);
  Run *run = lane_run (lane);

  af_store_sync_set_entry_error (lane_push (lane)->store, entry->seq, message, NULL);
  run->result->errors++;
  add_problem (run, "%s %s (%s): %s", af_table_nick (entry->table), entry->item_id,
               af_op_kind_to_string (entry->kind), message);
  lane_hold_item (lane, lane->index);
}

static void
lane_conflict (Lane          *lane,
               char         **attributes,
               const AfValue *current)
{
  AfOutboxEntry *entry = lane_entry (lane);
  GError *error = NULL;
  gboolean ok;

  if (!run_flush (lane_run (lane), lane_push (lane)))
    {
      lane_next_group (lane);
      return;
    }
  ok = af_store_conflict_add (lane_push (lane)->store, entry, (const char * const *) attributes,
                              lane->base, current, &error);
  if (!lane_check_store (lane, ok, error))
    return;
  lane_run (lane)->result->conflicts++;
  g_info ("%s %s: conflict on %s, waiting for the user", af_table_nick (entry->table),
          entry->item_id, attributes[0]);
  lane_hold_item (lane, lane->index);
}

static void
lane_merge (Lane          *lane,
            const AfValue *current)
{
  AfOutboxEntry *entry = lane_entry (lane);
  GError *error = NULL;
  gboolean ok;

  if (++lane->merges > MAX_MERGES_PER_ENTRY)
    {
      lane_refuse_entry (lane, "the item keeps changing remotely; left for the next sync");
      return;
    }
  /* Committed results first: they must not land on top of this newer copy. */
  if (!run_flush (lane_run (lane), lane_push (lane)))
    {
      lane_next_group (lane);
      return;
    }
  ok = af_store_sync_rebase (lane_push (lane)->store, entry->table, entry->item_id, current, 0,
                             &error);
  if (!lane_check_store (lane, ok, error))
    return;
  lane_run (lane)->result->merged++;
  g_info ("%s %s: changed remotely on other attributes; %s merged on version %" G_GINT64_FORMAT,
          af_table_nick (entry->table), entry->item_id, af_op_kind_to_string (entry->kind),
          version_of (current));
  lane_send_entry (lane);
}

/* The item's version moved (or the item is gone): what does the cloud hold now? */
static void
lane_judge (Lane          *lane,
            const AfValue *current)
{
  g_auto(GStrv) attributes = NULL;
  gint applied;

  if (current == NULL)
    {
      lane_refuse_entry (lane, "the item no longer exists remotely");
      return;
    }
  applied = lane_applied_through (lane, current);
  if (applied >= 0)
    {
      lane_done_through (lane, applied, current, TRUE);
      return;
    }
  switch (af_conflict_judge (lane_entry (lane), lane->base, current, &attributes))
    {
    case AF_JUDGEMENT_APPLIED:
      lane_done_through (lane, lane->index, current, TRUE);
      break;
    case AF_JUDGEMENT_MERGE:
      lane_merge (lane, current);
      break;
    case AF_JUDGEMENT_CONFLICT:
    default:
      lane_conflict (lane, attributes, current);
      break;
    }
}

static void
get_current_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Lane *lane = user_data;
  g_autoptr(AfValue) current = NULL;
  GError *error = NULL;

  if (!af_dynamodb_client_get_item_finish (AF_DYNAMODB_CLIENT (source), result, &current, &error))
    {
      set_fatal (lane_run (lane), error);
      lane_next_group (lane);
      return;
    }
  lane_judge (lane, current);
}

/* dynalite ignores ReturnValuesOnConditionCheckFailure: read the item instead. */
static void
lane_read_current (Lane *lane)
{
  AfPush *self = lane_push (lane);
  AfOutboxEntry *entry = lane_entry (lane);
  g_autoptr(AfValue) key = af_store_sync_item_key (self->store, entry->table, entry->item_id, NULL);
  AfDynamodbParams params = { .consistent_read = TRUE };

  if (key == NULL)
    {
      lane_refuse_entry (lane, "the item left the cache");
      return;
    }
  af_dynamodb_client_get_item_async (self->dynamodb, self->table_names[entry->table], key,
                                     &params, g_task_get_cancellable (lane->task),
                                     get_current_cb, lane);
}

/* Validation and malformed answers concern this entry; anything else (network, 5xx
 * after every retry, credentials, a missing table) stops the push and keeps the rest
 * queued. */
static void
lane_failed (Lane   *lane,
             GError *error)
{
  AfOutboxEntry *entry = lane_entry (lane);

  if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION)
      || g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED))
    {
      lane_refuse_entry (lane, error->message);
      g_error_free (error);
      return;
    }
  af_store_sync_set_entry_error (lane_push (lane)->store, entry->seq, error->message, NULL);
  set_fatal (lane_run (lane), error);
  lane_next_group (lane);
}

/* UPDATED_NEW answers with the attributes the update set: the entry's own, version and
 * last_op_id. Laid over the base the update was conditioned on, they are the item the
 * cloud now holds (nothing else could change between the base's version and ours), at a
 * fraction of what ALL_NEW costs both sides: the whole item back, parsed, for every
 * edit. The answer must show our update: the next version and our op id. */
static AfValue *
lane_updated_item (Lane           *lane,
                   const AfValue  *updated,
                   GError        **error)
{
  AfOutboxEntry *entry = lane_entry (lane);
  const char *version = af_item_get_n (updated, "version");
  const char *op_id = af_item_get_s (updated, "last_op_id");
  gint64 number = 0;
  AfValue *item = NULL;

  if (version == NULL || op_id == NULL
      || !af_number_to_int64 (version, 1, AF_NUMBER_INT_MAX, &number)
      || number != version_of (lane->base) + 1 || strcmp (op_id, entry->op_id) != 0)
    {
      /* The problem line names the item; the next sync finds the entry by last_op_id. */
      g_set_error (error, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                   "DynamoDB's answer to the update does not show it applied (%s)",
                   version == NULL ? "no version" : op_id == NULL ? "no last_op_id"
                   : number != version_of (lane->base) + 1 ? "unexpected version"
                   : "another last_op_id");
      return NULL;
    }
  for (guint i = 0; i < af_value_map_size (updated); i++)
    {
      const char *name = af_value_map_name_at (updated, i);
      AfValue *value = af_value_ref (af_value_map_value_at (updated, i));

      /* The first member copies the base's member list (sharing the values). */
      if (item == NULL)
        item = af_value_with_member (lane->base, name, value);
      else
        af_value_map_set (item, name, value);
    }
  return item;
}

static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Lane *lane = user_data;
  g_autoptr(AfValue) item = NULL;
  GError *error = NULL;

  if (af_dynamodb_client_write_finish (AF_DYNAMODB_CLIENT (source), result, &item, &error))
    {
      g_autoptr(AfValue) applied = NULL;

      /* No Attributes at all: a server that ignores ReturnValues; read the item. */
      if (item == NULL)
        {
          lane_read_current (lane);
          return;
        }
      applied = lane_updated_item (lane, item, &error);
      if (applied == NULL)
        lane_failed (lane, error);
      else
        lane_done_through (lane, lane->index, applied, FALSE);
      return;
    }
  if (!g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT))
    {
      lane_failed (lane, error);
      return;
    }
  g_error_free (error);
  if (item != NULL)
    lane_judge (lane, item);
  else
    lane_read_current (lane);
}

/* ---- Starting and finishing --------------------------------------------------------- */

/* Entries grouped per item, each group in outbox order, groups in order of their first
 * entry. */
static GPtrArray *
group_entries (GPtrArray *entries)
{
  g_autoptr(GHashTable) by_item = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  /* The entries move into their groups. */
  g_ptr_array_set_free_func (entries, NULL);
  for (guint i = 0; i < entries->len; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *id = g_strdup_printf ("%s/%s", af_table_nick (entry->table), entry->item_id);
      GPtrArray *group = g_hash_table_lookup (by_item, id);

      if (group == NULL)
        {
          group = g_ptr_array_new_with_free_func ((GDestroyNotify) af_outbox_entry_free);
          g_ptr_array_add (groups, group);
          g_hash_table_insert (by_item, g_steal_pointer (&id), group);
        }
      g_ptr_array_add (group, entry);
    }
  return groups;
}

/* Counted before sending, in one transaction: a note typed meanwhile must not fold
 * into an entry that may already be in the cloud. Entries behind a conflict wait. */
static gboolean
mark_attempts (AfPush     *self,
               GPtrArray  *entries,
               GError    **error)
{
  g_autoptr(GPtrArray) sendable = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    {
      AfOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (!af_store_conflict_is_open (self->store, entry->table, entry->item_id, NULL))
        g_ptr_array_add (sendable, entry);
    }
  return af_store_sync_mark_attempts (self->store, sendable, error);
}

void
af_push_run_async (AfPush              *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GError *error = NULL;
  Run *run;
  guint lanes;

  g_return_if_fail (AF_IS_PUSH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_push_run_async);
  entries = af_store_outbox_list (self->store, &error);
  if (entries == NULL || !af_store_sync_prepare (self->store, &error)
      || !mark_attempts (self, entries, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  run = g_new0 (Run, 1);
  run->result = g_new0 (AfPushResult, 1);
  run->result->problems = g_ptr_array_new_with_free_func (g_free);
  run->done = g_ptr_array_new_with_free_func ((GDestroyNotify) af_push_done_free);
  run->groups = group_entries (entries);
  run->requests_before = af_dynamodb_client_get_request_count (self->dynamodb);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);

  lanes = MAX (1, MIN (self->lanes, run->groups->len));
  run->active_lanes = lanes;
  for (guint i = 0; i < lanes; i++)
    {
      Lane *lane = g_new0 (Lane, 1);

      lane->task = g_object_ref (task);
      lane_next_group (lane);
    }
}

AfPushResult *
af_push_run_finish (AfPush        *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
