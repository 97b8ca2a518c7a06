# SPDX-License-Identifier: GPL-3.0-or-later
"""What the dogtail UI tests share: dogtail's settings, numbered steps, waiting for the
accessibility tree to catch up with the app, finding the app, and reading labels.

Imported by the test scripts beside it (Python puts a script's folder on its path).
"""
import os
import time

from dogtail.config import config

config.searchShowingOnly = False
config.searchCutoffCount = 40
config.logDebugToFile = False

from dogtail import tree  # noqa: E402  (after the config)

# The app, and anything else a test starts, runs with GLib warnings and criticals
# fatal, so that a test fails on the first one (issue 16 item 10). GLib reads G_DEBUG
# when it loads: this process's own GLib, loaded above, is not affected (dogtail's
# AT-SPI client warns when the app it watches goes away).
os.environ['G_DEBUG'] = ','.join(filter(None, [os.environ.get('G_DEBUG'), 'fatal-warnings']))

APP_NAME = 'auditflow-desk'

_step_number = 0


def step(text):
    """Says what the test does next, as a TAP comment."""
    global _step_number
    _step_number += 1
    print(f'# step {_step_number}: {text}', flush=True)


def wait_for(what, predicate, timeout=20.0):
    """The first true value of predicate(); the tree changes under us while the app
    works, so errors are retried until the time is up."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:
            last_error = error
        time.sleep(0.2)
    raise AssertionError(f'timed out waiting for {what} (last error: {last_error})')


def find_app(process):
    """The app started as process, once it is on the accessibility bus."""
    def lookup():
        if process.poll() is not None:
            raise SystemExit('the app exited at start with status %d' % process.returncode)
        for app in tree.root.applications():
            if app.name == APP_NAME and app.get_process_id() == process.pid:
                return app
        return None
    return wait_for('the application on the accessibility bus', lookup, timeout=30)


def labels(node):
    """The labels of visible widgets: GTK 4.8 leaves hidden ones out of the tree, but
    keeps a stack's pages that are not shown and never sets the 'showing' state."""
    return [n.name for n in node.findChildren(lambda n: n.roleName == 'label')]


def click(node):
    """A real pointer click in the middle of node. GTK 4.8 gives only window-relative
    positions (asked for screen ones, as dogtail's Node.click does, it logs a warning,
    fatal here); with no window manager the window sits at 0,0, so they are the screen's."""
    import pyatspi
    from dogtail import rawinput

    extents = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    rawinput.click(extents.x + extents.width // 2, extents.y + extents.height // 2)


def press(key):
    """A real key press (XTest): 'Tab', or a combination such as '<Shift>Tab'."""
    from dogtail import rawinput

    print('#   key %s' % key, flush=True)
    if key.startswith('<'):
        rawinput.keyCombo(key)
    else:
        rawinput.pressKey(key)
