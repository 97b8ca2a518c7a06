#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Leaving the demo and coming back (issue 16 item 10), through the window as a user
does it: Preferences → Use This Workspace opens the user's own (empty) workspace, and
the main menu's Open Demo Workspace brings the demo back. The app runs with GLib
warnings and criticals fatal (run-ui-test.sh), so a teardown that logs
`g_signal_handlers_disconnect_matched: assertion … failed` kills it and fails here.

Usage: test_workspace_switch.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import subprocess
import sys

from afd_ui import alive, find_app, step, wait_for

DEMO_TITLE = 'AuditFlow Desk — Demo workspace'
OWN_TITLE = 'AuditFlow Desk'


def frames(app, process):
    alive(process)
    return [f for f in app.children if f.roleName == 'frame']


def only_window(app, process, title):
    """The one main window left, with @title."""
    windows = frames(app, process)
    return len(windows) == 1 and windows[0].name == title and windows[0]


def open_menu_item(app, process, title, label):
    """Clicks the main menu's @label in the window @title (looked up afresh: a window
    node goes stale when the window is replaced)."""
    frame = wait_for('the window %s' % title, lambda: only_window(app, process, title))
    menu = frame.findChild(lambda n: n.name == 'Main Menu')
    buttons = [menu] + menu.findChildren(lambda n: 'button' in n.roleName)
    clickable = [b for b in buttons if 'click' in b.actions]
    print('#   main menu: %s' % [(b.roleName, list(b.actions)) for b in buttons], flush=True)
    clickable[0].doActionNamed('click')
    wait_for('the main menu open', lambda: app.findChildren(lambda n: n.roleName == 'menu item'))
    print('#   menu items: %s' % [n.name for n in app.findChildren(lambda n: n.roleName == 'menu item')], flush=True)
    item = wait_for('"%s" in the main menu' % label,
                    lambda: app.findChild(lambda n: n.name.replace('_', '') == label and
                                          'menu' in n.roleName,
                                          retry=False, requireResult=False))
    print('#   %s: %s %s' % (label, item.roleName, list(item.actions)), flush=True)
    item.doActionNamed('click')


def use_this_workspace(app, process):
    preferences = wait_for('the Preferences window',
                           lambda: [f for f in frames(app, process) if f.name == 'Preferences'])[0]
    button = wait_for('Use This Workspace',
                      lambda: preferences.findChild(lambda n: n.roleName == 'push button' and
                                                    n.name.endswith('Use This Workspace'),
                                                    retry=False, requireResult=False))
    button.doActionNamed('click')


def main():
    binary = sys.argv[1]
    step('start the app: the demo workspace')
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        wait_for('the demo window', lambda: only_window(app, process, DEMO_TITLE))

        step('Preferences → Use This Workspace')
        open_menu_item(app, process, DEMO_TITLE, 'Preferences')
        use_this_workspace(app, process)
        wait_for('the own workspace, alone', lambda: only_window(app, process, OWN_TITLE))

        step('main menu → Open Demo Workspace')
        open_menu_item(app, process, OWN_TITLE, 'Open Demo Workspace')
        wait_for('the demo again, alone', lambda: only_window(app, process, DEMO_TITLE))

        step('and back to the own workspace once more')
        open_menu_item(app, process, DEMO_TITLE, 'Preferences')
        use_this_workspace(app, process)
        wait_for('the own workspace again', lambda: only_window(app, process, OWN_TITLE))
        alive(process)
    finally:
        process.kill()
        process.wait()
    print('ok - out of the demo and back, no GLib warning or critical', flush=True)


if __name__ == '__main__':
    main()
