"""Shared pytest fixtures for every test folder.

- The checkout is made importable as ``ansible_collections.amiforge.imagebuilder`` through a
  link under ``.build/collections`` (the same one the Makefile makes), so tests import the
  collection's code exactly as Ansible does.
- ``shared_dir`` / ``corpus_dir`` point at ``../shared`` beside the clone (CI has it); tests that
  need it are skipped, with the reason, when it is absent.
"""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
LINK = os.path.join(COLLECTIONS, "ansible_collections", "amiforge", "imagebuilder")


def _ensure_collection_link():
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    if os.path.realpath(LINK) != os.path.realpath(ROOT):
        if os.path.islink(LINK):
            os.unlink(LINK)
        os.symlink(ROOT, LINK)
    if COLLECTIONS not in sys.path:
        sys.path.insert(0, COLLECTIONS)
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", COLLECTIONS)
    # Ansible's own files (local temp, galaxy cache, localhost's remote_tmp) in the clone, as under make (tools/env.sh),
    # so a plain `pytest` leaves nothing in ~/.ansible either.
    os.environ.setdefault("ANSIBLE_HOME", os.path.join(ROOT, ".build", "ansible"))
    os.environ.setdefault("ANSIBLE_REMOTE_TEMP", os.path.join(ROOT, ".build", "ansible", "tmp"))


_ensure_collection_link()

SHARED_DIR = os.environ.get("AMIFORGE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))


@pytest.fixture(scope="session")
def repo_root():
    return ROOT


@pytest.fixture(scope="session")
def shared_dir():
    if not os.path.isdir(SHARED_DIR):
        pytest.skip("../shared is not beside this clone (set AMIFORGE_SHARED to point at it)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def corpus_dir(shared_dir):
    path = os.path.join(shared_dir, "corpus", "component-documents")
    if not os.path.isdir(path):
        pytest.skip("%s is missing" % path)
    return path


class EmulatorProcess:
    """The Image Builder emulator (tests/emulator) running as a subprocess on a loopback port."""

    def __init__(self, url, process):
        self.url = url
        self.process = process
        self.env = {
            "AWS_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self, service, region="us-east-1", config=None):
        import boto3

        return boto3.client(service, region_name=region, endpoint_url=self.url, config=config,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def admin(self, method, path, body=None):
        import json
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + "/_amiforge/" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def calls(self):
        return self.admin("GET", "calls")

    def settings(self, **values):
        """Change the AWS-mode settings (``list_lag_seconds``, ``iam_propagation_seconds``; docs/emulator.md) and
        return them all; with no values, only return them."""
        return self.admin("POST", "settings", values) if values else self.admin("GET", "settings")

    def reset_calls(self):
        self.admin("DELETE", "calls")

    def reset(self):
        self.admin("POST", "reset")

    @classmethod
    def start(cls, env=None, stderr=None, timeout=60):
        """Start ``python -m tests.emulator`` on a free loopback port. ``env`` adds environment variables (for
        example ``AMIFORGE_EMULATOR_LIST_LAG_SECONDS``) to this process's; ``stderr`` is a file for the server's log."""
        import select
        import subprocess

        process = subprocess.Popen(
            [sys.executable, "-m", "tests.emulator", "--host", "127.0.0.1", "--port", "0"], cwd=ROOT,
            env=dict(os.environ, **(env or {})), stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL if stderr is None else stderr, text=True)
        ready = select.select([process.stdout], [], [], timeout)[0]
        line = process.stdout.readline() if ready else ""
        if not line.startswith("emulator: "):
            process.kill()
            raise RuntimeError("the emulator did not start: %r" % line)
        return cls(line.split(" ", 1)[1].strip(), process)

    def stop(self):
        import subprocess

        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    """Start ``python -m tests.emulator`` on a free loopback port for the session; stop it after."""
    log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with open(log_path, "wb") as log:
        try:
            server = EmulatorProcess.start(stderr=log)
        except RuntimeError as error:
            raise RuntimeError("%s\n%s" % (error, log_path.read_text()))
    yield server
    server.stop()
