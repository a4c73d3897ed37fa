"""Benchmark: validate every document of the component-document corpus (and one large synthetic
component) and report the time per document. Fails when any document takes 100 ms or more:
the goal is "well under a second" on a 2-core CI machine.

Run with `make bench` or `python tests/bench/bench_component_document.py [ROUNDS]`."""
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, ".build", "collections"))

from ansible_collections.amiforge.imagebuilder.plugins.module_utils.component_document import validate_document  # noqa: E402

LIMIT = 0.1  # per corpus document
SYNTHETIC_LIMIT = 0.5


def corpus():
    shared = os.environ.get("AMIFORGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
    folder = os.path.join(shared, "corpus", "component-documents")
    documents = []
    for base, _dirs, names in os.walk(folder):
        for name in sorted(names):
            if name != "SOURCES.md":
                with open(os.path.join(base, name), encoding="utf-8") as handle:
                    documents.append((os.path.relpath(os.path.join(base, name), folder), handle.read()))
    return sorted(documents)


def synthetic(steps=400):
    lines = ["name: Large", "schemaVersion: 1.0", "constants:", "  - Greeting:", "      type: string", "      value: hi", "phases:",
             "  - name: build", "    steps:"]
    for index in range(steps):
        lines += ["      - name: Step%d" % index, "        action: ExecuteBash", "        inputs:", "          commands:",
                  "            - echo '{{ Greeting }} {{ build.Step%d.outputs.stdout }}'" % max(index - 1, 0)]
    return "\n".join(lines) + "\n"


def main(rounds):
    documents = corpus() + [("synthetic: 400 chained ExecuteBash steps", synthetic())]
    if len(documents) == 1:
        print("corpus not found (set AMIFORGE_SHARED); timing the synthetic document only")
    worst = []
    start_all = time.perf_counter()
    for name, text in documents:
        times = []
        for _round in range(rounds):
            start = time.perf_counter()
            validate_document(text)
            times.append(time.perf_counter() - start)
        worst.append((max(times), statistics.mean(times), len(text), name))
    total = time.perf_counter() - start_all
    worst.sort(reverse=True)
    print("component_document: %d documents x %d rounds in %.2f s" % (len(documents), rounds, total))
    print("  mean per document %.1f ms, slowest %.1f ms" % (1000 * statistics.mean(entry[1] for entry in worst), 1000 * worst[0][0]))
    for slowest, mean, size, name in worst[:5]:
        print("  %7.1f ms max %7.1f ms mean %7d bytes  %s" % (1000 * slowest, 1000 * mean, size, name))
    failed = [entry for entry in worst if entry[0] >= (SYNTHETIC_LIMIT if entry[3].startswith("synthetic") else LIMIT)]
    for slowest, _mean, _size, name in failed:
        print("FAIL: %s took %.0f ms" % (name, 1000 * slowest))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
