"""Benchmark of the hardening roles on one fresh Debian 12 root filesystem: wall time of the three
roles (first run and an idempotent second run) and the OpenSCAP ANSSI BP-028 counts before and after.

Runs the same converge playbook as the molecule scenarios, through the chroot connection, inside
fresh mount/PID namespaces. Results go to tests/output/bench/ (XML, Markdown reports, JSON summary).
"""
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "tests", "output", "bench")
RELEASE = "bookworm"
ISOLATE = ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--ipc", "--uts"]


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, **kwargs)


def scan(rootfs, label):
    run([sys.executable, os.path.join(ROOT, "tests", "compliance", "scan.py"), rootfs, "--label", label, "--output", OUTPUT],
        stdout=subprocess.DEVNULL)
    with open(os.path.join(OUTPUT, "summary-%s.json" % label)) as handle:
        return json.load(handle)


def converge(inventory):
    env = dict(os.environ, ANSIBLE_PIPELINING="1", ANSIBLE_GATHERING="explicit", ANSIBLE_NOCOLOR="1")
    started = time.monotonic()
    completed = subprocess.run(ISOLATE + ["ansible-playbook", "-i", inventory, os.path.join(ROOT, "tests", "molecule", "converge.yml")],
                               env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        sys.exit("converge failed:\n" + completed.stdout[-3000:])
    recap = [line for line in completed.stdout.splitlines() if line.startswith(RELEASE + " ")]
    return elapsed, recap[-1].split(":", 1)[1].split() if recap else []


def main():
    os.makedirs(OUTPUT, exist_ok=True)
    rootfs = os.path.join(OUTPUT, "rootfs-" + RELEASE)
    run([os.path.join(ROOT, "tests", "molecule", "rootfs.sh"), RELEASE, rootfs], stdout=subprocess.DEVNULL)
    inventory = os.path.join(OUTPUT, "inventory.yml")
    with open(inventory, "w") as handle:
        json.dump({"all": {"hosts": {RELEASE: {"ansible_connection": "community.general.chroot", "ansible_host": rootfs,
                                               "ansible_python_interpreter": "/usr/bin/python3"}}}}, handle)
    try:
        before = scan(rootfs, "bench-before")
        first, first_recap = converge(inventory)
        second, second_recap = converge(inventory)
        after = scan(rootfs, "bench-after")
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    print("roles os_hardening + ssh_hardening + image_cleanup on a fresh Debian 12 rootfs (chroot)")
    print("  first run   %6.1f s   %s" % (first, " ".join(first_recap[:2])))
    print("  second run  %6.1f s   %s" % (second, " ".join(second_recap[:2])))
    print("OpenSCAP (SSG Debian 12)        pass  fail  notapplicable")
    for profile in sorted(before):
        for label, counts in (("before", before[profile]), ("after", after[profile])):
            print("  %-24s %-6s %4d  %4d  %4d" % (profile, label, counts["pass"], counts["fail"], counts["notapplicable"]))
    print("reports: %s" % OUTPUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
