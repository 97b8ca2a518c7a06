#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The appraiser's workbench driven over AT-SPI, as a screen reader user or a script
would: every control found by its accessible name (zoom, loupe, error level analysis,
findings, metadata), the local inspection's findings and metadata read back.

usage: run-ui-test.sh test_workbench.py AUDITFLOW_DESK DEMO_DIR
With AFD_SCREENSHOT_DIR set, the window is saved there (workbench.png) once the
findings are shown over the error level analysis.
"""
import json
import os
import re
import subprocess
import sys

from afd_ui import find_app, labels, step, wait_for


def forged_artwork(demo_dir):
    with open(os.path.join(demo_dir, 'expected.json'), encoding='utf-8') as f:
        artworks = json.load(f)['artworks']
    items = artworks.values() if isinstance(artworks, dict) else artworks
    return next(a for a in items if a.get('verdict') == 'LIKELY_FORGED')


def button(app, prefix):
    """GTK 4.8 names a button with a label by its accessible label and then its text."""
    return wait_for('the button "%s"' % prefix,
                    lambda: next(n for n in app.findChildren(lambda n: n.roleName == 'push button')
                                 if n.name.startswith(prefix)))


def zoom_button(app):
    """The zoom level's button: "Zoom 38 %, activate for 100 %"."""
    return wait_for('the zoom level', lambda: next(
        n for n in app.findChildren(lambda n: n.roleName == 'push button')
        if re.match(r'Zoom \d+ %', n.name)))


def open_artwork(app, artwork):
    step('open the Likely Forged queue and its artwork, %s' % artwork['filename'])
    queues = app.child(name='Review queues', roleName='list')
    queues.child(name='Likely Forged', roleName='list item').select()
    items = app.child(name='Queue items', roleName='list')
    first = wait_for('the artwork row', lambda: items.children[0] if items.children and
                     artwork['filename'] in labels(items.children[0]) else None)
    first.select()
    return wait_for('the artwork page', lambda: app.child(name='AfdArtworkPage'))


def drive_workbench(app, page):
    step('the picture is shown fitted; 100 % from the zoom button')
    wait_for('a fitted zoom', lambda: not zoom_button(app).name.startswith('Zoom 100 %'))
    button(app, 'Zoom in')
    zoom_button(app).doActionNamed('click')
    wait_for('100 %', lambda: zoom_button(app).name.startswith('Zoom 100 %'))

    step('the loupe on, then fit again')
    button(app, 'Loupe').doActionNamed('click')
    button(app, 'Zoom to fit').doActionNamed('click')
    wait_for('a fitted zoom again', lambda: not zoom_button(app).name.startswith('Zoom 100 %'))
    button(app, 'Loupe').doActionNamed('click')

    step('the inspection ends; the error level analysis on')
    ela = button(app, 'Error level analysis')
    wait_for('the estimated JPEG quality', lambda: any(l.startswith('JPEG quality') for l in labels(page)),
             timeout=90)
    ela.doActionNamed('click')

    step('the findings, apart from the score')
    tab = wait_for('the Findings tab', lambda: page.child(name='Findings', roleName='page tab'))
    tab.doActionNamed(next(iter(tab.actions)) if tab.actions else 'click')
    findings = page.child(name='Findings', roleName='list')
    wait_for('the editing software finding',
             lambda: any('Adobe Photoshop' in n.name for n in findings.children))
    wait_for('a mark control per finding', lambda: app.findChildren(
        lambda n: n.name == 'Your mark: Editing software'))


def read_metadata(app, page):
    step('the metadata: the software tag with its copy button')
    tab = page.child(name='Metadata', roleName='page tab')
    tab.doActionNamed(next(iter(tab.actions)) if tab.actions else 'click')
    button(app, 'Copy the value of Exif.Image.Software')
    wait_for('the search entry', lambda: app.findChildren(lambda n: n.name == 'Search metadata'))


def screenshot(name):
    folder = os.environ.get('AFD_SCREENSHOT_DIR')
    if folder:
        subprocess.run(['import', '-window', 'root', os.path.join(folder, name)], check=True)


def main():
    binary, demo_dir = sys.argv[1], sys.argv[2]
    artwork = forged_artwork(demo_dir)
    process = subprocess.Popen([binary])
    try:
        app = find_app(process)
        wait_for('the demo workspace', lambda: 'Demo workspace' in app.child(roleName='frame').name)
        page = open_artwork(app, artwork)
        drive_workbench(app, page)
        screenshot('workbench.png')
        read_metadata(app, page)
    finally:
        if process.poll() is None:
            process.kill()
    print('1..1\nok 1 - the workbench is driven by its accessible names', flush=True)


if __name__ == '__main__':
    main()
