#!/usr/bin/env bash
# Prints the path of the SCAP Security Guide data stream for Debian 12 (ssg-debian12-ds.xml),
# fetching it once. Debian 12's own ssg-debian stops at Debian 11, so the package comes from
# Debian 13 (trixie) through a private apt sources list; the host's apt setup is not changed.
# Cached under ~/.cache/amiforge/ssg/.
set -euo pipefail
cache=${AMIFORGE_CACHE:-$HOME/.cache/amiforge}/ssg
mirror=${AMIFORGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
datastream=$(find "$cache/content" -name ssg-debian12-ds.xml 2>/dev/null | head -1 || true)
if [ -z "$datastream" ]; then
  mkdir -p "$cache"
  exec 9>"$cache/.lock"
  flock 9
  work=$(mktemp -d "$cache/fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  echo "deb $mirror trixie main" >"$work/sources.list"
  apt_options=(-o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
               -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
  apt-get -qq "${apt_options[@]}" update >&2
  (cd "$work" && apt-get -qq "${apt_options[@]}" download ssg-debian >&2)
  rm -rf "$cache/content"
  dpkg -x "$work"/ssg-debian_*.deb "$cache/content"
  datastream=$(find "$cache/content" -name ssg-debian12-ds.xml | head -1)
  test -n "$datastream" || { echo "ssg.sh: ssg-debian12-ds.xml not in the ssg-debian package" >&2; exit 1; }
fi
echo "$datastream"
