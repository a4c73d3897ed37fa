"""Run one test stage that is not pytest (sanity, lint, a molecule scenario) and record
its result as a JUnit file, so tools/summary.py can count every stage of `make test`.

usage: python tools/stage.py NAME -- COMMAND [ARGS...]
"""
import os
import subprocess
import sys
import time
from xml.sax.saxutils import quoteattr


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.exit(__doc__)
    name, command = argv[0], argv[2:]
    started = time.monotonic()
    returncode = subprocess.call(command)
    elapsed = time.monotonic() - started
    # AMIFORGE_JUNIT_DIR: elsewhere than the clone's tests/output/junit (the tests of the tools that record stages)
    junit_dir = os.environ.get("AMIFORGE_JUNIT_DIR") or os.path.join(os.environ.get("AMIFORGE_ROOT", "."), "tests", "output", "junit")
    os.makedirs(junit_dir, exist_ok=True)
    failure = "" if returncode == 0 else '<failure message="exit code %d"/>' % returncode
    with open(os.path.join(junit_dir, "stage-%s.xml" % name.replace("/", "-")), "w") as junit:
        junit.write(
            '<testsuite name="stage" tests="1" failures="%d">'
            '<testcase classname="stage" name=%s time="%.1f">%s</testcase></testsuite>\n'
            % (int(returncode != 0), quoteattr(name), elapsed, failure)
        )
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
