/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The window's search, in-process under Xvfb: typed into the real search entry while
 * the artworks queue is shown, it finds audits, documents and artworks, each kind a
 * group with its count, capped with "Show More"; typing is debounced into one search;
 * a superseded search's results never reach the list; Enter opens a result, Escape
 * brings the queue back; nothing found says "No Results". The SQL guard is FATAL: a
 * statement on the main thread while the test runs its main loop aborts it.
 */
#include "config.h"

#include <adwaita.h>

#include "af-store.h"
#include "af-store-guard.h"
#include "afd-queue.h"
#include "afd-queue-list.h"
#include "afd-queue-model.h"
#include "afd-render-warm-up.h"
#include "afd-search-item.h"
#include "afd-search-model-private.h"
#include "afd-search-results.h"
#include "ui/afd-test-widgets.h"

#define TIMEOUT_SECONDS 30
#define WORD "quillfeather"

/* The names the fixture's items carry: some hold WORD in some case, some not. The
 * expected groups are counted from these lists, not written down. */
static const char *applicants[] = {
  "Ada Quillfeather", "QUILLFEATHER, Bo", "Cy Quillfeather-Ross", "Dora Lindqvist",
  "Emil Sørensen", "Fay Okafor",
};
static const char *file_names[] = {
  "quillfeather_w2_2023.pdf", "Quillfeather-bank-statement.pdf", "quillfeather_1040.tif",
  "quillfeather_license.jpg", "quillfeather_paystub_1.pdf", "quillfeather_paystub_2.pdf",
  "quillfeather_paystub_3.pdf", "quillfeather_id_card.png", "lindqvist_w2.pdf", "scan_0001.pdf",
};
static const char *artwork_names[] = {
  "Quillfeather_portrait.jpg", "still_life_1.jpg", "still_life_2.jpg", "harbour.png",
};

typedef struct
{
  char          *dir;
  AfStoreThread *thread;
  GtkWidget     *window;
  AfdQueueList  *list;
  guint          selected;   /* row-selected emissions */
  AfTable        selected_table;
  char          *selected_id;
} Fixture;

static guint
expected_matches (const char **names,
                  guint        n,
                  const char  *word)
{
  g_autofree char *needle = g_utf8_casefold (word, -1);
  guint matches = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *folded = g_utf8_casefold (names[i], -1);

      matches += strstr (folded, needle) != NULL;
    }
  return matches;
}

static AfValue *
item_new (const char *key,
          guint       i,
          const char *name_attribute,
          const char *name)
{
  AfValue *item = af_value_new_map ();
  g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012x", g_str_hash (key) + i, i);
  g_autofree char *loan = g_strdup_printf ("LOAN-2024-%06u", 100 + i);

  af_value_map_set (item, key, af_value_new_s (id));
  af_value_map_set (item, "loan_application_id", af_value_new_s (loan));
  af_value_map_set (item, name_attribute, af_value_new_s (name));
  return item;
}

/* Items @first.. @first + @n - 1 of @table (their ids follow from the index). */
static void
put_items (AfStore    *store,
           AfTable     table,
           const char *name_attribute,
           const char **names,
           guint        n,
           guint        first)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      AfValue *item = item_new (af_table_key_name (table), first + i, name_attribute, names[i]);

      if (table == AF_TABLE_AUDITS)
        {
          af_value_map_set (item, "status", af_value_new_s ("COMPLETED"));
          af_value_map_set (item, "risk_score", af_value_new_n_int (90 - i));
          af_value_map_set (item, "audit_timestamp", af_value_new_s ("2024-11-02T10:00:00.000Z"));
        }
      else if (table == AF_TABLE_DOCUMENTS)
        {
          af_value_map_set (item, "processing_status", af_value_new_s ("COMPLETED"));
          af_value_map_set (item, "upload_timestamp", af_value_new_s ("2024-11-01T09:00:00.000Z"));
        }
      else
        {
          af_value_map_set (item, "status", af_value_new_s ("COMPLETED"));
          af_value_map_set (item, "user_id", af_value_new_s ("user-1"));
          af_value_map_set (item, "created_at", af_value_new_n_int (1730000000 + i));
        }
      g_ptr_array_add (items, item);
    }
  g_assert_true (af_store_put_remote_items (store, table, items, &error));
  g_assert_no_error (error);
}

static void
row_selected_cb (AfdQueueList *list,
                 AfdQueueRow  *row,
                 Fixture      *f)
{
  f->selected++;
  f->selected_table = afd_queue_row_get_table (row);
  g_free (f->selected_id);
  f->selected_id = g_strdup (afd_queue_row_get_item_id (row));
}

static gboolean
queue_loaded (gpointer data)
{
  return !afd_queue_model_is_loading (data);
}

/* The artworks queue is on show, as the window shows it, before anything is typed. */
static void
show_artworks_queue (Fixture *f)
{
  g_autoptr(AfdQueueModel) model = NULL;
  AfQuery query;

  afd_queue_build_query (AFD_QUEUE_ARTWORKS, 50, NULL, &query);
  model = afd_queue_model_new (f->thread, &query);
  afd_queue_list_set_store_thread (f->list, f->thread);
  afd_queue_list_set_model (f->list, model, NULL, "Nothing");
  afd_test_wait_until (queue_loaded, model, TIMEOUT_SECONDS);
  g_assert_cmpuint (afd_queue_list_get_n_items (f->list), ==, G_N_ELEMENTS (artwork_names));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  AfStore *store;

  f->dir = g_dir_make_tmp ("afd-search-results-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "cache.db", NULL);
  store = af_store_open (path, &error);
  g_assert_no_error (error);
  put_items (store, AF_TABLE_AUDITS, "applicant_name", applicants, G_N_ELEMENTS (applicants), 0);
  put_items (store, AF_TABLE_DOCUMENTS, "file_name", file_names, G_N_ELEMENTS (file_names), 0);
  put_items (store, AF_TABLE_ANALYSES, "filename", artwork_names, G_N_ELEMENTS (artwork_names), 0);
  f->thread = af_store_thread_new (store);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 420, 700);
  f->list = g_object_new (AFD_TYPE_QUEUE_LIST, NULL);
  g_signal_connect (f->list, "row-selected", G_CALLBACK (row_selected_cb), f);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->list));
  /* As the window wires them (afd-window.c). */
  afd_search_results_attach_entry (afd_queue_list_get_search_results (f->list),
                                   GTK_WIDGET (afd_queue_list_get_search_entry (f->list)));
  gtk_window_present (GTK_WINDOW (f->window));
  show_artworks_queue (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  af_store_thread_close (f->thread);
  g_clear_object (&f->thread);
  g_assert_cmpuint (af_store_guard_get_violations (), ==, 0);
  af_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->selected_id);
}

static AfdSearchModel *
search_model (Fixture *f)
{
  return afd_search_results_get_model (afd_queue_list_get_search_results (f->list));
}

static gboolean
search_finished (gpointer data)
{
  Fixture *f = data;

  return !afd_search_model_is_searching (search_model (f)) &&
         g_strcmp0 (afd_search_model_get_text (search_model (f)),
                    afd_queue_list_get_search_text (f->list)) == 0;
}

/* Types @text a letter at a time, faster than the debounce, as a user does, once the
 * window has settled (its first frames take a while under Xvfb). */
static void
type_text (Fixture    *f,
           const char *text)
{
  GtkEditable *entry = GTK_EDITABLE (afd_queue_list_get_search_entry (f->list));

  gtk_widget_grab_focus (GTK_WIDGET (entry));
  afd_test_settle (f->window, 3);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      int position = -1;

      gtk_editable_set_position (entry, -1);
      position = gtk_editable_get_position (entry);
      gtk_editable_insert_text (entry, p, g_utf8_next_char (p) - p, &position);
      /* One round of what is pending (a redraw, the entry's own handlers), without
       * waiting: sources are checked before they run, so a slow redraw on a loaded
       * machine cannot let the debounce expire between two keystrokes. */
      g_main_context_iteration (NULL, FALSE);
    }
}

typedef struct
{
  guint added;
  guint changes;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->added += added;
  changes->changes++;
}

/* The lines of the list view's model that show something, as (kind, label) for the
 * assertions: the spare lines after them (hidden, kept for their widgets) are not. */
static GPtrArray *
lines_of (GListModel *model)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      AfdSearchItem *item = g_list_model_get_item (model, i);

      if (afd_search_item_get_kind (item) == AFD_SEARCH_ITEM_SPARE)
        {
          g_object_unref (item);
          continue;
        }
      /* Spare lines only at the end. */
      g_assert_cmpuint (lines->len, ==, i);
      g_ptr_array_add (lines, item);
    }
  return lines;
}

/* The results of @table's group: checks its header's count and returns its rows. */
static guint
group_rows (GPtrArray  *lines,
            AfTable     table,
            gint64      total,
            guint      *out_more)
{
  g_autofree char *header = total > AFD_SEARCH_ITEM_TOTAL_MAX
                            ? g_strdup_printf ("%s · %d+", afd_search_item_kind_name (table),
                                               AFD_SEARCH_ITEM_TOTAL_MAX)
                            : g_strdup_printf ("%s · %" G_GINT64_FORMAT,
                                               afd_search_item_kind_name (table), total);
  guint rows = 0;
  gboolean in_group = FALSE;

  *out_more = 0;
  for (guint i = 0; i < lines->len; i++)
    {
      AfdSearchItem *item = g_ptr_array_index (lines, i);
      AfdSearchItemKind kind = afd_search_item_get_kind (item);

      if (kind == AFD_SEARCH_ITEM_HEADER)
        {
          in_group = afd_search_item_get_table (item) == table;
          if (in_group)
            g_assert_cmpstr (afd_search_item_get_label (item), ==, header);
        }
      else if (in_group && kind == AFD_SEARCH_ITEM_RESULT)
        {
          g_autofree char *title = g_utf8_casefold (afd_search_item_get_label (item), -1);

          g_assert_cmpint (afd_search_item_get_table (item), ==, table);
          g_assert_nonnull (strstr (title, WORD));
          rows++;
        }
      else if (in_group)
        (*out_more)++;
    }
  return rows;
}

static const char *
visible_page (Fixture *f)
{
  GtkWidget *results = GTK_WIDGET (afd_queue_list_get_search_results (f->list));
  GtkWidget *stack = gtk_widget_get_parent (results);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
test_grouped (Fixture       *f,
              gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  guint audits = expected_matches (applicants, G_N_ELEMENTS (applicants), WORD);
  guint documents = expected_matches (file_names, G_N_ELEMENTS (file_names), WORD);
  guint artworks = expected_matches (artwork_names, G_N_ELEMENTS (artwork_names), WORD);
  Changes changes = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  guint more;

  g_assert_cmpuint (documents, >, AFD_SEARCH_MODEL_GROUP_CAP);
  g_signal_connect (shown, "items-changed", G_CALLBACK (items_changed_cb), &changes);
  g_assert_cmpstr (visible_page (f), ==, "list");

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  /* Twelve keystrokes inside the debounce: one search, its three groups taken in. */
  g_assert_cmpuint (afd_search_model_get_n_started (search_model (f)), ==, 1);
  g_assert_cmpuint (afd_search_model_get_n_delivered (search_model (f)), ==, 3);
  g_assert_cmpstr (visible_page (f), ==, "search");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));

  /* The list view's own model got the groups through items-changed. */
  lines = lines_of (shown);
  g_assert_cmpuint (changes.added, >=, lines->len);
  g_assert_cmpuint (lines->len, ==, 3 + audits + AFD_SEARCH_MODEL_GROUP_CAP + 1 + artworks);
  g_assert_cmpuint (group_rows (lines, AF_TABLE_AUDITS, audits, &more), ==, audits);
  g_assert_cmpuint (more, ==, 0);
  g_assert_cmpuint (group_rows (lines, AF_TABLE_DOCUMENTS, documents, &more), ==,
                    AFD_SEARCH_MODEL_GROUP_CAP);
  g_assert_cmpuint (more, ==, 1);
  g_assert_cmpuint (group_rows (lines, AF_TABLE_ANALYSES, artworks, &more), ==, artworks);
  /* Groups in a fixed order: audits, documents, artworks. */
  g_assert_cmpint (afd_search_item_get_table (g_ptr_array_index (lines, 0)), ==, AF_TABLE_AUDITS);
  g_assert_cmpint (afd_search_item_get_table (g_ptr_array_index (lines, lines->len - 1)), ==,
                   AF_TABLE_ANALYSES);
  afd_test_screenshot (f->window, "search-grouped-list.png");

  /* "Show More" under the documents shows every one of them. */
  {
    g_autofree char *label = g_strdup_printf ("Show %u More", documents - AFD_SEARCH_MODEL_GROUP_CAP);
    GtkWidget *button = afd_test_find_button (GTK_WIDGET (view), label);

    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
    g_clear_pointer (&lines, g_ptr_array_unref);
    lines = lines_of (shown);
    g_assert_cmpuint (group_rows (lines, AF_TABLE_DOCUMENTS, documents, &more), ==, documents);
    g_assert_cmpuint (more, ==, 0);
  }
}

/* Enter in the entry opens the first result; Enter on a row opens that one; Escape
 * ends the search and the queue that was shown is back. */
static void
test_open_and_clear (Fixture       *f,
                     gconstpointer  data)
{
  GtkSearchEntry *entry = afd_queue_list_get_search_entry (f->list);
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GPtrArray) lines = NULL;
  guint document = G_MAXUINT;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);

  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (f->selected, ==, 1);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_AUDITS);

  lines = lines_of (shown);
  for (guint i = 0; i < lines->len && document == G_MAXUINT; i++)
    if (afd_search_item_get_table (g_ptr_array_index (lines, i)) == AF_TABLE_DOCUMENTS &&
        afd_search_item_get_kind (g_ptr_array_index (lines, i)) == AFD_SEARCH_ITEM_RESULT)
      document = i;
  g_assert_cmpuint (document, <, lines->len);
  gtk_widget_activate_action (GTK_WIDGET (view), "list.activate-item", "u", document);
  g_assert_cmpuint (f->selected, ==, 2);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_DOCUMENTS);
  g_assert_cmpstr (f->selected_id, ==,
                   afd_queue_row_get_item_id (afd_search_item_get_row (g_ptr_array_index (lines, document))));
  /* A click selects the row: that opens it too. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown), document + 1, TRUE);
  g_assert_cmpuint (f->selected, ==, 3);
  /* The query is still there to come back to. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, WORD);
  g_assert_cmpstr (visible_page (f), ==, "search");

  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  afd_test_run_for (50);
  g_assert_cmpstr (visible_page (f), ==, "list");
  g_assert_cmpuint (afd_queue_list_get_n_items (f->list), ==, G_N_ELEMENTS (artwork_names));
  /* The cleared search's lines are kept for their widgets, spare, showing nothing. */
  g_assert_cmpuint (afd_search_model_get_n_shown (search_model (f)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));

  /* A queue chosen in the sidebar ends a search the same way (afd_queue_list_stop_search). */
  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  g_assert_cmpstr (visible_page (f), ==, "search");
  afd_queue_list_stop_search (f->list);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpstr (visible_page (f), ==, "list");
  g_assert_cmpuint (afd_search_model_get_n_shown (search_model (f)), ==, 0);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
}

static void
test_no_results (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *results = GTK_WIDGET (afd_queue_list_get_search_results (f->list));
  GtkWidget *status;

  type_text (f, "zebrawood");
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  status = gtk_widget_get_first_child (gtk_widget_get_first_child (results));
  g_assert_cmpstr (visible_page (f), ==, "search");
  for (; status != NULL && !ADW_IS_STATUS_PAGE (status); status = gtk_widget_get_next_sibling (status))
    ;
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_get_mapped (status));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==, "No Results");
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (status)), "zebrawood"));
}

static gpointer
put_audit_job (AfStore   *store,
               gpointer   data,
               GError   **error)
{
  static const char *names[] = { "Gus Quillfeather" };

  put_items (store, AF_TABLE_AUDITS, "applicant_name", names, 1, 1000);
  return GINT_TO_POINTER (TRUE);
}

/* The one item selected in the list view's model, or NULL. */
static AfdSearchItem *
selected_item (GtkSelectionModel *shown)
{
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (shown);

  if (gtk_bitset_get_size (selected) != 1)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (shown), gtk_bitset_get_minimum (selected));
}

/* An edit while the results are on show (the window reloads its list): the search runs
 * again, the new audit is counted, the result on show stays selected and is not
 * reopened. */
static void
test_refresh (Fixture       *f,
              gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GtkSelectionModel *shown = gtk_list_view_get_model (view);
  g_autoptr(GAsyncResult) put = NULL;
  g_autoptr(AfdSearchItem) item = NULL;
  guint audits = expected_matches (applicants, G_N_ELEMENTS (applicants), WORD);
  g_autofree char *document_id = NULL;
  guint position;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  /* The first document: after the audits' header, their rows and the documents' header. */
  position = 1 + audits + 1;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown), position, TRUE);
  g_assert_cmpuint (f->selected, ==, 1);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_DOCUMENTS);
  document_id = g_strdup (f->selected_id);

  af_store_thread_run_async (f->thread, put_audit_job, NULL, NULL, NULL, NULL,
                             af_test_store_result, &put);
  af_test_wait (&put);
  afd_queue_list_reload (f->list);
  g_assert_true (afd_search_model_is_searching (search_model (f)));
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);

  g_assert_cmpint (afd_search_model_get_total (search_model (f), AF_TABLE_AUDITS), ==, audits + 1);
  g_assert_cmpuint (f->selected, ==, 1);
  item = selected_item (shown);
  g_assert_nonnull (item);
  g_assert_cmpstr (afd_queue_row_get_item_id (afd_search_item_get_row (item)), ==, document_id);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (afd_queue_list_get_search_entry (f->list))),
                   ==, WORD);
}

/* More than a group shows, and more than its header counts (AFD_SEARCH_ITEM_TOTAL_MAX). */
#define N_SCANS 1030

static gpointer
put_scans_job (AfStore   *store,
               gpointer   data,
               GError   **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_SCANS; i++)
    g_ptr_array_add (names, g_strdup_printf ("quillfeather_scan_%03u.pdf", i));
  put_items (store, AF_TABLE_DOCUMENTS, "file_name", (const char **) names->pdata, names->len,
             2000);
  return GINT_TO_POINTER (TRUE);
}

/* More matches than a group can show: the header counts them up to
 * AFD_SEARCH_ITEM_TOTAL_MAX ("1000+" past it), Show More shows the first
 * AFD_SEARCH_MODEL_GROUP_MAX, and a note under them says to type more. */
static void
test_beyond_max (Fixture       *f,
                 gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  guint documents = expected_matches (file_names, G_N_ELEMENTS (file_names), WORD) + N_SCANS;
  g_autoptr(GAsyncResult) put = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(AfdSearchItem) last = NULL;
  guint more;

  af_store_thread_run_async (f->thread, put_scans_job, NULL, NULL, NULL, NULL,
                             af_test_store_result, &put);
  af_test_wait (&put);
  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  lines = lines_of (shown);
  g_assert_cmpuint (group_rows (lines, AF_TABLE_DOCUMENTS, documents, &more), ==,
                    AFD_SEARCH_MODEL_GROUP_CAP);
  g_assert_cmpuint (more, ==, 1);
  g_assert_cmpuint (documents, >, AFD_SEARCH_ITEM_TOTAL_MAX);
  g_assert_cmpint (afd_search_model_get_total (search_model (f), AF_TABLE_DOCUMENTS), ==,
                   AFD_SEARCH_ITEM_TOTAL_MAX + 1);

  afd_search_model_expand (search_model (f), AF_TABLE_DOCUMENTS);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = lines_of (shown);
  g_assert_cmpuint (group_rows (lines, AF_TABLE_DOCUMENTS, documents, &more), ==,
                    AFD_SEARCH_MODEL_GROUP_MAX);
  /* The line after the documents' rows is the note, not a button. */
  g_assert_cmpuint (more, ==, 1);
  for (guint i = 0; i < lines->len && last == NULL; i++)
    if (afd_search_item_get_kind (g_ptr_array_index (lines, i)) == AFD_SEARCH_ITEM_NOTE)
      last = g_object_ref (g_ptr_array_index (lines, i));
  g_assert_nonnull (last);
  g_assert_cmpint (afd_search_item_get_table (last), ==, AF_TABLE_DOCUMENTS);
  g_assert_nonnull (strstr (afd_search_item_get_label (last), "first 100"));
}

/* Holds the store's thread until released, so that searches queue up behind it. */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean released;
} Gate;

static gpointer
gate_job (AfStore   *store,
          gpointer   data,
          GError   **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  while (!gate->released)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  return GINT_TO_POINTER (TRUE);
}

static void
result_added_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GPtrArray  *titles)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(AfdSearchItem) item = g_list_model_get_item (model, i);

      if (afd_search_item_get_kind (item) == AFD_SEARCH_ITEM_RESULT)
        g_ptr_array_add (titles, g_utf8_casefold (afd_search_item_get_label (item), -1));
    }
}

static gboolean
model_finished (gpointer data)
{
  return !afd_search_model_is_searching (data);
}

/* A search replaced before its results came: they never reach the list. */
static void
test_superseded (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(AfdSearchModel) model = afd_search_model_new (f->thread);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GAsyncResult) released = NULL;
  Gate gate = { 0 };

  g_mutex_init (&gate.lock);
  g_cond_init (&gate.cond);
  g_signal_connect (model, "items-changed", G_CALLBACK (result_added_cb), titles);
  af_store_thread_run_async (f->thread, gate_job, &gate, NULL, NULL, NULL,
                             af_test_store_result, &released);
  afd_search_model_set_text (model, WORD);
  afd_search_model_set_text (model, "still");
  g_mutex_lock (&gate.lock);
  gate.released = TRUE;
  g_cond_signal (&gate.cond);
  g_mutex_unlock (&gate.lock);
  af_test_wait (&released);
  afd_test_wait_until (model_finished, model, TIMEOUT_SECONDS);

  g_assert_cmpuint (afd_search_model_get_n_started (model), ==, 2);
  g_assert_cmpuint (afd_search_model_get_n_delivered (model), ==, 3);
  g_assert_cmpuint (titles->len, ==, expected_matches (artwork_names, G_N_ELEMENTS (artwork_names),
                                                       "still"));
  for (guint i = 0; i < titles->len; i++)
    g_assert_null (strstr (g_ptr_array_index (titles, i), WORD));
  g_assert_cmpint (afd_search_model_get_total (model, AF_TABLE_ANALYSES), ==, titles->len);
  g_assert_cmpint (afd_search_model_get_total (model, AF_TABLE_AUDITS), ==, 0);
  g_mutex_clear (&gate.lock);
  g_cond_clear (&gate.cond);
}

/* The widgets the list view shows its lines with (the factory's boxes), in order. */
static GPtrArray *
line_widgets (GtkListView *view)
{
  GPtrArray *boxes = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && gtk_widget_get_first_child (child) != NULL)
      g_ptr_array_add (boxes, gtk_widget_get_first_child (child));
  return boxes;
}

/* What a line's widget shows: the text of its one visible label or button. */
static const char *
shown_text (GtkWidget *box)
{
  for (GtkWidget *part = gtk_widget_get_first_child (box); part != NULL;
       part = gtk_widget_get_next_sibling (part))
    {
      if (!gtk_widget_get_visible (part))
        continue;
      if (GTK_IS_LABEL (part))
        return gtk_label_get_label (GTK_LABEL (part));
      if (GTK_IS_BUTTON (part))
        return gtk_button_get_label (GTK_BUTTON (part));
      /* A result: its title, the first label of its texts. */
      return gtk_label_get_label (GTK_LABEL (gtk_widget_get_first_child (gtk_widget_get_first_child (part))));
    }
  return NULL;
}

/* Every line that shows something has its row on show, and no other row is. */
static gboolean
lines_shown (gpointer data)
{
  GtkListView *view = data;
  g_autoptr(GPtrArray) boxes = line_widgets (view);
  g_autoptr(GPtrArray) lines = lines_of (G_LIST_MODEL (gtk_list_view_get_model (view)));

  return boxes->len == lines->len;
}

static GtkWidget *focused_row (GtkListView *view);
static gboolean   press_key   (GtkListView *view,
                               guint        keyval);

static void
count_destroyed (gpointer  data,
                 GObject  *where_the_object_was)
{
  (*(guint *) data)++;
}

/* The page the search results show: "results" (the list) or "empty". */
static const char *
results_page (Fixture *f)
{
  GtkWidget *results = GTK_WIDGET (afd_queue_list_get_search_results (f->list));

  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (results)));
}

/* What the pane showed each time the lines changed while a search ran. */
typedef struct
{
  Fixture *f;
  guint    n_while_searching;   /* changes with lines shown, the list on show */
  guint    n_empty_while_searching;
} Streamed;

static void
lines_updated_cb (AfdSearchModel *model,
                  Streamed       *streamed)
{
  if (!afd_search_model_is_searching (model))
    return;
  if (g_strcmp0 (results_page (streamed->f), "empty") == 0)
    streamed->n_empty_while_searching++;
  else if (afd_search_model_get_n_shown (model) > 0 &&
           g_strcmp0 (results_page (streamed->f), "results") == 0)
    streamed->n_while_searching++;
}

/* Each group shows as it arrives, the first search and one after a clear alike, and the
 * pane never says "No Results" while groups are still on their way. */
static void
test_streams_after_clear (Fixture       *f,
                          gconstpointer  data)
{
  GtkEditable *entry = GTK_EDITABLE (afd_queue_list_get_search_entry (f->list));
  Streamed streamed = { f, 0, 0 };

  g_signal_connect (search_model (f), "updated", G_CALLBACK (lines_updated_cb), &streamed);
  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  /* Three groups: the first two arrived while the third was on its way. */
  g_assert_cmpuint (streamed.n_while_searching, >=, 2);
  g_assert_cmpuint (streamed.n_empty_while_searching, ==, 0);

  g_signal_emit_by_name (entry, "stop-search");
  afd_test_run_for (50);
  streamed.n_while_searching = 0;
  type_text (f, "quill");
  g_assert_cmpstr (results_page (f), ==, "results");
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  g_assert_cmpuint (streamed.n_while_searching, >=, 2);
  g_assert_cmpuint (streamed.n_empty_while_searching, ==, 0);
  g_signal_handlers_disconnect_by_data (search_model (f), &streamed);
}

/* A new search shows its results in the widgets of the last one: the lines are updated
 * in place (GTK 4.8 builds new widgets for every new item), and each widget shows its
 * new line, not what it showed before. */
static void
test_rows_reused (Fixture       *f,
                  gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  GtkEditable *entry = GTK_EDITABLE (afd_queue_list_get_search_entry (f->list));
  guint artworks = expected_matches (artwork_names, G_N_ELEMENTS (artwork_names), "still");
  g_autofree char *header = g_strdup_printf ("%s · %u", afd_search_item_kind_name (AF_TABLE_ANALYSES),
                                             artworks);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  guint n_cleared;
  guint n_destroyed = 0;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  before = line_widgets (view);
  items = lines_of (shown);
  g_assert_cmpuint (before->len, >, 1 + artworks);
  for (guint i = 0; i < before->len; i++)
    {
      g_object_set_data (g_ptr_array_index (before, i), "test-shown-before", GINT_TO_POINTER (TRUE));
      g_object_weak_ref (g_ptr_array_index (before, i), count_destroyed, &n_destroyed);
    }

  gtk_editable_set_text (entry, "still");
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  after = line_widgets (view);
  lines = lines_of (shown);
  g_assert_cmpuint (lines->len, ==, 1 + artworks);
  g_assert_cmpuint (after->len, ==, lines->len);
  for (guint i = 0; i < after->len; i++)
    {
      GtkWidget *box = g_ptr_array_index (after, i);
      g_autofree char *text = g_utf8_casefold (shown_text (box), -1);

      /* The same widget and the same line object, showing the new search's line. */
      g_assert_true (g_object_get_data (G_OBJECT (box), "test-shown-before"));
      g_assert_true (g_ptr_array_index (lines, i) == g_ptr_array_index (items, i));
      if (i == 0)
        g_assert_cmpstr (shown_text (box), ==, header);
      else
        g_assert_nonnull (strstr (text, "still"));
    }
  /* Each widget's line is what the model holds at its place. */
  g_assert_cmpint (afd_search_item_get_kind (g_ptr_array_index (lines, 0)), ==, AFD_SEARCH_ITEM_HEADER);
  g_assert_cmpint (afd_search_item_get_table (g_ptr_array_index (lines, 1)), ==, AF_TABLE_ANALYSES);

  afd_test_screenshot (f->window, "search-shorter-results.png");
  /* The shorter results dropped no widget: the rows past them are kept, hidden (out of
   * the accessibility tree) and insensitive (no focus). */
  g_assert_cmpuint (n_destroyed, ==, 0);
  for (guint i = 0; i < before->len; i++)
    {
      GtkWidget *row = gtk_widget_get_parent (g_ptr_array_index (before, i));

      if (gtk_widget_get_visible (row))
        continue;
      g_assert_false (gtk_widget_is_sensitive (row));
      g_assert_false (gtk_widget_grab_focus (row));
      gtk_test_accessible_assert_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE);
    }
  /* The keys stop at the last result: Down stays, End goes there, not to a spare line. */
  {
    GtkWidget *last = gtk_widget_get_parent (g_ptr_array_index (after, after->len - 1));
    GtkWidget *first = gtk_widget_get_parent (g_ptr_array_index (after, 1));

    g_assert_true (gtk_widget_grab_focus (last));
    g_assert_true (press_key (view, GDK_KEY_Down));
    g_assert_true (focused_row (view) == last);
    g_assert_true (gtk_widget_grab_focus (first));
    g_assert_true (press_key (view, GDK_KEY_End));
    g_assert_true (focused_row (view) == last);
    g_assert_false (gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown),
                                                     g_list_model_get_n_items (shown) - 1, TRUE));
  }

  /* Longer again (typing back): the same widgets show it, none made. */
  gtk_editable_set_text (entry, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = line_widgets (view);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < after->len; i++)
    g_assert_true (g_object_get_data (G_OBJECT (g_ptr_array_index (after, i)), "test-shown-before"));
  g_assert_cmpuint (n_destroyed, ==, 0);

  /* Cleared, then a new search: while it runs nothing of the cleared one shows; then its
   * results, the first of them in the widgets shown before the clear. */
  for (guint i = 0; i < after->len; i++)
    g_object_set_data (g_ptr_array_index (after, i), "test-shown-cleared", GINT_TO_POINTER (TRUE));
  n_cleared = after->len;
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpstr (visible_page (f), ==, "list");
  type_text (f, "quill");
  g_assert_true (afd_search_model_is_searching (search_model (f)) ||
                 afd_queue_list_is_searching (f->list));
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = lines_of (shown);
  g_assert_cmpuint (lines->len, ==, 0);
  g_assert_cmpstr (results_page (f), !=, "empty");
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  g_clear_pointer (&after, g_ptr_array_unref);
  g_clear_pointer (&lines, g_ptr_array_unref);
  after = line_widgets (view);
  lines = lines_of (shown);
  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpstr (shown_text (g_ptr_array_index (after, 0)), ==,
                   afd_search_item_get_label (g_ptr_array_index (lines, 0)));
  g_assert_cmpint (afd_search_item_get_table (g_ptr_array_index (lines, 0)), ==, AF_TABLE_AUDITS);
  for (guint i = 0; i < after->len; i++)
    {
      GtkWidget *box = g_ptr_array_index (after, i);

      g_assert_true (i >= n_cleared || g_object_get_data (G_OBJECT (box), "test-shown-cleared"));
      if (afd_search_item_get_kind (g_ptr_array_index (lines, i)) == AFD_SEARCH_ITEM_RESULT)
        g_assert_cmpstr (shown_text (box), ==, afd_search_item_get_label (g_ptr_array_index (lines, i)));
    }
  /* Not one widget of the first search destroyed, all along. */
  g_assert_cmpuint (n_destroyed, ==, 0);
  for (guint i = 0; i < before->len; i++)
    g_object_weak_unref (g_ptr_array_index (before, i), count_destroyed, &n_destroyed);
}

/* The row of the list view (its child) that shows @text. */
static GtkWidget *
row_showing (GtkListView *view,
             const char  *text)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_first_child (row) != NULL &&
        g_strcmp0 (shown_text (gtk_widget_get_first_child (row)), text) == 0)
      return row;
  return NULL;
}

/* The row that has the focus: the list view's child it is in. */
static GtkWidget *
focused_row (GtkListView *view)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (GTK_WIDGET (view)));

  while (focus != NULL && gtk_widget_get_parent (focus) != GTK_WIDGET (view))
    focus = gtk_widget_get_parent (focus);
  return focus;
}

/* A key pressed as the controller named @name on @widget gets it. */
static gboolean
press_key_on (GtkWidget  *widget,
              const char *name,
              guint       keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), name) == 0)
        {
          found = TRUE;
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
        }
    }
  g_assert_true (found);
  return handled;
}

static gboolean
press_key (GtkListView *view,
           guint        keyval)
{
  return press_key_on (GTK_WIDGET (view), "afd-search-keys", keyval);
}

/* The focus is in the search entry (its text). */
static gboolean
entry_focused (Fixture *f)
{
  GtkWidget *entry = GTK_WIDGET (afd_queue_list_get_search_entry (f->list));
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  return focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry));
}

/* The position of the first (or the last) line of @kind in @table's group. */
static guint
find_line (GPtrArray         *lines,
           AfTable            table,
           AfdSearchItemKind  kind,
           gboolean           last)
{
  guint found = G_MAXUINT;

  for (guint i = 0; i < lines->len; i++)
    if (afd_search_item_get_table (g_ptr_array_index (lines, i)) == table &&
        afd_search_item_get_kind (g_ptr_array_index (lines, i)) == kind &&
        (found == G_MAXUINT || last))
      found = i;
  g_assert_cmpuint (found, <, lines->len);
  return found;
}

/* The arrows step over a group's header, from the last audit to the first document and
 * back, each opened as the arrows open a result; "Show More" moves the focus to the
 * first result it shows. */
static void
test_keyboard (Fixture       *f,
               gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GPtrArray) lines = NULL;
  const char *last_audit, *first_document, *sixth_document;
  guint more;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  lines = lines_of (shown);
  last_audit = afd_search_item_get_label (g_ptr_array_index (lines, find_line (lines, AF_TABLE_AUDITS, AFD_SEARCH_ITEM_RESULT, TRUE)));
  first_document = afd_search_item_get_label (g_ptr_array_index (lines, find_line (lines, AF_TABLE_DOCUMENTS, AFD_SEARCH_ITEM_RESULT, FALSE)));
  more = find_line (lines, AF_TABLE_DOCUMENTS, AFD_SEARCH_ITEM_MORE, FALSE);
  g_assert_cmpint (afd_search_item_get_kind (g_ptr_array_index (lines, more - 1)), ==, AFD_SEARCH_ITEM_RESULT);

  g_assert_true (gtk_widget_grab_focus (row_showing (view, last_audit)));
  g_assert_true (press_key (view, GDK_KEY_Down));
  g_assert_true (focused_row (view) == row_showing (view, first_document));
  g_assert_cmpuint (f->selected, ==, 1);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_DOCUMENTS);
  g_assert_true (press_key (view, GDK_KEY_Up));
  g_assert_true (focused_row (view) == row_showing (view, last_audit));
  g_assert_cmpuint (f->selected, ==, 2);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_AUDITS);
  /* Up from the first result: no header to land on, back to the search entry. */
  g_assert_true (gtk_widget_grab_focus (row_showing (view, afd_search_item_get_label (g_ptr_array_index (lines, 1)))));
  g_assert_true (press_key (view, GDK_KEY_Up));
  g_assert_true (entry_focused (f));
  g_assert_true (gtk_widget_grab_focus (row_showing (view, afd_search_item_get_label (g_ptr_array_index (lines, 1)))));
  /* Between two results the list view steps itself. */
  g_assert_false (press_key (view, GDK_KEY_Down));

  /* Show More: the focus goes to the first result it shows (where the button was). */
  {
    GtkWidget *row = row_showing (view, afd_search_item_get_label (g_ptr_array_index (lines, more)));
    GtkWidget *button = row != NULL ? afd_test_find_widget (row, GTK_TYPE_BUTTON) : NULL;
    guint selected = f->selected;

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_grab_focus (button));
    g_signal_emit_by_name (button, "clicked");
    g_clear_pointer (&lines, g_ptr_array_unref);
    lines = lines_of (shown);
    g_assert_cmpint (afd_search_item_get_kind (g_ptr_array_index (lines, more)), ==, AFD_SEARCH_ITEM_RESULT);
    sixth_document = afd_search_item_get_label (g_ptr_array_index (lines, more));
    /* The row itself, where the arrows go on from. */
    g_assert_nonnull (focused_row (view));
    g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == focused_row (view));
    g_assert_cmpstr (shown_text (gtk_widget_get_first_child (focused_row (view))), ==, sixth_document);
    /* Focused, not opened. */
    g_assert_cmpuint (f->selected, ==, selected);
  }
}

/* The shortcuts window (Ctrl+?) has @accelerator as @title. */
static void
assert_in_shortcuts (const char *accelerator,
                     const char *title)
{
  g_autoptr(GtkBuilder) help = gtk_builder_new_from_resource ("/io/github/auditflow/Desk/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (help);
  gboolean found = FALSE;

  for (GSList *l = objects; l != NULL && !found; l = l->next)
    {
      g_autofree char *shown_accelerator = NULL;
      g_autofree char *shown_title = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &shown_accelerator, "title", &shown_title, NULL);
      found = g_strcmp0 (shown_accelerator, accelerator) == 0 &&
              g_strcmp0 (shown_title, title) == 0;
    }
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (help, "help_overlay")));
  g_assert_true (found);
}

/* Down in the search entry: the focus goes to the first result, which does not open;
 * Up from it comes back to the entry, the query not selected (the next letter adds to
 * it); Down with nothing found leaves the focus in the entry. */
static void
test_down_from_entry (Fixture       *f,
                      gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GtkWidget *entry = GTK_WIDGET (afd_queue_list_get_search_entry (f->list));
  g_autoptr(GPtrArray) lines = NULL;
  const char *first;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  afd_test_wait_until (lines_shown, view, TIMEOUT_SECONDS);
  lines = lines_of (G_LIST_MODEL (gtk_list_view_get_model (view)));
  g_assert_cmpint (afd_search_item_get_kind (g_ptr_array_index (lines, 1)), ==, AFD_SEARCH_ITEM_RESULT);
  first = afd_search_item_get_label (g_ptr_array_index (lines, 1));
  g_assert_true (entry_focused (f));

  g_assert_true (press_key_on (entry, "afd-search-entry-keys", GDK_KEY_Down));
  g_assert_nonnull (focused_row (view));
  g_assert_true (focused_row (view) == row_showing (view, first));
  g_assert_cmpuint (f->selected, ==, 0);
  /* As after a real key press: the focus ring shows. */
  gtk_window_set_focus_visible (GTK_WINDOW (f->window), TRUE);
  afd_test_screenshot (f->window, "search-down-from-entry.png");

  g_assert_true (press_key (view, GDK_KEY_Up));
  g_assert_true (entry_focused (f));
  g_assert_false (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), NULL, NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, WORD);
  g_assert_cmpuint (f->selected, ==, 0);

  /* Nothing found: Down is the entry's own. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "zebrawood");
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  g_assert_false (press_key_on (entry, "afd-search-entry-keys", GDK_KEY_Down));
  g_assert_true (entry_focused (f));

  /* The shortcuts window lists both. */
  assert_in_shortcuts ("Down", "Go to the Queue or the Search Results");
  assert_in_shortcuts ("Up", "Back to the Search Box");
}

static gboolean
has_node_type (GskRenderNode     *node,
               GskRenderNodeType  type)
{
  if (gsk_render_node_get_node_type (node) == type)
    return TRUE;
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        if (has_node_type (gsk_container_node_get_child (node, i), type))
          return TRUE;
      return FALSE;
    case GSK_CLIP_NODE:
      return has_node_type (gsk_clip_node_get_child (node), type);
    case GSK_ROUNDED_CLIP_NODE:
      return has_node_type (gsk_rounded_clip_node_get_child (node), type);
    case GSK_OPACITY_NODE:
      return has_node_type (gsk_opacity_node_get_child (node), type);
    case GSK_COLOR_MATRIX_NODE:
      return has_node_type (gsk_color_matrix_node_get_child (node), type);
    case GSK_TRANSFORM_NODE:
      return has_node_type (gsk_transform_node_get_child (node), type);
    default:
      return FALSE;
    }
}

/* The renderer's warm-up (drawn by the queue list under its list while the window is
 * new): each stage draws one kind of node, unclipped, in a rectangle or in a rounded
 * clip, inside the area it is given; the kinds the first search needed are there. */
static void
test_render_warm_up (Fixture       *f,
                     gconstpointer  data)
{
  const graphene_rect_t under = GRAPHENE_RECT_INIT (10, 100, 300, 400);
  const GskRenderNodeType kinds[] = { GSK_COLOR_NODE, GSK_TEXT_NODE, GSK_BORDER_NODE,
                                      GSK_TEXTURE_NODE, GSK_OPACITY_NODE };
  gboolean seen[G_N_ELEMENTS (kinds)][3] = { { FALSE } };

  for (guint stage = 0; stage < AFD_RENDER_WARM_UP_STAGES; stage++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      graphene_rect_t bounds;
      guint clip;

      afd_render_warm_up_snapshot (GTK_WIDGET (f->list), snapshot, &under, stage);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      g_assert_nonnull (node);
      gsk_render_node_get_bounds (node, &bounds);
      g_assert_true (graphene_rect_contains_rect (&under, &bounds));
      clip = gsk_render_node_get_node_type (node) == GSK_CLIP_NODE ? 1
             : gsk_render_node_get_node_type (node) == GSK_ROUNDED_CLIP_NODE ? 2 : 0;
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        if (has_node_type (node, kinds[k]))
          seen[k][clip] = TRUE;
    }
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (guint clip = 0; clip < 3; clip++)
      g_assert_true (seen[k][clip]);
  /* Nothing beyond the last stage, nothing where there is no room. */
  {
    g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
    g_autoptr(GskRenderNode) node = NULL;

    afd_render_warm_up_snapshot (GTK_WIDGET (f->list), snapshot, &under, AFD_RENDER_WARM_UP_STAGES);
    afd_render_warm_up_snapshot (GTK_WIDGET (f->list), snapshot, &GRAPHENE_RECT_INIT (0, 0, 20, 20), 0);
    node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    g_assert_null (node);
  }
}

/* Selected again as assistive technology's Select does (gtk_selection_model_select_item
 * on the list view's model), or clicked again after Back, the result opens again; a
 * header selected opens nothing. */
static void
test_select_again (Fixture       *f,
                   gconstpointer  data)
{
  GtkListView *view = afd_search_results_get_list_view (afd_queue_list_get_search_results (f->list));
  GtkSelectionModel *shown = gtk_list_view_get_model (view);
  guint audits = expected_matches (applicants, G_N_ELEMENTS (applicants), WORD);
  guint document = 1 + audits + 1;
  g_autofree char *document_id = NULL;

  type_text (f, WORD);
  afd_test_wait_until (search_finished, f, TIMEOUT_SECONDS);
  g_assert_true (gtk_selection_model_select_item (shown, document, FALSE));
  g_assert_cmpuint (f->selected, ==, 1);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_DOCUMENTS);
  document_id = g_strdup (f->selected_id);
  g_assert_true (gtk_selection_model_select_item (shown, document, FALSE));
  g_assert_cmpuint (f->selected, ==, 2);
  g_assert_cmpstr (f->selected_id, ==, document_id);
  g_assert_true (gtk_selection_model_is_selected (shown, document));
  /* Enter on the first result (from the entry), then Select of it: opened twice. */
  g_signal_emit_by_name (afd_queue_list_get_search_entry (f->list), "activate");
  g_assert_cmpuint (f->selected, ==, 3);
  g_assert_true (gtk_selection_model_select_item (shown, 1, FALSE));
  g_assert_cmpuint (f->selected, ==, 4);
  g_assert_cmpint (f->selected_table, ==, AF_TABLE_AUDITS);
  /* A header is no result. */
  gtk_selection_model_select_item (shown, 0, FALSE);
  g_assert_cmpuint (f->selected, ==, 4);
}

/* The entry says what it searches: everything, not the queue shown. */
static void
test_accessible_name (Fixture       *f,
                      gconstpointer  data)
{
  GtkAccessible *entry = GTK_ACCESSIBLE (afd_queue_list_get_search_entry (f->list));

  gtk_test_accessible_assert_property (entry, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Search every audit, document and artwork");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* Accessible properties kept in-process, to be asserted (no bus, unlike the default). */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  af_store_guard_arm (AF_STORE_GUARD_FATAL);

  g_test_add ("/search-results/grouped", Fixture, NULL, fixture_set_up, test_grouped,
              fixture_tear_down);
  g_test_add ("/search-results/open-and-clear", Fixture, NULL, fixture_set_up,
              test_open_and_clear, fixture_tear_down);
  g_test_add ("/search-results/no-results", Fixture, NULL, fixture_set_up, test_no_results,
              fixture_tear_down);
  g_test_add ("/search-results/refresh", Fixture, NULL, fixture_set_up, test_refresh,
              fixture_tear_down);
  g_test_add ("/search-results/beyond-max", Fixture, NULL, fixture_set_up, test_beyond_max,
              fixture_tear_down);
  g_test_add ("/search-results/superseded", Fixture, NULL, fixture_set_up, test_superseded,
              fixture_tear_down);
  g_test_add ("/search-results/keyboard", Fixture, NULL, fixture_set_up, test_keyboard,
              fixture_tear_down);
  g_test_add ("/search-results/down-from-entry", Fixture, NULL, fixture_set_up,
              test_down_from_entry, fixture_tear_down);
  g_test_add ("/search-results/render-warm-up", Fixture, NULL, fixture_set_up,
              test_render_warm_up, fixture_tear_down);
  g_test_add ("/search-results/select-again", Fixture, NULL, fixture_set_up, test_select_again,
              fixture_tear_down);
  g_test_add ("/search-results/accessible-name", Fixture, NULL, fixture_set_up,
              test_accessible_name, fixture_tear_down);
  g_test_add ("/search-results/streams-after-clear", Fixture, NULL, fixture_set_up,
              test_streams_after_clear, fixture_tear_down);
  g_test_add ("/search-results/rows-reused", Fixture, NULL, fixture_set_up, test_rows_reused,
              fixture_tear_down);
  return g_test_run ();
}
