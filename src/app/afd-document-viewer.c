/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-document-viewer"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <stdlib.h>

#include "af-store-async.h"
#include "afd-document-viewer.h"
#include "afd-page-renderer.h"
#include "afd-pii-mask.h"
#include "afd-thumbnails.h"
#include "afd-format.h"

/* Confirmations made before they became edits were kept in the local cache's key/value
 * state; they are still read, so that none is lost. */
#define CONFIRMED_STATE_PREFIX "review-confirmed/"
/* Narrower than this (the detail pane of a window on a laptop), the fields go under
 * the page, the thumbnails go away and the toolbar keeps its essentials. */
#define NARROW_WIDTH 900
/* The least width the viewer asks for: the window's detail pane can be this narrow. */
#define MIN_WIDTH 320
/* Wide: the fields panel beside the page is this wide, and the divider starts this far
 * from the right edge (the panel and its margins). */
#define FIELDS_WIDE_WIDTH 340
#define FIELDS_WIDE_FROM_END 380
/* Narrow: the fields panel under the page is at least this high; the page takes this
 * share of the height (per cent), and a height change of RELAYOUT_HEIGHT or less
 * leaves the divider where the reviewer put it. */
#define FIELDS_NARROW_HEIGHT 160
#define PAGE_NARROW_SHARE 55
/* Compact (among documents compared), the page comes first: the fields under it keep
 * the height of about one field row (they scroll to the one selected). */
#define FIELDS_COMPACT_HEIGHT 80
#define PAGE_COMPACT_SHARE 75
#define RELAYOUT_HEIGHT 40

struct _AfdDocumentViewer
{
  GtkWidget        parent_instance;

  /* template widgets */
  GtkWidget       *zoom_out_button;
  GtkWidget       *zoom_in_button;
  GtkWidget       *zoom_separator;
  GtkWidget       *rotate_left_button;
  GtkWidget       *rotate_right_button;
  GtkWidget       *rotate_separator;
  AdwButtonContent *next_content;
  GtkPaned        *paned;
  GtkWidget       *thumbnails_separator;
  GtkLabel        *zoom_label;
  GtkLabel        *page_label;
  GtkToggleButton *reveal_button;
  AfdThumbnails   *thumbnails;
  GtkStack        *page_stack;
  GtkSpinner      *spinner;
  AfdPageView     *page_view;
  AdwStatusPage   *error_page;
  AfdFieldsPanel  *fields_panel;

  /* owned references */
  AfStoreThread   *store_thread;  /* (nullable) NULL: read-only (benchmarks) */
  AfFieldList     *fields;        /* (nullable) */
  AfdPageRenderer *renderer;      /* (nullable) */
  GCancellable    *cancellable;   /* the open in flight; cancelled on dispose */
  char            *error_message; /* (nullable) */
  char            *pending_field; /* (nullable) to reveal once the pages are shown */

  gboolean         reveal_pii;
  gboolean         copy_withheld;   /* the text being read lies partly under a PII block */
  gboolean         focus_pending;   /* the keyboard goes to the review once it is shown */
  guint            zoom_label_source;
  gboolean         narrow;
  gboolean         compact;        /* among documents compared: the page first */
  guint            layout_source;
  int              layout_height;  /* the height the narrow split was made for */
  GdkFrameClock   *recenter_clock;   /* (nullable) waits for the new layout's first frame */
  gulong           recenter_handler;
  int              recenter_width;   /* the page area's size when last centred */
  int              recenter_height;
  int              width;
  int              height;
};

G_DEFINE_FINAL_TYPE (AfdDocumentViewer, afd_document_viewer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_REVEAL_PII,
  N_PROPS
};

enum {
  LOADED,
  CORRECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The window's one overlay shows toasts in turn: an overlay of our own would put a
 * second toast on top of the window's (a correction's and the sync count's). */
static void
toast (AfdDocumentViewer *self,
       const char        *message)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message))
    g_debug ("No window to show a toast in");
}

/* ---- confirmations ---- */

static char *
confirmed_key (AfdDocumentViewer *self)
{
  return g_strconcat (CONFIRMED_STATE_PREFIX, af_field_list_get_document_id (self->fields), NULL);
}

static void
confirmed_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = af_store_thread_get_state_finish (AF_STORE_THREAD (source), result,
                                                             &error);
  g_auto(GStrv) names = NULL;
  AfdDocumentViewer *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_DOCUMENT_VIEWER (user_data);
  names = value != NULL ? g_strsplit (value, "\n", -1) : NULL;
  af_field_list_set_confirmed_names (self->fields, (const char * const *) names);
}

/* The fields confirmed earlier are ticked once the store's thread has read them. */
static void
load_confirmed (AfdDocumentViewer *self)
{
  g_autofree char *key = NULL;

  if (self->store_thread == NULL || af_field_list_get_document_id (self->fields) == NULL)
    return;
  key = confirmed_key (self);
  af_store_thread_get_state_async (self->store_thread, key, self->cancellable,
                                   confirmed_read_cb, self);
}

/* ---- keyboard review ---- */

static AfField *
selected_field (AfdDocumentViewer *self)
{
  if (self->fields == NULL)
    return NULL;
  return af_field_list_get_field (self->fields, af_field_list_get_selected (self->fields));
}

static void
select_and_reveal (AfdDocumentViewer *self,
                   int                position)
{
  af_field_list_set_selected (self->fields, position);
  if (afd_document_viewer_is_loaded (self))
    afd_page_view_reveal_field (self->page_view, (guint) position);
  afd_fields_panel_focus_selected (self->fields_panel);
}

static void
step (AfdDocumentViewer *self,
      gboolean           forward)
{
  int position;

  if (self->fields == NULL)
    return;
  afd_fields_panel_cancel_edit (self->fields_panel);
  position = af_field_list_step_low_confidence (self->fields,
                                                af_field_list_get_selected (self->fields),
                                                forward);
  if (position < 0)
    {
      toast (self, _("This document has no low-confidence fields"));
      return;
    }
  select_and_reveal (self, position);
}

static void edit_field (AfdDocumentViewer *self,
                        AfField           *field,
                        const char        *value,
                        const char        *note);

/* Confirming is an edit like a correction (an outbox entry, signed): see
 * af_store_confirm_field(). A field already settled has nothing to confirm: that would
 * take back its correction. */
static void
confirm_field (AfdDocumentViewer *self,
               AfField           *field)
{
  if (field == NULL || af_field_is_reviewed (field))
    return;
  edit_field (self, field, NULL, NULL);
}

static void
on_confirm_requested (AfdFieldsPanel    *panel,
                      guint              position,
                      AfdDocumentViewer *self)
{
  af_field_list_set_selected (self->fields, (int) position);
  confirm_field (self, af_field_list_get_field (self->fields, position));
}

/* A correction or a confirmation on its way: the field shows it at once, and gets back
 * what it showed before if the commit fails. */
typedef struct
{
  AfdDocumentViewer *viewer;     /* (owned) */
  AfField           *field;      /* (owned) */
  char              *document_id;
  gboolean           confirming;
  char              *value, *by, *note;   /* the field's correction before (nullable) */
} Correcting;

static void
correcting_free (Correcting *correcting)
{
  g_object_unref (correcting->viewer);
  g_object_unref (correcting->field);
  g_free (correcting->document_id);
  g_free (correcting->value);
  g_free (correcting->by);
  g_free (correcting->note);
  g_free (correcting);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Correcting, correcting_free)

static char *
failure_message (Correcting   *correcting,
                 const GError *error)
{
  g_autofree char *label = afd_field_label (af_field_get_name (correcting->field));

  if (g_error_matches (error, AF_STORE_ERROR, AF_STORE_ERROR_NO_IDENTITY))
    return g_strdup (correcting->confirming
                     ? _("Set your e-mail address in Preferences before confirming values")
                     : _("Set your e-mail address in Preferences before correcting values"));
  if (correcting->confirming)
    /* Translators: the field's label, the document's id, then the reason. */
    return g_strdup_printf (_("Could not save the confirmation of %s in document %s: %s"),
                            label, correcting->document_id, error->message);
  /* Translators: the field's label, the document's id, then the reason. */
  return g_strdup_printf (_("Could not save the correction of %s in document %s: %s"),
                          label, correcting->document_id, error->message);
}

static void
corrected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Correcting) correcting = user_data;
  AfdDocumentViewer *self = correcting->viewer;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean saved = correcting->confirming
                   ? af_store_thread_run_finish (AF_STORE_THREAD (source), result, &error) != NULL
                   : af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error);

  if (saved)
    {
      g_signal_emit (self, signals[CORRECTED], 0, af_field_get_name (correcting->field));
      return;
    }
  if (correcting->confirming)
    af_field_set_confirmed (correcting->field, FALSE);
  else
    af_field_set_correction (correcting->field, correcting->value, correcting->by,
                             correcting->note);
  message = failure_message (correcting, error);
  toast (self, message);
}

static Correcting *
correcting_new (AfdDocumentViewer *self,
                AfField           *field,
                const char        *document_id,
                gboolean           confirming)
{
  Correcting *correcting = g_new0 (Correcting, 1);

  correcting->viewer = g_object_ref (self);
  correcting->field = g_object_ref (field);
  correcting->document_id = g_strdup (document_id);
  correcting->confirming = confirming;
  correcting->value = g_strdup (af_field_get_corrected_value (field));
  correcting->by = g_strdup (af_field_get_corrected_by (field));
  correcting->note = g_strdup (af_field_get_corrected_note (field));
  return correcting;
}

/* On the store's thread: a confirmation is an edit like a correction (one transaction,
 * the item and its outbox entry), see af_store_confirm_field(). @data: the Correcting. */
static gpointer
confirm_job (AfStore   *store,
             gpointer   data,
             GError   **error)
{
  Correcting *correcting = data;

  if (!af_store_confirm_field (store, correcting->document_id,
                               af_field_get_name (correcting->field), error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

/* @value NULL confirms the extracted value. */
static void
send_edit (AfdDocumentViewer *self,
           Correcting        *correcting,
           const char        *value,
           const char        *note)
{
  const char *name = af_field_get_name (correcting->field);

  if (value != NULL)
    {
      af_store_thread_add_correction_async (self->store_thread, correcting->document_id, name,
                                            value, note, NULL, corrected_cb, correcting);
      return;
    }
  /* The job reads the document id and the field's name only: the field outlives it
   * (the Correcting holds it until the answer). */
  af_store_thread_write_async (self->store_thread, confirm_job, correcting, NULL, NULL, NULL,
                               corrected_cb, correcting);
}

static void
edit_field (AfdDocumentViewer *self,
            AfField           *field,
            const char        *value,
            const char        *note)
{
  const char *document_id = af_field_list_get_document_id (self->fields);

  if (self->store_thread == NULL || document_id == NULL)
    {
      toast (self, _("This document is read-only here"));
      return;
    }
  /* Edits are signed like every other, and who signs is known where the workspace is:
   * the demo's reviewer, or the user, asked once. */
  if (af_store_thread_get_identity (self->store_thread) == NULL &&
      gtk_widget_activate_action (GTK_WIDGET (self), "win.ensure-identity", NULL) &&
      af_store_thread_get_identity (self->store_thread) == NULL)
    return;   /* a dialog asks; the editor keeps what was typed meanwhile */
  send_edit (self, correcting_new (self, field, document_id, value == NULL), value, note);
  if (value == NULL)
    {
      af_field_set_confirmed (field, TRUE);
      return;
    }
  af_field_set_correction (field, value, af_store_thread_get_identity (self->store_thread), note);
  toast (self, _("Correction saved; the original value is kept"));
}

static void
on_correction_requested (AfdFieldsPanel    *panel,
                         guint              position,
                         const char        *value,
                         const char        *note,
                         AfdDocumentViewer *self)
{
  AfField *field = af_field_list_get_field (self->fields, position);

  if (field != NULL)
    edit_field (self, field, value, note);
}

/* ---- copying text ---- */

static void
copy_to_clipboard (AfdDocumentViewer *self,
                   const char        *text)
{
  g_autofree char *message = NULL;
  glong length = g_utf8_strlen (text, -1);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  /* Say how much was copied, never what: the text may be an SSN (toasts carry no PII). */
  message = g_strdup_printf (ngettext ("Copied %ld character",
                                       "Copied %ld characters", length), length);
  toast (self, message);
}

static void
on_text_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = afd_page_renderer_get_text_finish (AFD_PAGE_RENDERER (source), result,
                                                             &error);
  AfdDocumentViewer *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL)
    toast (self, error->message);
  else if (g_strstrip (text)[0] == '\0' && self->copy_withheld)
    toast (self, _("Personal data is hidden: reveal it (Ctrl+Shift+P) before copying it"));
  else if (text[0] == '\0')
    toast (self, _("There is no text in the selected area"));
  else
    copy_to_clipboard (self, text);
}

static void
on_text_selected (AfdPageView       *view,
                  int                page,
                  double             left,
                  double             top,
                  double             right,
                  double             bottom,
                  AfdDocumentViewer *self)
{
  g_autoptr(GArray) hidden = NULL;
  double width, height;

  if (self->renderer == NULL || self->cancellable == NULL)
    return;
  /* What is covered on the page stays covered in the clipboard. */
  afd_page_renderer_get_page_size (self->renderer, page, &width, &height);
  hidden = afd_pii_mask_dup_areas (self->fields, page, width, height, self->reveal_pii);
  self->copy_withheld = FALSE;
  for (guint i = 0; i + 3 < hidden->len; i += 4)
    {
      const double *r = &g_array_index (hidden, double, i);

      if (r[2] >= MIN (left, right) && r[0] <= MAX (left, right) &&
          r[3] >= MIN (top, bottom) && r[1] <= MAX (top, bottom))
        self->copy_withheld = TRUE;
    }
  afd_page_renderer_get_text_async (self->renderer, page, left, top, right, bottom, hidden,
                                    self->cancellable, on_text_read, self);
}

/* Ctrl+C: the text selected on the page, else the selected field's value — unless it
 * is personal data still masked. */
static void
copy_selection (AfdDocumentViewer *self)
{
  AfField *field = selected_field (self);
  double rect[4];
  int page;

  if (afd_page_view_get_text_selection (self->page_view, &page, rect))
    on_text_selected (self->page_view, page, rect[0], rect[1], rect[2], rect[3], self);
  else if (field != NULL && af_field_is_pii (field) && !self->reveal_pii)
    toast (self, _("Reveal personal data (Ctrl+Shift+P) before copying it"));
  else if (field != NULL)
    copy_to_clipboard (self, af_field_get_current_value (field));
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AfdDocumentViewer *self = AFD_DOCUMENT_VIEWER (widget);

  if (g_str_equal (action_name, "review.next"))
    step (self, TRUE);
  else if (g_str_equal (action_name, "review.previous"))
    step (self, FALSE);
  else if (g_str_equal (action_name, "review.confirm"))
    confirm_field (self, selected_field (self));
  else if (g_str_equal (action_name, "review.edit"))
    afd_fields_panel_begin_edit (self->fields_panel);
  else if (g_str_equal (action_name, "review.cancel") &&
           !afd_fields_panel_cancel_edit (self->fields_panel))
    gtk_widget_activate_action (widget, "win.back", NULL);   /* nothing to cancel: leave */
}

static void
viewer_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AfdPageView *view = AFD_DOCUMENT_VIEWER (widget)->page_view;

  if (g_str_equal (action_name, "viewer.zoom-in"))
    afd_page_view_zoom_in (view);
  else if (g_str_equal (action_name, "viewer.zoom-out"))
    afd_page_view_zoom_out (view);
  else if (g_str_equal (action_name, "viewer.zoom-fit-width"))
    afd_page_view_set_zoom_mode (view, AFD_ZOOM_FIT_WIDTH);
  else if (g_str_equal (action_name, "viewer.zoom-fit-page"))
    afd_page_view_set_zoom_mode (view, AFD_ZOOM_FIT_PAGE);
  else if (g_str_equal (action_name, "viewer.zoom-original"))
    afd_page_view_set_zoom (view, 1.0);
  else if (g_str_equal (action_name, "viewer.rotate-left"))
    afd_page_view_set_rotation (view, afd_page_view_get_rotation (view) - 90);
  else if (g_str_equal (action_name, "viewer.rotate-right"))
    afd_page_view_set_rotation (view, afd_page_view_get_rotation (view) + 90);
  else if (g_str_equal (action_name, "viewer.copy"))
    copy_selection (AFD_DOCUMENT_VIEWER (widget));
}

/* ---- view state ---- */

static gboolean
update_zoom_label (gpointer user_data)
{
  AfdDocumentViewer *self = user_data;
  g_autofree char *text = g_strdup_printf (_("%.0f %%"), afd_page_view_get_zoom (self->page_view) * 100);

  self->zoom_label_source = 0;
  gtk_label_set_text (self->zoom_label, text);
  return G_SOURCE_REMOVE;
}

/* The zoom changes while the page view is being allocated (fit width follows the
 * window's size); resizing the toolbar then would leave it unallocated for a frame. */
static void
queue_zoom_label (AfdDocumentViewer *self)
{
  if (self->zoom_label_source == 0)
    self->zoom_label_source = g_idle_add (update_zoom_label, self);
}

static void
update_page_label (AfdDocumentViewer *self)
{
  int n = afd_page_view_get_n_pages (self->page_view);
  int current = afd_page_view_get_current_page (self->page_view);
  g_autofree char *text = n > 0 ? g_strdup_printf (_("Page %d of %d"), current + 1, n) : g_strdup ("");

  gtk_label_set_text (self->page_label, text);
  afd_thumbnails_set_current_page (self->thumbnails, current);
}

static void
on_page_activated (AfdThumbnails     *thumbnails,
                   int                page,
                   AfdDocumentViewer *self)
{
  afd_page_view_scroll_to_page (self->page_view, page);
}

/* A field selected by a click (on its box or its row) is brought into view only when
 * its box is not wholly visible already, so that the page does not jump under the
 * pointer. */
static void
on_selected_changed (AfFieldList       *fields,
                     GParamSpec        *pspec,
                     AfdDocumentViewer *self)
{
  int position = af_field_list_get_selected (fields);
  AfField *field = position >= 0 ? af_field_list_get_field (fields, position) : NULL;
  g_autofree char *title = field != NULL ? afd_field_label (af_field_get_name (field)) : NULL;
  g_autofree char *description = NULL;
  graphene_rect_t rect, view;

  /* A screen reader hears which box the page shows highlighted. */
  if (field != NULL)
    description = g_strdup_printf (_("%s highlighted on page %d"), title, af_field_get_page (field));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->page_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description ?: "", -1);
  if (position < 0 || !afd_page_view_get_field_rect (self->page_view, (guint) position, &rect))
    return;
  graphene_rect_init (&view, 0, 0, gtk_widget_get_width (GTK_WIDGET (self->page_view)),
                      gtk_widget_get_height (GTK_WIDGET (self->page_view)));
  if (!graphene_rect_contains_rect (&view, &rect))
    afd_page_view_reveal_field (self->page_view, (guint) position);
}

static void schedule_recenter (AfdDocumentViewer *self);
static gboolean apply_layout (gpointer user_data);

/* The keyboard in the review: on the selected field's row, else on the page (F8 then
 * starts the review), else, when the file cannot be shown, on the fields. */
static void
take_focus (AfdDocumentViewer *self)
{
  self->focus_pending = FALSE;
  if (afd_fields_panel_get_selected_row (self->fields_panel) != NULL)
    afd_fields_panel_focus_selected (self->fields_panel);
  else if (afd_document_viewer_is_loaded (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
  else
    gtk_widget_child_focus (GTK_WIDGET (self->fields_panel), GTK_DIR_TAB_FORWARD);
}

/* ---- loading ---- */

static void
show_pages (AfdDocumentViewer *self)
{
  int n = afd_page_renderer_get_n_pages (self->renderer);

  gtk_spinner_stop (self->spinner);
  if (n != af_field_list_get_page_count (self->fields))
    {
      /* The file is the truth: re-judge every box against its real page count. */
      af_field_list_set_page_count (self->fields, n);
      afd_fields_panel_set_fields (self->fields_panel, self->fields);
    }
  afd_page_view_set_document (self->page_view, self->renderer, self->fields);
  afd_thumbnails_set_document (self->thumbnails, self->renderer, self->fields);
  gtk_stack_set_visible_child_name (self->page_stack, "pages");
  update_page_label (self);
  if (self->pending_field != NULL)
    {
      g_autofree char *name = g_steal_pointer (&self->pending_field);

      afd_document_viewer_reveal_field (self, name);
      /* The pages just replaced the spinner: centred again once they are laid out. */
      schedule_recenter (self);
    }
  if (self->focus_pending)
    take_focus (self);
}

/* The fields panel, the pages and the thumbnails show the same reveal state. */
static void
apply_reveal (AfdDocumentViewer *self)
{
  afd_fields_panel_set_revealed (self->fields_panel, self->reveal_pii);
  afd_page_view_set_pii_revealed (self->page_view, self->reveal_pii);
  afd_thumbnails_set_pii_revealed (self->thumbnails, self->reveal_pii);
}

static void
set_reveal_pii (AfdDocumentViewer *self,
                gboolean           reveal)
{
  if (self->reveal_pii == !!reveal)
    return;
  self->reveal_pii = !!reveal;
  apply_reveal (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEAL_PII]);
}

static void
on_open_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AfdDocumentViewer *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!afd_page_renderer_open_finish (AFD_PAGE_RENDERER (source), result, &error))
    {
      /* Cancelled means the viewer moved on (or went away): touch nothing. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      afd_document_viewer_show_error (self, error->message);
    }
  else
    show_pages (self);
  g_signal_emit (self, signals[LOADED], 0);
}

static void
reset (AfdDocumentViewer *self)
{
  self->focus_pending = FALSE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->fields != NULL)
    g_signal_handlers_disconnect_by_data (self->fields, self);
  afd_page_view_set_document (self->page_view, NULL, NULL);
  afd_thumbnails_set_document (self->thumbnails, NULL, NULL);
  g_clear_object (&self->renderer);
  g_clear_object (&self->fields);
  g_clear_object (&self->store_thread);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->pending_field, g_free);
}

void
afd_document_viewer_set_document (AfdDocumentViewer *self,
                                  AfStoreThread     *store_thread,
                                  const AfValue     *item,
                                  const char        *path)
{
  g_return_if_fail (AFD_IS_DOCUMENT_VIEWER (self));
  g_return_if_fail (item != NULL);

  /* Out of the fields list before its rows go, so that no row inherits the focus. */
  if (gtk_widget_get_focus_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->page_view));
  /* One reveal per document: another document opens with its personal data covered. */
  if (self->fields == NULL ||
      g_strcmp0 (af_field_list_get_document_id (self->fields), af_item_get_s (item, "document_id")) != 0)
    set_reveal_pii (self, FALSE);
  reset (self);
  self->store_thread = store_thread != NULL ? g_object_ref (store_thread) : NULL;
  self->fields = af_field_list_new_from_item (item);
  /* For the confirmed fields' read as well as the pages' open. */
  self->cancellable = g_cancellable_new ();
  load_confirmed (self);
  g_signal_connect (self->fields, "notify::selected", G_CALLBACK (on_selected_changed), self);
  afd_fields_panel_set_fields (self->fields_panel, self->fields);
  apply_reveal (self);
  update_page_label (self);
  if (path == NULL)
    return;

  gtk_stack_set_visible_child_name (self->page_stack, "loading");
  gtk_spinner_start (self->spinner);
  self->renderer = afd_page_renderer_new ();
  afd_page_renderer_open_async (self->renderer, path, af_item_get_s (item, "checksum"),
                                self->cancellable, on_open_done, self);
}

void
afd_document_viewer_show_error (AfdDocumentViewer *self,
                                const char        *message)
{
  g_return_if_fail (AFD_IS_DOCUMENT_VIEWER (self));

  g_free (self->error_message);
  self->error_message = g_strdup (message);
  gtk_spinner_stop (self->spinner);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->page_stack, "error");
  update_page_label (self);
  if (self->focus_pending)
    take_focus (self);
}

void
afd_document_viewer_set_compact (AfdDocumentViewer *self,
                                 gboolean           compact)
{
  g_return_if_fail (AFD_IS_DOCUMENT_VIEWER (self));

  if (self->compact == compact)
    return;
  self->compact = compact;
  afd_fields_panel_set_summary_visible (self->fields_panel, !compact);
  if (self->layout_source == 0)
    self->layout_source = g_idle_add (apply_layout, self);
}

void
afd_document_viewer_focus_review (AfdDocumentViewer *self)
{
  g_return_if_fail (AFD_IS_DOCUMENT_VIEWER (self));

  if (afd_document_viewer_is_loaded (self) || self->error_message != NULL)
    take_focus (self);
  else
    self->focus_pending = TRUE;
}

static void
reveal_position (AfdDocumentViewer *self,
                 guint              position)
{
  /* Before the pages are shown the box cannot be centred: remember it. */
  if (!afd_document_viewer_is_loaded (self) && self->error_message == NULL)
    {
      g_free (self->pending_field);
      self->pending_field = g_strdup (af_field_get_name (af_field_list_get_field (self->fields, position)));
    }
  select_and_reveal (self, (int) position);
}

gboolean
afd_document_viewer_reveal_field (AfdDocumentViewer *self,
                                  const char        *field_name)
{
  guint position;

  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), FALSE);

  if (self->fields == NULL || af_field_list_lookup (self->fields, field_name, &position) == NULL)
    return FALSE;
  reveal_position (self, position);
  return TRUE;
}

gboolean
afd_document_viewer_reveal_source (AfdDocumentViewer *self,
                                   const char        *golden_field,
                                   const char        *value)
{
  int position;

  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), FALSE);

  position = self->fields != NULL ? af_field_list_find_source (self->fields, golden_field, value) : -1;
  if (position < 0)
    return FALSE;
  reveal_position (self, (guint) position);
  return TRUE;
}

/* ---- accessors ---- */

AfFieldList *
afd_document_viewer_get_fields (AfdDocumentViewer *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), NULL);
  return self->fields;
}

AfdPageView *
afd_document_viewer_get_page_view (AfdDocumentViewer *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), NULL);
  return self->page_view;
}

AfdFieldsPanel *
afd_document_viewer_get_fields_panel (AfdDocumentViewer *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), NULL);
  return self->fields_panel;
}

gboolean
afd_document_viewer_is_loaded (AfdDocumentViewer *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), FALSE);
  return self->renderer != NULL && afd_page_renderer_is_open (self->renderer) &&
         afd_page_view_get_n_pages (self->page_view) > 0;
}

const char *
afd_document_viewer_get_error_message (AfdDocumentViewer *self)
{
  g_return_val_if_fail (AFD_IS_DOCUMENT_VIEWER (self), NULL);
  return self->error_message;
}

/* ---- wide and narrow ---- */

static void
cancel_recenter (AfdDocumentViewer *self)
{
  if (self->recenter_clock != NULL)
    g_clear_signal_handler (&self->recenter_handler, self->recenter_clock);
  g_clear_object (&self->recenter_clock);
}

/* After each frame the box is centred again, until the page area keeps its size from
 * one frame to the next: a new layout can take more than one frame to settle. */
static void
recenter_after_paint (GdkFrameClock     *clock,
                      AfdDocumentViewer *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->page_view));
  int height = gtk_widget_get_height (GTK_WIDGET (self->page_view));

  if ((width == self->recenter_width && height == self->recenter_height) ||
      !afd_document_viewer_is_loaded (self) || selected_field (self) == NULL)
    {
      cancel_recenter (self);
      return;
    }
  self->recenter_width = width;
  self->recenter_height = height;
  afd_page_view_reveal_field (self->page_view, (guint) af_field_list_get_selected (self->fields));
  afd_fields_panel_scroll_to_selected (self->fields_panel);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* The page area changes size under the box the reviewer was led to: once the new
 * layout has been drawn (its sizes are only known then), the box is centred again. */
static void
schedule_recenter (AfdDocumentViewer *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL || selected_field (self) == NULL)
    return;
  self->recenter_width = self->recenter_height = -1;
  if (self->recenter_clock == NULL)
    {
      self->recenter_clock = g_object_ref (clock);
      self->recenter_handler = g_signal_connect (clock, "after-paint",
                                                 G_CALLBACK (recenter_after_paint), self);
    }
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

static gboolean
apply_layout (gpointer user_data)
{
  AfdDocumentViewer *self = user_data;
  GtkWidget *wide_only[] = { self->zoom_out_button, self->zoom_in_button, self->zoom_separator,
                             self->rotate_left_button, self->rotate_right_button,
                             self->rotate_separator, GTK_WIDGET (self->thumbnails),
                             self->thumbnails_separator };
  gboolean narrow = self->width < NARROW_WIDTH;

  self->layout_source = 0;
  self->narrow = narrow;
  for (guint i = 0; i < G_N_ELEMENTS (wide_only); i++)
    gtk_widget_set_visible (wide_only[i], !narrow);
  /* Everything hidden here stays reachable from the keyboard and the zoom menu. */
  adw_button_content_set_label (self->next_content, narrow ? "" : _("_Next to Review"));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->paned),
                                  narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_size_request (GTK_WIDGET (self->fields_panel), narrow ? -1 : FIELDS_WIDE_WIDTH,
                               !narrow ? -1 : self->compact ? FIELDS_COMPACT_HEIGHT
                                                            : FIELDS_NARROW_HEIGHT);
  /* Side by side the fields keep their width. Stacked, the page and the fields share
   * the height, the divider where it is put: GtkPaned would otherwise scale the position
   * by the size it had along its former axis (the width), and give the page a quarter
   * of the height instead of its share. */
  gtk_paned_set_resize_start_child (self->paned, !narrow);
  gtk_paned_set_resize_end_child (self->paned, narrow);
  gtk_paned_set_position (self->paned,
                          !narrow ? self->width - FIELDS_WIDE_FROM_END
                                  : self->height * (self->compact ? PAGE_COMPACT_SHARE
                                                                  : PAGE_NARROW_SHARE) / 100);
  self->layout_height = self->height;
  schedule_recenter (self);
  return G_SOURCE_REMOVE;
}
static void
afd_document_viewer_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
  /* Ask for little width, so that a narrow pane makes the viewer narrow instead of
   * the window wide; the narrow layout follows (see size_allocate). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = MIN (*minimum, MIN_WIDTH);
}

static void
afd_document_viewer_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  AfdDocumentViewer *self = AFD_DOCUMENT_VIEWER (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  int child_min;

  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
  /* Until the narrow layout is in place the wide one is clipped, for one frame. */
  gtk_widget_allocate (child, MAX (width, child_min), height, baseline, NULL);
  self->width = width;
  self->height = height;
  /* Not now: changing widgets while they are being allocated leaves them unallocated. */
  if (self->layout_source == 0 &&
      ((width < NARROW_WIDTH) != self->narrow ||
       (self->narrow && abs (height - self->layout_height) > RELAYOUT_HEIGHT)))
    self->layout_source = g_idle_add (apply_layout, self);
}

/* Shown again (a document brought forward among others compared): while it was
 * hidden its page area was not laid out, so the box it was led to is centred now. */
static void
afd_document_viewer_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (afd_document_viewer_parent_class)->map (widget);
  schedule_recenter (AFD_DOCUMENT_VIEWER (widget));
}

/* The frame clock goes with the window's surface: a recentring still waiting for its
 * next frame is given up with it (the clock's handlers are gone by dispose). */
static void
afd_document_viewer_unrealize (GtkWidget *widget)
{
  cancel_recenter (AFD_DOCUMENT_VIEWER (widget));
  GTK_WIDGET_CLASS (afd_document_viewer_parent_class)->unrealize (widget);
}

/* ---- the object ---- */

static void
load_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/auditflow/Desk/afd-document-viewer.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
afd_document_viewer_dispose (GObject *object)
{
  AfdDocumentViewer *self = AFD_DOCUMENT_VIEWER (object);
  GtkWidget *child;

  reset (self);
  g_clear_handle_id (&self->zoom_label_source, g_source_remove);
  g_clear_handle_id (&self->layout_source, g_source_remove);
  cancel_recenter (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_DOCUMENT_VIEWER);
  /* dispose_template only drops the bound pointers; the template's top child
   * is still ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (afd_document_viewer_parent_class)->dispose (object);
}

static void
afd_document_viewer_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_REVEAL_PII:
      g_value_set_boolean (value, AFD_DOCUMENT_VIEWER (object)->reveal_pii);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_document_viewer_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AfdDocumentViewer *self = AFD_DOCUMENT_VIEWER (object);

  switch (prop_id)
    {
    case PROP_REVEAL_PII:
      set_reveal_pii (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_shortcuts (GtkWidgetClass *widget_class)
{
  static const struct { guint key; GdkModifierType mods; const char *action; } shortcuts[] = {
    { GDK_KEY_Return, 0, "review.confirm" },
    { GDK_KEY_KP_Enter, 0, "review.confirm" },
    { GDK_KEY_F2, 0, "review.edit" },
    { GDK_KEY_Escape, 0, "review.cancel" },
    { GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "review.reveal-pii" },
    { GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in" },
    { GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in" },
    { GDK_KEY_KP_Add, GDK_CONTROL_MASK, "viewer.zoom-in" },
    { GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out" },
    { GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "viewer.zoom-out" },
    { GDK_KEY_0, GDK_CONTROL_MASK, "viewer.zoom-original" },
    { GDK_KEY_w, 0, "viewer.zoom-fit-width" },
    { GDK_KEY_f, 0, "viewer.zoom-fit-page" },
    /* Not Ctrl+Left/Right: the scrolled window takes those to scroll sideways. */
    { GDK_KEY_r, 0, "viewer.rotate-right" },
    { GDK_KEY_R, GDK_SHIFT_MASK, "viewer.rotate-left" },
    { GDK_KEY_c, GDK_CONTROL_MASK, "viewer.copy" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_widget_class_add_binding_action (widget_class, shortcuts[i].key, shortcuts[i].mods,
                                         shortcuts[i].action, NULL);
}

/* F8 and Shift+F8, caught before anything inside sees them: GtkPaned binds them to
 * moving the focus to its handle, and the pages, the fields and the thumbnails all sit
 * inside the viewer's paned. */
static void
add_review_step_shortcuts (AfdDocumentViewer *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutController *shortcuts = GTK_SHORTCUT_CONTROLLER (controller);

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F8, 0),
                                                          gtk_named_action_new ("review.next")));
  gtk_shortcut_controller_add_shortcut (shortcuts,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F8, GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("review.previous")));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  const char *review[] = { "review.next", "review.previous", "review.confirm", "review.edit",
                           "review.cancel" };
  const char *viewer[] = { "viewer.zoom-in", "viewer.zoom-out", "viewer.zoom-fit-width",
                           "viewer.zoom-fit-page", "viewer.zoom-original", "viewer.rotate-left",
                           "viewer.rotate-right", "viewer.copy" };

  for (guint i = 0; i < G_N_ELEMENTS (review); i++)
    gtk_widget_class_install_action (widget_class, review[i], NULL, review_action);
  for (guint i = 0; i < G_N_ELEMENTS (viewer); i++)
    gtk_widget_class_install_action (widget_class, viewer[i], NULL, viewer_action);
  gtk_widget_class_install_property_action (widget_class, "review.reveal-pii", "reveal-pii");
}

static void
afd_document_viewer_class_init (AfdDocumentViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_document_viewer_dispose;
  object_class->get_property = afd_document_viewer_get_property;
  object_class->set_property = afd_document_viewer_set_property;
  widget_class->measure = afd_document_viewer_measure;
  widget_class->size_allocate = afd_document_viewer_size_allocate;
  widget_class->map = afd_document_viewer_map;
  widget_class->unrealize = afd_document_viewer_unrealize;

  properties[PROP_REVEAL_PII] =
    g_param_spec_boolean ("reveal-pii", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CORRECTED] = g_signal_new ("corrected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-document-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, thumbnails_separator);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, paned);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, next_content);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, rotate_separator);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, rotate_right_button);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, rotate_left_button);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, zoom_separator);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, zoom_in_button);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, zoom_out_button);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, page_label);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, reveal_button);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, thumbnails);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, page_stack);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, spinner);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, page_view);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, error_page);
  gtk_widget_class_bind_template_child (widget_class, AfdDocumentViewer, fields_panel);
  gtk_widget_class_set_css_name (widget_class, "afd-document-viewer");

  install_actions (widget_class);
  add_shortcuts (widget_class);
}

static void
afd_document_viewer_init (AfdDocumentViewer *self)
{
  g_type_ensure (AFD_TYPE_PAGE_VIEW);
  g_type_ensure (AFD_TYPE_THUMBNAILS);
  g_type_ensure (AFD_TYPE_FIELDS_PANEL);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  load_css ();
  add_review_step_shortcuts (self);

  g_signal_connect_swapped (self->page_view, "notify::zoom", G_CALLBACK (queue_zoom_label), self);
  g_signal_connect_swapped (self->page_view, "notify::current-page", G_CALLBACK (update_page_label), self);
  g_signal_connect (self->thumbnails, "page-activated", G_CALLBACK (on_page_activated), self);
  g_signal_connect (self->page_view, "text-selected", G_CALLBACK (on_text_selected), self);
  g_signal_connect (self->fields_panel, "confirm-requested", G_CALLBACK (on_confirm_requested), self);
  g_signal_connect (self->fields_panel, "correction-requested", G_CALLBACK (on_correction_requested), self);
  g_object_bind_property (self->page_view, "hovered-field", self->fields_panel, "hovered-field",
                          G_BINDING_BIDIRECTIONAL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Document review"), -1);
}

GtkWidget *
afd_document_viewer_new (void)
{
  return g_object_new (AFD_TYPE_DOCUMENT_VIEWER, NULL);
}
