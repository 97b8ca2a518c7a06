/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-metadata-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "afd-metadata-view.h"

struct _AfdMetadataView
{
  GtkWidget          parent_instance;

  GtkLabel          *message;
  GtkWidget         *content;
  GtkListBox        *summary;
  GtkSearchEntry    *search;
  GtkListBox        *tags;
  AfForensicsReport *report;     /* (owned) (nullable) */
  char              *needle;     /* (owned) casefolded search text */
};

G_DEFINE_FINAL_TYPE (AfdMetadataView, afd_metadata_view, GTK_TYPE_WIDGET)

static const char *
group_name (AfMetadataGroup group)
{
  switch (group)
    {
    case AF_METADATA_GROUP_EXIF: return "EXIF";
    case AF_METADATA_GROUP_XMP: return "XMP";
    default: return "IPTC";
    }
}

static void
toast (AfdMetadataView *self,
       const char      *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

static void
copy_text (AfdMetadataView *self,
           const char      *key,
           const char      *value)
{
  g_autofree char *text = g_strdup_printf (_("Copied the value of %s"), key);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), value);
  toast (self, text);
}

/* The tag rows are the report's entries in their order: a row's index is its entry's. */
static const AfMetadataEntry *
row_entry (AfdMetadataView *self,
           GtkListBoxRow   *row)
{
  AfImageMetadata *metadata = af_forensics_report_get_metadata (self->report);

  return af_image_metadata_get_entry (metadata, gtk_list_box_row_get_index (row));
}

static void
copy_clicked_cb (GtkButton       *button,
                 AfdMetadataView *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  const AfMetadataEntry *entry = row_entry (self, GTK_LIST_BOX_ROW (row));

  copy_text (self, entry->key, entry->value);
}

/* ---- the summary ---- */

static void
add_summary_row (AfdMetadataView *self,
                 const char      *title,
                 const char      *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value != NULL && *value != '\0' ? value : "—");
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (self->summary, row);
}

static char *
source_type_text (AfImageMetadata *metadata)
{
  const char *code = af_image_metadata_get_digital_source_code (metadata);

  if (code == NULL)
    return g_strdup (af_image_metadata_get_digital_source_type (metadata));
  if (af_digital_source_is_algorithmic (code))
    /* Translators: a declared digital source type made by a trained model; %s is its name. */
    return g_strdup_printf (_("%s (algorithmic)"), af_digital_source_describe (code));
  return g_strdup (af_digital_source_describe (code));
}

static void
fill_summary (AfdMetadataView *self)
{
  AfImageMetadata *metadata = af_forensics_report_get_metadata (self->report);
  g_autofree char *size = g_strdup_printf (_("%d × %d pixels (%s)"),
                                           af_forensics_report_get_width (self->report),
                                           af_forensics_report_get_height (self->report),
                                           af_forensics_report_get_format (self->report));
  g_autofree char *source = source_type_text (metadata);

  add_summary_row (self, _("Camera"), af_image_metadata_get_camera (metadata));
  add_summary_row (self, _("Captured"), af_image_metadata_get_capture_date (metadata));
  add_summary_row (self, _("Modified"), af_image_metadata_get_modification_date (metadata));
  add_summary_row (self, _("Software"), af_image_metadata_get_software (metadata));
  add_summary_row (self, _("Pixel size"), size);
  add_summary_row (self, _("Colour profile"), af_image_metadata_get_colour_profile (metadata));
  add_summary_row (self, _("Digital source type"), source);
}

/* ---- every tag ---- */

static GtkWidget *
make_tag_row (AfdMetadataView       *self,
              const AfMetadataEntry *entry)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *key = gtk_label_new (entry->key);
  GtkWidget *value = gtk_label_new (entry->value);
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *copy_name = g_strdup_printf (_("Copy the value of %s"), entry->key);
  g_autofree char *row_name = g_strdup_printf ("%s: %s", entry->key, entry->value);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 8);
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_selectable (GTK_LABEL (key), TRUE);
  gtk_label_set_wrap (GTK_LABEL (key), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (key), PANGO_WRAP_CHAR);
  gtk_widget_add_css_class (key, "caption");
  gtk_widget_add_css_class (key, "dim-label");
  gtk_widget_add_css_class (key, "monospace");
  gtk_widget_set_tooltip_text (key, entry->label);
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_label_set_selectable (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), key);
  gtk_box_append (GTK_BOX (text), value);
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "flat");
  gtk_widget_set_tooltip_text (copy, copy_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, copy_name, -1);
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), copy);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, row_name, -1);
  return row;
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  g_autofree char *folded = g_utf8_casefold (haystack != NULL ? haystack : "", -1);

  return strstr (folded, needle) != NULL;
}

static gboolean
filter_func (GtkListBoxRow *row,
             gpointer       user_data)
{
  AfdMetadataView *self = user_data;
  const AfMetadataEntry *entry = row_entry (self, row);

  if (self->needle == NULL || *self->needle == '\0')
    return TRUE;
  return contains (entry->key, self->needle) || contains (entry->label, self->needle)
         || contains (entry->value, self->needle);
}

/* A heading above the first row of each group. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  AfdMetadataView *self = user_data;
  const AfMetadataEntry *entry = row_entry (self, row);
  const AfMetadataEntry *previous = before != NULL ? row_entry (self, before) : NULL;
  GtkWidget *header;

  if (previous != NULL && previous->group == entry->group)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (group_name (entry->group));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_margin_top (header, 10);
  gtk_widget_set_margin_bottom (header, 4);
  gtk_widget_set_margin_start (header, 12);
  gtk_list_box_row_set_header (row, header);
}

static void
clear (GtkListBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_list_box_remove (box, child);
}

void
afd_metadata_view_set_report (AfdMetadataView   *self,
                              AfForensicsReport *report,
                              const char        *message)
{
  AfImageMetadata *metadata;

  g_return_if_fail (AFD_IS_METADATA_VIEW (self));

  clear (self->summary);
  clear (self->tags);
  g_set_object (&self->report, report);
  gtk_widget_set_visible (self->content, report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->message), report == NULL);
  gtk_label_set_label (self->message, message != NULL ? message : "");
  if (report == NULL)
    return;
  fill_summary (self);
  metadata = af_forensics_report_get_metadata (report);
  for (guint i = 0; i < af_image_metadata_get_n_entries (metadata); i++)
    gtk_list_box_append (self->tags, make_tag_row (self, af_image_metadata_get_entry (metadata, i)));
  if (af_image_metadata_is_empty (metadata))
    gtk_list_box_set_placeholder (self->tags, gtk_label_new (_("The file carries no EXIF, XMP or IPTC metadata.")));
}

void
afd_metadata_view_set_search (AfdMetadataView *self,
                              const char      *text)
{
  g_return_if_fail (AFD_IS_METADATA_VIEW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search), text != NULL ? text : "");
  g_free (self->needle);
  self->needle = g_utf8_casefold (text != NULL ? text : "", -1);
  gtk_list_box_invalidate_filter (self->tags);
  gtk_list_box_invalidate_headers (self->tags);
}

static void
search_changed_cb (AfdMetadataView *self)
{
  g_free (self->needle);
  self->needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search)), -1);
  gtk_list_box_invalidate_filter (self->tags);
  gtk_list_box_invalidate_headers (self->tags);
}

guint
afd_metadata_view_get_n_visible (AfdMetadataView *self)
{
  guint n = 0;

  g_return_val_if_fail (AFD_IS_METADATA_VIEW (self), 0);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->tags)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_child_visible (row)
        && filter_func (GTK_LIST_BOX_ROW (row), self))
      n++;
  return n;
}

gboolean
afd_metadata_view_copy_value (AfdMetadataView *self,
                              const char      *key)
{
  const char *value;

  g_return_val_if_fail (AFD_IS_METADATA_VIEW (self), FALSE);
  if (self->report == NULL)
    return FALSE;
  value = af_image_metadata_lookup (af_forensics_report_get_metadata (self->report), key);
  if (value == NULL)
    return FALSE;
  copy_text (self, key, value);
  return TRUE;
}

static GtkWidget *
heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static GtkWidget *
build_content (AfdMetadataView *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->summary = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->summary, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->summary), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Metadata summary"), -1);
  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search keys and values"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search metadata"), -1);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  self->tags = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->tags, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->tags), "boxed-list");
  gtk_list_box_set_filter_func (self->tags, filter_func, self, NULL);
  gtk_list_box_set_header_func (self->tags, header_func, self, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tags), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Metadata tags"), -1);
  gtk_box_append (GTK_BOX (box), heading (_("Summary")));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->summary));
  gtk_box_append (GTK_BOX (box), heading (_("All tags")));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->search));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tags));
  return box;
}

static void
afd_metadata_view_dispose (GObject *object)
{
  AfdMetadataView *self = AFD_METADATA_VIEW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->report);
  g_clear_pointer (&self->needle, g_free);
  G_OBJECT_CLASS (afd_metadata_view_parent_class)->dispose (object);
}

static void
afd_metadata_view_class_init (AfdMetadataViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = afd_metadata_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "metadataview");
}

static void
afd_metadata_view_init (AfdMetadataView *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 860);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  self->message = GTK_LABEL (gtk_label_new (_("Inspecting the picture…")));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_xalign (self->message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->message), "dim-label");
  self->content = build_content (self);
  gtk_widget_set_visible (self->content, FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message));
  gtk_box_append (GTK_BOX (box), self->content);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_widget_set_parent (scroller, GTK_WIDGET (self));
}
