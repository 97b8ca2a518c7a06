/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * afd-test-widgets.h — finding widgets the way a user does (by their title or label)
 * in the in-process UI tests, waiting for the app, scratch folders, and saving what a
 * window shows as a PNG.
 */
#pragma once

#include <adwaita.h>

#include "af-store-thread.h"
#include "af-test-util.h"
#include "afd-sync-panel.h"
#include "afd-workspace.h"

G_BEGIN_DECLS

/* The first AdwPreferencesRow titled @title under @root. */
GtkWidget *afd_test_find_row    (GtkWidget  *root,
                                 const char *title);
/* The first GtkButton whose label is @label (mnemonic underscores included). */
GtkWidget *afd_test_find_button (GtkWidget  *root,
                                 const char *label);
/* The first widget of @type at or under @root (depth first), or NULL. */
GtkWidget *afd_test_find_widget (GtkWidget  *root,
                                 GType       type);
/* Stands in for the window's win.toast on @window: the returned array (of strings, in
 * order) gets every toast asked for under it. */
GPtrArray *afd_test_record_toasts (GtkWidget *window);
/* Iterates the main context until @done (@data) is TRUE; fails the test after
 * @seconds. */
void       afd_test_wait_until  (gboolean  (*done) (gpointer),
                                 gpointer    data,
                                 guint       seconds);
/* Waits until @panel's status line contains @text (it is read on the store's thread, so
 * it changes a moment later); fails the test after @seconds. */
void       afd_test_wait_sync_status (AfdSyncPanel *panel,
                                      const char   *text,
                                      guint         seconds);
/* Waits for @frames drawn frames of @widget, the main context idle after each, so that
 * allocation, re-centring after a paint and drawing settle. */
void       afd_test_settle      (GtkWidget  *widget,
                                 guint       frames);
/* Iterates the main context for @ms milliseconds (animations, redraws). */
void       afd_test_run_for     (guint       ms);
/* Renders @widget's window into @path when AFD_SCREENSHOT_DIR is set (file @name). */
void       afd_test_screenshot  (GtkWidget  *widget,
                                 const char *name);

/* Runs @func (@data) on @workspace's store thread, the app's only connection, and
 * waits for it: a test's own changes to the cache and its checks of what is in it go
 * where the pages' do. Fails the test on an error; returns the job's result. */
gpointer   afd_test_store_run   (AfdWorkspace   *workspace,
                                 AfStoreJobFunc  func,
                                 gpointer        data);

/* The demo workspace: its cache made in @scratch from AF_FIXTURES_DIR, then opened as
 * the window opens it (afd_workspace_open_async); fails the test after @seconds. */
AfdWorkspace *afd_test_open_demo (const char *scratch,
                                  guint       seconds);

G_END_DECLS
