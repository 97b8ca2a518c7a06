/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-note-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-async.h"
#include "afd-edit-reply.h"
#include "afd-identity.h"
#include "afd-note-editor.h"

/* Notes are saved this long after the last keystroke: often enough that nothing is
 * lost, rarely enough that the outbox is not flooded with one entry per letter. */
#define NOTE_DEBOUNCE_MS 700

struct _AfdNoteEditor
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkTextView       *view;
  GtkLabel          *status;

  /* owned references */
  AfdWorkspace      *workspace;   /* (nullable) */
  char              *item_id;     /* (nullable) */
  char              *label;       /* (nullable) what the text is called */

  AfdNoteSaveFunc    save;
  AfdNoteFailureFunc describe_failure;
  guint              timeout;
  gboolean           loading;
};

G_DEFINE_FINAL_TYPE (AfdNoteEditor, afd_note_editor, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
shown_id (gpointer editor)
{
  return AFD_NOTE_EDITOR (editor)->item_id;
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AfdEditReply) reply = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = af_store_thread_edit_finish (AF_STORE_THREAD (source), result, &error);
  g_autoptr(AfdNoteEditor) self = afd_edit_reply_get_page (reply, shown_id);
  g_autofree char *message = NULL;

  if (!ok && self != NULL)
    message = self->describe_failure (reply->item_id, error);
  if (self == NULL)
    {
      if (!ok)
        g_warning ("Could not save the note of %s: %s", reply->item_id, error->message);
      return;
    }
  /* The answers come in the order of the saves: the last one says how things are. */
  gtk_label_set_label (self->status, ok ? _("Saved on this computer · waiting to sync")
                                        : message);
  if (!ok)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
  else
    afd_workspace_changed (self->workspace, FALSE);
}

/* Shown as saved at once; saved_cb() takes it back if the commit fails. */
static void
save (AfdNoteEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  g_return_if_fail (self->save != NULL);

  if (self->item_id == NULL || !afd_identity_ensure (GTK_WIDGET (self), self->workspace))
    {
      gtk_label_set_label (self->status, _("Not saved yet: your e-mail address is needed "
                                           "to sign notes."));
      return;
    }
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  self->save (afd_workspace_get_store_thread (self->workspace), self->item_id, text, NULL,
              saved_cb, afd_edit_reply_new (self, self->item_id));
  gtk_label_set_label (self->status, _("Saved on this computer · waiting to sync"));
}

static gboolean
timeout_cb (gpointer user_data)
{
  AfdNoteEditor *self = user_data;

  self->timeout = 0;
  save (self);
  return G_SOURCE_REMOVE;
}

static void
changed_cb (AfdNoteEditor *self)
{
  if (self->loading)
    return;
  gtk_label_set_label (self->status, _("Editing…"));
  g_clear_handle_id (&self->timeout, g_source_remove);
  self->timeout = g_timeout_add (NOTE_DEBOUNCE_MS, timeout_cb, self);
}

void
afd_note_editor_flush (AfdNoteEditor *self)
{
  g_return_if_fail (AFD_IS_NOTE_EDITOR (self));

  if (self->timeout != 0)
    {
      g_clear_handle_id (&self->timeout, g_source_remove);
      save (self);
    }
}

void
afd_note_editor_set_saver (AfdNoteEditor      *self,
                           AfdNoteSaveFunc     save_func,
                           AfdNoteFailureFunc  describe_failure)
{
  g_return_if_fail (AFD_IS_NOTE_EDITOR (self));
  g_return_if_fail (save_func != NULL && describe_failure != NULL);

  self->save = save_func;
  self->describe_failure = describe_failure;
}

void
afd_note_editor_set_item (AfdNoteEditor *self,
                          AfdWorkspace  *workspace,
                          const char    *item_id)
{
  g_return_if_fail (AFD_IS_NOTE_EDITOR (self));

  if (self->workspace != NULL)
    afd_note_editor_flush (self);
  g_set_object (&self->workspace, workspace);
  g_free (self->item_id);
  self->item_id = g_strdup (item_id);
}

void
afd_note_editor_set_text (AfdNoteEditor *self,
                          const char    *text)
{
  g_return_if_fail (AFD_IS_NOTE_EDITOR (self));

  self->loading = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->view), text ?: "", -1);
  self->loading = FALSE;
  gtk_label_set_label (self->status, _("Notes are saved on this computer as you type."));
}

static void
set_label (AfdNoteEditor *self,
           const char    *label)
{
  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

GtkWidget *
afd_note_editor_new (void)
{
  return g_object_new (AFD_TYPE_NOTE_EDITOR, NULL);
}

static void
afd_note_editor_dispose (GObject *object)
{
  AfdNoteEditor *self = AFD_NOTE_EDITOR (object);

  /* A page that goes away keeps the note typed a moment ago. */
  if (self->workspace != NULL)
    afd_note_editor_flush (self);
  g_clear_handle_id (&self->timeout, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), AFD_TYPE_NOTE_EDITOR);
  /* GTK 4.8 only drops the template children that are bound by name. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (self)))
    gtk_widget_unparent (child);
  g_clear_object (&self->workspace);
  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (afd_note_editor_parent_class)->dispose (object);
}

static void
afd_note_editor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  AfdNoteEditor *self = AFD_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_note_editor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  AfdNoteEditor *self = AFD_NOTE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      set_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
afd_note_editor_class_init (AfdNoteEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_note_editor_dispose;
  object_class->get_property = afd_note_editor_get_property;
  object_class->set_property = afd_note_editor_set_property;

  /* The text's accessible name ("Review notes"): how a screen reader, and the UI tests,
   * find it. */
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL,
                                                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/auditflow/Desk/afd-note-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, AfdNoteEditor, view);
  gtk_widget_class_bind_template_child (widget_class, AfdNoteEditor, status);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
afd_note_editor_init (AfdNoteEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->view), "changed",
                            G_CALLBACK (changed_cb), self);
}
