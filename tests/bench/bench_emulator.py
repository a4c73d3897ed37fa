"""Benchmark: the Image Builder emulator's start time (budget 3 s, from launch to a served call) and
the median CreateComponent + GetComponent round trip on loopback (budget 20 ms each). Fails when a
budget is exceeded.

Run with `make bench` or `python tests/bench/bench_emulator.py [ROUNDS]`."""
import statistics
import os
import subprocess
import sys
import time
import urllib.request

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
START_LIMIT = 3.0
ROUND_TRIP_LIMIT = 0.020
DOCUMENT = "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: hello\n        action: ExecuteBash\n        inputs: {commands: [echo]}\n"


def main(rounds):
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = process.stdout.readline().split()[1]
        printed = time.perf_counter() - started
        urllib.request.urlopen(url + "/_amiforge/calls", timeout=10).read()
        ready = time.perf_counter() - started
        client = boto3.client("imagebuilder", region_name="us-east-1", endpoint_url=url,
                              aws_access_key_id="bench", aws_secret_access_key="bench")
        client.list_components()  # the first Image Builder call creates the region's backends
        first_call = time.perf_counter() - started
        creates, gets = [], []
        for index in range(rounds):
            start = time.perf_counter()
            arn = client.create_component(name="bench", semanticVersion="1.0.%d" % index, platform="Linux",
                                          data=DOCUMENT)["componentBuildVersionArn"]
            middle = time.perf_counter()
            client.get_component(componentBuildVersionArn=arn)
            creates.append(middle - start)
            gets.append(time.perf_counter() - middle)
    finally:
        process.terminate()
        process.wait(timeout=10)
    create_median, get_median = statistics.median(creates), statistics.median(gets)
    print("start: URL printed %.2f s, admin call served %.2f s, first Image Builder call %.2f s (budget %.1f s to serve)"
          % (printed, ready, first_call, START_LIMIT))
    print("round trip over %d rounds: CreateComponent median %.1f ms (p95 %.1f), GetComponent median %.1f ms (p95 %.1f); budget %.0f ms"
          % (rounds, create_median * 1000, sorted(creates)[int(rounds * 0.95)] * 1000, get_median * 1000,
             sorted(gets)[int(rounds * 0.95)] * 1000, ROUND_TRIP_LIMIT * 1000))
    over = ready > START_LIMIT or create_median > ROUND_TRIP_LIMIT or get_median > ROUND_TRIP_LIMIT
    print("emulator bench: %s" % ("OVER BUDGET" if over else "within budget"))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
