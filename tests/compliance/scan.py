"""Scores a root filesystem with OpenSCAP (oscap-chroot) and the SCAP Security Guide for Debian 12.

For each profile it saves the XCCDF results (XML) and a one-page Markdown report under the output
folder, and prints one line of counts. With --enforce-waivers it fails when a rule fails that the
waiver file does not list (the acceptance check after hardening).

usage: python tests/compliance/scan.py ROOTFS --label after [--output DIR] [--profile NAME ...] [--enforce-waivers]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROFILES = ("anssi_bp28_intermediary", "anssi_bp28_enhanced")
RULE_PREFIX = "xccdf_org.ssgproject.content_rule_"
XCCDF = "{http://checklists.nist.gov/xccdf/1.2}"


def datastream():
    return subprocess.run([os.path.join(HERE, "ssg.sh")], check=True, capture_output=True, text=True).stdout.strip()


def load_waivers(path):
    """Waiver file: {profile: {rule_id: reason}}; rules under 'all' apply to every profile."""
    with open(path) as handle:
        data = yaml.safe_load(handle) or {}
    return data


def waived(waivers, profile):
    rules = dict(waivers.get("all") or {})
    rules.update(waivers.get(profile) or {})
    return rules


def evaluate(rootfs, profile, results_path, content):
    """Runs oscap-chroot. The dpkginfo probe reads apt's configuration: point APT_CONFIG at an
    empty one so the host's apt snippets (docker-clean) cannot turn every package check n/a."""
    with tempfile.TemporaryDirectory() as apt_dir:
        os.mkdir(os.path.join(apt_dir, "parts"))
        config = os.path.join(apt_dir, "apt.conf")
        with open(config, "w") as handle:
            handle.write('Dir::Etc::parts "%s/parts";\nDir::Etc::main "%s/missing.conf";\n' % (apt_dir, apt_dir))
        env = dict(os.environ, APT_CONFIG=config)
        command = ["oscap-chroot", rootfs, "xccdf", "eval", "--profile", "xccdf_org.ssgproject.content_profile_" + profile,
                   "--results", results_path, content]
        completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    # oscap exits 2 when some rule failed, which is a result, not an error.
    if completed.returncode not in (0, 2):
        sys.exit("oscap failed (%d): %s" % (completed.returncode, completed.stderr[-2000:]))


def read_results(results_path):
    """Returns ({rule_id: result}, {rule_id: title})."""
    tree = ET.parse(results_path)
    titles = {rule.get("id")[len(RULE_PREFIX):]: (rule.findtext(XCCDF + "title") or "").strip()
              for rule in tree.iter(XCCDF + "Rule")}
    results = {}
    for rule_result in tree.iter(XCCDF + "rule-result"):
        result = rule_result.findtext(XCCDF + "result")
        if result != "notselected":
            results[rule_result.get("idref")[len(RULE_PREFIX):]] = result
    return results, titles


def write_report(path, label, profile, results, titles, waivers):
    counts = collections.Counter(results.values())
    failing = sorted(rule for rule, result in results.items() if result == "fail")
    lines = ["# OpenSCAP %s, %s" % (profile, label), "",
             "| result | rules |", "|---|---|"]
    lines += ["| %s | %d |" % (result, count) for result, count in sorted(counts.items())]
    lines += ["", "## Failing rules (%d)" % len(failing), "", "| rule | title | waiver |", "|---|---|---|"]
    lines += ["| %s | %s | %s |" % (rule, titles.get(rule, ""), waivers.get(rule, "**not waived**")) for rule in failing]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return counts, failing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rootfs")
    parser.add_argument("--label", required=True, help="before or after, names the files")
    parser.add_argument("--output", default=os.path.join(ROOT, "tests", "output", "compliance"))
    parser.add_argument("--profile", action="append", choices=PROFILES)
    parser.add_argument("--waivers", default=os.path.join(HERE, "waivers.yml"))
    parser.add_argument("--enforce-waivers", action="append", choices=PROFILES, default=[],
                        help="fail when this profile has a failing rule that is not waived")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    content = datastream()
    waivers = load_waivers(args.waivers)
    summary, unwaived = {}, {}
    for profile in args.profile or PROFILES:
        stem = os.path.join(args.output, "%s-%s" % (profile, args.label))
        evaluate(args.rootfs, profile, stem + ".xml", content)
        results, titles = read_results(stem + ".xml")
        profile_waivers = waived(waivers, profile)
        counts, failing = write_report(stem + ".md", args.label, profile, results, titles, profile_waivers)
        summary[profile] = {"pass": counts["pass"], "fail": counts["fail"], "notapplicable": counts["notapplicable"],
                            "other": sum(counts.values()) - counts["pass"] - counts["fail"] - counts["notapplicable"]}
        print("%-26s %-6s pass %3d  fail %3d  notapplicable %3d  other %3d  report %s.md" % (
            profile, args.label, summary[profile]["pass"], summary[profile]["fail"], summary[profile]["notapplicable"],
            summary[profile]["other"], stem))
        if profile in args.enforce_waivers:
            unwaived[profile] = [rule for rule in failing if rule not in profile_waivers]
            stale = sorted(rule for rule in profile_waivers if rule in results and rule not in failing)
            if stale:
                print("%s: waived but no longer failing (remove from the waiver file): %s" % (profile, ", ".join(stale)))
    with open(os.path.join(args.output, "summary-%s.json" % args.label), "w") as handle:
        json.dump(summary, handle, indent=1, sort_keys=True)
    bad = {profile: rules for profile, rules in unwaived.items() if rules}
    if bad:
        for profile, rules in bad.items():
            print("%s: failing and not waived: %s" % (profile, ", ".join(rules)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
