#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that every catalogue in po/LINGUAS translates every message of the sources
listed in po/POTFILES.in as they are now: nothing untranslated, nothing fuzzy.

usage: check-translations.py SOURCE_ROOT
"""

import os
import re
import subprocess
import sys
import tempfile

# The keywords of meson's i18n.gettext(preset: 'glib').
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments', '--keyword=_', '--keyword=N_',
    '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
]


def languages(root):
    with open(os.path.join(root, 'po', 'LINGUAS'), encoding='utf-8') as handle:
        return [word for line in handle if not line.lstrip().startswith('#')
                for word in line.split()]


def untranslated(po_path):
    """The msgids of @po_path that are untranslated or fuzzy."""
    with open(po_path, encoding='utf-8') as handle:
        text = handle.read()
    missing = []
    for entry in text.split('\n\n'):
        if re.search(r'^msgid ""\nmsgstr ""', entry, re.MULTILINE) and 'Project-Id-Version' in entry:
            continue  # the header
        if not re.search(r'^msgid ', entry, re.MULTILINE) or entry.startswith('#~'):
            continue
        block = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.MULTILINE)
        msgid = ''.join(re.findall(r'"(.*)"', block.group(1)))[:80]
        fuzzy = re.search(r'^#,.*\bfuzzy\b', entry, re.MULTILINE)
        empty = re.search(r'^msgstr(?:\[\d+\])? ""$(?!\n")', entry, re.MULTILINE)
        if fuzzy or empty:
            missing.append(msgid)
    return missing


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = sys.argv[1]
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        pot = os.path.join(scratch, 'messages.pot')
        subprocess.run(['xgettext', *XGETTEXT_ARGS, '--directory', root,
                        '--files-from', os.path.join(root, 'po', 'POTFILES.in'),
                        '--output', pot], check=True, stderr=subprocess.DEVNULL)
        for language in languages(root):
            merged = os.path.join(scratch, language + '.po')
            subprocess.run(['msgmerge', '--quiet', '--no-wrap', '--output-file', merged,
                            os.path.join(root, 'po', language + '.po'), pot], check=True)
            missing = untranslated(merged)
            for msgid in missing:
                print(f'po/{language}.po does not translate "{msgid}"')
            if missing:
                status = 1
            else:
                print(f'po/{language}.po translates every message')
    return status


if __name__ == '__main__':
    sys.exit(main())
