/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * af-forensics-cache.c — reports and ELA images kept in memory, keyed by the file's
 * SHA-256 and the ELA quality, most recently used first, within
 * AF_FORENSICS_CACHE_BYTES of pixels. Shared by every thread, behind one lock.
 */
#define G_LOG_DOMAIN "af-forensics-cache"

#include "config.h"

#include "af-forensics-private.h"

typedef struct
{
  char              *key;      /* (owned) "sha256/quality", or "ela:sha256/quality" */
  AfForensicsReport *report;   /* (owned) (nullable) */
  AfImageBuffer     *ela;      /* (owned) (nullable) when the entry is an ELA alone */
  gsize              bytes;
} CacheEntry;

static GMutex cache_lock;
static GQueue cache_entries = G_QUEUE_INIT;   /* of CacheEntry, most recent first */
static gsize cache_bytes;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_clear_object (&entry->report);
  g_clear_pointer (&entry->ela, af_image_buffer_unref);
  g_free (entry);
}

static gsize
buffer_bytes (AfImageBuffer *buffer)
{
  return af_image_buffer_get_stride (buffer) * (gsize) af_image_buffer_get_height (buffer);
}

/* Under the lock: the entry of @key moved to the front, or NULL. */
static CacheEntry *
find_locked (const char *key)
{
  for (GList *l = cache_entries.head; l != NULL; l = l->next)
    {
      CacheEntry *entry = l->data;

      if (g_str_equal (entry->key, key))
        {
          g_queue_unlink (&cache_entries, l);
          g_queue_push_head_link (&cache_entries, l);
          return entry;
        }
    }
  return NULL;
}

/* Under the lock: the oldest entries go until the budget holds, but never the newest. */
static void
trim_locked (void)
{
  while (cache_bytes > AF_FORENSICS_CACHE_BYTES && cache_entries.length > 1)
    {
      CacheEntry *oldest = g_queue_pop_tail (&cache_entries);

      cache_bytes -= oldest->bytes;
      cache_entry_free (oldest);
    }
}

static void
insert (const char        *key,
        AfForensicsReport *report,
        AfImageBuffer     *ela)
{
  CacheEntry *entry = g_new0 (CacheEntry, 1);

  entry->key = g_strdup (key);
  entry->report = report != NULL ? g_object_ref (report) : NULL;
  entry->ela = af_image_buffer_ref (ela);
  entry->bytes = buffer_bytes (ela);
  g_mutex_lock (&cache_lock);
  if (find_locked (key) == NULL)
    {
      g_queue_push_head (&cache_entries, entry);
      cache_bytes += entry->bytes;
      entry = NULL;
      trim_locked ();
    }
  g_mutex_unlock (&cache_lock);
  /* Another thread cached the same key first: keep theirs. */
  if (entry != NULL)
    cache_entry_free (entry);
}

AfForensicsReport *
af_forensics_cache_lookup (const char *key)
{
  CacheEntry *entry;
  AfForensicsReport *report = NULL;

  g_mutex_lock (&cache_lock);
  entry = find_locked (key);
  if (entry != NULL && entry->report != NULL)
    report = g_object_ref (entry->report);
  g_mutex_unlock (&cache_lock);
  return report;
}

void
af_forensics_cache_insert (const char        *key,
                           AfForensicsReport *report)
{
  insert (key, report, af_forensics_report_get_ela (report));
}

/* An ELA alone, or the one inside a report of the same key. */
AfImageBuffer *
af_forensics_cache_lookup_ela (const char *key)
{
  CacheEntry *entry;
  AfImageBuffer *ela = NULL;

  g_mutex_lock (&cache_lock);
  entry = find_locked (key);
  if (entry != NULL)
    ela = af_image_buffer_ref (entry->ela);
  g_mutex_unlock (&cache_lock);
  return ela;
}

void
af_forensics_cache_insert_ela (const char    *key,
                               AfImageBuffer *ela)
{
  insert (key, NULL, ela);
}

void
af_forensics_cache_clear (void)
{
  g_mutex_lock (&cache_lock);
  g_queue_clear_full (&cache_entries, (GDestroyNotify) cache_entry_free);
  cache_bytes = 0;
  g_mutex_unlock (&cache_lock);
}
