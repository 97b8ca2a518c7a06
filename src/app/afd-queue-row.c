/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue-row"

#include "config.h"

#include <glib/gi18n.h>

#include "af-value.h"
#include "afd-format.h"
#include "afd-queue-row.h"

struct _AfdQueueRow
{
  GObject   parent_instance;

  AfTable   table;
  char     *item_id;      /* (owned) (nullable) */
  char     *title;        /* (owned) */
  char     *subtitle;     /* (owned) */
  char     *badge;        /* (owned) */
  GStrv     badge_classes; /* (owned) */
  char     *accessible;   /* (owned) what a screen reader says for the whole row */
  gboolean  reviewed;     /* an audit someone marked reviewed: it carries a badge saying so */
};

G_DEFINE_FINAL_TYPE (AfdQueueRow, afd_queue_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ITEM_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_BADGE,
  PROP_BADGE_CLASSES,
  PROP_ACCESSIBLE_LABEL,
  PROP_REVIEWED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
afd_queue_row_finalize (GObject *object)
{
  AfdQueueRow *self = AFD_QUEUE_ROW (object);

  g_clear_pointer (&self->item_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->subtitle, g_free);
  g_clear_pointer (&self->badge, g_free);
  g_clear_pointer (&self->badge_classes, g_strfreev);
  g_clear_pointer (&self->accessible, g_free);

  G_OBJECT_CLASS (afd_queue_row_parent_class)->finalize (object);
}

static void
afd_queue_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AfdQueueRow *self = AFD_QUEUE_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM_ID:
      g_value_set_string (value, self->item_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_BADGE:
      g_value_set_string (value, self->badge);
      break;
    case PROP_BADGE_CLASSES:
      g_value_set_boxed (value, self->badge_classes);
      break;
    case PROP_ACCESSIBLE_LABEL:
      g_value_set_string (value, self->accessible);
      break;
    case PROP_REVIEWED:
      g_value_set_boolean (value, self->reviewed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
afd_queue_row_class_init (AfdQueueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = afd_queue_row_finalize;
  object_class->get_property = afd_queue_row_get_property;

  properties[PROP_ITEM_ID] = string_property ("item-id");
  properties[PROP_TITLE] = string_property ("title");
  properties[PROP_SUBTITLE] = string_property ("subtitle");
  properties[PROP_BADGE] = string_property ("badge");
  properties[PROP_BADGE_CLASSES] =
    g_param_spec_boxed ("badge-classes", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCESSIBLE_LABEL] = string_property ("accessible-label");
  properties[PROP_REVIEWED] = g_param_spec_boolean ("reviewed", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
afd_queue_row_init (AfdQueueRow *self)
{
}

static char *
dup_or_absent (const char *text)
{
  return g_strdup (text != NULL && *text != '\0' ? text : AFD_ABSENT);
}

static void
set_badge (AfdQueueRow *self,
           const char  *text,
           const char  *css_class)
{
  const char *classes[] = { "badge", css_class, NULL };

  self->badge = g_strdup (text);
  self->badge_classes = g_strdupv ((char **) classes);
}

static void
fill_audit (AfdQueueRow   *self,
            const AfValue *item)
{
  double score = af_item_get_double (item, "risk_score", -1);
  const char *level = afd_risk_level_normalize (af_item_get_s (item, "risk_level"), score);
  g_autofree char *when = afd_format_iso_date (af_item_get_s (item, "audit_timestamp"));
  g_autofree char *badge = NULL;

  self->title = dup_or_absent (af_item_get_s (item, "applicant_name"));
  self->reviewed = af_item_get_s (item, "reviewed_by") != NULL;
  self->subtitle = g_strdup_printf ("%s · %s",
                                    af_item_get_s (item, "loan_application_id") ?: AFD_ABSENT,
                                    when ?: AFD_ABSENT);
  if (score >= 0)
    badge = g_strdup_printf ("%s %.0f", afd_risk_level_label (level), score);
  else
    badge = g_strdup (afd_risk_level_label (level));
  set_badge (self, badge, afd_level_css_class (level));
}

static void
fill_document (AfdQueueRow   *self,
               const AfValue *item)
{
  const char *status = af_item_get_s (item, "processing_status");

  self->title = dup_or_absent (af_item_get_s (item, "file_name"));
  self->subtitle = g_strdup_printf ("%s · %s",
                                    afd_document_type_label (af_item_get_s (item, "document_type")),
                                    af_item_get_s (item, "loan_application_id") ?: AFD_ABSENT);
  set_badge (self, afd_status_label (status),
             g_strcmp0 (status, "FAILED") == 0 ? "level-critical" : "level-none");
}

static void
fill_analysis (AfdQueueRow   *self,
               const AfValue *item)
{
  const char *verdict = af_item_get_s (item, "verdict");
  const char *status = af_item_get_s (item, "status");
  g_autofree char *when = afd_format_unix_time (af_item_get_n (item, "created_at"), TRUE);

  self->title = dup_or_absent (af_item_get_s (item, "filename"));
  self->subtitle = g_strdup_printf ("%s · %s", afd_status_label (status), when ?: AFD_ABSENT);
  if (verdict != NULL)
    set_badge (self, afd_verdict_label (verdict), afd_verdict_css_class (verdict));
  else
    set_badge (self, afd_status_label (status),
               g_strcmp0 (status, "FAILED") == 0 ? "level-critical" : "level-none");
}

AfdQueueRow *
afd_queue_row_new_for_item (AfTable        table,
                            const AfValue *item)
{
  AfdQueueRow *self = g_object_new (AFD_TYPE_QUEUE_ROW, NULL);

  self->table = table;
  self->item_id = g_strdup (af_item_get_s (item, af_table_key_name (table)));
  if (table == AF_TABLE_AUDITS)
    fill_audit (self, item);
  else if (table == AF_TABLE_DOCUMENTS)
    fill_document (self, item);
  else
    fill_analysis (self, item);
  if (self->reviewed)
    self->accessible = g_strdup_printf ("%s, %s, %s, %s", self->title, self->badge,
                                        _("Reviewed"), self->subtitle);
  else
    self->accessible = g_strdup_printf ("%s, %s, %s", self->title, self->badge, self->subtitle);
  return self;
}

/* A row with no item behind it: nothing to open. */
static AfdQueueRow *
placeholder_new (AfTable     table,
                 const char *title)
{
  AfdQueueRow *self = g_object_new (AFD_TYPE_QUEUE_ROW, NULL);

  self->table = table;
  self->title = g_strdup (title);
  self->subtitle = g_strdup (AFD_ABSENT);
  set_badge (self, AFD_ABSENT, "level-none");
  self->accessible = g_strdup (self->title);
  return self;
}

AfdQueueRow *
afd_queue_row_new_unreadable (AfTable table)
{
  return placeholder_new (table, _("Could not read this item"));
}

AfdQueueRow *
afd_queue_row_new_loading (AfTable table)
{
  return placeholder_new (table, _("Loading…"));
}

static gboolean
strv_equal (GStrv a,
            GStrv b)
{
  return (a == NULL || b == NULL) ? a == b : g_strv_equal ((const char * const *) a,
                                                          (const char * const *) b);
}

/* @field takes a copy of @text; @property is notified if it changed. */
static void
fill_string (AfdQueueRow  *self,
             char        **field,
             const char   *text,
             guint         property)
{
  if (g_strcmp0 (*field, text) == 0)
    return;
  g_free (*field);
  *field = g_strdup (text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[property]);
}

void
afd_queue_row_fill (AfdQueueRow *self,
                    AfdQueueRow *loaded)
{
  g_return_if_fail (AFD_IS_QUEUE_ROW (self));
  g_return_if_fail (AFD_IS_QUEUE_ROW (loaded));
  g_return_if_fail (self->table == loaded->table);

  /* Notified together once all are set: a handler of one sees the others' new texts. */
  g_object_freeze_notify (G_OBJECT (self));
  fill_string (self, &self->item_id, loaded->item_id, PROP_ITEM_ID);
  fill_string (self, &self->title, loaded->title, PROP_TITLE);
  fill_string (self, &self->subtitle, loaded->subtitle, PROP_SUBTITLE);
  fill_string (self, &self->badge, loaded->badge, PROP_BADGE);
  fill_string (self, &self->accessible, loaded->accessible, PROP_ACCESSIBLE_LABEL);
  if (!strv_equal (self->badge_classes, loaded->badge_classes))
    {
      g_strfreev (self->badge_classes);
      self->badge_classes = g_strdupv (loaded->badge_classes);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE_CLASSES]);
    }
  if (self->reviewed != loaded->reviewed)
    {
      self->reviewed = loaded->reviewed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEWED]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

AfTable
afd_queue_row_get_table (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), AF_TABLE_AUDITS);
  return self->table;
}

const char *
afd_queue_row_get_item_id (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), NULL);
  return self->item_id;
}

const char *
afd_queue_row_get_title (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), NULL);
  return self->title;
}

const char *
afd_queue_row_get_subtitle (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), NULL);
  return self->subtitle;
}

gboolean
afd_queue_row_get_reviewed (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), FALSE);
  return self->reviewed;
}

const char *
afd_queue_row_get_badge (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), NULL);
  return self->badge;
}

const char **
afd_queue_row_get_badge_classes (AfdQueueRow *self)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (self), NULL);
  return (const char **) self->badge_classes;
}

gboolean
afd_queue_row_equal (AfdQueueRow *a,
                     AfdQueueRow *b)
{
  g_return_val_if_fail (AFD_IS_QUEUE_ROW (a) && AFD_IS_QUEUE_ROW (b), FALSE);
  return a->table == b->table && a->reviewed == b->reviewed &&
         g_strcmp0 (a->item_id, b->item_id) == 0 && g_strcmp0 (a->title, b->title) == 0 &&
         g_strcmp0 (a->subtitle, b->subtitle) == 0 && g_strcmp0 (a->badge, b->badge) == 0 &&
         g_strcmp0 (a->accessible, b->accessible) == 0 &&
         strv_equal (a->badge_classes, b->badge_classes);
}
