/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afr-export"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "afr-appraisal-report.h"
#include "afr-audit-report.h"
#include "afr-export.h"
#include "afr-pdf.h"

G_DEFINE_QUARK (afr-export-error-quark, afr_export_error)

typedef struct
{
  char     *db_path;
  char     *identity;   /* (nullable) */
  char     *id;
  AfrPaper  paper;
  GFile    *file;       /* (nullable) write only */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->db_path);
  g_free (job->identity);
  g_free (job->id);
  g_clear_object (&job->file);
  g_free (job);
}

AfrReport *
afr_export_build (AfStore     *store,
                  const char  *id,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(AfValue) item = NULL;
  AfTable table;

  item = af_store_find_item (store, id, &table, &local_error);
  if (item == NULL && g_error_matches (local_error, AF_STORE_ERROR, AF_STORE_ERROR_NOT_FOUND))
    {
      g_set_error (error, AFR_EXPORT_ERROR, AFR_EXPORT_ERROR_UNKNOWN_ID,
                   _("No audit record or analysis has the id “%s” in the cache"), id);
      return NULL;
    }
  if (item == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (table == AF_TABLE_AUDITS)
    return afr_audit_report_build (store, id, error);
  if (table == AF_TABLE_ANALYSES)
    return afr_appraisal_report_build (store, id, error);
  g_set_error (error, AFR_EXPORT_ERROR, AFR_EXPORT_ERROR_NO_REPORT,
               _("“%s” is not an audit record or an analysis: reports are made of those"), id);
  return NULL;
}

gboolean
afr_export_write (AfStore       *store,
                  const char    *id,
                  AfrPaper       paper,
                  GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(AfrReport) report = afr_export_build (store, id, error);

  return report != NULL && afr_pdf_write (report, paper, file, cancellable, error);
}

/* The stem keeps letters, digits and - _ . of @text; anything else becomes '_'. */
static char *
file_stem (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *stem = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || c == '-' || c == '_' || (c == '.' && stem->len > 0))
        g_string_append_unichar (stem, c);
      else
        g_string_append_c (stem, '_');
    }
  return g_string_free (stem, FALSE);
}

char *
afr_export_suggest_name (AfTable        table,
                         const AfValue *item)
{
  g_autofree char *stem = NULL;

  if (table == AF_TABLE_ANALYSES)
    {
      const char *filename = af_item_get_s (item, "filename");
      const char *dot = filename != NULL ? strrchr (filename, '.') : NULL;
      g_autofree char *base = filename != NULL ? g_strndup (filename, dot != NULL && dot != filename
                                                                      ? (gsize) (dot - filename)
                                                                      : strlen (filename))
                                               : g_strdup (af_item_get_s (item, "request_id") ?: "artwork");

      stem = file_stem (base);
      /* Translators: the suggested file name of an appraisal report; keep the .pdf. */
      return g_strdup_printf (_("%s appraisal.pdf"), stem);
    }
  stem = file_stem (af_item_get_s (item, "loan_application_id") ?:
                    af_item_get_s (item, "audit_record_id") ?: "audit");
  /* Translators: the suggested file name of a loan review report; keep the .pdf. */
  return g_strdup_printf (_("%s review.pdf"), stem);
}

static AfStore *
job_open_store (Job     *job,
                GError **error)
{
  AfStore *store = af_store_open (job->db_path, error);

  if (store != NULL && job->identity != NULL)
    af_store_set_identity (store, job->identity);
  return store;
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = job_open_store (job, &error);
  AfrReport *report = store != NULL ? afr_export_build (store, job->id, &error) : NULL;

  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, g_object_unref);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfStore) store = job_open_store (job, &error);

  if (store != NULL && afr_export_write (store, job->id, job->paper, job->file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static GTask *
job_task (const char          *db_path,
          const char          *identity,
          const char          *id,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  job->db_path = g_strdup (db_path);
  job->identity = g_strdup (identity);
  job->id = g_strdup (id);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, job_free);
  return task;
}

void
afr_export_build_async (const char          *db_path,
                        const char          *identity,
                        const char          *id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = job_task (db_path, identity, id, cancellable, callback, user_data,
                                    afr_export_build_async);

  g_task_run_in_thread (task, build_thread);
}

AfrReport *
afr_export_build_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == afr_export_build_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
afr_export_write_async (const char          *db_path,
                        const char          *identity,
                        const char          *id,
                        AfrPaper             paper,
                        GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = job_task (db_path, identity, id, cancellable, callback, user_data,
                                    afr_export_write_async);
  Job *job = g_task_get_task_data (task);

  job->paper = paper;
  job->file = g_object_ref (file);
  g_task_run_in_thread (task, write_thread);
}

gboolean
afr_export_write_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == afr_export_write_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
