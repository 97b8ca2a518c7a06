/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "af-demo.h"
#include "afd-test-widgets.h"

GtkWidget *
afd_test_find_row (GtkWidget  *root,
                   const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = afd_test_find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
afd_test_find_button (GtkWidget  *root,
                      const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = afd_test_find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
afd_test_find_widget (GtkWidget *root,
                      GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = afd_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
record_toast (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  g_ptr_array_add (user_data, g_variant_dup_string (parameter, NULL));
}

static void
toasts_unref (gpointer  data,
              GClosure *closure)
{
  g_ptr_array_unref (data);
}

GPtrArray *
afd_test_record_toasts (GtkWidget *window)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) action = g_simple_action_new ("toast", G_VARIANT_TYPE_STRING);
  GPtrArray *toasts = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect_data (action, "activate", G_CALLBACK (record_toast),
                         g_ptr_array_ref (toasts), toasts_unref, 0);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
  gtk_widget_insert_action_group (window, "win", G_ACTION_GROUP (group));
  return toasts;
}

gpointer
afd_test_store_run (AfdWorkspace   *workspace,
                    AfStoreJobFunc  func,
                    gpointer        data)
{
  AfStoreThread *thread = afd_workspace_get_store_thread (workspace);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  /* A write: it runs even if something cancels, as the test's changes must. */
  af_store_thread_write_async (thread, func, data, NULL, NULL, NULL,
                               af_test_store_result, &result);
  value = af_store_thread_run_finish (thread, af_test_wait (&result), &error);
  g_assert_no_error (error);
  return value;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
afd_test_wait_until (gboolean (*done) (gpointer),
                     gpointer   data,
                     guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

typedef struct
{
  AfdSyncPanel *panel;
  const char   *text;
} StatusWait;

static gboolean
status_says (gpointer data)
{
  StatusWait *wait = data;

  return strstr (afd_sync_panel_get_status_text (wait->panel), wait->text) != NULL;
}

void
afd_test_wait_sync_status (AfdSyncPanel *panel,
                           const char   *text,
                           guint         seconds)
{
  StatusWait wait = { panel, text };

  afd_test_wait_until (status_says, &wait, seconds);
}

void
afd_test_settle (GtkWidget *widget,
                 guint      frames)
{
  for (guint i = 0; i < frames; i++)
    {
      gtk_test_widget_wait_for_draw (widget);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

void
afd_test_run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* What @window drew in its last frame, or NULL. A widget that queues a redraw drops
 * its render node until the next frame, and the window's paintable is made of that
 * node: taken right after a change (a search's results arriving), it is empty. So
 * frames are drawn first, and the paintable made before the main loop runs again. */
static GskRenderNode *
last_frame_node (GtkWidget *window,
                 int        width,
                 int        height)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

  /* What is pending first (a focus change restyles its widgets in a later frame). */
  afd_test_settle (window, 1);
  gtk_widget_queue_draw (window);
  gtk_test_widget_wait_for_draw (window);
  paintable = gtk_widget_paintable_new (window);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

void
afd_test_screenshot (GtkWidget  *widget,
                     const char *name)
{
  const char *dir = g_getenv ("AFD_SCREENSHOT_DIR");
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  g_assert_true (gtk_widget_get_mapped (window));
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  /* A frame drawn meanwhile by something else can still leave none: a few tries. */
  for (guint attempt = 0; node == NULL && attempt < 5; attempt++)
    node = last_frame_node (window, width, height);
  if (node == NULL)
    g_error ("Nothing drawn for the screenshot %s", name);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not save the screenshot %s", path);
}

static void
workspace_opened_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  AfdWorkspace **slot = user_data;
  g_autoptr(GError) error = NULL;

  *slot = afd_workspace_open_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
pointer_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

AfdWorkspace *
afd_test_open_demo (const char *scratch,
                    guint       seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("io.github.auditflow.Desk");
  g_autofree char *cache = g_build_filename (scratch, "demo.sqlite", NULL);
  g_autoptr(AfStore) store = af_demo_open (g_getenv ("AF_FIXTURES_DIR"), cache, &error);
  AfdWorkspace *workspace = NULL;

  g_assert_no_error (error);
  /* Closed before the workspace opens it as an explicit cache. */
  g_clear_object (&store);
  afd_workspace_open_async (cache, settings, NULL, workspace_opened_cb, &workspace);
  afd_test_wait_until (pointer_set, &workspace, seconds);
  return workspace;
}
