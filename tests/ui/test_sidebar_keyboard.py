#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The sidebar's queues with real key events (XTest), as a new user pressed them
(issue 16 item 3): Tab and the arrows move the focus through the queues without
switching the queue shown; Enter (or a click) switches it.

Usage: test_sidebar_keyboard.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import subprocess
import sys

from afd_ui import click, find_app, press, step, wait_for
from dogtail.config import config

config.typingDelay = 0.05
config.defaultDelay = 0.2


def queue_rows(frame):
    sidebar = frame.child(name='Review queues', roleName='list')
    return sidebar.findChildren(lambda n: n.roleName == 'list item')


def selected_queue(frame):
    rows = [r.name for r in queue_rows(frame) if r.selected]
    return rows[0] if len(rows) == 1 else None


def focused_queue(frame):
    rows = [r.name for r in queue_rows(frame) if r.focused]
    return rows[0] if rows else None


def main():
    binary = sys.argv[1]
    step('start the app on the demo workspace')
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        frame = app.child(roleName='frame')
        wait_for('the queues', lambda: len(queue_rows(frame)) >= 5)
        shown = wait_for('a queue selected', lambda: selected_queue(frame))
        names = [r.name for r in queue_rows(frame)]
        print('#   queues %s, shown %s' % (names, shown), flush=True)

        step('click the queue shown: the focus is in the sidebar')
        row = [r for r in queue_rows(frame) if r.name == shown][0]
        click(row)
        wait_for('the focus on %s' % shown, lambda: focused_queue(frame) == shown)

        for key in ('Tab', 'Down', 'Down'):
            before = focused_queue(frame)
            step('%s moves the focus on, the queue stays %s' % (key, shown))
            press(key)
            wait_for('the focus to move from %s' % before,
                     lambda: focused_queue(frame) not in (None, before))
            print('#   focus on %s' % focused_queue(frame), flush=True)
            assert selected_queue(frame) == shown, (key, selected_queue(frame), shown)

        target = focused_queue(frame)
        step('Enter shows the focused queue, %s' % target)
        press('Return')
        wait_for('%s selected' % target, lambda: selected_queue(frame) == target)

        step('Shift+Tab moves the focus back, the queue stays %s' % target)
        press('<Shift>Tab')
        wait_for('the focus to move from %s' % target,
                 lambda: focused_queue(frame) != target)
        assert selected_queue(frame) == target, (selected_queue(frame), target)
        assert process.poll() is None, 'the app exited'
    finally:
        process.kill()
        process.wait()
    print('ok - Tab and arrows move the focus, Enter switches the queue', flush=True)


if __name__ == '__main__':
    main()
