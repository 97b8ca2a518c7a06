/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics-private.h — what the files of the forensics module share: the findings
 * drawn from the analyses (af-forensics-findings.c), the report cache
 * (af-forensics-cache.c) and the ELA regions.
 */
#pragma once

#include "af-forensics.h"

G_BEGIN_DECLS

/* The quality the ELA regions (findings) are looked for at. */
#define AF_ELA_REGION_QUALITY 90

/* What af_forensics_inspect measured, for the findings. */
typedef struct
{
  AfImageMetadata *metadata;             /* (unowned) */
  const char      *metadata_problem;     /* (nullable) why exiv2 refused the metadata */
  GPtrArray       *ela_regions;          /* (unowned) (nullable) of AfImageRect */
  GPtrArray       *clones;               /* (unowned) of AfClonePair */
  gboolean         has_thumbnail_check;
  double           thumbnail_similarity;
} AfForensicsEvidence;

/* Returns a GPtrArray of AfFinding, most severe first. */
GPtrArray         *af_forensics_build_findings (const AfForensicsEvidence *evidence);

/* Regions (AfImageRect, g_free) of @image whose error, re-compressed at @quality,
 * stands out; largest first. NULL on cancellation. */
GPtrArray         *af_forensics_ela_regions    (AfImageBuffer             *image,
                                                int                        quality,
                                                GCancellable              *cancellable,
                                                GError                   **error);

/* The cache (thread-safe); @key is "sha256/quality". */
AfForensicsReport *af_forensics_cache_lookup   (const char                *key);
void               af_forensics_cache_insert   (const char                *key,
                                                AfForensicsReport         *report);
AfImageBuffer     *af_forensics_cache_lookup_ela (const char              *key);
void               af_forensics_cache_insert_ela (const char              *key,
                                                  AfImageBuffer           *ela);

G_END_DECLS
