"""Opt-in checks against a real AWS account (see tests/live/README.md).

Every test here is skipped, with the reason, unless all of these hold:

- ``AMIFORGE_LIVE=1`` is set;
- no endpoint override is set (``AWS_URL``, ``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_*``), so the
  tests never run against the emulator or another stand-in by accident;
- boto3 resolves credentials and a region, and STS GetCallerIdentity answers with a real account.

The tests use boto3 directly, not the collection's modules: they check what AWS does, not what
the engine does. Each test names what it creates ``amiforge-live-<random>`` and deletes it in
``cleanup``, even when it fails; what could not be deleted is reported as an error at teardown.
"""
import os
import time
import uuid

import pytest

ENDPOINT_VARIABLES = ("AWS_URL", "AWS_ENDPOINT_URL")
EMULATOR_ACCOUNT = "123456789012"  # moto's (and so the emulator's) default account


def region():
    """The region as the collection's modules take it: AWS_REGION, then AWS_DEFAULT_REGION and the profile (boto3)."""
    if os.environ.get("AWS_REGION"):
        return os.environ["AWS_REGION"]
    import boto3

    return boto3.Session().region_name


def _skip_reason():
    """None when the live tests may run, else why not."""
    if os.environ.get("AMIFORGE_LIVE") != "1":
        return "live AWS checks are opt-in: set AMIFORGE_LIVE=1 with real credentials (see tests/live/README.md)"
    overrides = sorted(name for name in os.environ
                       if name in ENDPOINT_VARIABLES or name.startswith("AWS_ENDPOINT_URL_"))
    if overrides:
        return ("%s set: these checks run only against real AWS endpoints, never an emulator; unset %s"
                % (", ".join(overrides), " and ".join(overrides)))
    try:
        import boto3
        import botocore.exceptions
    except ImportError as error:
        return "boto3 is not installed (%s)" % error
    session = boto3.Session(region_name=region())
    if not session.region_name:
        return "no region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in the AWS profile)"
    try:
        identity = session.client("sts").get_caller_identity()
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        return "no usable AWS credentials (STS GetCallerIdentity: %s)" % error
    if identity["Account"] == EMULATOR_ACCOUNT:
        return "account %s is moto's default account: these checks need a real AWS account" % EMULATOR_ACCOUNT
    return None


class Live:
    """The account, region and partition the checks run in, and clients for them."""

    def __init__(self):
        import boto3

        self.session = boto3.Session(region_name=region())
        self.region = self.session.region_name
        identity = self.session.client("sts").get_caller_identity()
        self.account = identity["Account"]
        self.partition = identity["Arn"].split(":")[1]
        self.caller_arn = identity["Arn"]
        self._clients = {}

    def client(self, service, config=None):
        if config is not None:
            return self.session.client(service, config=config)
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    @property
    def imagebuilder(self):
        return self.client("imagebuilder")

    def arn(self, resource_type, name, version=None, build=None, account=None):
        """The ARN Image Builder gives a resource (name normalised: lower case, spaces and underscores to '-')."""
        path = [resource_type, name.lower().replace(" ", "-").replace("_", "-")]
        path += [str(part) for part in (version, build) if part is not None]
        return "arn:%s:imagebuilder:%s:%s:%s" % (self.partition, self.region, account or self.account, "/".join(path))


@pytest.fixture(scope="session")
def live():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    found = Live()
    print("\n[live] account %s, partition %s, region %s, caller %s" % (found.account, found.partition, found.region, found.caller_arn))
    return found


@pytest.fixture
def prefix(live):
    """A unique name prefix for what one test creates."""
    return "amiforge-live-%s" % uuid.uuid4().hex[:8]


class Cleanup:
    """Deletions to run after a test, newest first; each failure is kept and reported."""

    def __init__(self):
        self.actions = []
        self.failures = []

    def add(self, description, function, *args, **kwargs):
        self.actions.append((description, function, args, kwargs))

    def run(self):
        while self.actions:
            description, function, args, kwargs = self.actions.pop()
            for attempt in range(6):
                try:
                    function(*args, **kwargs)
                    break
                except Exception as error:  # pylint: disable=broad-except
                    code = getattr(error, "response", {}).get("Error", {}).get("Code")
                    if code in ("ResourceNotFoundException", "NoSuchEntity"):
                        break  # already gone
                    if attempt == 5:
                        self.failures.append("%s: %s" % (description, error))
                    else:
                        time.sleep(5 * (attempt + 1))  # dependencies (a recipe, an IAM attachment) may take a moment to clear


@pytest.fixture
def cleanup(live):
    actions = Cleanup()
    yield actions
    actions.run()
    if actions.failures:
        pytest.fail("could not delete (delete by hand):\n  " + "\n  ".join(actions.failures))
