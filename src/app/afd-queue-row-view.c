/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-row-view"

#include "config.h"

#include <glib/gi18n.h>

#include "afd-queue-row-view.h"
#include "afd-spoken-text.h"

/* The geometry of the box of labels this widget replaces (px): the row's margins, the
 * space between the text and the badges and between the title and the subtitle, and a
 * badge's padding (style.css, .badge). */
#define MARGIN_Y 10
#define MARGIN_X 12
#define SPACING 12
#define LINE_SPACING 3
#define BADGE_PAD_X 10
#define BADGE_PAD_Y 2

/* The texts' fonts as libadwaita 1.2 and style.css give them: .heading is bold at 11pt
 * and .caption 9pt (points, at the display's resolution), .badge bold at 0.8em of the
 * row's font; and the subtitle's .dim-label opacity. */
#define TITLE_POINTS 11.0
#define SUBTITLE_POINTS 9.0
#define BADGE_SCALE 0.8
#define DIM_OPACITY 0.55

typedef enum
{
  TEXT_TITLE,
  TEXT_SUBTITLE,
  TEXT_REVIEWED,
  TEXT_BADGE,
  N_TEXTS
} Text;

struct _AfdQueueRowView
{
  GtkWidget     parent_instance;

  AfdQueueRow  *row;                 /* (owned) (nullable) */
  /* What a screen reader reads, in the order the labels of the old box had. */
  GtkWidget    *spoken[N_TEXTS];
  /* Made at the first snapshot after a bind, or after the font changed. */
  PangoLayout  *layouts[N_TEXTS];    /* (owned) (nullable) */
  guint         layouts_serial;      /* the Pango context's serial they were made with */
};

G_DEFINE_FINAL_TYPE (AfdQueueRowView, afd_queue_row_view, GTK_TYPE_WIDGET)

/* Badge classes (afd_queue_row_get_badge_classes()) and their colours by name, as
 * style.css gives them to a .badge; any other class, the row's text colour on a tint. */
static const struct
{
  const char *css_class;
  const char *background;
  const char *foreground;
} badge_colours[] = {
  { "level-low", "success_bg_color", "success_fg_color" },
  { "level-medium", "warning_bg_color", "warning_fg_color" },
  { "level-high", "afd_level_high_bg_color", "afd_level_high_fg_color" },
  { "level-critical", "error_bg_color", "error_fg_color" },
  { "reviewed", "accent_bg_color", "accent_fg_color" },
};

/* The one height every row has for a font (the texts are one line each): worked out
 * when the font changes, not for each row bound. */
static struct
{
  PangoFontDescription *font;        /* (owned) (nullable) */
  double                resolution;
  int                   height;
} height_cache;

static void
drop_layouts (AfdQueueRowView *self)
{
  for (guint i = 0; i < N_TEXTS; i++)
    g_clear_object (&self->layouts[i]);
}

static void
afd_queue_row_view_dispose (GObject *object)
{
  AfdQueueRowView *self = AFD_QUEUE_ROW_VIEW (object);

  for (guint i = 0; i < N_TEXTS; i++)
    g_clear_pointer (&self->spoken[i], gtk_widget_unparent);
  drop_layouts (self);
  if (self->row != NULL)
    g_signal_handlers_disconnect_by_data (self->row, self);
  g_clear_object (&self->row);

  G_OBJECT_CLASS (afd_queue_row_view_parent_class)->dispose (object);
}

static PangoFontDescription *
font_for (PangoContext *context,
          Text          text)
{
  const PangoFontDescription *base = pango_context_get_font_description (context);
  PangoFontDescription *font = pango_font_description_copy (base);
  double points_to_pixels = pango_cairo_context_get_resolution (context) / 72.0;
  double base_pixels = pango_font_description_get_size (base) / (double) PANGO_SCALE;

  if (!pango_font_description_get_size_is_absolute (base))
    base_pixels *= points_to_pixels;
  pango_font_description_set_weight (font, text == TEXT_SUBTITLE ? PANGO_WEIGHT_NORMAL
                                                                 : PANGO_WEIGHT_BOLD);
  switch (text)
    {
    case TEXT_TITLE:
      pango_font_description_set_absolute_size (font, TITLE_POINTS * points_to_pixels * PANGO_SCALE);
      break;
    case TEXT_SUBTITLE:
      pango_font_description_set_absolute_size (font,
                                                SUBTITLE_POINTS * points_to_pixels * PANGO_SCALE);
      break;
    case TEXT_REVIEWED:
    case TEXT_BADGE:
    default:
      pango_font_description_set_absolute_size (font, BADGE_SCALE * base_pixels * PANGO_SCALE);
      break;
    }
  return font;
}

static PangoLayout *
layout_new (GtkWidget  *widget,
            Text        text,
            const char *content)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = font_for (context, text);

  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (text == TEXT_TITLE || text == TEXT_SUBTITLE)
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_text (layout, content != NULL ? content : "", -1);
  return layout;
}

static int
line_height (GtkWidget *widget,
             Text       text)
{
  g_autoptr(PangoLayout) layout = layout_new (widget, text, "Ag");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height;
}

static int
row_height (GtkWidget *widget)
{
  PangoContext *context = gtk_widget_get_pango_context (widget);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double resolution = pango_cairo_context_get_resolution (context);
  int text_height, badge_height;

  if (height_cache.font != NULL && height_cache.resolution == resolution &&
      pango_font_description_equal (height_cache.font, font))
    return height_cache.height;

  text_height = line_height (widget, TEXT_TITLE) + LINE_SPACING +
                line_height (widget, TEXT_SUBTITLE);
  badge_height = line_height (widget, TEXT_BADGE) + 2 * BADGE_PAD_Y;
  g_clear_pointer (&height_cache.font, pango_font_description_free);
  height_cache.font = pango_font_description_copy (font);
  height_cache.resolution = resolution;
  height_cache.height = 2 * MARGIN_Y + MAX (text_height, badge_height);
  return height_cache.height;
}

/* A fixed height, and no width of its own beyond the margins: the texts are ellipsized
 * to the width the list gives. */
static void
afd_queue_row_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = row_height (widget);
  else
    *minimum = *natural = 2 * MARGIN_X;
}

/* The spoken texts take the row's place (a screen reader's highlight), drawing nothing. */
static void
afd_queue_row_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  AfdQueueRowView *self = AFD_QUEUE_ROW_VIEW (widget);

  for (guint i = 0; i < N_TEXTS; i++)
    if (gtk_widget_should_layout (self->spoken[i]))
      {
        gtk_widget_measure (self->spoken[i], GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL,
                            NULL, NULL);
        gtk_widget_allocate (self->spoken[i], width, height, -1, NULL);
      }
}

static const char *
text_of (AfdQueueRowView *self,
         Text             text)
{
  switch (text)
    {
    case TEXT_TITLE:
      return afd_queue_row_get_title (self->row);
    case TEXT_SUBTITLE:
      return afd_queue_row_get_subtitle (self->row);
    case TEXT_REVIEWED:
      return _("Reviewed");
    case TEXT_BADGE:
    default:
      return afd_queue_row_get_badge (self->row);
    }
}

static void
ensure_layouts (AfdQueueRowView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint serial = pango_context_get_serial (gtk_widget_get_pango_context (widget));

  if (serial != self->layouts_serial)
    drop_layouts (self);
  self->layouts_serial = serial;
  for (Text text = 0; text < N_TEXTS; text++)
    if (self->layouts[text] == NULL &&
        (text != TEXT_REVIEWED || afd_queue_row_get_reviewed (self->row)))
      self->layouts[text] = layout_new (widget, text, text_of (self, text));
}

static GdkRGBA
named_colour (GtkStyleContext *style,
              const char      *name,
              const GdkRGBA   *fallback)
{
  GdkRGBA colour;

  return gtk_style_context_lookup_color (style, name, &colour) ? colour : *fallback;
}

/* The badge's colours for its classes: @background and @foreground. */
static void
badge_colours_for (GtkStyleContext *style,
                   const char     **classes,
                   const GdkRGBA   *text_colour,
                   GdkRGBA         *background,
                   GdkRGBA         *foreground)
{
  GdkRGBA tint = *text_colour;

  tint.alpha *= 0.1;       /* .badge: alpha(currentColor, 0.1) */
  *background = tint;
  *foreground = *text_colour;
  for (guint c = 0; classes != NULL && classes[c] != NULL; c++)
    for (guint i = 0; i < G_N_ELEMENTS (badge_colours); i++)
      if (g_str_equal (classes[c], badge_colours[i].css_class))
        {
          *background = named_colour (style, badge_colours[i].background, &tint);
          *foreground = named_colour (style, badge_colours[i].foreground, text_colour);
        }
}

static void
draw_layout (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             int            x,
             int            y,
             const GdkRGBA *colour)
{
  PangoRectangle logical;

  pango_layout_get_pixel_extents (layout, NULL, &logical);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - logical.x, y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

/* A pill with @layout in it, its end at @end (its start, right to left); returns the
 * pill's width. */
static int
draw_badge (GtkSnapshot   *snapshot,
            PangoLayout   *layout,
            int            end,
            int            row_height,
            gboolean       rtl,
            const GdkRGBA *background,
            const GdkRGBA *foreground)
{
  int text_width, text_height, width, height, x, y;
  GskRoundedRect pill;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  width = text_width + 2 * BADGE_PAD_X;
  height = text_height + 2 * BADGE_PAD_Y;
  x = rtl ? end : end - width;
  y = (row_height - height) / 2;
  gsk_rounded_rect_init_from_rect (&pill, &GRAPHENE_RECT_INIT (x, y, width, height),
                                   height / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &pill);
  gtk_snapshot_append_color (snapshot, background, &pill.bounds);
  gtk_snapshot_pop (snapshot);
  draw_layout (snapshot, layout, x + BADGE_PAD_X, y + BADGE_PAD_Y, foreground);
  return width;
}

/* A line of text ellipsized to the column from @start to @end, at its start. */
static int
draw_line (GtkSnapshot   *snapshot,
           PangoLayout   *layout,
           int            start,
           int            end,
           int            y,
           gboolean       rtl,
           const GdkRGBA *colour)
{
  PangoRectangle logical;

  pango_layout_set_width (layout, MAX (end - start, 0) * PANGO_SCALE);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  draw_layout (snapshot, layout, rtl ? end - logical.width : start, y, colour);
  return logical.height;
}

/* As the box did: [ title / subtitle ][ Reviewed ][ badge ], the badges at the end
 * (the left, right to left) centred, the text taking the rest. */
static void
afd_queue_row_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  AfdQueueRowView *self = AFD_QUEUE_ROW_VIEW (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  const char *reviewed_classes[] = { "badge", "reviewed", NULL };
  GdkRGBA text_colour, dim, background, foreground;
  int end = width - MARGIN_X;     /* from the start edge, in either direction */
  int title_height;

  if (self->row == NULL)
    return;
  ensure_layouts (self);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &text_colour);
  G_GNUC_END_IGNORE_DEPRECATIONS

  badge_colours_for (style, afd_queue_row_get_badge_classes (self->row), &text_colour,
                     &background, &foreground);
  end -= draw_badge (snapshot, self->layouts[TEXT_BADGE], rtl ? width - end : end, height,
                     rtl, &background, &foreground) + SPACING;
  if (afd_queue_row_get_reviewed (self->row))
    {
      badge_colours_for (style, reviewed_classes, &text_colour, &background, &foreground);
      end -= draw_badge (snapshot, self->layouts[TEXT_REVIEWED], rtl ? width - end : end,
                         height, rtl, &background, &foreground) + SPACING;
    }

  dim = text_colour;
  dim.alpha *= DIM_OPACITY;
  if (rtl)
    {
      title_height = draw_line (snapshot, self->layouts[TEXT_TITLE], width - end,
                                width - MARGIN_X, MARGIN_Y, TRUE, &text_colour);
      draw_line (snapshot, self->layouts[TEXT_SUBTITLE], width - end, width - MARGIN_X,
                 MARGIN_Y + title_height + LINE_SPACING, TRUE, &dim);
    }
  else
    {
      title_height = draw_line (snapshot, self->layouts[TEXT_TITLE], MARGIN_X, end, MARGIN_Y,
                                FALSE, &text_colour);
      draw_line (snapshot, self->layouts[TEXT_SUBTITLE], MARGIN_X, end,
                 MARGIN_Y + title_height + LINE_SPACING, FALSE, &dim);
    }
}

static void
afd_queue_row_view_direction_changed (GtkWidget        *widget,
                                      GtkTextDirection  previous)
{
  GTK_WIDGET_CLASS (afd_queue_row_view_parent_class)->direction_changed (widget, previous);
  drop_layouts (AFD_QUEUE_ROW_VIEW (widget));
  gtk_widget_queue_draw (widget);
}

static void
afd_queue_row_view_class_init (AfdQueueRowViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = afd_queue_row_view_dispose;
  widget_class->measure = afd_queue_row_view_measure;
  widget_class->size_allocate = afd_queue_row_view_size_allocate;
  widget_class->snapshot = afd_queue_row_view_snapshot;
  widget_class->direction_changed = afd_queue_row_view_direction_changed;
  gtk_widget_class_set_css_name (widget_class, "queue-row");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
afd_queue_row_view_init (AfdQueueRowView *self)
{
  for (guint i = 0; i < N_TEXTS; i++)
    {
      self->spoken[i] = afd_spoken_text_new ();
      gtk_widget_set_parent (self->spoken[i], GTK_WIDGET (self));
    }
}

GtkWidget *
afd_queue_row_view_new (void)
{
  return g_object_new (AFD_TYPE_QUEUE_ROW_VIEW, NULL);
}

/* The spoken texts change only where the row's do ("Reviewed" is the same word, said or
 * not): a list rebinding its rows while it scrolls tells the assistive technologies of
 * what changed only. "Reviewed" is left out of the accessibility tree by its hidden
 * state, not by hiding the widget: a widget shown or hidden queues a resize, and every
 * row filled or bound with another review state laid the whole window out again (a
 * "Loading…" row filled as a reviewed audit: 3 GdkToplevel::compute-size, now none,
 * test-queue-row-view). Dragging All Loans with every other audit reviewed
 * (bench-stalls, cairo, 5 alternated pairs, load 3.7-4.9): 2.75 -> 2.71 relayouts a
 * frame (medians; 740-790 -> 745-758 a drag): the rest are GTK 4.8's list view's own. */
static void
update_spoken (AfdQueueRowView *self)
{
  for (Text text = 0; text < N_TEXTS; text++)
    afd_spoken_text_set_text (AFD_SPOKEN_TEXT (self->spoken[text]), text_of (self, text));
  afd_spoken_text_set_said (AFD_SPOKEN_TEXT (self->spoken[TEXT_REVIEWED]),
                            afd_queue_row_get_reviewed (self->row));
}

/* The row's texts changed (a "Loading…" row filled in place): drawn again, at the same
 * height, so that nothing above is laid out again. */
static void
row_notify_cb (AfdQueueRowView *self)
{
  drop_layouts (self);
  update_spoken (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
afd_queue_row_view_set_row (AfdQueueRowView *self,
                            AfdQueueRow     *row)
{
  g_return_if_fail (AFD_IS_QUEUE_ROW_VIEW (self));
  g_return_if_fail (row == NULL || AFD_IS_QUEUE_ROW (row));

  if (row == self->row)
    return;
  if (self->row != NULL)
    g_signal_handlers_disconnect_by_data (self->row, self);
  g_set_object (&self->row, row);
  if (row != NULL)
    g_signal_connect_swapped (row, "notify", G_CALLBACK (row_notify_cb), self);
  drop_layouts (self);
  if (row != NULL)
    update_spoken (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AfdQueueRow *
afd_queue_row_view_get_row (AfdQueueRowView *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW_VIEW (self), NULL);
  return self->row;
}
