/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-sidebar"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-sidebar.h"

struct _AfdSidebar
{
  GtkWidget   parent_instance;

  /* template widgets */
  GtkListBox    *list_box;

  /* borrowed references */
  GtkListBoxRow *chosen;   /* (nullable) the queue shown: changed by Enter or a click only */
  gboolean       released; /* the chosen row left unselected: its queue's list is aside */

  gint64         counts[AFD_N_QUEUES];  /* -1: not known; UNCOUNTED: not asked yet */
};

G_DEFINE_FINAL_TYPE (AfdSidebar, afd_sidebar, GTK_TYPE_WIDGET)

#define UNCOUNTED G_MININT64

enum {
  QUEUE_SELECTED,
  QUEUE_CHOSEN_AGAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GtkWidget *
queue_child (AfdSidebar *self,
             AfdQueue    queue,
             const char *suffix)
{
  g_autofree char *name = g_strconcat (afd_queue_get_id (queue), suffix, NULL);

  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), AFD_TYPE_SIDEBAR, name));
}

static gboolean
row_queue (GtkListBoxRow *row,
           AfdQueue      *out_queue)
{
  return row != NULL && afd_queue_from_id (gtk_widget_get_name (GTK_WIDGET (row)), out_queue);
}

/* What screen readers say of a queue's row besides its name: how many items, and, while
 * its list is aside, that it is still the queue shown (its row is not selected then). */
static void
describe_row (AfdSidebar *self,
              AfdQueue    queue,
              gboolean    marked)
{
  GtkWidget *row = queue_child (self, queue, "-row");
  gint64 count = self->counts[queue];
  g_autofree char *text = count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count)
                                     : g_strdup ("?");
  g_autofree char *items = NULL;
  g_autofree char *description = NULL;

  if (count == UNCOUNTED && !marked)
    return;
  /* TRANSLATORS: how many items a review queue holds, read out by screen readers */
  items = g_strdup_printf (ngettext ("%s item", "%s items", count == 1 ? 1 : 2), text);
  if (marked)
    /* TRANSLATORS: read out by screen readers for the queue the user came from while
     * documents are compared (its list is put aside); %s is "N items" */
    description = g_strdup_printf (_("%s, current queue"), items);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : items, -1);
}

/* Released, the chosen row is still marked (style.css), so that the user sees where
 * they are while its list is aside; selecting it is what would bring the list back. */
static void
mark_chosen (AfdSidebar *self,
             gboolean    marked)
{
  AfdQueue queue;

  if (!row_queue (self->chosen, &queue))
    return;
  if (marked)
    gtk_widget_add_css_class (GTK_WIDGET (self->chosen), "queue-shown");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->chosen), "queue-shown");
  describe_row (self, queue, marked);
}

/* Browse mode keeps a row selected: the chosen one is released in single mode. */
static void
release (AfdSidebar *self,
         gboolean    released)
{
  mark_chosen (self, FALSE);
  self->released = released;
  gtk_list_box_set_selection_mode (self->list_box, released ? GTK_SELECTION_SINGLE
                                                            : GTK_SELECTION_BROWSE);
  mark_chosen (self, released);
}

/* Shows @row's queue, unless it is shown already. */
static void
choose_row (AfdSidebar    *self,
            GtkListBoxRow *row)
{
  GtkListBoxRow *previous = self->chosen;
  AfdQueue queue;

  if (!row_queue (row, &queue))
    return;
  /* The row left is no longer marked; the one chosen first, so that row_selected_cb
   * lets this selection stand. */
  mark_chosen (self, FALSE);
  self->chosen = row;
  release (self, FALSE);
  if (gtk_list_box_get_selected_row (self->list_box) != row)
    gtk_list_box_select_row (self->list_box, row);
  if (row != previous)
    g_signal_emit (self, signals[QUEUE_SELECTED], 0, (guint) queue);
}

static gboolean
row_has_focus (GtkListBoxRow *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == GTK_WIDGET (row) ||
                           gtk_widget_is_ancestor (focus, GTK_WIDGET (row)));
}

/* GtkListBox selects the row that takes the focus (Tab, the arrows), which would
 * switch the queue at every key press: that selection is put back on the queue
 * shown, and only an activation (Enter, Space, a click) chooses the focused row.
 * A row selected without the focus (assistive technology's Select) is a choice. */
static void
row_selected_cb (AfdSidebar    *self,
                 GtkListBoxRow *row)
{
  if (row == NULL)
    return;
  if (row == self->chosen)
    {
      /* Selected while released: a Select of assistive technology (a click or Enter
       * also activates the row, row_activated_cb); the focus alone chooses nothing. */
      gboolean again = self->released && !row_has_focus (row);

      release (self, FALSE);
      if (again)
        g_signal_emit (self, signals[QUEUE_CHOSEN_AGAIN], 0);
      return;
    }
  if (row_has_focus (row) && self->chosen != NULL && self->released)
    gtk_list_box_unselect_all (self->list_box);
  else if (row_has_focus (row) && self->chosen != NULL)
    gtk_list_box_select_row (self->list_box, self->chosen);
  else
    choose_row (self, row);
}

static void
row_activated_cb (AfdSidebar    *self,
                  GtkListBoxRow *row)
{
  /* Choosing the queue shown again emits nothing else, yet brings its list back. */
  if (row != NULL && row == self->chosen)
    g_signal_emit (self, signals[QUEUE_CHOSEN_AGAIN], 0);
  choose_row (self, row);
}

/* Two sections, "Loan Reviews" and "Artworks", each headed by a title. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  AfdQueue queue, previous;
  GtkWidget *header = NULL;

  if (!row_queue (row, &queue))
    return;
  if (before == NULL || (row_queue (before, &previous) &&
                         afd_queue_is_artworks (previous) != afd_queue_is_artworks (queue)))
    {
      header = gtk_label_new (afd_queue_is_artworks (queue) ? _("Artworks") : _("Loan Reviews"));
      gtk_label_set_xalign (GTK_LABEL (header), 0);
      gtk_widget_add_css_class (header, "sidebar-heading");
    }
  gtk_list_box_row_set_header (row, header);
}

static void
afd_sidebar_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), AFD_TYPE_SIDEBAR);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (object)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (object)))
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (afd_sidebar_parent_class)->dispose (object);
}

static void
afd_sidebar_class_init (AfdSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  char *name;

  object_class->dispose = afd_sidebar_dispose;

  signals[QUEUE_SELECTED] = g_signal_new ("queue-selected", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_UINT);
  /* The queue shown chosen again (a click, Enter, assistive technology's Select). */
  signals[QUEUE_CHOSEN_AGAIN] = g_signal_new ("queue-chosen-again", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdSidebar, list_box);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  /* The rows and their counts are looked up by name: "<queue id>-row", "-count". */
  for (AfdQueue queue = 0; queue < AFD_N_QUEUES; queue++)
    {
      name = g_strconcat (afd_queue_get_id (queue), "-row", NULL);
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (name), FALSE, 0);
      g_free (name);
      name = g_strconcat (afd_queue_get_id (queue), "-count", NULL);
      gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (name), FALSE, 0);
      g_free (name);
    }
}

static void
afd_sidebar_init (AfdSidebar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (AfdQueue queue = 0; queue < AFD_N_QUEUES; queue++)
    self->counts[queue] = UNCOUNTED;
  gtk_list_box_set_header_func (self->list_box, header_func, NULL, NULL);
}

void
afd_sidebar_select (AfdSidebar *self,
                    AfdQueue    queue)
{
  g_return_if_fail (AFD_IS_SIDEBAR (self));
  g_return_if_fail (queue < AFD_N_QUEUES);

  choose_row (self, GTK_LIST_BOX_ROW (queue_child (self, queue, "-row")));
}

/* While the queue's list is aside, the queue shown is left unselected: GtkListBox
 * tells nothing when the selected row is selected again (assistive technology's Select),
 * but does when an unselected one is. */
void
afd_sidebar_set_list_aside (AfdSidebar *self,
                            gboolean    aside)
{
  g_return_if_fail (AFD_IS_SIDEBAR (self));

  if (self->chosen == NULL || aside == self->released)
    return;
  release (self, aside);
  if (aside)
    gtk_list_box_unselect_all (self->list_box);
  else
    gtk_list_box_select_row (self->list_box, self->chosen);
}

AfdQueue
afd_sidebar_get_selected (AfdSidebar *self)
{
  AfdQueue queue = AFD_QUEUE_HIGH_RISK;

  g_return_val_if_fail (AFD_IS_SIDEBAR (self), queue);

  row_queue (self->chosen, &queue);
  return queue;
}

static void
set_count (AfdSidebar *self,
           AfdQueue    queue,
           gint64      count)
{
  GtkWidget *label = queue_child (self, queue, "-count");
  g_autofree char *text = count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count)
                                     : g_strdup ("?");

  gtk_label_set_label (GTK_LABEL (label), text);
  self->counts[queue] = count;
  describe_row (self, queue, self->released &&
                             queue_child (self, queue, "-row") == GTK_WIDGET (self->chosen));
}

void
afd_sidebar_set_counts (AfdSidebar   *self,
                        const gint64  counts[AFD_N_QUEUES])
{
  g_return_if_fail (AFD_IS_SIDEBAR (self));

  for (AfdQueue queue = 0; queue < AFD_N_QUEUES; queue++)
    set_count (self, queue, counts[queue]);
}
