#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a test ("$@") against the local AWS peers: starts them behind their SigV4 fronts in a
# temporary state directory, exports AF_PEER_* (see peers.js), runs the test, and stops
# exactly the processes it started. Peers already running (AF_PEER_S3_URL set by the caller)
# are reused. Without the installed peers (tests/peers/install.sh) the test fails (TAP
# "Bail out!"): a suite that cannot find its servers is never skipped.
# AF_PEERS_SERVERS=dynalite,s3rver limits which servers start.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "${AF_PEER_S3_URL:-}" ]; then
  exec "$@"
fi
if [ ! -d "$here/node_modules/@smithy/signature-v4" ] \
   || [ ! -f "$here/.cache/dynamodb-local/DynamoDBLocal.jar" ] \
   || ! command -v java >/dev/null 2>&1; then
  echo "Bail out! the local AWS peers are not installed (run tests/peers/install.sh)"
  exit 1
fi

state=$(mktemp -d "${TMPDIR:-/tmp}/af-peers.XXXXXX")
cleanup() {
  node "$here/peers.js" stop --state-dir "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node "$here/peers.js" start --state-dir "$state" \
  ${AF_PEERS_SERVERS:+--servers "$AF_PEERS_SERVERS"} >&2
set -a
. "$state/peers.env"
set +a
AF_PEERS_STATE_DIR=$state "$@"
