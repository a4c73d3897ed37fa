"""Benchmark of the hardening roles on one fresh Debian 12 root filesystem: wall time of the roles
(first run and an idempotent second run) and the OpenSCAP ANSSI BP-028 counts before and after.

Runs the same converge playbook as the molecule scenarios, through the chroot connection, inside
fresh mount/PID namespaces. Results go to tests/output/bench/ (XML, Markdown reports, JSON summary, the two runs' logs).

usage: python tests/bench/bench_hardening.py [--level intermediary|enhanced] [--install | --as-component]
  (none)        what `make bench` runs: the enhanced level through chroot (with the scans), then as components,
                and the targets of issue 14: first run under 60 s both ways, a second run that changes nothing,
                at most 20 failing rules of anssi_bp28_enhanced and 14 of anssi_bp28_intermediary; exits 1 when
                one is missed
  intermediary  os_hardening, ssh_hardening, image_cleanup (tests/molecule/converge.yml)
  enhanced      os_hardening at the enhanced level, ssh_hardening, image_cleanup, integrity_baseline
                (tests/molecule/converge-enhanced.yml), on the rootfs that has AppArmor, rsyslog, chrony and
                AIDE installed already (tests/molecule/rootfs-packages-enhanced.txt), as the enhanced molecule
                scenarios use: the roles' own time (the target is under 60 s).
  --install     enhanced: the plain rootfs instead, so that the first run installs those packages from the Debian
                mirror (the host's resolv.conf is lent to the chroot for both runs: removing it in between would
                change /etc after the AIDE database); the slowest tasks are printed so the download can be told
                apart from the roles.
  --as-component  enhanced: the roles as Image Builder components built by role_component run them on a Debian 12
                build instance: one `ansible-playbook --connection local` per role, inside the image, from its work
                folder under /var/tmp, with the environment of the document's RunRole step (pipelining on) and Debian
                12's ansible-core from apt (what the document's InstallAnsible step installs there). The rootfs with
                the enhanced packages gets ansible-core from the Debian mirror once and is cached beside the others
                (~/.cache/amiforge/rootfs/<release>-<hash>-ansible-core.tar). Timings only, no scan (the image
                carries Ansible here). The roles run in image-build mode (no service manager runs in the rootfs;
                on an instance os_hardening would enable units with systemctl instead of links).
"""
import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "tests", "output", "bench")
RELEASE = "bookworm"
TARGET_SECONDS = 60
TARGET_FAILING = {"anssi_bp28_enhanced": 20, "anssi_bp28_intermediary": 14}
ISOLATE = ["unshare", "--mount", "--pid", "--fork", "--mount-proc", "--ipc", "--uts"]


def run(command, **kwargs):
    return subprocess.run(command, check=True, text=True, **kwargs)


def scan(rootfs, label):
    run([sys.executable, os.path.join(ROOT, "tests", "compliance", "scan.py"), rootfs, "--label", label, "--output", OUTPUT],
        stdout=subprocess.DEVNULL)
    with open(os.path.join(OUTPUT, "summary-%s.json" % label)) as handle:
        return json.load(handle)


def converge(inventory, playbook, log):
    env = dict(os.environ, ANSIBLE_PIPELINING="1", ANSIBLE_GATHERING="explicit", ANSIBLE_NOCOLOR="1",
               ANSIBLE_CALLBACKS_ENABLED="ansible.posix.profile_tasks", PROFILE_TASKS_TASK_OUTPUT_LIMIT=os.environ.get("PROFILE_TASKS_TASK_OUTPUT_LIMIT", "5"))
    started = time.monotonic()
    completed = subprocess.run(ISOLATE + ["ansible-playbook", "-i", inventory, os.path.join(ROOT, "tests", "molecule", playbook)],
                               env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    with open(os.path.join(OUTPUT, log), "w") as handle:
        handle.write(completed.stdout + completed.stderr)
    if completed.returncode != 0:
        sys.exit("converge failed:\n" + completed.stdout[-3000:])
    lines = completed.stdout.splitlines()
    recap = [line for line in lines if line.startswith(RELEASE + " ")]
    slowest = [line for line in lines if line.rstrip().endswith("s") and " -" in line and line.startswith("amiforge.")][:5]
    changed, task = [], None
    for line in lines:
        if line.startswith("TASK ["):
            task = line[6:].split("]")[0]
        elif line.startswith("changed:") and task not in changed:
            changed.append(task)
    return elapsed, recap[-1].split(":", 1)[1].split() if recap else [], slowest, changed


COMPONENT_ROLES = ("os_hardening", "ssh_hardening", "image_cleanup", "integrity_baseline")
# The environment of role_component's RunRole step (roles/role_component/templates/component.yml.j2).
RUN_ROLE = """set -eu
work=/var/tmp/amiforge-{role}
cd "$work"
export HOME=/root ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_REMOTE_TEMP="$work/tmp" ANSIBLE_RETRY_FILES_ENABLED=false \\
  ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_PIPELINING=true
ansible-playbook --connection local --inventory localhost, --extra-vars "@$work/variables.yml" "$work/content/playbook.yml"
"""


def in_image(rootfs, script):
    """A bash script run as root inside the rootfs with /proc mounted, in namespaces of its own (as on an instance)."""
    wrapper = 'set -e; mount -t proc proc "$1/proc"; exec chroot "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$2"'
    return subprocess.run(ISOLATE + ["sh", "-c", wrapper, "sh", rootfs, script], capture_output=True, text=True, check=False)


def rootfs_with_ansible(dest):
    """The enhanced rootfs with Debian's ansible-core installed from the mirror, cached beside rootfs.sh's tarballs."""
    base = run([os.path.join(ROOT, "tests", "molecule", "rootfs.sh"), RELEASE, "--cache-only", "enhanced"], capture_output=True).stdout.strip()
    cached = base[:-len(".tar")] + "-ansible-core.tar"
    with open(cached + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(cached):
            run([os.path.join(ROOT, "tests", "molecule", "rootfs.sh"), RELEASE, dest, "enhanced"], stdout=subprocess.DEVNULL)
            shutil.copyfile("/etc/resolv.conf", os.path.join(dest, "etc", "resolv.conf"))
            installed = in_image(dest, "DEBIAN_FRONTEND=noninteractive apt-get -qq update && DEBIAN_FRONTEND=noninteractive "
                                       "apt-get -qq install -y --no-install-recommends ansible-core && apt-get clean && rm -rf /var/lib/apt/lists/*")
            os.remove(os.path.join(dest, "etc", "resolv.conf"))
            if installed.returncode != 0:
                sys.exit("installing ansible-core failed:\n" + installed.stdout[-2000:] + installed.stderr[-2000:])
            run(["tar", "--numeric-owner", "--xattrs", "-cf", cached + ".part", "-C", dest, "."])
            os.rename(cached + ".part", cached)
            shutil.rmtree(dest)
    os.makedirs(dest)
    run(["tar", "--numeric-owner", "--xattrs", "-xpf", cached, "-C", dest])


def as_components(rootfs):
    """One pass over the roles, each as its component runs it; returns the seconds and each role's recap."""
    converge = yaml.safe_load(open(os.path.join(ROOT, "tests", "molecule", "converge-enhanced.yml")))
    # Image-build mode for every role: the rootfs has no running service manager (an instance has one).
    variables = dict([play for play in converge if play.get("roles")][0]["vars"],
                     **{role + "_image_build_mode": True for role in COMPONENT_ROLES})
    started, recaps = time.monotonic(), {}
    for role in COMPONENT_ROLES:
        work = os.path.join(rootfs, "var", "tmp", "amiforge-" + role)   # created by the component's own steps, one at a time
        shutil.copytree(os.path.join(ROOT, "roles", role), os.path.join(work, "content", role), ignore=shutil.ignore_patterns("molecule"))
        with open(os.path.join(work, "content", "playbook.yml"), "w") as handle:
            yaml.safe_dump([{"name": "Apply the role " + role, "hosts": "localhost", "connection": "local", "gather_facts": False,
                             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "roles": [{"role": role}]}], handle)
        with open(os.path.join(work, "variables.yml"), "w") as handle:
            yaml.safe_dump(variables, handle)
        role_started = time.monotonic()
        completed = in_image(rootfs, RUN_ROLE.format(role=role))
        with open(os.path.join(OUTPUT, "component-%s.log" % role), "a") as handle:
            handle.write(completed.stdout + completed.stderr)
        if completed.returncode != 0:
            sys.exit("%s failed:\n%s" % (role, completed.stdout[-3000:]))
        recap = [line.split(":", 1)[1].split()[:2] for line in completed.stdout.splitlines() if line.startswith("localhost ")][-1]
        recaps[role] = ["%.1fs" % (time.monotonic() - role_started)] + recap
        shutil.rmtree(work)   # the component's Cleanup step
    return time.monotonic() - started, recaps


def component_bench():
    rootfs = os.path.join(OUTPUT, "rootfs-%s-ansible" % RELEASE)
    shutil.rmtree(rootfs, ignore_errors=True)
    for role in COMPONENT_ROLES:
        if os.path.exists(os.path.join(OUTPUT, "component-%s.log" % role)):
            os.remove(os.path.join(OUTPUT, "component-%s.log" % role))
    rootfs_with_ansible(rootfs)
    try:
        version = in_image(rootfs, "ansible-playbook --version | head -n 1").stdout.strip()
        runs = [as_components(rootfs), as_components(rootfs)]
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    print("level enhanced as Image Builder components: one ansible-playbook --connection local per role in a fresh Debian 12 "
          "rootfs (%s, pipelining), its packages installed already" % version)
    for label, (seconds, recaps) in zip(("first run", "second run"), runs):
        print("  %-11s %6.1f s   %s" % (label, seconds, "  ".join("%s %s" % (role, " ".join(recaps[role])) for role in COMPONENT_ROLES)))
    print("logs: %s/component-*.log" % OUTPUT)
    return runs


def chroot_bench(level, install):
    """The roles through the chroot connection, twice, with an OpenSCAP scan before and after; prints and returns
    {"first": s, "second_changed": [tasks], "after": {profile: counts}}."""
    extra = ["enhanced"] if level == "enhanced" and not install else []
    lend_resolver = level == "enhanced" and install
    playbook = "converge-enhanced.yml" if level == "enhanced" else "converge.yml"
    rootfs = os.path.join(OUTPUT, "rootfs-" + RELEASE)
    run([os.path.join(ROOT, "tests", "molecule", "rootfs.sh"), RELEASE, rootfs] + extra, stdout=subprocess.DEVNULL)
    inventory = os.path.join(OUTPUT, "inventory.yml")
    with open(inventory, "w") as handle:
        json.dump({"all": {"hosts": {RELEASE: {"ansible_connection": "community.general.chroot", "ansible_host": rootfs,
                                               "ansible_python_interpreter": "/usr/bin/python3",
                                               # inside the image, as by default (make points remote_tmp into the
                                               # clone, a path the image would then carry)
                                               "ansible_remote_tmp": "~/.ansible/tmp"}}}}, handle)
    resolv = os.path.join(rootfs, "etc", "resolv.conf")
    try:
        before = scan(rootfs, "bench-before")
        if lend_resolver:
            shutil.copyfile("/etc/resolv.conf", resolv)
        first, first_recap, first_slowest, _first_changed = converge(inventory, playbook, "converge-first.log")
        second, second_recap, _second_slowest, second_changed = converge(inventory, playbook, "converge-second.log")
        if lend_resolver and os.path.exists(resolv):
            os.remove(resolv)
        after = scan(rootfs, "bench-after-" + level)
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)
    print("level %s: %s on a fresh Debian 12 rootfs (chroot)%s" % (
        level, "os_hardening + ssh_hardening + image_cleanup" + (" + integrity_baseline" if level == "enhanced" else ""),
        ", its packages installed already" if extra else (", packages installed from the mirror" if lend_resolver else "")))
    print("  first run   %6.1f s   %s" % (first, " ".join(first_recap[:2])))
    for line in first_slowest:
        print("    " + line.strip())
    print("  second run  %6.1f s   %s" % (second, " ".join(second_recap[:2])))
    for task in second_changed:
        print("    changed again: " + task)
    print("OpenSCAP (SSG Debian 12, tests/compliance/tailoring.yml's values)  pass  fail  notapplicable")
    for profile in sorted(before):
        for label, counts in (("before", before[profile]), ("after", after[profile])):
            print("  %-24s %-6s %4d  %4d  %4d" % (profile, label, counts["pass"], counts["fail"], counts["notapplicable"]))
    print("reports and the two runs' logs: %s" % OUTPUT)
    return {"first": first, "second_changed": second_changed, "after": after}


def missed_targets(chroot, component):
    """Issue 14's acceptance at the enhanced level: each way of running the roles under TARGET_SECONDS with a second
    run that changes nothing, and at most TARGET_FAILING failing rules per profile (all waived: molecule checks that)."""
    (component_first, _first_recaps), (_second_seconds, second_recaps) = component
    failures = []
    for label, first, unchanged in (
            ("chroot", chroot["first"], not chroot["second_changed"]),
            ("as components", component_first, all(recap[2] == "changed=0" for recap in second_recaps.values()))):
        if first >= TARGET_SECONDS:
            failures.append("%s: first run %.1f s, not under %d s" % (label, first, TARGET_SECONDS))
        if not unchanged:
            failures.append("%s: the second run changed something" % label)
    for profile, most in sorted(TARGET_FAILING.items()):
        if chroot["after"][profile]["fail"] > most:
            failures.append("%s: %d failing rules, more than %d" % (profile, chroot["after"][profile]["fail"], most))
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--level", choices=("intermediary", "enhanced"))
    parser.add_argument("--install", action="store_true", help="enhanced: install the enhanced packages from the mirror")
    parser.add_argument("--as-component", action="store_true", help="enhanced: each role as its Image Builder component runs it")
    args = parser.parse_args(argv)
    os.makedirs(OUTPUT, exist_ok=True)
    if args.as_component:
        if args.level != "enhanced" or args.install:
            parser.error("--as-component goes with --level enhanced, without --install")
        component_bench()
        return 0
    if args.level:
        chroot_bench(args.level, args.install)
        return 0
    failures = missed_targets(chroot_bench("enhanced", False), component_bench())
    print("targets (first run under %d s both ways, second run changed=0, failing rules %s): %s" % (
        TARGET_SECONDS, ", ".join("%s <= %d" % item for item in sorted(TARGET_FAILING.items())),
        "met" if not failures else "MISSED: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
