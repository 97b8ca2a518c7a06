/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-show"

#include "afc-commands.h"

#include "af-store-sync.h"
#include "afc-output.h"

/* The outbox entries that concern one item, in outbox order. */
static GPtrArray *
pending_for_item (AfStore     *store,
                  AfTable      table,
                  const char  *id,
                  GError     **error)
{
  g_autoptr(GPtrArray) outbox = af_store_outbox_list (store, error);
  GPtrArray *pending;

  if (outbox == NULL)
    return NULL;

  pending = g_ptr_array_new ();
  for (guint i = 0; i < outbox->len; i++)
    {
      AfOutboxEntry *entry = outbox->pdata[i];

      if (entry->table == table && g_strcmp0 (entry->item_id, id) == 0)
        g_ptr_array_add (pending, (gpointer) af_op_kind_to_string (entry->kind));
    }
  return pending;
}

/* What the cache knows beyond the item's attributes, under "_" names so that no
 * remote attribute can collide with them. */
static AfValue *
build_facts (AfTable    table,
             GPtrArray *pending)
{
  AfValue *facts = af_value_new_map ();
  AfValue *operations = af_value_new_list (AF_TYPE_L);

  for (guint i = 0; i < pending->len; i++)
    af_value_list_append (operations, af_value_new_s (pending->pdata[i]));

  af_value_map_set (facts, "_table", af_value_new_s (af_table_nick (table)));
  af_value_map_set (facts, "_pending_changes", af_value_new_n_int (pending->len));
  af_value_map_set (facts, "_pending_operations", operations);
  return facts;
}

static void
print_text (AfcContext       *context,
            AfTable           table,
            const char       *id,
            const AfValue    *item,
            GPtrArray        *pending,
            const AfConflict *conflict)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *safe_id = NULL;
  g_autoptr(AfValue) id_value = af_value_new_s (id);

  safe_id = afc_output_value_text (id_value);
  g_string_append_printf (out, "%s %s\n", af_table_nick (table), safe_id);
  afc_output_dump (out, item, 2);

  g_string_append_printf (out, "pending changes: %u", pending->len);
  for (guint i = 0; i < pending->len; i++)
    g_string_append_printf (out, "%s%s", i == 0 ? " (" : ", ", (const char *) pending->pdata[i]);
  g_string_append (out, pending->len > 0 ? ")\n" : "\n");
  if (conflict != NULL)
    afc_output_conflict_line (out, conflict);
  afc_context_write (context, out);
}

int
afc_show_item (AfcContext *context,
               AfTable     table,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(AfConflict) conflict = NULL;
  AfStore *store;

  store = afc_context_get_store (context, &error);
  if (store == NULL)
    return afc_context_fail (context, error);

  item = af_store_get_item (store, table, id, &error);
  if (item == NULL)
    return afc_context_fail (context, error);
  /* Masked (***-**-6575) unless --reveal-pii. */
  {
    AfValue *shown = afc_context_shown (context, table, item);

    af_value_unref (item);
    item = shown;
  }
  pending = pending_for_item (store, table, id, &error);
  if (pending == NULL)
    return afc_context_fail (context, error);
  /* An open conflict of the item, if any. */
  conflict = af_store_conflict_get (store, id, NULL);

  if (afc_context_get_json (context))
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(AfValue) facts = build_facts (table, pending);

      if (conflict != NULL)
        afc_output_conflict_facts (facts, conflict);
      afc_output_json_item (out, item, facts);
      afc_context_write (context, out);
    }
  else
    print_text (context, table, id, item, pending, conflict);
  return AFC_EXIT_OK;
}

/* A loan's items of @table (audits or documents), masked unless --reveal-pii. */
static GPtrArray *
loan_items (AfcContext  *context,
            AfStore     *store,
            AfTable      table,
            const char  *loan_id,
            GError     **error)
{
  AfQuery query = { .table = table, .loan_id = loan_id };
  GPtrArray *items = af_store_query (store, &query, error);

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      AfValue *shown = afc_context_shown (context, table, items->pdata[i]);

      af_value_unref (items->pdata[i]);
      items->pdata[i] = shown;
    }
  return items;
}

static AfValue *
items_list (GPtrArray *items)
{
  AfValue *list = af_value_new_list (AF_TYPE_L);

  for (guint i = 0; i < items->len; i++)
    af_value_list_append (list, af_value_ref (items->pdata[i]));
  return list;
}

static void
print_loan_json (AfcContext *context,
                 const char *loan_id,
                 GPtrArray  *audits,
                 GPtrArray  *documents)
{
  g_autoptr(AfValue) loan = af_value_new_map ();
  g_autoptr(GString) out = g_string_new (NULL);

  af_value_map_set (loan, "_table", af_value_new_s ("loan"));
  af_value_map_set (loan, "loan_application_id", af_value_new_s (loan_id));
  af_value_map_set (loan, "audits", items_list (audits));
  af_value_map_set (loan, "documents", items_list (documents));
  afc_output_json_value (out, loan);
  afc_context_write (context, out);
}

static void
print_loan_text (AfcContext *context,
                 const char *loan_id,
                 GPtrArray  *audits,
                 GPtrArray  *documents)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(AfValue) id_value = af_value_new_s (loan_id);
  g_autofree char *safe_id = afc_output_value_text (id_value);
  GPtrArray *lists[] = { audits, documents };
  AfTable tables[] = { AF_TABLE_AUDITS, AF_TABLE_DOCUMENTS };

  g_string_append_printf (out, "loan %s\n", safe_id);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_string_append_printf (out, "\n%u %s\n", lists[i]->len,
                              afc_output_table_noun (tables[i], lists[i]->len));
      if (lists[i]->len > 0)
        afc_output_table (out, afc_list_columns (tables[i]), lists[i]);
    }
  afc_context_write (context, out);
}

/* A loan application has no item of its own: its audits and documents stand for it. */
static int
show_loan (AfcContext *context,
           AfStore    *store,
           const char *loan_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) audits = loan_items (context, store, AF_TABLE_AUDITS, loan_id, &error);
  g_autoptr(GPtrArray) documents = NULL;

  if (audits == NULL)
    return afc_context_fail (context, error);
  documents = loan_items (context, store, AF_TABLE_DOCUMENTS, loan_id, &error);
  if (documents == NULL)
    return afc_context_fail (context, error);
  if (audits->len == 0 && documents->len == 0)
    return afc_context_fail_message (context, "no item or loan with id '%s'", loan_id);

  if (afc_context_get_json (context))
    print_loan_json (context, loan_id, audits, documents);
  else
    print_loan_text (context, loan_id, audits, documents);
  return AFC_EXIT_OK;
}

static int
show_run (const AfcCommand  *command,
          AfcContext        *context,
          int                argc,
          char             **argv)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfValue) item = NULL;
  AfTable table;
  AfStore *store;
  int exit_code;

  if (!afc_command_parse (command, context, NULL, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;

  store = afc_context_get_store (context, &error);
  if (store == NULL)
    return afc_context_fail (context, error);

  /* An id is unique across the tables (UUIDs), so it is enough to name the item;
   * anything else may be a loan application id. */
  item = af_store_find_item (store, args[0], &table, &error);
  if (item == NULL && g_error_matches (error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND))
    return show_loan (context, store, args[0]);
  if (item == NULL)
    return afc_context_fail (context, error);

  return afc_show_item (context, table, args[0]);
}

const AfcCommand afc_command_show = {
  .name = "show",
  .parameter_string = "ID",
  .summary = "Show one item (audit, document, analysis or user), or a loan's audits and documents",
  .description = "ID is an audit_record_id, document_id, request_id or user_id, or a\n"
                 "loan_application_id (its audits and documents are listed).\n"
                 "--json prints the item's own attributes at the top level and what the\n"
                 "cache knows besides under names that begin with '_': _table,\n"
                 "_pending_changes (outbox entries for the item), _pending_operations.\n"
                 "For a loan: {_table: \"loan\", loan_application_id, audits: [...],\n"
                 "documents: [...]}.",
  .run = show_run,
};
