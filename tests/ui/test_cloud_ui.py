#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cloud side of the window, driven through the accessibility tree: an audit in
conflict opens with its banner and a row in the sidebar's Conflicts list; Take Theirs
resolves it (the server's note on the page, the list gone; that the banner folds away
is checked in-process by test-conflict-banner); Preferences opens with its connection
and credential rows. On the demo, Sync Now is disabled.

The cache with the conflict comes from test-conflict-banner (AFD_CONFLICT_DB), built
beside the application.

Usage: test_cloud_ui.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh, under Xvfb + D-Bus)
"""
import os
import subprocess
import sys
import tempfile

from afd_ui import find_app, wait_for

AUDIT = '6e3077fc-9570-48ca-a0b3-dd673fa2a8aa'
BANNER = 'This item changed on the server while you edited it'
THEIRS = 'Bank statement balance does not match; asked for a new one.'


def showing_label(node, text):
    # Hidden widgets leave the accessibility tree (GTK 4.8 reports no "showing" state).
    return node.findChild(lambda n: n.roleName == 'label' and n.name == text,
                          retry=False, requireResult=False)


def make_conflict_db(binary, path):
    helper = os.path.join(os.path.dirname(binary), '..', '..', 'tests', 'ui',
                          'test-conflict-banner')
    env = dict(os.environ, AFD_CONFLICT_DB=path)
    subprocess.run([helper, '-p', '/conflict-banner/shown'], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def main():
    binary = sys.argv[1]
    print('1..2', flush=True)
    db = os.path.join(tempfile.mkdtemp(prefix='afd-cloud-ui-'), 'conflict.db')
    make_conflict_db(binary, db)
    process = subprocess.Popen([binary, '--db', db, AUDIT])
    try:
        app = find_app(process)
        frame = wait_for('the window', lambda: app.child(roleName='frame'))
        print('# the banner and the conflicts list', flush=True)
        wait_for('the conflict banner', lambda: showing_label(frame, BANNER))
        wait_for('the conflicts list', lambda: showing_label(frame, 'Conflicts'))
        print('# Take Theirs', flush=True)
        # GTK 4.8 names a mnemonic button "Take _Theirs Take Theirs".
        button = frame.findChild(lambda n: n.roleName == 'push button' and
                                 n.name.endswith('Take Theirs'))
        button.doActionNamed('click')
        wait_for("the server's note on the page",
                 lambda: frame.findChild(lambda n: n.roleName == 'text' and THEIRS in (n.text or ''),
                                         retry=False, requireResult=False))
        wait_for('the conflicts list to go', lambda: showing_label(frame, 'Conflicts') is None)
        print('# Preferences', flush=True)
        subprocess.run(['gapplication', 'action', 'io.github.auditflow.Desk', 'preferences'],
                       check=True)
        preferences = wait_for('the Preferences window',
                               lambda: app.child(name='Preferences', roleName='frame'))
        for title in ('Region', 'DynamoDB Endpoint', 'Secret Access Key', 'Test Connection'):
            wait_for(title, lambda: showing_label(preferences, title))
        print('ok 1 conflict banner, conflicts list, Take Theirs, Preferences', flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)
    check_demo(binary)


def check_demo(binary):
    """On the demo, whose data never leaves the computer, there is nothing to sync."""
    print('# the demo: Sync Now disabled', flush=True)
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        frame = wait_for('the demo workspace',
                         lambda: 'Demo workspace' in app.child(roleName='frame').name and
                         app.child(roleName='frame'))
        wait_for('the demo status line', lambda: showing_label(frame, 'The demo is never synced'))
        # The icon button is known by its tooltip (its accessible description), which
        # says why it is off.
        button = frame.findChild(lambda n: n.roleName == 'push button' and
                                 'demo workspace stays on this computer' in (n.description or ''))
        assert not button.sensitive, 'Sync Now is enabled on the demo'
        print('ok 2 the demo is never synced', flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == '__main__':
    main()
