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

Usage: test_keyboard_navigation.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
"""
import json
import os
import subprocess
import sys

from afd_ui import click, find_app, labels, press, step, wait_for
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
    print('ok - Back by Alt+Left and Escape, Tab out of the notes', flush=True)


if __name__ == '__main__':
    main()
