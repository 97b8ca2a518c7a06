#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Everyday rough edges of issue 16 on the demo workspace, through the accessibility tree.

- the artwork page names its user from the users table, the id as a tooltip (item 14);
- the Failed queue lists and counts the documents whose processing failed (item 7);

Usage: test_everyday.py APP_BINARY DEMO_DIR   (run by run-ui-test.sh, under Xvfb + D-Bus)
"""
import json
import os
import subprocess
import sys

from afd_ui import find_app, labels, step, wait_for


def demo_items(demo_dir, table):
    with open(os.path.join(demo_dir, 'dynamodb', table + '.json'), encoding='utf-8') as f:
        return json.load(f)['Items']


def start(binary):
    process = subprocess.Popen([binary])
    app = find_app(process)
    wait_for('the demo workspace', lambda: 'Demo workspace' in app.child(roleName='frame').name)
    return process, app


def select_queue(app, title):
    queues = app.child(name='Review queues', roleName='list')
    queues.child(name=title, roleName='list item').select()
    return app.child(name='Queue items', roleName='list')


def open_row(app, title, text, page_name):
    """Selects the row of queue @title whose labels hold @text; its page."""
    items = select_queue(app, title)
    row = wait_for('the row of %s' % text, lambda: next(
        (r for r in items.children if text in labels(r)), None))
    row.select()
    return wait_for(page_name, lambda: app.child(name=page_name))


def check_user_row(app, demo_dir):
    analyses = demo_items(demo_dir, 'artguard-image-analysis-dev')
    users = {u['user_id']['S']: u for u in demo_items(demo_dir, 'artguard-users-dev')}
    analysis = next(a for a in analyses if a['user_id']['S'] in users)
    user = users[analysis['user_id']['S']]
    wanted = '%s %s <%s>' % (user['first_name']['S'], user['last_name']['S'], user['email']['S'])

    step('the artwork %s names its user %s' % (analysis['filename']['S'], wanted))
    page = open_row(app, 'All Artworks', analysis['filename']['S'], 'AfdArtworkPage')
    wait_for('the user row', lambda: wanted in labels(page))
    assert analysis['user_id']['S'] not in labels(page), labels(page)

    step('the user id is the row\'s tooltip')
    row = page.findChild(lambda n: n.name == 'User' and n.roleName != 'label', retry=False)
    assert row.description == analysis['user_id']['S'], (row.roleName, row.description)


def check_failed_queue(app, demo_dir):
    audits = demo_items(demo_dir, 'AuditFlow-AuditRecords')
    documents = demo_items(demo_dir, 'AuditFlow-Documents')
    failed = [d['file_name']['S'] for d in documents if d['processing_status']['S'] == 'FAILED']
    wanted = len(failed) + sum(1 for a in audits if a['status']['S'] == 'FAILED')
    assert failed, 'the demo has no failed document to look for'

    step('the sidebar counts %d failed item(s), the failed document(s) %s among them'
         % (wanted, failed))
    queues = app.child(name='Review queues', roleName='list')
    row = queues.child(name='Failed', roleName='list item')
    wait_for('the Failed count', lambda: str(wanted) in labels(row))

    step('the Failed queue lists them, and one opens as a document')
    page = open_row(app, 'Failed', failed[0], 'AfdDocumentPage')
    wait_for('the document page', lambda: failed[0] in ' '.join(labels(page)))


def main():
    binary, demo_dir = sys.argv[1], sys.argv[2]

    process, app = start(binary)
    try:
        check_failed_queue(app, demo_dir)
        check_user_row(app, demo_dir)
    finally:
        if process.poll() is None:
            process.kill()
    print('ok - everyday rough edges of issue 16', flush=True)


if __name__ == '__main__':
    main()
