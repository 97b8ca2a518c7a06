/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A queue row that draws itself (AfdQueueRowView): what a screen reader finds under it
 * (the same labels as the box of GtkLabels it replaced), one height whatever its texts,
 * and its badges at the end of the row, on the right or, right to left, on the left.
 * Under Xvfb.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "af-value.h"
#include "afd-queue-row-view.h"
#include "afd-spoken-text.h"
#include "afd-test-widgets.h"

#define WIDTH 360

static AfdQueueRow *
audit_row_new (const char *name,
               const char *level,
               const char *score,
               gboolean    reviewed)
{
  g_autoptr(AfValue) audit = af_value_new_map ();

  af_value_map_set (audit, "audit_record_id", af_value_new_s ("a-1"));
  af_value_map_set (audit, "applicant_name", af_value_new_s (name));
  af_value_map_set (audit, "loan_application_id", af_value_new_s ("LOAN-2024-000042"));
  af_value_map_set (audit, "audit_timestamp", af_value_new_s ("2024-05-01T10:00:00Z"));
  af_value_map_set (audit, "risk_level", af_value_new_s (level));
  af_value_map_set (audit, "risk_score", af_value_new_n (score));
  if (reviewed)
    af_value_map_set (audit, "reviewed_by", af_value_new_s ("ann@example.com"));
  return afd_queue_row_new_for_item (AF_TABLE_AUDITS, audit);
}

/* A window about WIDTH px wide showing @view, allocated and mapped. */
static GtkWidget *
window_new (GtkWidget        *view,
            GtkTextDirection  direction)
{
  GtkWidget *window = gtk_window_new ();

  gtk_widget_set_direction (view, direction);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, -1);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (view) == 0 || !gtk_widget_get_mapped (view))
    g_main_context_iteration (NULL, TRUE);
  return window;
}

/* Whether a screen reader finds @child: shown, and not left out by its accessible hidden
 * state (what GTK's AT-SPI bridge reads, gtk_accessible_should_present()). */
static gboolean
is_said (GtkWidget *child)
{
  g_autofree char *not_hidden = gtk_test_accessible_check_state (GTK_ACCESSIBLE (child),
                                                                 GTK_ACCESSIBLE_STATE_HIDDEN,
                                                                 FALSE);

  return gtk_widget_get_visible (child) && not_hidden == NULL;
}

/* The labels a screen reader finds under @view, in order (hidden ones left out). */
static char *
spoken_texts (GtkWidget *view)
{
  g_autoptr(GString) texts = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_assert_true (AFD_IS_SPOKEN_TEXT (child));
      gtk_test_accessible_assert_role (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_ROLE_LABEL);
      if (is_said (child))
        {
          const char *text = afd_spoken_text_get_text (AFD_SPOKEN_TEXT (child));

          gtk_test_accessible_assert_property (GTK_ACCESSIBLE (child),
                                               GTK_ACCESSIBLE_PROPERTY_LABEL, text);
          g_string_append_printf (texts, "%s|", text);
        }
    }
  return g_string_free (g_steal_pointer (&texts), FALSE);
}

/* Title, subtitle, "Reviewed" (reviewed audits only), badge: the old box's order, and
 * its accessible labels are those texts; a row bound again changes them. */
static void
test_spoken (void)
{
  g_autoptr(AfdQueueRow) reviewed = audit_row_new ("Maria Garcia", "HIGH", "72", TRUE);
  g_autoptr(AfdQueueRow) plain = audit_row_new ("John Smith", "LOW", "12", FALSE);
  GtkWidget *view = afd_queue_row_view_new ();
  GtkWidget *window = window_new (view, GTK_TEXT_DIR_LTR);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expected = NULL;

  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (view), reviewed);
  first = spoken_texts (view);
  expected = g_strdup_printf ("Maria Garcia|%s|Reviewed|%s|",
                              afd_queue_row_get_subtitle (reviewed),
                              afd_queue_row_get_badge (reviewed));
  g_assert_cmpstr (first, ==, expected);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (view)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "Maria Garcia");

  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (view), plain);
  second = spoken_texts (view);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("John Smith|%s|%s|", afd_queue_row_get_subtitle (plain),
                              afd_queue_row_get_badge (plain));
  g_assert_cmpstr (second, ==, expected);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_widget_get_first_child (view)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "John Smith");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
relayout_cb (GdkToplevel     *toplevel,
             GdkToplevelSize *size,
             guint           *count)
{
  (*count)++;
}

static void
frame_cb (GdkFrameClock *clock,
          guint         *count)
{
  (*count)++;
}

/* A "Loading…" row filled in place (the queue model's rows read for it), as an audit
 * @reviewed or not: the widget bound to it says and draws the new texts ("Reviewed"
 * among them for a reviewed one), and nothing above it is laid out again (no
 * GdkToplevel::compute-size: under X11, round trips to the X server). */
static void
check_filled_in_place (gboolean reviewed)
{
  g_autoptr(AfdQueueRow) loading = afd_queue_row_new_loading (AF_TABLE_AUDITS);
  g_autoptr(AfdQueueRow) filled = audit_row_new ("John Smith", "LOW", "12", reviewed);
  GtkWidget *view = afd_queue_row_view_new ();
  GtkWidget *window = window_new (view, GTK_TEXT_DIR_LTR);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = NULL;
  guint relayouts = 0, frames = 0;

  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (view), loading);
  afd_test_settle (view, 2);
  before = spoken_texts (view);
  g_assert_true (g_str_has_prefix (before, "Loading…|"));
  g_assert_null (strstr (before, "Reviewed|"));

  g_signal_connect (surface, "compute-size", G_CALLBACK (relayout_cb), &relayouts);
  g_signal_connect (clock, "after-paint", G_CALLBACK (frame_cb), &frames);
  afd_queue_row_fill (loading, filled);
  g_assert_true (afd_queue_row_view_get_row (AFD_QUEUE_ROW_VIEW (view)) == loading);
  after = spoken_texts (view);
  expected = g_strdup_printf ("John Smith|%s|%s%s|", afd_queue_row_get_subtitle (filled),
                              reviewed ? "Reviewed|" : "", afd_queue_row_get_badge (filled));
  g_assert_cmpstr (after, ==, expected);
  /* Drawn again (the row's draw queued a frame), and laid out no further. */
  while (frames == 0)
    g_main_context_iteration (NULL, TRUE);
  afd_test_settle (view, 2);
  g_assert_cmpuint (relayouts, ==, 0);
  g_signal_handlers_disconnect_by_data (surface, &relayouts);
  g_signal_handlers_disconnect_by_data (clock, &frames);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_filled_in_place (void)
{
  check_filled_in_place (FALSE);
}

/* "Reviewed" comes to the screen reader without showing a widget, which would lay the
 * whole list out again. */
static void
test_filled_in_place_reviewed (void)
{
  check_filled_in_place (TRUE);
}

static int
measured_height (GtkWidget   *view,
                 AfdQueueRow *row)
{
  int height;

  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (view), row);
  gtk_widget_measure (view, GTK_ORIENTATION_VERTICAL, WIDTH, &height, NULL, NULL, NULL);
  return height;
}

/* Every row is as high as the next, whatever its texts: the list never measures texts. */
static void
test_one_height (void)
{
  g_autoptr(AfdQueueRow) shorter = audit_row_new ("Al", "LOW", "1", FALSE);
  g_autoptr(AfdQueueRow) longer = audit_row_new ("Maximiliana Konstantinopoulou-Vandermeer",
                                                 "CRITICAL", "99", TRUE);
  GtkWidget *view = afd_queue_row_view_new ();
  GtkWidget *window = window_new (view, GTK_TEXT_DIR_LTR);
  int height = measured_height (view, shorter);

  /* Two lines of text and the row's margins. */
  g_assert_cmpint (height, >, 2 * 10 + 2 * 8);
  g_assert_cmpint (measured_height (view, longer), ==, height);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The bounds of @node's pills (rounded clips) and texts. */
static void
collect_bounds (GskRenderNode *node,
                GArray        *pills,
                GArray        *texts)
{
  graphene_rect_t bounds;

  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        collect_bounds (gsk_container_node_get_child (node, i), pills, texts);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      gsk_render_node_get_bounds (node, &bounds);
      g_array_append_val (pills, bounds);
      break;
    case GSK_TEXT_NODE:
      gsk_render_node_get_bounds (node, &bounds);
      g_array_append_val (texts, bounds);
      break;
    default:
      break;
    }
}

static void
check_sides (GtkTextDirection direction)
{
  g_autoptr(AfdQueueRow) row = audit_row_new ("Maria Garcia", "CRITICAL", "91", TRUE);
  GtkWidget *view = afd_queue_row_view_new ();
  GtkWidget *window = window_new (view, direction);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GArray) pills = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  g_autoptr(GArray) texts = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  gboolean rtl = direction == GTK_TEXT_DIR_RTL;
  int width = gtk_widget_get_width (view);
  graphene_rect_t *badge, *reviewed, *title;

  afd_queue_row_view_set_row (AFD_QUEUE_ROW_VIEW (view), row);
  GTK_WIDGET_GET_CLASS (view)->snapshot (view, snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  collect_bounds (node, pills, texts);

  /* The level's badge, then "Reviewed" before it; their texts, then the title's (a text
   * node each run of glyphs of a font: the subtitle's "·" may be another's). */
  g_assert_cmpuint (pills->len, ==, 2);
  badge = &g_array_index (pills, graphene_rect_t, 0);
  reviewed = &g_array_index (pills, graphene_rect_t, 1);
  g_assert_cmpuint (texts->len, >=, 4);
  title = &g_array_index (texts, graphene_rect_t, 2);
  if (rtl)
    {
      g_assert_cmpfloat (badge->origin.x, ==, 12);
      g_assert_cmpfloat (reviewed->origin.x, >=, badge->origin.x + badge->size.width + 12);
      g_assert_cmpfloat (title->origin.x, >=, reviewed->origin.x + reviewed->size.width + 12);
      g_assert_cmpfloat (title->origin.x + title->size.width, <=, width - 12 + 1);
    }
  else
    {
      g_assert_cmpfloat (badge->origin.x + badge->size.width, ==, width - 12);
      g_assert_cmpfloat (reviewed->origin.x + reviewed->size.width, <=, badge->origin.x - 12);
      g_assert_cmpfloat (title->origin.x, >=, 12 - 1);
      g_assert_cmpfloat (title->origin.x + title->size.width, <=, reviewed->origin.x - 12 + 1);
    }
  afd_test_settle (view, 2);
  afd_test_screenshot (view, rtl ? "queue-row-rtl.png" : "queue-row-ltr.png");
  /* The badges are centred on the row. */
  g_assert_cmpfloat (fabs (badge->origin.y * 2 + badge->size.height - gtk_widget_get_height (view)),
                     <=, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sides_ltr (void)
{
  check_sides (GTK_TEXT_DIR_LTR);
}

static void
test_sides_rtl (void)
{
  check_sides (GTK_TEXT_DIR_RTL);
}

int
main (int   argc,
      char *argv[])
{
  /* The accessible properties are read back through GTK's test context. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/queue-row-view/spoken", test_spoken);
  g_test_add_func ("/queue-row-view/filled-in-place", test_filled_in_place);
  g_test_add_func ("/queue-row-view/filled-in-place-reviewed", test_filled_in_place_reviewed);
  g_test_add_func ("/queue-row-view/one-height", test_one_height);
  g_test_add_func ("/queue-row-view/sides-ltr", test_sides_ltr);
  g_test_add_func ("/queue-row-view/sides-rtl", test_sides_rtl);
  return g_test_run ();
}
