/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-field-list"

#include "config.h"

#include <math.h>

#include "af-field-list.h"

struct _AfFieldList
{
  GObject     parent_instance;

  GPtrArray  *fields;           /* (owned) (element-type AfField) in review order */
  char       *document_id;      /* (owned) (nullable) */
  char       *document_type;    /* (owned) (nullable) */
  char       *status;           /* (owned) (nullable) */
  char       *file_name;        /* (owned) (nullable) */
  double      classification;   /* NAN when absent */
  gboolean    manual_review;
  int         page_count;
  guint       n_low;
  int         selected;
};

static void af_field_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AfFieldList, af_field_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      af_field_list_model_init))

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_REVIEWED,
  PROP_PAGE_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
af_field_list_get_item_type (GListModel *model)
{
  return AF_TYPE_FIELD;
}

static guint
af_field_list_get_n_items (GListModel *model)
{
  return AF_FIELD_LIST (model)->fields->len;
}

static gpointer
af_field_list_get_item (GListModel *model,
                        guint       position)
{
  AfFieldList *self = AF_FIELD_LIST (model);

  if (position >= self->fields->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->fields, position));
}

static void
af_field_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = af_field_list_get_item_type;
  iface->get_n_items = af_field_list_get_n_items;
  iface->get_item = af_field_list_get_item;
}

static void
af_field_list_finalize (GObject *object)
{
  AfFieldList *self = AF_FIELD_LIST (object);

  for (guint i = 0; i < self->fields->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->fields, i), self);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->document_id, g_free);
  g_clear_pointer (&self->document_type, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->file_name, g_free);

  G_OBJECT_CLASS (af_field_list_parent_class)->finalize (object);
}

static void
af_field_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AfFieldList *self = AF_FIELD_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;
    case PROP_REVIEWED:
      g_value_set_boolean (value, af_field_list_is_reviewed (self));
      break;
    case PROP_PAGE_COUNT:
      g_value_set_int (value, self->page_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_field_list_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AfFieldList *self = AF_FIELD_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      af_field_list_set_selected (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
af_field_list_class_init (AfFieldListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = af_field_list_finalize;
  object_class->get_property = af_field_list_get_property;
  object_class->set_property = af_field_list_set_property;

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REVIEWED] =
    g_param_spec_boolean ("reviewed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PAGE_COUNT] =
    g_param_spec_int ("page-count", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
af_field_list_init (AfFieldList *self)
{
  self->fields = g_ptr_array_new_with_free_func (g_object_unref);
  self->classification = NAN;
  self->selected = -1;
}

static double
confidence_or_zero (AfField *field)
{
  return af_field_has_confidence (field) ? af_field_get_confidence (field) : 0;
}

/* Reading order: page, then top, then left; fields with no usable box go last. */
static int
compare_position (AfField *a,
                  AfField *b)
{
  const AfBbox *ba = af_field_get_bbox (a);
  const AfBbox *bb = af_field_get_bbox (b);

  if (af_field_get_page (a) != af_field_get_page (b))
    return af_field_get_page (a) < af_field_get_page (b) ? -1 : 1;
  if ((ba == NULL) != (bb == NULL))
    return ba == NULL ? 1 : -1;
  if (ba != NULL && ba->top != bb->top)
    return ba->top < bb->top ? -1 : 1;
  if (ba != NULL && ba->left != bb->left)
    return ba->left < bb->left ? -1 : 1;
  return 0;
}

static int
compare_low (AfField *a,
             AfField *b)
{
  int ra = af_field_get_low_confidence_rank (a);
  int rb = af_field_get_low_confidence_rank (b);
  double ca, cb;

  /* The pipeline's list first, in its own order. */
  if ((ra >= 0) != (rb >= 0))
    return ra >= 0 ? -1 : 1;
  if (ra != rb)
    return ra < rb ? -1 : 1;
  ca = confidence_or_zero (a);
  cb = confidence_or_zero (b);
  if (ca != cb)
    return ca < cb ? -1 : 1;
  return 0;
}

static int
compare_fields (gconstpointer pa,
                gconstpointer pb)
{
  AfField *a = *(AfField **) pa;
  AfField *b = *(AfField **) pb;
  gboolean la = af_field_is_low_confidence (a);
  gboolean lb = af_field_is_low_confidence (b);
  int cmp;

  if (la != lb)
    return la ? -1 : 1;
  cmp = la ? compare_low (a, b) : 0;
  if (cmp == 0)
    cmp = compare_position (a, b);
  if (cmp == 0)
    cmp = g_strcmp0 (af_field_get_name (a), af_field_get_name (b));
  return cmp;
}

static int
low_confidence_rank (const AfValue *item,
                     const char    *name)
{
  AfValue *list = af_value_map_get (item, "low_confidence_fields");
  guint n;

  if (list == NULL)
    return -1;
  if (af_value_get_kind (list) != AF_TYPE_L && af_value_get_kind (list) != AF_TYPE_SS)
    return -1;
  n = af_value_list_length (list);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (af_value_get_string (af_value_list_nth (list, i)), name) == 0)
      return (int) i;
  return -1;
}

static void
on_field_reviewed (AfField     *field,
                   GParamSpec  *pspec,
                   AfFieldList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVIEWED]);
}

static void
read_fields (AfFieldList   *self,
             const AfValue *item)
{
  AfValue *data = af_value_map_get (item, "extracted_data");
  guint n = (data != NULL && af_value_get_kind (data) == AF_TYPE_M) ? af_value_map_size (data) : 0;

  for (guint i = 0; i < n; i++)
    {
      const char *name = af_value_map_name_at (data, i);
      AfField *field = af_field_new_from_value (name, af_value_map_value_at (data, i),
                                                low_confidence_rank (item, name),
                                                self->page_count);

      g_signal_connect (field, "notify::reviewed", G_CALLBACK (on_field_reviewed), self);
      g_ptr_array_add (self->fields, field);
      self->n_low += af_field_is_low_confidence (field) ? 1 : 0;
    }
  g_ptr_array_sort (self->fields, compare_fields);
}

static void
read_facts (AfFieldList   *self,
            const AfValue *item)
{
  double pages = af_item_get_double (item, "page_count", 0);

  self->document_id = g_strdup (af_item_get_s (item, "document_id"));
  self->document_type = g_strdup (af_item_get_s (item, "document_type"));
  self->status = g_strdup (af_item_get_s (item, "processing_status"));
  self->file_name = g_strdup (af_item_get_s (item, "file_name"));
  self->classification = af_item_get_double (item, "classification_confidence", NAN);
  self->manual_review = af_item_get_bool (item, "requires_manual_review", FALSE);
  self->page_count = (pages >= 1 && pages < 100000) ? (int) pages : 0;
}

AfFieldList *
af_field_list_new_from_item (const AfValue *item)
{
  AfFieldList *self = g_object_new (AF_TYPE_FIELD_LIST, NULL);

  if (item == NULL || af_value_get_kind (item) != AF_TYPE_M)
    return self;
  read_facts (self, item);
  read_fields (self, item);
  af_field_list_apply_corrections (self, item);
  return self;
}

void
af_field_list_apply_corrections (AfFieldList   *self,
                                 const AfValue *item)
{
  AfValue *corrections;
  guint n;

  g_return_if_fail (AF_IS_FIELD_LIST (self));

  corrections = item != NULL ? af_value_map_get (item, "corrections") : NULL;
  if (corrections == NULL || af_value_get_kind (corrections) != AF_TYPE_L)
    return;

  /* The list is appended to, so the last entry for a field is the one that counts. */
  n = af_value_list_length (corrections);
  for (guint i = 0; i < n; i++)
    {
      AfValue *entry = af_value_list_nth (corrections, i);
      const char *value;
      AfField *field;

      if (af_value_get_kind (entry) != AF_TYPE_M)
        continue;
      field = af_field_list_lookup (self, af_item_get_s (entry, "field"), NULL);
      value = af_item_get_s (entry, "corrected_value");
      if (field == NULL || value == NULL)
        continue;
      /* The extracted value given back unchanged is a confirmation (confirm_field). */
      if (g_strcmp0 (value, af_field_get_value (field)) == 0)
        {
          af_field_set_correction (field, NULL, NULL, NULL);
          af_field_set_confirmed (field, TRUE);
          continue;
        }
      af_field_set_correction (field, value, af_item_get_s (entry, "corrected_by"),
                               af_item_get_s (entry, "note"));
    }
}

const char *
af_field_list_get_document_id (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);
  return self->document_id;
}

const char *
af_field_list_get_document_type (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);
  return self->document_type;
}

const char *
af_field_list_get_processing_status (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);
  return self->status;
}

const char *
af_field_list_get_file_name (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);
  return self->file_name;
}

double
af_field_list_get_classification_confidence (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NAN);
  return self->classification;
}

gboolean
af_field_list_get_requires_manual_review (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), FALSE);
  return self->manual_review;
}

int
af_field_list_get_page_count (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), 0);
  return self->page_count;
}

void
af_field_list_set_page_count (AfFieldList *self,
                              int          page_count)
{
  g_return_if_fail (AF_IS_FIELD_LIST (self));

  self->page_count = MAX (page_count, 0);
  for (guint i = 0; i < self->fields->len; i++)
    af_field_set_page_count (g_ptr_array_index (self->fields, i), self->page_count);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_COUNT]);
}

AfField *
af_field_list_get_field (AfFieldList *self,
                         guint        position)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);
  return position < self->fields->len ? g_ptr_array_index (self->fields, position) : NULL;
}

void
af_field_list_disconnect_by_data (AfFieldList *self,
                                  gpointer     data)
{
  g_return_if_fail (AF_IS_FIELD_LIST (self));

  for (guint i = 0; i < self->fields->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->fields, i), data);
  g_signal_handlers_disconnect_by_data (self, data);
}

AfField *
af_field_list_lookup (AfFieldList *self,
                      const char  *name,
                      guint       *out_position)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);

  for (guint i = 0; name != NULL && i < self->fields->len; i++)
    {
      AfField *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (af_field_get_name (field), name) != 0)
        continue;
      if (out_position != NULL)
        *out_position = i;
      return field;
    }
  return NULL;
}

guint
af_field_list_get_n_low_confidence (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), 0);
  return self->n_low;
}

guint
af_field_list_get_n_problems (AfFieldList *self)
{
  guint n = 0;

  g_return_val_if_fail (AF_IS_FIELD_LIST (self), 0);

  for (guint i = 0; i < self->fields->len; i++)
    n += af_field_is_drawable (g_ptr_array_index (self->fields, i)) ? 0 : 1;
  return n;
}

int
af_field_list_step_low_confidence (AfFieldList *self,
                                   int          position,
                                   gboolean     forward)
{
  int n;

  g_return_val_if_fail (AF_IS_FIELD_LIST (self), -1);

  /* Low-confidence fields are the first n_low of the list, in review order. */
  n = (int) self->n_low;
  if (n == 0)
    return -1;
  if (position < 0 || position >= n)
    return forward ? 0 : n - 1;
  return forward ? (position + 1) % n : (position + n - 1) % n;
}

/* The extracted fields that feed each golden-record field, across document types
 * (W-2, driver's licence, bank statement, 1040), in order of preference. */
static const struct
{
  const char *golden;
  const char *fields[5];
} golden_sources[] = {
  { "name", { "employee_name", "full_name", "account_holder", "taxpayer_name" } },
  { "ssn", { "employee_ssn", "ssn" } },
  { "date_of_birth", { "date_of_birth" } },
  { "address", { "employee_address", "address" } },
  { "employer", { "employer_name" } },
  { "annual_income", { "wages", "total_income", "total_deposits" } },
  { "bank_account_number", { "account_number" } },
};

/* Rank of @name among the sources of @golden: 0 best; G_MAXINT when it is none. */
static int
source_rank (const char *golden,
             const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (golden_sources); i++)
    {
      if (g_strcmp0 (golden_sources[i].golden, golden) != 0)
        continue;
      for (int k = 0; k < 5 && golden_sources[i].fields[k] != NULL; k++)
        if (g_strcmp0 (golden_sources[i].fields[k], name) == 0)
          return k;
    }
  /* A golden field spelt like the extracted one (a schema we do not know yet). */
  return g_strcmp0 (golden, name) == 0 ? 100 : G_MAXINT;
}

int
af_field_list_find_source (AfFieldList *self,
                           const char  *golden_field,
                           const char  *value)
{
  int best = -1, best_score = G_MAXINT;

  g_return_val_if_fail (AF_IS_FIELD_LIST (self), -1);

  for (guint i = 0; golden_field != NULL && i < self->fields->len; i++)
    {
      AfField *field = g_ptr_array_index (self->fields, i);
      int rank = source_rank (golden_field, af_field_get_name (field));
      gboolean same_value = value != NULL && g_strcmp0 (af_field_get_value (field), value) == 0;
      /* The recorded value decides; the naming breaks ties and stands in without it. */
      int score = same_value ? (rank == G_MAXINT ? 1000 : rank) : (rank == G_MAXINT ? G_MAXINT : 10000 + rank);

      if (score < best_score)
        {
          best_score = score;
          best = (int) i;
        }
    }
  return best;
}

gboolean
af_field_list_is_reviewed (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), FALSE);

  for (guint i = 0; i < self->n_low; i++)
    if (!af_field_is_reviewed (g_ptr_array_index (self->fields, i)))
      return FALSE;
  return TRUE;
}

gboolean
af_field_list_needs_manual_review (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), FALSE);

  /* With no low-confidence field to settle, the pipeline's flag stands. */
  return self->manual_review && (self->n_low == 0 || !af_field_list_is_reviewed (self));
}

gboolean
af_field_list_item_needs_manual_review (const AfValue *item)
{
  g_autoptr(AfFieldList) list = NULL;

  if (!af_item_get_bool (item, "requires_manual_review", FALSE))
    return FALSE;
  list = af_field_list_new_from_item (item);
  return af_field_list_needs_manual_review (list);
}

GStrv
af_field_list_dup_confirmed (AfFieldList *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (AF_IS_FIELD_LIST (self), NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      AfField *field = g_ptr_array_index (self->fields, i);

      if (af_field_get_confirmed (field))
        g_strv_builder_add (builder, af_field_get_name (field));
    }
  return g_strv_builder_end (builder);
}

void
af_field_list_set_confirmed_names (AfFieldList        *self,
                                   const char * const *names)
{
  g_return_if_fail (AF_IS_FIELD_LIST (self));

  for (guint i = 0; i < self->fields->len; i++)
    {
      AfField *field = g_ptr_array_index (self->fields, i);

      if (names != NULL && g_strv_contains (names, af_field_get_name (field)))
        af_field_set_confirmed (field, TRUE);
    }
}

int
af_field_list_get_selected (AfFieldList *self)
{
  g_return_val_if_fail (AF_IS_FIELD_LIST (self), -1);
  return self->selected;
}

void
af_field_list_set_selected (AfFieldList *self,
                            int          position)
{
  g_return_if_fail (AF_IS_FIELD_LIST (self));

  if (position < -1 || position >= (int) self->fields->len)
    position = -1;
  if (self->selected == position)
    return;
  self->selected = position;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}
