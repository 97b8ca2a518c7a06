#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export Report… and Print… on the audit page of the demo, driven through the
accessibility tree: the file chooser suggests the loan id's name, the PDF is written
(on a worker thread); Print… opens the print dialog.

Usage: test_report_export.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh, under Xvfb + D-Bus)
"""
import os
import subprocess
import sys

from afd_ui import find_app, labels, step, wait_for

AUDIT = 'fe11c43f-ccc8-4dca-a010-e19e7a19a348'
LOAN = 'LOAN-2024-259508'
APPLICANT = 'Daniel P. Okafor'
SUGGESTED = LOAN + ' review.pdf'


def app_window(app, name):
    return wait_for('the window ' + name,
                    lambda: next((w for w in app.children if w.name == name), None))


def button(node, label):
    # GTK 4.8 names a button with a mnemonic "_Label Label": match the shown words.
    return wait_for('the button ' + label, lambda: node.findChild(
        lambda n: n.roleName == 'push button' and (n.name == label or n.name.endswith(' ' + label)),
        retry=False))


def main():
    binary = sys.argv[1]
    home = os.environ['HOME']
    print('1..1', flush=True)
    process = subprocess.Popen([binary, AUDIT], cwd=home)
    try:
        app = find_app(process)
        wait_for('the demo workspace', lambda: 'Demo workspace' in app.child(roleName='frame').name)
        page = wait_for('the audit page', lambda: app.child(name='AfdAuditPage'))
        wait_for('the audit', lambda: APPLICANT in labels(page))

        step('Export Report… opens a file chooser')
        button(page, 'Export Report…').doActionNamed('click')
        dialog = app_window(app, 'Export Report')

        # GTK 4.8 does not expose the name field's text: the file's name on disk
        # shows what was suggested.
        # (The toast that says so is gone before the tree could be searched for it.)
        step('Export, as suggested, writes "%s" from a worker thread' % SUGGESTED)
        button(dialog, 'Export').doActionNamed('click')
        path = os.path.join(home, SUGGESTED)
        wait_for('the PDF', lambda: os.path.exists(path), timeout=30)
        assert process.poll() is None, 'the app exited'
        text = subprocess.run(['pdftotext', path, '-'], capture_output=True, text=True,
                              check=True).stdout
        assert LOAN in text and APPLICANT in text, text[:400]
        assert '915-99-3776' not in text

        step('Print… opens the print dialog (cancelled)')
        button(page, 'Print…').doActionNamed('click')
        printing = wait_for('the print dialog', lambda: next(
            (w for w in app.children if w.name not in ('AuditFlow Desk — Demo workspace',)
             and w.roleName != 'frame'), None), timeout=30)
        button(printing, 'Cancel').doActionNamed('click')
        assert process.poll() is None, 'the app exited'
        print('ok 1 /report/export-and-print', flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == '__main__':
    main()
