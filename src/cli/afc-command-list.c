/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afc-command-list"

#include "afc-commands.h"

#include <math.h>

#include "afc-output.h"

/* The options as typed; parsed and checked into an AfQuery afterwards, so that a bad
 * number is a usage error naming the option rather than a silent 0. */
typedef struct
{
  char *status;
  char *loan;
  char *user_id;
  char *verdict;
  char *search;
  char *min_risk;
  char *limit;
  char *offset;
  gboolean count;   /* --count: the length of the whole list, read by counting it */
} ListOptions;

static void
list_options_clear (ListOptions *options)
{
  g_clear_pointer (&options->status, g_free);
  g_clear_pointer (&options->loan, g_free);
  g_clear_pointer (&options->user_id, g_free);
  g_clear_pointer (&options->verdict, g_free);
  g_clear_pointer (&options->search, g_free);
  g_clear_pointer (&options->min_risk, g_free);
  g_clear_pointer (&options->limit, g_free);
  g_clear_pointer (&options->offset, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ListOptions, list_options_clear)

/* The key columns of each table, in the order a reviewer reads them. */
static const char * const audit_columns[] = {
  "audit_record_id", "loan_application_id", "status", "risk_score", "risk_level",
  "applicant_name", "audit_timestamp", "reviewed_by", NULL
};
static const char * const document_columns[] = {
  "document_id", "loan_application_id", "document_type", "processing_status",
  "upload_timestamp", "file_name", NULL
};
static const char * const analysis_columns[] = {
  "request_id", "user_id", "status", "verdict", "forgery_score", "timestamp_iso",
  "filename", NULL
};
static const char * const user_columns[] = {
  "user_id", "email", "first_name", "last_name", "account_tier", "quota_used",
  "monthly_quota", NULL
};

const char * const *
afc_list_columns (AfTable table)
{
  switch (table)
    {
    case AF_TABLE_AUDITS:
      return audit_columns;
    case AF_TABLE_DOCUMENTS:
      return document_columns;
    case AF_TABLE_ANALYSES:
      return analysis_columns;
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      return user_columns;
    }
}

/* A filter that a table cannot honour is refused rather than ignored: a script
 * asking for `list users --min-risk 50` has a bug it should hear about. */
static const char *
inapplicable_option (const ListOptions *options,
                     AfTable            table)
{
  if (options->status != NULL && table == AF_TABLE_USERS)
    return "--status";
  if (options->min_risk != NULL && table != AF_TABLE_AUDITS)
    return "--min-risk";
  if (options->loan != NULL && table != AF_TABLE_AUDITS && table != AF_TABLE_DOCUMENTS)
    return "--loan";
  if (options->user_id != NULL && table != AF_TABLE_ANALYSES)
    return "--user-id";
  if (options->verdict != NULL && table != AF_TABLE_ANALYSES)
    return "--verdict";
  return NULL;
}

static gboolean
parse_number (const char *text,
              double     *out_number)
{
  char *end = NULL;

  *out_number = g_ascii_strtod (text, &end);
  return *text != '\0' && end != NULL && *end == '\0' && isfinite (*out_number);
}

static gboolean
parse_count (const char *text,
             guint      *out_count)
{
  guint64 number = 0;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT, &number, NULL))
    return FALSE;
  *out_count = (guint) number;
  return TRUE;
}

/* Fills @query from the options; on a bad value returns the option's name. */
static const char *
build_query (const ListOptions *options,
             AfQuery           *query)
{
  query->status = options->status;
  query->loan_id = options->loan;
  query->user_id = options->user_id;
  query->verdict = options->verdict;
  query->search = options->search;

  if (options->min_risk != NULL)
    {
      if (!parse_number (options->min_risk, &query->min_risk))
        return "--min-risk";
      query->has_min_risk = TRUE;
      query->order_by_risk = TRUE;
    }
  if (!parse_count (options->limit, &query->limit))
    return "--limit";
  if (!parse_count (options->offset, &query->offset))
    return "--offset";
  return NULL;
}

/* @more: a page was asked for and items follow it. @total: the length of the whole
 * list, or -1 when not counted (only --count counts: a count reads every matching row). */
static void
print_text (AfcContext    *context,
            const AfQuery *query,
            GPtrArray     *items,
            gboolean       more,
            gint64         total)
{
  g_autoptr(GString) out = g_string_new (NULL);

  if (items->len > 0)
    afc_output_table (out, afc_list_columns (query->table), items);
  if (total >= 0 && total != items->len)
    g_string_append_printf (out, "%u of %" G_GINT64_FORMAT " %s (from %u)\n",
                            items->len, total, af_table_nick (query->table), query->offset);
  else if (more)
    g_string_append_printf (out, "%u %s shown (from %u); more follow: --offset %u for the "
                            "next ones, --count for how many\n", items->len,
                            afc_output_table_noun (query->table, items->len), query->offset,
                            query->offset + items->len);
  else
    g_string_append_printf (out, "%u %s\n", items->len,
                            afc_output_table_noun (query->table, items->len));
  afc_context_write (context, out);
}

/* The page, and whether items follow it: one row more is read rather than every row
 * counted, so that a page costs the same at 1,000 and 1,000,000 items. */
static GPtrArray *
query_page (AfStore        *store,
            const AfQuery  *query,
            gboolean       *out_more,
            GError        **error)
{
  AfQuery one_more = *query;
  GPtrArray *items;

  *out_more = FALSE;
  if (query->limit == 0 || query->limit == G_MAXUINT)
    return af_store_query (store, query, error);
  one_more.limit = query->limit + 1;
  items = af_store_query (store, &one_more, error);
  if (items != NULL && items->len > query->limit)
    {
      g_ptr_array_set_size (items, query->limit);
      *out_more = TRUE;
    }
  return items;
}

static int
run_query (AfcContext    *context,
           const AfQuery *query,
           gboolean       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gint64 total = -1;
  gboolean more = FALSE;
  AfStore *store;

  store = afc_context_get_store (context, &error);
  if (store == NULL)
    return afc_context_fail (context, error);

  items = query_page (store, query, &more, &error);
  if (items == NULL)
    return afc_context_fail (context, error);
  /* Masked (***-**-6575) unless --reveal-pii. */
  for (guint i = 0; i < items->len; i++)
    {
      AfValue *shown = afc_context_shown (context, query->table, items->pdata[i]);

      af_value_unref (items->pdata[i]);
      items->pdata[i] = shown;
    }

  if (afc_context_get_json (context))
    {
      g_autoptr(GString) out = g_string_new (NULL);

      afc_output_json_items (out, items);
      afc_context_write (context, out);
      return AFC_EXIT_OK;
    }

  /* A page says that more follow; how many, only when asked. */
  if (count)
    {
      total = af_store_count (store, query, &error);
      if (total < 0)
        return afc_context_fail (context, error);
    }
  print_text (context, query, items, more, total);
  return AFC_EXIT_OK;
}

static int
list_run (const AfcCommand  *command,
          AfcContext        *context,
          int                argc,
          char             **argv)
{
  g_auto(ListOptions) options = { NULL };
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_FILENAME, &options.status,
      "Only items with this status (processing_status for documents)", "S" },
    { "min-risk", 0, 0, G_OPTION_ARG_FILENAME, &options.min_risk,
      "Audits with risk_score above N, highest first", "N" },
    { "loan", 0, 0, G_OPTION_ARG_FILENAME, &options.loan,
      "Audits or documents of this loan application", "ID" },
    { "user-id", 0, 0, G_OPTION_ARG_FILENAME, &options.user_id,
      "Analyses of this user", "ID" },
    { "verdict", 0, 0, G_OPTION_ARG_FILENAME, &options.verdict,
      "Analyses with this verdict", "V" },
    { "search", 0, 0, G_OPTION_ARG_FILENAME, &options.search,
      "Items with every word of TEXT in their name, loan id or file name (any order, "
      "case and accents ignored), or whose id starts with TEXT", "TEXT" },
    { "limit", 0, 0, G_OPTION_ARG_FILENAME, &options.limit, "At most N items", "N" },
    { "offset", 0, 0, G_OPTION_ARG_FILENAME, &options.offset, "Skip the first N items", "N" },
    { "count", 0, 0, G_OPTION_ARG_NONE, &options.count,
      "Also count the whole list (\"50 of N\"; reads every matching item)", NULL },
    { NULL }
  };
  g_auto(GStrv) args = NULL;
  AfQuery query = { 0 };
  const char *bad_option;
  int exit_code;

  if (!afc_command_parse (command, context, entries, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;

  if (!af_table_from_nick (args[0], &query.table))
    return afc_context_usage_error (context, command->name,
                                    "unknown list '%s': expected audits, documents, "
                                    "analyses or users", args[0]);

  bad_option = inapplicable_option (&options, query.table);
  if (bad_option != NULL)
    return afc_context_usage_error (context, command->name, "%s does not apply to %s",
                                    bad_option, args[0]);

  bad_option = build_query (&options, &query);
  if (bad_option != NULL)
    return afc_context_usage_error (context, command->name, "%s needs %s", bad_option,
                                    g_str_equal (bad_option, "--min-risk")
                                      ? "a number" : "a whole number, 0 or more");

  return run_query (context, &query, options.count);
}

const AfcCommand afc_command_list = {
  .name = "list",
  .parameter_string = "audits|documents|analyses|users",
  .summary = "List cached items, in the table's queue order",
  .description = "Order: audits newest first (highest risk first with --min-risk),\n"
                 "documents by upload time, analyses newest first, users by e-mail.\n"
                 "--json prints an array of the items' plain JSON.",
  .run = list_run,
};
