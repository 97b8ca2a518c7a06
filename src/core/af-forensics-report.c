/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-forensics-report"

#include "config.h"

#include "af-forensics-report.h"

struct _AfForensicsReport
{
  GObject          parent_instance;

  char            *format;        /* (owned) */
  int              width;
  int              height;
  char            *sha256;        /* (owned) */
  int              jpeg_quality;
  AfImageMetadata *metadata;      /* (owned) */
  int              ela_quality;
  AfImageBuffer   *ela;           /* (owned) */
  GListStore      *findings;      /* (owned) of AfFinding */
};

G_DEFINE_FINAL_TYPE (AfForensicsReport, af_forensics_report, G_TYPE_OBJECT)

static void
af_forensics_report_finalize (GObject *object)
{
  AfForensicsReport *self = AF_FORENSICS_REPORT (object);

  g_free (self->format);
  g_free (self->sha256);
  g_clear_object (&self->metadata);
  g_clear_pointer (&self->ela, af_image_buffer_unref);
  g_clear_object (&self->findings);
  G_OBJECT_CLASS (af_forensics_report_parent_class)->finalize (object);
}

static void
af_forensics_report_class_init (AfForensicsReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_forensics_report_finalize;
}

static void
af_forensics_report_init (AfForensicsReport *self)
{
  self->findings = g_list_store_new (AF_TYPE_FINDING);
}

AfForensicsReport *
af_forensics_report_new (const char      *format,
                         int              width,
                         int              height,
                         const char      *sha256,
                         int              jpeg_quality,
                         AfImageMetadata *metadata,
                         int              ela_quality,
                         AfImageBuffer   *ela,
                         GPtrArray       *findings)
{
  AfForensicsReport *self = g_object_new (AF_TYPE_FORENSICS_REPORT, NULL);

  self->format = g_strdup (format);
  self->width = width;
  self->height = height;
  self->sha256 = g_strdup (sha256);
  self->jpeg_quality = jpeg_quality;
  self->metadata = g_object_ref (metadata);
  self->ela_quality = ela_quality;
  self->ela = af_image_buffer_ref (ela);
  if (findings != NULL)
    g_list_store_splice (self->findings, 0, 0, findings->pdata, findings->len);
  return self;
}

const char *
af_forensics_report_get_format (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), NULL);
  return self->format;
}

int
af_forensics_report_get_width (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), 0);
  return self->width;
}

int
af_forensics_report_get_height (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), 0);
  return self->height;
}

const char *
af_forensics_report_get_sha256 (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), NULL);
  return self->sha256;
}

int
af_forensics_report_get_jpeg_quality (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), -1);
  return self->jpeg_quality;
}

AfImageMetadata *
af_forensics_report_get_metadata (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), NULL);
  return self->metadata;
}

int
af_forensics_report_get_ela_quality (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), 0);
  return self->ela_quality;
}

AfImageBuffer *
af_forensics_report_get_ela (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), NULL);
  return self->ela;
}

GListModel *
af_forensics_report_get_findings (AfForensicsReport *self)
{
  g_return_val_if_fail (AF_IS_FORENSICS_REPORT (self), NULL);
  return G_LIST_MODEL (self->findings);
}
