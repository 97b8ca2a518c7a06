/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-async.h"
#include "af-store-guard.h"
#include "afd-artwork-page.h"
#include "afd-audit-page.h"
#include "afd-compare-page.h"
#include "afd-conflict-banner.h"
#include "afd-conflict-list.h"
#include "afd-document-page.h"
#include "afd-forget-dialog.h"
#include "afd-identity.h"
#include "afd-key-error.h"
#include "afd-queue-list.h"
#include "afd-queue-row.h"
#include "afd-sidebar.h"
#include "afd-submit-dialog.h"
#include "afd-sync-panel.h"
#include "afd-waiting-list.h"
#include "afd-width-bin.h"
#include "afd-window.h"

struct _AfdWindow
{
  AdwApplicationWindow  parent_instance;

  /* template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar_pane;
  AdwWindowTitle       *sidebar_title;
  AfdSidebar           *sidebar;
  AfdConflictList      *conflict_list;
  AfdSyncPanel         *sync_panel;
  AfdWaitingList       *waiting_list;
  GtkWidget            *demo_label;
  GtkImage             *outbox_icon;
  GtkLabel             *outbox_label;
  GtkWidget            *list_pane;
  AdwWindowTitle       *list_title;
  GtkWidget            *threshold_button;
  GtkWidget            *submit_button;
  GtkSpinButton        *threshold_spin;
  AfdQueueList         *queue_list;
  GtkWidget            *detail_pane;
  AdwWindowTitle       *detail_title;
  GtkWidget            *back_button;
  GtkWidget            *demo_banner;
  AfdConflictBanner    *conflict_banner;
  GtkStack             *detail_stack;
  AdwStatusPage        *empty_page;

  /* borrowed: the detail pages, built on first use so that the first frame is cheap */
  AfdAuditPage         *audit_page;      /* (nullable) */
  AfdDocumentPage      *document_page;   /* (nullable) */
  AfdComparePage       *compare_page;    /* (nullable) */
  AfdArtworkPage       *artwork_page;    /* (nullable) */

  /* owned references */
  GSettings            *settings;
  AfdWorkspace         *workspace;      /* (nullable) when it could not be opened */
  char                 *back_page;      /* (nullable) the page "Back" returns to */
  char                 *back_audit;     /* (nullable) from the audit's history: that audit */
  char                 *back_row;       /* (nullable) and the history row that was followed */
  char                 *item_id;        /* (nullable) the item on show */
  GPtrArray            *pending_ids;    /* ids to open once the workspace is there */
  AfdWorkspace         *pending_workspace; /* (nullable) waits for the first frame */

  GCancellable         *cancellable;    /* (owned) the window's reads, cancelled in dispose */
  GCancellable         *outbox_cancellable; /* (owned) (nullable) the outbox count being read */
  GCancellable         *counts_cancellable; /* (owned) (nullable) the queue counts being read */

  gboolean              painted;        /* the first frame is on screen */
  gboolean              list_wanted;    /* the queue list asked for (not while comparing) */
  gboolean              placed_wide;    /* the list was placed for a wide window */
  guint                 place_source;   /* placing the list again after a resize */

  AfdQueue              queue;
};

G_DEFINE_FINAL_TYPE (AfdWindow, afd_window, ADW_TYPE_APPLICATION_WINDOW)

static void map_cb (AfdWindow *self);

enum {
  FIRST_FRAME,
  WORKSPACE_SHOWN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static AfStoreThread *
store_thread (AfdWindow *self)
{
  return afd_workspace_get_store_thread (self->workspace);
}

static void
toast (AfdWindow  *self,
       const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_outbox (AfdWindow    *self,
             gint64        n,
             const GError *error)
{
  g_autofree char *text = NULL;

  /* Artworks queued for analysis wait too (the waiting list above the artworks). */
  if (n >= 0)
    n += afd_waiting_list_get_n_waiting (self->waiting_list);
  if (n < 0)
    text = g_strdup_printf (_("Cannot read the outbox: %s"), error->message);
  else if (n == 0)
    text = g_strdup (_("Nothing waiting to sync"));
  else if (afd_workspace_is_demo (self->workspace))
    /* TRANSLATORS: edits on the demo workspace, which is never sent anywhere */
    text = g_strdup_printf (ngettext ("%d change kept on this computer (the demo never syncs)",
                                      "%d changes kept on this computer (the demo never syncs)",
                                      (gulong) n), (int) n);
  else
    /* TRANSLATORS: local edits not yet sent to the cloud */
    text = g_strdup_printf (ngettext ("%d change waiting to sync",
                                      "%d changes waiting to sync", (gulong) n), (int) n);
  gtk_label_set_label (self->outbox_label, text);
  gtk_image_set_from_icon_name (self->outbox_icon, n == 0 ? "emblem-ok-symbolic"
                                                          : "emblem-synchronizing-symbolic");
}

static void
outbox_counted_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 n = af_store_thread_count_finish (AF_STORE_THREAD (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_outbox (AFD_WINDOW (user_data), n, error);
}

/* Only the latest count is shown. */
static void
update_outbox (AfdWindow *self)
{
  g_cancellable_cancel (self->outbox_cancellable);
  g_clear_object (&self->outbox_cancellable);
  self->outbox_cancellable = g_cancellable_new ();
  af_store_thread_outbox_length_async (store_thread (self), self->outbox_cancellable,
                                       outbox_counted_cb, self);
}

static double
risk_threshold (AfdWindow *self)
{
  return g_settings_get_double (self->settings, "risk-threshold");
}

static void
update_list_title (AfdWindow *self,
                   guint      n_items)
{
  g_autofree char *subtitle = g_strdup_printf (ngettext ("%u item", "%u items", n_items), n_items);

  /* A search looks through every kind of item, not the queue's. */
  if (afd_queue_list_is_searching (self->queue_list))
    {
      adw_window_title_set_title (self->list_title, _("Search"));
      adw_window_title_set_subtitle (self->list_title, _("Every audit, document and artwork"));
    }
  else
    {
      adw_window_title_set_title (self->list_title, afd_queue_get_title (self->queue));
      adw_window_title_set_subtitle (self->list_title, subtitle);
    }
  gtk_widget_set_visible (self->threshold_button, self->queue == AFD_QUEUE_HIGH_RISK);
  gtk_widget_set_visible (self->submit_button, afd_queue_is_artworks (self->queue));
}

static void
show_queue (AfdWindow *self)
{
  g_autoptr(AfdQueueModel) model = NULL;
  g_autoptr(AfdQueueModel) more = NULL;
  AfQuery query;

  /* The search entry does not filter the queue: it searches everything, and the queue
   * stays underneath for when the search is cleared. */
  afd_queue_build_query (self->queue, risk_threshold (self), NULL, &query);
  afd_queue_list_set_store_thread (self->queue_list, store_thread (self));
  model = afd_queue_model_new (store_thread (self), &query);
  if (afd_queue_build_more_query (self->queue, NULL, &query))
    more = afd_queue_model_new (store_thread (self), &query);
  afd_queue_list_set_model (self->queue_list, model, more,
                            afd_queue_get_empty_title (self->queue));
  afd_waiting_list_set_artworks (self->waiting_list, afd_queue_is_artworks (self->queue));
  /* The number of items arrives with the first page (queue_list_loaded_cb). */
  update_list_title (self, 0);
}

static void
update_back_button (AfdWindow *self)
{
  gtk_widget_set_visible (self->back_button, self->back_page != NULL ||
                                             adw_leaflet_get_folded (self->leaflet));
}

/* From this window width on, the queue list steps aside while documents are compared,
 * so that two of them fit side by side (about 850 px) beside the sidebar. Narrower it
 * stays: the window is folded, or its room would only go to the sidebar. */
#define COMPARE_WIDE_WIDTH 1100

/* The queue list, or not (comparing in a wide window); it comes back with any other
 * page, a queue (also the one shown, chosen again), the search. */
static void
show_list_pane (AfdWindow *self,
                gboolean   shown)
{
  gboolean wide = gtk_widget_get_width (GTK_WIDGET (self)) >= COMPARE_WIDE_WIDTH;
  gboolean visible = shown || !wide;

  self->list_wanted = shown;
  self->placed_wide = wide;
  gtk_widget_set_visible (self->list_pane, visible);
  /* Released, the sidebar tells of its queue shown chosen again, even by a Select. */
  afd_sidebar_set_list_aside (self->sidebar, !visible);
}

static gboolean
place_list_pane (gpointer user_data)
{
  AfdWindow *self = user_data;

  self->place_source = 0;
  show_list_pane (self, self->list_wanted);
  return G_SOURCE_REMOVE;
}

/* Resized across COMPARE_WIDE_WIDTH while documents are compared: the queue list steps
 * aside or comes back now, not at the next page. Not while the window is being
 * allocated, which would leave the panes unallocated: just after. */
static void
afd_window_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  AfdWindow *self = AFD_WINDOW (widget);

  GTK_WIDGET_CLASS (afd_window_parent_class)->size_allocate (widget, width, height, baseline);
  if (!self->list_wanted && self->place_source == 0 &&
      (width >= COMPARE_WIDE_WIDTH) != self->placed_wide)
    self->place_source = g_idle_add (place_list_pane, self);
}

/* The row of the queue (or of the search results) that has the focus, if any:
 * unfolded, both panes are on screen, and an item opened from the list with the arrows
 * keeps the focus on its row. AdwLeaflet moves the focus into the child it makes
 * visible: the first item opened with an arrow from the search box took the focus to the
 * page's first button. (Enter in the search box still goes to the result it opens.) */
static GtkWidget *
list_focus (AfdWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *entry = GTK_WIDGET (afd_queue_list_get_search_entry (self->queue_list));

  if (focus == NULL || adw_leaflet_get_folded (self->leaflet) ||
      !gtk_widget_is_ancestor (focus, self->list_pane) ||
      focus == entry || gtk_widget_is_ancestor (focus, entry))
    return NULL;
  return g_object_ref (focus);
}

static void
show_detail (AfdWindow  *self,
             const char *page,
             const char *title)
{
  g_autoptr(GtkWidget) kept_focus = list_focus (self);

  show_list_pane (self, !g_str_equal (page, "compare"));
  gtk_stack_set_visible_child_name (self->detail_stack, page);
  adw_window_title_set_title (self->detail_title, title);
  update_back_button (self);
  adw_leaflet_set_visible_child (self->leaflet, self->detail_pane);
  if (kept_focus != NULL && gtk_widget_get_mapped (kept_focus) &&
      gtk_root_get_focus (GTK_ROOT (self)) != kept_focus)
    gtk_widget_grab_focus (kept_focus);
}

/* A page's title arrives with its item, from the store's thread. */
static void
page_title_cb (GtkWidget  *page,
               GParamSpec *pspec,
               AfdWindow  *self)
{
  g_autofree char *title = NULL;

  if (gtk_stack_get_visible_child (self->detail_stack) != page)
    return;
  g_object_get (page, "title", &title, NULL);
  adw_window_title_set_title (self->detail_title, title);
}

static gpointer
ensure_page (AfdWindow  *self,
             gpointer   *page,
             GType       type,
             const char *name)
{
  if (*page == NULL)
    {
      *page = g_object_new (type, NULL);
      gtk_stack_add_named (self->detail_stack, GTK_WIDGET (*page), name);
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (*page), "title") != NULL)
        g_signal_connect_object (*page, "notify::title", G_CALLBACK (page_title_cb), self, 0);
    }
  return *page;
}

#define AUDIT_PAGE(self) \
  AFD_AUDIT_PAGE (ensure_page (self, (gpointer *) &self->audit_page, AFD_TYPE_AUDIT_PAGE, "audit"))
#define COMPARE_PAGE(self) \
  AFD_COMPARE_PAGE (ensure_page (self, (gpointer *) &self->compare_page, \
                                 AFD_TYPE_COMPARE_PAGE, "compare"))
#define DOCUMENT_PAGE(self) \
  AFD_DOCUMENT_PAGE (ensure_page (self, (gpointer *) &self->document_page, \
                                  AFD_TYPE_DOCUMENT_PAGE, "document"))
#define ARTWORK_PAGE(self) \
  AFD_ARTWORK_PAGE (ensure_page (self, (gpointer *) &self->artwork_page, \
                                 AFD_TYPE_ARTWORK_PAGE, "artwork"))

static void
forget_back (AfdWindow *self)
{
  g_clear_pointer (&self->back_page, g_free);
  g_clear_pointer (&self->back_audit, g_free);
  g_clear_pointer (&self->back_row, g_free);
}

static void
open_item (AfdWindow  *self,
           AfTable     table,
           const char *id)
{
  forget_back (self);
  g_free (self->item_id);
  self->item_id = g_strdup (id);
  afd_conflict_banner_set_item (self->conflict_banner, store_thread (self), id);
  switch (table)
    {
    case AF_TABLE_AUDITS:
      afd_audit_page_load (AUDIT_PAGE (self), self->workspace, id);
      show_detail (self, "audit", afd_audit_page_get_title (self->audit_page));
      break;
    case AF_TABLE_DOCUMENTS:
      afd_document_page_load (DOCUMENT_PAGE (self), self->workspace, id);
      show_detail (self, "document", afd_document_page_get_title (self->document_page));
      break;
    case AF_TABLE_ANALYSES:
      afd_artwork_page_load (ARTWORK_PAGE (self), self->workspace, id);
      show_detail (self, "artwork", afd_artwork_page_get_title (self->artwork_page));
      break;
    case AF_TABLE_USERS:
    case AF_N_TABLES:
    default:
      toast (self, _("Users cannot be opened here"));
      break;
    }
}

static void
sidebar_queue_selected_cb (AfdWindow *self,
                           guint      queue)
{
  self->queue = queue;
  g_settings_set_string (self->settings, "last-queue", afd_queue_get_id (queue));
  /* A queue chosen is a queue to see: a search on show ends. */
  afd_queue_list_stop_search (self->queue_list);
  show_queue (self);
  show_list_pane (self, TRUE);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

/* The queue shown, chosen again: its list comes back if it stepped aside. */
static void
sidebar_queue_chosen_again_cb (AfdWindow *self)
{
  show_list_pane (self, TRUE);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
queue_list_row_selected_cb (AfdWindow   *self,
                            AfdQueueRow *row)
{
  if (afd_queue_row_get_item_id (row) != NULL)
    open_item (self, afd_queue_row_get_table (row), afd_queue_row_get_item_id (row));
}

static void
queue_list_search_changed_cb (AfdWindow *self)
{
  update_list_title (self, afd_queue_list_get_n_items (self->queue_list));
}

static void
queue_list_loaded_cb (AfdWindow *self)
{
  update_list_title (self, afd_queue_list_get_n_items (self->queue_list));
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 counts[AFD_N_QUEUES];

  if (!afd_queue_count_all_finish (AF_STORE_THREAD (source), result, counts, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not count the queues: %s", error->message);
      return;
    }
  afd_sidebar_set_counts (AFD_WINDOW (user_data)->sidebar, counts);
}

/* Counted on the store's thread; a newer count replaces one still under way. */
static void
refresh_counts (AfdWindow *self)
{
  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  self->counts_cancellable = g_cancellable_new ();
  afd_queue_count_all_async (store_thread (self), risk_threshold (self),
                             self->counts_cancellable, counted_cb, self);
}

static void
workspace_changed_cb (AfdWindow  *self,
                      gboolean    queues_changed,
                      const char *acted_on)
{
  update_outbox (self);
  afd_conflict_list_refresh (self->conflict_list, store_thread (self));
  /* A note only grows the outbox; a review or a verdict can move items. */
  if (!queues_changed)
    return;
  refresh_counts (self);
  /* The item open acted on: if that takes it out of the queue, the next one opens. */
  if (acted_on != NULL && g_strcmp0 (acted_on, self->item_id) == 0)
    afd_queue_list_reload_moving_on (self->queue_list, acted_on);
  else
    afd_queue_list_reload (self->queue_list);
}

static void
threshold_changed_cb (AfdWindow *self)
{
  refresh_counts (self);
  show_queue (self);
}

static void
sync_finished_cb (AfdWindow  *self,
                  gboolean    success,
                  const char *message)
{
  toast (self, message);
}

/* The page shows the value chosen: opened again from the cache. */
static void
conflict_resolved_cb (AfdWindow  *self,
                      const char *item_id)
{
  afd_workspace_changed (self->workspace, TRUE);
  if (g_strcmp0 (item_id, self->item_id) == 0)
    afd_window_open_id (self, item_id);
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  afd_sync_panel_sync (AFD_WINDOW (widget)->sync_panel);
}

static void
submit_artwork_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);

  /* Counted on the ArtGuard user with the reviewer's e-mail: asked for first if unknown,
   * and the user chooses the file again after. */
  if (afd_identity_ensure (widget, self->workspace))
    afd_submit_dialog_choose (GTK_WINDOW (self), self->workspace);
}

static void
forget_user_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);
  AfdForgetDialog *dialog = afd_forget_dialog_new (GTK_WINDOW (self), self->workspace,
                                                   self->settings,
                                                   g_variant_get_string (parameter, NULL));

  gtk_window_present (GTK_WINDOW (dialog));
}

/* A correction needs a name to sign it: the demo's reviewer, or the user's, asked once. */
static void
ensure_identity_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);

  if (self->workspace != NULL)
    afd_identity_ensure (widget, self->workspace);
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  toast (AFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* "Back" returns to the page on show before this one (the audit a document came from). */
static void
remember_back_page (AfdWindow *self)
{
  g_autofree char *page = g_strdup (gtk_stack_get_visible_child_name (self->detail_stack));

  forget_back (self);
  self->back_page = g_steal_pointer (&page);
}

static void
open_document (AfdWindow  *self,
               const char *document_id)
{
  afd_document_page_load (DOCUMENT_PAGE (self), self->workspace, document_id);
  remember_back_page (self);
  show_detail (self, "document", afd_document_page_get_title (self->document_page));
  /* Opened on purpose: the keyboard follows, so that F8 starts the review. */
  afd_document_page_focus_review (self->document_page);
}

static void
open_document_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  open_document (AFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* From an inconsistency: the document, scrolled to the field that gives its value. */
static void
open_document_at_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);
  const char *document_id, *field, *value;

  g_variant_get (parameter, "(&s&s&s)", &document_id, &field, &value);
  open_document (self, document_id);
  afd_document_page_reveal_source (self->document_page, field, value);
}

/* From an inconsistency: every document it names, each at the field giving its value,
 * with the values together. */
static void
compare_inconsistency_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);
  const char *audit_id;
  guint32 index;
  gboolean reveal;

  g_variant_get (parameter, "(&sub)", &audit_id, &index, &reveal);
  afd_compare_page_load (COMPARE_PAGE (self), self->workspace, audit_id, index, reveal);
  remember_back_page (self);
  show_detail (self, "compare", afd_compare_page_get_title (self->compare_page));
}

static void look_up (AfdWindow  *self,
                     const char *id,
                     gboolean    follow);

/* From the audit page's history: another audit of the loan, or a corrected document;
 * Back (the button, Alt+Left) comes back to that row of the history. */
static void
follow_item_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  look_up (AFD_WINDOW (widget), g_variant_get_string (parameter, NULL), TRUE);
}

/* Opens the item a history row named (found in @table), remembering the way back. */
static void
follow_item (AfdWindow  *self,
             AfTable     table,
             const char *id)
{
  g_autofree char *audit = g_strdup (afd_audit_page_get_audit_id (AUDIT_PAGE (self)));

  if (table == AF_TABLE_DOCUMENTS)
    open_document (self, id);
  else
    open_item (self, table, id);
  forget_back (self);
  self->back_page = g_strdup ("audit");
  self->back_audit = g_steal_pointer (&audit);
  self->back_row = g_strdup (id);
  update_back_button (self);
}

static void
open_item_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  afd_window_open_id (AFD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* To the audit page, at the history row followed from it: the audit it showed again
 * if the row was another audit of the loan. */
static void
back_to_audit (AfdWindow *self)
{
  g_autofree char *audit = g_steal_pointer (&self->back_audit);
  g_autofree char *row = g_steal_pointer (&self->back_row);

  if (audit != NULL && g_strcmp0 (audit, afd_audit_page_get_audit_id (self->audit_page)) != 0)
    {
      g_free (self->item_id);
      self->item_id = g_strdup (audit);
      afd_conflict_banner_set_item (self->conflict_banner, store_thread (self), audit);
      afd_audit_page_load (self->audit_page, self->workspace, audit);
    }
  show_detail (self, "audit", afd_audit_page_get_title (self->audit_page));
  if (row != NULL)
    afd_audit_page_reveal_history (self->audit_page, row);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);
  g_autofree char *page = g_steal_pointer (&self->back_page);

  if (page == NULL)
    {
      /* Unfolded, the sidebar is already beside the page: there is nowhere back to go. */
      if (adw_leaflet_get_folded (self->leaflet))
        adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
      return;
    }
  if (g_str_equal (page, "audit"))
    back_to_audit (self);
  else if (g_str_equal (page, "artwork"))
    show_detail (self, page, afd_artwork_page_get_title (self->artwork_page));
  else if (g_str_equal (page, "compare"))
    show_detail (self, page, afd_compare_page_get_title (self->compare_page));
  else
    show_detail (self, page, NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);

  show_list_pane (self, TRUE);
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  afd_queue_list_focus_search (self->queue_list);
}

static void
show_queues_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AfdWindow *self = AFD_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
}

static gboolean
afd_window_close_request (GtkWindow *window)
{
  AfdWindow *self = AFD_WINDOW (window);
  int width, height;

  /* Typed notes still waiting for their debounce are saved now, not lost. */
  if (self->audit_page != NULL)
    afd_audit_page_flush (self->audit_page);
  if (self->artwork_page != NULL)
    afd_artwork_page_flush (self->artwork_page);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (afd_window_parent_class)->close_request (window);
}

static void
afd_window_dispose (GObject *object)
{
  AfdWindow *self = AFD_WINDOW (object);

  g_clear_handle_id (&self->place_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->outbox_cancellable);
  g_clear_object (&self->outbox_cancellable);
  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_WINDOW);
  if (self->workspace != NULL)
    g_signal_handlers_disconnect_by_data (self->workspace, self);
  g_clear_object (&self->workspace);
  g_clear_object (&self->settings);
  forget_back (self);
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->pending_ids, g_ptr_array_unref);
  g_clear_object (&self->pending_workspace);

  G_OBJECT_CLASS (afd_window_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AfdWindow, name)

static void
afd_window_class_init (AfdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = afd_window_dispose;
  widget_class->size_allocate = afd_window_size_allocate;
  window_class->close_request = afd_window_close_request;

  /* Emitted once the window's first frame is on screen: a good moment to start work
   * that would otherwise compete with it. */
  signals[FIRST_FRAME] = g_signal_new ("first-frame", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
  /* Emitted once the workspace is in the window (its queues counted): the next frame
   * shows them (tests/bench/bench-first-frame times that frame). */
  signals[WORKSPACE_SHOWN] = g_signal_new ("workspace-shown", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  g_type_ensure (AFD_TYPE_SIDEBAR);
  g_type_ensure (AFD_TYPE_QUEUE_LIST);
  g_type_ensure (AFD_TYPE_CONFLICT_BANNER);
  g_type_ensure (AFD_TYPE_CONFLICT_LIST);
  g_type_ensure (AFD_TYPE_SYNC_PANEL);
  g_type_ensure (AFD_TYPE_WAITING_LIST);
  g_type_ensure (AFD_TYPE_WIDTH_BIN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-window.ui");
  BIND (toast_overlay);
  BIND (leaflet);
  BIND (sidebar_pane);
  BIND (sidebar_title);
  BIND (sidebar);
  BIND (conflict_list);
  BIND (sync_panel);
  BIND (waiting_list);
  BIND (demo_label);
  BIND (outbox_icon);
  BIND (outbox_label);
  BIND (list_pane);
  BIND (list_title);
  BIND (threshold_button);
  BIND (submit_button);
  BIND (threshold_spin);
  BIND (queue_list);
  BIND (detail_pane);
  BIND (detail_title);
  BIND (back_button);
  BIND (demo_banner);
  BIND (conflict_banner);
  BIND (detail_stack);
  BIND (empty_page);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_queue_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_queue_chosen_again_cb);
  gtk_widget_class_bind_template_callback (widget_class, queue_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, queue_list_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, queue_list_loaded_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_finished_cb);
  gtk_widget_class_bind_template_callback (widget_class, conflict_resolved_cb);

  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.ensure-identity", NULL, ensure_identity_action);
  gtk_widget_class_install_action (widget_class, "win.open-document", "s", open_document_action);
  gtk_widget_class_install_action (widget_class, "win.open-document-at", "(sss)",
                                   open_document_at_action);
  gtk_widget_class_install_action (widget_class, "win.compare-inconsistency", "(sub)",
                                   compare_inconsistency_action);
  gtk_widget_class_install_action (widget_class, "win.open-item", "s", open_item_action);
  gtk_widget_class_install_action (widget_class, "win.follow-item", "s", follow_item_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-queues", NULL, show_queues_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.submit-artwork", NULL, submit_artwork_action);
  gtk_widget_class_install_action (widget_class, "win.forget-user", "s", forget_user_action);
  /* Escape only once no widget inside wanted it (an editor, a popover, the search). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
}

/* Alt+Left is caught before the leaflets see it: theirs would show the sidebar (or the
 * compare page's other document) and move the focus there instead of going back. */
static void
add_back_shortcut (AfdWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                                                          gtk_named_action_new ("win.back")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

#undef BIND

static void
afd_window_init (AfdWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  add_back_shortcut (self);
  /* Down in the search entry goes to the results, Up from the first one comes back. */
  afd_search_results_attach_entry (afd_queue_list_get_search_results (self->queue_list),
                                   GTK_WIDGET (afd_queue_list_get_search_entry (self->queue_list)));
  gtk_widget_set_visible (self->back_button, FALSE);
  /* Nothing to sync, submit to or delete from until the workspace is open. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.submit-artwork", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.forget-user", FALSE);
  self->list_wanted = TRUE;
  self->pending_ids = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->leaflet, "notify::folded", G_CALLBACK (update_back_button), self);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
}

static void
restore_state (AfdWindow *self)
{
  /* The queue follows the setting through its changed:: signal. */
  g_settings_bind (self->settings, "risk-threshold",
                   gtk_spin_button_get_adjustment (self->threshold_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
show_workspace_error (AfdWindow    *self,
                      const GError *error)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  /* A key that cannot be had says what to do about it, in the user's language. */
  if (afd_key_error_describe (error, &title, &description))
    adw_status_page_set_icon_name (self->empty_page, "dialog-password-symbolic");
  else
    {
      title = g_strdup (_("Cannot Open the Workspace"));
      description = error != NULL ? g_markup_escape_text (error->message, -1) : NULL;
      adw_status_page_set_icon_name (self->empty_page, "dialog-error-symbolic");
    }
  adw_status_page_set_title (self->empty_page, title);
  adw_status_page_set_description (self->empty_page, description);
}

static void
setup_workspace (AfdWindow *self)
{
  AfdQueue queue = AFD_QUEUE_HIGH_RISK;
  g_autofree char *last = g_settings_get_string (self->settings, "last-queue");
  gboolean demo = afd_workspace_is_demo (self->workspace);

  gtk_widget_set_visible (self->demo_label, demo);
  gtk_widget_set_visible (self->demo_banner, demo);
  adw_window_title_set_subtitle (self->sidebar_title,
                                 demo ? _("Demo workspace — sample data") : NULL);
  if (demo)
    gtk_window_set_title (GTK_WINDOW (self), _("AuditFlow Desk — Demo workspace"));

  g_signal_connect_swapped (self->workspace, "changed", G_CALLBACK (workspace_changed_cb), self);
  g_signal_connect_object (self->settings, "changed::risk-threshold",
                           G_CALLBACK (threshold_changed_cb), self, G_CONNECT_SWAPPED);
  update_outbox (self);
  /* The demo's data never leaves the computer: nothing to sync or delete remotely. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", !demo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.forget-user", !demo);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.submit-artwork", TRUE);
  afd_sync_panel_set_workspace (self->sync_panel, self->workspace, self->settings);
  /* Artworks queued here count as waiting until they are analyses (issue 16 item 9). */
  afd_waiting_list_set_workspace (self->waiting_list, self->workspace);
  g_signal_connect_object (self->waiting_list, "notify::n-waiting", G_CALLBACK (update_outbox),
                           self, G_CONNECT_SWAPPED);
  afd_conflict_list_refresh (self->conflict_list, store_thread (self));
  afd_sidebar_set_counts (self->sidebar, afd_workspace_get_initial_counts (self->workspace));

  afd_queue_from_id (last, &queue);
  afd_sidebar_select (self->sidebar, queue);
}

AfdWindow *
afd_window_new (AfdApplication *application)
{
  AfdWindow *self = g_object_new (AFD_TYPE_WINDOW, "application", application, NULL);

  self->settings = g_object_ref (afd_application_get_settings (application));
  restore_state (self);
  return self;
}

static void
apply_workspace (AfdWindow    *self,
                 AfdWorkspace *workspace)
{
  self->workspace = g_object_ref (workspace);
  gtk_widget_set_sensitive (self->sidebar_pane, TRUE);
  gtk_widget_set_sensitive (self->list_pane, TRUE);
  adw_status_page_set_title (self->empty_page, _("Nothing Selected"));
  adw_status_page_set_description (self->empty_page, _("Choose an audit or an artwork from "
                                                       "the queue to review it."));
  setup_workspace (self);
  for (guint i = 0; i < self->pending_ids->len; i++)
    afd_window_open_id (self, g_ptr_array_index (self->pending_ids, i));
  g_ptr_array_set_size (self->pending_ids, 0);
  g_signal_emit (self, signals[WORKSPACE_SHOWN], 0);
}

static gboolean
apply_pending_cb (gpointer user_data)
{
  AfdWindow *self = user_data;
  g_autoptr(AfdWorkspace) workspace = g_steal_pointer (&self->pending_workspace);

  if (workspace != NULL)
    apply_workspace (self, workspace);
  afd_search_results_warm_up (afd_queue_list_get_search_results (self->queue_list));
  g_signal_emit (self, signals[FIRST_FRAME], 0);
  return G_SOURCE_REMOVE;
}

/* The window shows itself first and fills in after: filling the queues before the
 * first frame would only delay it. The rest waits for the main loop, outside the
 * frame clock's paint cycle. */
static void
first_paint_cb (GdkFrameClock *clock,
                AfdWindow     *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_paint_cb, self);
  self->painted = TRUE;
  /* From now on the main thread runs no SQL (issue 13): the UI tests make it fatal. */
  af_store_guard_arm (af_store_guard_mode_from_string (g_getenv ("AFD_SQL_GUARD"),
                      af_store_guard_mode_from_string (AFD_SQL_GUARD_DEFAULT,
                                                       AF_STORE_GUARD_OFF)));
  g_idle_add_full (G_PRIORITY_DEFAULT, apply_pending_cb, g_object_ref (self), g_object_unref);
}

static void
map_cb (AfdWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, map_cb, NULL);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (first_paint_cb), self, 0);
}

void
afd_window_set_workspace (AfdWindow    *self,
                          AfdWorkspace *workspace,
                          const GError *error)
{
  g_return_if_fail (AFD_IS_WINDOW (self));
  g_return_if_fail (self->workspace == NULL);

  if (workspace == NULL)
    show_workspace_error (self, error);
  else if (self->painted)
    apply_workspace (self, workspace);
  else
    g_set_object (&self->pending_workspace, workspace);
}

/* An id being looked up; @window is valid unless the lookup was cancelled. */
typedef struct
{
  AfdWindow *window;
  char      *id;
  gboolean   follow;   /* from the audit's history: Back comes back to it */
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_free (lookup->id);
  g_free (lookup);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Lookup, lookup_free)

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Lookup) lookup = user_data;
  g_autoptr(GError) error = NULL;
  AfTable table = AF_TABLE_AUDITS;
  g_autoptr(AfValue) item = af_store_thread_find_item_finish (AF_STORE_THREAD (source), result,
                                                              &table, &error);
  AfdWindow *self = lookup->window;
  const char *id = lookup->id;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (item == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing with the ID %s in this workspace"), id);

      toast (self, text);
      return;
    }
  afd_queue_list_unselect (self->queue_list);
  afd_queue_list_select_id (self->queue_list, id);
  if (lookup->follow)
    follow_item (self, table, id);
  else
    open_item (self, table, id);
}

static void
look_up (AfdWindow  *self,
         const char *id,
         gboolean    follow)
{
  Lookup *lookup = g_new0 (Lookup, 1);

  lookup->window = self;
  lookup->id = g_strdup (id);
  lookup->follow = follow;
  af_store_thread_find_item_async (store_thread (self), id, self->cancellable, found_cb, lookup);
}

void
afd_window_open_id (AfdWindow  *self,
                    const char *id)
{
  g_return_if_fail (AFD_IS_WINDOW (self));

  if (self->workspace == NULL)
    {
      g_ptr_array_add (self->pending_ids, g_strdup (id));
      return;
    }
  look_up (self, id, FALSE);
}

AfdWorkspace *
afd_window_get_workspace (AfdWindow *self)
{
  g_return_val_if_fail (AFD_IS_WINDOW (self), NULL);
  return self->workspace;
}
