#!/usr/bin/env bash
# Unpacks a Debian root filesystem for a molecule scenario into DEST, building it once with
# debootstrap and caching it as a tarball outside the clone:
#   ~/.cache/amiforge/rootfs/<release>-<hash of the package list>.tar
# usage: rootfs.sh RELEASE DEST [EXTRA]     (rootfs.sh RELEASE --cache-only [EXTRA] prints the tarball path)
# EXTRA names a second list, rootfs-packages-EXTRA.txt, installed too (its own cache key): the enhanced
# scenarios' packages, so that they run without the network.
set -euo pipefail
release=${1:?usage: rootfs.sh RELEASE DEST [EXTRA]}
dest=${2:?usage: rootfs.sh RELEASE DEST [EXTRA]}
extra=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
mirror=${AMIFORGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_dir=${AMIFORGE_CACHE:-$HOME/.cache/amiforge}/rootfs
# What a minimal cloud image carries, plus what the hardening roles configure (and python3-apt for the apt module).
lists=("$here/rootfs-packages.txt")
if [ -n "$extra" ]; then
  [ -f "$here/rootfs-packages-$extra.txt" ] || { echo "rootfs.sh: no package list $here/rootfs-packages-$extra.txt" >&2; exit 2; }
  lists+=("$here/rootfs-packages-$extra.txt")
fi
packages=$(cat "${lists[@]}" | grep -v '^#' | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
hash=$(printf 'recipe 2\n%s\n%s\n' "$release" "$packages" | sha256sum | cut -c1-12)
tarball="$cache_dir/$release-$hash.tar"
mkdir -p "$cache_dir"
if [ ! -s "$tarball" ]; then
  exec 9>"$tarball.lock"
  flock 9
  if [ ! -s "$tarball" ]; then
    build=$(mktemp -d "$cache_dir/build-$release.XXXXXX")
    trap 'rm -rf "$build"' EXIT
    echo "rootfs: building $release with debootstrap (cold cache, about a minute)" >&2
    # Two stages: debootstrap's own installer orders trixie's systemd wrongly when extra packages
    # pull it in, so the base comes from debootstrap and the rest from apt inside the chroot.
    debootstrap --variant=minbase "$release" "$build/root" "$mirror" >"$build/debootstrap.log" 2>&1 \
      || { tail -n 30 "$build/debootstrap.log" "$build/root/debootstrap/debootstrap.log" >&2; exit 1; }
    cp /etc/resolv.conf "$build/root/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$build/root/usr/sbin/policy-rc.d"   # no service starts while installing
    chmod +x "$build/root/usr/sbin/policy-rc.d"
    chroot "$build/root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
      "apt-get -qq update && apt-get -qq install -y --no-install-recommends ${packages//,/ }" >>"$build/debootstrap.log" 2>&1 \
      || { tail -n 30 "$build/debootstrap.log" >&2; exit 1; }
    rm -f "$build/root/usr/sbin/policy-rc.d" "$build/root/etc/resolv.conf"
    # The image must not depend on the build host: no caches, no apt lists.
    chroot "$build/root" apt-get clean
    rm -rf "$build/root/var/lib/apt/lists/"* "$build/root/var/cache/apt/"*.bin
    tar --numeric-owner --xattrs -cf "$build/rootfs.tar" -C "$build/root" .
    mv "$build/rootfs.tar" "$tarball"
  fi
fi
if [ "$dest" = --cache-only ]; then
  echo "$tarball"
  exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
tar --numeric-owner --xattrs -xpf "$tarball" -C "$dest"
echo "$dest"
