/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * forensics-images.h — pictures the forensics tests and benchmark make themselves,
 * with the truth planted: textures (deterministic from a seed), a region copied
 * elsewhere, a patch pasted, JPEG saves at a chosen quality, metadata written with gexiv2.
 */
#pragma once

#include "af-forensics.h"

G_BEGIN_DECLS

typedef enum
{
  TEXTURE_FRACTAL,     /* multi-octave value noise, colour */
  TEXTURE_BLOBS,       /* overlapping discs of random colours over noise */
  TEXTURE_WOOD,        /* warped rings */
  TEXTURE_FOLIAGE,     /* many small random strokes */
  TEXTURE_CANVAS_SKY,  /* a flat graded sky above, woven canvas below */
  N_TEXTURES
} TextureKind;

AfImageBuffer *forensics_texture        (TextureKind    kind,
                                         int            width,
                                         int            height,
                                         guint32        seed);
/* Copies the @from rectangle of @image onto itself at (@to_x, @to_y). */
void           forensics_copy_region    (AfImageBuffer *image,
                                         const AfImageRect *from,
                                         int            to_x,
                                         int            to_y);
/* Pastes @patch at (@x, @y). */
void           forensics_paste          (AfImageBuffer *image,
                                         AfImageBuffer *patch,
                                         int            x,
                                         int            y);
/* Encodes at @quality and decodes again: one JPEG save. */
AfImageBuffer *forensics_resave         (AfImageBuffer *image,
                                         int            quality);
GBytes        *forensics_jpeg           (AfImageBuffer *image,
                                         int            quality);
/* Box-filtered reduction (for thumbnails). */
AfImageBuffer *forensics_reduce         (AfImageBuffer *image,
                                         int            width,
                                         int            height);

/* Writes @bytes to a new file in a temporary folder; returns its path. */
char          *forensics_write_temp     (GBytes        *bytes,
                                         const char    *name);
/* Removes that folder and its files (at the end of a test program). */
void           forensics_remove_temp    (void);
/* Sets each "key", "value" pair of @tags (NULL-terminated) on the file with gexiv2, and
 * the EXIF thumbnail when @thumbnail is not NULL. */
void           forensics_set_metadata   (const char    *path,
                                         const char * const *tags,
                                         GBytes        *thumbnail);
GBytes        *forensics_read_file      (const char    *path);

double         forensics_iou            (const AfImageRect *a,
                                         const AfImageRect *b);

G_END_DECLS
