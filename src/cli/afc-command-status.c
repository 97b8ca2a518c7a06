/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-status"

#include "afc-commands.h"

#include "af-codec.h"
#include "af-store-sync.h"
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

static void
append_entry_json (GString             *out,
                   const AfOutboxEntry *entry)
{
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"op_id\":", entry->seq);
  af_codec_write_json_string (out, entry->op_id);
  g_string_append_printf (out, ",\"table\":\"%s\",\"item_id\":", af_table_nick (entry->table));
  af_codec_write_json_string (out, entry->item_id);
  g_string_append_printf (out, ",\"kind\":\"%s\",\"changes\":", af_op_kind_to_string (entry->kind));
  if (entry->changes != NULL)
    af_codec_write_plain (out, entry->changes);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"created_at\":");
  af_codec_write_json_string (out, entry->created_at);
  g_string_append_printf (out, ",\"attempts\":%u,\"last_error\":", entry->attempts);
  if (entry->last_error != NULL)
    af_codec_write_json_string (out, entry->last_error);
  else
    g_string_append (out, "null");
  g_string_append_c (out, '}');
}

static void
print_json (AfcContext   *context,
            AfStore      *store,
            const Status *status)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "{\"outbox_length\":%u,\"pending\":[", status->outbox->len);
  for (guint i = 0; i < status->outbox->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_entry_json (out, status->outbox->pdata[i]);
    }
  g_string_append_printf (out, "],\"conflicts\":%u,\"last_sync\":", status->conflicts);
  if (status->last_sync != NULL)
    af_codec_write_json_string (out, status->last_sync);
  else
    g_string_append (out, "null");
  afc_sync_write_status (store, out, TRUE);
  g_string_append (out, "}\n");
  afc_context_write (context, out);
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
  afc_sync_write_status (store, out, FALSE);
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
