/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-list"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "afd-queue-item.h"
#include "afd-queue-list.h"
#include "afd-queue-row.h"
#include "afd-queue-row-view.h"
#include "afd-render-warm-up.h"
#include "afd-search-results.h"

struct _AfdQueueList
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkSearchEntry     *search_entry;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  AfdSearchResults   *search_results;

  /* owned references */
  GtkSingleSelection *selection;
  AfdQueueModel      *model;      /* (nullable) */
  AfdQueueModel      *more;       /* (nullable) listed after @model (another table) */
  GListModel         *shown;      /* (nullable) @model, then @more: what the list shows */

  /* Set while the list changes under the user, so that no page is reopened. */
  gboolean            quiet;
  /* The item selected when the queue was reloaded, followed by its id while the model
   * tells the list of the rows that moved: selected again where it comes back. */
  char               *follow_id;
  AfTable             follow_table;
  /* The user acted on the followed item (afd_queue_list_reload_moving_on()): should it
   * have left the queue, @next_id (the item after it then, or before it at the end) is
   * followed instead, and opened (@opening) where it is found. */
  char               *next_id;
  gboolean            move_on;
  gboolean            opening;
  /* (nullable) the followed item's place asked of the store once a reload's count has
   * arrived: it may come back where the list holds no row (another page). */
  GCancellable       *locating;
  /* The row selected again there: GtkSingleSelection tells of it once the change that
   * moved it has been told, after @quiet. */
  AfdQueueRow        *reselected;
  /* The row selected when the selection last changed: GtkSingleSelection tells of the
   * same row again whenever rows before it are told. */
  AfdQueueRow        *last_selected;
  /* The "Loading…" row the user chose: it opens its item once its page fills it. */
  AfdQueueRow        *chosen_loading;
  /* An item to select once the first page arrives (afd_queue_list_select_id()). */
  char               *select_id;
  /* The search waiting for a pause in the typing. */
  guint               search_timeout;
  /* The renderer's warm-up stages drawn (afd-render-warm-up.c), one per frame. */
  guint               warm_up_stage;
  guint               warm_up_tick;
};

G_DEFINE_FINAL_TYPE (AfdQueueList, afd_queue_list, GTK_TYPE_WIDGET)

enum {
  ROW_SELECTED,
  SEARCH_CHANGED,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_empty_state (AfdQueueList *self);

/* After the pause in the typing: the results of the text typed replace the queue until
 * the search is cleared; the queue model stays as it was underneath, so that clearing
 * the search shows it again where it was. */
static void
start_search (AfdQueueList *self)
{
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  afd_search_results_search (self->search_results, afd_queue_list_get_search_text (self));
  update_empty_state (self);
  g_signal_emit (self, signals[SEARCH_CHANGED], 0);
}

static gboolean
search_timeout_cb (gpointer user_data)
{
  AfdQueueList *self = user_data;

  self->search_timeout = 0;
  start_search (self);
  return G_SOURCE_REMOVE;
}

/* A keystroke: the search under way is for a text that is not there any more, and the
 * next waits for a pause in the typing (GtkSearchEntry's own delay lets the first
 * letter through at once: a search of one letter, the costliest of all). Clearing the
 * entry brings the queue back at once. */
static void
entry_changed_cb (AfdQueueList *self)
{
  afd_search_results_cancel (self->search_results);
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  if (afd_queue_list_is_searching (self))
    self->search_timeout = g_timeout_add (AFD_QUEUE_LIST_SEARCH_DELAY, search_timeout_cb, self);
  else
    start_search (self);
}

/* Escape in the entry, or in the results: the search ends and the queue comes back. */
static void
stop_search_cb (AfdQueueList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  AfdQueueList *self = AFD_QUEUE_LIST (user_data);

  stop_search_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/* Enter in the entry opens the first result. */
static void
entry_activate_cb (AfdQueueList *self)
{
  if (afd_queue_list_is_searching (self))
    afd_search_results_activate_first (self->search_results);
}

static void
stop_locating (AfdQueueList *self)
{
  g_cancellable_cancel (self->locating);
  g_clear_object (&self->locating);
}

static void
stop_following (AfdQueueList *self)
{
  stop_locating (self);
  g_clear_pointer (&self->follow_id, g_free);
  g_clear_pointer (&self->next_id, g_free);
  self->move_on = self->opening = FALSE;
}

static void
stop_waiting_for_fill (AfdQueueList *self)
{
  if (self->chosen_loading != NULL)
    g_signal_handlers_disconnect_by_data (self->chosen_loading, self);
  g_clear_object (&self->chosen_loading);
}

/* The row chosen while "Loading…" was filled in place (afd-queue-model.c): still
 * selected, it opens as if chosen now. */
static void
chosen_row_filled_cb (AfdQueueList *self)
{
  AfdQueueRow *row = self->chosen_loading;

  if (afd_queue_row_get_item_id (row) == NULL)
    return;
  g_object_ref (row);
  stop_waiting_for_fill (self);
  if (gtk_single_selection_get_selected_item (self->selection) == row)
    {
      stop_following (self);
      g_signal_emit (self, signals[ROW_SELECTED], 0, row);
    }
  g_object_unref (row);
}

static void
search_row_activated_cb (AfdQueueList *self,
                         AfdQueueRow  *row)
{
  stop_following (self);
  g_signal_emit (self, signals[ROW_SELECTED], 0, row);
}

/* A row the user chose opens its item; the followed item selected again where it moved
 * is the one already open, and opens nothing. */
static void
selection_changed_cb (AfdQueueList *self)
{
  AfdQueueRow *row = gtk_single_selection_get_selected_item (self->selection);
  gboolean followed = row != NULL && row == self->reselected;

  g_clear_object (&self->reselected);
  if (row != NULL && row == self->last_selected)
    return;
  g_set_object (&self->last_selected, row);
  stop_waiting_for_fill (self);
  if (self->quiet || followed || row == NULL)
    return;
  stop_following (self);
  if (afd_queue_row_get_item_id (row) == NULL)
    {
      self->chosen_loading = g_object_ref (row);
      g_signal_connect_swapped (row, "notify::item-id", G_CALLBACK (chosen_row_filled_cb), self);
    }
  g_signal_emit (self, signals[ROW_SELECTED], 0, row);
}

static const GError *
models_error (AfdQueueList *self)
{
  const GError *error = self->model != NULL ? afd_queue_model_get_error (self->model) : NULL;

  if (error == NULL && self->more != NULL)
    error = afd_queue_model_get_error (self->more);
  return error;
}

static gboolean
models_counting (AfdQueueList *self)
{
  return afd_queue_model_is_counting (self->model) ||
         (self->more != NULL && afd_queue_model_is_counting (self->more));
}

static void
update_empty_state (AfdQueueList *self)
{
  gboolean empty = self->shown == NULL || g_list_model_get_n_items (self->shown) == 0;
  const GError *error = models_error (self);

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->empty_page, _("Could Not Read the Queue"));
      adw_status_page_set_description (self->empty_page, error->message);
    }
  if (afd_queue_list_is_searching (self))
    gtk_stack_set_visible_child_name (self->stack, "search");
  else
    gtk_stack_set_visible_child_name (self->stack, empty || error != NULL ? "empty" : "list");
}

/* A selection the list makes, not the user's: it opens nothing. */
static void
select_quietly (AfdQueueList *self,
                guint         position)
{
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->quiet = FALSE;
}

static gboolean
select_row (AfdQueueList *self,
            guint         position,
            const char   *item_id)
{
  g_autoptr(AfdQueueRow) row = NULL;

  if (position >= g_list_model_get_n_items (self->shown))
    return FALSE;
  row = g_list_model_get_item (self->shown, position);
  if (g_strcmp0 (afd_queue_row_get_item_id (row), item_id) != 0)
    return FALSE;
  select_quietly (self, position);
  return TRUE;
}

static void find_and_select      (AfdQueueList *self);

/* The followed item is selected again at @position (of @shown), quietly: no
 * "row-selected" (it is the item open already), no scroll. */
static void
select_followed (AfdQueueList *self,
                 guint         position)
{
  g_autoptr(AfdQueueRow) row = NULL;

  if (position == gtk_single_selection_get_selected (self->selection))
    return;
  row = g_list_model_get_item (self->shown, position);
  if (row == NULL || afd_queue_row_get_table (row) != self->follow_table ||
      g_strcmp0 (afd_queue_row_get_item_id (row), self->follow_id) != 0)
    return;
  self->move_on = FALSE;   /* still in the queue */
  if (self->opening)
    {
      /* The item after the one acted on: chosen as if clicked, it opens. */
      stop_following (self);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u",
                                  position);
      gtk_single_selection_set_selected (self->selection, position);
      return;
    }
  g_set_object (&self->reselected, row);
  select_quietly (self, position);
}

static void located_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data);

/* The item the user acted on left the queue: the one that followed it is followed now,
 * and opens where it is found (asked of the store: the rows of the reload may have been
 * told already). Reviewing a queue is then one act after another, each on the next
 * item, never back at the top nor with nothing open. */
static void
move_on_to_next (AfdQueueList *self)
{
  AfdQueueModel *model = self->model;

  g_free (self->follow_id);
  self->follow_id = g_steal_pointer (&self->next_id);
  self->move_on = FALSE;
  self->opening = TRUE;
  if (self->more != NULL && afd_queue_model_get_table (self->more) == self->follow_table)
    model = self->more;
  stop_locating (self);
  self->locating = g_cancellable_new ();
  afd_queue_model_locate_async (model, self->follow_id, self->locating, located_cb, self);
}

static void
located_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AfdQueueModel *model = AFD_QUEUE_MODEL (source);
  guint position = afd_queue_model_locate_finish (model, result, &error);
  AfdQueueList *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_QUEUE_LIST (user_data);
  g_clear_object (&self->locating);
  /* Out of the queue now: its row, told, left the selection cleared; the next one opens
   * if the user's own act took it out. */
  if (error == NULL && position == G_MAXUINT && self->move_on && self->next_id != NULL)
    {
      move_on_to_next (self);
      return;
    }
  if (error != NULL || position == G_MAXUINT || self->follow_id == NULL)
    return;
  if (model == self->more)
    position += g_list_model_get_n_items (G_LIST_MODEL (self->model));
  select_followed (self, position);
}

/* A reload's count arrived: unless the followed item is in the page read with it, its
 * place is asked of the store's thread (20-60 ms there at 200,000 audits) and its page
 * read. The rows told find it only where the model holds a page: it may have moved
 * into one the list never asked for (its sort key changed, many audits came before
 * it), or its old row may be in a page dropped since. */
static void
locate_followed (AfdQueueList *self)
{
  AfdQueueModel *model = self->model;

  if (self->more != NULL && afd_queue_model_get_table (self->more) == self->follow_table)
    model = self->more;
  if (afd_queue_model_get_table (model) != self->follow_table)
    return;
  /* In a page read already (the first): its rows are told with it. */
  if (afd_queue_model_find_read (model, self->follow_id) != G_MAXUINT)
    return;
  stop_locating (self);
  self->locating = g_cancellable_new ();
  afd_queue_model_locate_async (model, self->follow_id, self->locating, located_cb, self);
}

/* The count and the first page arrived: the item waiting to be selected is looked for,
 * the item followed through a reload is located. (It is also looked for as the rows are
 * told: selection_items_changed_cb().) */
static void
model_loaded_cb (AfdQueueList *self)
{
  /* With two models, the rows are where they stay once both have arrived. */
  if (!models_counting (self) && self->select_id != NULL)
    find_and_select (self);
  if (!models_counting (self) && self->follow_id != NULL && models_error (self) == NULL)
    locate_followed (self);
  update_empty_state (self);
  g_signal_emit (self, signals[LOADED], 0);
}

/* Where the followed item is among the rows @position..+@added just told, in @model's
 * rows then @more's, or GTK_INVALID_LIST_POSITION. */
static guint
find_followed (AfdQueueList *self,
               guint         position,
               guint         added)
{
  guint n_first = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint end = position + added;
  guint found = G_MAXUINT;

  if (position < n_first)
    found = afd_queue_model_find_held (self->model, self->follow_id, position,
                                       MIN (end, n_first) - position);
  if (found == G_MAXUINT && self->more != NULL && end > n_first)
    {
      guint first = MAX (position, n_first) - n_first;

      found = afd_queue_model_find_held (self->more, self->follow_id, first,
                                         end - n_first - first);
      if (found != G_MAXUINT)
        found += n_first;
    }
  return found != G_MAXUINT ? found : GTK_INVALID_LIST_POSITION;
}

/* A reload moves rows: the model tells the list of them a chunk at a time as their pages
 * are read again, each a new object, and GtkSingleSelection drops the selected one when
 * its old position is told. The item followed is looked for among the rows told (only
 * those, in the pages held: a reload can tell of the whole queue at once) and selected
 * again where it is, without opening it again and without scrolling. An item that left
 * the queue is never told again: its selection stays cleared. Runs after the list view
 * was told (connected after it). */
static void
selection_items_changed_cb (AfdQueueList *self,
                            guint         position,
                            guint         removed,
                            guint         added)
{
  guint found;

  if (self->follow_id == NULL || self->model == NULL || added == 0)
    return;
  found = find_followed (self, position, added);
  if (found != GTK_INVALID_LIST_POSITION)
    select_followed (self, found);
}

static void
afd_queue_list_dispose (GObject *object)
{
  AfdQueueList *self = AFD_QUEUE_LIST (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_QUEUE_LIST);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_handle_id (&self->search_timeout, g_source_remove);
  stop_locating (self);
  if (self->warm_up_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->warm_up_tick);
  self->warm_up_tick = 0;
  g_clear_object (&self->selection);
  if (self->model != NULL)
    afd_queue_model_cancel (self->model);
  if (self->more != NULL)
    afd_queue_model_cancel (self->more);
  g_clear_object (&self->model);
  g_clear_object (&self->more);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->follow_id, g_free);
  g_clear_object (&self->reselected);
  g_clear_object (&self->last_selected);
  stop_waiting_for_fill (self);
  g_clear_pointer (&self->select_id, g_free);

  G_OBJECT_CLASS (afd_queue_list_parent_class)->dispose (object);
}

static gboolean
warm_up_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  AFD_QUEUE_LIST (widget)->warm_up_tick = 0;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_REMOVE;
}

/* While the window is new, a stage of the renderer's warm-up a frame, under the queue's
 * list (its opaque view background covers it): shaders llvmpipe would otherwise compile
 * in the middle of the first search. */
static void
afd_queue_list_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  AfdQueueList *self = AFD_QUEUE_LIST (widget);
  graphene_rect_t under;

  if (self->warm_up_stage < AFD_RENDER_WARM_UP_STAGES && !afd_render_warm_up_wanted (widget))
    self->warm_up_stage = AFD_RENDER_WARM_UP_STAGES;
  if (self->warm_up_stage < AFD_RENDER_WARM_UP_STAGES &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") == 0 &&
      gtk_widget_compute_bounds (GTK_WIDGET (self->stack), widget, &under))
    {
      afd_render_warm_up_snapshot (widget, snapshot, &under, self->warm_up_stage++);
      if (self->warm_up_tick == 0)
        self->warm_up_tick = gtk_widget_add_tick_callback (widget, warm_up_tick_cb, NULL, NULL);
    }
  GTK_WIDGET_CLASS (afd_queue_list_parent_class)->snapshot (widget, snapshot);
}

static void
afd_queue_list_class_init (AfdQueueListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_queue_list_dispose;

  signals[ROW_SELECTED] = g_signal_new ("row-selected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, AFD_TYPE_QUEUE_ROW);
  signals[SEARCH_CHANGED] = g_signal_new ("search-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /* The model's count and first page arrived: the number of items is known. */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-queue-list.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdQueueList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, AfdQueueList, stack);
  gtk_widget_class_bind_template_child (widget_class, AfdQueueList, list_view);
  gtk_widget_class_bind_template_child (widget_class, AfdQueueList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, AfdQueueList, search_results);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  widget_class->snapshot = afd_queue_list_snapshot;

  g_type_ensure (AFD_TYPE_QUEUE_ROW);
  g_type_ensure (AFD_TYPE_SEARCH_RESULTS);
}

static void
add_escape_shortcut (AfdQueueList *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_callback_action_new (escape_cb, self,
                                                                                   NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self->search_results), controller);
}

/* The row widget of the list view that shows @position, if it made one. */
static GtkWidget *
row_widget_at (AfdQueueList *self,
               guint         position)
{
  g_autoptr(AfdQueueRow) row = NULL;

  if (self->shown == NULL || (row = g_list_model_get_item (self->shown, position)) == NULL)
    return NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *view = gtk_widget_get_first_child (child);

      if (AFD_IS_QUEUE_ROW_VIEW (view) &&
          afd_queue_row_view_get_row (AFD_QUEUE_ROW_VIEW (view)) == row)
        return child;
    }
  return NULL;
}

/* Down in the search entry, the queue on show: into the list, on the row selected (the
 * item open) or else the first, as Down goes into the results of a search. */
static gboolean
entry_key_pressed_cb (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      AfdQueueList          *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  GtkWidget *row;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0 ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "list") != 0)
    return FALSE;
  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
  row = row_widget_at (self, position);
  return row != NULL ? gtk_widget_grab_focus (row)
                     : gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Up on the first row of the queue: back to the search entry, its text as it was (not
 * selected, so that a letter typed adds to it), as Up does from the first result. */
static gboolean
list_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     AfdQueueList          *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *first = row_widget_at (self, 0);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkEditable *delegate;

  if ((keyval != GDK_KEY_Up && keyval != GDK_KEY_KP_Up) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0 ||
      first == NULL || focus == NULL || (focus != first && !gtk_widget_is_ancestor (focus, first)))
    return FALSE;
  delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->search_entry));
  if (GTK_IS_TEXT (delegate))
    return gtk_text_grab_focus_without_selecting (GTK_TEXT (delegate));
  return gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Before the entry's text and the list view see them: the text would only ring the bell
 * on Down, the list view keep the focus on its first row on Up. */
static void
add_arrow_keys (AfdQueueList *self)
{
  GtkEventController *entry_keys = gtk_event_controller_key_new ();
  GtkEventController *list_keys = gtk_event_controller_key_new ();

  gtk_event_controller_set_propagation_phase (entry_keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (entry_keys, "afd-queue-entry-keys");
  g_signal_connect (entry_keys, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), entry_keys);
  gtk_event_controller_set_propagation_phase (list_keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (list_keys, "afd-queue-list-keys");
  g_signal_connect (list_keys, "key-pressed", G_CALLBACK (list_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), list_keys);
}

static void
afd_queue_list_init (AfdQueueList *self)
{
  g_autoptr(GtkListItemFactory) factory = afd_queue_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_view_set_factory (self->list_view, factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  /* After the list view's own handler: it knows of the rows told when one is selected. */
  g_signal_connect_swapped (self->selection, "items-changed",
                            G_CALLBACK (selection_items_changed_cb), self);
  add_escape_shortcut (self);
  add_arrow_keys (self);
}

/* The last query's pages are not wanted any more. */
static void
drop_model (AfdQueueList   *self,
            AfdQueueModel **model,
            AfdQueueModel  *replacement)
{
  if (*model != NULL && *model != replacement)
    {
      g_signal_handlers_disconnect_by_data (*model, self);
      afd_queue_model_cancel (*model);
    }
  if (replacement != NULL && *model != replacement)
    g_signal_connect_swapped (replacement, "loaded", G_CALLBACK (model_loaded_cb), self);
  g_set_object (model, replacement);
}

/* @model's rows, then @more's, as one list. */
static GListModel *
shown_new (AfdQueueModel *model,
           AfdQueueModel *more)
{
  GListStore *parts;

  if (model == NULL || more == NULL)
    return model != NULL ? g_object_ref (G_LIST_MODEL (model)) : NULL;
  parts = g_list_store_new (G_TYPE_LIST_MODEL);
  g_list_store_append (parts, model);
  g_list_store_append (parts, more);
  return G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
}

void
afd_queue_list_set_model (AfdQueueList  *self,
                          AfdQueueModel *model,
                          AfdQueueModel *more,
                          const char    *empty_title)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));
  g_return_if_fail (more == NULL || model != NULL);

  stop_following (self);
  self->quiet = TRUE;
  if (self->model != model || self->more != more)
    {
      drop_model (self, &self->model, model);
      drop_model (self, &self->more, more);
      g_clear_object (&self->shown);
      self->shown = shown_new (model, more);
      gtk_single_selection_set_model (self->selection, self->shown);
    }
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->quiet = FALSE;

  adw_status_page_set_icon_name (self->empty_page, "checkbox-checked-symbolic");
  adw_status_page_set_title (self->empty_page, empty_title);
  adw_status_page_set_description (self->empty_page, NULL);
  update_empty_state (self);
}

void
afd_queue_list_reload (AfdQueueList *self)
{
  AfdQueueRow *selected;

  g_return_if_fail (AFD_IS_QUEUE_LIST (self));

  self->move_on = self->opening = FALSE;
  g_clear_pointer (&self->next_id, g_free);
  /* The results on show may have moved too (a review, a verdict). */
  if (afd_queue_list_is_searching (self))
    afd_search_results_refresh (self->search_results);
  if (self->model == NULL)
    return;

  /* Nothing selected: an item followed since the last reload may still be on its way
   * (its old row told, its new one not yet). */
  selected = gtk_single_selection_get_selected_item (self->selection);
  if (selected != NULL)
    {
      g_free (self->follow_id);
      self->follow_id = g_strdup (afd_queue_row_get_item_id (selected));
      self->follow_table = afd_queue_row_get_table (selected);
    }
  afd_queue_model_reload (self->model);
  if (self->more != NULL)
    afd_queue_model_reload (self->more);
}

/* The id of the row after the one selected, or before it when it is the last; NULL
 * when that row is not read yet ("Loading…") or there is none. */
static char *
neighbour_id (AfdQueueList *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint n = self->shown != NULL ? g_list_model_get_n_items (self->shown) : 0;
  g_autoptr(AfdQueueRow) row = NULL;

  if (selected == GTK_INVALID_LIST_POSITION || n < 2)
    return NULL;
  row = g_list_model_get_item (self->shown, selected + 1 < n ? selected + 1 : selected - 1);
  return row != NULL ? g_strdup (afd_queue_row_get_item_id (row)) : NULL;
}

void
afd_queue_list_reload_moving_on (AfdQueueList *self,
                                 const char   *item_id)
{
  AfdQueueRow *selected;
  g_autofree char *next_id = NULL;

  g_return_if_fail (AFD_IS_QUEUE_LIST (self));

  /* Only the item selected: one opened from a search or a history is not the queue's.
   * Its neighbour is read before the reload tells the rows anew. */
  selected = gtk_single_selection_get_selected_item (self->selection);
  if (selected != NULL && !afd_queue_list_is_searching (self) &&
      g_strcmp0 (afd_queue_row_get_item_id (selected), item_id) == 0)
    next_id = neighbour_id (self);
  afd_queue_list_reload (self);
  self->next_id = g_steal_pointer (&next_id);
  self->move_on = self->next_id != NULL;
}

const char *
afd_queue_list_get_search_text (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
}

gboolean
afd_queue_list_is_searching (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), FALSE);
  return afd_queue_list_get_search_text (self)[0] != '\0';
}

void
afd_queue_list_set_store_thread (AfdQueueList  *self,
                                 AfStoreThread *thread)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));
  afd_search_results_set_thread (self->search_results, thread);
}

void
afd_queue_list_stop_search (AfdQueueList *self)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));
  if (afd_queue_list_is_searching (self))
    stop_search_cb (self);
}

AfdSearchResults *
afd_queue_list_get_search_results (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), NULL);
  return self->search_results;
}

GtkSearchEntry *
afd_queue_list_get_search_entry (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), NULL);
  return self->search_entry;
}

void
afd_queue_list_focus_search (AfdQueueList *self)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

void
afd_queue_list_unselect (AfdQueueList *self)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));
  stop_following (self);
  select_quietly (self, GTK_INVALID_LIST_POSITION);
}

GtkSingleSelection *
afd_queue_list_get_selection (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), NULL);
  return self->selection;
}

guint
afd_queue_list_get_n_items (AfdQueueList *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_LIST (self), 0);
  return self->shown != NULL ? g_list_model_get_n_items (self->shown) : 0;
}

/* Only the first page: looking further would read the whole queue. */
static void
select_in_first_page (AfdQueueList *self,
                      const char   *item_id)
{
  guint n = MIN (g_list_model_get_n_items (self->shown), AFD_QUEUE_MODEL_PAGE_SIZE);

  for (guint i = 0; i < n; i++)
    if (select_row (self, i, item_id))
      return;
}

static void
find_and_select (AfdQueueList *self)
{
  g_autofree char *item_id = g_steal_pointer (&self->select_id);

  select_in_first_page (self, item_id);
}

void
afd_queue_list_select_id (AfdQueueList *self,
                          const char   *item_id)
{
  g_return_if_fail (AFD_IS_QUEUE_LIST (self));

  if (self->model == NULL)
    return;
  stop_following (self);
  g_free (self->select_id);
  self->select_id = g_strdup (item_id);
  /* While the first page is on its way, it is looked for when it arrives. */
  if (!models_counting (self))
    find_and_select (self);
}
