#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted session with the main-thread SQL guard fatal (issue 13): the window's
main thread runs no SQLite statement after its first frame.

On the demo workspace: choose a queue, type a search (the grouped results, Down to the
first and Up back to the entry, Enter opens the first), clear it, open an audit, type a
note, open a document, F8, mark the audit reviewed, save a correction. The app runs
with AFD_SQL_GUARD=fatal (AFD_UI_SQL_GUARD overrides it, e.g. 'count' to see how many
statements remain while some code is not converted): a statement on the main thread
aborts it, which ends this test. At Ctrl+Q the app says how many it saw: none.

Usage: test_main_thread.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import os
import re
import subprocess
import sys

from afd_ui import find_app, labels, step, wait_for
from dogtail import rawinput
from dogtail.config import config

config.typingDelay = 0.05
config.defaultDelay = 0.2

NOTE = 'Checked the W-2 against the 1040 (main-thread test)'
CORRECTED = '46-5624256'
IDENTITY = 'demo.reviewer@example.com'


def start(binary):
    mode = os.environ.get('AFD_UI_SQL_GUARD', 'fatal')
    step('start the app with the main-thread SQL guard %s' % mode)
    env = dict(os.environ, AFD_SQL_GUARD=mode)
    process = subprocess.Popen([binary], env=env, stderr=subprocess.PIPE, text=True)
    app = find_app(process)
    wait_for('the demo workspace', lambda: 'Demo workspace' in app.child(roleName='frame').name)
    return process, app


def alive(process):
    assert process.poll() is None, 'the app ended (status %s): SQL on the main thread?' % \
        process.returncode


def choose_queue(app, name):
    step('choose the %s queue' % name)
    queues = app.child(name='Review queues', roleName='list')
    queues.child(name=name, roleName='list item').select()
    items = wait_for('queue items', lambda: app.child(name='Queue items', roleName='list'))
    wait_for('a first row', lambda: items.children[0] if items.children else None)
    return items


def search(app, items, process):
    first = items.children[0]
    word = labels(first)[0].split()[-1]
    before = len(items.children)
    step('Ctrl+F and type a search, %s (from the first row, %r)' % (word, labels(first)[0]))
    entry = app.findChild(lambda n: n.name == 'Search every audit, document and artwork' and n.roleName == 'entry')
    rawinput.keyCombo('<Control>f')
    wait_for('the search entry focused', lambda: entry.focused)
    rawinput.typeText(word)
    # Every kind of item is searched, not the queue: the audits come in a group of their own.
    results = app.child(name='Search results', roleName='list')
    wait_for('the audits group', lambda: any(s.startswith('Audits · ') for s in labels(results)))
    wait_for('the audit among the results', lambda: any(word in s for s in labels(results)))
    alive(process)

    step('Down: the first result gets the focus, not opened; Up: back to the entry')
    rawinput.pressKey('Down')
    focused = wait_for('a result focused', lambda: results.findChild(
        lambda n: n.focused and n.roleName != 'list', retry=False))
    assert not any(s.startswith('Audits · ') for s in labels(focused)), 'the header got the focus'
    assert not app.findChildren(lambda n: n.name == 'AfdAuditPage'), 'the result opened'
    rawinput.pressKey('Up')
    wait_for('the search entry focused again', lambda: entry.focused)
    alive(process)

    step('Enter: the first result opens')
    rawinput.pressKey('Return')
    page = app.child(name='AfdAuditPage')
    wait_for('the audit found', lambda: any(word in s for s in labels(page)) and
             any(s.startswith('Risk score') for s in labels(page)))
    # The query stays (clearing it would empty the results): Back would find them.
    assert any(word in s for s in labels(results)), 'the results went away'
    alive(process)

    step('clear it')
    entry.text = ''
    wait_for('the whole queue again', lambda: len(items.children) == before)
    alive(process)


def open_audit(app, items):
    step('open the first audit')
    first = wait_for('a first row', lambda: items.children[0] if items.children else None)
    first.select()
    page = app.child(name='AfdAuditPage')
    wait_for('the audit', lambda: any(s.startswith('Risk score') for s in labels(page)))
    return page


def type_note(page, process):
    step('type a review note')
    page.child(name='Review notes', roleName='text').text = NOTE
    wait_for('the note saved', lambda: 'Saved on this computer · waiting to sync' in labels(page))
    alive(process)


def open_document(app, page):
    step('open a document of the audit')
    link = page.findChild(lambda n: n.roleName == 'push button' and
                          n.description == 'Open this document')
    link.doActionNamed('click')
    document = wait_for('the document page', lambda: app.child(name='AfdDocumentPage'))
    fields = wait_for('the fields list', lambda: document.findChild(
        lambda n: n.roleName == 'list' and n.name == 'Extracted fields', retry=False))
    wait_for('the pages', lambda: any(s.startswith('Page 1 of ') for s in labels(document)))
    return document, fields


def selected_row(fields):
    rows = [row for row in fields.children if row.selected]
    return rows[0] if len(rows) == 1 else None


def next_low_confidence(fields, process):
    step('F8: the next low-confidence field')
    rawinput.pressKey('F8')
    row = wait_for('a selected field', lambda: selected_row(fields))
    wait_for('the focus on it', lambda: row.focused)
    alive(process)
    return row


def back_to_audit(app):
    step('back to the audit (Alt+Left)')
    rawinput.keyCombo('<Alt>Left')
    page = app.child(name='AfdAuditPage')
    wait_for('the audit page', lambda: page.showing or any(
        n.name.startswith('Mark Reviewed') for n in page.findChildren(
            lambda n: n.roleName == 'push button')))
    return page


def mark_reviewed(app, page, process):
    step('mark the audit reviewed')
    button = page.findChild(lambda n: n.roleName == 'push button' and
                            n.name.startswith('Mark Reviewed'))
    again = button.name == 'Mark Reviewed Again…'
    button.doActionNamed('click')
    if again:
        # Reviewed by someone else already: the app asks first (its question's dialog).
        step('answer Mark Reviewed Again')
        dialog = wait_for('the question', lambda: app.findChild(
            lambda n: n.roleName == 'label' and
            n.name.endswith(' — mark reviewed again as you?'), retry=False))
        while dialog.roleName not in ('dialog', 'frame', 'window', 'alert'):
            dialog = dialog.parent
        dialog.findChild(lambda n: n.roleName == 'label' and n.name == 'Mark Reviewed Again',
                         retry=False).parent.doActionNamed('click')
    wait_for('who reviewed', lambda: 'Reviewed by %s' % IDENTITY in labels(page))
    alive(process)


def correct(fields, process):
    row = next_low_confidence(fields, process)
    step('F2, a value, Enter: a correction')
    rawinput.pressKey('F2')
    entry = wait_for('the editor', lambda: row.findChild(
        lambda n: n.roleName == 'text' and n.name == 'Corrected value' and n.focused,
        retry=False))
    text = entry.queryText()
    for _ in range(text.characterCount):
        rawinput.pressKey('BackSpace')
    rawinput.typeText(CORRECTED)
    rawinput.pressKey('Return')
    wait_for('the row corrected', lambda: any(r.name.endswith(', corrected')
                                              for r in fields.children))
    alive(process)


def quit_and_count(process):
    step('Ctrl+Q: the app ends and says how many statements ran on the main thread')
    rawinput.keyCombo('<Control>q')
    _, stderr = process.communicate(timeout=60)
    sys.stderr.write(stderr)
    assert process.returncode == 0, 'the app ended with status %d' % process.returncode
    found = re.findall(r'SQL statements on the main thread after the first frame: (\d+)', stderr)
    assert found, 'the app did not say how many statements it saw'
    assert found[-1] == '0', '%s statements ran on the main thread' % found[-1]


def main():
    binary = sys.argv[1]
    print('1..1', flush=True)
    process, app = start(binary)
    try:
        items = choose_queue(app, 'High Risk')
        search(app, items, process)
        page = open_audit(app, items)
        type_note(page, process)
        _, fields = open_document(app, page)
        next_low_confidence(fields, process)
        page = back_to_audit(app)
        mark_reviewed(app, page, process)
        _, fields = open_document(app, page)
        correct(fields, process)
        quit_and_count(process)
    finally:
        if process.poll() is None:
            process.kill()
    print('ok 1 - a session without SQL on the main thread', flush=True)


if __name__ == '__main__':
    main()
