#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes data/screenshots/document-labels-WxH.png: the demo's W-2 (W2_2023_Carter.pdf)
opened from the search, in a window of W x H (800x600 folds it: Back shown).

Not a test: run it by hand when the document page changes, then look at the PNGs.
  for size in 800x600 1440x900; do
    AFD_SCREENSHOT_DIR=data/screenshots AFD_SCREENSHOT_SIZE=$size AFD_UI_SCREEN=${size}x24 \\
    GSETTINGS_SCHEMA_DIR=build/src/app AUDITFLOW_DESK_KEY_FILE=KEY \\
      tests/ui/run-ui-test.sh tests/ui/screenshot_document_labels.py \\
      build/src/app/auditflow-desk data/demo
  done
(the real clock, no AUDITFLOW_DESK_NOW: the demo's dates are shifted to it.)
(AFD_SCREENSHOT_SIZE is the window's size, 800x600 if unset; one larger than
run-ui-test.sh's 1280x800 screen needs AFD_UI_SCREEN too: the 1440x900 picture made on
that screen showed a 1200x780 window on black.)
"""
import os
import subprocess
import sys
import time

from afd_ui import child, find_app, labels, step, wait_for
from dogtail.config import config

config.defaultDelay = 0.2

FILE_NAME = 'W2_2023_Carter.pdf'
SCHEMA = 'io.github.auditflow.Desk'


def main():
    binary = sys.argv[1]
    folder = os.environ['AFD_SCREENSHOT_DIR']
    width, height = os.environ.get('AFD_SCREENSHOT_SIZE', '800x600').split('x')
    step('the window at %sx%s' % (width, height))
    subprocess.run(['gsettings', 'set', SCHEMA, 'window-width', width], check=True)
    subprocess.run(['gsettings', 'set', SCHEMA, 'window-height', height], check=True)
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        wait_for('the demo workspace', lambda: 'Demo workspace' in app.child(roleName='frame').name)

        step('search for the W-2 and open it')
        entry = app.findChild(lambda n: n.name == 'Search every audit, document and artwork' and
                              n.roleName == 'entry')
        # Through the accessibility tree, not typed: no key pressed, so no focus ring
        # drawn (GTK shows one only after a key).
        entry.text = 'Carter'
        results = child(app, 'the search results', name='Search results', roleName='list')
        row = wait_for('the W-2 among the results', lambda: next(
            (r for r in results.children if FILE_NAME in labels(r)), None))
        row.select()
        page = child(app, 'the document page', name='AfdDocumentPage')
        wait_for('its page drawn', lambda: any(s.startswith('Page 1 of ') for s in labels(page)))
        wait_for('its fields', lambda: page.findChild(
            lambda n: n.roleName == 'list' and n.name == 'Extracted fields', retry=False))

        # The page's picture is rendered on a thread and faded in: let it land.
        time.sleep(2)
        step('save the window')
        path = os.path.join(folder, 'document-labels-%sx%s.png' % (width, height))
        # No window manager: the window sits at 0,0 of the screen.
        subprocess.run(['import', '-window', 'root', '-crop', '%sx%s+0+0' % (width, height),
                        '+repage', path], check=True)
        print('# saved %s' % path, flush=True)
    finally:
        if process.poll() is None:
            process.kill()


if __name__ == '__main__':
    main()
