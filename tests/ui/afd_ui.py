# SPDX-License-Identifier: GPL-3.0-or-later
"""What the dogtail UI tests share: dogtail's settings, numbered steps, waiting for the
accessibility tree to catch up with the app, finding the app, and reading labels.

Imported by the test scripts beside it (Python puts a script's folder on its path).

On a loaded machine (2 cores, load 15-24 while eight builds run) the app and the
accessibility bus can stop answering for seconds at a time. So a test never sleeps a
fixed time and never reads the tree once and trusts it: it waits for the condition it
needs (wait_for, child, find), with a generous overall timeout that costs nothing when
things are quick, and each AT-SPI call may take its time instead of failing.
"""
import os
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402
from dogtail.config import config  # noqa: E402

config.searchShowingOnly = False
config.searchCutoffCount = 40
config.logDebugToFile = False

from dogtail import tree  # noqa: E402  (after the config)

# How long a test waits for one condition; AFD_UI_TIMEOUT_SCALE multiplies it (and the
# other waits) on a slower machine.
SCALE = float(os.environ.get('AFD_UI_TIMEOUT_SCALE', '1'))
TIMEOUT = 90.0 * SCALE
# libatspi gives up on a call after 0.8 s (15 s while the app starts): under load an
# app busy drawing answers later than that, and the call fails as if the node were gone.
# A call waits up to 20 s here; wait_for() still retries one that fails.
Atspi.set_timeout(int(20000 * SCALE), int(60000 * SCALE))

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


def wait_for(what, predicate, timeout=None):
    """The first true value of predicate(); the tree changes under us while the app
    works, so errors are retried until the time is up (TIMEOUT unless given, scaled)."""
    deadline = time.monotonic() + (TIMEOUT if timeout is None else timeout * SCALE)
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
    return wait_for('the application on the accessibility bus', lookup, timeout=120)


def alive(process):
    """True while the app runs; ends the test if it died (warnings are fatal)."""
    if process.poll() is not None:
        raise SystemExit('the app died (status %d): a GLib warning or critical?'
                         % process.returncode)
    return True


def child(node, what, **attributes):
    """node's descendant with these attributes (Node.child's), once it is there."""
    return wait_for(what, lambda: node.child(retry=False, **attributes))


def find(node, what, predicate):
    """node's first descendant for which predicate is true, once it is there."""
    return wait_for(what, lambda: node.findChild(predicate, retry=False))


def retrying(what, action):
    """Runs action() until it returns without an error (an AT-SPI call may time out
    under load). Only for actions that can be done twice: selecting, setting a text."""
    wait_for(what, lambda: action() or True)


def wait_process(process, timeout=120):
    """The exit status of process (a quit saves the window's state and closes the
    store's thread: slow under load)."""
    return process.wait(timeout=timeout * SCALE)


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


def demo_cli(app_binary, *args):
    """Runs auditflow-cli (AF_CLI, else the one beside the app's build folder) on the app's
    demo cache (af_demo_default_cache_path under this run's XDG_DATA_HOME); its output."""
    import subprocess
    binary = os.environ.get('AF_CLI') or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(app_binary))), 'cli', 'auditflow-cli')
    db = os.path.join(os.environ['XDG_DATA_HOME'], 'auditflow-desk', 'demo.sqlite')
    result = subprocess.run([binary, '--db', db] + list(args),
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, (args, result.returncode, result.stderr)
    return result.stdout
