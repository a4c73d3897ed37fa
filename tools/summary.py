"""Print the closing line of `make test`: every JUnit file written by its stages, added up,
in pytest's words ("N passed, N failed, N skipped"), the skips grouped by their reason
("N skipped: 7 no AWS credentials, 2 needs root")."""
import collections
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def reason(skipped):
    """Why a test was skipped: the <skipped> element's message (pytest writes the reason there, prefixed
    "Skipped: " for a pytest.skip call), else its text without pytest's "path:line: " prefix."""
    text = (skipped.get("message") or skipped.text or "").strip()
    text = re.sub(r"^Skipped: ", "", text)
    text = re.sub(r"^\S+:\d+: ", "", text)
    return text or "no reason given"


def count(junit_dir):
    totals = {"passed": 0, "failed": 0, "skipped": 0, "reasons": collections.Counter()}
    for path in sorted(glob.glob(os.path.join(junit_dir, "*.xml"))):
        for case in ET.parse(path).getroot().iter("testcase"):
            skipped = case.find("skipped")
            if case.find("failure") is not None or case.find("error") is not None:
                totals["failed"] += 1
            elif skipped is not None:
                totals["skipped"] += 1
                totals["reasons"][reason(skipped)] += 1
            else:
                totals["passed"] += 1
    return totals


def line(totals):
    text = "%(passed)d passed, %(failed)d failed" % totals
    if totals["skipped"]:
        reasons = sorted(totals["reasons"].items(), key=lambda item: (-item[1], item[0]))
        text += ", %d skipped: %s" % (totals["skipped"], "; ".join("%d %s" % (n, why) for why, n in reasons))
    return text


def main(argv):
    totals = count(argv[0] if argv else "tests/output/junit")
    print("=" * 20 + " make test " + "=" * 20)
    print(line(totals))
    return 1 if totals["failed"] or not totals["passed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
