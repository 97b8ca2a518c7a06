#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A document's whole review without the mouse, with real key events (XTest).

Opens a W-2 with two low-confidence fields from the command line, Tabs into the
document viewer, steps through the low-confidence fields with F8 and Shift+F8
(exactly those expected.json lists, in its order), confirms one with Enter (an edit
that joins the outbox), opens the editor on the other with F2 and leaves it with
Escape, then corrects it with F2, the value the page shows, Tab, a note and Enter: the
note shows under the value, and "Requires manual review" goes. The loan's audit then
lists both in its history, the note too. Ctrl+Q quits; auditflow-cli then finds the
confirmation and the correction in the demo cache, and both entries in the outbox.

The accessibility tree is only read here: every step of the review is a key press.

Usage: test_keyboard_review.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh)
AF_CLI names auditflow-cli (else it is found beside the app's build directory);
AFD_UI_SCREENSHOT=FILE.png keeps a screenshot of the page mid-review.
"""
import json
import os
import subprocess
import sys

from afd_ui import SCALE, child, find, find_app, labels, step, wait_for, wait_process
from dogtail import rawinput
from dogtail.config import config

# XTest events land in the app's queue at once; a short pause per key is enough.
config.typingDelay = 0.05
config.defaultDelay = 0.2

IDENTITY = 'demo.reviewer@example.com'
# John Smith's W-2: two low-confidence fields, one of them read wrongly by the OCR.
DOCUMENT_ID = '38df24e7-2df3-49b7-9034-36c4664353bf'
# The newest audit of John Smith's loan, whose history lists the W-2's corrections.
AUDIT_ID = '913a8c14-2450-420b-bca7-1d4a1c988462'
NOTE = 'Page shows the amount (keyboard test)'
# Typed and then abandoned with Escape: it must reach neither the row nor the cache.
ABANDONED = '99999.99'
MAX_TABS = 60


def humanize(field):
    """The start of the app's title for a field: 'federal_tax_withheld' -> 'Federal tax withheld'."""
    text = ' '.join(w for w in field.split('_') if w)
    return text[:1].upper() + text[1:]


# ---- the application ----

def start(binary, item_id):
    step('start the app on the demo workspace with the document %s' % item_id)
    process = subprocess.Popen([binary, item_id])
    app = find_app(process)
    wait_for('the demo workspace',
             lambda: 'Demo workspace' in app.child(roleName='frame', retry=False).name)
    return process, app


def open_document(app, document):
    page = child(app, 'the document page', name='AfdDocumentPage')
    wait_for('the document %s' % document['file_name'],
             lambda: document['file_name'] in labels(page))
    fields = wait_for('the fields list', lambda: page.findChild(
        lambda n: n.roleName == 'list' and n.name == 'Extracted fields', retry=False))
    wait_for('its %d fields' % document['extracted_field_count'],
             lambda: len(fields.children) == document['extracted_field_count'])
    # F8 brings the field's box into view only once the pages are rendered.
    wait_for('the pages', lambda: any(s.startswith('Page 1 of ') for s in labels(page)))
    return page, fields


# ---- what the accessibility tree says ----

def focused(root):
    found = root.findChildren(lambda n: n.focused)
    return found[0] if found else None


def identity(node):
    """What tells one focused node from another (the tree has no stable ids)."""
    parent = node.parent
    return (node.roleName, node.name, node.description, node.indexInParent,
            parent.roleName if parent else None, parent.name if parent else None)


def focus_moved(root, before):
    """The one focused node under root once it is not the one known as before: the
    tree says a key's effect late under load, and two nodes focused at once while it
    catches up."""
    def moved():
        found = root.findChildren(lambda n: n.focused)
        return found[0] if len(found) == 1 and identity(found[0]) != before else None
    return wait_for('the focus to move', moved)


def is_inside(node, ancestor_name):
    while node is not None:
        if node.name == ancestor_name:
            return True
        node = node.parent
    return False


def row_of(fields, field):
    title = humanize(field).lower()
    return next(row for row in fields.children if row.name.lower().startswith(title + ':'))


def selected_row(fields):
    rows = [row for row in fields.children if row.selected]
    return rows[0] if len(rows) == 1 else None


def shown_value(row):
    """The row's value as its accessible name says it: 'Title: VALUE, confidence …'."""
    return row.name.split(': ', 1)[1].rsplit(', confidence ', 1)[0]


def entry_of(row, name):
    return row.findChild(lambda n: n.roleName == 'text' and n.name == name, retry=False)


def text_of(entry):
    """An entry's text. Not Node.text: GTK 4.8 clamps its end offset of -1 to 0."""
    text = entry.queryText()
    return text.getText(0, text.characterCount)


def editing(row):
    """The editor is open when one of its entries has the focus (see labels())."""
    entries = [entry_of(row, 'Corrected value'), entry_of(row, 'Note on the correction')]
    return next((entry for entry in entries if entry.focused), None)


# ---- keys ----

def press(key, what=None):
    print('#   key %s%s' % (key, ' (%s)' % what if what else ''), flush=True)
    if key.startswith('<'):
        rawinput.keyCombo(key)
    else:
        rawinput.pressKey(key)


def tab_into_viewer(app):
    """Tab until the keyboard focus is inside the document viewer ('Document review')."""
    frame = child(app, 'the window', roleName='frame')
    node = focused(frame)
    for count in range(1, MAX_TABS + 1):
        before = identity(node) if node is not None else None
        press('Tab')
        # One Tab at a time: a second one before the first shows could pass the viewer.
        node = focus_moved(frame, before)
        if is_inside(node, 'Document review'):
            print('#   focus in the viewer after %d Tab: %s %r' % (count, node.roleName, node.name),
                  flush=True)
            return node
    raise AssertionError('%d Tab presses never reached the document viewer' % MAX_TABS)


def expect_selected(fields, field, why):
    title = humanize(field).lower()
    row = wait_for('%s: %s selected' % (why, field), lambda: (
        selected_row(fields) is not None and
        selected_row(fields).name.lower().startswith(title + ':') and selected_row(fields)))
    # The focus follows the selection, so that Enter and F2 act on what is shown.
    wait_for('the focus on the %s row' % field, lambda: row.focused)
    return row


# ---- the review ----

def step_through(fields, low):
    step('F8 visits exactly the low-confidence fields, in order: %s' % ', '.join(low))
    for field in low:
        press('F8', 'next')
        expect_selected(fields, field, 'F8')
    step('one more F8 wraps round to the first; Shift+F8 goes back')
    press('F8', 'next')
    expect_selected(fields, low[0], 'F8 after the last')
    for field in reversed(low):
        press('<Shift>F8', 'previous')
        expect_selected(fields, field, 'Shift+F8')


def confirm(app, page, fields, field, n_low):
    step('Enter confirms %s' % field)
    row = row_of(fields, field)
    assert row.selected and row.focused, row.name
    press('Return', 'confirm')
    wait_for('the row to say confirmed', lambda: row_of(fields, field).name.endswith(', confirmed'))
    row = row_of(fields, field)
    assert 'Confirmed' in labels(row), labels(row)
    assert 'Low confidence' not in labels(row), labels(row)
    wait_for('the progress line', lambda: '1 of %d low-confidence fields reviewed — F8 goes to the next'
             % n_low in labels(page))
    step('confirming is an edit: it joins the outbox like a correction')
    wait_for('the outbox indicator', lambda: '1 change kept on this computer (the demo never syncs)'
             in labels(app.child(roleName='frame', retry=False)))


def abandon_edit(app, fields, field, original):
    step('F2 opens the editor on %s with its value; Escape leaves it unchanged' % field)
    row = row_of(fields, field)
    press('F2', 'edit')
    entry = wait_for('the editor, its value entry focused',
                     lambda: entry_of(row, 'Corrected value').focused and entry_of(row, 'Corrected value'))
    assert text_of(entry) == original, repr(text_of(entry))
    rawinput.typeText(ABANDONED)
    wait_for('the typed text', lambda: text_of(entry) == ABANDONED)
    press('Escape', 'cancel')
    # The tree is read again: the row is rebuilt as its editor closes.
    row = wait_for('the row of %s' % field, lambda: row_of(fields, field))
    wait_for('the editor to close, the focus back on the row',
             lambda: row.focused and editing(row) is None)
    assert shown_value(row) == original, row.name
    assert not row.name.endswith(', corrected'), row.name
    frame = child(app, 'the window', roleName='frame')
    assert '1 change kept on this computer (the demo never syncs)' in labels(frame), \
        'Escape wrote something'


def correct(app, page, fields, field, original, value, n_low, screenshot):
    step('F2, type %s, Tab, a note, Enter: %s is corrected' % (value, field))
    row = row_of(fields, field)
    press('F2', 'edit')
    entry = wait_for('the editor, its value entry focused',
                     lambda: entry_of(row, 'Corrected value').focused and entry_of(row, 'Corrected value'))
    # The editor selects the value: typing replaces it.
    rawinput.typeText(value)
    wait_for('the new value in the editor', lambda: text_of(entry) == value)
    press('Tab', 'to the note')
    note = wait_for('the focus in the note', lambda: entry_of(row, 'Note on the correction').focused
                    and entry_of(row, 'Note on the correction'))
    rawinput.typeText(NOTE)
    wait_for('the note in its entry', lambda: text_of(note) == NOTE)
    if screenshot:
        subprocess.run(['import', '-window', 'root', screenshot], check=False)
    press('Return', 'save')

    step('the row shows %s, corrected, with the extracted %s beside it' % (value, original))
    try:
        wait_for('the corrected row', lambda: row_of(fields, field).name.endswith(', corrected'))
    except AssertionError:
        # The viewer says why in a toast, gone before the tree could be searched for it;
        # a refused correction keeps its editor open with what was typed.
        still = text_of(entry) if editing(row_of(fields, field)) else None
        if screenshot:
            subprocess.run(['import', '-window', 'root', screenshot + '.failed.png'], check=False)
        raise AssertionError('Enter did not save the correction (editor still open with %r)'
                             % still) from None
    row = row_of(fields, field)
    wait_for('the editor to close, the focus back on the row',
             lambda: row.focused and editing(row) is None)
    assert shown_value(row) == value, row.name
    shown = labels(row)
    assert value in shown and 'Corrected' in shown, shown
    assert 'Extracted: %s · corrected by %s' % (original, IDENTITY) in shown, shown
    step('the note typed with the correction is shown under it')
    assert 'Note: “%s”' % NOTE in shown, shown
    wait_for('the progress line', lambda: 'Reviewed: all %d low-confidence fields are confirmed or '
             'corrected' % n_low in labels(page))
    step('every low-confidence field settled: "Requires manual review" is gone')
    wait_for('the manual review line to go', lambda: 'Requires manual review' not in labels(page))
    wait_for('the outbox indicator', lambda: '2 changes kept on this computer (the demo never syncs)'
             in labels(app.child(roleName='frame', retry=False)))


def check_audit(binary, app, document, low):
    step('the audit of this loan: its history lists the confirmation and the correction '
         'with its note; the document no longer needs a manual review')
    # Given to the running instance, the audit's id opens its page there.
    subprocess.run([binary, AUDIT_ID], check=True, timeout=120 * SCALE)
    page = child(app, 'the audit page', name='AfdAuditPage')
    history = wait_for('the audit history', lambda: page.findChild(
        lambda n: n.roleName == 'list' and n.name == 'Audit History', retry=False))
    corrected = '%s corrected by %s' % (humanize(low[-1]), IDENTITY)
    confirmed = '%s confirmed by %s' % (humanize(low[0]), IDENTITY)
    wait_for(corrected, lambda: corrected in labels(history))
    shown = labels(history)
    assert confirmed in shown, shown
    assert any(s.endswith(' · Note: “%s”' % NOTE) and document['file_name'] in s
               for s in shown), shown
    documents = find(page, 'the documents list',
                     lambda n: n.roleName == 'list' and n.name == 'Documents')
    row = wait_for('the row of %s' % document['file_name'], lambda: next(
        (r for r in documents.children if document['file_name'] in ' '.join(labels(r))), None))
    assert 'Needs manual review' not in labels(row), labels(row)


def quit_app(process):
    step('Ctrl+Q quits')
    press('<Control>q', 'quit')
    wait_process(process)
    assert process.returncode == 0, process.returncode


# ---- the cache, through the CLI ----

def cli(*args):
    binary = os.environ.get('AF_CLI') or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(sys.argv[1]))), 'cli', 'auditflow-cli')
    # The app's demo cache (af_demo_default_cache_path) under this run's XDG_DATA_HOME.
    db = os.path.join(os.environ['XDG_DATA_HOME'], 'auditflow-desk', 'demo.sqlite')
    result = subprocess.run([binary, '--db', db, '--json'] + list(args),
                            capture_output=True, text=True, timeout=120 * SCALE, check=False)
    assert result.returncode == 0, (args, result.returncode, result.stderr)
    return json.loads(result.stdout)


def check_cache(field, original, value, confirmed):
    step('auditflow-cli show: the correction, with the original and the new value')
    item = cli('show', DOCUMENT_ID)
    corrections = [c for c in item.get('corrections', []) if c.get('field') == field]
    assert len(corrections) == 1, item.get('corrections')
    correction = corrections[0]
    print('#   %s' % json.dumps(correction, sort_keys=True), flush=True)
    assert correction.get('original_value') == original, correction
    assert correction.get('corrected_value') == value, correction
    assert correction.get('corrected_by') == IDENTITY, correction
    assert correction.get('note') == NOTE, correction
    assert ABANDONED not in json.dumps(item), 'the abandoned edit reached the cache'
    assert item.get('_pending_changes') == 2, item.get('_pending_operations')

    step('auditflow-cli show: the confirmation, a correction that gives the value back')
    confirmations = [c for c in item.get('corrections', []) if c.get('field') == confirmed]
    assert len(confirmations) == 1, item.get('corrections')
    assert confirmations[0].get('corrected_value') == confirmations[0].get('original_value')
    assert confirmations[0].get('corrected_by') == IDENTITY, confirmations[0]
    assert 'note' not in confirmations[0], confirmations[0]

    step('auditflow-cli status: the outbox holds the confirmation, then the correction')
    status = cli('status')
    assert status.get('outbox_length') == 2, status
    assert confirmed in json.dumps(status['pending'][0]), status['pending'][0]
    entry = status['pending'][1]
    print('#   %s' % json.dumps(entry, sort_keys=True), flush=True)
    assert DOCUMENT_ID in json.dumps(entry), entry
    assert 'correction' in json.dumps(entry).lower(), entry


# ---- facts ----

def load_document(demo_dir, document_id):
    with open(os.path.join(demo_dir, 'expected.json'), encoding='utf-8') as f:
        facts = json.load(f)
    for loan in facts['loan_applications'].values():
        for document in loan['documents']:
            if document['document_id'] == document_id:
                return document
    raise AssertionError('expected.json does not know the document %s' % document_id)


def main():
    binary, demo_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    document = load_document(demo_dir, DOCUMENT_ID)
    low = document['low_confidence_fields']
    assert len(low) >= 2, 'the order of F8 needs two low-confidence fields'
    # The last one is corrected to what the page says (the OCR misread it).
    misread = next(d for d in document['ocr_disagreements'] if d['field'] == low[-1])
    original, value = misread['extracted_value'], misread['page_text']
    screenshot = os.environ.get('AFD_UI_SCREENSHOT')

    process, app = start(binary, DOCUMENT_ID)
    try:
        page, fields = open_document(app, document)
        assert shown_value(row_of(fields, low[-1])) == original
        step('the pipeline asks for a manual review of this document')
        assert 'Requires manual review' in labels(page), labels(page)

        step('Tab into the document viewer')
        tab_into_viewer(app)
        step_through(fields, low)
        confirm(app, page, fields, low[0], len(low))
        press('F8', 'next')
        expect_selected(fields, low[-1], 'F8')
        abandon_edit(app, fields, low[-1], original)
        correct(app, page, fields, low[-1], original, value, len(low), screenshot)
        check_audit(binary, app, document, low)
        quit_app(process)
    finally:
        if process.poll() is None:
            process.kill()
    check_cache(low[-1], original, value, low[0])
    print('ok - a document reviewed with the keyboard only; the correction is in the cache '
          'and the outbox', flush=True)


if __name__ == '__main__':
    main()
