#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Back and Tab with real key events (XTest), as a new user pressed them (issue 16).

1. Alt+Left leaves a document page and a compare page for the audit they came from, as
   the header's Back button does; Escape does the same on the document page. The Back
   button is only shown while there is somewhere to go back to, so its leaving the
   accessibility tree (GTK 4.8 leaves hidden widgets out) says the audit is shown again.
2. Tab in Review notes moves the focus on and types no tab character; Shift+Tab comes
   back.
4. On the audit, document and compare pages every button has a name for assistive
   technology (an icon-only one is not announced as "GtkImage" or as nothing).
5. A row of the audit's history (another audit of the loan) opens it with a way back:
   Alt+Left, then the Back button, return to the first audit with the focus on that
   history row, scrolled into view. So does a correction's row (made with
   auditflow-cli in the app's demo cache), which opens the corrected document.

Usage: test_keyboard_navigation.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import json
import os
import subprocess
import sys

from afd_ui import click, demo_cli, find_app, labels, press, step, wait_for
from dogtail.config import config

config.typingDelay = 0.05
config.defaultDelay = 0.2


def riskiest_audit(demo_dir):
    with open(os.path.join(demo_dir, 'expected.json'), encoding='utf-8') as f:
        loans = json.load(f)['loan_applications']
    loan = max(loans.values(), key=lambda loan: float(loan['risk_score']))
    return loan['risk_source_audit_record_id'], loan['applicant_name']


def back_buttons(frame):
    return frame.findChildren(lambda n: n.roleName == 'push button' and n.name == 'Back')


def focused(root):
    found = root.findChildren(lambda n: n.focused)
    return found[0] if found else None


BUTTON_ROLES = ('push button', 'toggle button', 'menu button')


def check_button_names(frame, what):
    step('every button on the %s has a name' % what)
    buttons = frame.findChildren(lambda n: n.roleName in BUTTON_ROLES)
    unnamed = [(b.roleName, b.name, b.description, b.parent.name, b.parent.parent.name, [c.name for c in b.children]) for b in buttons
               if not b.name.strip() or b.name.startswith('Gtk')]
    print('#   %d buttons' % len(buttons), flush=True)
    assert buttons and not unnamed, unnamed


def audit_page(app, name):
    page = wait_for('the audit page', lambda: app.child(name='AfdAuditPage'))
    wait_for('the audit of %s' % name, lambda: name in labels(page))
    return page


def open_document(app, page):
    link = page.findChild(lambda n: n.roleName == 'push button' and
                          n.description == 'Open this document')
    name = link.name.split(' · ')[-1]
    link.doActionNamed('click')
    document = wait_for('the document page', lambda: app.child(name='AfdDocumentPage'))
    wait_for('the document %s' % name, lambda: name in labels(document))
    return document


def check_back(app, frame, key, open_page, what):
    step('%s from the %s goes back to the audit' % (key, what))
    open_page()
    wait_for('the Back button on the %s' % what, lambda: back_buttons(frame))
    check_button_names(frame, what)
    press(key)
    wait_for('the audit again (no Back button) after %s' % key, lambda: not back_buttons(frame))


def compare(app, page):
    button = page.findChild(lambda n: n.roleName == 'push button' and
                            n.name == 'Compare Documents')
    button.doActionNamed('click')
    wait_for('the comparison', lambda: app.child(name='AfdComparePage'))


def check_tab_in_notes(frame, page):
    step('Tab in Review notes moves on and types no tab')
    notes = page.child(name='Review notes', roleName='text')
    click(notes)
    wait_for('the focus in the notes', lambda: notes.focused)
    before = notes.text
    press('Tab')
    wait_for('the focus out of the notes', lambda: not notes.focused)
    assert '\t' not in notes.text, repr(notes.text)
    assert notes.text == before, (before, notes.text)
    step('Shift+Tab comes back to the notes')
    press('<Shift>Tab')
    wait_for('the focus in the notes again', lambda: notes.focused)
    assert '\t' not in notes.text, repr(notes.text)


HISTORY_LOAN = 'LOAN-2024-163671'   # the demo's loan with two audits
HISTORY_W2 = '38df24e7-2df3-49b7-9034-36c4664353bf'   # its W-2


def history_audits(demo_dir):
    with open(os.path.join(demo_dir, 'dynamodb', 'AuditFlow-AuditRecords.json'),
              encoding='utf-8') as f:
        audits = [a for a in json.load(f)['Items']
                  if a['loan_application_id']['S'] == HISTORY_LOAN]
    assert len(audits) == 2, audits
    return [a['audit_record_id']['S'] for a in audits], audits[0]['applicant_name']['S']


def history_rows(page):
    history = page.child(name='Audit History', roleName='list')
    return [r for r in history.children if r.roleName == 'list item']


def current_row(page):
    """The history row of the audit shown, and the other one."""
    rows = history_rows(page)
    this = [r for r in rows if any('this audit' in t for t in labels(r))]
    other = [r for r in rows if r not in this and
             not any(' by ' in t for t in labels(r))]   # a correction's row
    return (this[0], other[0]) if len(this) == 1 and len(other) == 1 else None


def row_title(row):
    return labels(row)[0]


def inside(node, outer):
    import pyatspi
    a = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    b = outer.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return a.y >= b.y and a.y + a.height <= b.y + b.height


def check_history_back(app, frame, first, name, how):
    page = audit_page(app, name)
    this, other = wait_for('the history rows', lambda: current_row(page))
    first_title, other_title = row_title(this), row_title(other)
    step('%s: the other audit of the loan (%s), from the history' % (how, other_title))
    # The history is at the page's end, below the fold: Tab from the notes to its row
    # (the page scrolls to the focus), then Enter. Back from it left the focus there.
    if not other.focused:
        click(page.child(name='Review notes', roleName='text'))
    for _ in range(120):
        if other.focused:
            break
        press('Tab')
    assert other.focused, 'Tab never reached the history row'
    press('Return')
    wait_for('the other audit shown', lambda: row_title(current_row(page)[0]) == other_title)
    wait_for('a Back button', lambda: back_buttons(frame))
    if how == 'Back button':
        back_buttons(frame)[0].doActionNamed('click')
    else:
        press(how)
    wait_for('the first audit again', lambda: row_title(current_row(page)[0]) == first_title)
    step('the focus is on the history row followed, in view')
    row = wait_for('the focused history row', lambda: next(
        (r for r in history_rows(page) if r.focused), None))
    assert row_title(row) == other_title, (row_title(row), other_title)
    scroller = max(page.findChildren(lambda n: n.roleName == 'scroll pane'),
                   key=lambda n: n.queryComponent().getExtents(1).height)  # window coords
    assert inside(row, scroller), 'the history row is out of view'


def check_correction_back(app, frame, name):
    page = audit_page(app, name)
    row = wait_for('the correction\'s row', lambda: next(
        r for r in history_rows(page) if any('corrected by' in t for t in labels(r))))
    title = row_title(row)
    step('the correction %r opens its document from the history' % title)
    # Back left the focus in the history: the arrow keys move within it.
    assert any(r.focused for r in history_rows(page)), 'the focus is not in the history'
    for _ in range(len(history_rows(page))):
        if row.focused:
            break
        press('Down')
    assert row.focused, 'Tab never reached the correction\'s row'
    press('Return')
    document = wait_for('the document page', lambda: app.child(name='AfdDocumentPage'))
    wait_for('a Back button', lambda: back_buttons(frame))
    step('Alt+Left: the audit again, the focus on the correction\'s row')
    press('<Alt>Left')
    wait_for('the focused correction row', lambda: next(
        (r for r in history_rows(page) if r.focused and row_title(r) == title), None))
    scroller = max(page.findChildren(lambda n: n.roleName == 'scroll pane'),
                   key=lambda n: n.queryComponent().getExtents(1).height)  # window coords
    assert inside(row, scroller), 'the correction row is out of view'
    assert document is not None


def main():
    binary, demo_dir = sys.argv[1], sys.argv[2]
    audit_id, name = riskiest_audit(demo_dir)
    step('start the app on the audit of %s' % name)
    process = subprocess.Popen([binary, audit_id])
    try:
        app = find_app(process)
        frame = app.child(roleName='frame')
        page = audit_page(app, name)
        assert not back_buttons(frame), 'a Back button on the first page'
        check_button_names(frame, 'audit page')
        check_back(app, frame, '<Alt>Left', lambda: open_document(app, page), 'document page')
        check_back(app, frame, 'Escape', lambda: open_document(app, page), 'document page')
        check_back(app, frame, '<Alt>Left', lambda: compare(app, page), 'compare page')
        check_tab_in_notes(frame, audit_page(app, name))
    finally:
        process.kill()
        process.wait()
    (first, _), name = history_audits(demo_dir)
    step('a correction of the W-2 of %s, made with auditflow-cli' % name)
    demo_cli(binary, '--user', 'ann@example.com', 'correct', HISTORY_W2, 'employee_name',
             'John A. Smith', '--note', 'As on the licence')
    step('start the app on an audit of %s with a history' % name)
    process = subprocess.Popen([binary, first])
    try:
        app = find_app(process)
        frame = app.child(roleName='frame')
        check_history_back(app, frame, first, name, '<Alt>Left')
        check_history_back(app, frame, first, name, 'Back button')
        check_correction_back(app, frame, name)
    finally:
        process.kill()
        process.wait()
    print('ok - Back by Alt+Left and Escape (also to the history), Tab out of the notes', flush=True)


if __name__ == '__main__':
    main()
