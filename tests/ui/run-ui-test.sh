#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a dogtail UI test under Xvfb and a private D-Bus session, with a throw-away HOME
# so that the demo workspace is built fresh and nothing touches the real one.
#   run-ui-test.sh TEST.py APP_BINARY DEMO_DIR
set -eu

test_script=$1
binary=$2
demo_dir=$3

for tool in xvfb-run dbus-run-session gsettings; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "run-ui-test: $tool is not installed (build-aux/install-deps.sh --tests)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import dogtail' 2>/dev/null || {
  echo "run-ui-test: python3-dogtail is not installed (build-aux/install-deps.sh --tests)" >&2
  exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/afd-ui-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/run" && chmod 700 "$scratch/run"

# Exported before dbus-run-session, or dogtail reads the accessibility setting back false.
export HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" \
       XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run" AFD_DEMO_DIR="$demo_dir"
# The real settings backend (dconf over this private bus), so that the accessibility
# switch is seen by dogtail and the window state survives the restart.
unset GSETTINGS_BACKEND AUDITFLOW_DESK_USER
# Any SQLite statement on the app's main thread after its first frame aborts it
# (src/core/af-store-guard.h; no connection is exempt).
export AFD_SQL_GUARD="${AFD_SQL_GUARD:-fatal}"
# A crash of the app prints its stack (src/core/af-crash-trace.h): the test alone would
# only see it vanish from the accessibility bus.
export AFD_CRASH_TRACE=1
for var in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$var"; done

# AFD_UI_SCREEN: another screen (WxHxDEPTH), for a window larger than 1280x800
# (tests/ui/screenshot_document_labels.py at 1440x900).
exec xvfb-run -a -s "-screen 0 ${AFD_UI_SCREEN:-1280x800x24}" dbus-run-session -- sh -c '
  gsettings set org.gnome.desktop.interface toolkit-accessibility true
  exec /usr/bin/python3 "$0" "$1" "$2"' "$test_script" "$binary" "$demo_dir"
