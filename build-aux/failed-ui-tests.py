#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names the dogtail UI tests that failed in the last `meson test` (its testlog.json).

Usage: failed-ui-tests.py BUILD_DIR
Prints the failed tests run through tests/ui/run-ui-test.sh, one per line, and exits 0
when every failure is one of those; exits 1 when another test failed (or the log is
missing), since only a UI test gets a second run (build-aux/run-tests.sh says why).
"""
import json
import os
import sys

FAILED = {'FAIL', 'TIMEOUT', 'ERROR', 'UNEXPECTEDPASS'}


def main():
    log = os.path.join(sys.argv[1], 'meson-logs', 'testlog.json')
    ui_failures, other_failures = [], []
    with open(log, encoding='utf-8') as f:
        for line in f:
            if not line.strip():
                continue
            test = json.loads(line)
            if test.get('result') not in FAILED:
                continue
            command = ' '.join(test.get('command') or [])
            # 'project:suite / name' in the log; `meson test` takes the name.
            name = test.get('name', '?').split(' / ')[-1]
            (ui_failures if 'run-ui-test.sh' in command else other_failures).append(name)
    for name in ui_failures:
        print(name)
    for name in other_failures:
        print(f'failed-ui-tests: {name} failed and is not a dogtail UI test', file=sys.stderr)
    return 1 if other_failures else 0


if __name__ == '__main__':
    sys.exit(main())
