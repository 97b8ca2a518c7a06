/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-s3"

#include <string.h>

#include "af-s3-list.h"
#include "af-s3-private.h"

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

/* The five entities XML predefines, and numeric references (S3 writes &#x…; for control
 * characters in keys). */
static char *
xml_unescape (const char *text,
              gsize       length)
{
  GString *out = g_string_sized_new (length);
  static const struct { const char *name; char c; } entities[] = {
    { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
  };

  for (gsize i = 0; i < length; i++)
    {
      gboolean matched = FALSE;

      for (guint e = 0; text[i] == '&' && e < G_N_ELEMENTS (entities) && !matched; e++)
        {
          gsize n = strlen (entities[e].name);

          if (i + n <= length && strncmp (text + i, entities[e].name, n) == 0)
            {
              g_string_append_c (out, entities[e].c);
              i += n - 1;
              matched = TRUE;
            }
        }
      if (!matched && text[i] == '&' && i + 2 < length && text[i + 1] == '#')
        {
          const char *end = memchr (text + i, ';', length - i);
          gboolean hex = text[i + 2] == 'x';

          if (end != NULL)
            {
              g_string_append_unichar (out, (gunichar) g_ascii_strtoull (text + i + (hex ? 3 : 2),
                                                                          NULL, hex ? 16 : 10));
              i = end - text;
              matched = TRUE;
            }
        }
      if (!matched)
        g_string_append_c (out, text[i]);
    }
  return g_string_free (out, FALSE);
}

/* Each <NAME>…</NAME> of @body in order, unescaped. */
static GPtrArray *
elements (const char *body,
          const char *name)
{
  g_autofree char *open = g_strdup_printf ("<%s>", name);
  g_autofree char *close = g_strdup_printf ("</%s>", name);
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  const char *p = body;

  while ((p = strstr (p, open)) != NULL)
    {
      const char *start = p + strlen (open);
      const char *end = strstr (start, close);

      if (end == NULL)
        break;
      g_ptr_array_add (found, xml_unescape (start, end - start));
      p = end + strlen (close);
    }
  return found;
}

static char *
first_element (const char *body,
               const char *name)
{
  g_autoptr(GPtrArray) found = elements (body, name);

  return found->len > 0 ? g_strdup (found->pdata[0]) : NULL;
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
  g_autofree char *text = NULL;
  g_autofree char *truncated = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  GError *error = NULL;

  message = af_s3_client_exchange_finish (AF_S3_CLIENT (source), result, &body, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                      : g_strdup ("");
  keys = elements (text, "Key");
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (data->keys, g_steal_pointer (&keys->pdata[i]));
  truncated = first_element (text, "IsTruncated");
  g_clear_pointer (&data->token, g_free);
  data->token = first_element (text, "NextContinuationToken");
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
