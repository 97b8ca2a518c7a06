/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-finding"

#include "config.h"

#include "af-finding.h"

struct _AfFinding
{
  GObject            parent_instance;

  AfFindingKind      kind;
  AfFindingSeverity  severity;
  char              *message;      /* (owned) */
  gboolean           has_region;
  gboolean           has_pair;
  AfImageRect        region;
  AfImageRect        source;
  AfImageRect        target;
};

G_DEFINE_FINAL_TYPE (AfFinding, af_finding, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  [AF_FINDING_KIND_EDITING_SOFTWARE] = "editing_software",
  [AF_FINDING_KIND_AI_GENERATED] = "ai_generated",
  [AF_FINDING_KIND_DATE_MISMATCH] = "date_mismatch",
  [AF_FINDING_KIND_THUMBNAIL_MISMATCH] = "thumbnail_mismatch",
  [AF_FINDING_KIND_COPY_MOVE] = "copy_move",
  [AF_FINDING_KIND_ELA_REGION] = "ela_region",
  [AF_FINDING_KIND_NO_METADATA] = "no_metadata",
};

static const char * const severity_names[] = {
  [AF_FINDING_SEVERITY_INFO] = "info",
  [AF_FINDING_SEVERITY_CHECK] = "check",
  [AF_FINDING_SEVERITY_WARNING] = "warning",
};

static void
af_finding_finalize (GObject *object)
{
  AfFinding *self = AF_FINDING (object);

  g_free (self->message);
  G_OBJECT_CLASS (af_finding_parent_class)->finalize (object);
}

static void
af_finding_class_init (AfFindingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_finding_finalize;
}

static void
af_finding_init (AfFinding *self)
{
}

AfFinding *
af_finding_new (AfFindingKind      kind,
                AfFindingSeverity  severity,
                const char        *message,
                const AfImageRect *region,
                const AfImageRect *source,
                const AfImageRect *target)
{
  AfFinding *self = g_object_new (AF_TYPE_FINDING, NULL);

  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), self);
  self->kind = kind;
  self->severity = severity;
  self->message = g_strdup (message != NULL ? message : "");
  if (source != NULL && target != NULL)
    {
      self->has_pair = TRUE;
      self->source = *source;
      self->target = *target;
      if (region == NULL)
        region = target;
    }
  if (region != NULL)
    {
      self->has_region = TRUE;
      self->region = *region;
    }
  return self;
}

AfFindingKind
af_finding_get_kind (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), AF_FINDING_KIND_NO_METADATA);
  return self->kind;
}

AfFindingSeverity
af_finding_get_severity (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), AF_FINDING_SEVERITY_INFO);
  return self->severity;
}

const char *
af_finding_get_message (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), NULL);
  return self->message;
}

const AfImageRect *
af_finding_get_region (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), NULL);
  return self->has_region ? &self->region : NULL;
}

const AfImageRect *
af_finding_get_source (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), NULL);
  return self->has_pair ? &self->source : NULL;
}

const AfImageRect *
af_finding_get_target (AfFinding *self)
{
  g_return_val_if_fail (AF_IS_FINDING (self), NULL);
  return self->has_pair ? &self->target : NULL;
}

const char *
af_finding_kind_to_string (AfFindingKind kind)
{
  if ((guint) kind >= G_N_ELEMENTS (kind_names))
    return "unknown";
  return kind_names[kind];
}

const char *
af_finding_severity_to_string (AfFindingSeverity severity)
{
  if ((guint) severity >= G_N_ELEMENTS (severity_names))
    return "info";
  return severity_names[severity];
}
