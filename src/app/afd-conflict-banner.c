/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-conflict-banner"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "af-store-async.h"
#include "afd-conflict-banner.h"

struct _AfdConflictBanner
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkRevealer  *revealer;
  GtkLabel     *detail_label;

  /* owned references */
  AfStoreThread *store_thread; /* (nullable) */
  char         *item_id;    /* (nullable) the item on show */
  AfConflict   *conflict;   /* (nullable) the open conflict shown */
  GCancellable *cancellable; /* (nullable) the conflict being read */
};

G_DEFINE_FINAL_TYPE (AfdConflictBanner, afd_conflict_banner, GTK_TYPE_WIDGET)

enum {
  RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The first attribute both sides changed, as text: a note, a verdict. */
static const char *
conflict_value (const AfConflict *conflict,
                const AfValue    *side)
{
  const char *attribute = conflict->attributes != NULL ? conflict->attributes[0] : NULL;

  return attribute != NULL ? af_item_get_s (side, attribute) : NULL;
}

static void
show_detail (AfdConflictBanner *self)
{
  const char *mine = conflict_value (self->conflict, self->conflict->mine);
  const char *theirs = conflict_value (self->conflict, self->conflict->theirs);
  g_autofree char *text = NULL;

  if (mine != NULL || theirs != NULL)
    /* TRANSLATORS: the reviewer's value, then the value the server now has */
    text = g_strdup_printf (_("Yours: “%s” — on the server: “%s”"),
                            mine != NULL ? mine : "", theirs != NULL ? theirs : "");
  gtk_label_set_label (self->detail_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), text != NULL);
}

static void
update (AfdConflictBanner *self)
{
  gboolean open = self->conflict != NULL;

  if (open)
    gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_revealer_set_reveal_child (self->revealer, open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.take-theirs", open);
  /* A merged text only makes sense for text attributes. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.edit",
                                 open && conflict_value (self->conflict, self->conflict->mine) != NULL);
  if (open)
    show_detail (self);
}

/* Hidden once folded away, so that screen readers do not find a banner nobody sees. */
static void
child_revealed_cb (AfdConflictBanner *self)
{
  if (!gtk_revealer_get_child_revealed (self->revealer) && self->conflict == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

/* A resolution's answer: the banner may show another item by then. */
typedef struct
{
  GWeakRef    banner;
  AfConflict *conflict;   /* (owned) what the banner showed, back if the commit fails */
} Resolving;

static void
resolving_free (Resolving *resolving)
{
  g_weak_ref_clear (&resolving->banner);
  g_clear_pointer (&resolving->conflict, af_conflict_free);
  g_free (resolving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resolving, resolving_free)

static void
resolved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Resolving) resolving = user_data;
  g_autoptr(AfdConflictBanner) self = g_weak_ref_get (&resolving->banner);
  g_autoptr(GError) error = NULL;
  const char *item_id = resolving->conflict->item_id;

  if (af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error))
    {
      if (self != NULL)
        g_signal_emit (self, signals[RESOLVED], 0, item_id);
      return;
    }
  if (self == NULL)
    {
      g_warning ("Could not resolve the conflict of %s: %s", item_id, error->message);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", error->message);
  /* Still open: shown again if its item still is. */
  if (self->conflict == NULL && g_strcmp0 (self->item_id, item_id) == 0)
    {
      self->conflict = g_steal_pointer (&resolving->conflict);
      update (self);
    }
}

/* The banner folds away at once; resolved_cb() brings it back if the commit fails. */
static void
resolve (AfdConflictBanner *self,
         AfResolution       resolution,
         const char        *text)
{
  Resolving *resolving;

  if (self->conflict == NULL)
    return;
  resolving = g_new0 (Resolving, 1);
  g_weak_ref_init (&resolving->banner, self);
  resolving->conflict = g_steal_pointer (&self->conflict);
  af_store_thread_conflict_resolve_async (self->store_thread, resolving->conflict->item_id,
                                          resolution, text, NULL, resolved_cb, resolving);
  update (self);
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (AFD_CONFLICT_BANNER (widget), AF_RESOLVE_MINE, NULL);
}

static void
take_theirs_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  resolve (AFD_CONFLICT_BANNER (widget), AF_RESOLVE_THEIRS, NULL);
}

static void
edit_response_cb (AdwMessageDialog  *dialog,
                  const char        *response,
                  AfdConflictBanner *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (adw_message_dialog_get_extra_child (dialog));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (g_strcmp0 (response, "apply") != 0)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  resolve (self, AF_RESOLVE_EDIT, text);
}

static GtkWidget *
merge_view_new (const char *text)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);   /* Tab moves focus on */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  gtk_widget_set_size_request (view, 360, 160);
  gtk_widget_add_css_class (view, "card");
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  return view;
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AfdConflictBanner *self = AFD_CONFLICT_BANNER (widget);
  g_autofree char *text = afd_conflict_banner_dup_merge_text (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Merge Both Versions"),
                                   _("Your text and the server's are both below. Edit them into "
                                     "the text to keep; it replaces both."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), merge_view_new (text));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "apply", _("_Keep This Text"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  g_signal_connect_object (dialog, "response", G_CALLBACK (edit_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
afd_conflict_banner_dispose (GObject *object)
{
  AfdConflictBanner *self = AFD_CONFLICT_BANNER (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_CONFLICT_BANNER);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store_thread);
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->conflict, af_conflict_free);

  G_OBJECT_CLASS (afd_conflict_banner_parent_class)->dispose (object);
}

static void
afd_conflict_banner_class_init (AfdConflictBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_conflict_banner_dispose;

  signals[RESOLVED] = g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-conflict-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdConflictBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, AfdConflictBanner, detail_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "conflict.take-theirs", NULL, take_theirs_action);
  gtk_widget_class_install_action (widget_class, "conflict.edit", NULL, edit_action);
}

static void
afd_conflict_banner_init (AfdConflictBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->revealer, "notify::child-revealed",
                            G_CALLBACK (child_revealed_cb), self);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  update (self);
}

static void
conflict_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  AfConflict *conflict = af_store_thread_conflict_get_finish (AF_STORE_THREAD (source), result,
                                                              &error);
  AfdConflictBanner *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = AFD_CONFLICT_BANNER (user_data);
  if (error != NULL)
    g_warning ("Cannot read the item's conflict: %s", error->message);
  g_clear_pointer (&self->conflict, af_conflict_free);
  self->conflict = conflict;
  update (self);
}

void
afd_conflict_banner_set_item (AfdConflictBanner *self,
                              AfStoreThread     *store_thread,
                              const char        *item_id)
{
  g_return_if_fail (AFD_IS_CONFLICT_BANNER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_set_object (&self->store_thread, store_thread);
  g_free (self->item_id);
  self->item_id = g_strdup (item_id);
  g_clear_pointer (&self->conflict, af_conflict_free);
  update (self);
  if (store_thread == NULL || item_id == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  af_store_thread_conflict_get_async (store_thread, item_id, self->cancellable,
                                      conflict_read_cb, self);
}

gboolean
afd_conflict_banner_is_revealed (AfdConflictBanner *self)
{
  g_return_val_if_fail (AFD_IS_CONFLICT_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

char *
afd_conflict_banner_dup_merge_text (AfdConflictBanner *self)
{
  const char *mine, *theirs;

  g_return_val_if_fail (AFD_IS_CONFLICT_BANNER (self), NULL);

  if (self->conflict == NULL)
    return NULL;
  mine = conflict_value (self->conflict, self->conflict->mine);
  theirs = conflict_value (self->conflict, self->conflict->theirs);
  return g_strdup_printf ("%s\n\n%s", mine != NULL ? mine : "", theirs != NULL ? theirs : "");
}
