/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-pii-mask"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "afd-pii-mask.h"
#include "afd-format.h"

/* Around the bbox, in page units: a box drawn tight to the glyphs would leave their
 * anti-aliased edges showing. */
#define MARGIN 2.0
/* The label's height in page units at most; the size on screen it is given when the
 * block has room for it (a page zoomed out); and the least, under which it is left out
 * (a thumbnail): a smudge of text reads as damage. */
#define MAX_FONT_UNITS 13.0
#define READABLE_FONT_PIXELS 8.0
#define MIN_FONT_PIXELS 5.0
/* The block's height on screen under which it has no border. */
#define MIN_BORDER_PIXELS 8.0

static void
rgba_from_hex (GdkRGBA    *out,
               const char *hex)
{
  if (!gdk_rgba_parse (out, hex))
    g_return_if_reached ();
}

/* From the GNOME HIG palette, as the window around the page is: a light block on the
 * light style, a dark one on the dark style, black and white in high contrast. The
 * label's contrast with the fill is above 9:1 in each. */
void
afd_pii_mask_style_for (gboolean         dark,
                        gboolean         high_contrast,
                        AfdPiiMaskStyle *out_style)
{
  if (high_contrast)
    {
      rgba_from_hex (&out_style->fill, "#000000");
      rgba_from_hex (&out_style->border, "#000000");
      rgba_from_hex (&out_style->text, "#ffffff");
    }
  else if (dark)
    {
      rgba_from_hex (&out_style->fill, "#3d3846");     /* dark 3 */
      rgba_from_hex (&out_style->border, "#241f31");   /* dark 5 */
      rgba_from_hex (&out_style->text, "#ffffff");
    }
  else
    {
      rgba_from_hex (&out_style->fill, "#deddda");     /* light 3 */
      rgba_from_hex (&out_style->border, "#9a9996");   /* light 5 */
      rgba_from_hex (&out_style->text, "#241f31");     /* dark 5 */
    }
}

void
afd_pii_mask_style_current (AfdPiiMaskStyle *out_style)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  afd_pii_mask_style_for (adw_style_manager_get_dark (manager),
                          adw_style_manager_get_high_contrast (manager), out_style);
}

gboolean
afd_pii_mask_covers (AfField  *field,
                     gboolean  revealed)
{
  return !revealed && af_field_is_pii (field) && af_field_is_drawable (field);
}

AfBbox
afd_pii_mask_area (AfField *field,
                   double   page_width,
                   double   page_height)
{
  const AfBbox *b = af_field_get_bbox (field);
  double mx = page_width > 0 ? MARGIN / page_width : 0;
  double my = page_height > 0 ? MARGIN / page_height : 0;
  double left = MAX (0, b->left - mx), top = MAX (0, b->top - my);
  double right = MIN (1, b->left + b->width + mx), bottom = MIN (1, b->top + b->height + my);

  return (AfBbox) { left, top, right - left, bottom - top };
}

char *
afd_pii_mask_dup_label (AfField *field)
{
  const char *name = af_field_get_name (field);
  g_autofree char *title = NULL;

  if (strstr (name, "ssn") != NULL)
    return g_strdup (_("SSN hidden"));
  if (strstr (name, "date_of_birth") != NULL || strstr (name, "dob") != NULL)
    return g_strdup (_("Date of birth hidden"));
  if (strstr (name, "routing") != NULL)
    return g_strdup (_("Routing number hidden"));
  if (strstr (name, "account_number") != NULL)
    return g_strdup (_("Account number hidden"));
  if (strstr (name, "license_number") != NULL || strstr (name, "licence_number") != NULL)
    return g_strdup (_("License number hidden"));
  title = afd_field_label (af_field_get_name (field));
  /* TRANSLATORS: on the block that hides a personal value on the page; %s is the field */
  return g_strdup_printf (_("%s hidden"), title);
}

static void
rounded_rectangle (cairo_t *cr,
                   double   w,
                   double   h,
                   double   radius)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, w - radius, radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, w - radius, h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, radius, h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, radius, radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* A padlock @size units tall with its top-left corner at (@x, @y): the sign GNOME uses
 * for what is locked away, so that the block does not read as a button. */
static void
draw_padlock (cairo_t *cr,
              double   x,
              double   y,
              double   size)
{
  double body_w = size * 0.8, body_h = size * 0.55, radius = size * 0.24;

  cairo_save (cr);
  cairo_set_line_width (cr, size * 0.13);
  cairo_arc (cr, x + body_w / 2, y + radius + size * 0.065, radius, G_PI, 2 * G_PI);
  cairo_line_to (cr, x + body_w / 2 + radius, y + size - body_h);
  cairo_move_to (cr, x + body_w / 2 - radius, y + size - body_h);
  cairo_line_to (cr, x + body_w / 2 - radius, y + radius + size * 0.065);
  cairo_stroke (cr);
  cairo_rectangle (cr, x, y + size - body_h, body_w, body_h);
  cairo_fill (cr);
  cairo_restore (cr);
}

static PangoLayout *
label_layout (cairo_t    *cr,
              const char *text,
              double      size)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold");
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Metrics are not hinted, so that the label has the same shape at every zoom. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  /* Positions rounded to whole units would be whole pixels only at 100 %. */
  pango_context_set_round_glyph_positions (pango_layout_get_context (layout), FALSE);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* The label's layout at the largest size that fits a block @w × @h units drawn at
 * @scale: half the block's height, or readable on screen if the block allows, and
 * smaller when the block is narrower than the padlock and the label. */
static PangoLayout *
fit_label (cairo_t    *cr,
           const char *text,
           double      w,
           double      h,
           double      scale,
           double     *out_size)
{
  double size = MIN (MAX (h * 0.5, READABLE_FONT_PIXELS / scale), MIN (h * 0.75, MAX_FONT_UNITS));
  PangoLayout *layout = label_layout (cr, text, size);
  double room = w - h * 0.5, group;
  PangoRectangle ink;

  pango_layout_get_extents (layout, &ink, NULL);
  group = ink.width / (double) PANGO_SCALE + size * 1.2;
  if (group > room && group > 0)
    {
      size *= MAX (room, 0) / group;
      g_object_unref (layout);
      layout = label_layout (cr, text, size);
    }
  *out_size = size;
  return layout;
}

/* The padlock and the label, centred; left out when too small to read. */
static void
draw_label (cairo_t               *cr,
            const AfdPiiMaskStyle *style,
            const char            *text,
            double                 w,
            double                 h,
            double                 scale)
{
  double size, icon, gap, x;
  g_autoptr(PangoLayout) layout = fit_label (cr, text, w, h, scale, &size);
  PangoRectangle ink, logical;

  if (size * scale < MIN_FONT_PIXELS)
    return;
  pango_layout_get_extents (layout, &ink, &logical);
  icon = size * 0.9;
  gap = size * 0.35;
  x = (w - (ink.width / (double) PANGO_SCALE + icon + gap)) / 2;
  gdk_cairo_set_source_rgba (cr, &style->text);
  draw_padlock (cr, x, (h - icon) / 2, icon);
  cairo_move_to (cr, x + icon + gap - ink.x / (double) PANGO_SCALE,
                 (h - logical.height / (double) PANGO_SCALE) / 2 - logical.y / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
}

/* One block, @w × @h page units at the cairo context's origin. */
static void
draw_block (cairo_t               *cr,
            const AfdPiiMaskStyle *style,
            const char            *label,
            double                 w,
            double                 h,
            double                 scale)
{
  /* The border is a hairline on screen whatever the zoom. */
  double line = 1.0 / scale;

  rounded_rectangle (cr, w, h, MIN (MIN (w, h) / 2, 3.0));
  gdk_cairo_set_source_rgba (cr, &style->fill);
  cairo_fill_preserve (cr);
  /* On a thumbnail the block is a few pixels tall: a border would be all of it. */
  if (h * scale < MIN_BORDER_PIXELS)
    {
      cairo_new_path (cr);
      return;
    }
  cairo_save (cr);
  cairo_clip (cr);
  rounded_rectangle (cr, w, h, MIN (MIN (w, h) / 2, 3.0));
  gdk_cairo_set_source_rgba (cr, &style->border);
  cairo_set_line_width (cr, 2 * line);
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_label (cr, style, label, w, h, scale);
}

void
afd_pii_mask_snapshot_page (GtkSnapshot *snapshot,
                            AfFieldList *fields,
                            int          page,
                            double       page_width,
                            double       page_height,
                            double       scale,
                            gboolean     revealed)
{
  guint n = fields != NULL ? g_list_model_get_n_items (G_LIST_MODEL (fields)) : 0;
  AfdPiiMaskStyle style;

  if (revealed || !(scale > 0))
    return;
  afd_pii_mask_style_current (&style);
  for (guint i = 0; i < n; i++)
    {
      AfField *field = af_field_list_get_field (fields, i);
      g_autofree char *label = NULL;
      AfBbox area;
      double x, y, w, h;
      cairo_t *cr;

      if (af_field_get_page (field) != page + 1 || !afd_pii_mask_covers (field, revealed))
        continue;
      area = afd_pii_mask_area (field, page_width, page_height);
      x = area.left * page_width;
      y = area.top * page_height;
      w = area.width * page_width;
      h = area.height * page_height;
      label = afd_pii_mask_dup_label (field);
      /* Device-sized bounds, the drawing in page units: crisp at any zoom. */
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (floor (x * scale), floor (y * scale),
                                                                     ceil ((x + w) * scale) - floor (x * scale),
                                                                     ceil ((y + h) * scale) - floor (y * scale)));
      cairo_scale (cr, scale, scale);
      cairo_translate (cr, x, y);
      draw_block (cr, &style, label, w, h, scale);
      cairo_destroy (cr);
    }
}

GArray *
afd_pii_mask_dup_areas (AfFieldList *fields,
                        int          page,
                        double       page_width,
                        double       page_height,
                        gboolean     revealed)
{
  guint n = fields != NULL ? g_list_model_get_n_items (G_LIST_MODEL (fields)) : 0;
  GArray *areas = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n; i++)
    {
      AfField *field = af_field_list_get_field (fields, i);
      AfBbox area;
      double rect[4];

      if (af_field_get_page (field) != page + 1 || !afd_pii_mask_covers (field, revealed))
        continue;
      area = afd_pii_mask_area (field, page_width, page_height);
      rect[0] = area.left;
      rect[1] = area.top;
      rect[2] = area.left + area.width;
      rect[3] = area.top + area.height;
      g_array_append_vals (areas, rect, 4);
    }
  return areas;
}
