#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a test ("$@") against a private, unlocked gnome-keyring in its own D-Bus session,
# with a temporary HOME and XDG directories: the test can store and read secrets without
# touching the user's keyring, and nothing is left behind. Without dbus-run-session or
# gnome-keyring-daemon the test fails (TAP "Bail out!"): it is never skipped.
set -eu

if ! command -v dbus-run-session >/dev/null 2>&1 \
   || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "Bail out! dbus-run-session or gnome-keyring-daemon is not installed" \
       "(build-aux/install-deps.sh --tests)"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/af-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

export HOME="$tmp/home"
export XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
# Tells the test that the keyring it sees is this private one.
export AF_TEST_KEYRING=1
# Under ASan: a libsecret leak that is not ours (see the file), added to the suppressions
# the caller may already use (LeakSanitizer reads only one file).
here=$(cd "$(dirname "$0")" && pwd)
suppressions=$(printf %s "${LSAN_OPTIONS:-}" | tr ':' '\n' | sed -n 's/^suppressions=//p' | tail -n 1)
cat ${suppressions:+"$suppressions"} "$here/lsan-keyring.supp" > "$tmp/lsan.supp"
others=$(printf %s "${LSAN_OPTIONS:-}" | tr ':' '\n' | grep -v '^suppressions=' | grep -v '^$' \
  | paste -sd: - || true)
export LSAN_OPTIONS="${others:+$others:}suppressions=$tmp/lsan.supp"
unset DBUS_SESSION_BUS_ADDRESS

status=0
# --unlock creates and unlocks the "login" collection; without it a store fails and tries
# to open a prompt. The daemon exits with the session bus.
dbus-run-session -- sh -c '
  printf %s test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' sh "$@" || status=$?
exit "$status"
