/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "af-submit"

#include <glib/gstdio.h>
#include <string.h>

#include "af-clock.h"
#include "af-codec.h"
#include "af-glib-compat.h"
#include "af-submit-private.h"

struct _AfSubmit
{
  GObject           parent_instance;

  /* owned references */
  AfStore          *store;         /* (owned) */
  AfDynamodbClient *dynamodb;      /* (owned) */
  AfS3Client       *s3;            /* (owned) */
  AfWorkspaceNames *names;         /* (owned) */
};

G_DEFINE_FINAL_TYPE (AfSubmit, af_submit, G_TYPE_OBJECT)

void
af_submit_result_free (AfSubmitResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->problems, g_ptr_array_unref);
  g_free (result);
}

static void
af_submit_finalize (GObject *object)
{
  AfSubmit *self = AF_SUBMIT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->dynamodb);
  g_clear_object (&self->s3);
  g_clear_object (&self->names);
  G_OBJECT_CLASS (af_submit_parent_class)->finalize (object);
}

static void
af_submit_class_init (AfSubmitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = af_submit_finalize;
}

static void
af_submit_init (AfSubmit *self)
{
  self->names = af_workspace_names_new (NULL);
}

AfSubmit *
af_submit_new (AfStore          *store,
               AfDynamodbClient *dynamodb,
               AfS3Client       *s3)
{
  AfSubmit *self = g_object_new (AF_TYPE_SUBMIT, NULL);

  self->store = g_object_ref (store);
  self->dynamodb = g_object_ref (dynamodb);
  self->s3 = g_object_ref (s3);
  return self;
}

void
af_submit_set_names (AfSubmit         *self,
                     AfWorkspaceNames *names)
{
  g_return_if_fail (AF_IS_SUBMIT (self));
  g_return_if_fail (AF_IS_WORKSPACE_NAMES (names));

  g_set_object (&self->names, names);
}

static const char *
table_name (AfSubmit *self,
            AfTable   table)
{
  return af_workspace_names_get_table (self->names, table);
}

static const char *
raw_bucket (AfSubmit *self)
{
  return af_workspace_names_get_raw_bucket (self->names);
}

/* ---- What is sent, derived from the row alone ---------------------------------------- */

/* The fixtures' shape: audit/20241107_100409_8b8656.jpg for a saved image. */
static char *
object_key_for (const AfSubmission *submission)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *stamp = NULL;
  const char *dot;

  if (!submission->save)
    return g_strdup_printf ("inference/%s/%s/%s", submission->user_id, submission->request_id,
                            submission->file_name);
  time = g_date_time_new_from_unix_utc (submission->created_at / 1000);
  stamp = g_date_time_format (time, "%Y%m%d_%H%M%S");
  dot = strrchr (submission->file_name, '.');
  return g_strdup_printf ("audit/%s_%.6s%s", stamp, submission->request_id, dot ? dot : "");
}

static AfValue *
analysis_item (AfSubmit           *self,
               const AfSubmission *submission)
{
  AfValue *item = af_value_new_map ();
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (submission->created_at / 1000);
  g_autoptr(GDateTime) exact = g_date_time_add (time, (submission->created_at % 1000) * 1000);
  g_autofree char *iso = af_clock_format_iso (exact);
  g_autofree char *url = g_strdup_printf ("s3://%s/%s", raw_bucket (self), submission->object_key);

  af_value_map_set (item, "request_id", af_value_new_s (submission->request_id));
  af_value_map_set (item, "created_at", af_value_new_n_int (submission->created_at));
  af_value_map_set (item, "user_id", af_value_new_s (submission->user_id));
  af_value_map_set (item, "status", af_value_new_s ("PENDING"));
  af_value_map_set (item, "filename", af_value_new_s (submission->file_name));
  af_value_map_set (item, "content_type", af_value_new_s (submission->content_type));
  af_value_map_set (item, "size_bytes", af_value_new_n_int (submission->size_bytes));
  af_value_map_set (item, "timestamp_iso", af_value_new_s (iso));
  af_value_map_set (item, "raw_image_url", af_value_new_s (url));
  af_value_map_set (item, "image_saved", af_value_new_bool (submission->save));
  if (submission->save)
    af_value_map_set (item, "auto_delete_date",
                      af_value_new_n_int (submission->created_at / 1000
                                          + AF_SUBMIT_SAVE_DAYS * 24 * 3600));
  return item;
}

/* Every value is fixed by the row, last_login included: a retry within DynamoDB's
 * ten minutes must be the same request, or the token would be refused as reused. */
static char *
transaction_body (AfSubmit           *self,
                  const AfSubmission *submission)
{
  g_autoptr(AfValue) item = analysis_item (self, submission);
  GString *body = g_string_new ("{\"TransactItems\":[{\"Put\":{\"TableName\":");

  af_codec_write_json_string (body, table_name (self, AF_TABLE_ANALYSES));
  g_string_append (body, ",\"Item\":");
  af_codec_write_item (body, item);
  g_string_append (body, ",\"ConditionExpression\":\"attribute_not_exists(request_id)\"}},"
                         "{\"Update\":{\"TableName\":");
  af_codec_write_json_string (body, table_name (self, AF_TABLE_USERS));
  g_string_append (body, ",\"Key\":{\"user_id\":{\"S\":");
  af_codec_write_json_string (body, submission->user_id);
  g_string_append_printf (body, "}},\"UpdateExpression\":\"ADD total_uploads :one, quota_used :one "
                                "SET last_login = :now\",\"ConditionExpression\":"
                                "\"attribute_exists(user_id)\",\"ExpressionAttributeValues\":"
                                "{\":one\":{\"N\":\"1\"},\":now\":{\"N\":\"%" G_GINT64_FORMAT
                                "\"}}}}],\"ClientRequestToken\":",
                          submission->created_at);
  af_codec_write_json_string (body, submission->request_id);
  g_string_append_c (body, '}');
  return g_string_free (body, FALSE);
}

/* ---- One run: the submissions one after the other -------------------------------------- */

typedef struct
{
  GPtrArray      *pending;   /* (owned) AfSubmission */
  guint           index;
  AfSubmitResult *result;    /* (owned) */
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->pending, g_ptr_array_unref);
  g_clear_pointer (&run->result, af_submit_result_free);
  g_free (run);
}

static void next_submission (GTask *task);

static AfSubmission *
current (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  return g_ptr_array_index (run->pending, run->index);
}

static void
fail (GTask  *task,
      GError *error)
{
  af_submit_update (AF_SUBMIT (g_task_get_source_object (task))->store, current (task),
                    error->message, NULL);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* A problem of this submission only: it stays queued, the others go on. */
static void
skip (GTask      *task,
      const char *message)
{
  Run *run = g_task_get_task_data (task);
  AfSubmission *submission = current (task);

  af_submit_update (AF_SUBMIT (g_task_get_source_object (task))->store, submission, message, NULL);
  run->result->errors++;
  g_ptr_array_add (run->result->problems,
                   g_strdup_printf ("submission %s (%s): %s", submission->request_id,
                                    submission->file_name, message));
  run->index++;
  next_submission (task);
}

static gboolean
save_state (GTask       *task,
            const char  *state)
{
  AfSubmit *self = g_task_get_source_object (task);
  AfSubmission *submission = current (task);
  GError *error = NULL;

  af_set_str (&submission->state, state);
  if (af_submit_update (self->store, submission, NULL, &error))
    return TRUE;
  g_task_return_error (task, error);
  g_object_unref (task);
  return FALSE;
}

static void
finish_submission (GTask    *task,
                   gboolean  already)
{
  AfSubmit *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  AfSubmission *submission = current (task);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) af_value_unref);
  g_autoptr(GError) error = NULL;
  const char *state = "done";

  g_ptr_array_add (items, analysis_item (self, submission));
  if (!af_store_put_remote_items (self->store, AF_TABLE_ANALYSES, items, &error))
    {
      /* "sent": listed as waiting for its analysis until a pull brings it here. */
      g_warning ("analysis %s is in the cloud but not in the cache yet: %s",
                 submission->request_id, error->message);
      state = "sent";
    }
  if (!save_state (task, state))
    return;
  g_unlink (submission->spool_path);
  run->result->submitted++;
  if (already)
    run->result->already++;
  run->index++;
  next_submission (task);
}

/* "…reasons [ConditionalCheckFailed, None]": the first action is the Put. */
static gboolean
put_already_there (const GError *error)
{
  const char *reasons = strchr (error->message, '[');

  return reasons != NULL && g_str_has_prefix (reasons, "[ConditionalCheckFailed");
}

static void
transact_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (af_dynamodb_client_transact_write_finish (AF_DYNAMODB_CLIENT (source), result, &error))
    {
      finish_submission (task, FALSE);
      return;
    }
  if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT) && put_already_there (error))
    {
      g_error_free (error);
      finish_submission (task, TRUE);
      return;
    }
  if (g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_CONFLICT)
      || g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_VALIDATION))
    {
      skip (task, error->message);
      g_error_free (error);
      return;
    }
  fail (task, error);
}

static void
send_transaction (GTask *task)
{
  AfSubmit *self = g_task_get_source_object (task);
  g_autofree char *body = transaction_body (self, current (task));

  af_dynamodb_client_transact_write_async (self->dynamodb, body, g_task_get_cancellable (task),
                                           transact_done_cb, task);
}

static void
put_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autofree char *etag = NULL;
  GError *error = NULL;

  etag = af_s3_client_put_finish (AF_S3_CLIENT (source), result, &error);
  if (etag == NULL)
    {
      fail (task, error);
      return;
    }
  run->result->uploads++;
  if (save_state (task, "uploaded"))
    send_transaction (task);
}

static void
upload (GTask *task)
{
  AfSubmit *self = g_task_get_source_object (task);
  AfSubmission *submission = current (task);
  g_autoptr(GFile) file = g_file_new_for_path (submission->spool_path);

  submission->attempts++;
  if (!save_state (task, "uploading"))
    return;
  af_s3_client_put_file_async (self->s3, raw_bucket (self), submission->object_key, file,
                               submission->content_type, g_task_get_cancellable (task),
                               put_done_cb, task);
}

/* An earlier try may have uploaded it and been killed before saying so. */
static void
head_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(AfS3ObjectInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = af_s3_client_object_finish (AF_S3_CLIENT (source), result, &error);
  if (info != NULL && info->size == (guint64) current (task)->size_bytes)
    {
      if (save_state (task, "uploaded"))
        send_transaction (task);
      return;
    }
  if (error != NULL && !g_error_matches (error, AF_AWS_ERROR, AF_AWS_ERROR_NOT_FOUND))
    {
      fail (task, g_steal_pointer (&error));
      return;
    }
  upload (task);
}

static void
start_upload (GTask *task)
{
  AfSubmit *self = g_task_get_source_object (task);
  AfSubmission *submission = current (task);

  if (submission->attempts == 0)
    {
      upload (task);
      return;
    }
  af_s3_client_head_object_async (self->s3, raw_bucket (self), submission->object_key,
                                  g_task_get_cancellable (task), head_done_cb, task);
}

static void
user_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  AfSubmission *submission = current (task);
  g_autoptr(AfDynamodbPage) page = NULL;
  const char *user_id = NULL;
  GError *error = NULL;

  page = af_dynamodb_client_page_finish (AF_DYNAMODB_CLIENT (source), result, &error);
  if (page == NULL)
    {
      fail (task, error);
      return;
    }
  if (page->items->len > 0)
    user_id = af_item_get_s (g_ptr_array_index (page->items, 0), "user_id");
  if (user_id == NULL)
    {
      g_autofree char *message = g_strdup_printf ("no ArtGuard user has the e-mail %s",
                                                  submission->email);

      skip (task, message);
      return;
    }
  submission->user_id = g_strdup (user_id);
  submission->object_key = object_key_for (submission);
  start_upload (task);
}

static void
find_user (GTask *task)
{
  AfSubmit *self = g_task_get_source_object (task);
  g_autoptr(AfValue) names = af_value_new_map ();
  g_autoptr(AfValue) values = af_value_new_map ();
  AfDynamodbParams params = {
    .index_name = "email-index", .key_condition_expression = "#e = :e",
    .names = names, .values = values,
  };

  af_value_map_set (names, "#e", af_value_new_s ("email"));
  af_value_map_set (values, ":e", af_value_new_s (current (task)->email));
  af_dynamodb_client_query_all_async (self->dynamodb, table_name (self, AF_TABLE_USERS), &params,
                                      g_task_get_cancellable (task), user_done_cb, task);
}

static void
next_submission (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  AfSubmission *submission;

  if (run->index >= run->pending->len)
    {
      g_task_return_pointer (task, g_steal_pointer (&run->result),
                             (GDestroyNotify) af_submit_result_free);
      g_object_unref (task);
      return;
    }
  submission = current (task);
  if (submission->user_id == NULL)
    find_user (task);
  else if (g_strcmp0 (submission->state, "uploaded") == 0)
    send_transaction (task);
  else
    start_upload (task);
}

void
af_submit_run_async (AfSubmit            *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task;
  Run *run;
  GError *error = NULL;

  g_return_if_fail (AF_IS_SUBMIT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, af_submit_run_async);
  run = g_new0 (Run, 1);
  run->result = g_new0 (AfSubmitResult, 1);
  run->result->problems = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  run->pending = af_submit_list_pending (self->store, &error);
  if (run->pending == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  next_submission (task);
}

AfSubmitResult *
af_submit_run_finish (AfSubmit      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
