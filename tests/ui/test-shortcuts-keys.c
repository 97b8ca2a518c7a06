/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Keyboard Shortcuts window (ui/help-overlay.ui) with the app's style (ui/style.css),
 * in-process under Xvfb: its keys are written at the size of the text beside them.
 * libadwaita 1.2 writes them "smaller", and the comma of Ctrl+, (Preferences) was then a
 * dot of 2 px at 800 x 600, hardly told from a full stop; the minus of Ctrl+- (Zoom Out)
 * is checked here, whose accelerator is the window's own (Preferences' comes from the
 * application's, which this test has not).
 */
#include "config.h"

#include <adwaita.h>

#include "afd-test-widgets.h"

#define RESOURCE "/io/github/auditflow/Desk/"

/* The label under @root showing @text; with the keycap style class or without. */
static GtkWidget *
find_label (GtkWidget  *root,
            const char *text,
            gboolean    keycap)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0 &&
      gtk_widget_has_css_class (root, "keycap") == keycap)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text, keycap);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static double
font_points (GtkWidget *label)
{
  PangoContext *context = gtk_widget_get_pango_context (label);

  return pango_font_description_get_size (pango_context_get_font_description (context)) /
         (double) PANGO_SCALE;
}

static void
test_keys_as_large_as_text (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE "gtk/help-overlay.ui");
  g_autoptr(GtkCssProvider) style = gtk_css_provider_new ();
  GtkWidget *window = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  GtkWidget *minus, *title;

  gtk_css_provider_load_from_resource (style, RESOURCE "style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_present (GTK_WINDOW (window));
  afd_test_settle (window, 2);
  minus = find_label (window, "-", TRUE);
  title = find_label (window, "Zoom Out", FALSE);
  g_assert_nonnull (minus);
  g_assert_nonnull (title);
  g_test_message ("the key \"-\" at %.1f pt, \"Zoom Out\" at %.1f pt", font_points (minus),
                  font_points (title));
  g_assert_cmpfloat (font_points (minus), >=, font_points (title));
  afd_test_screenshot (window, "shortcuts-keys.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/shortcuts/keys-as-large-as-text", test_keys_as_large_as_text);
  return g_test_run ();
}
