"""``python -m tests.emulator --host 127.0.0.1 --port N``: run the emulator in the foreground."""
import argparse
import json
import os
import signal
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (others are refused)")
    parser.add_argument("--port", type=int, default=5000, help="port (0 picks a free one)")
    args = parser.parse_args(argv)
    from tests.emulator import server

    if not server.is_loopback(args.host):
        parser.error("refusing to bind %s: the emulator serves loopback addresses only" % args.host)
    faults = json.loads(os.environ.get("AMIFORGE_EMULATOR_FAULTS") or "[]")
    if isinstance(faults, dict):  # {"Operation": {"throttle_rate": ..}} or one spec
        faults = [faults] if "operation" in faults else [dict(spec, operation=name) for name, spec in faults.items()]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve(args.host, args.port, faults, ready=lambda line: print(line, flush=True))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
