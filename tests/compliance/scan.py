"""Scores a root filesystem with OpenSCAP (oscap-chroot) and the SCAP Security Guide for Debian 12.

For each profile it saves the XCCDF results (XML) and a one-page Markdown report under the output
folder, and prints one line of counts. With --enforce-waivers it fails when a rule fails that the
waiver file does not list (the acceptance check after hardening).

The profiles are evaluated with the site values of tailoring.yml (an XCCDF tailoring file written for the
run: a profile of its own per profile, extending it); --tailoring '' evaluates them as shipped.

usage: python tests/compliance/scan.py ROOTFS --label after [--output DIR] [--profile NAME ...] [--enforce-waivers]
                                       [--tailoring FILE]
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
PROFILE_PREFIX = "xccdf_org.ssgproject.content_profile_"
VALUE_PREFIX = "xccdf_org.ssgproject.content_value_"
XCCDF_NS = "http://checklists.nist.gov/xccdf/1.2"
XCCDF = "{%s}" % XCCDF_NS
TAILORED_SUFFIX = "_amiforge_tailored"


def datastream():
    return subprocess.run([os.path.join(HERE, "ssg.sh")], check=True, capture_output=True, text=True).stdout.strip()


def load_yaml(path):
    """Waiver file: {profile: {rule_id: reason}}; rules under 'all' apply to every profile.
    Tailoring file: {value_id: {value, reason}}."""
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def write_tailoring(path, profile, values):
    """An XCCDF 1.2 tailoring file: a profile of its own that extends ``profile`` and sets the values."""
    ET.register_namespace("xccdf", XCCDF_NS)
    tailoring = ET.Element(XCCDF + "Tailoring", id="xccdf_amiforge.imagebuilder_tailoring_tests")
    ET.SubElement(tailoring, XCCDF + "version", time="2026-12-01T00:00:00").text = "1"
    element = ET.SubElement(tailoring, XCCDF + "Profile", id=PROFILE_PREFIX + profile + TAILORED_SUFFIX,
                            extends=PROFILE_PREFIX + profile)
    ET.SubElement(element, XCCDF + "title").text = "%s with amiforge's test site values" % profile
    for value_id, entry in sorted(values.items()):
        ET.SubElement(element, XCCDF + "set-value", idref=VALUE_PREFIX + value_id).text = str(entry["value"])
    ET.ElementTree(tailoring).write(path, encoding="UTF-8", xml_declaration=True)


def waived(waivers, profile):
    rules = dict(waivers.get("all") or {})
    rules.update(waivers.get(profile) or {})
    return rules


def evaluate(rootfs, profile, results_path, content, values):
    """Runs oscap-chroot, with the values as a tailoring file when there are any. The dpkginfo probe reads
    apt's configuration: point APT_CONFIG at an empty one so the host's apt snippets (docker-clean) cannot
    turn every package check n/a."""
    with tempfile.TemporaryDirectory() as apt_dir:
        os.mkdir(os.path.join(apt_dir, "parts"))
        config = os.path.join(apt_dir, "apt.conf")
        with open(config, "w") as handle:
            handle.write('Dir::Etc::parts "%s/parts";\nDir::Etc::main "%s/missing.conf";\n' % (apt_dir, apt_dir))
        env = dict(os.environ, APT_CONFIG=config)
        command = ["oscap-chroot", rootfs, "xccdf", "eval", "--results", results_path]
        if values:
            tailoring = os.path.join(apt_dir, "tailoring.xml")
            write_tailoring(tailoring, profile, values)
            command += ["--tailoring-file", tailoring, "--profile", PROFILE_PREFIX + profile + TAILORED_SUFFIX]
        else:
            command += ["--profile", PROFILE_PREFIX + profile]
        command.append(content)
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


def write_report(path, label, profile, results, titles, waivers, values):
    counts = collections.Counter(results.values())
    failing = sorted(rule for rule, result in results.items() if result == "fail")
    lines = ["# OpenSCAP %s, %s" % (profile, label), "",
             "| result | rules |", "|---|---|"]
    lines += ["| %s | %d |" % (result, count) for result, count in sorted(counts.items())]
    lines += ["", "## Failing rules (%d)" % len(failing), "", "| rule | title | waiver |", "|---|---|---|"]
    lines += ["| %s | %s | %s |" % (rule, titles.get(rule, ""), waivers.get(rule, "**not waived**")) for rule in failing]
    if values:
        lines += ["", "## Tailored values (%d)" % len(values), "", "| value | set to | reason |", "|---|---|---|"]
        lines += ["| %s | %s | %s |" % (value_id, entry["value"], entry["reason"]) for value_id, entry in sorted(values.items())]
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
    parser.add_argument("--tailoring", default=os.path.join(HERE, "tailoring.yml"),
                        help="site values (YAML); '' evaluates the profiles as shipped")
    parser.add_argument("--enforce-waivers", action="append", choices=PROFILES, default=[],
                        help="fail when this profile has a failing rule that is not waived")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    content = datastream()
    waivers = load_yaml(args.waivers)
    values = load_yaml(args.tailoring) if args.tailoring else {}
    summary, unwaived = {}, {}
    for profile in args.profile or PROFILES:
        stem = os.path.join(args.output, "%s-%s" % (profile, args.label))
        evaluate(args.rootfs, profile, stem + ".xml", content, values)
        results, titles = read_results(stem + ".xml")
        profile_waivers = waived(waivers, profile)
        counts, failing = write_report(stem + ".md", args.label, profile, results, titles, profile_waivers, values)
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
