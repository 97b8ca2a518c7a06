/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-field"

#include "config.h"

#include <math.h>
#include <string.h>

#include "af-field.h"

struct _AfField
{
  GObject        parent_instance;

  char          *name;             /* (owned) */
  char          *value;            /* (owned) as extracted; "" when absent */
  char          *corrected_value;  /* (owned) (nullable) latest correction */
  char          *corrected_by;     /* (owned) (nullable) */
  char          *corrected_note;   /* (owned) (nullable) the note typed with it */
  double         confidence;       /* NAN when the pipeline gave none */
  int            page;             /* 1-based; 0 when absent */
  AfBbox         bbox;
  gboolean       has_bbox;
  AfBboxProblem  problem;
  gboolean       pii;
  int            low_rank;         /* index in low_confidence_fields, or -1 */
  gboolean       confirmed;
};

G_DEFINE_FINAL_TYPE (AfField, af_field, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_CURRENT_VALUE,
  PROP_CORRECTED_VALUE,
  PROP_CONFIRMED,
  PROP_REVIEWED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
af_field_finalize (GObject *object)
{
  AfField *self = AF_FIELD (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->corrected_value, g_free);
  g_clear_pointer (&self->corrected_by, g_free);
  g_clear_pointer (&self->corrected_note, g_free);

  G_OBJECT_CLASS (af_field_parent_class)->finalize (object);
}

static void
af_field_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AfField *self = AF_FIELD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CURRENT_VALUE:
      g_value_set_string (value, af_field_get_current_value (self));
      break;
    case PROP_CORRECTED_VALUE:
      g_value_set_string (value, self->corrected_value);
      break;
    case PROP_CONFIRMED:
      g_value_set_boolean (value, self->confirmed);
      break;
    case PROP_REVIEWED:
      g_value_set_boolean (value, af_field_is_reviewed (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_field_class_init (AfFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = af_field_finalize;
  object_class->get_property = af_field_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CURRENT_VALUE] = g_param_spec_string ("current-value", NULL, NULL, NULL, flags);
  properties[PROP_CORRECTED_VALUE] =
    g_param_spec_string ("corrected-value", NULL, NULL, NULL, flags);
  properties[PROP_CONFIRMED] = g_param_spec_boolean ("confirmed", NULL, NULL, FALSE, flags);
  properties[PROP_REVIEWED] = g_param_spec_boolean ("reviewed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_field_init (AfField *self)
{
  self->confidence = NAN;
  self->low_rank = -1;
}

/* A number member as a double; FALSE when absent or not a number. Display and
 * geometry only: the stored value keeps its exact decimal text. */
static gboolean
read_number (const AfValue *map,
             const char    *name,
             double        *out)
{
  const char *text = map != NULL ? af_item_get_n (map, name) : NULL;
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && isfinite (*out);
}

static gboolean
read_bbox (const AfValue *data,
           AfBbox        *out)
{
  AfValue *bbox = af_value_map_get (data, "bbox");

  if (bbox == NULL || af_value_get_kind (bbox) != AF_TYPE_M)
    return FALSE;
  return read_number (bbox, "left", &out->left) &&
         read_number (bbox, "top", &out->top) &&
         read_number (bbox, "width", &out->width) &&
         read_number (bbox, "height", &out->height);
}

static void
read_field_data (AfField       *self,
                 const AfValue *data)
{
  double page = 0;

  /* Tolerant reading: a member of the wrong type is treated as absent. */
  self->value = g_strdup (af_item_get_s (data, "value"));
  if (self->value == NULL)
    self->value = g_strdup (af_item_get_n (data, "value"));
  if (self->value == NULL)
    self->value = g_strdup ("");
  if (!read_number (data, "confidence", &self->confidence))
    self->confidence = NAN;
  if (read_number (data, "page", &page) && page == floor (page) && fabs (page) < G_MAXINT)
    self->page = (int) page;
  self->has_bbox = read_bbox (data, &self->bbox);
  self->pii = af_item_get_bool (data, "pii", FALSE);
}

AfField *
af_field_new_from_value (const char    *name,
                         const AfValue *data,
                         int            low_confidence_rank,
                         int            page_count)
{
  AfField *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (AF_TYPE_FIELD, NULL);
  self->name = g_strdup (name);
  self->low_rank = low_confidence_rank;
  if (data != NULL && af_value_get_kind (data) == AF_TYPE_M)
    read_field_data (self, data);
  else
    self->value = g_strdup ("");
  af_field_set_page_count (self, page_count);

  return self;
}

void
af_field_set_page_count (AfField *self,
                         int      page_count)
{
  g_return_if_fail (AF_IS_FIELD (self));

  self->problem = af_bbox_validate (self->has_bbox ? &self->bbox : NULL,
                                    self->page, page_count);
}

const char *
af_field_get_name (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->name;
}

const char *
af_field_get_value (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->value;
}

const char *
af_field_get_corrected_value (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->corrected_value;
}

const char *
af_field_get_corrected_by (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->corrected_by;
}

const char *
af_field_get_corrected_note (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->corrected_note;
}

const char *
af_field_get_current_value (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->corrected_value != NULL ? self->corrected_value : self->value;
}

static gboolean
is_date_of_birth (const char *name)
{
  return strstr (name, "birth") != NULL || strstr (name, "dob") != NULL;
}

char *
af_field_dup_masked_value (AfField *self)
{
  const char *text = af_field_get_current_value (self);
  g_autofree char *masked = g_strdup (text);
  guint n_alnum = 0;
  guint keep;

  if (!self->pii)
    return g_steal_pointer (&masked);

  for (const char *p = text; *p != '\0'; p++)
    n_alnum += g_ascii_isalnum (*p) ? 1 : 0;

  /* The last four characters identify an SSN or an account to its owner without
   * exposing it; a date of birth has no such harmless part. */
  keep = (n_alnum >= 8 && !is_date_of_birth (self->name)) ? 4 : 0;
  for (char *p = masked; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        continue;
      if (n_alnum-- > keep)
        *p = '*';
    }
  return g_steal_pointer (&masked);
}

double
af_field_get_confidence (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NAN);
  return self->confidence;
}

gboolean
af_field_has_confidence (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), FALSE);
  return !isnan (self->confidence);
}

int
af_field_get_page (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), 0);
  return self->page;
}

const AfBbox *
af_field_get_bbox (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), NULL);
  return self->has_bbox ? &self->bbox : NULL;
}

AfBboxProblem
af_field_get_problem (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), AF_BBOX_MISSING);
  return self->problem;
}

gboolean
af_field_is_drawable (AfField *self)
{
  return af_field_get_problem (self) == AF_BBOX_OK;
}

gboolean
af_field_is_pii (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), FALSE);
  return self->pii;
}

gboolean
af_field_is_low_confidence (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), FALSE);

  /* A field without a confidence cannot be trusted either. */
  return self->low_rank >= 0 ||
         isnan (self->confidence) ||
         self->confidence < AF_LOW_CONFIDENCE_THRESHOLD;
}

int
af_field_get_low_confidence_rank (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), -1);
  return self->low_rank;
}

gboolean
af_field_is_reviewed (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), FALSE);
  return self->confirmed || self->corrected_value != NULL;
}

gboolean
af_field_get_confirmed (AfField *self)
{
  g_return_val_if_fail (AF_IS_FIELD (self), FALSE);
  return self->confirmed;
}

void
af_field_set_confirmed (AfField  *self,
                        gboolean  confirmed)
{
  g_return_if_fail (AF_IS_FIELD (self));

  confirmed = !!confirmed;
  if (self->confirmed == confirmed)
    return;
  self->confirmed = confirmed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIRMED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEWED]);
}

void
af_field_set_correction (AfField    *self,
                         const char *value,
                         const char *by,
                         const char *note)
{
  g_return_if_fail (AF_IS_FIELD (self));

  g_free (self->corrected_value);
  self->corrected_value = g_strdup (value);
  g_free (self->corrected_by);
  self->corrected_by = g_strdup (by);
  g_free (self->corrected_note);
  self->corrected_note = g_strdup (note);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CORRECTED_VALUE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_VALUE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEWED]);
}

