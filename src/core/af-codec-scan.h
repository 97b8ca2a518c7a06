/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-codec-scan.h — sixteen bytes of a JSON string's content tested at once (SSE2, in
 * every x86-64): which of them end a run of plain content, the quote, the backslash
 * and the control characters (the NUL among them). The reader (af-codec.c) and the
 * writer (af-codec-write.c) both scan for them.
 */
#pragma once

#include <glib.h>

#if defined(__SSE2__)
#define AF_CODEC_SCAN_SSE2 1
#include <emmintrin.h>

/* Bit i set when byte i of @bytes ends a run. */
static inline int
af_codec_scan_ends (__m128i bytes)
{
  __m128i controls = _mm_cmpeq_epi8 (_mm_min_epu8 (bytes, _mm_set1_epi8 (0x1f)), bytes);
  __m128i quotes = _mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('"'));
  __m128i backslashes = _mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('\\'));

  return _mm_movemask_epi8 (_mm_or_si128 (_mm_or_si128 (quotes, backslashes), controls));
}
#endif
