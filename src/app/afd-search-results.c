/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-search-results"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "afd-glyph-warm-up.h"
#include "afd-queue-row.h"
#include "afd-search-item.h"
#include "afd-search-results.h"
#include "afd-search-selection.h"

struct _AfdSearchResults
{
  GtkWidget           parent_instance;

  /* template widgets */
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;

  /* owned references */
  GtkSingleSelection *selection;
  AfdSearchModel     *model;      /* (nullable) until a cache is set */

  /* Set while the results change under the user, so that nothing is opened. */
  gboolean            quiet;
  /* (owned) (nullable) The result to select again once a refresh has finished. */
  char               *reselect_id;
  /* (owned) (nullable) The result selected: the lines change in place under it. */
  char               *selected_id;
  /* (nullable) (weak) The search entry Down leaves for the results and Up comes back to. */
  GtkWidget          *entry;
};

G_DEFINE_FINAL_TYPE (AfdSearchResults, afd_search_results, GTK_TYPE_WIDGET)

enum {
  ROW_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- One line: a header, a result or a "Show More" button ----------------------------- */

/* The widgets of a line, kept on its box. */
typedef struct
{
  GtkWidget *header;
  GtkWidget *result;
  GtkWidget *title;
  GtkWidget *subtitle;
  GtkWidget *reviewed;
  GtkWidget *badge;
  GtkWidget *more;
  GtkWidget *note;
  GtkListItem   *list_item;   /* (unowned) whose child the line is */
  AfdSearchItem *item;        /* (unowned) (nullable) the item bound, while bound */
  gulong         changed_id;  /* its "changed" handler */
} Line;

static GtkWidget *
label_new (const char *css_class,
           const char *css_class2)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  if (css_class2 != NULL)
    gtk_widget_add_css_class (label, css_class2);
  return label;
}

/* A box of labels, not an AfdQueueRowView as a queue's rows are: tried (the view in
 * the line, bound to the result's row; the same pixels in the app), bench-stalls' typing
 * (3 runs each alternated, cairo, load 1.4-2.7) did not change: the most main CPU in a
 * dispatch 6.8 (6.3-8.1) and 6.6 ms (6.4-8.0), the gap max 27.7 (27.7-27.9) and 25.9 ms
 * (25.8-35.1), 84/84/79 and 78/78/80 toplevel relayouts in ~650 frames. A search shows
 * a few lines (14 there), whose labels are not what a keystroke costs. */
static GtkWidget *
result_box_new (Line *line)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  line->title = label_new ("heading", NULL);
  line->subtitle = label_new ("dim-label", "caption");
  line->reviewed = gtk_label_new (_("Reviewed"));
  line->badge = gtk_label_new (NULL);
  gtk_widget_add_css_class (line->reviewed, "badge");
  gtk_widget_add_css_class (line->reviewed, "reviewed");
  gtk_widget_set_valign (line->reviewed, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (line->badge, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), line->title);
  gtk_box_append (GTK_BOX (texts), line->subtitle);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), line->reviewed);
  gtk_box_append (GTK_BOX (box), line->badge);
  gtk_widget_add_css_class (box, "search-result");
  return box;
}

static void more_clicked_cb (GtkButton *button, AfdSearchResults *self);

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          AfdSearchResults         *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  Line *line = g_new0 (Line, 1);

  line->header = label_new ("heading", "search-header");
  line->result = result_box_new (line);
  line->more = gtk_button_new ();
  gtk_widget_set_halign (line->more, GTK_ALIGN_START);
  gtk_widget_add_css_class (line->more, "flat");
  gtk_widget_add_css_class (line->more, "search-more");
  g_signal_connect (line->more, "clicked", G_CALLBACK (more_clicked_cb), self);
  line->note = label_new ("dim-label", "search-note");
  gtk_label_set_ellipsize (GTK_LABEL (line->note), PANGO_ELLIPSIZE_NONE);
  gtk_label_set_wrap (GTK_LABEL (line->note), TRUE);
  gtk_box_append (GTK_BOX (box), line->header);
  gtk_box_append (GTK_BOX (box), line->result);
  gtk_box_append (GTK_BOX (box), line->more);
  gtk_box_append (GTK_BOX (box), line->note);
  g_object_set_data_full (G_OBJECT (box), "afd-search-line", line, g_free);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_result (Line        *line,
             AfdQueueRow *row)
{
  g_auto(GStrv) classes = NULL;
  g_autofree char *accessible = NULL;

  g_object_get (row, "badge-classes", &classes, "accessible-label", &accessible, NULL);
  gtk_label_set_label (GTK_LABEL (line->title), afd_queue_row_get_title (row));
  gtk_label_set_label (GTK_LABEL (line->subtitle), afd_queue_row_get_subtitle (row));
  gtk_label_set_label (GTK_LABEL (line->badge), afd_queue_row_get_badge (row));
  gtk_widget_set_css_classes (line->badge, (const char **) classes);
  gtk_widget_set_visible (line->reviewed, afd_queue_row_get_reviewed (row));
  gtk_accessible_update_property (GTK_ACCESSIBLE (line->result), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

/* Shows @line's item, bound or changed in place. */
/* A spare line's row (the list view's own widget around the line's box) is hidden,
 * which takes it out of the accessibility tree and gives it no height, and insensitive,
 * so that neither it nor a button in it can take the focus (the list view's End or
 * Page Down would move it there). */
static void
row_set_spare (Line     *line,
               gboolean  spare)
{
  GtkWidget *row = gtk_widget_get_parent (gtk_list_item_get_child (line->list_item));

  if (row == NULL)
    return;
  gtk_widget_set_visible (row, !spare);
  gtk_widget_set_sensitive (row, !spare);
}

static void
line_show (Line *line)
{
  AfdSearchItem *item = line->item;
  AfdSearchItemKind kind = afd_search_item_get_kind (item);

  row_set_spare (line, kind == AFD_SEARCH_ITEM_SPARE);
  if (kind == AFD_SEARCH_ITEM_SPARE)
    {
      gtk_list_item_set_activatable (line->list_item, FALSE);
      gtk_list_item_set_selectable (line->list_item, FALSE);
      return;
    }
  gtk_widget_set_visible (line->header, kind == AFD_SEARCH_ITEM_HEADER);
  gtk_widget_set_visible (line->result, kind == AFD_SEARCH_ITEM_RESULT);
  gtk_widget_set_visible (line->more, kind == AFD_SEARCH_ITEM_MORE);
  gtk_widget_set_visible (line->note, kind == AFD_SEARCH_ITEM_NOTE);
  /* Only results open something; a header or a note is a label, "Show More" a button
   * of its own. */
  gtk_list_item_set_activatable (line->list_item, kind == AFD_SEARCH_ITEM_RESULT);
  gtk_list_item_set_selectable (line->list_item, kind == AFD_SEARCH_ITEM_RESULT);
  if (kind == AFD_SEARCH_ITEM_HEADER)
    gtk_label_set_label (GTK_LABEL (line->header), afd_search_item_get_label (item));
  else if (kind == AFD_SEARCH_ITEM_NOTE)
    gtk_label_set_label (GTK_LABEL (line->note), afd_search_item_get_label (item));
  else if (kind == AFD_SEARCH_ITEM_RESULT)
    bind_result (line, afd_search_item_get_row (item));
  else
    {
      gtk_button_set_label (GTK_BUTTON (line->more), afd_search_item_get_label (item));
      g_object_set_data (G_OBJECT (line->more), "afd-search-table",
                         GUINT_TO_POINTER (afd_search_item_get_table (item)));
    }
}

static Line *
line_of (GtkListItem *list_item)
{
  return g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "afd-search-line");
}

/* A new search updates the lines in place (afd-search-model.c): the widget stays bound
 * to its item and follows it. */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         AfdSearchResults         *self)
{
  Line *line = line_of (list_item);

  line->list_item = list_item;
  line->item = gtk_list_item_get_item (list_item);
  line->changed_id = g_signal_connect_swapped (line->item, "changed", G_CALLBACK (line_show), line);
  line_show (line);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           AfdSearchResults         *self)
{
  Line *line = line_of (list_item);

  g_clear_signal_handler (&line->changed_id, line->item);
  line->item = NULL;
  /* The list view may give the row to another list item: it shows again when bound. */
  row_set_spare (line, FALSE);
}

/* Should a bound line be torn down, it stops following its item. */
static void
teardown_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             AfdSearchResults         *self)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  Line *line = child != NULL ? g_object_get_data (G_OBJECT (child), "afd-search-line") : NULL;

  if (line != NULL && line->item != NULL)
    {
      g_clear_signal_handler (&line->changed_id, line->item);
      line->item = NULL;
    }
}

/* ---- Keyboard: lines a result, "Show More", and the focus -------------------------- */

/* The line a row of the list view (its child) shows, if bound. */
static Line *
line_of_row (GtkWidget *row)
{
  GtkWidget *box = gtk_widget_get_first_child (row);
  Line *line = box != NULL ? g_object_get_data (G_OBJECT (box), "afd-search-line") : NULL;

  return line != NULL && line->item != NULL ? line : NULL;
}

/* The row showing @position, if the list view made one. */
static GtkWidget *
row_at (AfdSearchResults *self,
        guint             position)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list_view)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      Line *line = line_of_row (row);

      if (line != NULL && gtk_list_item_get_position (line->list_item) == position)
        return row;
    }
  return NULL;
}

/* The position of the row @widget is in (or is). */
static guint
position_of (AfdSearchResults *self,
             GtkWidget        *widget)
{
  while (widget != NULL && gtk_widget_get_parent (widget) != GTK_WIDGET (self->list_view))
    widget = gtk_widget_get_parent (widget);
  if (widget == NULL || line_of_row (widget) == NULL)
    return GTK_INVALID_LIST_POSITION;
  return gtk_list_item_get_position (line_of_row (widget)->list_item);
}

static AfdSearchItemKind
kind_at (AfdSearchResults *self,
         guint             position)
{
  g_autoptr(AfdSearchItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  return item != NULL ? afd_search_item_get_kind (item) : AFD_SEARCH_ITEM_HEADER;
}

/* A result, or a "Show More" button: the lines the arrows stop on (headers and notes
 * are read by their neighbours' context, not stepped through). */
static gboolean
is_stop (AfdSearchResults *self,
         guint             position)
{
  AfdSearchItemKind kind = kind_at (self, position);

  return kind == AFD_SEARCH_ITEM_RESULT || kind == AFD_SEARCH_ITEM_MORE;
}

/* Up from the first result: back to the entry, the text as it was (not selected, so
 * that the next letter typed adds to the query). */
static gboolean
focus_entry (AfdSearchResults *self)
{
  GtkEditable *delegate = gtk_editable_get_delegate (GTK_EDITABLE (self->entry));

  if (GTK_IS_TEXT (delegate))
    return gtk_text_grab_focus_without_selecting (GTK_TEXT (delegate));
  return gtk_widget_grab_focus (self->entry);
}

/* The first result (or "Show More") gets the focus, without opening it; FALSE when no
 * result is on show. */
static gboolean
focus_first_stop (AfdSearchResults *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  GtkWidget *row;
  guint first;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "results") != 0 ||
      !gtk_widget_get_mapped (GTK_WIDGET (self->list_view)))
    return FALSE;
  for (first = 0; first < n && !is_stop (self, first); first++)
    ;
  if (first >= n)
    return FALSE;
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", first);
  row = row_at (self, first);
  return row != NULL && gtk_widget_grab_focus (row);
}

/* Down in the search entry goes to the results, as it does in GNOME's search boxes. */
static gboolean
entry_key_pressed_cb (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      AfdSearchResults      *self)
{
  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0)
    return FALSE;
  return focus_first_stop (self);
}

/* The focus to the stop at @to, shown, and a result selected (it opens), as the arrows
 * do between two results. */
static gboolean
move_to_stop (AfdSearchResults *self,
              guint             to)
{
  GtkWidget *row;

  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", to);
  if ((row = row_at (self, to)) == NULL)
    return FALSE;
  gtk_widget_grab_focus (row);
  if (kind_at (self, to) == AFD_SEARCH_ITEM_RESULT &&
      gtk_single_selection_get_selected (self->selection) != to)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.select-item", "(ubb)", to,
                                FALSE, FALSE);
  return TRUE;
}

/* Home and End: the first and the last stop, not the list's first line (a header) or
 * its last (maybe a spare line, hidden). */
static gboolean
move_to_edge (AfdSearchResults *self,
              gboolean          to_end)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    {
      guint position = to_end ? n - 1 - i : i;

      if (is_stop (self, position))
        {
          move_to_stop (self, position);
          break;
        }
    }
  return TRUE;
}

/* Up or Down across a header (or a note): the list view would stop on the header,
 * which takes no focus, so the next stop beyond it gets the focus here. Past the last
 * stop there is nothing (spare lines are hidden); before the first, the search entry. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AfdSearchResults      *self)
{
  int step = keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down ? 1
             : keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up ? -1 : 0;
  gboolean edge = keyval == GDK_KEY_Home || keyval == GDK_KEY_KP_Home ||
                  keyval == GDK_KEY_End || keyval == GDK_KEY_KP_End;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  guint from, to;

  if ((step == 0 && !edge) || (state & gtk_accelerator_get_default_mod_mask ()) != 0 ||
      root == NULL)
    return FALSE;
  from = position_of (self, gtk_root_get_focus (root));
  if (from == GTK_INVALID_LIST_POSITION)
    return FALSE;
  if (edge)
    return move_to_edge (self, keyval == GDK_KEY_End || keyval == GDK_KEY_KP_End);
  for (to = from + step; to < n && !is_stop (self, to); to += step)
    ;
  if (to >= n && step < 0 && self->entry != NULL)
    return focus_entry (self);
  if (to >= n)
    return TRUE;    /* nothing to stop on that way: the focus stays */
  if (to == from + step && row_at (self, to) != NULL)
    return FALSE;   /* the next line: the list view's own step */
  move_to_stop (self, to);
  return TRUE;
}

/* "Show More": the group's other results take the button's place; the first of them
 * gets the focus (the button is gone), without opening it. */
static void
more_clicked_cb (GtkButton        *button,
                 AfdSearchResults *self)
{
  AfTable table = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "afd-search-table"));
  guint position = position_of (self, GTK_WIDGET (button));
  GtkWidget *row;

  if (self->model == NULL)
    return;
  afd_search_model_expand (self->model, table);
  if (position != GTK_INVALID_LIST_POSITION && (row = row_at (self, position)) != NULL)
    gtk_widget_grab_focus (row);
}

/* ---- Opening a result ------------------------------------------------------------------ */

static gboolean
open_position (AfdSearchResults *self,
               guint             position)
{
  g_autoptr(AfdSearchItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL || afd_search_item_get_kind (item) != AFD_SEARCH_ITEM_RESULT)
    return FALSE;
  g_signal_emit (self, signals[ROW_ACTIVATED], 0, afd_search_item_get_row (item));
  return TRUE;
}

static const char *item_id_at (AfdSearchResults *self, guint position);

/* A click or the arrows select a result: it opens, as a queue's rows do. */
static void
selection_changed_cb (AfdSearchResults *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);

  g_free (self->selected_id);
  self->selected_id = position != GTK_INVALID_LIST_POSITION ? g_strdup (item_id_at (self, position))
                                                            : NULL;
  if (!self->quiet && position != GTK_INVALID_LIST_POSITION)
    open_position (self, position);
}

/* Selected again (assistive technology's Select, a click after Back): it opens again. */
static void
reselected_cb (AfdSearchResults *self,
               guint             position)
{
  if (!self->quiet)
    open_position (self, position);
}

/* Enter on a result that is selected already opens it again (after Back). */
static void
list_activate_cb (AfdSearchResults *self,
                  guint             position)
{
  open_position (self, position);
}

/* ---- The state shown ------------------------------------------------------------------- */

static void
show_empty (AfdSearchResults *self)
{
  const GError *error = afd_search_model_get_error (self->model);
  g_autofree char *escaped = g_markup_escape_text (afd_search_model_get_text (self->model), -1);
  g_autofree char *description = NULL;

  if (error != NULL)
    {
      adw_status_page_set_icon_name (self->empty_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->empty_page, _("Could Not Search"));
      description = g_markup_escape_text (error->message, -1);
    }
  else
    {
      adw_status_page_set_icon_name (self->empty_page, "edit-find-symbolic");
      adw_status_page_set_title (self->empty_page, _("No Results"));
      /* TRANSLATORS: %s is what the user typed in the search entry */
      description = g_strdup_printf (_("Nothing matches “%s”. Try a name, a loan ID, a file "
                                       "name or the start of an ID."), escaped);
    }
  adw_status_page_set_description (self->empty_page, description);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static const char *
item_id_at (AfdSearchResults *self,
            guint             position)
{
  g_autoptr(AfdSearchItem) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (item == NULL || afd_search_item_get_row (item) == NULL)
    return NULL;
  /* The row lives as long as the model holds the item. */
  return afd_queue_row_get_item_id (afd_search_item_get_row (item));
}

/* After a refresh, the result on show is highlighted again, without reopening it. */
static void
reselect (AfdSearchResults *self)
{
  g_autofree char *item_id = g_steal_pointer (&self->reselect_id);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; item_id != NULL && i < n; i++)
    if (g_strcmp0 (item_id_at (self, i), item_id) == 0)
      {
        self->quiet = TRUE;
        gtk_single_selection_set_selected (self->selection, i);
        self->quiet = FALSE;
        return;
      }
}

static void
select_quietly (AfdSearchResults *self,
                guint             position)
{
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->quiet = FALSE;
}

/* The lines changed in place: the selection stays on its result, wherever that went,
 * or goes if the result is not shown any more. */
static void update_state (AfdSearchResults *self);

static void
updated_cb (AfdSearchResults *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  g_autofree char *selected_id = NULL;

  update_state (self);
  if (position == GTK_INVALID_LIST_POSITION || self->selected_id == NULL ||
      g_strcmp0 (item_id_at (self, position), self->selected_id) == 0)
    return;
  selected_id = g_strdup (self->selected_id);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (item_id_at (self, i), selected_id) == 0)
      {
        select_quietly (self, i);
        return;
      }
  select_quietly (self, GTK_INVALID_LIST_POSITION);
}

static void
finished_cb (AfdSearchResults *self)
{
  reselect (self);
}

/* The list stays while a search runs (its rows are replaced as groups arrive, each
 * shown as it comes, after a clear too: a cleared search's lines are spare, hidden);
 * the empty page only once every group has said it has nothing. */
static void
update_state (AfdSearchResults *self)
{
  gboolean empty = afd_search_model_get_n_shown (self->model) == 0;

  if (empty && !afd_search_model_is_searching (self->model) &&
      *afd_search_model_get_text (self->model) != '\0')
    show_empty (self);
  else
    gtk_stack_set_visible_child_name (self->stack, "results");
}

static void
items_changing_cb (AfdSearchResults *self)
{
  self->quiet = TRUE;
}

static void
items_changed_cb (AfdSearchResults *self)
{
  self->quiet = FALSE;
  update_state (self);
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
drop_model (AfdSearchResults *self)
{
  if (self->model == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->model, self);
  afd_search_model_cancel (self->model);
  g_clear_object (&self->model);
}

static void
afd_search_results_dispose (GObject *object)
{
  AfdSearchResults *self = AFD_SEARCH_RESULTS (object);

  drop_model (self);
  g_clear_weak_pointer (&self->entry);
  g_clear_pointer (&self->reselect_id, g_free);
  g_clear_pointer (&self->selected_id, g_free);
  /* The template's one child, the stack, is bound by name: this unparents it. */
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_SEARCH_RESULTS);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (afd_search_results_parent_class)->dispose (object);
}

static void
afd_search_results_class_init (AfdSearchResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_search_results_dispose;

  /* A result was chosen: the page of its item should open. */
  signals[ROW_ACTIVATED] = g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, AFD_TYPE_QUEUE_ROW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-search-results.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdSearchResults, stack);
  gtk_widget_class_bind_template_child (widget_class, AfdSearchResults, list_view);
  gtk_widget_class_bind_template_child (widget_class, AfdSearchResults, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
afd_search_results_init (AfdSearchResults *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *keys;
  g_autoptr(AfdSearchSelection) shown = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_cb), self);
  keys = gtk_event_controller_key_new ();
  /* Before the list view's own arrow bindings. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (keys, "afd-search-keys");
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list_view), keys);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_swapped (self->selection, "notify::selected",
                            G_CALLBACK (selection_changed_cb), self);
  shown = afd_search_selection_new (self->selection);
  g_signal_connect_swapped (shown, "reselected", G_CALLBACK (reselected_cb), self);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (shown));
}

/* A label of the results' kinds, for the warm-up: classes as setup_cb () gives them. */
static GtkWidget *
warm_up_label (const char *css_class,
               const char *css_class2)
{
  GtkWidget *label = label_new (css_class, css_class2);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_NONE);
  return label;
}

void
afd_search_results_warm_up (AfdSearchResults *self)
{
  GPtrArray *labels = g_ptr_array_new ();

  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));

  /* The title's font too: the queue's rows draw theirs at other sizes (perf still saw
   * FreeType in the first results without it). A badge's colour class does not change
   * its font; "weight" does. */
  g_ptr_array_add (labels, warm_up_label ("heading", "search-header"));
  g_ptr_array_add (labels, warm_up_label ("heading", NULL));
  g_ptr_array_add (labels, warm_up_label ("dim-label", "caption"));
  g_ptr_array_add (labels, warm_up_label ("badge", NULL));
  g_ptr_array_add (labels, warm_up_label ("badge", "weight"));
  g_ptr_array_add (labels, warm_up_label ("dim-label", "search-note"));
  afd_glyph_warm_up_start (labels);
}

void
afd_search_results_set_thread (AfdSearchResults *self,
                               AfStoreThread    *thread)
{
  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));
  g_return_if_fail (AF_IS_STORE_THREAD (thread));

  if (self->model != NULL && afd_search_model_get_thread (self->model) == thread)
    return;
  drop_model (self);
  self->model = afd_search_model_new (thread);
  /* Before the selection sees the change, and after: a result that moves (a group
   * above it grew) is still the one selected, and nothing opens. */
  g_signal_connect_swapped (self->model, "items-changed", G_CALLBACK (items_changing_cb), self);
  g_signal_connect_data (self->model, "items-changed", G_CALLBACK (items_changed_cb), self, NULL,
                         G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_swapped (self->model, "updated", G_CALLBACK (updated_cb), self);
  g_signal_connect_swapped (self->model, "finished", G_CALLBACK (update_state), self);
  g_signal_connect_swapped (self->model, "finished", G_CALLBACK (finished_cb), self);
  self->quiet = TRUE;
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->model));
  self->quiet = FALSE;
}

void
afd_search_results_search (AfdSearchResults *self,
                           const char       *text)
{
  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));

  if (self->model == NULL)
    return;
  /* A new query: nothing of the last one stays selected. */
  g_clear_pointer (&self->reselect_id, g_free);
  self->quiet = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->quiet = FALSE;
  afd_search_model_set_text (self->model, text);
  update_state (self);
}

void
afd_search_results_refresh (AfdSearchResults *self)
{
  guint position;

  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));

  if (self->model == NULL || *afd_search_model_get_text (self->model) == '\0')
    return;
  position = gtk_single_selection_get_selected (self->selection);
  g_free (self->reselect_id);
  self->reselect_id = position != GTK_INVALID_LIST_POSITION ? g_strdup (item_id_at (self, position))
                                                            : NULL;
  afd_search_model_refresh (self->model);
}

void
afd_search_results_cancel (AfdSearchResults *self)
{
  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));

  if (self->model != NULL)
    afd_search_model_cancel (self->model);
}

gboolean
afd_search_results_activate_first (AfdSearchResults *self)
{
  guint n;

  g_return_val_if_fail (AFD_IS_SEARCH_RESULTS (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    if (open_position (self, i))
      {
        self->quiet = TRUE;
        gtk_single_selection_set_selected (self->selection, i);
        self->quiet = FALSE;
        return TRUE;
      }
  return FALSE;
}

void
afd_search_results_attach_entry (AfdSearchResults *self,
                                 GtkWidget        *entry)
{
  GtkEventController *keys;

  g_return_if_fail (AFD_IS_SEARCH_RESULTS (self));
  g_return_if_fail (GTK_IS_EDITABLE (entry));
  g_return_if_fail (self->entry == NULL);

  g_set_weak_pointer (&self->entry, entry);
  keys = gtk_event_controller_key_new ();
  /* Before the text's own Down (it would only ring the bell on one line). */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (keys, "afd-search-entry-keys");
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self, 0);
  gtk_widget_add_controller (entry, keys);
}

AfdSearchModel *
afd_search_results_get_model (AfdSearchResults *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_RESULTS (self), NULL);
  return self->model;
}

GtkListView *
afd_search_results_get_list_view (AfdSearchResults *self)
{
  g_return_val_if_fail (AFD_IS_SEARCH_RESULTS (self), NULL);
  return self->list_view;
}
