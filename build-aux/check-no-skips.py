#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when `meson test` skipped a test (its testlog.json names them).

meson counts a skipped test as a success; in CI and README command (2) a test that
could not run (no local AWS peers, no Xvfb, no keyring) must turn the run red instead.
Usage: check-no-skips.py BUILD_DIR
"""
import json
import os
import sys


def main():
    log = os.path.join(sys.argv[1], 'meson-logs', 'testlog.json')
    skipped = []
    with open(log, encoding='utf-8') as f:
        for line in f:
            if line.strip():
                test = json.loads(line)
                if test.get('result') == 'SKIP':
                    skipped.append(test.get('name', '?'))
    for name in skipped:
        print(f'check-no-skips: {name} was skipped: whatever it needs must be installed',
              file=sys.stderr)
    return 1 if skipped else 0


if __name__ == '__main__':
    sys.exit(main())
