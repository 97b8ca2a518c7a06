#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command (1): install what is needed, build, and start the app on its demo workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build-aux/install-deps.sh
# A build folder left by another checkout or an older meson is set up again, not trusted.
if [ -d build ]; then
  meson setup --reconfigure build >/dev/null 2>&1 || meson setup --wipe build
else
  meson setup build
fi
ninja -C build

# Run uninstalled: the schema compiled in the build tree, the demo data from the source tree.
export GSETTINGS_SCHEMA_DIR="$PWD/build/data" AFD_DEMO_DIR="$PWD/data/demo"
# The cache is encrypted with a key kept in the keyring; a session without one (a bare
# console, a container) keeps it in a key file instead (README, "Security").
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${AUDITFLOW_DESK_KEY_FILE:-}" ]; then
  export AUDITFLOW_DESK_KEY_FILE="${XDG_CONFIG_HOME:-$HOME/.config}/auditflow-desk/cache.key"
  mkdir -p -m 700 "$(dirname "$AUDITFLOW_DESK_KEY_FILE")"
  echo "run-demo: no session bus, so no keyring: the cache key goes to $AUDITFLOW_DESK_KEY_FILE" >&2
fi
exec ./build/src/app/auditflow-desk "$@"
