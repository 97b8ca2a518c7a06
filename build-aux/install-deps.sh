#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what AuditFlow Desk needs on Debian 12. With --tests, also what the test
# suite needs (Xvfb, dogtail, the keyring, Java for DynamoDB Local, botocore).
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libepoxy-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libpoppler-glib-dev libsqlite3-dev libsecret-1-dev libsodium-dev libtiff-dev
  libgexiv2-dev libjpeg-dev libgdk-pixbuf-2.0-dev
  libcairo2-dev libpango1.0-dev fonts-dejavu-core libxtst-dev
  desktop-file-utils appstream gsettings-desktop-schemas adwaita-icon-theme
  dbus dbus-x11
)
test_packages=(
  xvfb xauth imagemagick at-spi2-core gnome-keyring python3-dogtail
  python3-boto3 python3-botocore openjdk-17-jre-headless nodejs npm curl ca-certificates
  clang libclang-rt-14-dev libimage-exiftool-perl libjpeg-turbo-progs poppler-utils
  libxtst-dev
)

if [ "${1:-}" = "--tests" ]; then
  packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (a newer Node.js on PATH is fine).
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}")
  missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
