/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "afd-report-export"

#include "config.h"

#include <glib/gi18n.h>

#include "af-store-thread.h"
#include "afd-application.h"
#include "afd-report-export.h"
#include "afd-report-print.h"
#include "afr-export.h"

/* One export or print, from the page's click to its toast. */
typedef struct
{
  GtkWidget *source;     /* (owned) */
  char      *db_path;
  char      *identity;   /* (nullable) */
  char      *id;
  AfrPaper   paper;
  gboolean   reported;   /* print: the outcome was already said */
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->source);
  g_free (request->db_path);
  g_free (request->identity);
  g_free (request->id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static AfrPaper
paper_setting (void)
{
  GApplication *application = g_application_get_default ();
  g_autofree char *name = NULL;
  AfrPaper paper = AFR_PAPER_AUTO;

  if (!AFD_IS_APPLICATION (application))
    return AFR_PAPER_AUTO;
  name = g_settings_get_string (afd_application_get_settings (AFD_APPLICATION (application)),
                                "report-paper");
  if (!afr_paper_from_string (name, &paper))
    return AFR_PAPER_AUTO;
  return paper;
}

/* Only the store's path and identity go to the worker: it opens its own connection. */
static Request *
request_new (GtkWidget    *source,
             AfdWorkspace *workspace,
             const char   *id)
{
  Request *request = g_new0 (Request, 1);
  AfStoreThread *store_thread = afd_workspace_get_store_thread (workspace);

  request->source = g_object_ref (source);
  request->db_path = g_strdup (af_store_thread_get_path (store_thread));
  request->identity = g_strdup (af_store_thread_get_identity (store_thread));
  request->id = g_strdup (id);
  request->paper = paper_setting ();
  return request;
}

static void
toast (Request    *request,
       const char *text)
{
  gtk_widget_activate_action (request->source, "win.toast", "s", text);
}

static GtkWindow *
parent_window (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* ---- Export -------------------------------------------------------------------------- */

static void
written_cb (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (afr_export_write_finish (result, &error))
    /* Translators: a toast once a report is written; %s is the file's name. */
    text = g_strdup_printf (_("Report saved as “%s”"), request->id);
  else
    text = g_strdup_printf (_("Could not export the report: %s"), error->message);
  toast (request, text);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(Request) request = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;
  /* The toast names the file, not the item: the id is no longer needed after this. */
  {
    g_autofree char *id = g_steal_pointer (&request->id);
    Request *owned = g_steal_pointer (&request);

    owned->id = g_file_get_basename (file);
    afr_export_write_async (owned->db_path, owned->identity, id, owned->paper, file, NULL,
                            written_cb, owned);
  }
}

static GtkFileFilter *
pdf_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_suffix (filter, "pdf");
  return filter;
}

void
afd_report_export (GtkWidget     *source,
                   AfdWorkspace  *workspace,
                   AfTable        table,
                   const AfValue *item,
                   const char    *id)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = pdf_filter ();
  g_autofree char *name = afr_export_suggest_name (table, item);

  g_return_if_fail (GTK_IS_WIDGET (source) && AFD_IS_WORKSPACE (workspace) && id != NULL);

  chooser = gtk_file_chooser_native_new (_("Export Report"), parent_window (source),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb),
                    request_new (source, workspace, id));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Print --------------------------------------------------------------------------- */

/* The operation's own reference, taken for its run, goes once it is done. */
static gboolean
release_operation (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               gpointer                 user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;

  request->reported = TRUE;
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    toast (request, _("The report was sent to the printer"));
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_autofree char *text = NULL;

      gtk_print_operation_get_error (operation, &error);
      text = g_strdup_printf (_("Could not print the report: %s"),
                              error != NULL ? error->message : _("unknown error"));
      toast (request, text);
    }
  /* Not during the emission: the operation is still finishing its run. */
  g_idle_add (release_operation, operation);
}

static void
built_cb (GObject      *source_object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AfrReport) report = afr_export_build_finish (result, &error);
  g_autoptr(AfdReportPrint) operation = NULL;
  GtkPrintOperationResult outcome;

  if (report == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not print the report: %s"), error->message);

      toast (request, text);
      request_free (request);
      return;
    }
  operation = afd_report_print_new (report, request->paper);
  /* The request lives as long as the operation; the operation until it is done. */
  g_signal_connect_data (operation, "done", G_CALLBACK (print_done_cb), request,
                         (GClosureNotify) (void (*) (void)) request_free, 0);
  g_object_ref (operation);
  outcome = gtk_print_operation_run (GTK_PRINT_OPERATION (operation),
                                     GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                     parent_window (request->source), &error);
  if (outcome == GTK_PRINT_OPERATION_RESULT_ERROR && !request->reported)
    {
      g_autofree char *text = g_strdup_printf (_("Could not print the report: %s"),
                                               error != NULL ? error->message : _("unknown error"));

      toast (request, text);
    }
}

/* Runs on the store's thread after every edit queued before it. */
static gpointer
barrier_job (AfStore   *store,
             gpointer   data,
             GError   **error)
{
  return GINT_TO_POINTER (TRUE);
}

static void
edits_committed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *request = user_data;

  af_store_thread_run_finish (AF_STORE_THREAD (source), result, NULL);
  afr_export_build_async (request->db_path, request->identity, request->id, NULL, built_cb,
                          request);
}

/* The report is read on a connection of its own: it starts once the store's thread has
 * committed the edits queued before (a note typed a moment ago), so that it has them. */
void
afd_report_print (GtkWidget    *source,
                  AfdWorkspace *workspace,
                  const char   *id)
{
  g_return_if_fail (GTK_IS_WIDGET (source) && AFD_IS_WORKSPACE (workspace) && id != NULL);

  af_store_thread_write_async (afd_workspace_get_store_thread (workspace), barrier_job, NULL,
                               NULL, NULL, NULL, edits_committed_cb,
                               request_new (source, workspace, id));
}
