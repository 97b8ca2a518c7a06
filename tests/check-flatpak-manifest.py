#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: valid JSON, the app id, the org.gnome runtime and SDK,
the command, a checksum on every downloaded source, and the app itself built last
from this source tree with meson.

usage: check-flatpak-manifest.py MANIFEST APP_ID
"""

import json
import sys

REQUIRED_FINISH_ARGS = (
    '--share=network',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--talk-name=org.freedesktop.secrets',
)


def check_sources(module, problems):
    for source in module.get('sources', []):
        if not isinstance(source, dict):
            continue  # a path to a separate source file
        kind = source.get('type')
        name = module.get('name', '?')
        if kind in ('archive', 'file') and 'url' in source:
            digest = source.get('sha256', '')
            if len(digest) != 64 or any(c not in '0123456789abcdef' for c in digest):
                problems.append(f'module {name}: {source["url"]} has no valid sha256')
        elif kind == 'git' and 'commit' not in source and 'tag' not in source:
            problems.append(f'module {name}: git source pinned to neither tag nor commit')


def check_app_module(module, app_id, problems):
    if not isinstance(module, dict) or module.get('buildsystem') != 'meson':
        problems.append('the last module (the app) must build with meson')
        return
    sources = module.get('sources', [])
    if not any(isinstance(s, dict) and s.get('type') == 'dir' and s.get('path') == '..'
               for s in sources):
        problems.append('the app module must take this source tree (type dir, path "..")')


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as error:
        print(f'{path}: {error}')
        return 1
    if not isinstance(manifest, dict):
        print(f'{path}: not a JSON object')
        return 1

    problems = []
    if manifest.get('id', manifest.get('app-id')) != app_id:
        problems.append(f'id is not {app_id}')
    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append('runtime is not org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append('sdk is not org.gnome.Sdk')
    if not manifest.get('runtime-version'):
        problems.append('no runtime-version')
    if manifest.get('command') != 'auditflow-desk':
        problems.append('command is not auditflow-desk')
    finish_args = manifest.get('finish-args', [])
    for arg in REQUIRED_FINISH_ARGS:
        if arg not in finish_args:
            problems.append(f'finish-args lacks {arg}')

    modules = manifest.get('modules', [])
    if not modules:
        problems.append('no modules')
    else:
        for module in modules:
            if isinstance(module, dict):
                check_sources(module, problems)
        check_app_module(modules[-1], app_id, problems)

    for problem in problems:
        print(f'{path}: {problem}')
    if not problems:
        print(f'{path}: {app_id} on org.gnome.Platform {manifest["runtime-version"]}, '
              f'{len(modules)} modules')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
