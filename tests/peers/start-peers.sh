#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Starts the local AWS peers behind their SigV4 fronts: tests/peers/start-peers.sh STATE_DIR
# [peers.js options]. Then `. STATE_DIR/peers.env`; stop with stop-peers.sh STATE_DIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 STATE_DIR [--servers a,b,c] [--bucket NAME]…" >&2; exit 2; }
state=$1
shift
exec node "$here/peers.js" start --state-dir "$state" "$@"
