"""Fault injection (admin endpoint and environment) and the build clock setting."""
import json
import os
import subprocess
import sys

import pytest

from tests.emulator.tests.conftest import DOCUMENT, NO_RETRY, error_code, status_of, unique


@pytest.fixture
def faults(emulator):
    yield lambda **spec: emulator.admin("POST", "faults", spec)
    emulator.admin("DELETE", "faults")


def test_throttling_is_a_429_and_stores_nothing(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="CreateComponent", throttle_rate=1)
    emulator.reset_calls()
    name = unique("throttled")
    with pytest.raises(ib.exceptions.CallRateLimitExceededException) as excinfo:
        ib.create_component(name=name, semanticVersion="1.0.0", platform="Linux", data="phases: []")
    assert status_of(excinfo) == 429
    assert ib.list_components(filters=[{"name": "name", "values": [name]}])["componentVersionList"] == []
    assert [(c["operation"], c["status"]) for c in emulator.calls()] == [("CreateComponent", 429), ("ListComponents", 200)]


def test_unavailable_is_a_503(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="ListImages", error_rate=1)
    with pytest.raises(ib.exceptions.ServiceUnavailableException) as excinfo:
        ib.list_images()
    assert status_of(excinfo) == 503
    ib.list_image_recipes()  # other operations are untouched


def test_a_partial_rate_faults_about_that_share_of_calls(emulator, faults):
    ib = emulator.client("imagebuilder", config=NO_RETRY)
    faults(operation="ListImageRecipes", throttle_rate=0.5)
    emulator.reset_calls()
    failed = 0
    for _round in range(200):
        try:
            ib.list_image_recipes(maxResults=1)
        except ib.exceptions.CallRateLimitExceededException:
            failed += 1
    statuses = [c["status"] for c in emulator.calls()]
    assert statuses.count(429) == failed and statuses.count(200) == 200 - failed
    assert 60 <= failed <= 140  # binomial(200, 0.5): more than six standard deviations of room


def test_wildcard_faults_reach_other_services_in_their_protocol(emulator, faults):
    faults(operation="*", throttle_rate=1)
    with pytest.raises(Exception) as excinfo:
        emulator.client("ec2", config=NO_RETRY).describe_vpcs()
    assert error_code(excinfo) == "RequestLimitExceeded"
    with pytest.raises(Exception) as excinfo:
        emulator.client("ssm", config=NO_RETRY).describe_parameters()
    assert error_code(excinfo) == "ThrottlingException"
    with pytest.raises(Exception) as excinfo:
        emulator.client("iam", config=NO_RETRY).list_roles()
    assert error_code(excinfo) == "Throttling"
    with pytest.raises(Exception) as excinfo:
        emulator.client("s3", config=NO_RETRY).list_buckets()
    assert error_code(excinfo) == "SlowDown" and status_of(excinfo) == 503  # S3's throttling is a 503
    emulator.admin("DELETE", "faults")
    emulator.client("ec2", config=NO_RETRY).describe_vpcs()


def test_environment_sets_faults_clock_and_quota_at_start(repo_root):
    from tests.conftest import EmulatorProcess

    env = dict(os.environ, AMIFORGE_EMULATOR_STEP_SECONDS="0.05", AMIFORGE_EMULATOR_QUOTA="2",
               AMIFORGE_EMULATOR_FAULTS=json.dumps({"ListWorkflows": {"error_rate": 1}}))
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0"], cwd=repo_root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server = EmulatorProcess(process.stdout.readline().split()[1], process)
        assert server.admin("GET", "clock") == {"step_seconds": 0.05}
        ib = server.client("imagebuilder", config=NO_RETRY)
        with pytest.raises(ib.exceptions.ServiceUnavailableException):
            ib.list_workflows()
        assert ib.list_components(owner="Amazon")["componentVersionList"]  # seeds do not count against the quota
        server.client("iam").create_instance_profile(InstanceProfileName="p")
        for name in ("one", "two"):
            ib.create_infrastructure_configuration(name=name, instanceProfileName="p")
        with pytest.raises(ib.exceptions.ServiceQuotaExceededException) as excinfo:
            ib.create_infrastructure_configuration(name="three", instanceProfileName="p")
        assert status_of(excinfo) == 402
    finally:
        process.terminate()
        process.wait(timeout=10)


def _held(emulator):
    """The call the hold stopped, once it stopped one (the client thread is blocked on it meanwhile)."""
    import time

    for _poll in range(2000):
        held = emulator.admin("GET", "hold")["held"]
        if held:
            return held
        time.sleep(0.01)  # waiting for the request to arrive, nothing measured
    raise AssertionError("no call was held")


@pytest.mark.parametrize("apply", [True, False], ids=["released-applied", "released-dropped"])
def test_hold_stops_the_kth_write_until_released_applied_or_not(emulator, apply):
    """A kill point measured in calls: the k-th write call waits until released; released applied, the change is
    stored; released unapplied, nothing is stored and the call is logged as held. Reads are not counted."""
    import threading

    ib = emulator.client("imagebuilder", config=NO_RETRY)
    names = [unique("held"), unique("held")]
    emulator.reset_calls()
    assert emulator.admin("POST", "hold", {"write": 2})["armed"] is True
    outcome = {}

    def client():
        for name in names:
            ib.list_components(filters=[{"name": "name", "values": [name]}])  # a read: not counted
            try:
                outcome[name] = ib.create_component(
                    name=name, semanticVersion="1.0.0", platform="Linux", data=DOCUMENT.format(step="s"))["componentBuildVersionArn"]
            except Exception as error:  # the dropped call's 503
                outcome[name] = error

    thread = threading.Thread(target=client)
    thread.start()
    try:
        assert _held(emulator) == {"service": "imagebuilder", "operation": "CreateComponent", "write": 2}
        assert thread.is_alive() and names[1] not in outcome
    finally:
        state = emulator.admin("POST", "hold/release", {"apply": apply})
        thread.join(30)
    assert state["armed"] is False
    stored = ib.get_component(componentBuildVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:component/%s/1.0.0/1" % names[1]) \
        if apply else None
    if apply:
        assert stored["component"]["name"] == names[1]
    else:
        assert isinstance(outcome[names[1]], Exception)
        with pytest.raises(ib.exceptions.ResourceNotFoundException):
            ib.get_component(componentBuildVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:component/%s/1.0.0/1" % names[1])
        assert [c for c in emulator.calls() if c.get("held")] == [dict(
            service="imagebuilder", operation="CreateComponent", status=0, region="us-east-1", session_token=False, write=True, held=True)]
    assert isinstance(outcome[names[0]], str), "the first write went through"


def test_hold_refuses_a_count_that_is_not_a_whole_number(emulator):
    for bad in (0, "2", True, None):
        with pytest.raises(Exception) as excinfo:
            emulator.admin("POST", "hold", {"write": bad})
        assert excinfo.value.code == 400
    assert emulator.admin("GET", "hold")["armed"] is False


def test_injected_faults_are_marked_in_the_call_log(emulator, faults):
    faults(operation="ListImages", error_rate=1)
    emulator.reset_calls()
    with pytest.raises(Exception):
        emulator.client("imagebuilder", config=NO_RETRY).list_images()
    emulator.client("imagebuilder", config=NO_RETRY).list_image_recipes()
    assert [(c["operation"], c.get("injected", False)) for c in emulator.calls()] == [("ListImages", True), ("ListImageRecipes", False)]
