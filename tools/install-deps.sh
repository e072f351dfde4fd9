#!/bin/sh
# install-deps.sh GROUP - install the Debian packages GROUP needs, if missing.
#   build: compile the loader, kernel (its console font: console-data), image and host tests
#   fuzz:  clang + libFuzzer runtime
#   run:   QEMU, OVMF, imagemagick for make screenshot (and everything build needs)
#   sign:  sbsigntool and openssl (make sign, the Secure Boot cases)
#   bench: the peer allocators make bench measures beside mm (jemalloc, mimalloc, tcmalloc)
#   linux: Debian's own kernel (/boot/vmlinuz-*-amd64), for make linux-compare only
# Does nothing when all are present, so `make` stays quiet and offline.
set -e
group=${1:-build}
build="gcc make binutils coreutils gnu-efi mtools gdisk libcmocka-dev acpica-tools python3 console-data"
case "$group" in
build) pkgs="$build" ;;
fuzz)  pkgs="clang libclang-rt-14-dev" ;;
run)   pkgs="$build qemu-system-x86 ovmf imagemagick" ;;
sign)  pkgs="sbsigntool openssl ovmf" ;;
bench) pkgs="$build libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev" ;;
linux) pkgs="linux-image-amd64" ;;
*) echo "install-deps.sh: unknown group '$group' (build, fuzz, run, sign, bench, linux)" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: need root (or sudo) to apt-get install:$missing" >&2
		exit 1
	fi
fi
# `make -j` may start two groups at once; apt holds one lock and fails the
# other, so wait for each other here (flock is in util-linux, always there).
${SUDO:-} flock /tmp/numaboot-install-deps.lock sh -c "
	apt-get update -qq &&
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null"
