#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Stops, by PID, the peers that start-peers.sh STATE_DIR started.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 STATE_DIR" >&2; exit 2; }
exec node "$here/peers.js" stop --state-dir "$1"
