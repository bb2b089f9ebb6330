#!/usr/bin/env bash
# Gradescope's setup.sh for sockstep (issue 17 §4): on its Ubuntu base
# image, install sockstep's build and run dependencies by their Debian
# package names and build sockstep from the source Gradescope unpacks
# into $AUTOGRADER_ROOT/source (this repository, zipped with setup.sh
# and run_autograder at its top, or contrib/gradescope copied there).
#
# AUTOGRADER_ROOT (default /autograder) is the root of Gradescope's
# layout, so a test can run this under a directory of its own.
set -eu
ROOT=${AUTOGRADER_ROOT:-/autograder}
SRC=${SOCKSTEP_SOURCE:-$ROOT/source}
# The source tree: here, or two levels up when this is contrib/gradescope.
[ -f "$SRC/meson.build" ] || SRC=$(cd "$(dirname "$0")/../.." && pwd)

# What sockstep needs to build and to run (the list of .ci/run, without
# the packages only its own tests use).
packages=(meson ninja-build pkg-config gcc libc6-dev libncurses-dev libbsd-dev
          libdw-dev gettext libnl-route-3-dev libpcap-dev libinih-dev
          iproute2 util-linux procps)
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		"${missing[@]}"
fi

BUILD=${SOCKSTEP_BUILD:-$ROOT/sockstep-build}
meson setup "$BUILD" "$SRC" --buildtype=release
meson compile -C "$BUILD"
echo "setup.sh: sockstep built in $BUILD"
