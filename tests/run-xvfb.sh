#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs an in-process GTK test (TAP on stdout) under Xvfb in a private D-Bus session,
# with a throw-away HOME and XDG directories so that nothing touches the real ones.
#   run-xvfb.sh TEST [ARGS…]
set -eu

for tool in xvfb-run dbus-run-session; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "Bail out! $tool is not installed (build-aux/install-deps.sh --tests)"; exit 1; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/afd-xvfb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/run" && chmod 700 "$scratch/run"
export HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" \
       XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
export GSETTINGS_BACKEND="${GSETTINGS_BACKEND:-memory}"
# No AT-SPI bus: these tests do not read it, and its registry daemon writes to stdout.
export GTK_A11Y="${GTK_A11Y:-none}"

# dbus-daemon's own chatter goes to stderr; only the test speaks on stdout.
xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$@"
