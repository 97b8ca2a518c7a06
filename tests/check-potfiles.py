#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that po/POTFILES.in lists every file of src/ and ui/ with translatable
strings, and nothing that does not exist.

usage: check-potfiles.py SOURCE_ROOT
"""

import os
import re
import sys

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), and the plural forms, in the GNU style
# with or without a space before the parenthesis.
C_MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:N|C|NC)?_\s*\(\s*"'
                       r'|(?<![A-Za-z0-9_])(?:g_d?n?gettext|g_dpgettext2?|ngettext|g_dngettext)\s*\(')
UI_MARKERS = re.compile(r'translatable\s*=\s*"(?:yes|true|1)"', re.IGNORECASE)
SCANNED_DIRS = ('src', 'ui')
C_SUFFIXES = ('.c', '.h')
UI_SUFFIXES = ('.ui',)


def strip_c_comments(text):
    """Comments may quote _("…") without making a file translatable."""
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.DOTALL)
    return re.sub(r'//[^\n]*', ' ', text)


def has_translatable_strings(path):
    with open(path, encoding='utf-8', errors='replace') as handle:
        text = handle.read()
    if path.endswith(UI_SUFFIXES):
        return UI_MARKERS.search(text) is not None
    return C_MARKERS.search(strip_c_comments(text)) is not None


def files_with_strings(root):
    found = set()
    for top in SCANNED_DIRS:
        for directory, _dirs, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith(C_SUFFIXES + UI_SUFFIXES):
                    continue
                path = os.path.join(directory, name)
                if has_translatable_strings(path):
                    found.add(os.path.relpath(path, root))
    return found


def listed_files(root):
    listed = set()
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as handle:
        for line in handle:
            line = line.strip()
            if line and not line.startswith('#'):
                listed.add(line)
    return listed


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = sys.argv[1]
    listed = listed_files(root)
    needed = files_with_strings(root)
    status = 0

    for path in sorted(needed - listed):
        print(f'po/POTFILES.in lacks {path}, which has translatable strings')
        status = 1
    for path in sorted(listed):
        if not os.path.isfile(os.path.join(root, path)):
            print(f'po/POTFILES.in lists {path}, which does not exist')
            status = 1

    if status == 0:
        print(f'POTFILES.in lists all {len(needed)} files of src/ and ui/ with translatable strings')
    return status


if __name__ == '__main__':
    sys.exit(main())
