/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afc-command-inspect.c — `inspect IMAGE|REQUEST_ID`: the local forensics of one picture
 * (af-forensics.h): its metadata, JPEG quality, error level analysis and findings.
 */
#define G_LOG_DOMAIN "afc-command-inspect"

#include "afc-commands.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "af-forensics.h"
#include "af-mapped-guard.h"
#include "af-pull.h"
#include "af-retention.h"
#include "afc-output.h"

typedef struct
{
  int   ela_quality;   /* 0: the picture's own estimated quality */
  char *ela_path;      /* (owned) (nullable) */
} InspectOptions;

static void
inspect_options_clear (InspectOptions *options)
{
  g_clear_pointer (&options->ela_path, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (InspectOptions, inspect_options_clear)

/* An analysis's image in the object cache: the upload itself (its metadata intact),
 * else the processed copy. */
static char *
analysis_image_path (AfcContext  *context,
                     const char  *request_id,
                     GError     **error)
{
  g_autofree char *objects_dir = af_retention_default_objects_dir ();
  const char * const roles[] = { "raw", "processed" };
  AfStore *store = afc_context_get_store (context, error);

  if (store == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      char *path = NULL;

      if (af_pull_get_object_state (store, objects_dir, request_id, roles[i], &path, NULL)
          == AF_OBJECT_OK && path != NULL)
        return path;
      g_free (path);
    }
  return NULL;
}

/* The picture inspected, mapped (or read, when every guard slot is taken). A file cut
 * short by another process while it is read would raise SIGBUS in the mapping and kill
 * the CLI: the guard (af-mapped-guard.h) turns the pages past the new end into zeros,
 * and picture_was_cut () tells so once the inspection is done. */
typedef struct
{
  int            fd;        /* -1 when closed */
  GStatBuf       opened;    /* the file as it was opened */
  GMappedFile   *mapped;    /* (owned) (nullable) */
  AfMappedGuard *guard;     /* (owned) (nullable) registered over @mapped */
  GBytes        *bytes;     /* (owned) (nullable) the picture, mapped or read */
  GCancellable  *cut;       /* (owned) cancelled as soon as a step finds the file cut */
} Picture;

static void
picture_clear (Picture *picture)
{
  /* Nothing reads the mapping any more: unregistered before it is unmapped. */
  g_clear_pointer (&picture->bytes, g_bytes_unref);
  g_clear_pointer (&picture->guard, af_mapped_guard_unregister);
  g_clear_pointer (&picture->mapped, g_mapped_file_unref);
  g_clear_object (&picture->cut);
  if (picture->fd >= 0)
    close (picture->fd);
  picture->fd = -1;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Picture, picture_clear)

static gboolean
picture_open (Picture     *picture,
              const char  *path,
              GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  picture->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (picture->fd < 0 || fstat (picture->fd, &picture->opened) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  picture->mapped = g_mapped_file_new_from_fd (picture->fd, FALSE, NULL);
  if (picture->mapped != NULL && g_mapped_file_get_length (picture->mapped) > 0)
    picture->guard = af_mapped_guard_register (g_mapped_file_get_contents (picture->mapped),
                                               g_mapped_file_get_length (picture->mapped));
  if (picture->guard != NULL)
    {
      picture->bytes = g_mapped_file_get_bytes (picture->mapped);
      g_debug ("inspect: the picture is mapped (%" G_GSIZE_FORMAT " bytes)",
               g_mapped_file_get_length (picture->mapped));
      return TRUE;
    }
  g_clear_pointer (&picture->mapped, g_mapped_file_unref);
  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  picture->bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  return TRUE;
}

/* Cut short while it was read (its mapping faulted past the new end), or shorter now
 * than when it was opened (a cut within the last page does not fault). */
static gboolean
picture_was_cut (Picture *picture)
{
  GStatBuf now;

  if (picture->guard == NULL)
    return FALSE;
  return af_mapped_guard_was_cut (picture->guard) ||
         (fstat (picture->fd, &now) == 0 && now.st_size < picture->opened.st_size);
}

/* A file by that name, else an analysis's downloaded image. */
static gboolean
load_target (AfcContext  *context,
             const char  *target,
             Picture     *picture,
             GError     **error)
{
  g_autofree char *path = NULL;

  if (g_file_test (target, G_FILE_TEST_EXISTS))
    path = g_strdup (target);
  else if (g_utf8_validate (target, -1, NULL))
    {
      GError *local_error = NULL;

      /* No cache at all ("no cache at PATH") is said as such. */
      path = analysis_image_path (context, target, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "no such file, nor a downloaded image of an analysis with this id");
      return FALSE;
    }
  return picture_open (picture, path, error);
}

/* Each step as it starts, in the debug log (G_MESSAGES_DEBUG=afc-command-inspect); a
 * file found cut short stops the steps still to come (the ELA and the clone search of
 * zeros would take seconds for nothing). */
static void
progress_cb (double      fraction,
             const char *step,
             gpointer    user_data)
{
  Picture *picture = user_data;

  g_debug ("inspect: %s (%.0f %%)", step, fraction * 100);
  if (picture_was_cut (picture))
    g_cancellable_cancel (picture->cut);
}

static void
add_rect (JsonBuilder       *builder,
          const char        *name,
          const AfImageRect *rect)
{
  if (rect == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, rect->x);
  json_builder_add_int_value (builder, rect->y);
  json_builder_add_int_value (builder, rect->width);
  json_builder_add_int_value (builder, rect->height);
  json_builder_end_array (builder);
}

static void
add_findings_json (JsonBuilder *builder,
                   GListModel  *findings)
{
  json_builder_set_member_name (builder, "findings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder,
                                     af_finding_kind_to_string (af_finding_get_kind (finding)));
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder,
                                     af_finding_severity_to_string (af_finding_get_severity (finding)));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, af_finding_get_message (finding));
      add_rect (builder, "region", af_finding_get_region (finding));
      add_rect (builder, "source", af_finding_get_source (finding));
      add_rect (builder, "target", af_finding_get_target (finding));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_metadata_json (JsonBuilder     *builder,
                   AfImageMetadata *metadata)
{
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  for (guint i = 0; i < af_image_metadata_get_n_entries (metadata); i++)
    {
      const AfMetadataEntry *entry = af_image_metadata_get_entry (metadata, i);

      /* A key repeated in the file: its first value, as lookup gives it. */
      if (af_image_metadata_lookup (metadata, entry->key) != entry->value)
        continue;
      json_builder_set_member_name (builder, entry->key);
      json_builder_add_string_value (builder, entry->value);
    }
  json_builder_end_object (builder);
}

static void
print_json (AfcContext        *context,
            AfForensicsReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) out = g_string_new (NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, af_forensics_report_get_format (report));
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, af_forensics_report_get_width (report));
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, af_forensics_report_get_height (report));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, af_forensics_report_get_sha256 (report));
  if (af_forensics_report_get_jpeg_quality (report) > 0)
    {
      json_builder_set_member_name (builder, "jpeg_quality");
      json_builder_add_int_value (builder, af_forensics_report_get_jpeg_quality (report));
    }
  add_metadata_json (builder, af_forensics_report_get_metadata (report));
  add_findings_json (builder, af_forensics_report_get_findings (report));
  json_builder_end_object (builder);
  afc_output_json (out, builder);
  afc_context_write (context, out);
}

/* Text from the file goes through the output filter (no control characters). */
static void
append_line (GString    *out,
             const char *label,
             const char *value)
{
  g_autoptr(AfValue) text = af_value_new_s (value != NULL ? value : "-");
  g_autofree char *safe = afc_output_value_text (text);

  g_string_append_printf (out, "%-22s %s\n", label, safe);
}

static void
append_summary (GString           *out,
                AfForensicsReport *report)
{
  AfImageMetadata *metadata = af_forensics_report_get_metadata (report);
  g_autofree char *size = g_strdup_printf ("%s, %d × %d", af_forensics_report_get_format (report),
                                           af_forensics_report_get_width (report),
                                           af_forensics_report_get_height (report));

  append_line (out, "picture", size);
  append_line (out, "sha256", af_forensics_report_get_sha256 (report));
  if (af_forensics_report_get_jpeg_quality (report) > 0)
    g_string_append_printf (out, "%-22s %d\n", "jpeg quality",
                            af_forensics_report_get_jpeg_quality (report));
  append_line (out, "camera", af_image_metadata_get_camera (metadata));
  append_line (out, "captured", af_image_metadata_get_capture_date (metadata));
  append_line (out, "modified", af_image_metadata_get_modification_date (metadata));
  append_line (out, "software", af_image_metadata_get_software (metadata));
  append_line (out, "colour profile", af_image_metadata_get_colour_profile (metadata));
  append_line (out, "digital source type", af_image_metadata_get_digital_source_code (metadata));
}

static void
print_text (AfcContext        *context,
            AfForensicsReport *report)
{
  AfImageMetadata *metadata = af_forensics_report_get_metadata (report);
  GListModel *findings = af_forensics_report_get_findings (report);
  g_autoptr(GString) out = g_string_new (NULL);

  append_summary (out, report);
  g_string_append_printf (out, "\nfindings (%u):\n", g_list_model_get_n_items (findings));
  for (guint i = 0; i < g_list_model_get_n_items (findings); i++)
    {
      g_autoptr(AfFinding) finding = g_list_model_get_item (findings, i);
      g_autofree char *label = g_strdup_printf ("  %s [%s]",
                                                af_finding_kind_to_string (af_finding_get_kind (finding)),
                                                af_finding_severity_to_string (af_finding_get_severity (finding)));

      append_line (out, label, af_finding_get_message (finding));
    }
  g_string_append_printf (out, "\nmetadata (%u tags):\n", af_image_metadata_get_n_entries (metadata));
  for (guint i = 0; i < af_image_metadata_get_n_entries (metadata); i++)
    {
      const AfMetadataEntry *entry = af_image_metadata_get_entry (metadata, i);
      g_autofree char *key = g_strdup_printf ("  %s", entry->key);

      append_line (out, key, entry->value);
    }
  afc_context_write (context, out);
}

static gboolean
write_ela (AfForensicsReport  *report,
           const char         *path,
           GError            **error)
{
  g_autoptr(AfImageBuffer) rendered =
    af_forensics_ela_render (af_forensics_report_get_ela (report), AF_ELA_DEFAULT_GAIN);

  if (rendered == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "not enough memory for the ELA image");
      return FALSE;
    }
  return af_image_buffer_save_png (rendered, path, error);
}

static int
run_inspection (AfcContext           *context,
                const char           *target,
                const InspectOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_auto(Picture) picture = { .fd = -1, .cut = g_cancellable_new () };
  g_autoptr(AfForensicsReport) report = NULL;
  g_autofree char *shown = g_filename_display_name (target);

  if (load_target (context, target, &picture, &error))
    report = af_forensics_inspect (picture.bytes, options->ela_quality, picture.cut,
                                   progress_cb, &picture, &error);
  /* What was read of a file cut short is zeros: nothing of it is reported. */
  if (picture_was_cut (&picture))
    return afc_context_fail_message (context, "%s: the file changed (was cut short) while it "
                                     "was inspected; nothing of it is reported", shown);
  if (report == NULL)
    return afc_context_fail_message (context, "%s: %s", shown, error->message);
  if (options->ela_path != NULL && !write_ela (report, options->ela_path, &error))
    {
      g_autofree char *ela_shown = g_filename_display_name (options->ela_path);

      return afc_context_fail_message (context, "%s: %s", ela_shown, error->message);
    }
  if (afc_context_get_json (context))
    print_json (context, report);
  else
    print_text (context, report);
  return AFC_EXIT_OK;
}

static int
inspect_run (const AfcCommand  *command,
             AfcContext        *context,
             int                argc,
             char             **argv)
{
  g_auto(InspectOptions) options = { 0, NULL };
  g_auto(GStrv) args = NULL;
  int exit_code;
  const GOptionEntry entries[] = {
    { "ela-quality", 0, 0, G_OPTION_ARG_INT, &options.ela_quality,
      "Re-compress at this JPEG quality for the ELA (1-100; default: the picture's own)", "Q" },
    { "ela", 0, 0, G_OPTION_ARG_FILENAME, &options.ela_path,
      "Write the ELA image (PNG, the picture's size, brighter = larger error)", "OUT.png" },
    { NULL }
  };

  if (!afc_command_parse (command, context, entries, 1, 1, argc, argv, &args, &exit_code))
    return exit_code;
  if (options.ela_quality < 0 || options.ela_quality > 100)
    return afc_context_usage_error (context, command->name,
                                    "--ela-quality must be between 1 and 100");
  return run_inspection (context, args[0], &options);
}

const AfcCommand afc_command_inspect = {
  .name = "inspect",
  .parameter_string = "IMAGE|REQUEST_ID",
  .summary = "Inspect a picture locally: metadata, JPEG quality, ELA, clones, findings",
  .description = "IMAGE is a JPEG, PNG or TIFF file; REQUEST_ID an analysis whose image has\n"
                 "been downloaded (its upload, else the processed copy).\n"
                 "--json prints format, width, height, sha256, jpeg_quality (JPEG only),\n"
                 "metadata (exiv2 key -> value as exiftool prints it) and findings (kind,\n"
                 "severity, message, and region/source/target as [x, y, width, height]).",
  .raw_arguments = TRUE,
  .run = inspect_run,
};
