/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-queue"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "afd-queue.h"

typedef struct
{
  const char *id;
  const char *title;
  const char *icon_name;
  const char *empty_title;
} QueueInfo;

static const QueueInfo queues[AFD_N_QUEUES] = {
  [AFD_QUEUE_HIGH_RISK] = { "high-risk", N_("High Risk"), "dialog-warning-symbolic",
                            N_("No High-Risk Audits") },
  [AFD_QUEUE_ALL_LOANS] = { "all-loans", N_("All Loans"), "view-list-symbolic",
                            N_("No Audits") },
  [AFD_QUEUE_IN_PROGRESS] = { "in-progress", N_("In Progress"), "content-loading-symbolic",
                              N_("No Audits in Progress") },
  [AFD_QUEUE_FAILED] = { "failed", N_("Failed"), "dialog-error-symbolic",
                         N_("No Failed Audits or Documents") },
  [AFD_QUEUE_PENDING_DOCUMENTS] = { "pending-documents", N_("Pending Documents"),
                                    "document-open-recent-symbolic",
                                    N_("No Pending Documents") },
  [AFD_QUEUE_REVIEWED] = { "reviewed", N_("Reviewed"), "object-select-symbolic",
                           N_("No Reviewed Audits") },
  [AFD_QUEUE_ARTWORKS] = { "artworks", N_("All Artworks"), "image-x-generic-symbolic",
                           N_("No Artworks") },
  [AFD_QUEUE_ARTWORKS_FORGED] = { "artworks-forged", N_("Likely Forged"),
                                  "security-low-symbolic", N_("No Likely Forged Artworks") },
  [AFD_QUEUE_ARTWORKS_SUSPICIOUS] = { "artworks-suspicious", N_("Suspicious"),
                                      "security-medium-symbolic",
                                      N_("No Suspicious Artworks") },
  [AFD_QUEUE_ARTWORKS_AUTHENTIC] = { "artworks-authentic", N_("Authentic"),
                                     "security-high-symbolic", N_("No Authentic Artworks") },
};

const char *
afd_queue_get_id (AfdQueue queue)
{
  g_return_val_if_fail (queue < AFD_N_QUEUES, NULL);
  return queues[queue].id;
}

gboolean
afd_queue_from_id (const char *id,
                   AfdQueue   *out_queue)
{
  for (guint i = 0; id != NULL && i < AFD_N_QUEUES; i++)
    {
      if (g_strcmp0 (id, queues[i].id) == 0)
        {
          *out_queue = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
afd_queue_get_title (AfdQueue queue)
{
  g_return_val_if_fail (queue < AFD_N_QUEUES, NULL);
  return _(queues[queue].title);
}

const char *
afd_queue_get_icon_name (AfdQueue queue)
{
  g_return_val_if_fail (queue < AFD_N_QUEUES, NULL);
  return queues[queue].icon_name;
}

const char *
afd_queue_get_empty_title (AfdQueue queue)
{
  g_return_val_if_fail (queue < AFD_N_QUEUES, NULL);
  return _(queues[queue].empty_title);
}

gboolean
afd_queue_is_artworks (AfdQueue queue)
{
  return queue >= AFD_QUEUE_ARTWORKS;
}

static const char *
artwork_verdict (AfdQueue queue)
{
  switch (queue)
    {
    case AFD_QUEUE_ARTWORKS_FORGED:
      return "LIKELY_FORGED";
    case AFD_QUEUE_ARTWORKS_SUSPICIOUS:
      return "SUSPICIOUS";
    case AFD_QUEUE_ARTWORKS_AUTHENTIC:
      return "AUTHENTIC";
    default:
      return NULL;
    }
}

void
afd_queue_build_query (AfdQueue    queue,
                       double      risk_threshold,
                       const char *search,
                       AfQuery    *query)
{
  *query = (AfQuery) { .table = AF_TABLE_AUDITS, .search = search };

  switch (queue)
    {
    case AFD_QUEUE_HIGH_RISK:
      /* The seeds' high-risk pattern: completed audits above the threshold, the
       * riskiest first. Reviewed ones stay, so a reviewer can come back to them. */
      query->status = "COMPLETED";
      query->has_min_risk = TRUE;
      query->min_risk = risk_threshold;
      query->order_by_risk = TRUE;
      break;
    case AFD_QUEUE_ALL_LOANS:
      /* Every audit, newest first: a low-risk loan is reachable too. */
      break;
    case AFD_QUEUE_IN_PROGRESS:
      query->status = "IN_PROGRESS";
      break;
    case AFD_QUEUE_FAILED:
      query->status = "FAILED";
      break;
    case AFD_QUEUE_PENDING_DOCUMENTS:
      query->table = AF_TABLE_DOCUMENTS;
      query->status = "PENDING";
      break;
    case AFD_QUEUE_REVIEWED:
      query->reviewed = AF_REVIEWED_YES;
      break;
    case AFD_QUEUE_ARTWORKS:
    case AFD_QUEUE_ARTWORKS_FORGED:
    case AFD_QUEUE_ARTWORKS_SUSPICIOUS:
    case AFD_QUEUE_ARTWORKS_AUTHENTIC:
      query->table = AF_TABLE_ANALYSES;
      query->verdict = artwork_verdict (queue);
      break;
    case AFD_N_QUEUES:
    default:
      g_assert_not_reached ();
    }
}

gboolean
afd_queue_build_more_query (AfdQueue    queue,
                            const char *search,
                            AfQuery    *query)
{
  /* A document whose processing failed never makes an audit: without this the loan's
   * Failed queue said "No Failed Audits" while one of its documents had failed. */
  if (queue != AFD_QUEUE_FAILED)
    return FALSE;
  *query = (AfQuery) { .table = AF_TABLE_DOCUMENTS, .status = "FAILED", .search = search };
  return TRUE;
}

typedef struct
{
  double threshold;
} CountArgs;

static gint64
count_query (AfStore       *store,
             AfdQueue       queue,
             const AfQuery *query)
{
  g_autoptr(GError) error = NULL;
  gint64 n = af_store_count (store, query, &error);

  if (n < 0)
    g_warning ("Could not count %s: %s", afd_queue_get_id (queue), error->message);
  return n;
}

void
afd_queue_count_all (AfStore *store,
                     double   risk_threshold,
                     gint64   counts[AFD_N_QUEUES])
{
  for (AfdQueue queue = 0; queue < AFD_N_QUEUES; queue++)
    {
      AfQuery query;
      gint64 more;

      afd_queue_build_query (queue, risk_threshold, NULL, &query);
      counts[queue] = count_query (store, queue, &query);
      if (counts[queue] < 0 || !afd_queue_build_more_query (queue, NULL, &query))
        continue;
      more = count_query (store, queue, &query);
      counts[queue] = more < 0 ? -1 : counts[queue] + more;
    }
}

/* Every queue's count, on the store's thread. */
static gpointer
count_all_job (AfStore  *store,
               gpointer  data,
               GError  **error)
{
  CountArgs *args = data;
  gint64 *counts = g_new (gint64, AFD_N_QUEUES);

  afd_queue_count_all (store, args->threshold, counts);
  return counts;
}

void
afd_queue_count_all_async (AfStoreThread       *thread,
                           double               risk_threshold,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  CountArgs *args = g_new0 (CountArgs, 1);

  args->threshold = risk_threshold;
  af_store_thread_run_async (thread, count_all_job, args, g_free, g_free, cancellable,
                             callback, user_data);
}

gboolean
afd_queue_count_all_finish (AfStoreThread  *thread,
                            GAsyncResult   *result,
                            gint64          counts[AFD_N_QUEUES],
                            GError        **error)
{
  g_autofree gint64 *found = af_store_thread_run_finish (thread, result, error);

  if (found == NULL)
    return FALSE;
  memcpy (counts, found, sizeof (gint64) * AFD_N_QUEUES);
  return TRUE;
}
