/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-glib-compat.h"
#include "af-s3-list.h"
#include "af-s3-private.h"
#include "af-xml.h"

typedef struct
{
  char      *bucket;   /* (owned) */
  char      *prefix;   /* (owned) */
  char      *token;    /* (owned) (nullable) the next page's continuation token */
  GPtrArray *keys;     /* (owned) */
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->bucket);
  g_free (data->prefix);
  g_free (data->token);
  g_clear_pointer (&data->keys, g_ptr_array_unref);
  g_free (data);
}

static void request_page (GTask *task);

static void
page_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ListData *data = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(AfXml) xml = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  const char *truncated;
  GError *error = NULL;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, &body, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  xml = body != NULL ? af_xml_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                     &error)
                     : NULL;
  if (xml == NULL)
    {
      g_task_return_new_error (task, AF_AWS_ERROR, AF_AWS_ERROR_MALFORMED,
                               "S3 sent a key list that cannot be read: %s",
                               error ? error->message : "no body");
      g_clear_error (&error);
      return;
    }
  keys = af_xml_all (xml, "ListBucketResult/Contents/Key");
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (data->keys, g_strdup (keys->pdata[i]));
  truncated = af_xml_first (xml, "ListBucketResult/IsTruncated");
  af_set_str (&data->token, af_xml_first (xml, "ListBucketResult/NextContinuationToken"));
  if (g_strcmp0 (truncated, "true") == 0 && data->token != NULL)
    request_page (g_steal_pointer (&task));
  else
    g_task_return_pointer (task, g_ptr_array_ref (data->keys), (GDestroyNotify) g_ptr_array_unref);
}

static void
request_page (GTask *task)
{
  ListData *data = g_task_get_task_data (task);
  g_autofree char *prefix = g_uri_escape_string (data->prefix, NULL, FALSE);
  g_autofree char *token = data->token ? g_uri_escape_string (data->token, NULL, FALSE) : NULL;
  /* Sorted by name, as the canonical request wants them. */
  g_autofree char *query = g_strdup_printf ("%s%s%slist-type=2&prefix=%s",
                                            token ? "continuation-token=" : "", token ? token : "",
                                            token ? "&" : "", prefix);
  AfS3Request request = { .method = SOUP_METHOD_GET, .bucket = data->bucket, .query = query };

  af_s3_client_exchange_async (g_task_get_source_object (task), &request,
                               g_task_get_cancellable (task), page_done_cb, task);
}

void
af_s3_client_list_keys_async (AfS3Client          *self,
                              const char          *bucket,
                              const char          *prefix,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  ListData *data;

  g_return_if_fail (AF_IS_S3_CLIENT (self));
  g_return_if_fail (bucket != NULL && prefix != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_s3_client_list_keys_async);
  data = g_new0 (ListData, 1);
  data->bucket = g_strdup (bucket);
  data->prefix = g_strdup (prefix);
  data->keys = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  request_page (task);
}

GPtrArray *
af_s3_client_list_keys_finish (AfS3Client    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
