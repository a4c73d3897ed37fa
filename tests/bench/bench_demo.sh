#!/usr/bin/env bash
# make demo's duration against its target (issue 12: under 2 minutes on 2 cores after setup), with the
# time of each playbook run. Run it on an idle machine: it measures wall time.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp -t amiforge-bench-demo.XXXXXX)
trap 'rm -f "$log"' EXIT
start=$(date +%s.%N)
tools/demo >"$log" 2>&1 || { cat "$log"; echo "bench_demo: the demo failed"; exit 1; }
end=$(date +%s.%N)
python3 - "$start" "$end" <<'PY'
import sys
seconds = float(sys.argv[2]) - float(sys.argv[1])
print("bench_demo: make demo took %.1f s (target < 120 s): %s" % (seconds, "met" if seconds < 120 else "NOT met"))
PY
