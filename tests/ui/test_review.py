#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A loan officer's review on the demo workspace, driven through the accessibility tree.

Opens the High Risk queue, selects the riskiest audit (facts from the demo's
expected.json), checks its risk level and an inconsistency, follows it to one document
and then compares all the documents it names, types a review note, marks
the audit reviewed (someone else reviewed it: the app asks first, and the button then
says it is done), writes an appraisal note on the forged artwork, checks the outbox
indicator, restarts the app and finds the notes and the review still there.

Usage: test_review.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh, under Xvfb + D-Bus)
"""
import json
import os
import subprocess
import sys

from afd_ui import child, find, find_app, labels, retrying, step, wait_for, wait_process

NOTE = 'Called the applicant: the 1040 SSN is a typo, corrected copy requested. (UI test)'
APPRAISAL = 'The second boat does not sit in the water; ask for provenance. (UI test)'
IDENTITY = 'demo.reviewer@example.com'

def humanize(field):
    """The app's label for a field name: 'annual_income' -> 'Annual income', 'ssn' -> 'SSN'."""
    acronyms = {'ssn', 'ein', 'id', 'dob', 'w2', 'ocr', 'ai'}
    words = [w.upper() if w in acronyms else w.lower() for w in field.split('_') if w]
    text = ' '.join(words)
    return text[:1].upper() + text[1:]


def start(binary):
    process = subprocess.Popen([binary])
    app = find_app(process)
    # The workspace opens on a worker thread; the title says when the demo is in.
    wait_for('the demo workspace',
             lambda: 'Demo workspace' in app.child(roleName='frame', retry=False).name)
    return process, app


def open_riskiest(app, expected):
    step('open the High Risk queue')
    queues = child(app, 'the queues', name='Review queues', roleName='list')
    high_risk = child(queues, 'the High Risk queue', name='High Risk', roleName='list item')
    retrying('selecting High Risk', high_risk.select)
    items = child(app, 'queue items', name='Queue items', roleName='list')

    step('the first row is the riskiest audit, %s' % expected['applicant_name'])
    # The list may still show the queue shown before a moment longer.
    first = wait_for('a first row of %s' % expected['applicant_name'],
                     lambda: items.children[0] if items.children and
                     expected['applicant_name'] in labels(items.children[0]) else None)
    row = labels(first)
    assert expected['applicant_name'] in row, row
    badge = '%s %s' % (expected['risk_level'], expected['risk_score'])
    assert badge in row, (badge, row)

    step('select it')
    retrying('selecting the first row', first.select)
    page = child(app, 'the audit page', name='AfdAuditPage')
    wait_for('the audit page', lambda: expected['applicant_name'] in labels(page))
    # Its sections are filled from reads of their own, a moment later.
    wait_for('the inconsistencies', lambda: 'Sorted by severity, most severe first'
             in labels(page) and any(s.startswith('***-**-') for s in labels(page)))
    return page


def check_page(page, expected):
    shown = labels(page)
    step('risk level %s and score are shown as text' % expected['risk_level'])
    assert expected['risk_level'] in shown, shown
    assert 'Risk score %s of 100' % expected['risk_score'] in shown, shown

    step('at least one inconsistency is shown, the most severe first')
    ranked = sorted(expected['inconsistencies'],
                    key=lambda i: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].index(i['severity']))
    assert ranked, 'the fixture promises inconsistencies for this loan'
    after_heading = shown[shown.index('Sorted by severity, most severe first') + 1:]
    assert after_heading[:2] == [ranked[0]['severity'], humanize(ranked[0]['field'])], \
        after_heading[:3]
    for inconsistency in ranked:
        assert humanize(inconsistency['field']) in after_heading, inconsistency

    step('PII is masked in the inconsistency values')
    assert any(s.startswith('***-**-') for s in shown), shown


def follow_inconsistency(app, page, expected):
    """The most severe inconsistency's first document opens at the field it quotes."""
    ranked = sorted(expected['inconsistencies'],
                    key=lambda i: ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].index(i['severity']))
    step('follow the %s inconsistency to its first document' % ranked[0]['field'])
    link = find(page, 'the link to its document', lambda n: n.roleName == 'push button' and
                n.description == 'Open this document')
    document_name = link.name.split(' · ')[-1]
    link.doActionNamed('click')
    document = child(app, 'the document page', name='AfdDocumentPage')
    wait_for('the document %s' % document_name, lambda: document_name in labels(document))

    step('its field holding the quoted value is selected')
    fields = wait_for('the fields list', lambda: document.findChild(
        lambda n: n.roleName == 'list' and n.name == 'Extracted fields', retry=False))
    wait_for('a selected field', lambda: any(row.selected for row in fields.children))
    selected = [row.name for row in fields.children if row.selected][0]
    assert humanize(ranked[0]['field']).split()[-1].lower() in selected.lower(), selected

    step('back to the audit')
    return open_riskiest(app, expected)


def audit_item(demo_dir, audit_id):
    """The audit as the demo's DynamoDB export holds it (with the values that disagree)."""
    path = os.path.join(demo_dir, 'dynamodb', 'AuditFlow-AuditRecords.json')
    with open(path, encoding='utf-8') as f:
        items = json.load(f)
    items = items.get('Items', items) if isinstance(items, dict) else items
    return next(i for i in items if i['audit_record_id']['S'] == audit_id)


def mask(value):
    """The app's PII mask: letters and digits hidden but the last four."""
    hidden = len([c for c in value if c.isalnum()]) - 4
    out = []
    for c in value:
        if c.isalnum() and hidden > 0:
            out.append('*')
            hidden -= 1
        else:
            out.append(c)
    return ''.join(out)


def compare_inconsistency(app, page, expected, demo_dir):
    """The most severe inconsistency opens all its documents, each at its field, with
    the disagreeing values listed together."""
    audit = audit_item(demo_dir, expected['risk_source_audit_record_id'])
    ssn = next(i['M'] for i in audit['inconsistencies']['L'] if i['M']['field']['S'] == 'ssn')
    values = {doc: v['S'] for doc, v in ssn['values']['M'].items()}
    names = {d['document_id']: d['file_name'] for d in expected['documents']}

    step('compare the documents of the SSN inconsistency')
    button = find(page, 'the Compare Documents button',
                  lambda n: n.roleName == 'push button' and n.name == 'Compare Documents')
    button.doActionNamed('click')
    compare = child(app, 'the comparison', name='AfdComparePage')

    step('the values are listed together, masked, each beside its document')
    listed = wait_for('the values list', lambda: compare.findChild(
        lambda n: n.roleName == 'list' and n.name == 'Disagreeing values', retry=False))
    shown = labels(listed)
    for document_id, value in values.items():
        assert mask(value) in shown, (mask(value), shown)
        assert any(names[document_id] in s for s in shown), (names[document_id], shown)

    step('each document is open at its SSN field, highlighted on its page')
    fields = wait_for('one fields list a document', lambda: (lambda found: found
                      if len(found) == len(values) else None)(compare.findChildren(
                          lambda n: n.roleName == 'list' and n.name == 'Extracted fields')))
    selected_values = set()
    for document_fields in fields:
        wait_for('a selected field', lambda: any(r.selected for r in document_fields.children))
        selected = [row.name for row in document_fields.children if row.selected][0]
        assert 'ssn' in selected.lower(), selected
        selected_values.update(v for v in map(mask, values.values()) if v in selected)
    assert selected_values == set(map(mask, values.values())), (selected_values, values)
    def highlighted():
        return [n.description for n in compare.findChildren(
            lambda n: n.description is not None and
            n.description.lower().startswith(('ssn highlighted', 'employee ssn highlighted')))]
    # Each page says what it highlights once it is drawn.
    wait_for('%d highlights' % len(values), lambda: len(highlighted()) == len(values))

    step('back to the audit')
    return open_riskiest(app, expected)


def review(app, page):
    step('type a review note')
    notes = child(page, 'the notes', name='Review notes', roleName='text')
    retrying('typing the note', lambda: setattr(notes, 'text', NOTE))
    wait_for('the note to be saved', lambda: 'Saved on this computer · waiting to sync' in labels(page))

    previous = find(page, 'who reviewed it', lambda n: n.name.startswith('Reviewed by ')).name
    assert previous != 'Reviewed by %s' % IDENTITY, previous
    step('Mark Reviewed on an audit %s asks first; Cancel keeps theirs' % previous.lower())
    answer_mark_again(app, page, previous, 'Cancel')
    assert previous in labels(page), labels(page)

    step('asked again, Mark Reviewed Again records this reviewer')
    answer_mark_again(app, page, previous, 'Mark Reviewed Again')
    wait_for('the review to show who reviewed',
             lambda: 'Reviewed by %s' % IDENTITY in labels(page))

    step('the button shows the new state: Reviewed, nothing left to press')
    button = wait_for('the Reviewed button', lambda: page.findChild(
        lambda n: n.roleName == 'push button' and n.name == 'Reviewed', retry=False))
    assert not button.sensitive, 'the Reviewed button can still be pressed'


def answer_mark_again(app, page, previous, response):
    """Presses Mark Reviewed on an audit someone else reviewed and answers its question."""
    button = find(page, 'the Mark Reviewed button', lambda n: n.roleName == 'push button' and
                  n.name.startswith('Mark Reviewed'))
    assert button.name == 'Mark Reviewed Again…', button.name
    button.doActionNamed('click')
    question = '%s on ' % previous
    dialog = wait_for('the question', lambda: app.findChild(
        lambda n: n.roleName == 'label' and n.name.startswith(question)
        and n.name.endswith(' — mark reviewed again as you?'), retry=False))
    while dialog.roleName not in ('dialog', 'frame', 'window', 'alert'):
        dialog = dialog.parent
    # A response button is named by its label (GTK 4.8 also puts the mnemonic in its name).
    find(dialog, 'the %s button' % response,
         lambda n: n.roleName == 'label' and n.name == response).parent.doActionNamed('click')
    wait_for('the question to close', lambda: not app.findChildren(
        lambda n: n.roleName == 'label' and n.name.startswith(question)))


def open_forged_artwork(app, expected_artwork):
    step('open the Likely Forged queue and its artwork, %s' % expected_artwork['filename'])
    queues = child(app, 'the queues', name='Review queues', roleName='list')
    forged = child(queues, 'the Likely Forged queue', name='Likely Forged', roleName='list item')
    retrying('selecting Likely Forged', forged.select)
    items = child(app, 'queue items', name='Queue items', roleName='list')
    first = wait_for('the artwork row', lambda: items.children[0] if items.children and
                     expected_artwork['filename'] in labels(items.children[0]) else None)
    retrying('selecting the artwork', first.select)
    page = child(app, 'the artwork page', name='AfdArtworkPage')
    wait_for('its verdict and score',
             lambda: 'Likely forged' in labels(page) and
             'Forgery score %s of 100' % expected_artwork['forgery_score'] in labels(page))
    return page


def appraise(page):
    step('type an appraisal note')
    note = child(page, 'the appraisal note', name='Appraisal note', roleName='text')
    retrying('typing the appraisal note', lambda: setattr(note, 'text', APPRAISAL))
    wait_for('the note to be saved', lambda: 'Saved on this computer · waiting to sync' in labels(page))


def close(process, app):
    step('close the window (saving its state)')
    frame = child(app, 'the window', roleName='frame')
    child(frame, 'its Close button', name='Close', roleName='push button').doActionNamed('click')
    wait_process(process)
    assert process.returncode == 0, process.returncode


def check_persisted(page):
    step('after a restart, the note and the review are still there')
    notes = child(page, 'the notes', name='Review notes', roleName='text')
    wait_for('the note', lambda: notes.text == NOTE)
    shown = labels(page)
    assert 'Reviewed by %s' % IDENTITY in shown, shown


def load_expected(demo_dir):
    with open(os.path.join(demo_dir, 'expected.json'), encoding='utf-8') as f:
        return json.load(f)


def riskiest_loan(expected):
    loans = expected['loan_applications']
    return max(loans.values(), key=lambda loan: float(loan['risk_score']))


def forged_artwork(expected):
    artworks = expected['artworks']
    items = artworks.values() if isinstance(artworks, dict) else artworks
    return next(a for a in items if a.get('verdict') == 'LIKELY_FORGED')


def check_outbox(app, count):
    step('the outbox indicator counts %d changes' % count)
    # The demo never syncs: the line says the edits are kept here, not that they wait.
    wanted = '%d changes kept on this computer (the demo never syncs)' % count
    wait_for(wanted, lambda: wanted in labels(app.child(roleName='frame', retry=False)))


def main():
    binary, demo_dir = sys.argv[1], sys.argv[2]
    facts = load_expected(demo_dir)
    expected = riskiest_loan(facts)
    artwork = forged_artwork(facts)

    process, app = start(binary)
    try:
        page = open_riskiest(app, expected)
        check_page(page, expected)
        page = follow_inconsistency(app, page, expected)
        page = compare_inconsistency(app, page, expected, demo_dir)
        review(app, page)
        appraise(open_forged_artwork(app, artwork))
        check_outbox(app, 3)
        close(process, app)

        process, app = start(binary)
        page = open_riskiest(app, expected)
        check_persisted(page)
        step('the appraisal note is still there')
        note = child(open_forged_artwork(app, artwork), 'the appraisal note',
                     name='Appraisal note', roleName='text')
        wait_for('the appraisal note', lambda: note.text == APPRAISAL)
        check_outbox(app, 3)
        close(process, app)
    finally:
        if process.poll() is None:
            process.kill()
    print('ok - the review and the appraisal survive a restart', flush=True)


if __name__ == '__main__':
    main()
