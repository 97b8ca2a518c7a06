#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what the local DynamoDB/S3 peers need, idempotently:
#   - Java 17 (Debian's openjdk-17-jre-headless) for DynamoDB Local, if java is missing;
#   - the pinned node packages (dynalite, s3rver, the SDK signer), with `npm ci`;
#   - DynamoDB Local 1.25.1, the jar that the npm package amplify-dynamodb-simulator@2.9.30
#     ships: only that tarball is fetched (npm pack), its sha256 checked, and only
#     package/emulator/ unpacked, into tests/peers/.cache/dynamodb-local/.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/.cache"
emulator_package="amplify-dynamodb-simulator@2.9.30"
emulator_tarball="amplify-dynamodb-simulator-2.9.30.tgz"
emulator_sha256="3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9"
emulator_dir="$cache/dynamodb-local"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_java() {
  if command -v java >/dev/null 2>&1 && java -version 2>&1 | grep -q 'version "\(1[7-9]\|2[0-9]\)'; then
    return
  fi
  echo "install.sh: installing openjdk-17-jre-headless"
  as_root apt-get update -q
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q openjdk-17-jre-headless
}

install_node_packages() {
  if ! command -v node >/dev/null 2>&1; then
    echo "install.sh: node (>= 20) and npm are required" >&2
    exit 1
  fi
  # package-lock.json pins every package and its integrity hash.
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
}

verify_tarball() {
  echo "$emulator_sha256  $1" | sha256sum -c --status
}

install_emulator() {
  if [ -f "$emulator_dir/DynamoDBLocal.jar" ] && [ -f "$emulator_dir/.sha256" ] \
     && [ "$(cat "$emulator_dir/.sha256")" = "$emulator_sha256" ]; then
    return
  fi
  mkdir -p "$cache"
  if [ ! -f "$cache/$emulator_tarball" ] || ! verify_tarball "$cache/$emulator_tarball"; then
    rm -f "$cache/$emulator_tarball"
    (cd "$cache" && npm pack --silent "$emulator_package" >/dev/null)
  fi
  if ! verify_tarball "$cache/$emulator_tarball"; then
    echo "install.sh: $emulator_tarball does not have the expected sha256; refusing it" >&2
    rm -f "$cache/$emulator_tarball"
    exit 1
  fi
  rm -rf "$emulator_dir" "$cache/unpack"
  mkdir -p "$cache/unpack"
  tar -xzf "$cache/$emulator_tarball" -C "$cache/unpack" package/emulator
  mv "$cache/unpack/package/emulator" "$emulator_dir"
  rm -rf "$cache/unpack"
  echo "$emulator_sha256" > "$emulator_dir/.sha256"
}

install_java
install_node_packages
install_emulator
echo "install.sh: peers ready (java $(java -version 2>&1 | head -1 | cut -d'"' -f2), node $(node -v))"
