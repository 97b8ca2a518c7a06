#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Between the search box and the queue's list with the arrows, real key events (XTest),
as a keyboard user goes: Down in the search box goes into the list (on its first row,
or on the row of the item open) and opens nothing new, the arrows then move through the
rows (each opened, as a click does), Up from the first row comes back to the search
box, and a letter typed there starts a search.
Then the rows of reviewed audits say "Reviewed" to assistive technologies (AT-SPI),
those of artworks do not (its hidden state, not a hidden widget: afd-queue-row-view.c).

Usage: test_queue_keyboard.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import subprocess
import sys

from afd_ui import click, find_app, labels, press, step, wait_for
from dogtail.config import config

config.typingDelay = 0.05
config.defaultDelay = 0.2

SEARCH_NAME = 'Search every audit, document and artwork'
SEARCHING = 'Every audit, document and artwork'   # the list's subtitle while searching


def queue_rows(frame):
    queue = frame.child(name='Queue items', roleName='list')
    return [r for r in queue.children if r.roleName == 'list item']


def focused_row(frame):
    """The position of the queue row that has the focus, or None."""
    rows = queue_rows(frame)
    found = [i for i, r in enumerate(rows) if r.focused]
    return found[0] if found else None


def row_title(frame, position):
    return labels(queue_rows(frame)[position])[0]


def search_entry(frame):
    return frame.child(name=SEARCH_NAME, roleName='entry')


def in_entry(entry):
    """The focus is in the search box (on it, or on the text inside it)."""
    return entry.focused or bool(entry.findChildren(lambda n: n.focused))


def detail_title(app):
    """What the page on the right shows, by its labels (None while nothing is open)."""
    pages = app.findChildren(lambda n: n.name == 'AfdAuditPage')
    return ' '.join(labels(pages[0])) if pages else None


def selected_row(frame):
    found = [i for i, r in enumerate(queue_rows(frame)) if r.selected]
    return found[0] if found else None


def check_down_up(app, frame, entry, down_to):
    selected = selected_row(frame)
    step('Down in the search box: the focus on queue row %d' % down_to)
    press('Down')
    wait_for('the focus on row %d' % down_to, lambda: focused_row(frame) == down_to)
    assert not in_entry(entry)
    assert selected_row(frame) == selected, (selected_row(frame), selected)
    for position in range(down_to - 1, -1, -1):
        step('Up: the focus on row %d, which opens' % position)
        press('Up')
        wait_for('the focus on row %d' % position, lambda: focused_row(frame) == position)
        title = row_title(frame, position)
        wait_for('%s open' % title, lambda: title in (detail_title(app) or ''))
        assert focused_row(frame) == position, 'the focus left the list'
    step('Up on the first row: back in the search box, the row still selected')
    selected = selected_row(frame)
    press('Up')
    wait_for('the focus in the search box', lambda: in_entry(entry))
    assert focused_row(frame) is None
    assert selected_row(frame) == selected, (selected_row(frame), selected)


def choose_queue(frame, name):
    sidebar = frame.child(name='Review queues', roleName='list')
    row = wait_for('the queue %s' % name, lambda: next(
        (r for r in sidebar.findChildren(lambda n: n.roleName == 'list item')
         if r.name == name), None))
    click(row)
    wait_for('%s shown' % name, lambda: row.selected)


def row_labels(frame):
    return [labels(r) for r in queue_rows(frame)]


def check_reviewed_said(frame):
    """Every audit of the demo is reviewed: each of their rows says so to assistive
    technologies; an artwork's row, with the same spoken texts under it, does not."""
    step('All Loans: every row says Reviewed (the demo\'s audits all are)')
    audits = row_labels(frame)
    print('#   %s' % audits, flush=True)
    assert audits and all('Reviewed' in texts for texts in audits), audits
    choose_queue(frame, 'All Artworks')
    step('All Artworks: no row says Reviewed')
    artworks = wait_for('the artworks\' rows', lambda: [
        texts for texts in row_labels(frame) if texts and texts[0] not in
        [a[0] for a in audits]])
    print('#   %s' % artworks, flush=True)
    assert not any('Reviewed' in texts for texts in artworks), artworks


def main():
    binary = sys.argv[1]
    step('start the app on the demo workspace')
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        frame = app.child(roleName='frame')
        choose_queue(frame, 'All Loans')
        wait_for('rows in the queue', lambda: len(queue_rows(frame)) >= 4 and
                 all(labels(r) for r in queue_rows(frame)))
        entry = search_entry(frame)
        step('Ctrl+F: the focus in the search box')
        press('<Control>f')
        wait_for('the focus in the search box', lambda: in_entry(entry))
        check_down_up(app, frame, entry, 0)
        assert detail_title(app) is None, 'Down or Up opened an audit'

        title = row_title(frame, 2)
        step('open the third row (%s) with a click' % title)
        click(queue_rows(frame)[2])
        wait_for('its audit open', lambda: title in (detail_title(app) or ''))
        press('<Control>f')
        wait_for('the focus in the search box', lambda: in_entry(entry))
        check_down_up(app, frame, entry, 2)

        step('a letter typed after Up starts a search')
        press('m')
        wait_for('the search shown', lambda: SEARCHING in labels(frame))
        press('Escape')
        wait_for('the queue back', lambda: SEARCHING not in labels(frame))
        check_reviewed_said(frame)
        assert process.poll() is None, 'the app exited'
    finally:
        process.kill()
        process.wait()
    print('ok - Down from the search box into the queue, Up from its first row back; '
          'Reviewed said where it is', flush=True)


if __name__ == '__main__':
    main()
