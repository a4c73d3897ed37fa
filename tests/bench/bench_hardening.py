"""Benchmark of the hardening roles on one fresh Debian 12 root filesystem: wall time of the roles
(first run and an idempotent second run) and the OpenSCAP ANSSI BP-028 counts before and after.

Runs the same converge playbook as the molecule scenarios, through the chroot connection, inside
fresh mount/PID namespaces. Results go to tests/output/bench/ (XML, Markdown reports, JSON summary).

usage: python tests/bench/bench_hardening.py [--level intermediary|enhanced] [--install]
  intermediary  os_hardening, ssh_hardening, image_cleanup (tests/molecule/converge.yml)
  enhanced      os_hardening at the enhanced level, ssh_hardening, image_cleanup, integrity_baseline
                (tests/molecule/converge-enhanced.yml), on the rootfs that has AppArmor, rsyslog, chrony and
                AIDE installed already (tests/molecule/rootfs-packages-enhanced.txt), as the enhanced molecule
                scenarios use: the roles' own time (the target is under 60 s).
  --install     enhanced: the plain rootfs instead, so that the first run installs those packages from the Debian
                mirror (the host's resolv.conf is lent to the chroot for both runs: removing it in between would
                change /etc after the AIDE database); the slowest tasks are printed so the download can be told
                apart from the roles.
"""
import argparse
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


def converge(inventory, playbook):
    env = dict(os.environ, ANSIBLE_PIPELINING="1", ANSIBLE_GATHERING="explicit", ANSIBLE_NOCOLOR="1",
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT="5")
    started = time.monotonic()
    completed = subprocess.run(ISOLATE + ["ansible-playbook", "-i", inventory, os.path.join(ROOT, "tests", "molecule", playbook)],
                               env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        sys.exit("converge failed:\n" + completed.stdout[-3000:])
    lines = completed.stdout.splitlines()
    recap = [line for line in lines if line.startswith(RELEASE + " ")]
    slowest = [line for line in lines if line.rstrip().endswith("s") and " -" in line and line.startswith("amiforge.")][:5]
    return elapsed, recap[-1].split(":", 1)[1].split() if recap else [], slowest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--level", choices=("intermediary", "enhanced"), default="intermediary")
    parser.add_argument("--install", action="store_true", help="enhanced: install the enhanced packages from the mirror")
    args = parser.parse_args(argv)
    extra = ["enhanced"] if args.level == "enhanced" and not args.install else []
    lend_resolver = args.level == "enhanced" and args.install
    playbook = "converge-enhanced.yml" if args.level == "enhanced" else "converge.yml"
    os.makedirs(OUTPUT, exist_ok=True)
    rootfs = os.path.join(OUTPUT, "rootfs-" + RELEASE)
    run([os.path.join(ROOT, "tests", "molecule", "rootfs.sh"), RELEASE, rootfs] + extra, stdout=subprocess.DEVNULL)
    inventory = os.path.join(OUTPUT, "inventory.yml")
    with open(inventory, "w") as handle:
        json.dump({"all": {"hosts": {RELEASE: {"ansible_connection": "community.general.chroot", "ansible_host": rootfs,
                                               "ansible_python_interpreter": "/usr/bin/python3"}}}}, handle)
    resolv = os.path.join(rootfs, "etc", "resolv.conf")
    try:
        before = scan(rootfs, "bench-before")
        if lend_resolver:
            shutil.copyfile("/etc/resolv.conf", resolv)
        first, first_recap, first_slowest = converge(inventory, playbook)
        second, second_recap, _second_slowest = converge(inventory, playbook)
        if lend_resolver and os.path.exists(resolv):
            os.remove(resolv)
        after = scan(rootfs, "bench-after-" + args.level)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    print("level %s: %s on a fresh Debian 12 rootfs (chroot)%s" % (
        args.level, "os_hardening + ssh_hardening + image_cleanup" + (" + integrity_baseline" if args.level == "enhanced" else ""),
        ", its packages installed already" if extra else (", packages installed from the mirror" if lend_resolver else "")))
    print("  first run   %6.1f s   %s" % (first, " ".join(first_recap[:2])))
    for line in first_slowest:
        print("    " + line.strip())
    print("  second run  %6.1f s   %s" % (second, " ".join(second_recap[:2])))
    print("OpenSCAP (SSG Debian 12)        pass  fail  notapplicable")
    for profile in sorted(before):
        for label, counts in (("before", before[profile]), ("after", after[profile])):
            print("  %-24s %-6s %4d  %4d  %4d" % (profile, label, counts["pass"], counts["fail"], counts["notapplicable"]))
    print("reports: %s" % OUTPUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
