#!/usr/bin/env bash
# Logs in with a fresh key to USER through the sshd of a hardened root filesystem, and prints the
# output of "id -un; umask" run there. sshd runs chrooted into ROOTFS inside a new network namespace
# (only its loopback) and a new mount namespace (its /proc), so nothing reaches the host's network or
# mounts; the key and a throwaway host key are put into the image for the login only and removed after.
# usage: ssh_login.sh ROOTFS USER
set -euo pipefail
root=${1:?usage: ssh_login.sh ROOTFS USER}
user=${2:?usage: ssh_login.sh ROOTFS USER}
keys="$root/home/$user/.ssh/authorized_keys"
work=$(mktemp -d)
cp -p "$keys" "$work/authorized_keys.saved"
restore() {
  cat "$work/authorized_keys.saved" >"$keys"
  rm -f "$root/run/amiforge-login-test-host-key"
  rm -rf "$work"
}
trap restore EXIT
ssh-keygen -q -t ed25519 -N '' -C amiforge-login-test -f "$work/id"
ssh-keygen -q -t ed25519 -N '' -f "$work/host"
install -m 0600 "$work/host" "$root/run/amiforge-login-test-host-key"
cat "$work/id.pub" >>"$keys"
mkdir -p "$root/run/sshd"
# shellcheck disable=SC2016  # the script is bash's argument: it expands its own "$1", "$2", "$3"
unshare --net --mount --fork bash -euo pipefail -c '
  root=$1 work=$2 user=$3
  ip link set lo up
  mount -t proc proc "$root/proc"
  chroot "$root" /usr/sbin/sshd -D -e -p 2222 -h /run/amiforge-login-test-host-key -o PidFile=none 2>"$work/sshd.log" &
  sshd=$!
  for _ in $(seq 100); do ss -ltnH "sport = :2222" | grep -q . && break; sleep 0.1; done
  status=0
  ssh -i "$work/id" -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    "$user@127.0.0.1" "id -un; umask" || status=$?
  kill "$sshd"; wait "$sshd" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then echo "ssh login failed ($status); sshd said:" >&2; cat "$work/sshd.log" >&2; fi
  exit "$status"
' bash "$root" "$work" "$user"
