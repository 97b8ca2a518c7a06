/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-status"

#include "afc-commands.h"

#include "af-store-sync.h"
#include "af-sync.h"
#include "afc-output.h"

/* The sync-state key the sync engine writes when a sync ran to the end. */
#define LAST_SYNC_KEY "last_sync"

typedef struct
{
  GPtrArray *outbox;      /* (owned): AfOutboxEntry */
  char      *last_sync;   /* (owned) (nullable): never synced when NULL */
  guint      conflicts;   /* open conflicts (af-store-sync.h) */
} Status;

static void
status_clear (Status *status)
{
  g_clear_pointer (&status->outbox, g_ptr_array_unref);
  g_clear_pointer (&status->last_sync, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Status, status_clear)

static gboolean
load_status (AfStore  *store,
             Status   *status,
             GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  status->outbox = af_store_outbox_list (store, error);
  if (status->outbox == NULL)
    return FALSE;
  status->conflicts = MAX (af_store_conflict_count (store, NULL), 0);

  /* get_state returns NULL both when unset and on failure: only the error tells. */
  status->last_sync = af_store_get_state (store, LAST_SYNC_KEY, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* NULL as JSON's null. */
static AfValue *
string_or_null (const char *text)
{
  return text != NULL ? af_value_new_s (text) : af_value_new_null ();
}

/* An AfValue rather than a JsonBuilder document: the changes may hold numbers with
 * more digits than a JsonNode keeps (afc-output.h). */
static AfValue *
entry_value (const AfOutboxEntry *entry)
{
  AfValue *value = af_value_new_map ();

  af_value_map_set (value, "seq", af_value_new_n_int (entry->seq));
  af_value_map_set (value, "op_id", af_value_new_s (entry->op_id));
  af_value_map_set (value, "table", af_value_new_s (af_table_nick (entry->table)));
  af_value_map_set (value, "item_id", af_value_new_s (entry->item_id));
  af_value_map_set (value, "kind", af_value_new_s (af_op_kind_to_string (entry->kind)));
  af_value_map_set (value, "changes", entry->changes != NULL ? af_value_copy (entry->changes)
                                                             : af_value_new_null ());
  af_value_map_set (value, "created_at", af_value_new_s (entry->created_at));
  af_value_map_set (value, "attempts", af_value_new_n_int (entry->attempts));
  af_value_map_set (value, "last_error", string_or_null (entry->last_error));
  return value;
}

/* The sync engine's own lines: offline, submissions waiting, the last error. */
static void
add_sync_status (AfValue *document,
                 AfStore *store)
{
  g_auto(AfSyncStatus) status = { 0 };

  if (!af_sync_load_status (store, &status, NULL))
    return;
  af_value_map_set (document, "offline", af_value_new_bool (status.offline));
  af_value_map_set (document, "submissions", af_value_new_n_int (status.submissions));
  af_value_map_set (document, "last_error", string_or_null (status.last_error));
}

static void
print_json (AfcContext   *context,
            AfStore      *store,
            const Status *status)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(AfValue) document = af_value_new_map ();
  AfValue *pending = af_value_new_list (AF_TYPE_L);

  for (guint i = 0; i < status->outbox->len; i++)
    af_value_list_append (pending, entry_value (status->outbox->pdata[i]));
  af_value_map_set (document, "outbox_length", af_value_new_n_int (status->outbox->len));
  af_value_map_set (document, "pending", pending);
  af_value_map_set (document, "conflicts", af_value_new_n_int (status->conflicts));
  af_value_map_set (document, "last_sync", string_or_null (status->last_sync));
  add_sync_status (document, store);
  afc_output_json_value (out, document);
  afc_context_write (context, out);
}

static void
append_sync_status_text (GString *out,
                         AfStore *store)
{
  g_auto(AfSyncStatus) status = { 0 };
  gint64 waiting;

  if (!af_sync_load_status (store, &status, NULL))
    return;
  waiting = status.outbox + status.submissions;
  if (status.offline)
    g_string_append_printf (out, "offline — %" G_GINT64_FORMAT " %s waiting\n",
                            waiting, waiting == 1 ? "change" : "changes");
  if (status.submissions > 0)
    g_string_append_printf (out, "submissions: %" G_GINT64_FORMAT " waiting\n", status.submissions);
  if (status.last_error != NULL)
    {
      g_autoptr(AfValue) value = af_value_new_s (status.last_error);
      g_autofree char *safe = afc_output_value_text (value);

      g_string_append_printf (out, "last error: %s\n", safe);
    }
}

static void
append_entry_text (GString             *out,
                   const AfOutboxEntry *entry)
{
  g_autoptr(AfValue) item_id = af_value_new_s (entry->item_id);
  g_autofree char *safe_id = afc_output_value_text (item_id);

  g_string_append_printf (out, "  %" G_GINT64_FORMAT "  %-14s  %-9s  %s  %s",
                          entry->seq, af_op_kind_to_string (entry->kind),
                          af_table_nick (entry->table), safe_id, entry->created_at);
  if (entry->attempts > 0)
    g_string_append_printf (out, "  (%u %s)", entry->attempts,
                            entry->attempts == 1 ? "attempt" : "attempts");
  if (entry->last_error != NULL)
    {
      g_autoptr(AfValue) last_error = af_value_new_s (entry->last_error);
      g_autofree char *safe_error = afc_output_value_text (last_error);

      g_string_append_printf (out, "\n      last error: %s", safe_error);
    }
  g_string_append_c (out, '\n');
}

static void
print_text (AfcContext   *context,
            AfStore      *store,
            const Status *status)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "outbox: %u %s\n", status->outbox->len,
                          status->outbox->len == 1 ? "entry" : "entries");
  for (guint i = 0; i < status->outbox->len; i++)
    append_entry_text (out, status->outbox->pdata[i]);
  g_string_append_printf (out, "conflicts: %u\n", status->conflicts);
  g_string_append_printf (out, "last sync: %s\n",
                          status->last_sync != NULL ? status->last_sync : "never");
  append_sync_status_text (out, store);
  afc_context_write (context, out);
}

static int
status_run (const AfcCommand  *command,
            AfcContext        *context,
            int                argc,
            char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Status) status = { NULL };
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 0, 0, argc, argv, &args, &exit_code))
    return exit_code;

  store = afc_context_get_store (context, &error);
  if (store == NULL || !load_status (store, &status, &error))
    return afc_context_fail (context, error);

  if (afc_context_get_json (context))
    print_json (context, store, &status);
  else
    print_text (context, store, &status);
  return AFC_EXIT_OK;
}

const AfcCommand afc_command_status = {
  .name = "status",
  .parameter_string = "",
  .summary = "Show the outbox (edits waiting to be sent), conflicts and the last sync time",
  .description = "--json prints {outbox_length, pending: [...], conflicts, last_sync};\n"
                 "last_sync is null when the cache has never been synced.",
  .run = status_run,
};
