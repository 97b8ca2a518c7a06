/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `auditflow-cli inspect` end to end on pictures made here: the JSON members the issue
 * names, a copy-move with both regions, the ELA written at the picture's size, a file
 * that is not a picture refused with its name, and one cut short while it is read.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "af-store.h"
#include "af-test-util.h"
#include "forensics-images.h"

/* Runs the CLI with its home and settings in a scratch folder of the test's own. */
static void
run_cli (AfTestRun          *run,
         const char * const *args)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *marker = forensics_write_temp (empty, "home-marker");
  g_autofree char *home = g_path_get_dirname (marker);

  af_test_run_cli (home, NULL, NULL, args, run);
}

static JsonArray *
find_finding (JsonArray  *findings,
              const char *kind,
              JsonObject **out)
{
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *finding = json_array_get_object_element (findings, i);

      if (g_strcmp0 (json_object_get_string_member (finding, "kind"), kind) == 0)
        {
          *out = finding;
          if (!json_object_has_member (finding, "source"))
            return NULL;
          return json_object_get_array_member (finding, "source");
        }
    }
  *out = NULL;
  return NULL;
}

static void
test_inspect_json (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 480, 360, 4);
  AfImageRect from = { 37, 201, 90, 80 };
  const char * const tags[] = { "Exif.Image.Software", "Adobe Photoshop 25.1 (Windows)",
                                "Exif.Image.Make", "Nikon", NULL };
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root, *metadata, *copy_move = NULL, *editor = NULL;
  JsonArray *findings, *source;
  AfTestRun run = { 0 };

  forensics_copy_region (image, &from, 301, 43);
  jpeg = forensics_jpeg (image, 90);
  path = forensics_write_temp (jpeg, "wood.jpg");
  forensics_set_metadata (path, tags, NULL);
  g_bytes_unref (jpeg);
  jpeg = forensics_read_file (path);
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
  run_cli (&run, (const char * const[]) { "inspect", path, "--json", NULL });
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "JPEG");
  g_assert_cmpint (json_object_get_int_member (root, "width"), ==, 480);
  g_assert_cmpint (json_object_get_int_member (root, "height"), ==, 360);
  g_assert_cmpstr (json_object_get_string_member (root, "sha256"), ==, sha256);
  g_assert_cmpint (ABS (json_object_get_int_member (root, "jpeg_quality") - 90), <=, 3);
  metadata = json_object_get_object_member (root, "metadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "Exif.Image.Make"), ==, "Nikon");
  findings = json_object_get_array_member (root, "findings");
  source = find_finding (findings, "copy_move", &copy_move);
  g_assert_nonnull (copy_move);
  g_assert_cmpuint (json_array_get_length (source), ==, 4);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (copy_move, "target")), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (copy_move, "severity"), ==, "warning");
  find_finding (findings, "editing_software", &editor);
  g_assert_nonnull (editor);
  g_assert_nonnull (strstr (json_object_get_string_member (editor, "message"), "Photoshop"));
  af_test_run_clear (&run);
}

static void
test_inspect_ela (void)
{
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_FRACTAL, 320, 240, 8);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 85);
  g_autofree char *path = forensics_write_temp (jpeg, "fractal.jpg");
  g_autofree char *out = g_strconcat (path, ".ela.png", NULL);
  g_autoptr(GdkPixbuf) ela = NULL;
  g_autoptr(GError) error = NULL;
  AfTestRun run = { 0 };

  run_cli (&run, (const char * const[]) { "inspect", path, "--ela-quality", "70", "--ela", out,
                                          NULL });
  g_assert_cmpint (run.status, ==, 0);
  ela = gdk_pixbuf_new_from_file (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (ela), ==, 320);
  g_assert_cmpint (gdk_pixbuf_get_height (ela), ==, 240);
  af_test_run_clear (&run);
}

static void
test_inspect_not_an_image (void)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("%PDF-1.4 not a picture\n", 23);
  g_autofree char *path = forensics_write_temp (text, "scan.jpg");
  AfTestRun run = { 0 };

  run_cli (&run, (const char * const[]) { "inspect", path, NULL });
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "auditflow-cli: "));
  g_assert_nonnull (strstr (run.err, "scan.jpg"));
  g_assert_cmpstr (run.out, ==, "");
  af_test_run_clear (&run);
  run_cli (&run, (const char * const[]) { "inspect", path, "--ela-quality", "101", NULL });
  g_assert_cmpint (run.status, ==, 2);
  af_test_run_clear (&run);
}

/* An analysis whose image was never downloaded: refused, naming the id. */
static void
test_inspect_request_not_downloaded (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autofree char *placeholder = forensics_write_temp (empty, "placeholder");
  g_autofree char *db = g_strconcat (placeholder, ".db", NULL);
  g_autoptr(AfStore) store = NULL;
  g_autoptr(GError) error = NULL;
  AfTestRun run = { 0 };

  /* An empty cache: without one, inspect stops at "no cache at". */
  store = af_store_open (db, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  run_cli (&run, (const char * const[]) { "--db", db, "inspect",
                                          "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd", NULL });
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "c8a9fada-faf4-4a04-b5ec-fa640c9e43cd"));
  g_assert_nonnull (strstr (run.err, "downloaded"));
  af_test_run_clear (&run);
}

typedef struct
{
  const char *path;
  goffset     length;
} Cut;

/* The CLI stopped: its picture cut to the length asked, then let go on. */
static void
cut_and_go_on (GPid     pid,
               gpointer user_data)
{
  const Cut *cut = user_data;

  g_assert_cmpint (truncate (cut->path, cut->length), ==, 0);
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);
}

/* `auditflow-cli inspect @path`, stopped (SIGSTOP) when its debug log says the decoding
 * starts (the whole file was read once for its SHA-256: it is mapped and in use), @path
 * cut to @length by this process, then let go on; its wait status, and its stderr. */
static int
inspect_cut_at_decode (const char  *path,
                       goffset      length,
                       char       **out_stderr)
{
  g_autofree char *home = g_path_get_dirname (path);
  const char *argv[] = { g_getenv ("AF_CLI"), "inspect", path, NULL };
  const char *decoding[] = { "inspect: decode", NULL };
  g_auto(GStrv) envp = g_get_environ ();
  Cut cut = { path, length };

  envp = g_environ_setenv (envp, "G_MESSAGES_DEBUG", "afc-command-inspect", TRUE);
  envp = g_environ_setenv (envp, "HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", home, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", home, TRUE);
  return af_test_run_cli_stopped_at (argv, (const char * const *) envp, decoding, cut_and_go_on,
                                     &cut, out_stderr);
}

/* A picture cut short by another process while the CLI inspects it, to what
 * @cut_at_for says of its length: the CLI says which file changed and fails, it does not
 * die of SIGBUS (af-mapped-guard.h), and reports nothing of what it read. */
static void
assert_cut_while_inspected (goffset (*cut_at_for) (gsize length))
{
  /* ~1.5 MB: its decoding takes tens of milliseconds, far longer than this process
   * takes to stop the CLI once the decoding is announced. */
  g_autoptr(AfImageBuffer) image = forensics_texture (TEXTURE_WOOD, 1600, 1200, 7);
  g_autoptr(GBytes) jpeg = forensics_jpeg (image, 95);
  g_autofree char *path = forensics_write_temp (jpeg, "cut-short.jpg");
  g_autofree char *stderr_text = NULL;
  g_autofree char *expected = NULL;
  gsize length = g_bytes_get_size (jpeg);
  goffset cut_at = cut_at_for (length);
  int status;

  g_assert_cmpuint (length, >, 512 * 1024);
  status = inspect_cut_at_decode (path, cut_at, &stderr_text);
  g_test_message ("the CLI said: %s", stderr_text);
  g_assert_false (WIFSIGNALED (status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  expected = g_strdup_printf ("%s: the file changed (was cut short) while it was inspected; "
                              "nothing of it is reported", path);
  g_assert_nonnull (strstr (stderr_text, expected));
}

/* On a page boundary near the middle: the decoder faults on the next page (SIGBUS),
 * which killed the CLI before it used the guard. */
static goffset
middle_page (gsize length)
{
  return length / 2 - (length / 2) % sysconf (_SC_PAGESIZE);
}

static void
test_inspect_cut_short (void)
{
  assert_cut_while_inspected (middle_page);
}

/* Within the last page: nothing faults (the page is still the file's), the decoder
 * reads zeros there; the file is found shorter than it was opened. */
static goffset
last_page (gsize length)
{
  return length - 100;
}

static void
test_inspect_cut_within_last_page (void)
{
  assert_cut_while_inspected (last_page);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("AF_CLI") == NULL)
    {
      g_print ("Bail out! AF_CLI must be set (meson test sets it)\n");
      return 1;
    }
  g_test_add_func ("/cli/inspect/json", test_inspect_json);
  g_test_add_func ("/cli/inspect/ela", test_inspect_ela);
  g_test_add_func ("/cli/inspect/not-an-image", test_inspect_not_an_image);
  g_test_add_func ("/cli/inspect/request-not-downloaded", test_inspect_request_not_downloaded);
  g_test_add_func ("/cli/inspect/cut-short", test_inspect_cut_short);
  g_test_add_func ("/cli/inspect/cut-within-last-page", test_inspect_cut_within_last_page);
  status = g_test_run ();
  forensics_remove_temp ();
  return status;
}
