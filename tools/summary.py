"""Print the closing line of `make test`: every JUnit file written by its stages, added up,
in pytest's words ("N passed, N failed, N skipped")."""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def count(junit_dir):
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    for path in sorted(glob.glob(os.path.join(junit_dir, "*.xml"))):
        for case in ET.parse(path).getroot().iter("testcase"):
            if case.find("failure") is not None or case.find("error") is not None:
                totals["failed"] += 1
            elif case.find("skipped") is not None:
                totals["skipped"] += 1
            else:
                totals["passed"] += 1
    return totals


def main(argv):
    totals = count(argv[0] if argv else "tests/output/junit")
    line = "%(passed)d passed, %(failed)d failed" % totals
    if totals["skipped"]:
        line += ", %(skipped)d skipped" % totals
    print("=" * 20 + " make test " + "=" * 20)
    print(line)
    return 1 if totals["failed"] or not totals["passed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
