#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Keyboard Shortcuts window (Ctrl+?), opened as a user does, with GLib warnings
fatal (afd_ui.py): on GTK 4.8 with libadwaita 1.2 a section long enough to need page
buttons made GTK warn "GtkLabel … reported min width -3", which aborted the app here.
The window lists the shortcuts of every place of the app, one section each, none of
them paged; with the app's window at 800 x 600 it fits in that (its keys' size:
test-shortcuts-keys).

Usage: test_shortcuts_window.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import os
import subprocess
import sys

from afd_ui import alive, find_app, labels, press, step, wait_for

# A few entries of each section (ui/help-overlay.ui).
SECTIONS = {
    'Queues and Audits': ['Show Shortcuts', 'Search the Queue',
                          'Go to the Queue or the Search Results'],
    'Documents': ['Next Low-Confidence Field', 'Reveal Personal Data', 'Fit Width'],
    'Artworks': ['Error Level Analysis', 'Loupe, 4×', 'Pan, or Move the Loupe'],
}


def shortcuts_window(app, process):
    alive(process)
    return next((f for f in app.children if f.name == 'Keyboard Shortcuts'), None)


def check_size(window):
    import pyatspi
    # Window coordinates: screen ones make GTK 4.8 warn (fatal here).
    extents = window.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    step('the window fits in 800 x 600: %d x %d' % (extents.width, extents.height))
    assert extents.width <= 800 and extents.height <= 600, (extents.width, extents.height)


def main():
    binary = sys.argv[1]
    step('start the app: the demo workspace, its window 800 x 600')
    for key, value in (('window-width', '800'), ('window-height', '600')):
        subprocess.run(['gsettings', 'set', 'io.github.auditflow.Desk', key, value], check=True)
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        wait_for('the demo window', lambda: alive(process) and any(
            'Demo workspace' in f.name for f in app.children if f.roleName == 'frame'))

        step('Ctrl+? opens the Keyboard Shortcuts window')
        press('<Control><Shift>question')
        window = wait_for('the Shortcuts window', lambda: shortcuts_window(app, process))
        for section, entries in SECTIONS.items():
            step('section %s lists %s' % (section, entries))
            wait_for('the entries of %s' % section,
                     lambda: alive(process) and all(e in labels(window) for e in entries))
        shown = labels(window)
        assert 'Queues and Audits' in shown, shown
        check_size(window)
        step('no section is paged (no numbered page buttons)')
        pages = window.findChildren(lambda n: 'button' in n.roleName and
                                    n.name.replace('_', '').isdigit())
        assert not pages, [p.name for p in pages]

        shot = os.environ.get('AFD_SHORTCUTS_SCREENSHOT')
        if shot:
            subprocess.run(['import', '-window', 'root', shot], check=True)
        step('the app is still running after the window was drawn')
        alive(process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print('ok - the Keyboard Shortcuts window', flush=True)


if __name__ == '__main__':
    main()
