"""Run one test stage that is not pytest (sanity, lint, a molecule scenario) and record
its result as a JUnit file, so tools/summary.py can count every stage of `make test`.

usage: python tools/stage.py NAME -- COMMAND [ARGS...]
       python tools/stage.py NAME --skip REASON    (recorded as skipped, with its reason, and nothing run)
"""
import os
import subprocess
import sys
import time
from xml.sax.saxutils import quoteattr


def main(argv):
    if len(argv) == 3 and argv[1] == "--skip":
        name, returncode, elapsed, outcome = argv[0], 0, 0.0, "<skipped message=%s/>" % quoteattr(argv[2])
    elif len(argv) >= 3 and argv[1] == "--":
        name, command = argv[0], argv[2:]
        started = time.monotonic()
        returncode = subprocess.call(command)
        elapsed = time.monotonic() - started
        outcome = "" if returncode == 0 else '<failure message="exit code %d"/>' % returncode
    else:
        sys.exit(__doc__)
    # AMIFORGE_JUNIT_DIR: elsewhere than the clone's tests/output/junit (the tests of the tools that record stages)
    junit_dir = os.environ.get("AMIFORGE_JUNIT_DIR") or os.path.join(os.environ.get("AMIFORGE_ROOT", "."), "tests", "output", "junit")
    os.makedirs(junit_dir, exist_ok=True)
    with open(os.path.join(junit_dir, "stage-%s.xml" % name.replace("/", "-")), "w") as junit:
        junit.write(
            '<testsuite name="stage" tests="1" failures="%d">'
            '<testcase classname="stage" name=%s time="%.1f">%s</testcase></testsuite>\n'
            % (int(returncode != 0), quoteattr(name), elapsed, outcome)
        )
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
