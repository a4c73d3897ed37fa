# shellcheck shell=bash
# Sourced by the tools (". tools/env.sh" from the clone's top folder, or
# '. "$(dirname "$0")/env.sh"' from a tool): the environment the Makefile exports, so a tool run
# by hand behaves as under make. Sets $root, the clone's absolute path (quote it: it may hold spaces).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The checkout as ansible_collections/amiforge/imagebuilder (tools/link), our roles by short name,
# and Ansible's own files (local temp, galaxy cache, molecule's ephemeral folders, localhost's
# remote_tmp) inside the clone instead of ~/.ansible.
export AMIFORGE_ROOT="$root" \
  PATH="$root/.venv/bin:$PATH" \
  ANSIBLE_COLLECTIONS_PATH="$root/.build/collections" \
  ANSIBLE_ROLES_PATH="$root/roles" \
  ANSIBLE_HOME="$root/.build/ansible" \
  ANSIBLE_REMOTE_TEMP="$root/.build/ansible/tmp"
