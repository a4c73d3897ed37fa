#!/usr/bin/env bash
# Writes the host's current values of the kernel parameters the hardening role manages
# (keys read from roles/os_hardening/defaults/main.yml) to FILE, one "key = value" a line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: host_sysctl.sh FILE}
keys=$(grep -oE '^  [a-z0-9_]+(\.[a-z0-9_]+)+:' "$root/roles/os_hardening/defaults/main.yml" | tr -d ' :'; echo net.ipv4.ip_forward)
for key in $keys; do
  path=/proc/sys/${key//.//}
  if [ -r "$path" ]; then echo "$key = $(tr -s '\t' ' ' <"$path")"; fi
done >"$out"
